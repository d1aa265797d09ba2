//! The runbook overlay (`R`, `:runbook`): what to do now for the domains lost, as
//! `blastmap runbook` prints it (`sim::runbook`), scrolled a line at a time.

use crate::tui::scroll::{Move, TextScroll};

#[derive(Default)]
pub struct RunbookOverlay {
    pub open: bool,
    /// The runbook's lines, as the report wrote them (wrapped when drawn).
    pub lines: Vec<String>,
    pub scroll: TextScroll,
}

impl RunbookOverlay {
    pub fn show(&mut self, text: &str) {
        self.lines = text.lines().map(str::to_string).collect();
        self.open = true;
        self.scroll.reset();
    }

    pub fn apply(&mut self, m: Move) {
        let page = self.scroll.page().saturating_sub(1).max(1) as isize;
        match m {
            Move::Up => self.scroll.scroll_by(-1),
            Move::Down => self.scroll.scroll_by(1),
            Move::PageUp => self.scroll.scroll_by(-page),
            Move::PageDown => self.scroll.scroll_by(page),
            Move::HalfPageUp => self.scroll.scroll_by(-(page / 2).max(1)),
            Move::HalfPageDown => self.scroll.scroll_by((page / 2).max(1)),
            Move::Top => self.scroll.to_top(),
            Move::Bottom => self.scroll.to_bottom(),
        }
    }
}
