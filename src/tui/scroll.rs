//! Scroll state that remembers how it was last drawn (as gitui's `VerticalScroll`):
//! `update` moves the cursor, or the top line, using the height the view last drew
//! with; the view settles what is in view while drawing. So `update` never asks the
//! view for sizes.
//!
//! Before the first draw the height is unknown: a page is then one row, and the
//! draw puts the window where it has to be.

use std::cell::Cell;

use super::keymap::Command;

/// A move of a cursor or of a scrolled text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
}

impl Move {
    /// The move a command asks for, if it is one.
    pub fn of(c: Command) -> Option<Move> {
        match c {
            Command::Up => Some(Move::Up),
            Command::Down => Some(Move::Down),
            Command::PageUp => Some(Move::PageUp),
            Command::PageDown => Some(Move::PageDown),
            Command::HalfPageUp => Some(Move::HalfPageUp),
            Command::HalfPageDown => Some(Move::HalfPageDown),
            Command::Top => Some(Move::Top),
            Command::Bottom => Some(Move::Bottom),
            _ => None,
        }
    }
}

/// A list's selected row, and the window onto the list as it was last drawn.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListScroll {
    cursor: usize,
    /// The first row drawn.
    top: Cell<usize>,
    /// Rows the list was last drawn with; 0 before the first draw.
    height: Cell<usize>,
}

impl ListScroll {
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The first row of the last draw (what a click lands on).
    pub fn top(&self) -> usize {
        self.top.get()
    }

    /// Rows in a page: the height last drawn, one before the first draw.
    pub fn page(&self) -> usize {
        self.height.get().max(1)
    }

    /// Half a page, at least a row.
    pub fn half_page(&self) -> usize {
        (self.page() / 2).max(1)
    }

    /// Before the list is first drawn, the height it will likely be drawn with (the
    /// terminal's body), so that a page key pressed first moves a page, not a row.
    pub fn hint_height(&self, rows: usize) {
        if self.height.get() == 0 {
            self.height.set(rows);
        }
    }

    /// Back to the first row (a new estate, a new grouping, a new scenario).
    pub fn reset(&mut self) {
        self.cursor = 0;
        self.top.set(0);
    }

    /// Selects row `row` of a list of `len` rows (the last one, if past the end).
    pub fn select(&mut self, row: usize, len: usize) {
        self.cursor = if len == 0 { 0 } else { row.min(len - 1) };
    }

    /// Moves the cursor in a list of `len` rows.
    pub fn apply(&mut self, m: Move, len: usize) {
        let page = self.page();
        let row = match m {
            Move::Up => self.cursor.saturating_sub(1),
            Move::Down => self.cursor + 1,
            Move::PageUp => self.cursor.saturating_sub(page),
            Move::PageDown => self.cursor + page,
            Move::HalfPageUp => self.cursor.saturating_sub(self.half_page()),
            Move::HalfPageDown => self.cursor + self.half_page(),
            Move::Top => 0,
            Move::Bottom => len.saturating_sub(1),
        };
        self.select(row, len);
    }

    /// For the view, while drawing `len` rows in `height`: remembers the height and
    /// returns the first row to draw, keeping the cursor in view and the window
    /// still where it can stay.
    pub fn draw(&self, len: usize, height: usize) -> usize {
        self.height.set(height);
        let height = height.max(1);
        let cursor = if len == 0 {
            0
        } else {
            self.cursor.min(len - 1)
        };
        let mut top = self.top.get();
        if cursor < top {
            top = cursor;
        } else if cursor >= top + height {
            top = cursor + 1 - height;
        }
        top = top.min(len.saturating_sub(height));
        self.top.set(top);
        top
    }
}

/// A scrolled text (a popup, the path detail): its first line in view, and the
/// height and furthest scroll it was last drawn with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextScroll {
    top: Cell<usize>,
    height: Cell<usize>,
    /// The furthest the text could scroll when last drawn; `None` before a draw of
    /// this text.
    max_top: Cell<Option<usize>>,
}

impl TextScroll {
    pub fn top(&self) -> usize {
        self.top.get()
    }

    /// Lines in view when last drawn, one before the first draw.
    pub fn page(&self) -> usize {
        self.height.get().max(1)
    }

    /// Back to the first line of a new text.
    pub fn reset(&mut self) {
        self.top.set(0);
        self.max_top.set(None);
    }

    /// Scrolls by `delta` lines, no further than the text went when last drawn.
    pub fn scroll_by(&mut self, delta: isize) {
        let top = self.top.get().saturating_add_signed(delta);
        self.top.set(top.min(self.max_top()));
    }

    /// To the first line.
    pub fn to_top(&mut self) {
        self.top.set(0);
    }

    /// To the last screenful.
    pub fn to_bottom(&mut self) {
        self.top.set(self.max_top());
    }

    /// Before the first draw, anything: the draw brings it back.
    fn max_top(&self) -> usize {
        self.max_top.get().unwrap_or(usize::MAX)
    }

    /// For the view, while drawing a text that can scroll `max_top` lines in
    /// `height`: remembers both and returns the first line to draw.
    pub fn draw(&self, max_top: usize, height: usize) -> usize {
        self.height.set(height);
        self.max_top.set(Some(max_top));
        let top = self.top.get().min(max_top);
        self.top.set(top);
        top
    }
}

#[cfg(test)]
mod tests {
    use super::{ListScroll, Move, TextScroll};

    #[test]
    fn a_list_pages_by_the_height_it_was_drawn_with() {
        let mut s = ListScroll::default();
        // Never drawn: a page is a row.
        s.apply(Move::PageDown, 100);
        assert_eq!(s.cursor(), 1);
        assert_eq!(s.draw(100, 10), 0);
        s.apply(Move::PageDown, 100);
        assert_eq!(s.cursor(), 11);
        assert_eq!(s.draw(100, 10), 2);
        s.apply(Move::Bottom, 100);
        assert_eq!(s.draw(100, 10), 90);
        s.apply(Move::Up, 100);
        assert_eq!(
            s.draw(100, 10),
            90,
            "the window stays while the cursor is in it"
        );
        // A shorter list pulls the window back.
        s.select(3, 5);
        assert_eq!(s.draw(5, 10), 0);
    }

    #[test]
    fn half_a_page_is_half_the_height_drawn_and_a_hint_stands_in_before_the_first_draw() {
        let mut s = ListScroll::default();
        s.hint_height(20);
        s.apply(Move::HalfPageDown, 100);
        assert_eq!(s.cursor(), 10, "the first ctrl-d moves half a page");
        s.draw(100, 12);
        s.hint_height(40);
        s.apply(Move::HalfPageDown, 100);
        assert_eq!(
            s.cursor(),
            16,
            "drawn with 12 rows, the hint no longer counts"
        );
        s.apply(Move::HalfPageUp, 100);
        s.apply(Move::HalfPageUp, 100);
        s.apply(Move::HalfPageUp, 100);
        assert_eq!(s.cursor(), 0);
    }

    #[test]
    fn a_text_scrolls_no_further_than_it_was_drawn() {
        let mut t = TextScroll::default();
        t.to_bottom();
        assert_eq!(t.draw(7, 20), 7);
        t.scroll_by(3);
        assert_eq!(t.top(), 7);
        t.scroll_by(-1);
        assert_eq!(t.top(), 6);
        t.scroll_by(-100);
        assert_eq!(t.top(), 0);
    }
}
