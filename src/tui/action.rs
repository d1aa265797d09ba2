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
    /// Text pasted (bracketed paste), or typed faster than it was drawn: added to
    /// the filter or command line at once, and filtered once.
    Paste(String),
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
    /// The verdict of one single loss, for the explanation of a matrix cell.
    Explained {
        domain: crate::model::Domain,
        verdict: Arc<Verdict>,
    },
    /// The runbook of the lost set, to show.
    RunbookReady(String),
    /// The incident brief, to copy to the clipboard.
    BriefReady(String),
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
    /// Evaluate one single loss, to explain a matrix cell.
    Explain {
        domain: crate::model::Domain,
    },
    /// The incident brief of `lost`: written to `path`, or copied (`None`).
    Brief {
        lost: LostDomains,
        path: Option<PathBuf>,
    },
    /// The runbook of `lost`: what to do now.
    Runbook {
        lost: LostDomains,
    },
    /// Put text on the clipboard through the terminal (OSC 52).
    Clipboard(String),
}
