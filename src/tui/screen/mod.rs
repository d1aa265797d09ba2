//! Each screen's own state: its list order, filter and scroll, and what `update`
//! does to it. The app holds one of each and dispatches to the screen in use.
//! A screen's view (in `view/`) draws it from `&App`.

pub mod backups;
pub mod domains;
pub mod findings;
pub mod gaps;
pub mod help;
pub mod matrix;
pub mod paths;
pub mod runbook;
pub mod snapshots;

pub use backups::{BackupSort, BackupsScreen};
pub use domains::DomainsScreen;
pub use findings::FindingsScreen;
pub use gaps::GapsOverlay;
pub use help::HelpOverlay;
pub use matrix::MatrixScreen;
pub use paths::{PathSort, PathsScreen};
pub use runbook::RunbookOverlay;
pub use snapshots::SnapshotPicker;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Domains,
    Paths,
    Matrix,
    Findings,
    Backups,
}

impl Screen {
    pub const ALL: [Screen; 5] = [
        Screen::Domains,
        Screen::Paths,
        Screen::Matrix,
        Screen::Findings,
        Screen::Backups,
    ];

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The tab's label on narrow terminals.
    pub fn short_title(self) -> &'static str {
        match self {
            Screen::Domains => "Domains",
            other => other.title(),
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Domains => "Fault domains",
            Screen::Paths => "Paths",
            Screen::Matrix => "Matrix",
            Screen::Findings => "Findings",
            Screen::Backups => "Backups",
        }
    }
}
