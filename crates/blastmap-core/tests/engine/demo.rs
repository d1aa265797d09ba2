//! The demo estate holds everything `docs/demo-estate.md` promises.

use std::collections::BTreeSet;

use crate::embedded as demo;
use blastmap_core::findings::{self, RULES};
use blastmap_core::model::*;
use blastmap_core::sim::{Matrix, Status, Topology};

#[test]
fn the_demo_estate_spans_accounts_regions_and_paths() {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    assert!(e.accounts().len() >= 3);
    assert!(e.regions().len() >= 2);
    assert!(topo.paths().len() >= 8, "{} paths", topo.paths().len());
    let multi_region = topo.services().iter().any(|s| {
        s.paths
            .iter()
            .map(|&p| topo.paths()[p].region)
            .collect::<BTreeSet<_>>()
            .len()
            > 1
    });
    assert!(multi_region, "a service present in two Regions");
}

#[test]
fn two_demo_accounts_name_the_same_az_differently() {
    let e = demo::estate().unwrap();
    let az_of = |account: &Account, name: &str| {
        account
            .az_names
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(az, _)| *az)
    };
    let ids: BTreeSet<_> = e
        .accounts()
        .iter()
        .filter_map(|a| az_of(a, "us-east-1a"))
        .collect();
    assert!(
        ids.len() >= 2,
        "us-east-1a should be different AZ IDs in different accounts"
    );
}

#[test]
fn the_demo_estate_holds_every_kind_of_resource_the_story_needs() {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let any = |f: &dyn Fn(&Facts) -> bool| e.resources().iter().any(|r| f(&r.facts));
    assert!(any(
        &|f| matches!(f, Facts::LoadBalancer(lb) if lb.lb_type == LbType::Application)
    ));
    assert!(any(
        &|f| matches!(f, Facts::LoadBalancer(lb) if lb.lb_type == LbType::Network && !lb.cross_zone_enabled())
    ));
    assert!(any(
        &|f| matches!(f, Facts::LoadBalancer(lb) if lb.scheme == Scheme::Internal)
    ));
    assert!(any(
        &|f| matches!(f, Facts::TargetGroup(tg) if tg.target_type == TargetType::Ip)
    ));
    assert!(any(&|f| matches!(f, Facts::DbInstance(db) if db.multi_az)));
    assert!(any(
        &|f| matches!(f, Facts::DbInstance(db) if !db.multi_az && db.cluster.is_none())
    ));
    let aurora_readers: Vec<usize> = e
        .resources()
        .iter()
        .filter_map(|r| match &r.facts {
            Facts::DbCluster(c) if c.is_aurora() => {
                Some(c.members.iter().filter(|m| !m.writer).count())
            }
            _ => None,
        })
        .collect();
    assert!(aurora_readers.contains(&0) && aurora_readers.iter().any(|&n| n > 0));
    // ASG-backed and plain-instance target groups on user-facing paths.
    let asg_backed = (0..topo.paths().len())
        .filter(|&p| !topo.path_parts(p).recovery.is_empty())
        .count();
    assert!(asg_backed > 0 && asg_backed < topo.paths().len());
    // Internal load balancers never start a path.
    for p in topo.paths() {
        assert!(
            matches!(&e.resource(p.lb).facts, Facts::LoadBalancer(lb) if lb.is_internet_facing())
        );
    }
}

#[test]
fn every_finding_code_occurs_in_the_demo_estate() {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let matrix = Matrix::build(&e, &topo);
    let found: BTreeSet<&str> = findings::analyze(&e, &topo, &matrix)
        .iter()
        .map(|f| f.code)
        .collect();
    for rule in RULES {
        assert!(
            found.contains(rule.code),
            "{} missing from the demo estate",
            rule.code
        );
    }
}

#[test]
fn every_status_occurs_in_the_demo_matrix() {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let matrix = Matrix::build(&e, &topo);
    let seen: BTreeSet<Status> = (0..topo.paths().len())
        .flat_map(|p| matrix.row(p).iter().map(|c| c.status))
        .collect();
    assert_eq!(seen.len(), 3, "{seen:?}");
}

#[test]
fn a_lost_region_leaves_no_hop_of_its_paths_standing_in_the_detail() {
    use blastmap_core::sim::{LostDomains, path_detail, what_if};
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let region = e.parse_domain("us-east-1").unwrap();
    let verdict = what_if(&topo, &LostDomains::new(&e, &[region]));
    let auth = topo
        .paths()
        .iter()
        .position(|p| p.id == "333333333333/us-east-1/auth-alb/auth")
        .unwrap();
    let detail = path_detail(&e, &topo, auth, &verdict);
    for hop in &detail.hops {
        let standing = hop.status != Status::Down;
        // A global table's replica elsewhere keeps serving: it is not in the lost Region.
        let harmless = hop.note.contains("none healthy")
            || hop.note.contains("gets no traffic")
            || hop
                .note
                .contains("keeps serving from the replica in eu-west-1");
        assert!(
            !standing || harmless,
            "{} is {:?} ({}) though us-east-1 is lost",
            hop.label,
            hop.status,
            hop.note
        );
    }
    let notes: Vec<&str> = detail.hops.iter().map(|h| h.note.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.starts_with("lost with us-east-1")),
        "the Auto Scaling group says why it cannot relaunch: {notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("lost: ")),
        "the NAT gateway is lost: {notes:?}"
    );
    assert!(detail.per_az.iter().all(|z| z.lost));
}

#[test]
fn a_spof_finding_gives_every_cause_of_each_az_that_takes_its_path_down() {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let matrix = Matrix::build(&e, &topo);
    let found = findings::analyze(&e, &topo, &matrix);
    let checkout = found
        .iter()
        .find(|f| f.code == "spof-az" && f.message.starts_with("checkout-alb → checkout-web"))
        .expect("checkout's spof-az finding");
    // Losing 3 of 4 targets alone only degrades it; the lost hard NAT egress is what
    // takes it down in use1-az4, so the finding must say so and name the NAT gateway.
    assert!(
        checkout
            .message
            .contains("NAT gateway shop-use1-nat-a in use1-az4 is lost"),
        "{}",
        checkout.message
    );
    let nat = e
        .resources()
        .iter()
        .position(|r| r.name == "shop-use1-nat-a")
        .unwrap();
    assert!(checkout.resources.iter().any(|r| r.index() == nat));
}

#[test]
fn a_down_dependency_leaves_the_targets_nothing_to_serve_in_the_detail() {
    use blastmap_core::sim::{LostDomains, path_detail, what_if};
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let az = e.parse_domain("use1-az2").unwrap();
    let verdict = what_if(&topo, &LostDomains::new(&e, &[az]));
    let p = topo
        .paths()
        .iter()
        .position(|p| p.id == "222222222222/us-east-1/payments-nlb/payments-api")
        .unwrap();
    assert_eq!(verdict.paths[p].status, Status::Down);
    assert_eq!(verdict.paths[p].capacity.after_recovery, 0);
    let detail = path_detail(&e, &topo, p, &verdict);
    // ledger-db is down: targets elsewhere are up but cannot serve, and the chart agrees.
    let serving: Vec<_> = detail
        .hops
        .iter()
        .filter(|h| h.label.starts_with("targets in") && h.status != Status::Down)
        .map(|h| (&h.label, &h.note))
        .collect();
    assert!(serving.is_empty(), "{serving:?}");
    assert!(
        detail
            .hops
            .iter()
            .any(|h| h.note == "cannot serve: ledger-db, which they need, is down"),
        "{:?}",
        detail.hops
    );
    assert!(
        detail
            .per_az
            .iter()
            .all(|z| z.after == 0 && z.after_recovery == 0)
    );
}

#[test]
fn an_az_named_as_aws_health_names_it_resolves_through_that_accounts_mapping() {
    let e = demo::estate().unwrap();
    // docs/demo-estate.md §1: us-east-1a is a different AZ in each account.
    for (account, id) in [
        ("shop-prod", "use1-az4"),
        ("payments-prod", "use1-az1"),
        ("222222222222", "use1-az1"),
        ("PLATFORM", "use1-az2"),
    ] {
        let named = e
            .parse_named_domain(&format!("{account}:us-east-1a"))
            .unwrap();
        assert_eq!(e.domain_name(named.domain), id, "{account}");
    }
    let named = e.parse_named_domain("shop-prod:US-EAST-1A").unwrap();
    assert_eq!(
        named.mapping(&e).as_deref(),
        Some("us-east-1a in shop-prod is use1-az4")
    );
    // AZ IDs and Regions parse as before, with no mapping to say.
    let plain = e.parse_named_domain("use1-az4").unwrap();
    assert_eq!(plain.mapping(&e), None);
    // Bad input lists what exists.
    let err = e.parse_named_domain("shop-prd:us-east-1a").unwrap_err();
    assert_eq!(
        err.to_string(),
        "\"shop-prd\" is not an account of this estate (name or id); its accounts: \
         shop-prod (111111111111), payments-prod (222222222222), platform (333333333333)"
    );
    let err = e.parse_named_domain("shop-prod:us-east-1z").unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with("account shop-prod has no AZ named \"us-east-1z\"; its AZ names: "),
        "{text}"
    );
    assert!(text.contains("us-east-1a (use1-az4)"), "{text}");
    assert!(text.contains("eu-west-1b (euw1-az1)"), "{text}");
}
