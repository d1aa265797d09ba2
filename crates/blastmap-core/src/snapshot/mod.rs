//! Snapshots: an estate as versioned JSON (`docs/snapshot.md`).
//!
//! Reading checks the header first (schema and version), then streams the
//! resources straight into the model. Writing is atomic: a temporary file in
//! the same directory, synced, then renamed over the target.

mod read;
pub mod redact;
mod write;

use std::path::PathBuf;

use thiserror::Error;

use crate::model::ModelError;

#[doc(hidden)]
pub use read::both_readers;
pub use read::{from_slice, load};
pub use write::{to_string, write_atomic, write_estate};

/// The `schema` field of every snapshot.
pub const SCHEMA: &str = "blastmap.snapshot";
/// The version this build writes.
pub const VERSION: u32 = 2;
/// The versions this build reads.
pub const SUPPORTED_VERSIONS: &[u32] = &[1, 2];

/// What to do about a snapshot version this build does not read.
fn version_advice(version: u64) -> String {
    let reads = match SUPPORTED_VERSIONS {
        [one] => format!("version {one}"),
        [rest @ .., last] => format!(
            "versions {} and {last}",
            rest.iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
        [] => format!("version {VERSION}"),
    };
    let oldest = SUPPORTED_VERSIONS.iter().min().copied().unwrap_or(VERSION);
    if version < u64::from(oldest) {
        // Version 0 never existed: "upgrade blastmap" would send the user the wrong way.
        format!(
            "snapshot version {version} is older than any blastmap has written (this one \
             reads {reads}): the file was not written by blastmap, or was edited; \
             re-scan to get one"
        )
    } else {
        format!(
            "snapshot version {version} is newer than this blastmap reads ({reads}): \
             upgrade blastmap, or re-scan with this one"
        )
    }
}

#[derive(Debug, Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },

    #[error(
        "{path} is larger than {limit}, the most blastmap copies into memory (from a pipe \
         or device, which may never end, or a file system that cannot map files): write \
         it to a local file and read that"
    )]
    TooLarge { path: String, limit: String },

    #[error("{path}:{line}:{column}: {message}")]
    Syntax {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },

    #[error(
        "{path} is not a blastmap snapshot: expected \"schema\": \"{SCHEMA}\"{}; \
         `blastmap scan --out FILE` writes one",
        found.as_ref().map(|f| format!(", found {f:?}")).unwrap_or_default()
    )]
    NotASnapshot { path: String, found: Option<String> },

    #[error(
        "{path} is not a blastmap snapshot: it is {found}, and a snapshot is the JSON \
         object `blastmap scan --out FILE` writes"
    )]
    NotAnObject { path: String, found: String },

    #[error("{path}:{line}:{column}: {}", version_advice(*version))]
    UnsupportedVersion {
        path: String,
        line: usize,
        column: usize,
        version: u64,
    },

    #[error(
        "{path}{}: {error}",
        at.map(|(line, column)| format!(":{line}:{column}")).unwrap_or_default()
    )]
    Model {
        path: String,
        /// Line and column of what the error is about, when the reader could place it.
        at: Option<(usize, usize)>,
        error: Box<ModelError>,
    },

    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}
