//! Multi-Region services through their entry points (`../shared/domain.md` §9) and
//! their DR tiers: every routing policy × health evaluation × loss.

use blastmap_core::findings;
use blastmap_core::model::*;
use blastmap_core::sim::{Matrix, Status, Topology, dr_tier};

use crate::fixture::{ACCOUNT, Fx, Sim};

/// `web-use1` (us-east-1, 2 × 2 vCPU) and `web-euw1` (eu-west-1, `eu` × 2 vCPU),
/// each behind an ALB with a DNS name; `front` builds what sits in front of them.
fn two_regions(eu: usize, front: impl FnOnce(&mut Fx)) -> Sim {
    let mut fx = Fx::new();
    let us = fx.fleet("us", &["use1-az1", "use1-az2"], 1, &[]);
    fx.tg("web-use1", &us);
    fx.alb("alb-use1", &["use1-az1", "use1-az2"], &["web-use1"]);
    fx.dns_name("alb-use1", "alb-use1-1.us-east-1.elb.amazonaws.com");
    let acct = fx.b.account_idx(ACCOUNT);
    fx.b.az_name(acct, "eu-west-1", "eu-west-1a", "euw1-az1")
        .unwrap();
    fx.in_place(ACCOUNT, "eu-west-1", "vpc-eu");
    let euw = fx.fleet("eu", &["euw1-az1"], eu, &[]);
    fx.tg("web-euw1", &euw);
    fx.alb("alb-euw1", &["euw1-az1"], &["web-euw1"]);
    fx.dns_name("alb-euw1", "alb-euw1-1.eu-west-1.elb.amazonaws.com");
    fx.in_place(ACCOUNT, "us-east-1", "vpc-1");
    front(&mut fx);
    Sim::new(fx.build())
}

fn member(
    target: &str,
    evaluated: bool,
    failover: Option<FailoverRole>,
    region: &str,
) -> DnsMember {
    DnsMember {
        set_identifier: Some(region.into()),
        target: format!("dualstack.{target}."),
        evaluate_target_health: evaluated,
        failover,
        region: Some(region.into()),
        ..Default::default()
    }
}

fn records(fx: &mut Fx, routing: Routing, us: DnsMember, eu: DnsMember) {
    fx.global(
        "Z1/shop.example.com/A",
        Facts::DnsRecords(DnsRecords {
            zone: "Z1".into(),
            record_name: "shop.example.com".into(),
            record_type: "A".into(),
            routing,
            members: vec![us, eu],
            ..Default::default()
        }),
    );
}

const US: &str = "alb-use1-1.us-east-1.elb.amazonaws.com";
const EU: &str = "alb-euw1-1.eu-west-1.elb.amazonaws.com";

/// The single service's status and the sentence its entry point gives.
fn service(s: &Sim, lost: &[&str]) -> (Status, String) {
    let v = s.lose(lost);
    assert_eq!(v.services.len(), 1, "one service");
    let sv = &v.services[0];
    let spec = &s.topo.services()[0];
    let why = match (&sv.entry, &spec.entry) {
        (Some(ev), Some(e)) => ev.cause.describe(&s.estate, e, &spec.name),
        _ => String::new(),
    };
    (sv.status, why)
}

fn failover(evaluated: bool, eu: usize) -> Sim {
    two_regions(eu, |fx| {
        records(
            fx,
            Routing::Failover,
            member(US, evaluated, Some(FailoverRole::Primary), "us-east-1"),
            member(EU, true, Some(FailoverRole::Secondary), "eu-west-1"),
        )
    })
}

#[test]
fn an_entry_point_makes_its_members_one_service_named_after_it() {
    let s = failover(true, 2);
    assert_eq!(s.topo.services().len(), 1);
    assert_eq!(s.topo.services()[0].name, "shop.example.com");
    assert_eq!(s.topo.services()[0].paths.len(), 2);
    // Alias targets match with `dualstack.` and a trailing dot.
    assert!(
        s.topo.services()[0]
            .entry
            .as_ref()
            .unwrap()
            .members
            .iter()
            .all(|m| m.lb.is_some())
    );
}

#[test]
fn failover_with_an_evaluated_primary_fails_over_to_a_healthy_secondary() {
    let s = failover(true, 1);
    assert_eq!(service(&s, &[]).0, Status::Ok);
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Degraded);
    assert_eq!(
        why,
        "Route 53 fails shop.example.com over from alb-use1 (us-east-1) to alb-euw1 (eu-west-1)"
    );
    let v = s.lose(&["us-east-1"]);
    // The secondary carries 2 of the primary's 4 vCPU.
    assert_eq!(v.services[0].capacity, Some((4, 2)));
}

#[test]
fn while_the_primary_serves_only_its_capacity_counts_not_the_idle_secondary() {
    // Losing use1-az1 halves the primary (2 of 4 vCPU); the secondary, idle while the
    // primary serves, adds nothing. It once counted: 2 + 4 of 4, "150% of capacity".
    let s = failover(true, 2);
    let v = s.lose(&["use1-az1"]);
    assert_eq!(v.services[0].status, Status::Degraded);
    assert_eq!(v.services[0].capacity, Some((4, 2)));
    // Latency routing: both Regions take users, both count.
    let s = two_regions(2, |fx| {
        records(
            fx,
            Routing::Latency,
            member(US, true, None, "us-east-1"),
            member(EU, true, None, "eu-west-1"),
        )
    });
    let v = s.lose(&["use1-az1"]);
    assert_eq!(v.services[0].capacity, Some((8, 6)));
}

#[test]
fn failover_with_a_primary_route53_cannot_see_keeps_sending_users_to_it() {
    let s = failover(false, 2);
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Down);
    assert!(
        why.contains("cannot see the primary alb-use1 (us-east-1) fail"),
        "{why}"
    );
}

#[test]
fn failover_with_both_members_down_is_down() {
    let s = failover(true, 1);
    let (status, _) = service(&s, &["us-east-1", "euw1-az1"]);
    assert_eq!(status, Status::Down);
}

#[test]
fn losing_the_secondary_leaves_the_service_as_its_primary_is() {
    let s = failover(true, 1);
    assert_eq!(service(&s, &["eu-west-1"]).0, Status::Ok);
}

fn latency(evaluated: bool) -> Sim {
    two_regions(2, |fx| {
        records(
            fx,
            Routing::Latency,
            member(US, evaluated, None, "us-east-1"),
            member(EU, evaluated, None, "eu-west-1"),
        )
    })
}

#[test]
fn latency_records_route53_can_see_move_the_lost_regions_share() {
    let s = latency(true);
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Degraded);
    assert!(
        why.contains("sees alb-use1 (us-east-1) fail and moves its share"),
        "{why}"
    );
}

#[test]
fn latency_records_without_health_evaluation_keep_sending_the_lost_regions_users() {
    let s = latency(false);
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Degraded, "not ok: that share fails");
    assert!(
        why.contains("cannot see alb-use1 (us-east-1) fail"),
        "{why}"
    );
    assert!(why.contains("keeps going there and fails"), "{why}");
}

#[test]
fn shares_are_down_only_when_every_member_is() {
    let s = latency(true);
    assert_eq!(service(&s, &["us-east-1", "eu-west-1"]).0, Status::Down);
    assert_eq!(service(&s, &[]).0, Status::Ok);
}

/// `ga-shop`: us-east-1 dialled to 100, eu-west-1 (with `eu` × 2 vCPU) to 0.
fn accelerated(eu: usize) -> Sim {
    two_regions(eu, |fx| {
        let group = |region: &str, dial: u8, lb: &str| EndpointGroup {
            region: region.into(),
            traffic_dial: dial,
            endpoints: vec![AcceleratorEndpoint {
                id: lb.into(),
                weight: 128,
            }],
        };
        fx.global(
            "ga-shop",
            Facts::Accelerator(Accelerator {
                dns_name: None,
                endpoint_groups: vec![
                    group("us-east-1", 100, "alb-use1"),
                    group("eu-west-1", 0, "alb-euw1"),
                ],
            }),
        );
    })
}

#[test]
fn a_global_accelerator_fails_over_to_a_standby_group_dialled_to_zero() {
    let s = accelerated(2);
    assert_eq!(s.topo.services()[0].name, "ga-shop");
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Degraded);
    assert!(
        why.starts_with("Global Accelerator sees alb-use1 (us-east-1) fail"),
        "{why}"
    );
}

#[test]
fn a_cloudfront_origin_group_fails_over_for_reads_only() {
    let s = two_regions(2, |fx| {
        fx.global(
            "cf-shop",
            Facts::Distribution(Distribution {
                domain: Some("d1.cloudfront.net".into()),
                aliases: vec!["www.example.com".into()],
                origins: vec![
                    Origin {
                        id: "us".into(),
                        domain: US.into(),
                    },
                    Origin {
                        id: "eu".into(),
                        domain: EU.into(),
                    },
                ],
                origin_groups: vec![OriginGroup {
                    id: "both".into(),
                    primary: "us".into(),
                    secondary: "eu".into(),
                    failover_status_codes: vec![500, 502, 503, 504],
                }],
                default_target: "both".into(),
            }),
        );
    });
    assert_eq!(s.topo.services()[0].name, "www.example.com");
    let (status, why) = service(&s, &["us-east-1"]);
    assert_eq!(status, Status::Degraded);
    assert!(
        why.contains("serves reads (GET, HEAD, OPTIONS) from alb-euw1"),
        "{why}"
    );
    assert!(why.contains("writes through it fail"), "{why}");
}

#[test]
fn a_declared_service_name_wins_over_the_entry_points() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &["use1-az1"], 1, &[]);
    fx.tg("web", &web);
    fx.alb("alb", &["use1-az1"], &["web"]);
    fx.dns_name("alb", US);
    fx.service("alb", "storefront");
    fx.global(
        "Z1/shop.example.com/A",
        Facts::DnsRecords(DnsRecords {
            zone: "Z1".into(),
            record_name: "shop.example.com".into(),
            record_type: "A".into(),
            members: vec![DnsMember {
                target: US.into(),
                ..Default::default()
            }],
            ..Default::default()
        }),
    );
    let s = Sim::new(fx.build());
    assert_eq!(s.topo.services()[0].name, "storefront");
    assert!(
        s.topo.services()[0].entry.is_some(),
        "the entry point still decides"
    );
}

#[test]
fn the_global_pseudo_region_is_no_fault_domain() {
    let s = failover(true, 2);
    assert!(s.estate.parse_domain("global").is_err());
    let m = Matrix::build(&s.estate, &s.topo);
    assert!(
        m.domains
            .iter()
            .all(|d| s.estate.domain_name(*d) != "global")
    );
}

// ---- DR tiers ----

#[test]
fn failover_to_a_running_second_region_is_a_warm_standby_with_its_capacity_ratio() {
    let s = failover(true, 1);
    let dr = dr_tier(&s.estate, &s.topo, 0);
    assert_eq!(dr.tier, DrTier::WarmStandby);
    assert!(
        dr.evidence
            .contains(&"eu-west-1 can carry 50% of us-east-1's load".to_string()),
        "{:?}",
        dr.evidence
    );
}

#[test]
fn evaluated_shares_across_regions_with_replicated_data_are_active_active() {
    let s = two_regions(2, |fx| {
        records(
            fx,
            Routing::Latency,
            member(US, true, None, "us-east-1"),
            member(EU, true, None, "eu-west-1"),
        );
        fx.table("carts", &["eu-west-1"]);
        fx.depends("web-use1", "carts", true);
    });
    let dr = dr_tier(&s.estate, &s.topo, 0);
    assert_eq!(dr.tier, DrTier::ActiveActive, "{:?}", dr.evidence);
    assert!(
        dr.evidence
            .iter()
            .any(|e| e == "carts: DynamoDB global table in eu-west-1")
    );
}

#[test]
fn one_region_with_its_data_replicated_is_a_pilot_light() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &["use1-az1", "use1-az2"], 1, &[]);
    fx.tg("web", &web);
    fx.alb("alb", &["use1-az1", "use1-az2"], &["web"]);
    fx.service("alb", "shop");
    fx.table("carts", &["eu-west-1"]);
    fx.depends("web", "carts", true);
    let s = Sim::new(fx.build());
    let dr = dr_tier(&s.estate, &s.topo, 0);
    assert_eq!(dr.tier, DrTier::PilotLight, "{:?}", dr.evidence);
}

#[test]
fn one_region_with_nothing_elsewhere_has_no_dr() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &["use1-az1"], 1, &[]);
    fx.tg("web", &web);
    fx.alb("alb", &["use1-az1"], &["web"]);
    fx.service("alb", "shop");
    let s = Sim::new(fx.build());
    assert_eq!(dr_tier(&s.estate, &s.topo, 0).tier, DrTier::None);
}

// ---- findings ----

fn codes(s: &Sim) -> Vec<(&'static str, String)> {
    let m = Matrix::build(&s.estate, &s.topo);
    findings::analyze(&s.estate, &s.topo, &m)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect()
}

fn fires(s: &Sim, code: &str) -> Option<String> {
    codes(s)
        .into_iter()
        .find(|(c, _)| *c == code)
        .map(|(_, m)| m)
}

#[test]
fn no_health_evaluation_fires_when_route53_cannot_see_a_member_fail() {
    let m = fires(&latency(false), "no-health-evaluation").expect("fires");
    assert!(m.contains("cannot see alb-use1 and alb-euw1 fail"), "{m}");
    assert!(fires(&latency(true), "no-health-evaluation").is_none());
    assert!(fires(&failover(false, 2), "no-health-evaluation").is_some());
}

#[test]
fn standby_too_small_fires_when_the_secondary_cannot_carry_the_primary() {
    let m = fires(&failover(true, 1), "standby-too-small").expect("fires");
    assert!(
        m.contains("can carry 50% of the load of us-east-1 (2 of 4 vCPU)"),
        "{m}"
    );
    assert!(fires(&failover(true, 2), "standby-too-small").is_none());
    // A standby endpoint group: the groups that take users are what it replaces.
    let m = fires(&accelerated(1), "standby-too-small").expect("fires for an accelerator");
    assert!(
        m.contains("can carry 50% of the load of us-east-1 (2 of 4 vCPU)"),
        "{m}"
    );
    assert!(fires(&accelerated(2), "standby-too-small").is_none());
}

#[test]
fn dr_tier_below_target_fires_when_a_service_falls_short_of_its_declared_tier() {
    let declared = |tier: DrTier| {
        let mut s = failover(true, 2);
        let mut parts = s.estate.clone().into_parts();
        parts
            .declared
            .dr_tiers
            .insert("shop.example.com".into(), tier);
        s.estate = EstateBuilder::from_parts(parts).build().unwrap();
        s.topo = Topology::build(&s.estate);
        s
    };
    let m = fires(&declared(DrTier::ActiveActive), "dr-tier-below-target").expect("fires");
    assert!(
        m.starts_with(
            "service shop.example.com must reach multi-site active/active but is warm standby"
        ),
        "{m}"
    );
    assert!(fires(&declared(DrTier::WarmStandby), "dr-tier-below-target").is_none());
}
