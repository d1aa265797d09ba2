//! The compute and data services estates run today (`../shared/domain.md` §8):
//! ECS services, EKS node groups and pods, Lambda, ElastiCache, DynamoDB.

use blastmap_core::model::*;
use blastmap_core::sim::{Status, path_detail};

use crate::fixture::{Fx, Sim};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const AZ3: &str = "use1-az3";

// ---- ECS services ----

/// `web-alb` → `web` (ip) → the tasks of ECS service `web-svc`.
fn fargate_web(tasks: &[&str], desired: u32, launch: LaunchType) -> Sim {
    let mut fx = Fx::new();
    let ips = fx.ecs_service("web-svc", launch, &[AZ1, AZ2, AZ3], desired, tasks, &[]);
    fx.ip_tg("web", &ips, tasks);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    Sim::new(fx.build())
}

#[test]
fn ip_targets_are_the_tasks_of_their_ecs_service_and_fargate_relaunches_them() {
    let s = fargate_web(&[AZ1, AZ1, AZ2, AZ3], 4, LaunchType::Fargate);
    let v = s.lose(&[AZ1]);
    let p = s.path(&v, "web-alb");
    assert_eq!(p.status, Status::Degraded);
    // Two of four tasks lost; the scheduler relaunches both in surviving subnets.
    assert_eq!(
        (
            p.capacity.before,
            p.capacity.after,
            p.capacity.after_recovery
        ),
        (4, 2, 4)
    );
    let reasons = s.reasons(&[AZ1], "web-alb");
    assert!(
        reasons[0].contains("lost 2 of its 4 healthy tasks in use1-az1"),
        "{reasons:?}"
    );
    let d = path_detail(&s.estate, &s.topo, 0, &v);
    let svc = (d.hops.iter())
        .find(|h| h.label.starts_with("ECS service web-svc"))
        .expect("the service's line");
    assert!(svc.label.contains("Fargate, desired 4"), "{svc:?}");
    assert!(svc.note.contains("relaunches 2 tasks"), "{svc:?}");
    assert!(
        svc.note.contains("in use1-az2") && svc.note.contains("in use1-az3"),
        "{svc:?}"
    );
}

#[test]
fn an_ecs_service_relaunches_only_into_its_own_subnets_azs() {
    let mut fx = Fx::new();
    let ips = fx.ecs_service("web-svc", LaunchType::Fargate, &[AZ1], 2, &[AZ1, AZ1], &[]);
    fx.ip_tg("web", &ips, &[AZ1, AZ1]);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    let s = Sim::new(fx.build());
    let v = s.lose(&[AZ1]);
    let p = s.path(&v, "web-alb");
    assert_eq!(p.status, Status::Down);
    assert_eq!((p.capacity.after, p.capacity.after_recovery), (0, 0));
}

#[test]
fn an_ec2_launch_type_service_relaunches_only_where_container_instances_have_room() {
    // Tasks on instances: two per host in AZ1, one host in AZ2 with one task (room 1).
    let mut fx = Fx::new();
    let hosts = fx.fleet("host", &[AZ1, AZ2], 1, &[]);
    let ips = fx.ecs_service(
        "web-svc",
        LaunchType::Ec2,
        &[AZ1, AZ2],
        3,
        &[AZ1, AZ1, AZ2],
        &[],
    );
    for (k, host) in [&hosts[0], &hosts[0], &hosts[1]].iter().enumerate() {
        let task = format!("web-svc-task-{k}");
        if let Some(r) = fx.b.find_mut(&task)
            && let Facts::EcsTask(t) = &mut r.facts
        {
            t.instance = Some(host.to_string());
        }
    }
    fx.ip_tg("web", &ips, &[AZ1, AZ1, AZ2]);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    let s = Sim::new(fx.build());
    let v = s.lose(&[AZ1]);
    let p = s.path(&v, "web-alb");
    // Two tasks lost; the surviving host has room for one more.
    assert_eq!(
        (
            p.capacity.before,
            p.capacity.after,
            p.capacity.after_recovery
        ),
        (3, 1, 2)
    );
}

#[test]
fn a_services_security_groups_make_its_tasks_depend_on_what_they_admit() {
    let mut fx = Fx::new();
    fx.sg("sg-web", &[]);
    fx.sg("sg-cache", &["sg-web"]);
    let ips = fx.ecs_service(
        "web-svc",
        LaunchType::Fargate,
        &[AZ1, AZ2],
        2,
        &[AZ1, AZ2],
        &["sg-web"],
    );
    fx.ip_tg("web", &ips, &[AZ1, AZ2]);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.redis("sessions", AZ3, &[AZ1], false, &["sg-cache"]);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ3], "web-alb"), Status::Down);
    let reasons = s.reasons(&[AZ3], "web-alb");
    assert!(
        reasons[0].starts_with("depends on sessions (inferred from security groups)"),
        "{reasons:?}"
    );
}

// ---- ElastiCache ----

fn web_with_cache(primary: &str, replicas: &[&str], failover: bool) -> Sim {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2, AZ3], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.redis("sessions", primary, replicas, failover, &[]);
    fx.depends("web", "sessions", true);
    Sim::new(fx.build())
}

#[test]
fn a_redis_primary_lost_with_automatic_failover_promotes_a_surviving_replica() {
    let s = web_with_cache(AZ1, &[AZ2], true);
    assert_eq!(s.status(&[AZ1], "web-alb"), Status::Degraded);
    let reasons = s.reasons(&[AZ1], "web-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r
                .contains("sessions lost its primary in use1-az1: replica promoted in use1-az2")),
        "{reasons:?}"
    );
}

#[test]
fn a_redis_primary_lost_without_automatic_failover_stops_writes_and_takes_the_path_down() {
    let s = web_with_cache(AZ1, &[AZ2], false);
    assert_eq!(s.status(&[AZ1], "web-alb"), Status::Down);
    let reasons = s.reasons(&[AZ1], "web-alb");
    assert!(
        reasons[0].contains("automatic failover is off, so writes stop"),
        "{reasons:?}"
    );
}

#[test]
fn a_redis_primary_lost_with_no_surviving_replica_is_down_even_with_failover_on() {
    let s = web_with_cache(AZ1, &[AZ1], true);
    assert_eq!(s.status(&[AZ1], "web-alb"), Status::Down);
    assert!(s.reasons(&[AZ1], "web-alb")[0].contains("no replica survives to promote"));
}

#[test]
fn a_lost_redis_replica_alone_degrades() {
    let s = web_with_cache(AZ1, &[AZ2], true);
    assert_eq!(s.status(&[AZ2], "web-alb"), Status::Degraded);
    assert!(
        s.reasons(&[AZ2], "web-alb")
            .iter()
            .any(|r| r.contains("lost 1 replica in use1-az2"))
    );
}

#[test]
fn memcached_loses_the_lost_azs_share_and_is_down_only_when_every_node_is_lost() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2, AZ3], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.memcached("pages", &[AZ1, AZ2, AZ2]);
    fx.depends("web", "pages", true);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ1], "web-alb"), Status::Degraded);
    assert!(
        s.reasons(&[AZ1], "web-alb")
            .iter()
            .any(|r| r.contains("pages lost 1 of its 3 nodes in use1-az1"))
    );
    assert_eq!(s.status(&[AZ1, AZ2], "web-alb"), Status::Down);
}

// ---- DynamoDB ----

#[test]
fn a_table_survives_every_az_loss_and_a_region_loss_only_through_a_global_replica() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.table("orders", &[]);
    fx.table("carts", &["eu-west-1"]);
    // The path lives in eu-west-1 and needs both us-east-1 tables.
    let acct = fx.b.account_idx(crate::fixture::ACCOUNT);
    fx.b.az_name(acct, "eu-west-1", "eu-west-1a", "euw1-az1")
        .unwrap();
    fx.in_place(crate::fixture::ACCOUNT, "eu-west-1", "vpc-eu");
    let eu = fx.fleet("eu", &["euw1-az1"], 2, &[]);
    fx.tg("eu", &eu);
    fx.alb("eu-alb", &["euw1-az1"], &["eu"]);
    fx.depends("eu", "carts", true);
    fx.depends("web", "orders", true);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ1, AZ2, AZ3], "web-alb"), Status::Down);
    // Every AZ of the Region lost is not the Region lost: the table survives it, the targets do not.
    assert!(
        s.reasons(&[AZ1, AZ2, AZ3], "web-alb")
            .iter()
            .all(|r| !r.contains("orders"))
    );
    assert_eq!(s.status(&["us-east-1"], "eu-alb"), Status::Degraded);
    let reasons = s.reasons(&["us-east-1"], "eu-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("carts is lost with us-east-1: its global table keeps serving from the replica in eu-west-1")),
        "{reasons:?}"
    );
}

#[test]
fn a_table_without_a_replica_is_down_with_its_region() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2], &["web"]);
    fx.table("orders", &[]);
    fx.depends("web-alb", "orders", true);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ1], "web-alb"), Status::Degraded);
    assert!(
        s.reasons(&[AZ1], "web-alb")
            .iter()
            .all(|r| !r.contains("orders"))
    );
}

// ---- Lambda ----

#[test]
fn an_alb_lambda_target_outside_a_vpc_survives_every_az_loss() {
    let mut fx = Fx::new();
    let f = fx.function("api-fn", &[]);
    fx.tg_with(
        "api",
        TargetType::Lambda,
        CrossZone::Inherit,
        vec![Target {
            id: f,
            az: Some("all".into()),
            ..Default::default()
        }],
    );
    fx.alb("api-alb", &[AZ1, AZ2], &["api"]);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ1], "api-alb"), Status::Ok);
}

#[test]
fn a_vpc_lambda_target_serves_while_one_of_its_subnets_azs_survives() {
    let mut fx = Fx::new();
    let f = fx.function("api-fn", &[AZ1, AZ2]);
    fx.tg_with(
        "api",
        TargetType::Lambda,
        CrossZone::Inherit,
        vec![Target {
            id: f,
            az: Some("all".into()),
            ..Default::default()
        }],
    );
    fx.alb("api-alb", &[AZ1, AZ2, AZ3], &["api"]);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ1], "api-alb"), Status::Ok);
    assert_eq!(s.status(&[AZ1, AZ2], "api-alb"), Status::Down);
    assert!(
        s.reasons(&[AZ1, AZ2], "api-alb")[0]
            .contains("lost its Lambda target api-fn: every AZ of the function's subnets is lost")
    );
}

#[test]
fn a_declared_vpc_lambda_dependency_is_lost_only_with_all_its_azs() {
    let mut fx = Fx::new();
    let web = fx.fleet("web", &[AZ1, AZ2, AZ3], 1, &[]);
    fx.tg("web", &web);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    fx.function("resize", &[AZ2, AZ3]);
    fx.depends("web", "resize", true);
    let s = Sim::new(fx.build());
    assert_eq!(s.status(&[AZ2], "web-alb"), Status::Degraded);
    assert!(
        s.reasons(&[AZ2], "web-alb")
            .iter()
            .all(|r| !r.contains("resize"))
    );
    assert_eq!(s.status(&[AZ2, AZ3], "web-alb"), Status::Down);
}

// ---- EKS ----

#[test]
fn pods_behind_the_load_balancer_controller_say_their_recovery_is_unknown() {
    let mut fx = Fx::new();
    let t = fx.tg_with(
        "pods",
        TargetType::Ip,
        CrossZone::Inherit,
        ["10.9.0.1", "10.9.0.2", "10.9.0.3"]
            .iter()
            .zip([AZ1, AZ2, AZ3])
            .map(|(ip, az)| Target {
                id: ip.to_string(),
                az: Some(az.into()),
                ..Default::default()
            })
            .collect(),
    );
    let tg = fx.b.find_mut(&t).expect("just added");
    tg.tags
        .insert("elbv2.k8s.aws/cluster".into(), "shop".into());
    fx.alb("shop-alb", &[AZ1, AZ2, AZ3], &["pods"]);
    let s = Sim::new(fx.build());
    let v = s.lose(&[AZ1]);
    let p = s.path(&v, "shop-alb");
    assert_eq!(p.status, Status::Degraded);
    // Never a guess: no recovery counted for pods.
    assert_eq!(p.capacity.after_recovery, p.capacity.after);
    let reasons = s.reasons(&[AZ1], "shop-alb");
    assert!(
        reasons
            .iter()
            .any(|r| r.contains("pods of EKS cluster shop") && r.contains("unknown")),
        "{reasons:?}"
    );
}

#[test]
fn an_eks_node_group_is_its_auto_scaling_group_named_by_cluster_and_node_group() {
    let mut fx = Fx::new();
    fx.add(
        "eks-shop",
        "shop",
        None,
        Facts::EksCluster(EksCluster::default()),
    );
    let nodes = fx.fleet("node", &[AZ1, AZ2], 1, &[]);
    fx.asg("ng-asg", &[AZ1, AZ2], 2, 4, &nodes, &[]);
    fx.add(
        "ng-web",
        "shop/web",
        None,
        Facts::EksNodegroup(EksNodegroup {
            cluster: "eks-shop".into(),
            auto_scaling_groups: vec!["ng-asg".into()],
            ..Default::default()
        }),
    );
    fx.tg("nodes", &nodes);
    fx.alb("shop-alb", &[AZ1, AZ2], &["nodes"]);
    let s = Sim::new(fx.build());
    let v = s.lose(&[AZ1]);
    let p = s.path(&v, "shop-alb");
    // The node group's group relaunches the lost node; the controller registers it.
    assert_eq!(
        (
            p.capacity.before,
            p.capacity.after,
            p.capacity.after_recovery
        ),
        (4, 2, 4)
    );
    let d = path_detail(&s.estate, &s.topo, 0, &v);
    assert!(
        d.hops.iter().any(|h| h
            .label
            .starts_with("EKS node group shop/web (Auto Scaling group ng-asg")),
        "{:?}",
        d.hops
    );
}
