//! One test per finding code: it fires on the risky estate and stays quiet on the fixed one.

use blastmap_core::findings::{self, Finding, RULES};
use blastmap_core::model::*;
use blastmap_core::sim::{Matrix, Topology};

use crate::fixture::{Fx, registered};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const AZ3: &str = "use1-az3";

fn findings_of(estate: &Estate, code: &str) -> Vec<Finding> {
    assert!(findings::rule(code).is_some(), "unknown code {code}");
    let topo = Topology::build(estate);
    let matrix = Matrix::build(estate, &topo);
    findings::analyze(estate, &topo, &matrix)
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

fn assert_fires_then_quiet(code: &str, risky: Estate, fixed: Estate) -> Finding {
    let found = findings_of(&risky, code);
    assert_eq!(
        found.len(),
        1,
        "{code} should fire once on the risky estate: {found:?}"
    );
    let quiet = findings_of(&fixed, code);
    assert!(
        quiet.is_empty(),
        "{code} should stay quiet once fixed: {quiet:?}"
    );
    found.into_iter().next().expect("one finding")
}

/// web-alb over web targets in `azs` (one 2-vCPU instance per AZ, or `per_az` each).
fn web(azs: &[&str], per_az: usize) -> Fx {
    let mut fx = Fx::new();
    let t = fx.fleet("web", azs, per_az, &["sg-web"]);
    fx.sg("sg-web", &[]);
    fx.tg("web", &t);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.service("web-alb", "web");
    fx
}

#[test]
fn every_code_of_the_domain_reference_has_a_rule() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.code).collect();
    assert_eq!(
        codes,
        vec![
            "spof-az",
            "spof-region",
            "low-capacity-after-az-loss",
            "nat-cross-az",
            "db-single-az",
            "db-writer-only",
            "no-backups",
            "no-deletion-protection",
            "lb-az-without-targets",
            "targets-outside-lb-azs",
            "asg-imbalanced",
            "cache-no-failover",
            "ecs-single-az",
            "lambda-single-az",
            "table-not-global",
            "no-health-evaluation",
            "standby-too-small",
            "dr-tier-below-target",
            "no-cross-region-backup",
            "backup-stale",
            "zonal-shift-disabled",
            "autoshift-off",
        ]
    );
}

#[test]
fn spof_az_fires_when_one_az_loss_takes_a_path_down() {
    let f = assert_fires_then_quiet(
        "spof-az",
        web(&[AZ1], 2).build(),
        web(&[AZ1, AZ2], 1).build(),
    );
    assert!(
        f.message
            .starts_with("web-alb → web goes down when use1-az1 is lost"),
        "{}",
        f.message
    );
    assert_eq!(f.severity, findings::Severity::High);
}

#[test]
fn spof_region_fires_when_a_service_lives_in_one_region() {
    let risky = web(&[AZ1, AZ2], 1).build();
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.in_place(crate::fixture::ACCOUNT, "eu-west-1", "vpc-eu");
    let t = fx.fleet("eu", &["euw1-az1"], 1, &[]);
    fx.tg("eu", &t);
    fx.alb("eu-alb", &["euw1-az1"], &["eu"]);
    fx.service("eu-alb", "web");
    let f = assert_fires_then_quiet("spof-region", risky, fx.build());
    assert_eq!(
        f.message,
        "service web runs only in us-east-1: losing that Region takes it down"
    );
}

#[test]
fn low_capacity_fires_when_an_az_loss_leaves_less_than_half() {
    let mut risky = Fx::new();
    let mut t = risky.fleet("web", &[AZ1], 3, &[]);
    t.extend(risky.fleet("web", &[AZ2], 1, &[]));
    risky.tg("web", &t);
    risky.alb("web-alb", &[AZ1, AZ2], &["web"]);
    let f = assert_fires_then_quiet(
        "low-capacity-after-az-loss",
        risky.build(),
        web(&[AZ1, AZ2, AZ3], 1).build(),
    );
    assert!(
        f.message
            .contains("keeps only 2 of 8 vCPU (25%) when use1-az1 is lost"),
        "{}",
        f.message
    );
}

#[test]
fn nat_cross_az_fires_when_subnets_egress_through_another_azs_nat() {
    let mut risky = web(&[AZ1, AZ2], 1);
    risky.nat_main("nat-1", Some(AZ1));
    let mut fixed = web(&[AZ1, AZ2], 1);
    fixed.nat_main("nat-r", None);
    let f = assert_fires_then_quiet("nat-cross-az", risky.build(), fixed.build());
    assert!(f.message.starts_with("2 subnets in use1-az2 and use1-az3 send internet egress through NAT gateway nat-1 in use1-az1: losing use1-az1 cuts their egress too"), "{}", f.message);
}

fn with_db(multi_az: bool) -> Estate {
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.sg("sg-db", &["sg-web"]);
    fx.rds("db", AZ3, multi_az, multi_az.then_some(AZ1), &["sg-db"]);
    fx.build()
}

#[test]
fn db_single_az_fires_for_a_single_az_database_a_path_depends_on() {
    let f = assert_fires_then_quiet("db-single-az", with_db(false), with_db(true));
    assert!(
        f.message
            .starts_with("db (postgres) is a single-AZ RDS instance in use1-az3"),
        "{}",
        f.message
    );
}

#[test]
fn db_single_az_ignores_databases_no_path_depends_on() {
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.rds("unused-db", AZ3, false, None, &[]);
    assert!(findings_of(&fx.build(), "db-single-az").is_empty());
}

#[test]
fn db_writer_only_fires_for_aurora_without_a_reader_in_another_az() {
    let aurora = |azs: &[&str]| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.cluster("aurora", "aurora-postgresql", azs, true, &[]);
        fx.build()
    };
    let f = assert_fires_then_quiet("db-writer-only", aurora(&[AZ1, AZ1]), aurora(&[AZ1, AZ2]));
    assert!(
        f.message.contains("has its only reader in the writer's AZ"),
        "{}",
        f.message
    );
    assert_eq!(findings_of(&aurora(&[AZ1]), "db-writer-only").len(), 1);
}

#[test]
fn no_backups_fires_for_a_database_with_retention_zero() {
    let db = |days: u32| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.add(
            "db",
            "db",
            Some(AZ1),
            Facts::DbInstance(DbInstance {
                engine: "mysql".into(),
                multi_az: true,
                backup_retention_days: days,
                deletion_protection: true,
                ..Default::default()
            }),
        );
        fx.build()
    };
    let f = assert_fires_then_quiet("no-backups", db(0), db(7));
    assert!(f.message.contains("automated backups off"));
}

#[test]
fn no_backups_ignores_read_replicas_and_cluster_members() {
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.rds("src", AZ1, true, Some(AZ2), &[]);
    fx.add(
        "replica",
        "replica",
        Some(AZ2),
        Facts::DbInstance(DbInstance {
            engine: "postgres".into(),
            read_replica_source: Some("src".into()),
            ..Default::default()
        }),
    );
    // Cluster members carry no retention of their own: the cluster's counts.
    fx.cluster("aurora", "aurora-postgresql", &[AZ1, AZ2], true, &[]);
    for member in ["aurora-0", "aurora-1"] {
        if let Some(Facts::DbInstance(db)) = fx.b.find_mut(member).map(|r| &mut r.facts) {
            db.backup_retention_days = 0;
        }
    }
    assert!(findings_of(&fx.build(), "no-backups").is_empty());
}

#[test]
fn asg_imbalanced_counts_only_members_in_the_groups_own_azs() {
    let mut fx = Fx::new();
    let t = fx.fleet("t", &[AZ1, AZ3], 1, &[]);
    fx.tg("t", &t);
    // Subnets in AZ1 and AZ2; the members sit in AZ1 and AZ3: AZ2 has none.
    fx.asg("asg", &[AZ1, AZ2], 2, 4, &t, &["t"]);
    fx.alb("alb", &[AZ1, AZ2, AZ3], &["t"]);
    let found = findings_of(&fx.build(), "asg-imbalanced");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .message
            .ends_with("its 2 instances all sit in use1-az1"),
        "{}",
        found[0].message
    );
}

#[test]
fn lb_az_without_targets_stays_quiet_when_targets_outside_any_az_serve_every_node() {
    let mut fx = Fx::new();
    let t = fx.fleet("t", &[AZ1], 1, &[]);
    let mut targets = registered(&t);
    targets.push(Target {
        id: "203.0.113.9".into(),
        az: Some("all".into()),
        ..Default::default()
    });
    fx.tg_with(
        "ips",
        TargetType::Ip,
        CrossZone::Inherit,
        targets[1..].to_vec(),
    );
    fx.lb(
        "nlb",
        LbType::Network,
        Scheme::InternetFacing,
        &[AZ1, AZ2],
        &["ips"],
        None,
        &[],
    );
    assert!(findings_of(&fx.build(), "lb-az-without-targets").is_empty());
}

#[test]
fn db_single_az_says_a_soft_dependency_only_degrades() {
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.rds("cache-db", AZ3, false, None, &[]);
    fx.depends("web-alb", "cache-db", false);
    let found = findings_of(&fx.build(), "db-single-az");
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .message
            .ends_with("losing use1-az3 degrades them (a soft dependency)"),
        "{}",
        found[0].message
    );
}

#[test]
fn no_deletion_protection_fires_for_a_depended_database_that_can_be_deleted() {
    let db = |protected: bool| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.sg("sg-db", &["sg-web"]);
        fx.cluster("pg", "postgres", &[AZ1, AZ2, AZ3], true, &["sg-db"]);
        if let Some(Facts::DbCluster(c)) = fx.b.find_mut("pg").map(|r| &mut r.facts) {
            c.deletion_protection = protected;
        }
        fx.build()
    };
    let f = assert_fires_then_quiet("no-deletion-protection", db(false), db(true));
    assert_eq!(
        f.message,
        "pg has deletion protection off although user-facing paths depend on it"
    );
}

#[test]
fn lb_az_without_targets_fires_when_cross_zone_is_off() {
    let nlb = |cross_zone: Option<bool>| {
        let mut fx = Fx::new();
        let t = fx.fleet("t", &[AZ1, AZ2], 1, &[]);
        fx.tg("t", &t);
        fx.lb(
            "nlb",
            LbType::Network,
            Scheme::InternetFacing,
            &[AZ1, AZ2, AZ3],
            &["t"],
            cross_zone,
            &[],
        );
        fx.build()
    };
    let f = assert_fires_then_quiet("lb-az-without-targets", nlb(None), nlb(Some(true)));
    assert!(
        f.message
            .starts_with("nlb enables use1-az3 but t has no healthy target there"),
        "{}",
        f.message
    );
}

#[test]
fn targets_outside_lb_azs_fires_for_targets_where_the_lb_has_no_node() {
    let lb = |azs: &[&str]| {
        let mut fx = Fx::new();
        let t = fx.fleet("t", &[AZ1, AZ3], 1, &[]);
        fx.tg("t", &t);
        fx.alb("alb", azs, &["t"]);
        fx.build()
    };
    let f = assert_fires_then_quiet(
        "targets-outside-lb-azs",
        lb(&[AZ1, AZ2]),
        lb(&[AZ1, AZ2, AZ3]),
    );
    assert!(
        f.message
            .starts_with("1 target of t sits in use1-az3, where alb has no node: it gets no traffic and adds no redundancy"),
        "{}",
        f.message
    );
}

#[test]
fn asg_imbalanced_fires_when_instances_sit_in_fewer_azs_than_subnets() {
    let asg = |azs: &[&str], per_az: usize| {
        let mut fx = Fx::new();
        let t = fx.fleet("t", azs, per_az, &[]);
        fx.tg("t", &t);
        fx.asg("asg", &[AZ1, AZ2], 2, 4, &t, &["t"]);
        fx.alb("alb", &[AZ1, AZ2], &["t"]);
        fx.build()
    };
    let f = assert_fires_then_quiet("asg-imbalanced", asg(&[AZ1], 2), asg(&[AZ1, AZ2], 1));
    assert_eq!(
        f.message,
        "Auto Scaling group asg spans 2 AZs but its 2 instances all sit in use1-az1"
    );
}

// ---- §8: the services estates run today ----

#[test]
fn cache_no_failover_fires_for_a_depended_cache_without_automatic_failover() {
    let cache = |failover: bool, replica: &str| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.redis("sessions", AZ1, &[replica], failover, &[]);
        fx.depends("web", "sessions", true);
        fx.build()
    };
    let f = assert_fires_then_quiet("cache-no-failover", cache(false, AZ2), cache(true, AZ2));
    assert!(
        f.message.contains("automatic failover is off"),
        "{}",
        f.message
    );
    // Failover on, but every node in one AZ: nothing to fail over to.
    let f = assert_fires_then_quiet("cache-no-failover", cache(true, AZ1), cache(true, AZ2));
    assert!(
        f.message.contains("every node is in use1-az1"),
        "{}",
        f.message
    );
}

#[test]
fn cache_no_failover_is_quiet_for_a_cache_no_path_depends_on() {
    let mut fx = web(&[AZ1, AZ2], 1);
    fx.redis("batch", AZ1, &[], false, &[]);
    assert!(findings_of(&fx.build(), "cache-no-failover").is_empty());
}

#[test]
fn ecs_single_az_fires_for_a_service_in_one_az() {
    let svc = |subnets: &[&str], tasks: &[&str]| {
        let mut fx = Fx::new();
        let ips = fx.ecs_service("api-svc", LaunchType::Fargate, subnets, 2, tasks, &[]);
        fx.ip_tg("api", &ips, tasks);
        fx.alb("api-alb", &[AZ1, AZ2], &["api"]);
        fx.build()
    };
    let f = assert_fires_then_quiet(
        "ecs-single-az",
        svc(&[AZ1], &[AZ1, AZ1]),
        svc(&[AZ1, AZ2], &[AZ1, AZ2]),
    );
    assert!(
        f.message.contains("subnets are all in use1-az1"),
        "{}",
        f.message
    );
    let f = assert_fires_then_quiet(
        "ecs-single-az",
        svc(&[AZ1, AZ2], &[AZ2, AZ2]),
        svc(&[AZ1, AZ2], &[AZ1, AZ2]),
    );
    assert!(
        f.message.contains("api-svc runs 2 tasks only in use1-az2"),
        "{}",
        f.message
    );
}

#[test]
fn lambda_single_az_fires_for_a_vpc_function_in_one_az() {
    let function = |azs: &[&str]| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.function("resize", azs);
        fx.build()
    };
    let f = assert_fires_then_quiet("lambda-single-az", function(&[AZ1]), function(&[AZ1, AZ2]));
    assert!(f.message.contains("all in use1-az1"), "{}", f.message);
    // Outside any VPC: regional, nothing to say.
    assert!(findings_of(&function(&[]), "lambda-single-az").is_empty());
}

#[test]
fn table_not_global_fires_for_a_multi_region_service_whose_table_has_no_replica_there() {
    let service = |replicas: &[&str]| {
        let mut fx = web(&[AZ1, AZ2], 1);
        fx.table("carts", replicas);
        fx.depends("web", "carts", true);
        let acct = fx.b.account_idx(crate::fixture::ACCOUNT);
        fx.b.az_name(acct, "eu-west-1", "eu-west-1a", "euw1-az1")
            .unwrap();
        fx.in_place(crate::fixture::ACCOUNT, "eu-west-1", "vpc-eu");
        let eu = fx.fleet("eu", &["euw1-az1"], 2, &[]);
        fx.tg("web-eu", &eu);
        fx.alb("web-eu-alb", &["euw1-az1"], &["web-eu"]);
        fx.service("web-eu-alb", "web");
        fx.depends("web-eu", "carts", true);
        fx.build()
    };
    let f = assert_fires_then_quiet("table-not-global", service(&[]), service(&["eu-west-1"]));
    assert!(
        f.message.contains(
            "carts (us-east-1) is a dependency of service web, which also runs in eu-west-1"
        ),
        "{}",
        f.message
    );
}
