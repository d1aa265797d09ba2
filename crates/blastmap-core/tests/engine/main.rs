//! Engine tests: the failure rules, the findings, snapshots. One binary, several modules.

mod backups;
mod demo;
mod findings;
mod fis;
mod fixture;
mod health;
mod hostile;
mod modern;
mod nonsense;
mod order;
mod regions;
mod rules;
mod runbook;
mod snapshot;
mod synth;
mod truth;

/// The demo estate the binary embeds (`assets/demo-estate.json` at the top level).
mod embedded {
    use blastmap_core::model::Estate;
    use blastmap_core::snapshot::{self, SnapshotError};

    pub const DEMO_JSON: &str = include_str!("../../../../assets/demo-estate.json");

    pub fn estate() -> Result<Estate, SnapshotError> {
        snapshot::from_slice(DEMO_JSON.as_bytes(), "the embedded demo estate")
    }
}
