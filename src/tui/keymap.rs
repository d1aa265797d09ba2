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
    Top,
    Bottom,
    Left,
    Right,
    Open,
    Back,
    ToggleLoss,
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
    /// How the key is written in hints and help.
    pub shown: &'static str,
    pub does: &'static str,
    pub command: Command,
    /// Shown in the footer.
    pub hint: bool,
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
    hint: bool,
) -> Binding {
    Binding {
        scope,
        keys,
        shown,
        does,
        command,
        hint,
    }
}

/// Screen-specific bindings come before global ones, so they win.
pub const KEYMAP: &[Binding] = &[
    bind(
        S::Domains,
        &[Char(' ')],
        "space",
        "lose / restore AZ or Region",
        C::ToggleLoss,
        true,
    ),
    bind(
        S::Domains,
        &[Code(KeyCode::Enter), Char('l'), Code(KeyCode::Right)],
        "enter/l",
        "expand",
        C::Open,
        true,
    ),
    bind(
        S::Domains,
        &[Char('h'), Code(KeyCode::Left)],
        "h",
        "collapse",
        C::Left,
        false,
    ),
    bind(
        S::Domains,
        &[Char('g')],
        "g",
        "cycle grouping",
        C::CycleGrouping,
        true,
    ),
    bind(
        S::Paths,
        &[Code(KeyCode::Enter)],
        "enter",
        "path detail",
        C::Open,
        true,
    ),
    bind(
        S::Paths,
        &[Char('s')],
        "s",
        "sort by status/capacity/name",
        C::CycleSort,
        true,
    ),
    bind(
        S::Detail,
        &[Code(KeyCode::Esc), Char('h'), Code(KeyCode::Left)],
        "esc",
        "back to paths",
        C::Back,
        true,
    ),
    bind(
        S::Matrix,
        &[Char('h'), Code(KeyCode::Left)],
        "h/l",
        "move across losses",
        C::Left,
        true,
    ),
    bind(
        S::Matrix,
        &[Char('l'), Code(KeyCode::Right)],
        "l",
        "next loss",
        C::Right,
        false,
    ),
    bind(
        S::Matrix,
        &[Code(KeyCode::Enter)],
        "enter",
        "apply this cell's loss",
        C::Open,
        true,
    ),
    bind(
        S::Matrix,
        &[Char(' ')],
        "space",
        "add / remove this loss",
        C::ToggleLoss,
        false,
    ),
    bind(
        S::Findings,
        &[Code(KeyCode::Enter)],
        "enter",
        "show resource in domains",
        C::Open,
        true,
    ),
    bind(
        S::Global,
        &[Char('j'), Code(KeyCode::Down)],
        "j/k",
        "move",
        C::Down,
        true,
    ),
    bind(
        S::Global,
        &[Char('k'), Code(KeyCode::Up)],
        "k",
        "up",
        C::Up,
        false,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::PageDown), Ctrl('d'), Ctrl('f')],
        "pgdn",
        "page down",
        C::PageDown,
        false,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::PageUp), Ctrl('u'), Ctrl('b')],
        "pgup",
        "page up",
        C::PageUp,
        false,
    ),
    bind(
        S::Global,
        &[Char('g'), Code(KeyCode::Home)],
        "g/home",
        "top",
        C::Top,
        false,
    ),
    bind(
        S::Global,
        &[Char('G'), Code(KeyCode::End)],
        "G/end",
        "bottom",
        C::Bottom,
        false,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::Tab)],
        "tab",
        "next screen",
        C::NextScreen,
        true,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::BackTab)],
        "shift-tab",
        "previous screen",
        C::PrevScreen,
        false,
    ),
    bind(
        S::Global,
        &[Char('1')],
        "1",
        "fault domains",
        C::Screen(0),
        false,
    ),
    bind(S::Global, &[Char('2')], "2", "paths", C::Screen(1), false),
    bind(S::Global, &[Char('3')], "3", "matrix", C::Screen(2), false),
    bind(
        S::Global,
        &[Char('4')],
        "4",
        "findings",
        C::Screen(3),
        false,
    ),
    bind(
        S::Global,
        &[Char('x')],
        "x",
        "clear all losses",
        C::ClearLosses,
        true,
    ),
    bind(S::Global, &[Char('/')], "/", "filter", C::Filter, true),
    bind(
        S::Global,
        &[Char(':')],
        ":",
        "command",
        C::CommandMode,
        true,
    ),
    bind(
        S::Global,
        &[Code(KeyCode::Esc)],
        "esc",
        "clear filter / back",
        C::Back,
        false,
    ),
    bind(
        S::Global,
        &[Char('r')],
        "r",
        "rescan (live estates)",
        C::Rescan,
        false,
    ),
    bind(S::Global, &[Char('?')], "?", "help", C::Help, true),
    bind(
        S::Global,
        &[Char('q'), Ctrl('c')],
        "q",
        "quit",
        C::Quit,
        true,
    ),
];

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
pub fn hints(scope: Scope) -> impl Iterator<Item = &'static Binding> {
    let own = KEYMAP.iter().filter(move |b| b.scope == scope && b.hint);
    let global = KEYMAP.iter().filter(|b| b.scope == Scope::Global && b.hint);
    own.chain(global)
}

/// Every scope, in help order.
pub const SCOPES: &[Scope] = &[
    Scope::Global,
    Scope::Domains,
    Scope::Paths,
    Scope::Detail,
    Scope::Matrix,
    Scope::Findings,
];
