//! blastmap: explore AWS fault isolation boundaries.
//!
//! Data flows one way: discover → model → (snapshot) → sim/findings → report or tui.

pub mod cli;
pub mod commands;
pub mod demo;
pub mod discover;
pub mod findings;
pub mod model;
pub mod progress;
pub mod report;
pub mod sim;
pub mod snapshot;
pub mod synth;
pub mod text;
pub mod tui;
