//! `what-if --health-event`: an AWS Health event replayed on the scanned estate. moto has
//! no Health API: the answers are hand-written from the AWS Health API reference, in
//! its Smithy RPC v2 CBOR protocol, and parsed by the SDK like any answer. STS (who the
//! credentials belong to) is moto's.

use std::process::Output;

use serde_json::{Value, json};

use crate::cbor;
use crate::harness::{az, full_scan, id, moto};
use crate::policy::policy_actions_of;
use crate::proxy::{Canned, Fault, Proxy};

const ARN: &str = "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_7F3A2C1B9D";

/// A Health event in `region`, in `zone` when it is zonal (as the Health API writes it).
fn event(region: &str, zone: Option<&str>) -> Value {
    let mut e = json!({
        "arn": ARN,
        "service": "EC2",
        "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
        "eventTypeCategory": "issue",
        "region": region,
        "startTime": {"$epoch": 1767258000},
        "lastUpdatedTime": {"$epoch": 1767261600},
        "statusCode": "open",
        "eventScopeCode": "ACCOUNT_SPECIFIC",
    });
    if let Some(zone) = zone {
        e["availabilityZone"] = json!(zone);
    }
    e
}

fn answer(operation: &'static str, body: Value) -> Canned {
    Canned {
        operation,
        region: None,
        access_key: None,
        body_contains: None,
        path_contains: None,
        body: cbor::encode(&body),
    }
}

/// The account's own view holds the event.
fn account_view(e: Value) -> Vec<Canned> {
    vec![answer(
        "DescribeEventDetails",
        json!({
            "successfulSet": [{"event": e, "eventDescription": {"latestDescription": "Increased API error rates."}}],
            "failedSet": [],
        }),
    )]
}

/// The account's own view does not hold the event; the organization's does, for `account`.
fn organization_view(account: &str, e: Value) -> Vec<Canned> {
    vec![
        answer(
            "DescribeEventDetails",
            json!({
                "successfulSet": [],
                "failedSet": [{
                    "eventArn": ARN,
                    "errorName": "EventNotFound",
                    "errorMessage": "No event with this ARN in this account",
                }],
            }),
        ),
        answer(
            "DescribeAffectedAccountsForOrganization",
            json!({"affectedAccounts": [account], "eventScopeCode": "ACCOUNT_SPECIFIC"}),
        ),
        answer(
            "DescribeEventDetailsForOrganization",
            json!({
                "successfulSet": [{"awsAccountId": account, "event": e}],
                "failedSet": [],
            }),
        ),
    ]
}

/// `what-if --health-event` on the shared scan's snapshot, through `proxy`.
fn replay(proxy: &Proxy) -> Output {
    let scan = &full_scan().scan;
    scan.sandbox.run(
        &proxy.url,
        &[
            "what-if",
            "--health-event",
            ARN,
            "--snapshot",
            &scan.out().display().to_string(),
            "--format",
            "json",
        ],
    )
}

fn lost(out: &Output) -> Vec<String> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("what-if JSON");
    doc["lost"]
        .as_array()
        .expect("lost")
        .iter()
        .map(|d| d.as_str().expect("a domain").to_string())
        .collect()
}

/// Every Health call the proxy saw is one the policy's Health statement grants.
fn granted(proxy: &Proxy) {
    let health = policy_actions_of(true);
    for op in proxy.distinct_operations() {
        if op.starts_with("health:") {
            assert!(health.contains(&op), "{op} is not in the policy");
        }
    }
}

#[test]
fn a_zonal_event_loses_the_az_id_its_account_calls_by_that_name() {
    let proxy = Proxy::answering(
        &moto().url,
        account_view(event("us-east-1", Some("us-east-1b"))),
    );
    let out = replay(&proxy);
    assert_eq!(lost(&out), [az("us-east-1b")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(ARN), "{err}");
    // The translation is shown: the name, whose name it is, and the AZ ID it means.
    assert!(
        err.contains(&format!(
            "us-east-1b in account {} is {}",
            id("accounts/first"),
            az("us-east-1b")
        )),
        "{err}"
    );
    assert!(
        proxy
            .distinct_operations()
            .contains("health:DescribeEventDetails")
    );
    granted(&proxy);
}

#[test]
fn a_regional_event_loses_the_region() {
    let proxy = Proxy::answering(&moto().url, account_view(event("us-east-1", None)));
    let out = replay(&proxy);
    assert_eq!(lost(&out), ["us-east-1"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("names no AZ: losing the Region us-east-1"),
        "{err}"
    );
}

#[test]
fn an_organization_event_uses_the_affected_accounts_own_mapping() {
    let second = id("accounts/second");
    let proxy = Proxy::answering(
        &moto().url,
        organization_view(&second, event("eu-west-1", Some("eu-west-1a"))),
    );
    let out = replay(&proxy);
    let second_az = moto().manifest["az_ids"]["eu-west-1"]["eu-west-1a"]
        .as_str()
        .expect("an AZ ID")
        .to_string();
    assert_eq!(lost(&out), std::slice::from_ref(&second_az));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("organizational view"), "{err}");
    assert!(
        err.contains(&format!("eu-west-1a in account {second} is {second_az}")),
        "{err}"
    );
    let ops = proxy.distinct_operations();
    assert!(
        ops.contains("health:DescribeAffectedAccountsForOrganization"),
        "{ops:?}"
    );
    assert!(
        ops.contains("health:DescribeEventDetailsForOrganization"),
        "{ops:?}"
    );
    granted(&proxy);
}

#[test]
fn without_a_support_plan_the_health_api_says_so_in_one_sentence() {
    let proxy = Proxy::faulting(
        &moto().url,
        "DescribeEventDetails",
        Fault::SubscriptionRequired,
    );
    let out = replay(&proxy);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("needs a Business, Enterprise On-Ramp or Enterprise Support plan"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one sentence: {err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn an_event_outside_the_snapshot_says_what_to_scan() {
    let proxy = Proxy::answering(
        &moto().url,
        account_view(event("ap-southeast-2", Some("ap-southeast-2a"))),
    );
    let out = replay(&proxy);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--region ap-southeast-2"), "{err}");
}
