//! The FIS template blastmap writes for the scanned estate is one the FIS API accepts:
//! the harness (boto3), never blastmap, submits it to moto's CreateExperimentTemplate,
//! and reads back the targets moto stored.

use std::process::Command;

use serde_json::Value;

use crate::harness::{az, full_scan, id, moto};

#[test]
fn moto_accepts_the_fis_template_for_an_az_of_the_scanned_estate() {
    let scan = &full_scan().scan;
    let account = id("accounts/first");
    let zone = az("us-east-1a");
    let role = format!("arn:aws:iam::{account}:role/fis-az");
    let out = scan.sandbox.path("fis.json");
    let o = scan.blastmap(&[
        "export",
        "--format",
        "fis",
        "--lose",
        &zone,
        "--account",
        &account,
        "--fis-role",
        &role,
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        o.status.success(),
        "export failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("Prediction (blastmap what-if --lose"),
        "{stderr}"
    );
    let template: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let ours: Vec<String> = (template["targets"].as_object().unwrap().values())
        .flat_map(|t| t["resourceArns"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert!(
        ours.iter().any(|a| a.contains(":instance/")),
        "the fixture has running instances in {zone}: {ours:?}"
    );

    // Submitted as `aws fis create-experiment-template --cli-input-json` would: the
    // file's members are the request's. boto3 checks them against the API model.
    let python = std::env::var("BLASTMAP_MOTO_PYTHON").expect("run through scripts/test");
    let script = r#"
import json, sys, boto3
url, path = sys.argv[1], sys.argv[2]
fis = boto3.client("fis", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
created = fis.create_experiment_template(**json.load(open(path)))["experimentTemplate"]
got = fis.get_experiment_template(id=created["id"])["experimentTemplate"]
print(json.dumps({"id": got["id"], "targets": got["targets"], "actions": got["actions"]}))
"#;
    let run = Command::new(&python)
        .args(["-c", script, &moto().url, out.to_str().unwrap()])
        .output()
        .expect("python runs");
    assert!(
        run.status.success(),
        "moto refused the template: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stored: Value = serde_json::from_slice(&run.stdout).unwrap();
    let theirs: Vec<String> = (stored["targets"].as_object().unwrap().values())
        .flat_map(|t| t["resourceArns"].as_array().unwrap().iter())
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ours, theirs, "moto stored the targets as sent");
    assert_eq!(
        stored["actions"].as_object().unwrap().len(),
        template["actions"].as_object().unwrap().len()
    );
}
