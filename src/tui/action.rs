//! Everything that can change the app's state, and the work the app asks the runtime to do.

use std::path::PathBuf;
use std::sync::Arc;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use crate::sim::{LostDomains, Verdict};

use super::engine::Loaded;
use super::keymap::Command;

/// The only way the app's state changes: `update(&mut App, Action)`.
pub enum Action {
    Key(KeyEvent),
    Command(Command),
    Mouse(MouseEvent),
    Resize(u16, u16),
    /// A quarter second passed (flash messages fade).
    Tick,
    /// An estate finished loading (or failed to); only the latest load counts.
    Loaded {
        generation: u64,
        result: Result<Box<Loaded>, String>,
    },
    /// A scenario finished evaluating; stale generations are dropped.
    Simulated {
        generation: u64,
        verdict: Arc<Verdict>,
    },
    /// Progress of a live scan, shown on the progress screen.
    Scan(crate::discover::ScanEvent),
    Flash {
        text: String,
        error: bool,
    },
    /// The snapshots under an S3 prefix (`:open s3://…/`), oldest first, or why not.
    SnapshotsListed {
        prefix: String,
        result: Result<Vec<crate::discover::snapshots::Listed>, String>,
    },
}

/// Work the runtime does off the draw loop, reporting back with an [`Action`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Evaluate the scenario `lost`; the result is dropped if a newer one was asked for.
    Simulate {
        generation: u64,
        lost: LostDomains,
    },
    LoadSnapshot {
        path: PathBuf,
        generation: u64,
    },
    /// List the snapshots under an S3 prefix, to pick one.
    ListSnapshots {
        prefix: PathBuf,
    },
    /// Write the what-if of `lost` as the Markdown retrospective report.
    Export {
        path: PathBuf,
        lost: LostDomains,
    },
    /// Scan the live estate again.
    Rescan {
        generation: u64,
    },
}
