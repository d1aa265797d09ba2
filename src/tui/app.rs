//! The app's shared state and `update`, the one place it changes. Each screen's
//! own state (order, filter, scroll) is in `screen/`; `update` dispatches to it.
//! The `:` commands are in `commands`.

mod load;
mod lost;

use std::collections::BTreeMap;
use std::sync::Arc;

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::discover::UnitState;
use crate::model::{Domain, Service};
use crate::sim::{LostDomains, Status, Verdict};

use super::action::{Action, Effect};
use super::commands;
use super::engine::Engine;
use super::keymap::{self, Command, Scope};
use super::screen::{
    DomainsScreen, FindingsScreen, GapsOverlay, HelpOverlay, MatrixScreen, PathsScreen,
    SnapshotPicker,
};
use super::scroll::Move;
use super::theme::Theme;
use super::view;

pub use super::screen::{PathSort, Screen};

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
    pub domains: DomainsScreen,
    pub paths: PathsScreen,
    pub matrix: MatrixScreen,
    pub findings: FindingsScreen,
    pub help: HelpOverlay,
    /// The coverage gaps popup (`:gaps`).
    pub gaps: GapsOverlay,
    /// The S3 snapshot picker (`:open s3://bucket/prefix/`).
    pub snapshots: SnapshotPicker,
    pub input: InputMode,
    pub input_text: String,
    pub flash: Option<Flash>,
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
            domains: DomainsScreen::default(),
            paths: PathsScreen::default(),
            matrix: MatrixScreen::default(),
            findings: FindingsScreen::default(),
            help: HelpOverlay::default(),
            gaps: GapsOverlay::default(),
            snapshots: SnapshotPicker::default(),
            input: InputMode::Normal,
            input_text: String::new(),
            flash: None,
            quit: false,
            loading: Some("loading the estate…".to_string()),
            live: false,
            scanning: false,
            scan_units: BTreeMap::new(),
            scan_notes: Vec::new(),
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
        match (self.screen, self.paths.detail) {
            (Screen::Paths, Some(_)) => Scope::Detail,
            (Screen::Domains, _) => Scope::Domains,
            (Screen::Paths, None) => Scope::Paths,
            (Screen::Matrix, _) => Scope::Matrix,
            (Screen::Findings, _) => Scope::Findings,
        }
    }

    /// The filter of the screen in use.
    pub fn filter(&self) -> &str {
        match self.screen {
            Screen::Domains => &self.domains.filter,
            Screen::Paths => &self.paths.filter,
            Screen::Matrix => &self.matrix.filter,
            Screen::Findings => &self.findings.filter,
        }
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
        if self.help.open {
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
        if self.snapshots.open {
            // The picker: enter opens, esc closes, the global keys move (and q quits).
            return match ev.code {
                KeyCode::Enter => Some(Action::Command(Command::Open)),
                _ => keymap::lookup(Scope::Global, &ev).map(Action::Command),
            };
        }
        keymap::lookup(self.scope(), &ev).map(Action::Command)
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
            Action::Loaded { generation, result } => self.on_loaded(generation, result),
            Action::Simulated {
                generation,
                verdict,
            } => {
                self.on_simulated(generation, verdict);
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
            Action::SnapshotsListed { prefix, result } => {
                match result {
                    Ok(listed) if listed.is_empty() => self.flash(
                        format!(
                            "no blastmap snapshot in {prefix}: `blastmap scan --out {prefix}` writes one"
                        ),
                        true,
                    ),
                    Ok(listed) => self.snapshots.show(prefix, listed),
                    Err(e) => self.flash(e, true),
                }
                Vec::new()
            }
        }
    }

    /// While the snapshot picker shows: move, open the one under the cursor, or close.
    fn on_picker_command(&mut self, c: Command) -> Vec<Effect> {
        if let Some(m) = Move::of(c) {
            self.snapshots.apply(m);
            return Vec::new();
        }
        match c {
            Command::Back => self.snapshots.open = false,
            Command::Open => {
                let Some(item) = self.snapshots.selected() else {
                    return Vec::new();
                };
                let path = std::path::PathBuf::from(&item.url);
                self.snapshots.open = false;
                self.flash(format!("opening {}…", path.display()), false);
                let generation = self.next_load();
                return vec![Effect::LoadSnapshot { path, generation }];
            }
            _ => {}
        }
        Vec::new()
    }

    fn on_command(&mut self, c: Command) -> Vec<Effect> {
        if c == Command::Quit {
            self.quit = true;
            return Vec::new();
        }
        if c == Command::Help {
            self.help.toggle();
            return Vec::new();
        }
        if self.help.open {
            self.help.apply(Move::of(c));
            return Vec::new();
        }
        if self.snapshots.open {
            return self.on_picker_command(c);
        }
        if self.gaps.open && c == Command::Back {
            self.gaps.open = false;
            return Vec::new();
        }
        if self.gaps.open
            && let Some(m) = Move::of(c)
        {
            self.gaps.apply(m);
            return Vec::new();
        }
        if c == Command::Rescan {
            return self.rescan();
        }
        let Some(engine) = self.engine.clone() else {
            self.flash(self.why_nothing_happens(), false);
            return Vec::new();
        };
        if let Some(m) = Move::of(c) {
            self.move_cursor(m);
            return Vec::new();
        }
        match c {
            Command::NextScreen => self.switch_to(Screen::ALL[(self.screen.index() + 1) % 4]),
            Command::PrevScreen => self.switch_to(Screen::ALL[(self.screen.index() + 3) % 4]),
            Command::Screen(n) => self.switch_to(Screen::ALL[n.min(3)]),
            Command::Left | Command::Right => self.on_left_right(c, &engine),
            Command::Open => return self.on_open(&engine),
            Command::Back => {
                if self.paths.detail.is_some() {
                    self.paths.detail = None;
                } else if !self.filter().is_empty() {
                    self.set_filter(String::new());
                }
            }
            Command::ToggleLoss => return self.toggle_loss(),
            Command::ClearLosses => return self.clear_losses(),
            Command::CycleGrouping => {
                self.domains.cycle_grouping(&engine);
                let label = self.domains.grouping.label();
                self.flash(format!("grouped by {label}"), false);
            }
            Command::CycleSort => {
                self.paths.cycle_sort(&engine, self.verdict.as_deref());
                let label = self.paths.sort.label();
                self.flash(format!("sorted by {label}"), false);
            }
            Command::Filter => {
                self.input = InputMode::Filter;
                self.input_text = self.filter().to_string();
            }
            Command::CommandMode => {
                self.input = InputMode::Command;
                self.input_text.clear();
            }
            // Handled above.
            Command::Quit | Command::Help | Command::Rescan => {}
            Command::Up
            | Command::Down
            | Command::PageUp
            | Command::PageDown
            | Command::Top
            | Command::Bottom => {}
        }
        Vec::new()
    }

    /// Why a key that needs an estate does nothing yet.
    fn why_nothing_happens(&self) -> &'static str {
        if self.scanning {
            "the scan is still running: the estate shows when it is done"
        } else if self.loading.is_some() && !self.live && self.load_generation == 0 {
            "still loading the estate"
        } else if self.live {
            "the scan failed: r scans again, q quits"
        } else {
            "no estate is loaded yet: :open FILE opens a snapshot"
        }
    }

    // ---- moving around ----

    fn move_cursor(&mut self, m: Move) {
        match self.screen {
            Screen::Paths if self.paths.detail.is_some() => self.paths.scroll_detail(m),
            Screen::Domains => self.domains.apply(m),
            Screen::Paths => self.paths.apply(m),
            Screen::Matrix => self.matrix.apply(m),
            Screen::Findings => self.findings.apply(m),
        }
    }

    /// Selects a row of the list in use.
    fn select_row(&mut self, row: usize) {
        match self.screen {
            Screen::Domains => self.domains.select(row),
            Screen::Paths => self.paths.select(row),
            Screen::Matrix => self.matrix.select(row),
            Screen::Findings => self.findings.select(row),
        }
    }

    pub(super) fn switch_to(&mut self, screen: Screen) {
        self.screen = screen;
        self.paths.detail = None;
    }

    fn on_left_right(&mut self, c: Command, engine: &Engine) {
        match self.screen {
            Screen::Matrix if c == Command::Left => self.matrix.left(),
            Screen::Matrix => self.matrix.right(engine.matrix.domains.len()),
            Screen::Domains if c == Command::Left => self.domains.left(),
            _ => {}
        }
    }

    fn on_open(&mut self, engine: &Engine) -> Vec<Effect> {
        match self.screen {
            Screen::Domains => self.domains.open(),
            Screen::Paths => self.paths.open_detail(),
            Screen::Matrix => {
                if let Some(d) = self.matrix.selected_domain(engine) {
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
                let finding = self.findings.selected(engine);
                if let Some(&res) = finding.and_then(|f| f.resources.first()) {
                    self.switch_to(Screen::Domains);
                    self.domains.reveal(res, engine);
                }
            }
        }
        Vec::new()
    }

    /// Sets the filter of the screen in use, and filters its list again.
    fn set_filter(&mut self, text: String) {
        // Filters are typed on a loaded estate only.
        let Some(engine) = self.engine.clone() else {
            return;
        };
        let verdict = self.verdict.as_deref();
        match self.screen {
            Screen::Domains => self.domains.set_filter(text, &engine),
            Screen::Paths => self.paths.set_filter(text, &engine, verdict),
            Screen::Matrix => self.matrix.set_filter(text, &engine, verdict),
            Screen::Findings => self.findings.set_filter(text, &engine),
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
        if self.engine.is_none() || self.help.open {
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
                    self.select_row(row);
                    if self.screen == Screen::Matrix
                        && let Some(col) = view::matrix::column_at(self, regions.body, m.column)
                    {
                        self.matrix.col = col;
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
