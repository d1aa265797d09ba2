//! Backups first (`../shared/domain.md` §11): where each stateful resource's copies
//! are, the RPO a Region loss would cost, and the findings.

use blastmap_core::findings;
use blastmap_core::model::*;
use blastmap_core::sim::backups::{Rpo, protection};
use blastmap_core::sim::{
    LostDomains, Matrix, Topology, backup_inventory, data_of, data_recovery, dr_tier,
    path_data_recovery, service_summaries, service_summary, what_if,
};

use crate::fixture::{Fx, Sim};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const CAPTURED: &str = "2026-11-20T09:30:00Z";

/// A service `shop` on web (us-east-1) needing `orders` (a Multi-AZ RDS instance),
/// captured at CAPTURED; `protect` adds its backups.
fn shop(protect: impl FnOnce(&mut Fx)) -> Sim {
    let mut fx = Fx::new();
    fx.b.meta_mut().captured_at = Some(CAPTURED.into());
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.service("web-alb", "shop");
    fx.rds("orders", AZ1, true, Some(AZ2), &[]);
    fx.depends("web", "orders", true);
    protect(&mut fx);
    Sim::new(fx.build())
}

fn backup_copy(fx: &mut Fx, of: &str, points: &[(&str, &str)], every_hours: u32) {
    fx.global(
        "plan-daily",
        Facts::BackupPlan(BackupPlan {
            rules: vec![BackupRule {
                name: "daily".into(),
                schedule: Some("cron(0 5 ? * * *)".into()),
                every_hours: Some(every_hours),
                copy_regions: vec!["eu-west-1".into()],
            }],
            resources: vec![of.into()],
        }),
    );
    fx.global(
        &format!("protected/{of}"),
        Facts::ProtectedResource(ProtectedResource {
            resource: of.into(),
            recovery_points: points
                .iter()
                .map(|(region, at)| RecoveryPoint {
                    region: region.to_string(),
                    created_at: at.to_string(),
                    plan: Some("plan-daily".into()),
                })
                .collect(),
        }),
    );
}

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
fn a_region_loss_restores_from_the_newest_copy_outside_it_and_its_age_is_the_rpo() {
    // A copy in eu-west-1 made 26 hours before the capture.
    let s = shop(|fx| {
        backup_copy(
            fx,
            "orders",
            &[
                ("us-east-1", "2026-11-20T05:00:00Z"),
                ("eu-west-1", "2026-11-19T07:30:00Z"),
            ],
            24,
        )
    });
    let region = s.estate.parse_domain("us-east-1").unwrap();
    let lost = LostDomains::new(&s.estate, &[region]);
    let data = data_recovery(&s.estate, &s.topo, 0, &lost);
    assert_eq!(data.len(), 1);
    assert_eq!(data[0].restorable_in.as_deref(), Some("eu-west-1"));
    assert_eq!(data[0].rpo, Some(Rpo::Hours(26)));
    assert_eq!(
        data[0].describe(),
        "orders can be restored in eu-west-1 from an AWS Backup copy (RPO 26 h)"
    );
    assert_eq!(dr_tier(&s.estate, &s.topo, 0).tier, DrTier::BackupRestore);
}

#[test]
fn a_path_outside_any_service_says_what_its_own_data_restores_from() {
    // `shop` without its service tag: the path alone needs `orders`.
    let mut fx = Fx::new();
    fx.b.meta_mut().captured_at = Some(CAPTURED.into());
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.rds("orders", AZ1, true, Some(AZ2), &[]);
    fx.depends("web", "orders", true);
    backup_copy(
        &mut fx,
        "orders",
        &[("eu-west-1", "2026-11-20T06:40:00Z")],
        24,
    );
    // The copy's Region is part of the estate, so a what-if can lose it too.
    fx.in_place(crate::fixture::ACCOUNT, "eu-west-1", "vpc-eu");
    let s = Sim::new(fx.build());
    assert!(s.topo.services().is_empty());
    let region = s.estate.parse_domain("us-east-1").unwrap();
    let lost = LostDomains::new(&s.estate, &[region]);
    let data = path_data_recovery(&s.estate, &s.topo, 0, &lost);
    assert_eq!(data.len(), 1);
    assert_eq!(
        data[0].describe(),
        "orders can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)"
    );
    // The copy's Region lost too: nothing left to restore from.
    let eu = s.estate.parse_domain("eu-west-1").unwrap();
    let both = LostDomains::new(&s.estate, &[region, eu]);
    let data = path_data_recovery(&s.estate, &s.topo, 0, &both);
    assert_eq!(
        data[0].describe(),
        "orders has no copy outside us-east-1: lost with it"
    );
    // An AZ loss leaves the data's Region: nothing to restore.
    let az = s.estate.parse_domain(AZ1).unwrap();
    let lost = LostDomains::new(&s.estate, &[az]);
    assert!(path_data_recovery(&s.estate, &s.topo, 0, &lost).is_empty());
}

#[test]
fn backups_only_in_the_lost_region_restore_nothing() {
    let s = shop(|_| {});
    let region = s.estate.parse_domain("us-east-1").unwrap();
    let data = data_recovery(
        &s.estate,
        &s.topo,
        0,
        &LostDomains::new(&s.estate, &[region]),
    );
    assert_eq!(data[0].restorable_in, None);
    assert_eq!(
        data[0].describe(),
        "orders has no copy outside us-east-1: lost with it"
    );
    assert_eq!(dr_tier(&s.estate, &s.topo, 0).tier, DrTier::None);
    let m = fires(&s, "no-cross-region-backup").expect("fires");
    assert!(
        m.starts_with("orders (RDS instance) is backed up only in us-east-1"),
        "{m}"
    );
}

#[test]
fn replicated_automated_backups_are_a_copy_outside_the_region() {
    let s = shop(|fx| {
        if let Some(r) = fx.b.find_mut("orders")
            && let Facts::DbInstance(db) = &mut r.facts
        {
            db.backup_replicated_to = vec!["us-west-2".into()];
        }
    });
    let p = protection(
        &s.estate,
        s.topo.backups(),
        s.estate.find("orders").unwrap(),
    )
    .unwrap();
    let outside = p.outside("us-east-1");
    assert_eq!(outside[0].region, "us-west-2");
    assert_eq!(outside[0].rpo, Rpo::Minutes);
    assert!(fires(&s, "no-cross-region-backup").is_none());
}

#[test]
fn a_data_store_a_path_depends_on_with_no_backup_at_all_is_no_backups() {
    let with_table = |pitr: bool| {
        let mut fx = Fx::new();
        let web = fx.fleet("web", &[AZ1], 1, &[]);
        fx.tg("web", &web);
        fx.alb("web-alb", &[AZ1], &["web"]);
        fx.table("carts", &[]);
        if let Some(r) = fx.b.find_mut("carts")
            && let Facts::DynamodbTable(t) = &mut r.facts
        {
            t.point_in_time_recovery = pitr;
        }
        fx.depends("web", "carts", true);
        Sim::new(fx.build())
    };
    let m = fires(&with_table(false), "no-backups").expect("fires");
    assert!(m.starts_with("DynamoDB table carts has no backup"), "{m}");
    assert!(fires(&with_table(true), "no-backups").is_none());
}

#[test]
fn a_recovery_point_much_older_than_its_plans_schedule_is_stale() {
    let stale = shop(|fx| {
        backup_copy(
            fx,
            "orders",
            &[
                ("us-east-1", "2026-11-12T05:00:00Z"),
                ("eu-west-1", "2026-11-12T07:00:00Z"),
            ],
            24,
        )
    });
    let m = fires(&stale, "backup-stale").expect("fires");
    assert!(
        m.starts_with("orders's newest recovery point in us-east-1 is from 2026-11-12T05:00:00Z, though its backup plan runs every 24 h (snapshot captured 2026-11-20T09:30:00Z)"),
        "{m}"
    );
    let fresh = shop(|fx| {
        backup_copy(
            fx,
            "orders",
            &[
                ("us-east-1", "2026-11-20T05:00:00Z"),
                ("eu-west-1", "2026-11-20T07:00:00Z"),
            ],
            24,
        )
    });
    assert!(fires(&fresh, "backup-stale").is_none());
}

#[test]
fn the_demo_says_which_data_a_us_east_1_loss_can_restore_and_how_old() {
    let e = crate::embedded::estate().unwrap();
    let topo = Topology::build(&e);
    let region = e.parse_domain("us-east-1").unwrap();
    let v = what_if(&topo, &LostDomains::new(&e, &[region]));
    let summaries = service_summaries(&e, &topo, &v);
    let data_of = |service: &str| -> Vec<String> {
        let s = summaries.iter().find(|s| s.name == service).unwrap();
        s.data.iter().map(|d| d.describe()).collect()
    };
    // Captured 09:30; the eu-west-1 copy is from 06:40: 2 h 50 min, said as 3 h.
    assert_eq!(
        data_of("payments"),
        ["ledger-db can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)"]
    );
    assert_eq!(
        data_of("payments-webhooks"),
        ["events-aurora has no copy outside us-east-1: lost with it"]
    );
    // One service's summary is that service's line of every service's.
    for (i, s) in summaries.iter().enumerate() {
        let service = v.services[i].service;
        assert_eq!(service_summary(&e, &topo, &v, service).as_ref(), Some(s));
    }
    let inventory = backup_inventory(&e, &topo);
    let ledger = inventory.iter().find(|d| d.name == "ledger-db").unwrap();
    // checkout authorises orders with payments: it needs the ledger too.
    assert_eq!(ledger.services, ["checkout", "payments"]);
    assert_eq!(
        ledger.newest_recovery_point.as_deref(),
        Some("2026-11-20T06:40:00Z")
    );
    assert_eq!(
        ledger.after_region_loss.as_ref().unwrap().rpo,
        Rpo::Hours(3)
    );
    // The events plan's schedule is a cron expression (daily): ten days without a
    // recovery point is stale.
    let events = inventory
        .iter()
        .find(|d| d.name == "events-aurora")
        .unwrap();
    let stale = events.stale.as_ref().expect("stale");
    assert_eq!(stale.newest_recovery_point, "2026-11-11T03:05:00Z");
    assert_eq!(stale.every_hours, 24);
    // Outside a Region loss, no data needs restoring.
    let az = e.parse_domain("use1-az4").unwrap();
    let v = what_if(&topo, &LostDomains::new(&e, &[az]));
    assert!(
        service_summaries(&e, &topo, &v)
            .iter()
            .all(|s| s.data.is_empty())
    );
}

#[test]
fn a_service_that_reaches_too_much_data_keeps_the_first_and_says_so() {
    let e = blastmap_core::synth::shapes::services_on_a_chain(200);
    let topo = Topology::build(&e);
    let svc0 = topo
        .services()
        .iter()
        .position(|s| s.name == "svc-0")
        .unwrap();
    let data = data_of(&e, &topo, svc0);
    assert_eq!(data.len(), blastmap_core::sim::backups::DATA_PER_SERVICE);
    let dr = dr_tier(&e, &topo, svc0);
    assert!(
        dr.evidence
            .iter()
            .any(|x| x
                == "only the first 64 pieces of data were looked at: the service reaches more"),
        "{:?}",
        dr.evidence
    );
    assert!(
        dr.evidence
            .iter()
            .any(|x| x.starts_with("56 more pieces of data, 56 of them")),
        "{:?}",
        dr.evidence
    );
    // The last service reaches only its own table.
    let last = topo
        .services()
        .iter()
        .position(|s| s.name == "svc-199")
        .unwrap();
    assert_eq!(data_of(&e, &topo, last).len(), 1);
}
