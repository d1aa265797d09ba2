//! Sharing blastmap's answers: the Mermaid and DOT exports, snapshot diffs and
//! redaction (the commands themselves are tested in `tests/cli.rs`).

#[path = "../../crates/blastmap-core/tests/engine/fixture.rs"]
#[allow(dead_code)]
mod fixture;

mod diff;
mod export;
mod redact;
