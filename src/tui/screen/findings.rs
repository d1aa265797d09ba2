//! Findings: the ones the filter keeps, in the engine's order, and the cursor.

use crate::findings::Finding;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move};

#[derive(Default)]
pub struct FindingsScreen {
    pub filter: String,
    /// The findings shown (indices into the engine's findings).
    pub order: Vec<usize>,
    pub list: ListScroll,
}

impl FindingsScreen {
    /// A new estate: the cursor on top.
    pub fn install(&mut self, engine: &Engine) {
        self.list.reset();
        self.reorder(engine);
    }

    /// Keeps the findings whose code, message, severity or resources match the filter.
    pub fn reorder(&mut self, engine: &Engine) {
        let filter = self.filter.to_lowercase();
        self.order = engine
            .findings()
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                filter.is_empty()
                    || f.code.contains(&filter)
                    || f.message.to_lowercase().contains(&filter)
                    || f.severity.as_str() == filter
                    || f.resources.iter().any(|r| {
                        engine
                            .estate
                            .resource(*r)
                            .name
                            .to_lowercase()
                            .contains(&filter)
                    })
            })
            .map(|(i, _)| i)
            .collect();
        let cursor = self.list.cursor();
        self.list.select(cursor, self.order.len());
    }

    pub fn set_filter(&mut self, text: String, engine: &Engine) {
        self.filter = text;
        self.reorder(engine);
    }

    pub fn apply(&mut self, m: Move) {
        let len = self.order.len();
        self.list.apply(m, len);
    }

    pub fn select(&mut self, row: usize) {
        let len = self.order.len();
        self.list.select(row, len);
    }

    /// The finding under the cursor.
    pub fn selected<'e>(&self, engine: &'e Engine) -> Option<&'e Finding> {
        self.order
            .get(self.list.cursor())
            .map(|&f| &engine.findings()[f])
    }
}
