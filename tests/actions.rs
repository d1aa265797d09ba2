//! From a verdict to action (`../shared/domain.md` §10): `blastmap runbook` and
//! `blastmap export --format fis`, on the demo estate, as a user runs them.

use serde_json::Value;

mod common;

use common::{blastmap, stdout_of as stdout};

#[test]
fn the_runbook_shifts_what_the_survivors_carry_and_warns_about_the_rest() {
    let md = stdout(&[
        "runbook", "--demo", "--lose", "use1-az4", "--format", "markdown",
    ]);
    assert!(md.starts_with(
        "# Runbook: losing use1-az4 (us-east-1a in shop-prod, us-east-1c in payments-prod, us-east-1b in platform)\n"
    ), "{md}");
    assert!(md.contains("aws arc-zonal-shift start-zonal-shift --region us-east-1 --resource-identifier arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/storefront-alb/"));
    assert!(md.contains("- cart-alb cannot be shifted: its zonal shift attribute is off"));
    // Worst first: the first path section is a down one.
    let first = md.find("\n### ").unwrap();
    assert!(
        md[first..].starts_with("\n### ✗ down"),
        "{}",
        &md[first..first + 60]
    );
    let doc: Value = serde_json::from_str(&stdout(&[
        "runbook", "--demo", "--lose", "use1-az4", "--format", "json",
    ]))
    .unwrap();
    assert_eq!(doc["schema"], "blastmap.runbook/v1");
    let shifted: Vec<&str> = (doc["shifts"].as_array().unwrap().iter())
        .map(|s| s["load_balancer"].as_str().unwrap())
        .collect();
    assert!(shifted.contains(&"storefront-alb") && !shifted.contains(&"checkout-alb"));
    assert_eq!(doc["paths"].as_array().unwrap().len(), 15);
}

#[test]
fn runbook_needs_a_domain_and_says_which_exist() {
    let o = blastmap(&["runbook", "--demo"]);
    assert_eq!(o.status.code(), Some(2));
    let o = blastmap(&["runbook", "--demo", "--lose", "us-east-1a"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("use1-az4"), "{err}");
}

#[test]
fn export_fis_writes_a_template_and_the_prediction_beside_it() {
    let o = blastmap(&[
        "export",
        "--demo",
        "--format",
        "fis",
        "--lose",
        "use1-az4",
        "--account",
        "shop-prod",
        "--fis-role",
        "arn:aws:iam::111111111111:role/fis-az",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let template: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(template["roleArn"], "arn:aws:iam::111111111111:role/fis-az");
    assert!(template["actions"]["Stop-Instances-1"].is_object());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "Prediction (blastmap what-if --lose use1-az4) for 6 paths: 2 down, 3 degraded, 1 ok"
        ),
        "{err}"
    );
    assert!(
        err.contains("replace the stop condition's placeholder alarm"),
        "{err}"
    );
}

#[test]
fn export_fis_refuses_what_it_cannot_build() {
    let run = |extra: &[&str]| {
        let mut args = vec!["export", "--demo", "--format", "fis"];
        args.extend(extra);
        let o = blastmap(&args);
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&["--lose", "use1-az4"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("needs --fis-role"), "{err}");
    let role = ["--fis-role", "arn:aws:iam::111111111111:role/fis-az"];
    let (code, err) = run(&[&["--lose", "use1-az4"][..], &role].concat());
    assert_eq!(code, Some(2));
    assert!(
        err.contains("add --account with one of shop-prod (111111111111)"),
        "{err}"
    );
    let (code, err) = run(&[&["--lose", "us-east-1"][..], &role].concat());
    assert_eq!(code, Some(2));
    assert!(err.contains("is a Region"), "{err}");
    let o = blastmap(&[
        "export",
        "--demo",
        "--format",
        "mermaid",
        "--fis-role",
        role[1],
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn what_if_replays_a_health_event_by_the_affected_accounts_az_name() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("event.json");
    // `aws health describe-event-details` with describe-affected-entities' entities.
    let event = serde_json::json!({"successfulSet": [{"event": {
        "arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1",
        "service": "EC2", "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE", "region": "us-east-1",
        "availabilityZone": "us-east-1a", "startTime": "2026-11-20T08:00:00Z"}}],
        "failedSet": [], "entities": [{"awsAccountId": "111111111111", "entityValue": "i-1"}]});
    std::fs::write(&file, event.to_string()).unwrap();
    let path = file.to_str().unwrap();
    let o = blastmap(&[
        "what-if",
        "--demo",
        "--health-event",
        path,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    // us-east-1a is use1-az4 in shop-prod (111111111111), not in the other accounts.
    assert_eq!(doc["lost"], serde_json::json!(["use1-az4"]));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("us-east-1a is use1-az4 in shop-prod"), "{err}");
    // The same event as --lose use1-az4: the same verdict.
    let by_id = stdout(&[
        "what-if", "--demo", "--lose", "use1-az4", "--format", "json",
    ]);
    assert_eq!(String::from_utf8_lossy(&o.stdout), by_id);

    // Without its account the name is ambiguous in the demo: refused, with the meanings.
    let mut bare = event.clone();
    bare["entities"] = serde_json::json!([]);
    std::fs::write(&file, bare.to_string()).unwrap();
    let o = blastmap(&["what-if", "--demo", "--health-event", path]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("use1-az1 in payments-prod"), "{err}");
    let o = blastmap(&["what-if", "--demo", "--health-event", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("NUL bytes"));
}
