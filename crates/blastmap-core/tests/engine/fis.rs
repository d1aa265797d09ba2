//! `export --format fis` (`../shared/domain.md` §10): the template targets everything
//! of the estate in the AZ for one account, nothing outside it, and matches the FIS
//! action reference (action ids, target keys, resource types, parameters, limits).

use std::collections::BTreeSet;

use blastmap_core::fis::{FisError, FisRequest, experiment};
use blastmap_core::model::*;
use blastmap_core::sim::Topology;

const ROLE: &str = "arn:aws:iam::111111111111:role/fis-az";

/// From the FIS action reference: action id → (target key, resource type, parameters).
const REFERENCE: &[(&str, &str, &str, &[&str])] = &[
    (
        "aws:ec2:stop-instances",
        "Instances",
        "aws:ec2:instance",
        &[
            "startInstancesAfterDuration",
            "completeIfInstancesTerminated",
        ],
    ),
    (
        "aws:ec2:asg-insufficient-instance-capacity-error",
        "AutoScalingGroups",
        "aws:ec2:autoscaling-group",
        &["availabilityZoneIdentifiers", "duration", "percentage"],
    ),
    (
        "aws:network:disrupt-connectivity",
        "Subnets",
        "aws:ec2:subnet",
        &["duration", "scope"],
    ),
    (
        "aws:rds:failover-db-cluster",
        "Clusters",
        "aws:rds:cluster",
        &[],
    ),
    (
        "aws:rds:reboot-db-instances",
        "DBInstances",
        "aws:rds:db",
        &["forceFailover"],
    ),
    (
        "aws:elasticache:replicationgroup-interrupt-az-power",
        "ReplicationGroups",
        "aws:elasticache:replicationgroup",
        &["duration"],
    ),
];

fn demo() -> (Estate, Topology) {
    let e = crate::embedded::estate().unwrap();
    let t = Topology::build(&e);
    (e, t)
}

fn request<'a>(e: &Estate, az: &str, account: Option<&'a str>) -> FisRequest<'a> {
    FisRequest {
        az: e.parse_domain(az).unwrap(),
        account,
        paths: None,
        role_arn: ROLE,
        duration: "PT30M",
        stop_alarm: None,
    }
}

/// The ARNs a template targets.
fn arns(t: &blastmap_core::fis::Template) -> BTreeSet<String> {
    (t.targets.values())
        .flat_map(|t| t.resource_arns.iter().cloned())
        .collect()
}

#[test]
fn the_template_targets_everything_of_the_account_in_the_az_and_nothing_outside() {
    let (e, topo) = demo();
    let x = experiment(&e, &topo, &request(&e, "use1-az4", Some("shop-prod"))).unwrap();
    let az = e.az_by_id("use1-az4").unwrap();
    let shop = e.account(x.account).id.clone();
    assert_eq!(shop, "111111111111");
    let targeted = arns(&x.template);
    // Every ARN is a resource of shop-prod in use1-az4 (or spanning it).
    for arn in &targeted {
        let r = (e.resources().iter())
            .find(|r| arn == &r.id || arn.ends_with(&format!("/{}", r.id)))
            .unwrap_or_else(|| panic!("{arn} is no resource of the estate"));
        assert_eq!(e.account(r.account).id, shop, "{arn}");
        let spans = match &r.facts {
            Facts::AutoScalingGroup(g) => g.azs.iter().any(|a| a == "use1-az4"),
            Facts::DbCluster(c) => c.members.iter().any(|m| {
                m.writer
                    && e.find(&m.instance)
                        .is_some_and(|i| e.resource(i).az == Some(az))
            }),
            Facts::CacheReplicationGroup(g) => g
                .shards
                .iter()
                .flat_map(|s| &s.members)
                .any(|m| m.az == "use1-az4"),
            _ => r.az == Some(az),
        };
        assert!(spans, "{arn} is not in use1-az4");
    }
    // And every running instance and subnet of shop-prod in use1-az4 is there.
    for r in e
        .resources()
        .iter()
        .filter(|r| r.az == Some(az) && e.account(r.account).id == shop)
    {
        let wanted = match &r.facts {
            Facts::Instance(i) => i.is_running(),
            Facts::Subnet(_) => true,
            _ => false,
        };
        if wanted {
            assert!(
                targeted.iter().any(|a| a.ends_with(&format!("/{}", r.id))),
                "{} is missing",
                r.id
            );
        }
    }
    assert!(
        targeted
            .iter()
            .any(|a| a.contains(":cluster:catalog-aurora"))
    );
    assert!(
        targeted
            .iter()
            .any(|a| a.contains(":replicationgroup:cart-sessions"))
    );
}

#[test]
fn the_template_follows_the_fis_action_reference() {
    let (e, topo) = demo();
    for (az, account) in [
        ("use1-az4", "shop-prod"),
        ("use1-az4", "platform"),
        ("use1-az1", "payments-prod"),
        ("euw1-az1", "shop-prod"),
    ] {
        let role = format!(
            "arn:aws:iam::{}:role/fis-az",
            e.accounts().iter().find(|a| a.name == account).unwrap().id
        );
        let mut req = request(&e, az, Some(account));
        req.role_arn = &role;
        let x = experiment(&e, &topo, &req).unwrap();
        let t = &x.template;
        assert!(t.description.chars().count() <= 512);
        assert_eq!(t.stop_conditions.len(), 1);
        assert_eq!(t.stop_conditions[0].source, "aws:cloudwatch:alarm");
        for (name, action) in &t.actions {
            let (_, key, resource_type, params) = REFERENCE
                .iter()
                .find(|(id, ..)| *id == action.action_id)
                .unwrap_or_else(|| panic!("{} is not in the reference", action.action_id));
            for p in action.parameters.keys() {
                assert!(params.contains(&p.as_str()), "{name}: parameter {p}");
            }
            assert_eq!(action.targets.len(), 1);
            let target = &t.targets[&action.targets[*key]];
            assert_eq!(target.resource_type, *resource_type, "{name}");
            assert!((1..=5).contains(&target.resource_arns.len()), "{name}");
            assert_eq!(target.selection_mode, "ALL");
            for v in target.parameters.values().chain(action.parameters.values()) {
                assert!(
                    v.chars().all(|c| c.is_alphanumeric()
                        || c.is_whitespace()
                        || "_.:/=+-@".contains(c)),
                    "{v}"
                );
            }
        }
        assert!(t.targets.len() == t.actions.len(), "one action per target");
    }
}

#[test]
fn more_than_five_resources_of_a_kind_are_split_over_targets() {
    let (e, topo) = demo();
    // shop-prod's use1-az4 holds more than five running instances.
    let x = experiment(&e, &topo, &request(&e, "use1-az4", Some("shop-prod"))).unwrap();
    let stops: Vec<_> = (x.template.targets.iter())
        .filter(|(n, _)| n.starts_with("Stop-Instances-"))
        .collect();
    let n = x
        .counts
        .iter()
        .find(|(k, _)| *k == "Stop-Instances")
        .unwrap()
        .1;
    assert_eq!(stops.len(), n.div_ceil(5), "{n} instances");
    assert!(n > 5, "{n} instances");
}

#[test]
fn a_path_scopes_the_template_to_its_own_resources() {
    let (e, topo) = demo();
    let checkout = (topo.paths().iter())
        .position(|p| e.resource(p.lb).name == "checkout-alb")
        .unwrap();
    let paths = [checkout];
    let mut req = request(&e, "use1-az4", None);
    req.paths = Some(&paths);
    let x = experiment(&e, &topo, &req).unwrap();
    let targeted = arns(&x.template);
    assert!(
        targeted.iter().any(|a| a.contains("checkout-asg")),
        "{targeted:?}"
    );
    assert!(
        !targeted.iter().any(|a| a.contains("storefront-web-asg")),
        "{targeted:?}"
    );
    assert!(
        !targeted.iter().any(|a| a.contains("cart-sessions")),
        "{targeted:?}"
    );
    assert_eq!(x.paths, [checkout]);
}

#[test]
fn bad_requests_say_what_to_give() {
    let (e, topo) = demo();
    let err = |req: FisRequest| experiment(&e, &topo, &req).unwrap_err();
    assert!(matches!(
        err(request(&e, "use1-az4", None)),
        FisError::SeveralAccounts { .. }
    ));
    assert!(matches!(
        err(request(&e, "us-east-1", None)),
        FisError::NotAnAz { .. }
    ));
    assert_eq!(
        err(request(&e, "use1-az4", Some("nobody"))),
        FisError::UnknownAccount("nobody".into())
    );
    let mut r = request(&e, "use1-az4", Some("shop-prod"));
    r.duration = "30m";
    assert!(matches!(err(r), FisError::BadDuration(_)));
    let mut r = request(&e, "use1-az4", Some("shop-prod"));
    r.role_arn = "fis-role";
    assert!(matches!(err(r), FisError::BadRole(_)));
    let mut r = request(&e, "use1-az4", Some("payments-prod"));
    r.role_arn = ROLE;
    assert!(matches!(err(r), FisError::RoleAccount { .. }));
}
