//! What the CLI test binaries share: running the built binary as a user would.
// Each test binary uses a part of this module.
#![allow(dead_code)]

use std::process::{Command, Output};

/// Runs `blastmap ARGS`, NO_COLOR unset (the tests choose colour with --color).
pub fn blastmap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_blastmap"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// Standard output of a run that must succeed (its stderr shown if it does not).
pub fn stdout_of(args: &[&str]) -> String {
    let o = blastmap(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}
