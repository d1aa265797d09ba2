//! The one keymap: what each key does on each screen. The footer hints and the
//! `?` help are both rendered from [`KEYMAP`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    NextScreen,
    PrevScreen,
    Screen(usize),
    Up,
    Down,
    PageUp,
    PageDown,
    HalfPageUp,
    HalfPageDown,
    Top,
    Bottom,
    Left,
    Right,
    Open,
    Back,
    ToggleLoss,
    /// Lose only the selected column's domain (Matrix).
    Apply,
    Undo,
    Runbook,
    ClearLosses,
    CycleGrouping,
    CycleSort,
    Filter,
    CommandMode,
    Rescan,
}

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Domains,
    Paths,
    Detail,
    Matrix,
    Findings,
    Backups,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Domains => "Fault domains",
            Scope::Paths => "Paths",
            Scope::Detail => "Path detail",
            Scope::Matrix => "Matrix",
            Scope::Findings => "Findings",
            Scope::Backups => "Backups",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

pub struct Binding {
    pub scope: Scope,
    pub keys: &'static [Key],
    /// How the keys are written in the help.
    pub shown: &'static str,
    pub does: &'static str,
    pub command: Command,
    /// The footer hint, keys and what they do, if the binding has one.
    pub hint: Option<(&'static str, &'static str)>,
}

use Command as C;
use Key::{Char, Code, Ctrl};
use Scope as S;

const fn bind(
    scope: Scope,
    keys: &'static [Key],
    shown: &'static str,
    does: &'static str,
    command: Command,
) -> Binding {
    Binding {
        scope,
        keys,
        shown,
        does,
        command,
        hint: None,
    }
}

impl Binding {
    /// The same binding, with a footer hint.
    const fn hint(self, keys: &'static str, does: &'static str) -> Binding {
        Binding {
            hint: Some((keys, does)),
            ..self
        }
    }
}

/// Screen-specific bindings come before global ones, so they win.
pub const KEYMAP: &[Binding] = &[
    bind(
        S::Domains,
        &[Char(' ')],
        "space",
        "lose the AZ or Region, or restore it",
        C::ToggleLoss,
    )
    .hint("space", "lose / restore"),
    bind(
        S::Domains,
        &[Code(KeyCode::Enter), Char('l'), Code(KeyCode::Right)],
        "enter  l  →",
        "expand or collapse",
        C::Open,
    )
    .hint("enter", "expand"),
    bind(
        S::Domains,
        &[Char('h'), Code(KeyCode::Left)],
        "h  ←",
        "collapse, or go to the parent",
        C::Left,
    ),
    bind(
        S::Domains,
        &[Char('s')],
        "s",
        "group by Region, account, or service",
        C::CycleGrouping,
    )
    .hint("s", "grouping"),
    bind(
        S::Paths,
        &[Code(KeyCode::Enter)],
        "enter",
        "the path's detail: each hop and why",
        C::Open,
    )
    .hint("enter", "detail"),
    bind(
        S::Paths,
        &[Char('s')],
        "s",
        "sort by status, capacity left, or name",
        C::CycleSort,
    )
    .hint("s", "sort"),
    bind(
        S::Detail,
        &[Code(KeyCode::Esc), Char('h'), Code(KeyCode::Left)],
        "esc  h  ←",
        "back to the paths (j/k scroll)",
        C::Back,
    )
    .hint("esc", "back"),
    bind(
        S::Matrix,
        &[Char('h'), Code(KeyCode::Left)],
        "h  ←",
        "previous loss (column)",
        C::Left,
    )
    .hint("h/l", "column"),
    bind(
        S::Matrix,
        &[Char('l'), Code(KeyCode::Right)],
        "l  →",
        "next loss (column)",
        C::Right,
    ),
    bind(
        S::Matrix,
        &[Code(KeyCode::Enter)],
        "enter",
        "explain this cell (enter again hides it)",
        C::Open,
    )
    .hint("enter", "explain"),
    bind(
        S::Matrix,
        &[Char('a')],
        "a",
        "apply: lose only this column's AZ or Region",
        C::Apply,
    )
    .hint("a", "apply"),
    bind(
        S::Matrix,
        &[Char(' ')],
        "space",
        "add this column's loss, or remove it",
        C::ToggleLoss,
    ),
    bind(
        S::Matrix,
        &[Char('s')],
        "s",
        "order the columns by impact, or by name",
        C::CycleSort,
    )
    .hint("s", "order"),
    bind(
        S::Findings,
        &[Code(KeyCode::Enter)],
        "enter",
        "show the resource in Fault domains",
        C::Open,
    )
    .hint("enter", "show"),
    bind(
        S::Backups,
        &[Code(KeyCode::Enter)],
        "enter",
        "show the data in Fault domains",
        C::Open,
    )
    .hint("enter", "show"),
    bind(
        S::Backups,
        &[Char('s')],
        "s",
        "order worst first, by name, or by Region",
        C::CycleSort,
    )
    .hint("s", "sort"),
    bind(
        S::Global,
        &[Char('j'), Code(KeyCode::Down)],
        "j  ↓",
        "down",
        C::Down,
    )
    .hint("j/k", "move"),
    bind(
        S::Global,
        &[Char('k'), Code(KeyCode::Up)],
        "k  ↑",
        "up",
        C::Up,
    ),
    bind(
        S::Global,
        &[Ctrl('d')],
        "ctrl-d",
        "half a page down",
        C::HalfPageDown,
    ),
    bind(
        S::Global,
        &[Ctrl('u')],
        "ctrl-u",
        "half a page up",
        C::HalfPageUp,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::PageDown), Ctrl('f')],
        "pgdn  ctrl-f",
        "page down",
        C::PageDown,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::PageUp), Ctrl('b')],
        "pgup  ctrl-b",
        "page up",
        C::PageUp,
    ),
    bind(
        S::Global,
        &[Char('g'), Code(KeyCode::Home)],
        "g  home",
        "top",
        C::Top,
    ),
    bind(
        S::Global,
        &[Char('G'), Code(KeyCode::End)],
        "G  end",
        "bottom",
        C::Bottom,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::Tab)],
        "tab",
        "next screen",
        C::NextScreen,
    )
    .hint("tab", "screen"),
    bind(
        S::Global,
        &[Code(KeyCode::BackTab)],
        "shift-tab",
        "previous screen",
        C::PrevScreen,
    ),
    bind(S::Global, &[Char('1')], "1", "Fault domains", C::Screen(0)),
    bind(S::Global, &[Char('2')], "2", "Paths", C::Screen(1)),
    bind(S::Global, &[Char('3')], "3", "Matrix", C::Screen(2)),
    bind(S::Global, &[Char('4')], "4", "Findings", C::Screen(3)),
    bind(S::Global, &[Char('5')], "5", "Backups", C::Screen(4)),
    bind(
        S::Global,
        &[Char('u')],
        "u",
        "undo the last change to what is lost",
        C::Undo,
    )
    .hint("u", "undo"),
    bind(
        S::Global,
        &[Char('R')],
        "R",
        "runbook: what to do now for the domains lost (zonal shifts first)",
        C::Runbook,
    ),
    bind(
        S::Global,
        &[Char('x')],
        "x",
        "restore every AZ and Region",
        C::ClearLosses,
    )
    .hint("x", "clear losses"),
    bind(
        S::Global,
        &[Char('/')],
        "/",
        "filter this list (any text it shows: names, AZ names, accounts, status)",
        C::Filter,
    )
    .hint("/", "filter"),
    bind(
        S::Global,
        &[Char(':')],
        ":",
        "type a command (below; tab completes)",
        C::CommandMode,
    )
    .hint(":", "command"),
    bind(
        S::Global,
        &[Code(KeyCode::Esc)],
        "esc",
        "clear the filter, close a popup",
        C::Back,
    ),
    bind(
        S::Global,
        &[Char('r')],
        "r",
        "scan again (live estates only)",
        C::Rescan,
    )
    .hint("r", "rescan"),
    bind(S::Global, &[Char('?')], "?", "this help", C::Help).hint("?", "help"),
    bind(
        S::Global,
        &[Char('q'), Ctrl('c')],
        "q  ctrl-c",
        "quit",
        C::Quit,
    )
    .hint("q", "quit"),
];

/// The keys the footer always shows, however narrow: help, filter, command.
pub const ALWAYS_HINTED: &[Command] = &[Command::Filter, Command::CommandMode, Command::Help];

fn matches(k: Key, ev: &KeyEvent) -> bool {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    match k {
        Char(c) => !ctrl && ev.code == KeyCode::Char(c),
        Ctrl(c) => ctrl && ev.code == KeyCode::Char(c),
        Code(code) => ev.code == code,
    }
}

/// The command a key asks for on `scope`, if any.
pub fn lookup(scope: Scope, ev: &KeyEvent) -> Option<Command> {
    KEYMAP
        .iter()
        .filter(|b| b.scope == scope || b.scope == Scope::Global)
        .find(|b| b.keys.iter().any(|k| matches(*k, ev)))
        .map(|b| b.command)
}

/// Footer hints for `scope`: its own first, then the global ones.
pub fn hints(scope: Scope) -> impl Iterator<Item = Hint> {
    let own = KEYMAP.iter().filter(move |b| b.scope == scope);
    let global = KEYMAP.iter().filter(|b| b.scope == Scope::Global);
    // `r` is hinted where it is the way on: the screen of a failed scan.
    own.chain(global)
        .filter(|b| b.command != Command::Rescan)
        .filter_map(Hint::of)
}

/// A footer hint: its keys, what they do, and whether it shows however narrow the
/// terminal ([`ALWAYS_HINTED`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub keys: &'static str,
    pub does: &'static str,
    pub always: bool,
}

impl Hint {
    fn of(b: &Binding) -> Option<Hint> {
        b.hint.map(|(keys, does)| Hint {
            keys,
            does,
            always: ALWAYS_HINTED.contains(&b.command),
        })
    }
}

/// The only commands that do something while there is no estate yet.
const WITHOUT_ESTATE: &[Command] = &[Command::Rescan, Command::Help, Command::Quit];

/// Footer hints while there is no estate (loading, scanning, or a failed scan):
/// only the keys that work there; `r` only when a scan can be started.
pub fn hints_without_estate(can_rescan: bool) -> impl Iterator<Item = Hint> {
    KEYMAP
        .iter()
        .filter(|b| b.scope == Scope::Global && WITHOUT_ESTATE.contains(&b.command))
        .filter(move |b| can_rescan || b.command != Command::Rescan)
        .filter_map(Hint::of)
}

/// Every scope, in help order.
pub const SCOPES: &[Scope] = &[
    Scope::Global,
    Scope::Domains,
    Scope::Paths,
    Scope::Detail,
    Scope::Matrix,
    Scope::Findings,
    Scope::Backups,
];
