//! Text from outside is escaped for whatever it is written into. Every string a
//! snapshot can carry (names, tags, ids, account names, Regions, AZ IDs, the source,
//! coverage messages, notes) holds escape sequences, line breaks, HTML and Markdown;
//! every report in every format must show them, never act on them.

use std::process::Command;

use blastmap::analysis::Analysis;
use blastmap::compare;
use blastmap::demo;
use blastmap::report::{self, DiagramFormat, DiffSides, Format, Report, SnapshotLabel};
use blastmap::sim::{self, LostDomains, Tolerance};
use blastmap::snapshot;
use blastmap::text::is_unsafe;
use serde_json::Value;

/// Clears the screen, sets the window title, rings, rewrites the line, starts a CSI
/// the 8-bit way and flips the text: everything a name can try on a terminal; then
/// HTML and Markdown that would render as an image, a link, emphasis or a new cell.
const PAYLOAD: &str = "\u{1b}[2J\u{1b}]0;owned\u{7}\r\n\u{9b}2J\u{202e}\u{7f}\t\
<img src=x onerror=alert(1)>|*bold*_em_`code`[link](http://evil.example)~~s~~$x$&amp;\\";

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// The demo snapshot with every string the reports can print carrying [`PAYLOAD`].
fn hostile_snapshot() -> String {
    let mut doc: Value = serde_json::from_str(demo::DEMO_JSON).unwrap();
    doc["source"] = Value::from(format!("demo{PAYLOAD}"));
    doc["captured_at"] = Value::from(format!("2026{PAYLOAD}"));
    doc["description"] = Value::from(PAYLOAD);
    for a in doc["accounts"].as_array_mut().unwrap() {
        a["name"] = Value::from(format!("{}{PAYLOAD}", a["name"].as_str().unwrap()));
    }
    for r in doc["resources"].as_array_mut().unwrap() {
        let name = format!("{}{PAYLOAD}", r["name"].as_str().unwrap());
        r["name"] = Value::from(name);
        if let Some(tags) = r["tags"].as_object_mut() {
            for (key, value) in tags.iter_mut() {
                // Dependency tags are resolved at scan time; a snapshot keeps them as text.
                *value = Value::from(format!("{}{PAYLOAD}", value.as_str().unwrap()));
                assert!(!key.is_empty());
            }
        }
    }
    // One service could not be read, with a hostile message.
    let coverage = doc["coverage"].as_array_mut().unwrap();
    let gap = (coverage.iter_mut())
        .find(|c| c["service"] == "rds" && c["region"] == "us-east-1")
        .unwrap();
    gap["status"] = Value::from("denied");
    gap["message"] = Value::from(PAYLOAD);
    if let Some(deps) = doc["declared"]["dependencies"].as_array_mut() {
        for d in deps {
            d["note"] = Value::from(PAYLOAD);
        }
    }
    if let Some(services) = doc["declared"]["services"].as_object_mut() {
        for value in services.values_mut() {
            *value = Value::from(format!("{}{PAYLOAD}", value.as_str().unwrap()));
        }
    }
    let mut text = serde_json::to_string(&doc).unwrap();
    // Ids, a Region and an AZ ID renamed everywhere they appear (keys included).
    let ids: Vec<String> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["load_balancer"].is_object() || r["target_group"].is_object())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() > 4);
    for old in ids
        .iter()
        .map(String::as_str)
        .chain(["us-east-1", "use1-az4"])
    {
        text = text.replace(&json(old), &json(&format!("{old}{PAYLOAD}")));
    }
    text
}

fn hostile() -> Analysis {
    let estate = snapshot::from_slice(hostile_snapshot().as_bytes(), "hostile.json")
        .expect("a snapshot whose text is hostile is still a snapshot");
    Analysis::new(estate).with_findings()
}

/// No character a terminal acts on, but line breaks and the colours `color` allows.
fn assert_terminal_safe(what: &str, text: &str, color: bool) {
    let mut rest = text.to_string();
    if color {
        for sgr in [
            "\u{1b}[32m",
            "\u{1b}[33m",
            "\u{1b}[1;31m",
            "\u{1b}[2m",
            "\u{1b}[1m",
            "\u{1b}[0m",
        ] {
            rest = rest.replace(sgr, "");
        }
    }
    let bad: Vec<char> = rest
        .chars()
        .filter(|c| *c != '\n' && is_unsafe(*c))
        .collect();
    assert!(
        bad.is_empty(),
        "{what}: unsafe characters {bad:?} in\n{text}"
    );
    assert!(
        text.contains("owned"),
        "{what}: the payload is shown: {text}"
    );
}

/// Markdown that shows the payload as text: no HTML, link, emphasis, code or math
/// starts in it, and every table row has its header's cells.
fn assert_markdown_safe(what: &str, md: &str) {
    assert_terminal_safe(what, md, false);
    // Code spans show their content as it is: what matters is outside them.
    let md_outside = outside_code_spans(md);
    let md = md_outside.as_str();
    let without_br = md.replace("<br>", "");
    assert!(!without_br.contains('<'), "{what}: raw HTML in\n{md}");
    for (open, escaped) in [
        ("[link]", "\\[link\\]"),
        ("*bold*", "\\*bold\\*"),
        ("_em_", "\\_em\\_"),
        ("~~s~~", "\\~\\~s\\~\\~"),
        ("$x$", "\\$x\\$"),
    ] {
        let raw = md.matches(open).count();
        let ok = md.matches(escaped).count();
        assert!(raw == 0 || ok > 0, "{what}: {open} unescaped in\n{md}");
        assert!(
            md.replace(escaped, "").matches(open).count() == 0,
            "{what}: {open} unescaped in\n{md}"
        );
    }
    // A row has as many cells as its table's header: no `|` of the payload splits one.
    let mut columns = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = None;
            continue;
        }
        let bars = cell_bars(line);
        match columns {
            None => columns = Some(bars),
            Some(n) => assert_eq!(bars, n, "{what}: a row with other cells: {line}"),
        }
    }
}

/// `md` with every code span (a run of backticks up to the next run of as many, not
/// escaped) cut out.
fn outside_code_spans(md: &str) -> String {
    let chars: Vec<char> = md.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if chars[i] != '`' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let run = chars[i..].iter().take_while(|c| **c == '`').count();
        // The closing run: exactly `run` backticks.
        let mut j = i + run;
        let mut close = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let n = chars[j..].iter().take_while(|c| **c == '`').count();
                if n == run {
                    close = Some(j);
                    break;
                }
                j += n;
            } else {
                j += 1;
            }
        }
        match close {
            Some(j) => i = j + run,
            None => {
                out.extend(&chars[i..i + run]);
                i += run;
            }
        }
    }
    out
}

/// The `|` that separate cells: those not escaped with a backslash.
fn cell_bars(line: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => n += 1,
            _ => escaped = false,
        }
    }
    n
}

fn assert_json_safe(what: &str, text: &str) {
    let raw: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && is_unsafe(*c))
        .collect();
    assert!(raw.is_empty(), "{what}: raw {raw:?} in JSON");
    let v: Value = serde_json::from_str(text).expect("valid JSON");
    assert!(
        v.to_string().contains("owned"),
        "{what}: the payload is kept"
    );
}

#[test]
fn every_report_shows_hostile_text_without_acting_on_it() {
    let a = hostile();
    let r = Report {
        estate: &a.estate,
        topo: &a.topo,
    };
    let az = a.estate.domains()[0];
    let region = (a.estate.domains().into_iter())
        .find(|d| a.estate.domain_name(*d).starts_with("us-east-1"))
        .unwrap();
    assert!(a.estate.domain_name(region).contains("owned"));
    let lost_az = (a.estate.domains().into_iter())
        .find(|d| a.estate.domain_name(*d).starts_with("use1-az4"))
        .unwrap();
    let verdict = a.what_if(&LostDomains::new(&a.estate, &[lost_az, region, az]));
    assert!(a.findings().len() > 3);
    let check = sim::check(&a.topo, &a.matrix, Tolerance::Az);
    for (format, color) in [
        (Format::Table, false),
        (Format::Table, true),
        (Format::Markdown, false),
        (Format::Json, false),
    ] {
        let outputs = [
            (
                "what-if",
                report::what_if(&r, &verdict, a.findings(), format, color),
            ),
            ("matrix", report::matrix(&r, &a.matrix, format, color)),
            (
                "findings",
                report::findings(&r, a.findings(), format, color),
            ),
            ("check", report::check(&r, &check, format, color)),
        ];
        for (what, text) in outputs {
            let what = format!("{what} {format:?} colour {color}");
            match format {
                Format::Table => assert_terminal_safe(&what, &text, color),
                Format::Markdown => assert_markdown_safe(&what, &text),
                Format::Json => assert_json_safe(&what, &text),
            }
        }
    }
    let md = report::markdown::report(&r, &verdict, a.findings(), &a.matrix);
    assert_markdown_safe("markdown report", &md);
    for format in [DiagramFormat::Mermaid, DiagramFormat::Dot] {
        let drawn = report::diagram(&r, &verdict, None, format);
        assert_terminal_safe(&format!("{format:?}"), &drawn, false);
        // Mermaid reads HTML in labels; DOT shows a quoted string as it is.
        if format == DiagramFormat::Mermaid {
            assert!(!drawn.contains("<img"), "{format:?}: {drawn}");
        }
    }
    // The snapshot itself, as `--out -` prints it.
    assert_json_safe("snapshot", &snapshot::to_string(&a.estate));
}

#[test]
fn a_diff_shows_hostile_text_without_acting_on_it() {
    let old = demo::estate().unwrap();
    let new = hostile();
    let changes = compare::diff(&old, &new.estate);
    assert!(!changes.is_empty());
    let sides = DiffSides {
        old: SnapshotLabel::of(std::path::Path::new("before.json"), &old),
        new: SnapshotLabel::of(
            std::path::Path::new(&format!("after{PAYLOAD}.json")),
            &new.estate,
        ),
    };
    for format in [Format::Table, Format::Markdown, Format::Json] {
        for color in [false, true] {
            let text = report::diff(&sides, &changes, format, color);
            let what = format!("diff {format:?} colour {color}");
            match format {
                Format::Table => assert_terminal_safe(&what, &text, color),
                Format::Markdown => assert_markdown_safe(&what, &text),
                Format::Json => assert_json_safe(&what, &text),
            }
        }
    }
}

#[test]
fn errors_on_stderr_show_hostile_text_without_acting_on_it() {
    let dir = tempfile::tempdir().unwrap();
    // A reference to a resource that is not there, whose id is hostile.
    let dangling = demo::DEMO_JSON.replacen(
        "\"vpc\": \"vpc-e0c6a7e1e105b65b8\"",
        &format!("\"vpc\": {}", json(&format!("vpc-404{PAYLOAD}"))),
        1,
    );
    assert_ne!(dangling, demo::DEMO_JSON);
    // An unknown key named by the payload.
    let unknown_key = demo::DEMO_JSON.replacen(
        "\"source\":",
        &format!("{}: 1, \"source\":", json(PAYLOAD)),
        1,
    );
    let whole = hostile_snapshot();
    for (name, content) in [
        ("dangling", dangling),
        ("key", unknown_key),
        ("whole", whole),
    ] {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, content).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_blastmap"))
            .args(["findings", "--snapshot", file.to_str().unwrap()])
            .args(["--format", "table"])
            .output()
            .unwrap();
        let err = String::from_utf8(o.stderr).unwrap();
        let out = String::from_utf8(o.stdout).unwrap();
        for (stream, text) in [("stderr", &err), ("stdout", &out)] {
            let bad: Vec<char> = text
                .chars()
                .filter(|c| *c != '\n' && is_unsafe(*c))
                .collect();
            assert!(bad.is_empty(), "{name} {stream}: {bad:?} in {text}");
        }
        assert!(
            err.contains("owned") || out.contains("owned"),
            "{name}: {err}{out}"
        );
    }
}
