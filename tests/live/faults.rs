//! One operation failing (denied, throttled, a server error) is a coverage gap
//! of its service, with everything else read; credentials that fail, or nothing
//! readable at all, end the scan with what to do next.

use serde_json::Value;

use crate::harness::{Scan, id, moto, scan_through};
use crate::proxy::{Fault, Proxy};

fn scan_with_fault(operation: &str, fault: Fault) -> Scan {
    let proxy = Proxy::faulting(&moto().url, operation, fault);
    // Two attempts, so that a throttled call gives up quickly.
    let scan = scan_through(&proxy.url, &["--quiet", "--max-attempts", "2"]);
    assert!(
        scan.output.status.success(),
        "a gap is not a failure: {}",
        scan.stderr()
    );
    scan
}

/// Every (account, Region) of the fixture.
fn everywhere() -> Vec<(String, &'static str)> {
    let accounts = [id("accounts/first"), id("accounts/second")];
    accounts
        .iter()
        .flat_map(|a| ["us-east-1", "eu-west-1"].map(|r| (a.clone(), r)))
        .collect()
}

/// `service` in the units `gaps` is `status`, naming `operation`; every other unit is ok.
fn assert_only_gap(
    scan: &Scan,
    service: &str,
    gaps: &[(String, &str)],
    status: &str,
    operation: &str,
) {
    for c in scan.snapshot()["coverage"].as_array().unwrap() {
        let unit = (
            c["account"].as_str().unwrap().to_string(),
            c["region"].as_str().unwrap(),
        );
        if c["service"] == service && gaps.contains(&unit) {
            assert_eq!(c["status"], status, "{c}");
            assert!(
                c["message"].as_str().unwrap_or("").contains(operation),
                "{c}"
            );
        } else {
            assert_eq!(c["status"], "ok", "{c}");
        }
    }
    let err = scan.stderr();
    assert!(
        err.contains("not read, which is not the same as empty"),
        "{err}"
    );
    assert!(err.contains(operation), "{err}");
}

fn what_if_loads(scan: &Scan) -> Value {
    let out = scan.blastmap(&["what-if", "--lose", "us-east-1", "--format", "json"]);
    assert!(
        out.status.success(),
        "a snapshot with gaps still loads: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn denied_nat_gateways_are_an_ec2_gap_and_everything_else_is_read() {
    let scan = scan_with_fault("DescribeNatGateways", Fault::AccessDenied);
    assert_only_gap(&scan, "ec2", &everywhere(), "denied", "DescribeNatGateways");
    assert!(!scan.has(&id("shop/nat_gateway")));
    for kept in [
        "shop/private_route_table",
        "shop/checkout_instances/0",
        "shop/storefront_alb",
        "shop/storefront_asg",
        "shop/catalog_db",
        "shop/ledger_aurora",
        "shop_eu/orders_replica",
    ] {
        assert!(scan.has(&id(kept)), "{kept} is still read");
    }
    what_if_loads(&scan);
}

#[test]
fn throttled_target_health_is_an_elbv2_gap_after_retries() {
    let scan = scan_with_fault("DescribeTargetHealth", Fault::Throttling);
    // Only where there are target groups is target health asked for.
    let with_target_groups = [
        (id("accounts/first"), "us-east-1"),
        (id("accounts/second"), "eu-west-1"),
    ];
    assert_only_gap(
        &scan,
        "elbv2",
        &with_target_groups,
        "throttled",
        "DescribeTargetHealth",
    );
    let lb = &scan.resource(&id("shop/storefront_alb"))["load_balancer"];
    assert_eq!(lb["zones"].as_array().unwrap().len(), 2);
    assert!(scan.has(&id("shop/checkout_web")));
    assert!(scan.has(&id("shop/storefront_asg")));
    what_if_loads(&scan);
}

#[test]
fn a_server_error_on_db_clusters_is_an_rds_gap_and_instances_are_kept() {
    let scan = scan_with_fault("DescribeDBClusters", Fault::ServerError);
    assert_only_gap(&scan, "rds", &everywhere(), "error", "DescribeDBClusters");
    assert!(!scan.has(&id("shop/ledger_aurora")));
    let member = &scan.resource(&id("shop/ledger_members/0"))["db_instance"];
    assert_eq!(
        member["cluster"],
        id("shop/ledger_aurora"),
        "kept, excused by the gap"
    );
    what_if_loads(&scan);
}

#[test]
fn rejected_credentials_end_the_scan_with_what_to_do() {
    let proxy = Proxy::faulting(&moto().url, "*", Fault::UnknownCredentials);
    let scan = scan_through(&proxy.url, &["--quiet"]);
    assert_eq!(scan.output.status.code(), Some(3), "{}", scan.stderr());
    let err = scan.stderr();
    assert!(err.contains("AWS rejected the credentials"), "{err}");
    assert!(err.contains("aws configure"), "{err}");
    assert!(scan.snapshot.is_none());
}

#[test]
fn nothing_readable_exits_3_and_writes_nothing() {
    let proxy = Proxy::faulting(&moto().url, "*", Fault::AccessDenied);
    let scan = scan_through(&proxy.url, &["--quiet"]);
    assert_eq!(scan.output.status.code(), Some(3), "{}", scan.stderr());
    assert!(
        scan.stderr().contains("nothing could be read"),
        "{}",
        scan.stderr()
    );
    assert!(scan.snapshot.is_none());
}

/// The scan with `operation` denied, checked to be a gap of `service` where `gaps` are.
fn denied(operation: &str, service: &str, gaps: &[(String, &str)]) -> Scan {
    let scan = scan_with_fault(operation, Fault::AccessDenied);
    let op = operation.split(':').next_back().unwrap_or(operation);
    assert_only_gap(&scan, service, gaps, "denied", op);
    what_if_loads(&scan);
    scan
}

fn m(path: &str) -> String {
    id(&format!("shop/modern/{path}"))
}

/// Read whatever else was denied: the classic estate and every other new service.
fn assert_still_read(scan: &Scan, kept: &[String]) {
    for k in [
        id("shop/storefront_alb"),
        id("shop/catalog_db"),
        id("shop/storefront_asg"),
    ]
    .iter()
    .chain(kept)
    {
        assert!(scan.has(k), "{k} is still read");
    }
}

#[test]
fn denied_ecs_is_an_ecs_gap_and_everything_else_is_read() {
    let scan = denied("ecs:ListClusters", "ecs", &everywhere());
    assert!(!scan.has(&m("ecs_cluster")) && !scan.has(&m("ecs_task")));
    // EKS has an operation of the same name: still read.
    assert_still_read(
        &scan,
        &[
            m("eks_cluster"),
            m("function"),
            m("sessions"),
            m("tables/orders"),
        ],
    );
}

#[test]
fn denied_eks_node_groups_are_an_eks_gap_and_the_clusters_are_kept() {
    let scan = denied(
        "DescribeNodegroup",
        "eks",
        &[(id("accounts/first"), "us-east-1")],
    );
    assert!(!scan.has(&m("eks_nodegroup")));
    assert_still_read(
        &scan,
        &[m("eks_cluster"), m("eks_nodegroup_asg"), m("ecs_task")],
    );
}

#[test]
fn denied_lambda_is_a_lambda_gap_and_its_alb_target_is_kept() {
    let scan = denied("ListFunctions", "lambda", &everywhere());
    assert!(!scan.has(&m("function")));
    let thumbs = &scan.resource(&m("thumbs_tg"))["target_group"];
    assert_eq!(thumbs["targets"][0]["id"], m("function"));
    assert_still_read(&scan, &[m("ecs_service"), m("sessions")]);
}

#[test]
fn denied_cache_clusters_are_an_elasticache_gap_and_the_groups_are_kept() {
    let scan = denied("DescribeCacheClusters", "elasticache", &everywhere());
    assert!(!scan.has(&m("fragments")));
    assert_still_read(&scan, &[m("sessions"), m("ecs_task"), m("tables/carts")]);
}

#[test]
fn denied_continuous_backups_are_a_dynamodb_gap_and_the_tables_are_kept() {
    let with_tables = [
        (id("accounts/first"), "us-east-1"),
        (id("accounts/second"), "eu-west-1"),
    ];
    let scan = denied("DescribeContinuousBackups", "dynamodb", &with_tables);
    let orders = &scan.resource(&m("tables/orders"))["dynamodb_table"];
    assert_eq!(orders["deletion_protection"], true);
    assert_still_read(&scan, &[id("shop_eu/orders_table"), m("function")]);
}
