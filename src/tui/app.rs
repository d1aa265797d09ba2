//! The app's shared state and `update`, the one place it changes. Each screen's
//! own state (order, filter, scroll) is in `screen/`; `update` dispatches to it.
//! The `:` commands are in `commands`.

mod load;
mod lost;

pub use lost::HISTORY;

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
    BackupsScreen, DomainsScreen, FindingsScreen, GapsOverlay, HelpOverlay, MatrixScreen,
    PathsScreen, RunbookOverlay, SnapshotPicker,
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

/// Ticks the header's summary stands out after the scenario changed.
pub const SUMMARY_FLASH_TICKS: u8 = 8;

/// `tab` in the command line: the word being completed and the choices, cycled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The line before the word.
    pub stem: String,
    pub options: Vec<String>,
    /// The option the next `tab` puts in.
    pub next: usize,
}

/// The longest filter or command line, in bytes: a path is at most 4,096 bytes on
/// Linux, and a longer paste is a mistake that would cost every keystroke.
pub const MAX_INPUT: usize = 4096;

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
    pub backups: BackupsScreen,
    pub help: HelpOverlay,
    /// The coverage gaps popup (`:gaps`).
    pub gaps: GapsOverlay,
    /// What to do now for the domains lost (`R`, `:runbook`).
    pub runbook: RunbookOverlay,
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
    /// The scan in numbers (accounts done, calls a second, gaps, time left).
    pub scan_progress: Option<crate::discover::ScanCounts>,
    /// The latest load asked for (the first, from the command line, is 0): older
    /// results are dropped.
    pub load_generation: u64,
    /// The load that is a live scan under way, if any.
    pub scan_generation: Option<u64>,
    /// Why the TUI had to stop (the estate from the command line could not be read).
    pub fatal: Option<String>,
    /// A `:open` under way: its load and the file, until it lands (`esc` stops it).
    pub opening: Option<(u64, std::path::PathBuf)>,
    /// The lost sets before each change, newest last, for `u`.
    pub history: Vec<LostDomains>,
    /// The change whose simulation is under way, to announce with its answer.
    pub change: Option<String>,
    /// Ticks the header's summary stands out for, after the scenario changed.
    pub summary_flash: u8,
    /// `tab` completion under way in the command line.
    pub completion: Option<Completion>,
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
            backups: BackupsScreen::default(),
            help: HelpOverlay::default(),
            gaps: GapsOverlay::default(),
            runbook: RunbookOverlay::default(),
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
            scan_progress: None,
            load_generation: 0,
            scan_generation: None,
            fatal: None,
            opening: None,
            history: Vec::new(),
            change: None,
            summary_flash: 0,
            completion: None,
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
            (Screen::Backups, _) => Scope::Backups,
        }
    }

    /// The filter of the screen in use.
    pub fn filter(&self) -> &str {
        match self.screen {
            Screen::Domains => &self.domains.filter,
            Screen::Paths => &self.paths.filter,
            Screen::Matrix => &self.matrix.filter,
            Screen::Findings => &self.findings.filter,
            Screen::Backups => &self.backups.filter,
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
            Action::Paste(text) => {
                self.on_paste(&text);
                Vec::new()
            }
            Action::Command(c) => self.on_command(c),
            Action::Mouse(m) => self.on_mouse(m),
            Action::Resize(w, h) => {
                // The views fit their lists to the new size as they draw.
                self.area = Rect::new(0, 0, w, h);
                Vec::new()
            }
            Action::Tick => {
                self.summary_flash = self.summary_flash.saturating_sub(1);
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
            Action::Explained { domain, verdict } => {
                // Only the loss still selected: the user may have moved on.
                let engine = self.engine.clone();
                if engine.is_some_and(|e| self.matrix.selected_domain(&e) == Some(domain)) {
                    self.matrix.explained = Some((domain, verdict));
                }
                Vec::new()
            }
            Action::RunbookReady(text) => {
                self.runbook.show(&text);
                Vec::new()
            }
            Action::BriefReady(text) => {
                let lines = text.lines().count();
                self.flash(
                    format!(
                        "copied the brief ({lines} lines) through the terminal (OSC 52); if nothing was copied, the terminal refuses it: :brief FILE writes it to a file"
                    ),
                    false,
                );
                vec![Effect::Clipboard(text)]
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
        if self.runbook.open && c == Command::Back {
            self.runbook.open = false;
            return Vec::new();
        }
        if self.runbook.open
            && let Some(m) = Move::of(c)
        {
            self.runbook.apply(m);
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
            return self.explain_effects(&engine);
        }
        match c {
            Command::NextScreen => {
                let n = Screen::ALL.len();
                self.switch_to(Screen::ALL[(self.screen.index() + 1) % n])
            }
            Command::PrevScreen => {
                let n = Screen::ALL.len();
                self.switch_to(Screen::ALL[(self.screen.index() + n - 1) % n])
            }
            Command::Screen(n) => self.switch_to(Screen::ALL[n.min(Screen::ALL.len() - 1)]),
            Command::Left | Command::Right => return self.on_left_right(c, &engine),
            Command::Open => return self.on_open(&engine),
            Command::Back => {
                if let Some((_, path)) = self.opening.take() {
                    // The read goes on in the background; its result is dropped.
                    self.next_load();
                    self.flash(format!("stopped opening {}", path.display()), false);
                } else if self.paths.detail.is_some() {
                    self.paths.detail = None;
                } else if !self.filter().is_empty() {
                    self.set_filter(String::new());
                }
            }
            Command::ToggleLoss => return self.toggle_loss(),
            Command::Apply => return self.apply_column(),
            Command::Undo => return self.undo(),
            Command::Runbook => return self.open_runbook(),
            Command::ClearLosses => return self.clear_losses(),
            Command::CycleGrouping => {
                let lost = self.verdict.as_ref().map(|v| v.lost.clone());
                self.domains.cycle_grouping(&engine, lost.as_ref());
                let label = self.domains.grouping.label();
                self.flash(format!("grouped by {label}"), false);
            }
            Command::CycleSort if self.screen == Screen::Matrix => {
                self.matrix.cycle_column_order(&engine);
                let label = self.matrix.column_order.label();
                self.flash(format!("columns {label}"), false);
                return self.explain_effects(&engine);
            }
            Command::CycleSort if self.screen == Screen::Backups => {
                self.backups.cycle_sort(&engine);
                let label = self.backups.sort.label();
                self.flash(format!("sorted by {label}"), false);
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
            | Command::HalfPageUp
            | Command::HalfPageDown
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
        // A list not drawn yet (a screen switched to in the same burst of keys)
        // pages by the body's height, not by a row.
        let rows = usize::from(self.area.height.saturating_sub(6)).max(1);
        for list in [
            &self.domains.list,
            &self.paths.list,
            &self.matrix.list,
            &self.findings.list,
            &self.backups.list,
        ] {
            list.hint_height(rows);
        }
        match self.screen {
            Screen::Paths if self.paths.detail.is_some() => self.paths.scroll_detail(m),
            Screen::Domains => self.domains.apply(m),
            Screen::Paths => self.paths.apply(m),
            Screen::Matrix => self.matrix.apply(m),
            Screen::Findings => self.findings.apply(m),
            Screen::Backups => self.backups.apply(m),
        }
    }

    /// Selects a row of the list in use.
    fn select_row(&mut self, row: usize) {
        match self.screen {
            Screen::Domains => self.domains.select(row),
            Screen::Paths => self.paths.select(row),
            Screen::Matrix => self.matrix.select(row),
            Screen::Findings => self.findings.select(row),
            Screen::Backups => self.backups.select(row),
        }
    }

    pub(super) fn switch_to(&mut self, screen: Screen) {
        self.screen = screen;
        self.paths.detail = None;
    }

    fn on_left_right(&mut self, c: Command, engine: &Engine) -> Vec<Effect> {
        match self.screen {
            Screen::Matrix if c == Command::Left => self.matrix.left(),
            Screen::Matrix => self.matrix.right(),
            Screen::Domains if c == Command::Left => self.domains.left(),
            _ => {}
        }
        self.explain_effects(engine)
    }

    /// The simulation an open matrix explanation needs for the selected column.
    pub(super) fn explain_effects(&mut self, engine: &Engine) -> Vec<Effect> {
        match self.matrix.explanation_wanted(engine) {
            Some(domain) if self.screen == Screen::Matrix => vec![Effect::Explain { domain }],
            _ => Vec::new(),
        }
    }

    fn on_open(&mut self, engine: &Engine) -> Vec<Effect> {
        match self.screen {
            Screen::Domains => self.domains.open(),
            Screen::Paths => self.paths.open_detail(),
            Screen::Matrix => {
                // Explained in place; `a` applies.
                self.matrix.explain = !self.matrix.explain;
                return self.explain_effects(engine);
            }
            Screen::Findings => {
                let finding = self.findings.selected(engine);
                if let Some(&res) = finding.and_then(|f| f.resources.first()) {
                    self.switch_to(Screen::Domains);
                    let lost = self.verdict.as_ref().map(|v| v.lost.clone());
                    self.domains.reveal(res, engine, lost.as_ref());
                }
            }
            Screen::Backups => {
                let data = self.backups.selected(engine);
                if let Some(res) = data.and_then(|d| engine.estate.find(&d.id)) {
                    self.switch_to(Screen::Domains);
                    let lost = self.verdict.as_ref().map(|v| v.lost.clone());
                    self.domains.reveal(res, engine, lost.as_ref());
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
            Screen::Domains => {
                let lost = self.verdict.as_ref().map(|v| &v.lost);
                self.domains.set_filter(text, &engine, lost)
            }
            Screen::Paths => self.paths.set_filter(text, &engine, verdict),
            Screen::Matrix => self.matrix.set_filter(text, &engine, verdict),
            Screen::Findings => self.findings.set_filter(text, &engine),
            Screen::Backups => self.backups.set_filter(text, &engine),
        }
    }

    fn on_input_key(&mut self, ev: KeyEvent) -> Vec<Effect> {
        let tab = matches!(ev.code, KeyCode::Tab | KeyCode::BackTab);
        if !tab {
            self.completion = None;
        }
        match ev.code {
            KeyCode::Tab | KeyCode::BackTab if self.input == InputMode::Command => {
                commands::complete(self, ev.code == KeyCode::BackTab);
            }
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
            KeyCode::Char(c) => self.on_paste(&c.to_string()),
            _ => {}
        }
        Vec::new()
    }

    /// Adds characters to the input line, up to [`MAX_INPUT`] bytes; says so when
    /// some did not fit. Whether any was added. Linear in what is added, and a key
    /// refused costs nothing more.
    fn push_input(&mut self, chars: impl Iterator<Item = char>) -> bool {
        let mut room = MAX_INPUT.saturating_sub(self.input_text.len());
        let mut added = false;
        let mut refused = false;
        for c in chars {
            // A newline in a paste would end a line the user did not mean to run.
            let c = if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            };
            if c.is_control() {
                continue;
            }
            if c.len_utf8() > room {
                refused = true;
                break;
            }
            self.input_text.push(c);
            room -= c.len_utf8();
            added = true;
        }
        if refused {
            self.flash(
                format!("the input line holds at most {MAX_INPUT} bytes: the rest was left out"),
                true,
            );
        }
        added
    }

    /// A paste: into the filter or command line (filtered once), never read as keys.
    fn on_paste(&mut self, text: &str) {
        self.completion = None;
        if self.input == InputMode::Normal {
            self.flash("paste into the filter (/) or a command (:)", false);
            return;
        }
        if self.push_input(text.chars()) && self.input == InputMode::Filter {
            self.set_filter(self.input_text.clone());
        }
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
