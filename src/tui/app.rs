//! The app's state and `update`, the one place it changes.

mod lost;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::discover::{ScanEvent, UnitState};
use crate::model::{Domain, ResIdx, Service};
use crate::sim::{LostDomains, Status, Verdict};

use super::action::{Action, Effect};
use super::commands;
use super::engine::{Engine, Loaded};
use super::keymap::{self, Command, Scope};
use super::scroll::{ListScroll, Move, TextScroll};
use super::theme::Theme;
use super::tree::{DomainTree, Grouping, NodeKey, RowKind};
use super::view;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Domains,
    Paths,
    Matrix,
    Findings,
}

impl Screen {
    pub const ALL: [Screen; 4] = [
        Screen::Domains,
        Screen::Paths,
        Screen::Matrix,
        Screen::Findings,
    ];

    pub fn index(self) -> usize {
        Screen::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    pub fn title(self) -> &'static str {
        match self {
            Screen::Domains => "Fault domains",
            Screen::Paths => "Paths",
            Screen::Matrix => "Matrix",
            Screen::Findings => "Findings",
        }
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputMode {
    Normal,
    Filter,
    Command,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub error: bool,
    /// Ticks (quarter seconds) before it fades.
    pub ticks_left: u8,
}

const FLASH_TICKS: u8 = 12;

pub struct App {
    pub theme: Theme,
    pub area: Rect,
    pub engine: Option<Arc<Engine>>,
    pub verdict: Option<Arc<Verdict>>,
    /// The domains lost, by the engine's rules; `None` until an estate is loaded.
    pub lost: Option<LostDomains>,
    pub generation: u64,
    pub simulating: bool,
    pub screen: Screen,
    /// The path whose detail is open (index into the topology's paths).
    pub detail: Option<usize>,
    pub detail_scroll: TextScroll,
    pub grouping: Grouping,
    pub toggled: HashSet<NodeKey>,
    pub tree: Option<DomainTree>,
    pub domains: ListScroll,
    pub sort: PathSort,
    pub path_order: Vec<usize>,
    pub paths: ListScroll,
    pub matrix_order: Vec<usize>,
    pub matrix: ListScroll,
    pub matrix_col: usize,
    pub finding_order: Vec<usize>,
    pub findings: ListScroll,
    pub filters: [String; 4],
    pub input: InputMode,
    pub input_text: String,
    pub flash: Option<Flash>,
    pub help: bool,
    pub help_scroll: TextScroll,
    pub quit: bool,
    /// What is loading (or why loading failed) while there is no estate.
    pub loading: Option<String>,
    /// The estate comes from a live scan and can be rescanned.
    pub live: bool,
    /// A live scan is under way.
    pub scanning: bool,
    /// Progress of the scan: each (account, Region)'s services.
    pub scan_units: BTreeMap<(String, String), BTreeMap<Service, UnitState>>,
    /// The scan's notes, newest last.
    pub scan_notes: Vec<String>,
    /// The coverage gaps popup (`:gaps`).
    pub gaps: bool,
    /// The first gap shown in it (one line per gap).
    pub gaps_scroll: TextScroll,
    /// The latest load asked for (the first, from the command line, is 0): older
    /// results are dropped.
    pub load_generation: u64,
    /// The load that is a live scan under way, if any.
    pub scan_generation: Option<u64>,
    /// Why the TUI had to stop (the estate from the command line could not be read).
    pub fatal: Option<String>,
}

impl App {
    pub fn new(theme: Theme, area: Rect) -> App {
        App {
            theme,
            area,
            engine: None,
            verdict: None,
            lost: None,
            generation: 0,
            simulating: false,
            screen: Screen::Domains,
            detail: None,
            detail_scroll: TextScroll::default(),
            grouping: Grouping::RegionAz,
            toggled: HashSet::new(),
            tree: None,
            domains: ListScroll::default(),
            sort: PathSort::Status,
            path_order: Vec::new(),
            paths: ListScroll::default(),
            matrix_order: Vec::new(),
            matrix: ListScroll::default(),
            matrix_col: 0,
            finding_order: Vec::new(),
            findings: ListScroll::default(),
            filters: Default::default(),
            input: InputMode::Normal,
            input_text: String::new(),
            flash: None,
            help: false,
            help_scroll: TextScroll::default(),
            quit: false,
            loading: Some("loading the estate…".to_string()),
            live: false,
            scanning: false,
            scan_units: BTreeMap::new(),
            scan_notes: Vec::new(),
            gaps: false,
            gaps_scroll: TextScroll::default(),
            load_generation: 0,
            scan_generation: None,
            fatal: None,
        }
    }

    /// An app that starts by scanning live.
    pub fn live(theme: Theme, area: Rect) -> App {
        let mut app = App::new(theme, area);
        app.live = true;
        app.scanning = true;
        app.scan_generation = Some(0);
        app.loading = Some("scanning AWS (read-only)…".to_string());
        app
    }

    /// Units of the scan done, and in all.
    pub fn scan_counts(&self) -> (usize, usize) {
        let all = self.scan_units.values().flat_map(|m| m.values());
        let (mut done, mut total) = (0, 0);
        for s in all {
            total += 1;
            if s.is_done() {
                done += 1;
            }
        }
        (done, total)
    }

    pub fn scope(&self) -> Scope {
        match (self.screen, self.detail) {
            (Screen::Paths, Some(_)) => Scope::Detail,
            (Screen::Domains, _) => Scope::Domains,
            (Screen::Paths, None) => Scope::Paths,
            (Screen::Matrix, _) => Scope::Matrix,
            (Screen::Findings, _) => Scope::Findings,
        }
    }

    pub fn filter(&self) -> &str {
        &self.filters[self.screen.index()]
    }

    /// Whether the verdict shown has the domain lost (directly or with its Region).
    pub fn is_lost(&self, d: Domain) -> bool {
        self.verdict.as_ref().is_some_and(|v| v.lost.contains(d))
    }

    pub(super) fn flash(&mut self, text: impl Into<String>, error: bool) {
        self.flash = Some(Flash {
            text: text.into(),
            error,
            ticks_left: FLASH_TICKS,
        });
    }

    /// The key's action, given the input mode.
    pub fn on_key(&self, ev: KeyEvent) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        if ev.modifiers.contains(KeyModifiers::CONTROL) && ev.code == KeyCode::Char('c') {
            return Some(Action::Command(Command::Quit));
        }
        if self.input != InputMode::Normal {
            return Some(Action::Key(ev));
        }
        if self.help {
            if matches!(
                ev.code,
                KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q')
            ) {
                return Some(Action::Command(Command::Help));
            }
            // Only scrolling works under the help.
            return keymap::lookup(Scope::Global, &ev)
                .filter(|c| Move::of(*c).is_some())
                .map(Action::Command);
        }
        keymap::lookup(self.scope(), &ev).map(Action::Command)
    }

    // ---- loading and scenarios ----

    fn install(&mut self, loaded: Loaded) {
        self.lost = Some(LostDomains::none(&loaded.engine.estate));
        self.engine = Some(loaded.engine);
        self.verdict = Some(loaded.baseline);
        self.generation += 1;
        self.simulating = false;
        self.detail = None;
        self.toggled.clear();
        self.loading = None;
        self.domains.reset();
        self.paths.reset();
        self.matrix.reset();
        self.findings.reset();
        self.matrix_col = 0;
        self.rebuild_tree();
        self.reorder_all();
    }

    // ---- ordering and filtering ----

    fn reorder_all(&mut self) {
        self.reorder_paths();
        self.reorder_matrix();
        self.reorder_findings();
    }

    fn path_matches(&self, engine: &Engine, p: usize, filter: &str) -> bool {
        if filter.is_empty() {
            return true;
        }
        let status = self.verdict.as_ref().map(|v| v.paths[p].status.as_str());
        engine.path_text[p].contains(filter) || status == Some(filter)
    }

    fn reorder_paths(&mut self) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let keep = self.paths.cursor();
        let current = self.path_order.get(keep).copied();
        let filter = self.filters[Screen::Paths.index()].to_lowercase();
        let mut order: Vec<usize> = (0..engine.topo.paths().len())
            .filter(|&p| self.path_matches(&engine, p, &filter))
            .collect();
        if let Some(v) = &self.verdict {
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
        self.path_order = order;
        let cursor = current
            .and_then(|c| self.path_order.iter().position(|p| *p == c))
            .unwrap_or(0);
        self.paths.select(cursor, self.path_order.len());
    }

    fn reorder_matrix(&mut self) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let filter = self.filters[Screen::Matrix.index()].to_lowercase();
        self.matrix_order = (0..engine.topo.paths().len())
            .filter(|&p| self.path_matches(&engine, p, &filter))
            .collect();
        let cursor = self.matrix.cursor();
        self.matrix.select(cursor, self.matrix_order.len());
    }

    fn reorder_findings(&mut self) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let filter = self.filters[Screen::Findings.index()].to_lowercase();
        self.finding_order = engine
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
        let cursor = self.findings.cursor();
        self.findings.select(cursor, self.finding_order.len());
    }

    fn rebuild_tree(&mut self) {
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let filter = self.filters[Screen::Domains.index()].to_lowercase();
        let e = &engine.estate;
        let keep = |r: ResIdx| {
            if filter.is_empty() {
                return true;
            }
            let res = e.resource(r);
            res.name.to_lowercase().contains(&filter)
                || res.id.to_lowercase().contains(&filter)
                || res.kind().key().contains(&filter)
                || res.tags.iter().any(|(k, v)| {
                    k.to_lowercase().contains(&filter) || v.to_lowercase().contains(&filter)
                })
        };
        let mut tree = DomainTree::build(e, &engine.topo, self.grouping, &keep);
        tree.flatten(&self.toggled, !filter.is_empty());
        self.tree = Some(tree);
        self.clamp_domains();
    }

    fn reflatten(&mut self) {
        let filtering = !self.filters[Screen::Domains.index()].is_empty();
        if let Some(tree) = self.tree.as_mut() {
            tree.flatten(&self.toggled, filtering);
        }
        self.clamp_domains();
    }

    fn clamp_domains(&mut self) {
        let len = self.tree.as_ref().map_or(0, |t| t.rows.len());
        let cursor = self.domains.cursor();
        self.domains.select(cursor, len);
    }

    /// Opens the tree down to a resource and selects it.
    fn reveal(&mut self, res: ResIdx) {
        let mut path = self.tree.as_ref().and_then(|t| t.path_to(res));
        if path.is_none() && !self.filters[0].is_empty() {
            self.filters[0].clear();
            self.rebuild_tree();
            path = self.tree.as_ref().and_then(|t| t.path_to(res));
        }
        if path.is_none() && self.grouping == Grouping::Service {
            self.grouping = Grouping::RegionAz;
            self.rebuild_tree();
            path = self.tree.as_ref().and_then(|t| t.path_to(res));
        }
        let Some(path) = path else { return };
        let filtering = !self.filters[0].is_empty();
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
            let len = self.tree.as_ref().map_or(0, |t| t.rows.len());
            self.domains.select(row, len);
        }
    }

    // ---- moving around ----

    fn list_len(&self) -> usize {
        match self.screen {
            Screen::Domains => self.tree.as_ref().map_or(0, |t| t.rows.len()),
            Screen::Paths => self.path_order.len(),
            Screen::Matrix => self.matrix_order.len(),
            Screen::Findings => self.finding_order.len(),
        }
    }

    fn list_mut(&mut self) -> &mut ListScroll {
        match self.screen {
            Screen::Domains => &mut self.domains,
            Screen::Paths => &mut self.paths,
            Screen::Matrix => &mut self.matrix,
            Screen::Findings => &mut self.findings,
        }
    }

    fn move_cursor(&mut self, m: Move) {
        if self.detail.is_some() && self.screen == Screen::Paths {
            // A page is what the detail last showed.
            let page = self.detail_scroll.page() as isize;
            match m {
                Move::Up => self.detail_scroll.scroll_by(-1),
                Move::Down => self.detail_scroll.scroll_by(1),
                Move::PageUp => self.detail_scroll.scroll_by(-page),
                Move::PageDown => self.detail_scroll.scroll_by(page),
                Move::Top => self.detail_scroll.to_top(),
                Move::Bottom => self.detail_scroll.to_bottom(),
            }
            return;
        }
        let len = self.list_len();
        self.list_mut().apply(m, len);
    }

    pub(super) fn switch_to(&mut self, screen: Screen) {
        self.screen = screen;
        self.detail = None;
    }

    // ---- update ----

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Key(ev) => self.on_input_key(ev),
            Action::Command(c) => self.on_command(c),
            Action::Mouse(m) => self.on_mouse(m),
            Action::Resize(w, h) => {
                // The views fit their lists to the new size as they draw.
                self.area = Rect::new(0, 0, w, h);
                Vec::new()
            }
            Action::Tick => {
                if let Some(f) = self.flash.as_mut() {
                    f.ticks_left = f.ticks_left.saturating_sub(1);
                    if f.ticks_left == 0 {
                        self.flash = None;
                    }
                }
                Vec::new()
            }
            Action::Loaded { generation, .. } if generation != self.load_generation => {
                // Superseded (a :open after a rescan started, or the other way round).
                if self.scan_generation == Some(generation) {
                    self.scanning = false;
                    self.scan_generation = None;
                }
                Vec::new()
            }
            Action::Loaded {
                result: Ok(loaded), ..
            } => {
                // A rescan keeps the scenario: the same domains, by name, lost again.
                let lost_names: Vec<String> = match &self.engine {
                    Some(old) => self
                        .lost_domains()
                        .iter()
                        .map(|d| old.estate.domain_name(*d).to_string())
                        .collect(),
                    None => Vec::new(),
                };
                let origin = loaded.engine.origin_label();
                self.scanning = false;
                self.scan_generation = None;
                self.install(*loaded);
                self.flash(format!("loaded {origin}"), false);
                let Some(engine) = self.engine.clone() else {
                    return Vec::new();
                };
                let lost: Vec<Domain> = lost_names
                    .iter()
                    .filter_map(|n| engine.estate.parse_domain(n).ok())
                    .collect();
                if lost.is_empty() {
                    Vec::new()
                } else {
                    self.set_lost(LostDomains::new(&engine.estate, &lost))
                }
            }
            Action::Loaded {
                result: Err(message),
                generation,
            } => {
                self.scanning = false;
                self.scan_generation = None;
                if self.engine.is_none() && !self.live && generation == 0 {
                    // The estate asked for on the command line cannot be read:
                    // say so on the terminal, not in an empty TUI.
                    self.fatal = Some(message);
                    self.quit = true;
                    return Vec::new();
                }
                if self.engine.is_none() {
                    self.loading = Some(message.clone());
                }
                self.flash(first_line(&message), true);
                Vec::new()
            }
            Action::Simulated {
                generation,
                verdict,
            } => {
                if generation == self.generation {
                    self.verdict = Some(verdict);
                    self.simulating = false;
                    self.reorder_paths();
                    if self.detail.is_none() {
                        // A new scenario: show the worst paths first, from the top.
                        self.paths.reset();
                    }
                    self.reorder_matrix();
                }
                Vec::new()
            }
            Action::Scan(ev) => {
                self.on_scan_event(ev);
                Vec::new()
            }
            Action::Flash { text, error } => {
                self.flash(text, error);
                Vec::new()
            }
        }
    }

    fn on_command(&mut self, c: Command) -> Vec<Effect> {
        if c == Command::Quit {
            self.quit = true;
            return Vec::new();
        }
        if c == Command::Help {
            self.help = !self.help;
            self.help_scroll.reset();
            return Vec::new();
        }
        if self.help {
            // A fixed page: the help is short, and ten lines keep the reader's place.
            match Move::of(c) {
                Some(Move::Up) => self.help_scroll.scroll_by(-1),
                Some(Move::Down) => self.help_scroll.scroll_by(1),
                Some(Move::PageUp) => self.help_scroll.scroll_by(-10),
                Some(Move::PageDown) => self.help_scroll.scroll_by(10),
                Some(Move::Bottom) => self.help_scroll.to_bottom(),
                Some(Move::Top) | None => self.help_scroll.to_top(),
            }
            return Vec::new();
        }
        if self.gaps && c == Command::Back {
            self.gaps = false;
            return Vec::new();
        }
        if self.gaps
            && let Some(m) = Move::of(c)
        {
            // A page keeps the last gap of the page before in view.
            let page = self.gaps_scroll.page().saturating_sub(1).max(1) as isize;
            match m {
                Move::Up => self.gaps_scroll.scroll_by(-1),
                Move::Down => self.gaps_scroll.scroll_by(1),
                Move::PageUp => self.gaps_scroll.scroll_by(-page),
                Move::PageDown => self.gaps_scroll.scroll_by(page),
                Move::Top => self.gaps_scroll.to_top(),
                Move::Bottom => self.gaps_scroll.to_bottom(),
            }
            return Vec::new();
        }
        if c == Command::Rescan {
            return self.rescan();
        }
        if self.engine.is_none() {
            let why = if self.scanning {
                "the scan is still running: the estate shows when it is done"
            } else if self.loading.is_some() && !self.live && self.load_generation == 0 {
                "still loading the estate"
            } else if self.live {
                "the scan failed: r scans again, q quits"
            } else {
                "no estate is loaded yet: :open FILE opens a snapshot"
            };
            self.flash(why, false);
            return Vec::new();
        }
        match c {
            Command::NextScreen => self.switch_to(Screen::ALL[(self.screen.index() + 1) % 4]),
            Command::PrevScreen => self.switch_to(Screen::ALL[(self.screen.index() + 3) % 4]),
            Command::Screen(n) => self.switch_to(Screen::ALL[n.min(3)]),
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom => {
                if let Some(m) = Move::of(c) {
                    self.move_cursor(m);
                }
            }
            Command::Left | Command::Right => self.on_left_right(c),
            Command::Open => return self.on_open(),
            Command::Back => {
                if self.detail.is_some() {
                    self.detail = None;
                } else if !self.filter().is_empty() {
                    self.set_filter(String::new());
                }
            }
            Command::ToggleLoss => return self.toggle_loss(),
            Command::ClearLosses => return self.clear_losses(),
            Command::CycleGrouping => {
                self.grouping = self.grouping.next();
                self.toggled.clear();
                self.domains.reset();
                self.rebuild_tree();
                self.flash(format!("grouped by {}", self.grouping.label()), false);
            }
            Command::CycleSort => {
                self.sort = self.sort.next();
                self.reorder_paths();
                self.flash(format!("sorted by {}", self.sort.label()), false);
            }
            Command::Filter => {
                self.input = InputMode::Filter;
                self.input_text = self.filter().to_string();
            }
            Command::CommandMode => {
                self.input = InputMode::Command;
                self.input_text.clear();
            }
            Command::Quit | Command::Help | Command::Rescan => {}
        }
        Vec::new()
    }

    pub(super) fn rescan(&mut self) -> Vec<Effect> {
        if !self.live {
            self.flash(
                "r rescans live estates only (start blastmap with AWS flags)",
                true,
            );
            return Vec::new();
        }
        if self.scanning {
            self.flash("a scan is already under way", false);
            return Vec::new();
        }
        self.scanning = true;
        self.scan_units.clear();
        self.scan_notes.clear();
        if self.engine.is_none() {
            self.loading = Some("scanning AWS (read-only)…".to_string());
        }
        let generation = self.next_load();
        self.scan_generation = Some(generation);
        vec![Effect::Rescan { generation }]
    }

    /// A new load (snapshot or scan) supersedes every earlier one.
    pub(super) fn next_load(&mut self) -> u64 {
        self.load_generation += 1;
        self.load_generation
    }

    fn on_scan_event(&mut self, ev: ScanEvent) {
        match ev {
            ScanEvent::Unit {
                account,
                region,
                service,
                state,
            } => {
                self.scan_units
                    .entry((account, region))
                    .or_default()
                    .insert(service, state);
            }
            ScanEvent::Note(text) => self.scan_notes.push(text),
        }
    }

    fn on_left_right(&mut self, c: Command) {
        match self.screen {
            Screen::Matrix => {
                let n = self.engine.as_ref().map_or(0, |e| e.matrix.domains.len());
                if c == Command::Left {
                    self.matrix_col = self.matrix_col.saturating_sub(1);
                } else if n > 0 {
                    self.matrix_col = (self.matrix_col + 1).min(n - 1);
                }
            }
            Screen::Domains if c == Command::Left => {
                // Collapse the node, or go to its parent.
                let Some(tree) = &self.tree else { return };
                let Some(row) = tree.rows.get(self.domains.cursor()).copied() else {
                    return;
                };
                if row.expanded && !matches!(row.kind, RowKind::Resource(_)) {
                    self.toggle_node(row.key);
                } else if let Some(parent) = tree.rows[..self.domains.cursor()]
                    .iter()
                    .rposition(|r| r.depth < row.depth)
                {
                    let len = self.list_len();
                    self.domains.select(parent, len);
                }
            }
            _ => {}
        }
    }

    fn toggle_node(&mut self, key: NodeKey) {
        if !self.toggled.remove(&key) {
            self.toggled.insert(key);
        }
        self.reflatten();
    }

    fn on_open(&mut self) -> Vec<Effect> {
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        match self.screen {
            Screen::Domains => {
                let row = self
                    .tree
                    .as_ref()
                    .and_then(|t| t.rows.get(self.domains.cursor()))
                    .copied();
                if let Some(row) = row
                    && !matches!(row.kind, RowKind::Resource(_))
                {
                    self.toggle_node(row.key);
                }
            }
            Screen::Paths => {
                if let Some(&p) = self.path_order.get(self.paths.cursor()) {
                    self.detail = Some(p);
                    self.detail_scroll.reset();
                }
            }
            Screen::Matrix => {
                if let Some(&d) = engine.matrix.domains.get(self.matrix_col) {
                    self.flash(
                        format!("applied: lose {}", engine.estate.domain_name(d)),
                        false,
                    );
                    let mut lost = LostDomains::none(&engine.estate);
                    lost.lose(d);
                    return self.set_lost(lost);
                }
            }
            Screen::Findings => {
                let finding = self
                    .finding_order
                    .get(self.findings.cursor())
                    .map(|&f| &engine.findings()[f]);
                if let Some(&res) = finding.and_then(|f| f.resources.first()) {
                    self.switch_to(Screen::Domains);
                    self.reveal(res);
                }
            }
        }
        Vec::new()
    }

    fn set_filter(&mut self, text: String) {
        let i = self.screen.index();
        self.filters[i] = text;
        match self.screen {
            Screen::Domains => self.rebuild_tree(),
            Screen::Paths => self.reorder_paths(),
            Screen::Matrix => self.reorder_matrix(),
            Screen::Findings => self.reorder_findings(),
        }
    }

    fn on_input_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        match ev.code {
            KeyCode::Esc => {
                if self.input == InputMode::Filter {
                    self.set_filter(String::new());
                }
                self.input = InputMode::Normal;
            }
            KeyCode::Enter => {
                let mode = self.input;
                self.input = InputMode::Normal;
                if mode == InputMode::Command {
                    let text = std::mem::take(&mut self.input_text);
                    return commands::run(self, &text);
                }
            }
            KeyCode::Backspace => {
                if self.input_text.pop().is_none() && self.input == InputMode::Command {
                    self.input = InputMode::Normal;
                }
                if self.input == InputMode::Filter {
                    self.set_filter(self.input_text.clone());
                }
            }
            KeyCode::Char(c) => {
                self.input_text.push(c);
                if self.input == InputMode::Filter {
                    self.set_filter(self.input_text.clone());
                }
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_mouse(&mut self, m: MouseEvent) -> Vec<Effect> {
        if self.engine.is_none() || self.help {
            return Vec::new();
        }
        let regions = view::Regions::of(self.area);
        match m.kind {
            MouseEventKind::ScrollDown => self.move_cursor(Move::Down),
            MouseEventKind::ScrollUp => self.move_cursor(Move::Up),
            MouseEventKind::Down(MouseButton::Left) => {
                if let Some(screen) = view::header::tab_at(&regions, m.column, m.row) {
                    self.switch_to(screen);
                } else if let Some(row) = view::row_at(self, &regions, m.column, m.row) {
                    let len = self.list_len();
                    self.list_mut().select(row, len);
                    if self.screen == Screen::Matrix
                        && let Some(col) = view::matrix::column_at(self, regions.body, m.column)
                    {
                        self.matrix_col = col;
                    }
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Paths by status, for the header summary: (ok, degraded, down).
    pub fn counts(&self) -> Option<(usize, usize, usize)> {
        self.verdict.as_ref().map(|v| v.counts())
    }

    pub fn path_status(&self, p: usize) -> Status {
        self.verdict
            .as_ref()
            .map_or(Status::Ok, |v| v.paths[p].status)
    }
}

/// The first line of a message, for the flash line.
pub(super) fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or(s).to_string()
}
