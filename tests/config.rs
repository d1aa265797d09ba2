//! The config file and BLASTMAP_* variables: file < environment < flag, and
//! `blastmap config` saying where each setting comes from.

use std::path::Path;
use std::process::{Command, Output};

fn blastmap(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_blastmap"));
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("the binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A home with a config file and two snapshots of the demo estate.
fn home(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-estate.json");
    for name in ["team.json", "other.json"] {
        std::fs::copy(demo, dir.path().join(name)).unwrap();
    }
    let conf = dir.path().join(".config/blastmap");
    std::fs::create_dir_all(&conf).unwrap();
    std::fs::write(conf.join("config.toml"), config).unwrap();
    dir
}

#[test]
fn a_command_with_no_estate_reads_the_configured_snapshot() {
    let h = home("snapshot = \"~/team.json\"\n");
    let o = blastmap(
        h.path(),
        &[],
        &["what-if", "--lose", "use1-az4", "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    // Without a config, the same command says how to give an estate.
    let bare = tempfile::tempdir().unwrap();
    let o = blastmap(bare.path(), &[], &["what-if", "--lose", "use1-az4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("blastmap config"), "{}", text(&o));
}

#[test]
fn the_environment_beats_the_file_and_flags_beat_both() {
    let h = home("snapshot = \"~/missing-from-file.json\"\n[scan]\nmax_requests = 64\n");
    let other = h.path().join("other.json");
    let other = other.to_str().unwrap();
    // The file names a snapshot that does not exist; the environment one does.
    let o = blastmap(
        h.path(),
        &[("BLASTMAP_SNAPSHOT", other)],
        &["what-if", "--lose", "use1-az4", "--format", "json"],
    );
    assert!(o.status.success(), "{}", text(&o));
    // A flag beats both: --demo needs no file at all.
    let o = blastmap(
        h.path(),
        &[("BLASTMAP_SNAPSHOT", "/nonexistent.json")],
        &[
            "what-if", "--demo", "--lose", "use1-az4", "--format", "json",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = blastmap(h.path(), &[("BLASTMAP_SNAPSHOT", other)], &["config"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        t.lines().any(|l| l.starts_with("snapshot")
            && l.contains(other)
            && l.ends_with("environment (BLASTMAP_SNAPSHOT)")),
        "{t}"
    );
    assert!(
        t.lines().any(|l| l.starts_with("scan.max_requests")
            && l.contains("64")
            && l.ends_with("config file")),
        "{t}"
    );
    assert!(
        t.lines().any(|l| l.starts_with("scan.max_attempts")
            && l.contains('5')
            && l.ends_with("default")),
        "{t}"
    );
}

#[test]
fn a_broken_config_or_variable_is_an_error_that_names_it() {
    let h = home("snapshto = \"x\"\n");
    let o = blastmap(h.path(), &[], &["what-if", "--demo", "--lose", "use1-az4"]);
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(
        t.contains("config.toml is not a valid blastmap config")
            && t.contains("unknown field `snapshto`"),
        "{t}"
    );
    let h = home("");
    let o = blastmap(h.path(), &[("BLASTMAP_MAX_REQUESTS", "lots")], &["config"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("BLASTMAP_MAX_REQUESTS=\"lots\" is not a valid value"),
        "{}",
        text(&o)
    );
    let o = blastmap(
        h.path(),
        &[("BLASTMAP_CONFIG", "/nonexistent/team.toml")],
        &["config"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("BLASTMAP_CONFIG names /nonexistent/team.toml, which does not exist"),
        "{}",
        text(&o)
    );
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let h = tempfile::tempdir().unwrap();
    let o = blastmap(h.path(), &[], &["--version"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    let commit = t
        .strip_prefix(concat!("blastmap ", env!("CARGO_PKG_VERSION"), " (commit "))
        .and_then(|r| r.trim_end().strip_suffix(')'))
        .unwrap_or_else(|| panic!("{t}"));
    let hash = commit.trim_end_matches("-dirty");
    assert!(
        hash == "unknown" || (hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_hexdigit())),
        "{commit}"
    );
}
