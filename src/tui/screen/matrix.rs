//! Matrix: its rows (filtered like the paths), the cursor, the selected column,
//! the order of the columns (as the estate lists its domains, or worst loss first),
//! and the explanation of the selected cell when it is open.

use std::sync::Arc;

use crate::model::Domain;
use crate::sim::Verdict;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move};

use super::paths::path_matches;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColumnOrder {
    /// AZs by Region and ID, then Regions: as the estate lists its domains.
    #[default]
    Domain,
    /// Worst loss first: most paths down, then degraded, then capacity lost.
    Impact,
}

impl ColumnOrder {
    pub fn label(self) -> &'static str {
        match self {
            ColumnOrder::Domain => "by domain",
            ColumnOrder::Impact => "worst loss first",
        }
    }
}

#[derive(Default)]
pub struct MatrixScreen {
    pub filter: String,
    /// The paths shown, in topology order.
    pub order: Vec<usize>,
    pub list: ListScroll,
    /// The selected column: a position in `columns`.
    pub col: usize,
    pub column_order: ColumnOrder,
    /// The matrix's columns in the order shown (indices into its domains).
    pub columns: Vec<usize>,
    /// `enter` opened the explanation of the selected cell.
    pub explain: bool,
    /// The verdict of the single loss being explained, once computed.
    pub explained: Option<(Domain, Arc<Verdict>)>,
}

impl MatrixScreen {
    /// A new estate: the first row and column, columns as the estate lists them.
    pub fn install(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        self.list.reset();
        self.col = 0;
        self.explain = false;
        self.explained = None;
        self.set_column_order(self.column_order, engine);
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

    /// Orders the columns, keeping the selected loss selected.
    pub fn set_column_order(&mut self, order: ColumnOrder, engine: &Engine) {
        let selected = self.columns.get(self.col).copied();
        self.column_order = order;
        self.columns = match order {
            ColumnOrder::Domain => (0..engine.matrix.domains.len()).collect(),
            ColumnOrder::Impact => engine.columns_by_impact.clone(),
        };
        // Worst first: the worst loss is what the user asked to see.
        self.col = match order {
            ColumnOrder::Impact => 0,
            ColumnOrder::Domain => selected
                .and_then(|c| self.columns.iter().position(|x| *x == c))
                .unwrap_or(0),
        };
    }

    pub fn cycle_column_order(&mut self, engine: &Engine) {
        let next = match self.column_order {
            ColumnOrder::Domain => ColumnOrder::Impact,
            ColumnOrder::Impact => ColumnOrder::Domain,
        };
        self.set_column_order(next, engine);
    }

    pub fn apply(&mut self, m: Move) {
        let len = self.order.len();
        self.list.apply(m, len);
    }

    pub fn select(&mut self, row: usize) {
        let len = self.order.len();
        self.list.select(row, len);
    }

    /// The matrix column (index into its domains) of the selected position.
    pub fn selected_column(&self) -> Option<usize> {
        self.columns.get(self.col).copied()
    }

    /// The selected column's loss.
    pub fn selected_domain(&self, engine: &Engine) -> Option<Domain> {
        self.selected_column()
            .and_then(|c| engine.matrix.domains.get(c).copied())
    }

    /// The path of the selected row.
    pub fn selected_path(&self) -> Option<usize> {
        self.order.get(self.list.cursor()).copied()
    }

    pub fn left(&mut self) {
        self.col = self.col.saturating_sub(1);
    }

    /// The next of the columns.
    pub fn right(&mut self) {
        if !self.columns.is_empty() {
            self.col = (self.col + 1).min(self.columns.len() - 1);
        }
    }

    /// The loss whose verdict the open explanation needs and does not have yet.
    pub fn explanation_wanted(&self, engine: &Engine) -> Option<Domain> {
        let d = self.selected_domain(engine)?;
        let have = self.explained.as_ref().is_some_and(|(x, _)| *x == d);
        (self.explain && !have).then_some(d)
    }
}
