//! The coverage gaps overlay (`:gaps`): whether it shows, and the first gap in view.

use crate::tui::scroll::{Move, TextScroll};

#[derive(Default)]
pub struct GapsOverlay {
    pub open: bool,
    /// One line per gap: its top is the first gap shown.
    pub scroll: TextScroll,
}

impl GapsOverlay {
    pub fn show(&mut self) {
        self.open = true;
        self.scroll.reset();
    }

    pub fn apply(&mut self, m: Move) {
        // A page keeps the last gap of the page before in view.
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
