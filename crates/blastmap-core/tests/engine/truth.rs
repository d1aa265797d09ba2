//! Verdict truth (`../shared/domain.md` §2–§3 as sharpened): read replicas a path
//! can reach, dependencies that belong to one target, and verdicts that rest on
//! a fact the snapshot does not have.

use blastmap_core::findings;
use blastmap_core::model::*;
use blastmap_core::sim::{Matrix, Status, Topology};

use crate::fixture::{Fx, Sim};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const AZ3: &str = "use1-az3";

fn replica(fx: &mut Fx, id: &str, az: &str, source: &str, sgs: &[&str]) {
    fx.add(
        id,
        id,
        Some(az),
        Facts::DbInstance(DbInstance {
            engine: "postgres".into(),
            read_replica_source: Some(source.into()),
            backup_retention_days: 0,
            deletion_protection: true,
            security_groups: sgs.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }),
    );
}

fn codes(estate: &Estate) -> Vec<(&'static str, String)> {
    let topo = Topology::build(estate);
    let matrix = Matrix::build(estate, &topo);
    findings::analyze(estate, &topo, &matrix)
        .into_iter()
        .map(|f| (f.code, f.message))
        .collect()
}

// ---- §2: a read replica is a dependency when only its groups admit the target ----

fn web_reaching_a_replica(replica_admits_web: bool, source_admits_web: bool) -> Estate {
    let mut fx = Fx::new();
    fx.sg("sg-web", &[]);
    fx.sg("sg-db", if source_admits_web { &["sg-web"] } else { &[] });
    fx.sg(
        "sg-replica",
        if replica_admits_web { &["sg-web"] } else { &[] },
    );
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &["sg-web"]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.rds("db", AZ1, true, Some(AZ2), &["sg-db"]);
    replica(&mut fx, "reports-replica", AZ3, "db", &["sg-replica"]);
    fx.build()
}

#[test]
fn a_read_replica_only_its_own_groups_admit_the_targets_to_is_an_inferred_dependency() {
    let s = Sim::new(web_reaching_a_replica(true, false));
    assert_eq!(s.status(&[AZ3], "web-alb"), Status::Down);
    let reasons = s.reasons(&[AZ3], "web-alb");
    assert!(
        reasons[0].starts_with("depends on reports-replica (inferred from security groups)"),
        "{reasons:?}"
    );
    let found = codes(&s.estate);
    assert!(
        found
            .iter()
            .any(|(c, m)| *c == "db-single-az" && m.contains("reports-replica")),
        "{found:?}"
    );
}

#[test]
fn a_read_replica_whose_source_admits_the_targets_too_is_not_inferred() {
    // The AWS default: the replica shares its source's groups; paths write to the source.
    let s = Sim::new(web_reaching_a_replica(true, true));
    assert_eq!(s.status(&[AZ3], "web-alb"), Status::Ok);
    assert!(
        !codes(&s.estate)
            .iter()
            .any(|(c, m)| *c == "db-single-az" && m.contains("reports-replica"))
    );
}

// ---- §2: dependencies belong to targets ----

/// web in AZ1 and AZ2 (2 × 2 vCPU each); `holders` of them also reach `db` in AZ3.
fn web_with_a_dependency_held_by(holders: usize) -> Sim {
    let mut fx = Fx::new();
    fx.sg("sg-web", &[]);
    fx.sg("sg-batch", &[]);
    fx.sg("sg-db", &["sg-batch"]);
    let mut web = Vec::new();
    for (i, az) in [AZ1, AZ1, AZ2, AZ2].iter().enumerate() {
        let sgs: &[&str] = if i < holders {
            &["sg-web", "sg-batch"]
        } else {
            &["sg-web"]
        };
        web.push(fx.instance(&format!("web-{i}"), az, Some(2), sgs));
    }
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.rds("db", AZ3, false, None, &["sg-db"]);
    Sim::new(fx.build())
}

#[test]
fn a_dependency_held_by_one_target_of_several_removes_only_its_capacity() {
    let s = web_with_a_dependency_held_by(1);
    let v = s.lose(&[AZ3]);
    let p = s.path(&v, "web-alb");
    assert_eq!(p.status, Status::Degraded, "{:?}", p.reasons);
    assert_eq!(
        (
            p.capacity.before,
            p.capacity.after,
            p.capacity.after_recovery
        ),
        (8, 6, 6)
    );
    let reasons = s.reasons(&[AZ3], "web-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("depends on db") && r.contains("1 of its 4 targets")),
        "{reasons:?}"
    );
}

#[test]
fn a_dependency_every_target_holds_still_takes_the_path_down() {
    let s = web_with_a_dependency_held_by(4);
    let v = s.lose(&[AZ3]);
    let p = s.path(&v, "web-alb");
    assert_eq!(p.status, Status::Down);
    assert_eq!((p.capacity.after, p.capacity.after_recovery), (0, 0));
}

#[test]
fn a_dependency_declared_on_one_instance_belongs_to_that_instance() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.rds("db", AZ3, false, None, &[]);
    fx.depends(&web[0], "db", true);
    let s = Sim::new(fx.build());
    let v = s.lose(&[AZ3]);
    let p = s.path(&v, "web-alb");
    assert_eq!(p.status, Status::Degraded);
    assert_eq!((p.capacity.before, p.capacity.after), (4, 2));
    // Losing the other target's AZ as well leaves nothing that can serve.
    assert_eq!(s.status(&[AZ2, AZ3], "web-alb"), Status::Down);
}

#[test]
fn the_path_detail_says_which_targets_cannot_serve_without_a_dependency() {
    use blastmap_core::sim::path_detail;
    let s = web_with_a_dependency_held_by(1);
    let v = s.lose(&[AZ3]);
    let d = path_detail(&s.estate, &s.topo, 0, &v);
    let az1 = d
        .hops
        .iter()
        .find(|h| h.label.starts_with("targets in use1-az1"))
        .expect("a line for AZ1's targets");
    assert_eq!(az1.status, Status::Degraded, "{az1:?}");
    assert!(az1.note.contains("db"), "{az1:?}");
    let az2 = d
        .hops
        .iter()
        .find(|h| h.label.starts_with("targets in use1-az2"))
        .unwrap();
    assert_eq!(az2.status, Status::Ok, "{az2:?}");
}

// ---- §3: a verdict that rests on a fact the snapshot lacks says so ----

fn web_with_multi_az_db_standby_unknown() -> Sim {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2, AZ3], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.rds("db", AZ1, true, None, &[]);
    fx.depends("web", "db", true);
    Sim::new(fx.build())
}

#[test]
fn an_unreported_standby_with_two_azs_lost_is_an_assumption_said_in_the_reason() {
    let s = web_with_multi_az_db_standby_unknown();
    let reasons = s.reasons(&[AZ1, AZ2], "web-alb");
    let db = reasons
        .iter()
        .find(|r| r.contains("db lost its primary"))
        .expect("the failover reason");
    assert!(
        db.contains("assuming") && db.contains("standby"),
        "the standby's AZ is not reported, so surviving is an assumption: {db}"
    );
}

#[test]
fn an_unreported_standby_with_only_the_primary_az_lost_needs_no_assumption() {
    let s = web_with_multi_az_db_standby_unknown();
    let reasons = s.reasons(&[AZ1], "web-alb");
    assert!(reasons.iter().all(|r| !r.contains("assum")), "{reasons:?}");
}

#[test]
fn an_unreported_standby_may_be_in_a_lost_az_even_when_the_primary_survives() {
    let s = web_with_multi_az_db_standby_unknown();
    let reasons = s.reasons(&[AZ2], "web-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("db") && r.contains("standby") && r.contains("not reported")),
        "{reasons:?}"
    );
}

#[test]
fn a_cluster_whose_writer_could_not_be_read_is_assumed_to_survive_and_says_so() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2, AZ3], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.cluster("aurora", "aurora-postgresql", &[AZ2], false, &[]);
    // The writer is listed, but the scan could not read RDS instances in full.
    if let Some(r) = fx.b.find_mut("aurora")
        && let Facts::DbCluster(c) = &mut r.facts
    {
        c.members.push(ClusterMember {
            instance: "aurora-writer".into(),
            writer: true,
        });
    }
    fx.b.coverage(Coverage {
        account: fx.account.clone(),
        region: fx.region.clone(),
        service: Service::Rds,
        status: CoverageStatus::Denied,
        message: None,
    });
    fx.depends("web", "aurora", true);
    let s = Sim::new(fx.build());
    // Not "aurora has no writer instance": that is not what the snapshot says.
    assert_ne!(s.status(&[AZ1], "web-alb"), Status::Down);
    let reasons = s.reasons(&[AZ1], "web-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("writer could not be read") && r.contains("assuming")),
        "{reasons:?}"
    );
}
