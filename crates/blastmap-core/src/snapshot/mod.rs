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

pub use read::{from_slice, load};
pub use write::{to_string, write_atomic, write_estate};

/// The `schema` field of every snapshot.
pub const SCHEMA: &str = "blastmap.snapshot";
/// The version this build writes.
pub const VERSION: u32 = 1;
/// The versions this build reads.
pub const SUPPORTED_VERSIONS: &[u32] = &[1];

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

    #[error(
        "{path} is snapshot version {version}, which this blastmap cannot read (it reads version {}); upgrade blastmap or re-scan",
        SUPPORTED_VERSIONS.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
    )]
    UnsupportedVersion { path: String, version: u64 },

    #[error("{path}: {error}")]
    Model {
        path: String,
        error: Box<ModelError>,
    },

    #[error("cannot write {path}: {error}")]
    Write {
        path: PathBuf,
        error: std::io::Error,
    },
}
