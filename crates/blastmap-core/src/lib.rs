//! blastmap's core: the estate model, the what-if engine, findings, snapshots and
//! their comparison. Pure: no AWS SDK, no async runtime, no terminal, no clock.
//!
//! Data flows one way: (discover →) model → (snapshot) → sim/findings → (report or TUI).

pub mod analysis;
pub mod compare;
pub mod findings;
pub mod fis;
pub mod health;
mod input;
pub mod model;
pub mod overlay;
pub mod sim;
pub mod snapshot;
#[cfg(feature = "synth")]
pub mod synth;
pub mod text;

/// The demo estate the binary embeds, for this crate's own unit tests.
#[cfg(test)]
pub(crate) mod demo {
    pub const DEMO_JSON: &str = include_str!("../../../assets/demo-estate.json");

    pub fn estate() -> Result<crate::model::Estate, crate::snapshot::SnapshotError> {
        crate::snapshot::from_slice(DEMO_JSON.as_bytes(), "the embedded demo estate")
    }
}
