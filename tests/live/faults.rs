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
    assert!(err.contains("coverage gaps: these were not read"), "{err}");
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
