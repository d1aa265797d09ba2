//! blastmap: explore AWS fault isolation boundaries.
//!
//! Data flows one way: discover → model → (snapshot) → sim/findings → report or tui.
//! The engine lives in `blastmap-core`, live discovery in `blastmap-aws`; this crate
//! is the command line, the report formats and the TUI.

pub use blastmap_aws as discover;
pub use blastmap_core::{analysis, compare, findings, model, overlay, sim, snapshot, text};

pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod logging;
pub mod progress;
pub mod report;
pub mod store;
pub mod tui;
