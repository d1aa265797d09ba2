//! The real binary on the demo estate: the JSON contract, exit codes, bad input.

use std::process::{Command, Output};

use blastmap::demo;
use blastmap::model::{EstateBuilder, Facts};
use blastmap::snapshot;
use serde_json::Value;

mod common;

use common::blastmap;

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(args: &[&str]) -> Value {
    let o = blastmap(args);
    assert!(o.status.success(), "{args:?} failed: {}", stderr(&o));
    serde_json::from_slice(&o.stdout).expect("valid JSON")
}

fn path<'a>(doc: &'a Value, id_suffix: &str) -> &'a Value {
    doc["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_str().unwrap().ends_with(id_suffix))
        .unwrap_or_else(|| panic!("no path {id_suffix}"))
}

#[test]
fn what_if_json_follows_the_contract() {
    let doc = json(&[
        "what-if", "--demo", "--lose", "use1-az4", "--format", "json",
    ]);
    assert_eq!(doc["schema"], "blastmap.what-if/v1");
    assert_eq!(doc["lost"], serde_json::json!(["use1-az4"]));
    let paths = doc["paths"].as_array().unwrap();
    assert!(paths.len() >= 8);
    for p in paths {
        for key in [
            "id",
            "load_balancer",
            "target_group",
            "account",
            "region",
            "status",
            "reasons",
        ] {
            assert!(!p[key].is_null(), "path lacks {key}: {p}");
        }
        assert!(
            p.get("service").is_some(),
            "service is present, possibly null"
        );
        assert!(["ok", "degraded", "down"].contains(&p["status"].as_str().unwrap()));
        let c = &p["capacity"];
        assert!(["vcpu", "targets"].contains(&c["unit"].as_str().unwrap()));
        for key in ["before", "after", "after_recovery"] {
            assert!(c[key].is_u64(), "{key} is a number: {c}");
        }
        let reasons = p["reasons"].as_array().unwrap();
        assert!(!reasons.is_empty() && reasons.iter().all(|r| r.is_string()));
    }
    let ids: Vec<&str> = paths.iter().map(|p| p["id"].as_str().unwrap()).collect();
    for s in doc["services"].as_array().unwrap() {
        assert!(s["name"].is_string() && s["status"].is_string());
        for id in s["paths"].as_array().unwrap() {
            assert!(ids.contains(&id.as_str().unwrap()));
        }
    }
    for f in doc["findings"].as_array().unwrap() {
        assert!(f["code"].is_string() && f["message"].is_string());
        assert!(["high", "medium", "low"].contains(&f["severity"].as_str().unwrap()));
        for r in f["resources"].as_array().unwrap() {
            assert!(r["id"].is_string() && r["name"].is_string() && r["kind"].is_string());
        }
    }
}

#[test]
fn what_if_gives_the_verdicts_the_demo_story_predicts() {
    let doc = json(&[
        "what-if", "--demo", "--lose", "use1-az4", "--format", "json",
    ]);
    let checkout = path(&doc, "/checkout-alb/checkout-web");
    assert_eq!(checkout["status"], "down");
    assert_eq!(checkout["capacity"]["after"], 0);
    let web = path(&doc, "/storefront-alb/storefront-web");
    assert_eq!(web["status"], "degraded");
    assert_eq!(
        web["capacity"],
        serde_json::json!({"unit": "vcpu", "before": 24, "after": 16, "after_recovery": 24})
    );
    assert_eq!(path(&doc, "/auth-eu-alb/auth-eu")["status"], "ok");

    let doc = json(&[
        "what-if",
        "--demo",
        "--lose",
        "us-east-1",
        "--format",
        "json",
    ]);
    let storefront = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "storefront")
        .unwrap();
    assert_eq!(
        storefront["status"], "degraded",
        "storefront survives in eu-west-1"
    );
}

#[test]
fn matrix_json_has_a_status_for_every_domain_of_every_path() {
    let doc = json(&["matrix", "--demo", "--format", "json"]);
    assert_eq!(doc["schema"], "blastmap.matrix/v1");
    let domains: Vec<&str> = doc["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    for d in [
        "use1-az1",
        "use1-az2",
        "use1-az4",
        "use1-az6",
        "euw1-az1",
        "us-east-1",
        "eu-west-1",
    ] {
        assert!(domains.contains(&d), "{d} missing from {domains:?}");
    }
    let mut seen = std::collections::BTreeSet::new();
    for p in doc["paths"].as_array().unwrap() {
        for key in ["id", "load_balancer", "target_group", "account", "region"] {
            assert!(p[key].is_string(), "{key}: {p}");
        }
        let status = p["status"].as_object().unwrap();
        assert_eq!(status.len(), domains.len());
        for d in &domains {
            seen.insert(status[*d].as_str().unwrap().to_string());
        }
    }
    assert_eq!(seen.len(), 3, "every status appears: {seen:?}");
}

#[test]
fn check_fails_with_exit_1_and_names_each_offender_and_domain() {
    let o = blastmap(&["check", "--demo", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema"], "blastmap.check/v1");
    assert_eq!(doc["tolerate"], "az");
    assert_eq!(doc["passed"], false);
    let offenders = doc["offenders"].as_array().unwrap();
    assert!(
        offenders
            .iter()
            .any(|o| o["service"] == "payments" && o["domain"] == "use1-az2")
    );
    assert!(offenders.iter().any(|o| {
        o["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/search-alb/search"))
            && o["domain"] == "use1-az1"
    }));
    // A service that survives every single AZ loss is never an offender.
    assert!(!offenders.iter().any(|o| o["service"] == "auth"));
    for o in offenders {
        assert!(!o["reasons"].as_array().unwrap().is_empty());
    }
    let o = blastmap(&[
        "check",
        "--demo",
        "--tolerate",
        "region",
        "--format",
        "table",
        "--color",
        "never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("FAIL"));
    assert!(
        !stdout(&o).contains("service storefront"),
        "storefront survives a Region loss"
    );
}

const RESILIENT: &str = r#"{"schema": "blastmap.snapshot", "version": 1,
"accounts": [{"id": "1", "name": "prod", "zones": {"us-east-1": {"us-east-1a": "use1-az1", "us-east-1b": "use1-az2"}}}],
"resources": [
{"kind": "instance", "id": "i-1", "account": "1", "region": "us-east-1", "az": "use1-az1", "instance": {"instance_type": "m5.large", "vcpus": 2}},
{"kind": "instance", "id": "i-2", "account": "1", "region": "us-east-1", "az": "use1-az2", "instance": {"instance_type": "m5.large", "vcpus": 2}},
{"kind": "target_group", "id": "tg", "name": "web", "account": "1", "region": "us-east-1", "target_group": {"target_type": "instance", "targets": [{"id": "i-1"}, {"id": "i-2"}]}},
{"kind": "load_balancer", "id": "lb", "name": "web-alb", "account": "1", "region": "us-east-1", "load_balancer": {"type": "application", "scheme": "internet-facing", "zones": [{"az": "use1-az1"}, {"az": "use1-az2"}], "listeners": [{"target_groups": ["tg"]}]}}
]}"#;

fn write_temp(name: &str, text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    (dir, p)
}

#[test]
fn check_passes_with_exit_0_on_an_estate_that_survives_any_az() {
    let (_d, p) = write_temp("ok.json", RESILIENT);
    let o = blastmap(&[
        "check",
        "--snapshot",
        p.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["passed"], true);
    assert_eq!(doc["offenders"], serde_json::json!([]));
}

#[test]
fn findings_json_lists_codes_and_filters_work() {
    let doc = json(&["findings", "--demo", "--format", "json"]);
    assert_eq!(doc["schema"], "blastmap.findings/v1");
    let all = doc["findings"].as_array().unwrap().len();
    let high = json(&[
        "findings",
        "--demo",
        "--severity",
        "high",
        "--format",
        "json",
    ]);
    let high = high["findings"].as_array().unwrap();
    assert!(!high.is_empty() && high.len() < all);
    assert!(high.iter().all(|f| f["severity"] == "high"));
    let only = json(&[
        "findings",
        "--demo",
        "--code",
        "nat-cross-az",
        "--format",
        "json",
    ]);
    let only = only["findings"].as_array().unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["resources"][0]["kind"], "nat_gateway");
    // Codes are case-insensitive, and commas list several.
    let two = json(&[
        "findings",
        "--demo",
        "--code",
        "NAT-CROSS-AZ,db-single-az",
        "--format",
        "json",
    ]);
    let two = two["findings"].as_array().unwrap();
    assert!(two.len() > 1);
    assert!(
        two.iter()
            .all(|f| f["code"] == "nat-cross-az" || f["code"] == "db-single-az")
    );
    let o = blastmap(&["findings", "--demo", "--code", "nat-everywhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("known codes: spof-az"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn output_defaults_to_json_when_piped_and_tables_colour_only_when_asked() {
    let o = blastmap(&["matrix", "--demo"]);
    let doc: Value = serde_json::from_slice(&o.stdout).expect("JSON when stdout is not a terminal");
    assert_eq!(doc["schema"], "blastmap.matrix/v1");
    let plain = stdout(&blastmap(&["matrix", "--demo", "--format", "table"]));
    assert!(plain.contains("storefront-alb → storefront-web") && !plain.contains('\x1b'));
    let coloured = stdout(&blastmap(&[
        "matrix", "--demo", "--format", "table", "--color", "always",
    ]));
    assert!(coloured.contains("\x1b[1;31mdown\x1b[0m"));
    let md = stdout(&blastmap(&[
        "what-if", "--demo", "--lose", "use1-az2", "--format", "markdown",
    ]));
    assert!(md.starts_with("## What if we lose use1-az2\n"));
    assert!(
        md.contains("| **down** | payments-nlb → payments-api |"),
        "{md}"
    );
}

fn assert_bad_input(args: &[&str], expect: &str) {
    let o = blastmap(args);
    assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "nothing on stdout on error: {}",
        stdout(&o)
    );
    let err = stderr(&o);
    assert!(
        err.contains(expect),
        "{args:?}: expected {expect:?} in {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_unknown_domain_is_an_error_that_lists_the_estates_domains() {
    assert_bad_input(
        &["what-if", "--demo", "--lose", "use1-az9"],
        "\"use1-az9\" is not an AZ ID or Region of this estate",
    );
    assert_bad_input(
        &["what-if", "--demo", "--lose", "use1-az9"],
        "known domains: euw1-az1",
    );
    assert_bad_input(
        &["what-if", "--demo", "--lose", "us-east-1a"],
        "AZ names differ per account (use1-az4 in shop-prod, use1-az1 in payments-prod, use1-az2 in platform)",
    );
}

#[test]
fn bad_snapshots_are_reported_with_exit_2_and_no_output() {
    let (_d, p) = write_temp(
        "broken.json",
        "{\n  \"schema\": \"blastmap.snapshot\",\n  \"version\": 1,\n  \"resources\": [\n",
    );
    let file = p.to_str().unwrap();
    assert_bad_input(&["matrix", "--snapshot", file], &format!("{file}:5:"));
    let (_d, p) = write_temp(
        "new.json",
        r#"{"schema": "blastmap.snapshot", "version": 3}"#,
    );
    assert_bad_input(
        &["matrix", "--snapshot", p.to_str().unwrap()],
        "snapshot version 3 is newer than this blastmap reads (versions 1 and 2)",
    );
    let (_d, p) = write_temp(
        "empty.json",
        r#"{"schema": "blastmap.snapshot", "version": 1, "resources": []}"#,
    );
    assert_bad_input(
        &["findings", "--snapshot", p.to_str().unwrap()],
        "the estate holds no resources",
    );
    let (_d, p) = write_temp(
        "dangling.json",
        &RESILIENT.replace(r#"["tg"]"#, r#"["tg-404"]"#),
    );
    assert_bad_input(
        &["check", "--snapshot", p.to_str().unwrap()],
        "lb (listeners) -> tg-404",
    );
    assert_bad_input(
        &["matrix", "--snapshot", "/nonexistent/estate.json"],
        "cannot read /nonexistent/estate.json",
    );
}

#[test]
fn a_command_without_an_estate_says_how_to_give_one() {
    assert_bad_input(&["matrix"], "no estate given: pass --demo");
    assert_bad_input(
        &["matrix", "--demo", "--snapshot", "x.json"],
        "cannot be used with",
    );
    assert_bad_input(&["what-if", "--demo"], "--lose <DOMAIN>");
}

#[test]
fn every_command_has_help_with_examples() {
    for cmd in ["what-if", "matrix", "check", "findings", "backups"] {
        let o = blastmap(&[cmd, "--help"]);
        assert!(o.status.success());
        let text = stdout(&o);
        assert!(
            text.contains("Examples:") && text.contains(&format!("blastmap {cmd} --demo")),
            "{cmd}: {text}"
        );
    }
    assert!(
        stdout(&blastmap(&["--help"]))
            .contains("Exit codes: 0 success, 1 a check that fails, 2 bad input")
    );
}

// The commands that take answers elsewhere: export, diff, redact, completions, man.

/// `blastmap COMMAND --help` shows examples.
fn assert_help_has_examples(command: &str) {
    let help = stdout(&blastmap(&[command, "--help"]));
    assert!(help.contains("Examples:\n  blastmap "), "{command}: {help}");
}

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn export_writes_stdout_or_a_file_and_refuses_bad_input() {
    assert_help_has_examples("export");
    let o = blastmap(&[
        "export", "--demo", "--format", "mermaid", "--lose", "use1-az4",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mermaid = stdout(&o);
    assert!(mermaid.contains("flowchart LR") && mermaid.contains("classDef lost"));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("paths.dot");
    let o = blastmap(&[
        "export",
        "--demo",
        "--format",
        "dot",
        "--out",
        path_str(&out),
    ]);
    assert!(o.status.success() && o.stdout.is_empty(), "{}", stderr(&o));
    let written = std::fs::read_to_string(&out).unwrap();
    assert!(written.starts_with("// blastmap: ") && written.contains("\ndigraph blastmap {\n"));
    let o = blastmap(&["export", "--demo", "--format", "dot"]);
    assert_eq!(stdout(&o), written, "the file holds what stdout would");

    let o = blastmap(&[
        "export", "--demo", "--format", "markdown", "--lose", "use1-az2",
    ]);
    let report = stdout(&o);
    assert!(
        report.starts_with("# blastmap report: losing use1-az2"),
        "{report}"
    );
    for section in ["## What if we lose", "## Findings by severity", "## Matrix"] {
        assert!(report.contains(section), "{section}");
    }

    assert_bad_input(
        &[
            "export",
            "--demo",
            "--format",
            "mermaid",
            "--path",
            "111111111111/us-east-1/nope/nope",
        ],
        "known paths",
    );
    assert_bad_input(
        &["export", "--demo", "--format", "markdown", "--path", "x"],
        "the Markdown report covers every path",
    );
    assert_bad_input(
        &[
            "export",
            "--demo",
            "--format",
            "dot",
            "--lose",
            "us-east-1a",
        ],
        "AZ name",
    );
    assert_bad_input(&["export", "--demo", "--format", "svg"], "invalid value");
    // A bad --out names the user's path and its directory, not a temporary file.
    let o = blastmap(&[
        "export",
        "--demo",
        "--format",
        "markdown",
        "--out",
        "/nonexistent/d/x.md",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "error: cannot write /nonexistent/d/x.md: directory /nonexistent/d does not exist\n"
    );
}

#[test]
fn redact_refuses_to_write_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("estate.json");
    snapshot::write_estate(&input, &demo::estate().unwrap()).unwrap();
    let original = std::fs::read(&input).unwrap();
    let link = dir.path().join("link.json");
    #[cfg(unix)]
    std::os::unix::fs::symlink("estate.json", &link).unwrap();
    // The same file, however it is spelled.
    let spellings = [
        input.clone(),
        dir.path().join(".").join("estate.json"),
        #[cfg(unix)]
        link,
    ];
    for out in &spellings {
        assert_bad_input(
            &["redact", path_str(&input), "--out", path_str(out)],
            "is the snapshot being redacted: choose another --out",
        );
    }
    assert_eq!(
        std::fs::read(&input).unwrap(),
        original,
        "the only copy is untouched"
    );
}

#[test]
fn open_reports_a_missing_file_before_the_missing_terminal() {
    // stdout is a pipe here: the file's problem comes first all the same.
    assert_bad_input(
        &["open", "/nonexistent/missing.json"],
        "cannot read /nonexistent/missing.json: No such file or directory",
    );
    let dir = tempfile::tempdir().unwrap();
    assert_bad_input(
        &["open", path_str(dir.path())],
        "is a directory, not a snapshot file",
    );
    let o = blastmap(&["open", "assets/demo-estate.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the TUI needs a terminal"),
        "{}",
        stderr(&o)
    );
}

/// Two snapshots in a temporary directory: the demo, and the demo with a change.
fn demo_pair(change: impl FnOnce(&mut Facts)) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let demo = demo::estate().unwrap();
    let mut parts = demo.clone().into_parts();
    let ledger = parts
        .resources
        .iter_mut()
        .find(|r| r.name == "ledger-db")
        .unwrap();
    change(&mut ledger.facts);
    let changed = EstateBuilder::from_parts(parts).build().unwrap();
    let (old, new) = (dir.path().join("old.json"), dir.path().join("new.json"));
    snapshot::write_estate(&old, &demo).unwrap();
    snapshot::write_estate(&new, &changed).unwrap();
    let (old, new) = (path_str(&old).to_string(), path_str(&new).to_string());
    (dir, old, new)
}

#[test]
fn diff_fails_on_regression_only_when_asked_and_only_when_something_got_worse() {
    assert_help_has_examples("diff");
    let diff = |old: &str, new: &str, format: &str| {
        blastmap(&["diff", old, new, "--fail-on-regression", "--format", format])
    };
    let (_dir, old, new) = demo_pair(|_| {});
    let o = diff(&old, &new, "table");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("No change that matters"));

    let (_dir, old, new) = demo_pair(|f| {
        if let Facts::DbInstance(db) = f {
            db.backup_retention_days = 0;
        }
    });
    let o = blastmap(&["diff", &old, &new, "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "a regression fails only when asked to"
    );
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema"], "blastmap.diff/v1");
    assert_eq!(doc["regression"], true);
    assert_eq!(doc["findings"]["appeared"][0]["code"], "no-backups");
    assert_eq!(
        doc["resources"]["changed"][0]["facts"][0]["fact"],
        "backups"
    );
    let o = diff(&old, &new, "markdown");
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("**REGRESSION"));
    // Turning backups back on is no regression.
    assert_eq!(diff(&new, &old, "json").status.code(), Some(0));

    assert_bad_input(
        &["diff", &old, "/nonexistent/new.json"],
        "cannot read /nonexistent/new.json",
    );
    assert_bad_input(&["diff", &old], "NEW");
}

#[test]
fn redact_writes_a_private_snapshot_and_refuses_an_empty_salt() {
    assert_help_has_examples("redact");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("estate.json");
    snapshot::write_estate(&input, &demo::estate().unwrap()).unwrap();
    let out = dir.path().join("shared.json");
    let o = blastmap(&[
        "redact",
        path_str(&input),
        "--out",
        path_str(&out),
        "--keep-tags",
        "team,env",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(stderr(&o).contains("random salt"), "{}", stderr(&o));
    let shared = std::fs::read_to_string(&out).unwrap();
    assert!(!shared.contains("111111111111") && !shared.contains("shop-prod"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    let o = blastmap(&["check", "--snapshot", path_str(&out), "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the redacted demo fails the same check"
    );

    let again = dir.path().join("again.json");
    for target in [&out, &again] {
        let o = blastmap(&[
            "redact",
            path_str(&input),
            "--out",
            path_str(target),
            "--salt",
            "s3cret",
        ]);
        assert!(o.status.success());
    }
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&again).unwrap());

    assert_bad_input(
        &[
            "redact",
            path_str(&input),
            "--out",
            path_str(&again),
            "--salt",
            "",
        ],
        "salt is empty",
    );
    assert_bad_input(&["redact", path_str(&input)], "--out");
}

#[test]
fn completions_for_every_shell_and_a_man_page() {
    assert_help_has_examples("completions");
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = blastmap(&["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for word in ["blastmap", "export", "redact", "what-if"] {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    assert_bad_input(&["completions", "tcsh"], "invalid value");
    let o = blastmap(&["man"]);
    assert!(o.status.success());
    let page = stdout(&o);
    assert!(page.contains(".TH blastmap"), "{page}");
    assert!(
        page.contains("blastmap\\-export(1)"),
        "the page lists the commands: {page}"
    );
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man");
    let o = blastmap(&["man", "--dir", path_str(&pages)]);
    assert!(o.status.success() && o.stdout.is_empty(), "{}", stderr(&o));
    for page in [
        "blastmap.1",
        "blastmap-export.1",
        "blastmap-diff.1",
        "blastmap-redact.1",
    ] {
        let text = std::fs::read_to_string(pages.join(page)).unwrap();
        assert!(text.contains(".TH blastmap"), "{page}: {text}");
    }
    // A directory cannot be made under a file.
    let under_a_file = pages.join("blastmap.1").join("man");
    assert_bad_input(
        &["man", "--dir", path_str(&under_a_file)],
        "cannot write the man pages",
    );
    // DIR is made, its parents are not: a typo in them is an error, as for --out.
    let deep = dir.path().join("no/such/man");
    assert_bad_input(
        &["man", "--dir", path_str(&deep)],
        &format!(
            "{}: {} does not exist",
            path_str(&deep),
            path_str(&dir.path().join("no/such"))
        ),
    );
    assert!(!dir.path().join("no").exists());
    let o = blastmap(&[
        "export",
        "--demo",
        "--format",
        "dot",
        "--out",
        path_str(&dir.path().join("no/such/x.dot")),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_malformed_region_is_bad_input_naming_the_flag() {
    for region in [
        "",
        "us-east",
        "US-EAST-1",
        "us_east_1",
        "useast1",
        "us-east-1 ",
        "x-east-1",
    ] {
        let o = blastmap(&[
            "scan",
            "--region",
            region,
            "--out",
            "/nonexistent/never.json",
        ]);
        assert_eq!(o.status.code(), Some(2), "{region:?}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.contains("--region"), "{region:?}: {err}");
        assert!(
            err.contains("is not an AWS Region name"),
            "{region:?}: {err}"
        );
    }
    let o = blastmap(&["what-if", "--region", "US-EAST-1", "--lose", "use1-az1"]);
    assert!(
        stderr(&o).contains("Region names are lower case: us-east-1"),
        "{}",
        stderr(&o)
    );
    for region in [
        "us-east-1",
        "us-gov-west-1",
        "eu-isoe-west-1",
        "ap-southeast-5",
        "cn-north-1",
    ] {
        assert!(blastmap::cli::region_name(region).is_ok(), "{region}");
    }
}

#[test]
fn man_pages_keep_examples_as_written_and_are_replaced_atomically() {
    let o = blastmap(&["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let page = stdout(&o);
    // The examples and notes are preformatted: roff would run them into one paragraph.
    let extra = &page[page.find(".SH EXTRA\n").expect("an EXTRA section")..];
    assert!(extra.starts_with(".SH EXTRA\n.nf\nExamples:\n"), "{extra}");
    assert!(extra.contains("\n.fi\n.SH VERSION"), "{extra}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("blastmap.1");
    std::fs::write(&file, &page).unwrap();
    if let Ok(o) = Command::new("man")
        .args(["-l", path_str(&file)])
        .env("MANWIDTH", "80")
        .env("MAN_KEEP_FORMATTING", "")
        .output()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        if o.status.success() && !text.is_empty() {
            assert!(
                text.contains(
                    "  blastmap what-if --demo --lose use1-az1       # what breaks without use1-az1\n"
                ),
                "man -l reflowed the examples: {text}"
            );
        }
    }

    // --dir replaces each page by a rename: a hard link to the old page keeps it.
    let pages = dir.path().join("man");
    std::fs::create_dir(&pages).unwrap();
    let elsewhere = dir.path().join("kept.1");
    std::fs::write(&elsewhere, "old page").unwrap();
    std::fs::hard_link(&elsewhere, pages.join("blastmap.1")).unwrap();
    let o = blastmap(&["man", "--dir", path_str(&pages)]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "old page");
    let written = std::fs::read_to_string(pages.join("blastmap.1")).unwrap();
    assert!(written.contains(".SH EXTRA\n.nf\n"), "{written}");
    let names: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("blastmap") && n.ends_with(".1")),
        "no temporary files left: {names:?}"
    );
    // A file where the directory should be.
    assert_bad_input(
        &["man", "--dir", path_str(&elsewhere)],
        &format!("{} is not a directory", path_str(&elsewhere)),
    );
}

#[test]
fn help_examples_and_notes_fit_80_columns() {
    use clap::CommandFactory;
    let top = blastmap::cli::Cli::command();
    let mut commands = vec![top.clone()];
    commands.extend(top.get_subcommands().cloned());
    for c in commands {
        let text = c
            .get_after_help()
            .map(|t| t.to_string())
            .unwrap_or_default();
        for line in text.lines() {
            assert!(
                line.chars().count() <= 78,
                "`blastmap {} --help` has a line clap would wrap at 80 columns: {line:?}",
                c.get_name()
            );
        }
    }
}

/// Mermaid refuses a diagram over 500 edges or 50,000 characters and GitHub shows an
/// error in its place: blastmap refuses to write one, names both limits and says what
/// to do instead (it used to write it with a warning about characters alone).
#[test]
fn a_mermaid_diagram_too_big_for_mermaid_is_refused_naming_both_limits() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.json");
    let estate = blastmap_core::synth::generate(&blastmap_core::synth::SynthConfig {
        resources: 3_000,
        seed: 7,
        accounts: Some(2),
        regions: 1,
    });
    snapshot::write_estate(&file, &estate).unwrap();
    let snap = file.to_str().unwrap();
    let o = blastmap(&["export", "--snapshot", snap, "--format", "mermaid"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "nothing half-drawn is written");
    let err = stderr(&o);
    for said in [
        "500 edges (maxEdges)",
        "50,000 characters (maxTextSize)",
        "--path",
        "--format dot",
    ] {
        assert!(err.contains(said), "{said}: {err}");
    }
    // The same estate as DOT, with advice to render SVG; as a report, one diagram per path.
    let o = blastmap(&["export", "--snapshot", snap, "--format", "dot"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("render it as SVG"), "{}", stderr(&o));
    let o = blastmap(&[
        "export",
        "--snapshot",
        snap,
        "--format",
        "markdown",
        "--all",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("One diagram per path"));
    // The demo's diagrams are small: no complaint.
    for args in [
        &["export", "--demo", "--format", "mermaid"][..],
        &[
            "export", "--demo", "--format", "mermaid", "--lose", "use1-az4",
        ],
    ] {
        let o = blastmap(args);
        assert!(
            o.status.success() && stderr(&o).is_empty(),
            "{}",
            stderr(&o)
        );
    }
}

#[test]
fn an_az_named_as_aws_health_names_it_is_lost_by_its_az_id_and_the_mapping_is_said() {
    let by_name = blastmap(&[
        "what-if",
        "--demo",
        "--lose",
        "shop-prod:us-east-1a",
        "--format",
        "json",
    ]);
    assert!(by_name.status.success(), "{}", stderr(&by_name));
    assert!(
        stderr(&by_name).contains("blastmap: us-east-1a in shop-prod is use1-az4"),
        "{}",
        stderr(&by_name)
    );
    let by_id = json(&[
        "what-if", "--demo", "--lose", "use1-az4", "--format", "json",
    ]);
    let doc: Value = serde_json::from_slice(&by_name.stdout).unwrap();
    assert_eq!(doc, by_id, "the same scenario");
    // The account by id, and another account's us-east-1a is another AZ.
    let o = blastmap(&["what-if", "--demo", "--lose", "222222222222:us-east-1a"]);
    assert!(stderr(&o).contains("us-east-1a in payments-prod is use1-az1"));
    // Bad input lists what exists.
    assert_bad_input(
        &["what-if", "--demo", "--lose", "shop:us-east-1a"],
        "\"shop\" is not an account of this estate (name or id); its accounts: shop-prod (111111111111), payments-prod (222222222222), platform (333333333333)",
    );
    assert_bad_input(
        &["brief", "--demo", "--lose", "shop-prod:us-east-1f"],
        "account shop-prod has no AZ named \"us-east-1f\"; its AZ names: eu-west-1a (euw1-az3)",
    );
    // A bare AZ name says how to name it.
    assert_bad_input(
        &["what-if", "--demo", "--lose", "us-east-1a"],
        "or the account and its AZ name (ACCOUNT:us-east-1a)",
    );
}

#[test]
fn brief_is_a_short_markdown_answer_with_the_az_names_and_capacity_after_recovery() {
    assert_help_has_examples("brief");
    let o = blastmap(&["brief", "--demo", "--lose", "shop-prod:us-east-1a"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.lines().count() <= 22, "about 15 lines:\n{text}");
    assert!(
        text.starts_with("### blastmap brief: losing use1-az4\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "use1-az4 (us-east-1) is us-east-1a in shop-prod, us-east-1c in payments-prod, us-east-1b in platform."
        ),
        "{text}"
    );
    assert!(
        text.contains("**3 down, 5 degraded**, 7 ok of 15"),
        "{text}"
    );
    // checkout: 8 vCPU before, nothing now, and nothing after recovery either (the
    // relaunches sit behind the same dead NAT gateway: docs/demo-estate.md §2).
    assert!(
        text.contains(
            "- checkout-alb → checkout-web (shop-prod, us-east-1): 0/8 vCPU now → 0 after recovery."
        ),
        "{text}"
    );
    assert!(text.contains("declared hard"), "{text}");
    // A degraded path says how, in a word.
    assert!(
        text.contains(
            "- search-alb → search (shop-prod, us-east-1): egress, 2/2 vCPU now → 2 after recovery."
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "- auth-alb → auth (platform, us-east-1): capacity, 8/12 vCPU now → 12 after recovery."
        ),
        "{text}"
    );
    // Across Regions: auth's latency records keep users on what serves.
    assert!(
        text.contains(
            "- auth: degraded. Route 53 sends users to members that serve: 77% of capacity"
        ),
        "{text}"
    );
    // A Region: its paths in one line, the entry points' answers and the data.
    let text = stdout(&blastmap(&["brief", "--demo", "--lose", "us-east-1"]));
    assert!(text.lines().count() <= 22, "{text}");
    assert!(
        text.contains("- every path in us-east-1 (12), nothing left now or after recovery"),
        "{text}"
    );
    assert!(
        text.contains("- storefront: degraded. Route 53 fails storefront over from storefront-alb (us-east-1) to storefront-eu-alb (eu-west-1): 40% of capacity"),
        "{text}"
    );
    // --out writes the same text, atomically, and says so on stderr.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("brief.md");
    let o = blastmap(&[
        "brief",
        "--demo",
        "--lose",
        "us-east-1",
        "--out",
        path_str(&file),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert!(stderr(&o).contains("wrote"), "{}", stderr(&o));
}

#[test]
fn brief_escapes_what_anyone_who_can_tag_can_write() {
    // A load balancer named with HTML and Markdown.
    let text = demo::DEMO_JSON.replacen(
        "\"name\": \"checkout-alb\"",
        "\"name\": \"<img src=x onerror=alert(1)> *x*\"",
        1,
    );
    let (_d, p) = write_temp("hostile.json", &text);
    let o = blastmap(&["brief", "--snapshot", path_str(&p), "--lose", "use1-az4"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    // No `<` at all: no tag reaches a Markdown renderer.
    assert!(!out.contains('<'), "{out}");
    assert!(
        out.contains("&lt;img src=x onerror=alert(1)&gt; \\*x\\*"),
        "{out}"
    );
    // Terminal codes: when the snapshot reader takes them, they never reach the output.
    let text = demo::DEMO_JSON.replacen(
        "\"name\": \"checkout-alb\"",
        "\"name\": \"evil\\u001b]0;pwned\\u0007\"",
        1,
    );
    let (_d, p) = write_temp("hostile.json", &text);
    let o = blastmap(&["brief", "--snapshot", path_str(&p), "--lose", "use1-az4"]);
    if o.status.success() {
        let out = stdout(&o);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
        assert!(out.contains("evil\u{241b}\\]0;pwned"), "{out}");
    } else {
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    }
}

#[test]
fn out_dash_means_standard_output() {
    // Run in an empty directory: before `-` meant standard output, a file `-` appeared.
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_blastmap"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    for out in ["-", "/dev/stdout"] {
        let o = run(&["export", "--demo", "--format", "dot", "--out", out]);
        assert!(o.status.success(), "{out}: {}", stderr(&o));
        // The export opens with comments (what it draws, render as SVG), then the graph.
        assert!(
            stdout(&o).starts_with("// blastmap: ") && stdout(&o).contains("\ndigraph blastmap {"),
            "{out}: {}",
            stdout(&o)
        );
    }
    let demo_file = dir.path().join("demo.json");
    std::fs::write(&demo_file, demo::DEMO_JSON).unwrap();
    let o = run(&["redact", "demo.json", "--out", "-", "--salt", "s"]);
    assert!(o.status.success(), "{}", stderr(&o));
    snapshot::from_slice(&o.stdout, "stdout").expect("a snapshot on standard output");
    assert!(
        stderr(&o).contains("wrote standard output"),
        "{}",
        stderr(&o)
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "only demo.json: {names:?}");
}

#[test]
fn nonsense_is_refused_where_it_is_and_what_aws_can_report_loads_with_a_note() {
    let cluster = "\"id\": \"arn:aws:rds:us-east-1:111111111111:cluster:catalog-aurora\"";
    let line = demo::DEMO_JSON
        .lines()
        .position(|l| l.contains(cluster))
        .unwrap()
        + 1;
    let with_writers = |writer: &str| {
        let lines: Vec<String> = (demo::DEMO_JSON.lines())
            .map(|l| {
                if l.contains(cluster) {
                    l.replace("\"writer\": false", writer)
                        .replace(", \"global_cluster\": \"catalog-global\"", "")
                } else {
                    l.to_string()
                }
            })
            .collect();
        lines.join("\n")
    };
    let (_d, p) = write_temp("two.json", &with_writers("\"writer\": true"));
    let file = p.to_str().unwrap();
    assert_bad_input(
        &["findings", "--snapshot", file],
        &format!("{file}:{line}:"),
    );
    let none =
        with_writers("\"writer\": false").replacen("\"writer\": true", "\"writer\": false", 1);
    let (_d, p) = write_temp("none.json", &none);
    let file = p.to_str().unwrap();
    let o = blastmap(&["findings", "--snapshot", file, "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with(&format!("note: {file}: DB cluster arn:aws:rds:us-east-1:111111111111:cluster:catalog-aurora has no writer")),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_file_in_another_order_gives_the_same_output_and_no_diff() {
    // Resources, accounts and coverage in reverse, every object's keys sorted (serde_json
    // writes them so), pretty-printed: what another tool or a hand edit may make of it.
    let mut doc: Value = serde_json::from_str(demo::DEMO_JSON).unwrap();
    for list in ["accounts", "coverage", "resources"] {
        doc[list].as_array_mut().unwrap().reverse();
    }
    let reordered = serde_json::to_string_pretty(&doc).unwrap();
    assert_ne!(reordered, demo::DEMO_JSON);
    let dir = tempfile::tempdir().unwrap();
    let (orig, other) = (dir.path().join("a.json"), dir.path().join("b.json"));
    std::fs::write(&orig, demo::DEMO_JSON).unwrap();
    std::fs::write(&other, &reordered).unwrap();
    let (orig, other) = (orig.to_str().unwrap(), other.to_str().unwrap());
    for args in [
        vec!["findings", "--format", "json"],
        vec!["matrix", "--format", "json"],
        vec!["what-if", "--lose", "use1-az4", "--format", "json"],
        vec![
            "what-if",
            "--lose",
            "use1-az2",
            "--lose",
            "eu-west-1",
            "--format",
            "table",
        ],
        vec!["check", "--format", "markdown"],
    ] {
        let run = |file: &str| {
            let mut all = args.clone();
            all.extend(["--snapshot", file]);
            let o = blastmap(&all);
            assert!(
                o.status.code().is_some_and(|c| c < 2),
                "{all:?}: {}",
                stderr(&o)
            );
            stdout(&o)
        };
        assert_eq!(run(orig), run(other), "{args:?}");
    }
    let o = blastmap(&["diff", orig, other, "--format", "json"]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in ["cells", "findings", "paths", "resources"] {
        let empty = match &doc[key] {
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o
                .values()
                .all(|v| v.as_array().is_some_and(|a| a.is_empty())),
            _ => false,
        };
        assert!(empty, "{key}: {}", doc[key]);
    }
}

#[test]
fn no_color_and_the_color_flag_do_what_the_readme_says() {
    let run = |color: &str, no_color: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_blastmap"));
        c.args([
            "what-if", "--demo", "--lose", "use1-az4", "--format", "table",
        ]);
        c.args(["--color", color]).env_remove("NO_COLOR");
        if let Some(v) = no_color {
            c.env("NO_COLOR", v);
        }
        let o = c.output().unwrap();
        assert!(o.status.success());
        stdout(&o).contains('\u{1b}')
    };
    // The flag is the user's word for this run: it wins over NO_COLOR.
    assert!(run("always", Some("1")));
    assert!(!run("never", None));
    // auto: never on a pipe, whatever NO_COLOR says.
    assert!(!run("auto", None) && !run("auto", Some("1")));
    let readme = include_str!("../README.md")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        readme.contains("`--color always` or `--color never` is the user's word for this run and wins over `NO_COLOR`"),
        "the README says what the code does"
    );
}
