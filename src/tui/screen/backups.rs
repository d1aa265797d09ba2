//! Backups: every piece of data user-facing paths need, with its copies, in the
//! order chosen (worst first, by name, by Region), filtered, and the cursor.

use crate::sim::DataProtection;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackupSort {
    Worst,
    Name,
    Region,
}

impl BackupSort {
    fn next(self) -> BackupSort {
        match self {
            BackupSort::Worst => BackupSort::Name,
            BackupSort::Name => BackupSort::Region,
            BackupSort::Region => BackupSort::Worst,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupSort::Worst => "worst first",
            BackupSort::Name => "name",
            BackupSort::Region => "Region",
        }
    }
}

pub struct BackupsScreen {
    pub filter: String,
    pub sort: BackupSort,
    /// The data shown, in order (indices into the engine's `backups`).
    pub order: Vec<usize>,
    pub list: ListScroll,
}

impl Default for BackupsScreen {
    fn default() -> Self {
        BackupsScreen {
            filter: String::new(),
            sort: BackupSort::Worst,
            order: Vec::new(),
            list: ListScroll::default(),
        }
    }
}

impl BackupsScreen {
    /// A new estate: the cursor on top.
    pub fn install(&mut self, engine: &Engine) {
        self.list.reset();
        self.reorder(engine);
    }

    /// Orders and filters again, keeping the cursor on the data it was on. Linear in
    /// the data: the orders are sorted once per estate.
    pub fn reorder(&mut self, engine: &Engine) {
        let current = self.order.get(self.list.cursor()).copied();
        let filter = self.filter.to_lowercase();
        let keep = |i: &usize| filter.is_empty() || engine.backup_text[*i].contains(&filter);
        // The inventory is by Region then name already.
        let by_region = 0..engine.backups.len();
        self.order = match self.sort {
            BackupSort::Worst => engine.backups_worst.iter().copied().filter(keep).collect(),
            BackupSort::Region => by_region.filter(keep).collect(),
            BackupSort::Name => {
                let mut order: Vec<usize> = by_region.filter(keep).collect();
                let rows = &engine.backups;
                order.sort_by(|a, b| {
                    (&rows[*a].name, &rows[*a].region).cmp(&(&rows[*b].name, &rows[*b].region))
                });
                order
            }
        };
        let cursor = current
            .and_then(|c| self.order.iter().position(|i| *i == c))
            .unwrap_or(0);
        self.list.select(cursor, self.order.len());
    }

    pub fn set_filter(&mut self, text: String, engine: &Engine) {
        self.filter = text;
        self.reorder(engine);
    }

    pub fn cycle_sort(&mut self, engine: &Engine) {
        self.sort = self.sort.next();
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

    /// The data under the cursor.
    pub fn selected<'e>(&self, engine: &'e Engine) -> Option<&'e DataProtection> {
        self.order
            .get(self.list.cursor())
            .map(|&i| &engine.backups[i])
    }
}
