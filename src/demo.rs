//! The embedded demo estate (`assets/demo-estate.json`, story in `docs/demo-estate.md`).

use crate::model::Estate;
use crate::snapshot::{self, SnapshotError};

/// The demo estate as snapshot JSON.
pub const DEMO_JSON: &str = include_str!("../assets/demo-estate.json");

/// The demo estate, built.
pub fn estate() -> Result<Estate, SnapshotError> {
    snapshot::from_slice(DEMO_JSON.as_bytes(), "the embedded demo estate")
}
