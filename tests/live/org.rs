//! `scan --organization`: the accounts come from AWS Organizations (the fixture makes
//! the first account manage an organization in moto), `--ou` and `--exclude-account`
//! narrow them, an account whose role cannot be assumed is a gap; and `merge` of two
//! scans is one scan of both.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::harness::{Sandbox, Scan, id, moto};
use crate::proxy::{Fault, Proxy};

/// Scans the organization in us-east-1 through `endpoint`, writing `estate.json`.
fn org_scan(endpoint: &str, extra: &[&str]) -> Scan {
    let sandbox = Sandbox::new();
    let mut args: Vec<String> = ["scan", "--organization", "--region", "us-east-1"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend([
        "--out".to_string(),
        sandbox.path("estate.json").display().to_string(),
    ]);
    let output = sandbox.run(endpoint, &args);
    let snapshot = std::fs::read(sandbox.path("estate.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("the snapshot is JSON"));
    Scan {
        sandbox,
        output,
        snapshot,
    }
}

fn account_ids(scan: &Scan) -> BTreeSet<String> {
    scan.snapshot()["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .map(|a| a["id"].as_str().expect("an id").to_string())
        .collect()
}

fn org_account(name: &str) -> String {
    id(&format!("org/accounts/{name}"))
}

fn set(ids: &[String]) -> BTreeSet<String> {
    ids.iter().cloned().collect()
}

#[test]
fn organization_scan_reads_every_active_account_and_says_which_are_not() {
    let scan = org_scan(&moto().url, &[]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    assert_eq!(
        account_ids(&scan),
        set(&[
            id("accounts/first"),
            org_account("payments"),
            org_account("search"),
            org_account("sandbox"),
        ]),
        "{}",
        scan.stderr()
    );
    // The member's own resources, read through the role, under the organization's name.
    let vpc = scan.resource(&id("org/payments_vpc"));
    assert_eq!(vpc["account"], org_account("payments").as_str());
    let payments = scan.snapshot()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == org_account("payments").as_str())
        .unwrap();
    assert_eq!(payments["name"], "payments");
    // The management account is read with the listing credentials, its estate and all.
    assert!(scan.has(&id("shop/storefront_alb")));
    let coverage = scan.snapshot()["coverage"].as_array().unwrap();
    assert!(coverage.iter().all(|c| c["status"] == "ok"), "{coverage:?}");
    let stderr = scan.stderr();
    assert!(
        stderr.contains(&format!(
            "1 account of the organization is not ACTIVE and was not read: closed ({})",
            org_account("closed")
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("scanned 4 accounts in 1 Region"),
        "{stderr}"
    );
    assert!(stderr.contains("0 throttled"), "{stderr}");
}

#[test]
fn ou_reads_the_accounts_of_the_ou_and_of_every_ou_below_it() {
    let scan = org_scan(&moto().url, &["--ou", &id("org/workloads")]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    // `search` sits in team-a, below workloads; the management account is in the root.
    assert_eq!(
        account_ids(&scan),
        set(&[org_account("payments"), org_account("search")])
    );
}

#[test]
fn exclude_account_leaves_it_out_and_an_unknown_one_is_said() {
    let sandbox = org_account("sandbox");
    let scan = org_scan(
        &moto().url,
        &[
            "--exclude-account",
            &sandbox,
            "--exclude-account",
            "000000000000",
        ],
    );
    assert!(scan.output.status.success(), "{}", scan.stderr());
    assert_eq!(
        account_ids(&scan),
        set(&[
            id("accounts/first"),
            org_account("payments"),
            org_account("search"),
        ])
    );
    assert!(
        scan.stderr()
            .contains("--exclude-account 000000000000: no such account in the organization"),
        "{}",
        scan.stderr()
    );
}

#[test]
fn an_account_whose_role_cannot_be_assumed_is_a_gap_and_the_rest_is_read() {
    let sandbox = org_account("sandbox");
    let proxy = Proxy::faulting_when(&moto().url, "AssumeRole", &sandbox, Fault::AccessDenied);
    let scan = org_scan(&proxy.url, &[]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    assert_eq!(
        account_ids(&scan),
        set(&[
            id("accounts/first"),
            org_account("payments"),
            org_account("search"),
        ])
    );
    let gaps: Vec<&Value> = scan.snapshot()["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "ok")
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:?}");
    assert_eq!(gaps[0]["account"], sandbox.as_str());
    assert_eq!(gaps[0]["service"], "sts");
    assert_eq!(gaps[0]["status"], "denied");
    let message = gaps[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with(&format!(
            "cannot assume arn:aws:iam::{sandbox}:role/blastmap-read ("
        )),
        "{message}"
    );
    assert!(
        message.contains(&format!(
            "or leave the account out (--exclude-account {sandbox})"
        )),
        "{message}"
    );
}

#[test]
fn a_malformed_or_unknown_ou_is_refused_with_what_to_do() {
    let bad = org_scan(&moto().url, &["--ou", "workloads"]);
    assert_eq!(bad.output.status.code(), Some(2), "{}", bad.stderr());
    assert!(
        bad.stderr()
            .contains("--ou \"workloads\" is not an organizational unit id"),
        "{}",
        bad.stderr()
    );
    assert!(bad.snapshot.is_none());
    let unknown = org_scan(&moto().url, &["--ou", "ou-zzzz-zzzzzzzz"]);
    assert_eq!(
        unknown.output.status.code(),
        Some(2),
        "{}",
        unknown.stderr()
    );
    assert!(
        unknown
            .stderr()
            .contains("--ou ou-zzzz-zzzzzzzz: not an organizational unit or root"),
        "{}",
        unknown.stderr()
    );
    let stray = org_scan(&moto().url, &["--no-such-flag"]);
    assert_eq!(stray.output.status.code(), Some(2));
}

#[test]
fn org_flags_without_organization_are_refused() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(
        &moto().url,
        &[
            "scan",
            "--region",
            "us-east-1",
            "--ou",
            "r-abcd",
            "--out",
            "x.json",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--ou only applies to an organization scan: add --organization"),
        "{stderr}"
    );
}

/// Everything two snapshots must share to be the same estate (not when or how made).
fn content(snapshot: &Value) -> (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let strings = |key: &str| -> BTreeSet<String> {
        snapshot[key]
            .as_array()
            .unwrap_or_else(|| panic!("no {key}"))
            .iter()
            .map(|v| v.to_string())
            .collect()
    };
    (
        strings("accounts"),
        strings("resources"),
        strings("coverage"),
    )
}

#[test]
fn merge_of_two_scans_equals_one_scan_of_both() {
    let workloads = id("org/workloads");
    let (payments, search) = (org_account("payments"), org_account("search"));
    let part_a = org_scan(&moto().url, &["--ou", &workloads]);
    let part_b = org_scan(
        &moto().url,
        &["--exclude-account", &format!("{payments},{search}")],
    );
    let whole = org_scan(&moto().url, &[]);
    for s in [&part_a, &part_b, &whole] {
        assert!(s.output.status.success(), "{}", s.stderr());
    }
    assert!(account_ids(&part_a).is_disjoint(&account_ids(&part_b)));
    let merged = part_a.sandbox.path("all.json");
    let out = part_a.sandbox.run(
        "http://127.0.0.1:9",
        &[
            "merge".to_string(),
            part_a.out().display().to_string(),
            part_b.out().display().to_string(),
            "--out".to_string(),
            merged.display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let merged: Value = serde_json::from_slice(&std::fs::read(&merged).unwrap()).unwrap();
    assert_eq!(merged["source"], "merge");
    let (accounts, resources, coverage) = content(&merged);
    let (w_accounts, w_resources, w_coverage) = content(whole.snapshot());
    assert_eq!(accounts, w_accounts);
    assert_eq!(resources.len(), w_resources.len());
    assert_eq!(resources, w_resources);
    assert_eq!(coverage, w_coverage);

    // The same account in both inputs: the newer capture is kept, and that is said.
    let twice = part_a.sandbox.path("twice.json");
    let out = part_a.sandbox.run(
        "http://127.0.0.1:9",
        &[
            "merge".to_string(),
            whole.out().display().to_string(),
            part_a.out().display().to_string(),
            "--out".to_string(),
            twice.display().to_string(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("account {payments} is in")),
        "{stderr}"
    );
    // Writing over an input is refused.
    let out = part_a.sandbox.run(
        "http://127.0.0.1:9",
        &[
            "merge".to_string(),
            part_a.out().display().to_string(),
            part_b.out().display().to_string(),
            "--out".to_string(),
            part_a.out().display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
}
