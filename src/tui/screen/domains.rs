//! Fault domains: the tree, its grouping and filter, which nodes the user opened
//! or closed, and the cursor.

use std::collections::HashSet;

use crate::model::{Domain, ResIdx};
use crate::sim::LostDomains;
use crate::tui::engine::Engine;
use crate::tui::scroll::{ListScroll, Move};
use crate::tui::tree::{DomainTree, Grouping, NodeKey, RowKind, TreeFilter, TreeRow};

/// What a domain's row says besides its label: what losing it alone does (from the
/// matrix), and `LOST` when the scenario loses it.
pub fn domain_note(engine: &Engine, lost: Option<&LostDomains>, d: Domain) -> String {
    let impact = engine
        .column_of(d)
        .map(|c| engine.column_impact[c].describe())
        .unwrap_or_default();
    if lost.is_some_and(|l| l.contains(d)) {
        format!("lost {impact}")
    } else {
        impact
    }
}

pub struct DomainsScreen {
    pub filter: String,
    pub grouping: Grouping,
    /// Nodes the user opened or closed, against how they start.
    pub toggled: HashSet<NodeKey>,
    pub tree: Option<DomainTree>,
    pub list: ListScroll,
    /// How many times the tree was built (what a keystroke costs, for the tests).
    pub builds: u64,
}

impl Default for DomainsScreen {
    fn default() -> Self {
        DomainsScreen {
            filter: String::new(),
            grouping: Grouping::RegionAz,
            toggled: HashSet::new(),
            tree: None,
            list: ListScroll::default(),
            builds: 0,
        }
    }
}

impl DomainsScreen {
    /// Rows in the tree as it is open.
    pub fn len(&self) -> usize {
        self.tree.as_ref().map_or(0, |t| t.rows.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn selected(&self) -> Option<TreeRow> {
        self.tree
            .as_ref()
            .and_then(|t| t.rows.get(self.list.cursor()))
            .copied()
    }

    /// Whether the selected row is in the `global` pseudo-Region (entry points).
    pub fn selected_is_global(&self) -> bool {
        match (&self.tree, self.selected()) {
            (Some(t), Some(row)) => t.is_global(&row),
            _ => false,
        }
    }

    /// The AZ or Region of the selected row: what `space` loses.
    pub fn selected_domain(&self) -> Option<Domain> {
        self.selected().and_then(|r| r.domain)
    }

    /// A new estate: every node as it starts, the cursor on top.
    pub fn install(&mut self, engine: &Engine) {
        self.toggled.clear();
        self.list.reset();
        self.rebuild(engine, None);
    }

    /// Builds the tree again for the grouping and filter; `lost` is the scenario
    /// shown (a lost domain's row says `LOST`, which the filter matches too).
    pub fn rebuild(&mut self, engine: &Engine, lost: Option<&LostDomains>) {
        let text = self.filter.to_lowercase();
        let note = |d: Domain| domain_note(engine, lost, d);
        let filter = TreeFilter {
            text,
            resource_text: &engine.resource_text,
            domain_note: &note,
        };
        self.builds += 1;
        let mut tree = DomainTree::build(&engine.estate, &engine.topo, self.grouping, &filter);
        tree.flatten(&self.toggled, !filter.is_empty());
        self.tree = Some(tree);
        self.clamp();
    }

    pub fn set_filter(&mut self, text: String, engine: &Engine, lost: Option<&LostDomains>) {
        // Another filter is another tree: the row the cursor was on means nothing.
        if self.filter != text {
            self.list.reset();
        }
        self.filter = text;
        self.rebuild(engine, lost);
    }

    pub fn cycle_grouping(&mut self, engine: &Engine, lost: Option<&LostDomains>) {
        self.grouping = self.grouping.next();
        self.toggled.clear();
        self.list.reset();
        self.rebuild(engine, lost);
    }

    pub fn apply(&mut self, m: Move) {
        let len = self.len();
        self.list.apply(m, len);
    }

    pub fn select(&mut self, row: usize) {
        let len = self.len();
        self.list.select(row, len);
    }

    /// Puts the cursor on `d`'s row, under `account` when the tree is grouped by
    /// account; nothing when the tree does not show it (filtered out).
    pub fn select_domain(&mut self, d: Domain, account: Option<crate::model::AccountIdx>) {
        let find = |tree: &DomainTree| {
            tree.rows.iter().position(|r| {
                r.domain == Some(d)
                    && matches!(r.kind, RowKind::Az(_) | RowKind::Region(_))
                    && (account.is_none() || r.account.is_none() || r.account == account)
            })
        };
        if self.tree.as_ref().and_then(find).is_none() {
            // Closed above it: open its account (or service) and Region.
            let keys = (self.tree.as_ref()).map_or(Vec::new(), |t| t.ancestors_of(d, account));
            let filtering = !self.filter.is_empty();
            for key in keys {
                if !DomainTree::is_expanded(key, &self.toggled, filtering)
                    && !self.toggled.remove(&key)
                {
                    self.toggled.insert(key);
                }
            }
            self.reflatten();
        }
        if let Some(i) = self.tree.as_ref().and_then(find) {
            self.select(i);
        }
    }

    /// `enter`: expands or collapses the selected node.
    pub fn open(&mut self) {
        if let Some(row) = self.selected()
            && !matches!(row.kind, RowKind::Resource(_))
        {
            self.toggle_node(row.key);
        }
    }

    /// `h`: collapses the node, or goes to its parent.
    pub fn left(&mut self) {
        let Some(row) = self.selected() else { return };
        if row.expanded && !matches!(row.kind, RowKind::Resource(_)) {
            self.toggle_node(row.key);
            return;
        }
        let cursor = self.list.cursor();
        let parent = self
            .tree
            .as_ref()
            .and_then(|t| t.rows[..cursor].iter().rposition(|r| r.depth < row.depth));
        if let Some(parent) = parent {
            self.select(parent);
        }
    }

    /// Opens the tree down to a resource and selects it, clearing the filter or
    /// leaving the service grouping if that hides it.
    pub fn reveal(&mut self, res: ResIdx, engine: &Engine, lost: Option<&LostDomains>) {
        let mut path = self.tree.as_ref().and_then(|t| t.path_to(res));
        if path.is_none() && !self.filter.is_empty() {
            self.filter.clear();
            self.rebuild(engine, lost);
            path = self.tree.as_ref().and_then(|t| t.path_to(res));
        }
        if path.is_none() && self.grouping == Grouping::Service {
            self.grouping = Grouping::RegionAz;
            self.rebuild(engine, lost);
            path = self.tree.as_ref().and_then(|t| t.path_to(res));
        }
        let Some(path) = path else { return };
        let filtering = !self.filter.is_empty();
        for key in path {
            if !DomainTree::is_expanded(key, &self.toggled, filtering) && !self.toggled.remove(&key)
            {
                self.toggled.insert(key);
            }
        }
        self.reflatten();
        let row = self
            .tree
            .as_ref()
            .and_then(|t| t.rows.iter().position(|r| r.kind == RowKind::Resource(res)));
        if let Some(row) = row {
            self.select(row);
        }
    }

    fn toggle_node(&mut self, key: NodeKey) {
        if !self.toggled.remove(&key) {
            self.toggled.insert(key);
        }
        self.reflatten();
    }

    fn reflatten(&mut self) {
        let filtering = !self.filter.is_empty();
        if let Some(tree) = self.tree.as_mut() {
            tree.flatten(&self.toggled, filtering);
        }
        self.clamp();
    }

    /// Keeps the cursor on a row after the tree changed.
    fn clamp(&mut self) {
        let cursor = self.list.cursor();
        self.select(cursor);
    }
}
