//! `assets/iam-policy.json` grants exactly the operations a scan sends: a scan of
//! every Region of both accounts, and scans of the organization, through a recording
//! proxy, call each of them. Its last statement is for `what-if --health-event`
//! (`tests/live/health.rs` checks it).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Sandbox, id, moto};
use crate::proxy::Proxy;

/// The statement for `what-if --health-event`, which a scan never uses.
pub const HEALTH_STATEMENT: &str = "BlastmapHealthEventReplay";

/// The actions of the policy's statements, those named `HEALTH_STATEMENT` or the others.
pub fn policy_actions_of(health: bool) -> BTreeSet<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/iam-policy.json");
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the policy exists"))
            .expect("the policy is JSON");
    let mut actions = BTreeSet::new();
    for statement in policy["Statement"].as_array().expect("statements") {
        assert_eq!(statement["Effect"], "Allow");
        if (statement["Sid"] == HEALTH_STATEMENT) != health {
            continue;
        }
        for a in statement["Action"].as_array().expect("an action list") {
            actions.insert(a.as_str().expect("an action").to_string());
        }
    }
    actions
}

#[test]
fn the_iam_policy_lists_exactly_the_operations_a_scan_sends() {
    let proxy = Proxy::start(&moto().url);
    let sandbox = Sandbox::new();
    let out = sandbox.path("all-regions.json").display().to_string();
    let run = sandbox.run(
        &proxy.url,
        &[
            "scan",
            "--all-regions",
            "--role-arn",
            &id("second_role"),
            "--quiet",
            "--out",
            &out,
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    // The organization's listing: the whole of it, and an OU tree from the root down.
    for extra in [vec![], vec!["--ou".to_string(), id("org/root")]] {
        let mut args: Vec<String> = ["scan", "--organization", "--region", "us-east-1", "--quiet"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.extend(extra);
        args.extend([
            "--out".to_string(),
            sandbox.path("org.json").display().to_string(),
        ]);
        let run = sandbox.run(&proxy.url, &args);
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
    }
    // The proxy names each call by its signing service, which is the IAM prefix.
    assert_eq!(proxy.distinct_operations(), policy_actions_of(false));
}
