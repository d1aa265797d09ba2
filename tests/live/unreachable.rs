//! AWS out of reach (no DNS, a closed port, a proxy in the way): one plain
//! sentence about the network, never the SDK's internals, never advice about
//! permissions.

use std::net::TcpListener;

use crate::harness::{Sandbox, fixture_flags, moto};

/// An endpoint on loopback that nobody listens on (connections are refused).
fn closed_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Words that only the SDK's Debug output or the permissions advice would bring.
const NOT_FOR_USERS: &[&str] = &[
    "DispatchFailure",
    "ConnectorError",
    "hyper",
    "Os {",
    "iam-policy",
    "permission",
];

#[test]
fn an_endpoint_nobody_listens_on_ends_the_scan_with_one_network_sentence() {
    let sandbox = Sandbox::new();
    let endpoint = closed_endpoint();
    let out = sandbox.path("estate.json");
    let scan = sandbox.run(
        &endpoint,
        &[
            "scan",
            "--region",
            "us-east-1",
            "--max-attempts",
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let err = String::from_utf8_lossy(&scan.stderr);
    assert_eq!(scan.status.code(), Some(3), "{err}");
    assert!(
        err.contains(&format!(
            "cannot reach AWS STS at {endpoint} (network: connection refused)"
        )),
        "{err}"
    );
    assert!(
        err.contains("proxy") && err.contains("AWS_ENDPOINT_URL"),
        "{err}"
    );
    for word in NOT_FOR_USERS {
        assert!(!err.contains(word), "{word:?} in: {err}");
    }
    assert_eq!(err.trim_end().lines().count(), 1, "one sentence: {err}");
    assert!(!out.exists(), "nothing read, nothing written");
}

#[test]
fn a_service_out_of_reach_is_an_error_gap_with_the_short_cause() {
    let sandbox = Sandbox::new();
    let out = sandbox.path("estate.json");
    let mut args = vec!["scan".to_string()];
    args.extend(fixture_flags());
    args.extend(["--quiet", "--max-attempts", "1", "--out"].map(String::from));
    args.push(out.display().to_string());
    // STS and the other services answer; every RDS call is refused.
    let scan = sandbox
        .command(&moto().url, &args)
        .env("AWS_ENDPOINT_URL_RDS", closed_endpoint())
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&scan.stderr);
    assert_eq!(scan.status.code(), Some(0), "a gap is not a failure: {err}");
    let snapshot: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out).expect("a snapshot")).unwrap();
    let mut rds_units = 0;
    for c in snapshot["coverage"].as_array().unwrap() {
        if c["service"] != "rds" {
            assert_eq!(c["status"], "ok", "{c}");
            continue;
        }
        rds_units += 1;
        assert_eq!(c["status"], "error", "{c}");
        let message = c["message"].as_str().unwrap_or("");
        assert!(
            message.contains("DescribeDBInstances: cannot reach AWS (network: connection refused)"),
            "{c}"
        );
        for word in NOT_FOR_USERS {
            assert!(!message.contains(word), "{word:?} in: {c}");
        }
    }
    assert_eq!(rds_units, 4, "two accounts × two Regions");
    assert!(
        err.contains("cannot reach AWS (network: connection refused)"),
        "{err}"
    );
}
