//! Each screen's own state: its list order, filter and scroll, and what `update`
//! does to it. The app holds one of each and dispatches to the screen in use.
//! A screen's view (in `view/`) draws it from `&App`.

pub mod domains;
pub mod findings;
pub mod gaps;
pub mod help;
pub mod matrix;
pub mod paths;
pub mod snapshots;

pub use domains::DomainsScreen;
pub use findings::FindingsScreen;
pub use gaps::GapsOverlay;
pub use help::HelpOverlay;
pub use matrix::MatrixScreen;
pub use paths::{PathSort, PathsScreen};
pub use snapshots::SnapshotPicker;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Domains,
    Paths,
    Matrix,
    Findings,
}

impl Screen {
    pub const ALL: [Screen; 4] = [
        Screen::Domains,
        Screen::Paths,
        Screen::Matrix,
        Screen::Findings,
    ];

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Domains => "Fault domains",
            Screen::Paths => "Paths",
            Screen::Matrix => "Matrix",
            Screen::Findings => "Findings",
        }
    }
}
