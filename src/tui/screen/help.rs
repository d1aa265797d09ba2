//! The `?` help overlay: whether it shows, and how far it is scrolled.

use crate::tui::scroll::{Move, TextScroll};

#[derive(Default)]
pub struct HelpOverlay {
    pub open: bool,
    pub scroll: TextScroll,
}

impl HelpOverlay {
    /// `?`: opens or closes it, at its top.
    pub fn toggle(&mut self) {
        self.open = !self.open;
        self.scroll.reset();
    }

    /// Scrolls it; anything but a move goes back to the top.
    pub fn apply(&mut self, m: Option<Move>) {
        // A fixed page: the help is short, and ten lines keep the reader's place.
        match m {
            Some(Move::Up) => self.scroll.scroll_by(-1),
            Some(Move::Down) => self.scroll.scroll_by(1),
            Some(Move::PageUp) => self.scroll.scroll_by(-10),
            Some(Move::PageDown) => self.scroll.scroll_by(10),
            Some(Move::HalfPageUp) => self.scroll.scroll_by(-5),
            Some(Move::HalfPageDown) => self.scroll.scroll_by(5),
            Some(Move::Bottom) => self.scroll.to_bottom(),
            Some(Move::Top) | None => self.scroll.to_top(),
        }
    }
}
