//! Matrix: its rows (filtered like the paths), the cursor, and the selected column.

use crate::model::Domain;
use crate::sim::Verdict;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move};

use super::paths::path_matches;

#[derive(Default)]
pub struct MatrixScreen {
    pub filter: String,
    /// The paths shown, in topology order.
    pub order: Vec<usize>,
    pub list: ListScroll,
    /// The selected loss (index into the matrix's domains).
    pub col: usize,
}

impl MatrixScreen {
    /// A new estate: the first row and column.
    pub fn install(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        self.list.reset();
        self.col = 0;
        self.reorder(engine, verdict);
    }

    pub fn reorder(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        let filter = self.filter.to_lowercase();
        self.order = (0..engine.topo.paths().len())
            .filter(|&p| path_matches(engine, verdict, p, &filter))
            .collect();
        let cursor = self.list.cursor();
        self.list.select(cursor, self.order.len());
    }

    pub fn set_filter(&mut self, text: String, engine: &Engine, verdict: Option<&Verdict>) {
        self.filter = text;
        self.reorder(engine, verdict);
    }

    pub fn apply(&mut self, m: Move) {
        let len = self.order.len();
        self.list.apply(m, len);
    }

    pub fn select(&mut self, row: usize) {
        let len = self.order.len();
        self.list.select(row, len);
    }

    /// The selected column's loss.
    pub fn selected_domain(&self, engine: &Engine) -> Option<Domain> {
        engine.matrix.domains.get(self.col).copied()
    }

    pub fn left(&mut self) {
        self.col = self.col.saturating_sub(1);
    }

    /// The next of `columns` columns.
    pub fn right(&mut self, columns: usize) {
        if columns > 0 {
            self.col = (self.col + 1).min(columns - 1);
        }
    }
}
