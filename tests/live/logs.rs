//! `--log-file`: a scan records every AWS call it sends (account, Region,
//! operation, attempt, latency, error code), and never a credential, even with
//! `RUST_LOG=trace`.

use crate::harness::{Sandbox, fixture_flags, id, moto};
use crate::proxy::{Fault, Proxy};

/// Recognisable fake credentials: if either shows up in a log, it leaked.
const SECRET_KEY: &str = "FAKEsecretKEY-blastmap-must-never-log-this-0123";
const SESSION_TOKEN: &str = "FAKEsessionTOKEN-blastmap-must-never-log-this-4567";

/// The `key=value` of a log line (values quoted or not).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let start = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[start..];
    let end = rest.find(' ').unwrap_or(rest.len());
    Some(rest[..end].trim_matches('"'))
}

#[test]
fn a_scan_logs_every_call_and_never_a_credential() {
    // DescribeNatGateways is denied: its line must carry the error code.
    let proxy = Proxy::faulting(&moto().url, "DescribeNatGateways", Fault::AccessDenied);
    let sandbox = Sandbox::new();
    let log = sandbox.path("scan.log");
    let out = sandbox.path("estate.json");
    let mut args: Vec<String> = vec!["scan".into(), "--quiet".into()];
    args.extend(fixture_flags());
    args.extend([
        "--out".into(),
        out.display().to_string(),
        "--log-file".into(),
        log.display().to_string(),
    ]);
    let run = sandbox
        .command(&proxy.url, &args)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        // Everything anyone could ask for: the cap on other crates must still hold.
        .env("RUST_LOG", "trace")
        .output()
        .expect("the binary runs");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(&log).expect("the scan wrote its log");
    assert!(!text.contains(SECRET_KEY), "the secret key leaked");
    assert!(!text.contains(SESSION_TOKEN), "the session token leaked");
    assert!(
        !String::from_utf8_lossy(&run.stderr).contains("AWS call"),
        "--log-file keeps the log off stderr"
    );

    let calls: Vec<&str> = text.lines().filter(|l| l.contains("AWS call")).collect();
    let sent = proxy.operations();
    // One line per request that crossed the proxy, each attempt counted.
    assert_eq!(calls.len(), sent.len(), "{text}");
    for line in &calls {
        for key in ["account", "region", "operation", "attempt", "latency_ms"] {
            assert!(field(line, key).is_some(), "no {key} in {line}");
        }
    }
    for op in proxy.distinct_operations() {
        let (_, name) = op.split_once(':').expect("service:Operation");
        assert!(
            calls.iter().any(|l| field(l, "operation") == Some(name)),
            "{op} is not in the log"
        );
    }
    // The second account's calls name it, in each Region.
    let second = id("accounts/second");
    for region in ["us-east-1", "eu-west-1"] {
        assert!(
            calls
                .iter()
                .any(|l| field(l, "account") == Some(second.as_str())
                    && field(l, "region") == Some(region)
                    && field(l, "operation") == Some("DescribeInstances")),
            "no DescribeInstances of {second} in {region}"
        );
    }
    let denied: Vec<&&str> = calls
        .iter()
        .filter(|l| field(l, "operation") == Some("DescribeNatGateways"))
        .collect();
    assert!(!denied.is_empty());
    for line in denied {
        assert_eq!(
            field(line, "error"),
            Some("UnauthorizedOperation"),
            "{line}"
        );
        assert_eq!(field(line, "status"), Some("403"), "{line}");
    }
}

#[test]
fn without_log_file_or_rust_log_nothing_is_logged() {
    let sandbox = Sandbox::new();
    let out = sandbox.path("estate.json");
    let mut args: Vec<String> = vec!["scan".into(), "--quiet".into()];
    args.extend(fixture_flags());
    args.extend(["--out".into(), out.display().to_string()]);
    let run = sandbox.run(&moto().url, &args);
    assert!(run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!err.contains("AWS call"), "{err}");
    let files: Vec<_> = std::fs::read_dir(sandbox.dir.path())
        .expect("the sandbox")
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        !files.iter().any(|f| f.to_string_lossy().ends_with(".log")),
        "{files:?}"
    );
}
