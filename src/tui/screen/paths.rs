//! Paths: their order (sort and filter), the cursor, and the path whose detail is
//! open with its scroll.

use crate::sim::Verdict;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move, TextScroll};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathSort {
    Status,
    Capacity,
    Name,
}

impl PathSort {
    fn next(self) -> PathSort {
        match self {
            PathSort::Status => PathSort::Capacity,
            PathSort::Capacity => PathSort::Name,
            PathSort::Name => PathSort::Status,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PathSort::Status => "status",
            PathSort::Capacity => "capacity left",
            PathSort::Name => "name",
        }
    }
}

pub struct PathsScreen {
    pub filter: String,
    pub sort: PathSort,
    /// The paths shown, in order (indices into the topology's paths).
    pub order: Vec<usize>,
    pub list: ListScroll,
    /// The path whose detail is open.
    pub detail: Option<usize>,
    pub detail_scroll: TextScroll,
}

impl Default for PathsScreen {
    fn default() -> Self {
        PathsScreen {
            filter: String::new(),
            sort: PathSort::Status,
            order: Vec::new(),
            list: ListScroll::default(),
            detail: None,
            detail_scroll: TextScroll::default(),
        }
    }
}

/// Whether path `p` matches a (lower-case) filter: any text its row shows (names,
/// account, Region, ids and tags; its status, how it is degraded, and its first
/// reason). The Matrix filters its rows the same way.
pub fn path_matches(engine: &Engine, verdict: Option<&Verdict>, p: usize, filter: &str) -> bool {
    if filter.is_empty() || engine.path_text[p].contains(filter) {
        return true;
    }
    let Some(pv) = verdict.map(|v| &v.paths[p]) else {
        return false;
    };
    pv.status.as_str().contains(filter)
        || crate::tui::view::paths::status_text(pv).contains(filter)
        || (pv.reasons.iter())
            .find(|r| r.cause != crate::sim::Cause::NothingLost)
            .is_some_and(|r| r.describe(&engine.estate).to_lowercase().contains(filter))
}

impl PathsScreen {
    /// The path under the cursor.
    pub fn selected(&self) -> Option<usize> {
        self.order.get(self.list.cursor()).copied()
    }

    /// A new estate: no detail open, the cursor on top.
    pub fn install(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        self.detail = None;
        self.list.reset();
        self.reorder(engine, verdict);
    }

    /// Filters and sorts again, keeping the cursor on the path it was on.
    pub fn reorder(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        let current = self.selected();
        let filter = self.filter.to_lowercase();
        let mut order: Vec<usize> = (0..engine.topo.paths().len())
            .filter(|&p| path_matches(engine, verdict, p, &filter))
            .collect();
        if let Some(v) = verdict {
            // Ties go by the label the row shows.
            let by_label = |a: &usize, b: &usize| engine.path_rank[*a].cmp(&engine.path_rank[*b]);
            match self.sort {
                PathSort::Status => order.sort_by(|a, b| {
                    v.paths[*b]
                        .status
                        .cmp(&v.paths[*a].status)
                        .then(by_label(a, b))
                }),
                PathSort::Capacity => order.sort_by(|a, b| {
                    let fa = v.paths[*a].capacity.fraction_left();
                    let fb = v.paths[*b].capacity.fraction_left();
                    fa.total_cmp(&fb).then(by_label(a, b))
                }),
                PathSort::Name => order.sort_by(by_label),
            }
        }
        self.order = order;
        let cursor = current
            .and_then(|c| self.order.iter().position(|p| *p == c))
            .unwrap_or(0);
        self.list.select(cursor, self.order.len());
    }

    /// A new scenario's verdict: the order again, and, unless a detail is open,
    /// the worst paths from the top.
    pub fn on_verdict(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        self.reorder(engine, verdict);
        if self.detail.is_none() {
            self.list.reset();
        }
    }

    pub fn set_filter(&mut self, text: String, engine: &Engine, verdict: Option<&Verdict>) {
        self.filter = text;
        self.reorder(engine, verdict);
    }

    pub fn cycle_sort(&mut self, engine: &Engine, verdict: Option<&Verdict>) {
        self.sort = self.sort.next();
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

    /// `enter`: the selected path's detail, from its top.
    pub fn open_detail(&mut self) {
        if let Some(p) = self.selected() {
            self.detail = Some(p);
            self.detail_scroll.reset();
        }
    }

    /// Scrolls the open detail, a page being what it last showed.
    pub fn scroll_detail(&mut self, m: Move) {
        let page = self.detail_scroll.page() as isize;
        match m {
            Move::Up => self.detail_scroll.scroll_by(-1),
            Move::Down => self.detail_scroll.scroll_by(1),
            Move::PageUp => self.detail_scroll.scroll_by(-page),
            Move::PageDown => self.detail_scroll.scroll_by(page),
            Move::HalfPageUp => self.detail_scroll.scroll_by(-(page / 2).max(1)),
            Move::HalfPageDown => self.detail_scroll.scroll_by((page / 2).max(1)),
            Move::Top => self.detail_scroll.to_top(),
            Move::Bottom => self.detail_scroll.to_bottom(),
        }
    }
}
