//! The interactive TUI (ratatui + crossterm on tokio).
//!
//! One [`App`] state, holding what the screens share and one state per screen
//! (`screen/`); keys become [`Action`]s through the one keymap, `:` commands
//! through the one table in `commands`; `App::update` is the only place state
//! changes; `view::render(&App, &mut Frame)` draws it, and only notes in the
//! scroll state how high each list was drawn (`scroll`). Loading, scanning and
//! simulating run off the draw loop and report back as actions over a channel.

pub mod action;
pub mod app;
pub mod clipboard;
pub mod commands;
pub mod engine;
pub mod keymap;
pub mod screen;
pub mod scroll;
pub mod theme;
pub mod tree;
pub mod view;

use std::io::{IsTerminal, Stdout, stdout};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::layout::Rect;
use ratatui::{Frame, Terminal};
use thiserror::Error;
use tokio::sync::mpsc;

pub use action::{Action, Effect};
pub use app::App;
pub use engine::{Engine, Loaded, Origin};

use crate::discover::{self, ScanConfig};
use crate::report::{Report, markdown};
use crate::sim::LostDomains;
use crate::snapshot;

/// What the TUI opens on.
pub enum Start {
    Demo,
    /// A snapshot file or S3 location, with `--at` for an S3 prefix.
    Snapshot(PathBuf, Option<String>),
    /// A live scan; `r` scans again.
    Live(ScanConfig),
}

#[derive(Debug, Error)]
pub enum TuiError {
    #[error(
        "the TUI needs a terminal, and standard output is not one; for scripts use the \
         non-interactive commands: blastmap what-if | matrix | check | findings (try --demo, see blastmap --help)"
    )]
    NotATerminal,
    #[error("{0}")]
    Load(String),
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
}

/// Whether colour is allowed (no-color.org).
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the TUI until the user quits.
pub fn run(start: Start) -> Result<(), TuiError> {
    if !stdout().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let result = runtime.block_on(run_loop(start));
    // A read still blocked (a file that never answers) must not hold up quitting:
    // dropping the runtime would wait for it.
    runtime.shutdown_background();
    result
}

/// Restores the terminal when dropped, and on panic (the previous hook still runs).
struct TerminalGuard;

impl TerminalGuard {
    fn enter() -> std::io::Result<TerminalGuard> {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            previous(info);
        }));
        TERMINAL_TAKEN.store(true, std::sync::atomic::Ordering::SeqCst);
        enable_raw_mode()?;
        execute!(
            stdout(),
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        )?;
        Ok(TerminalGuard)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Whether the terminal is in the TUI's modes: restoring twice would move the cursor
/// back to where the alternate screen was entered, over what a panic printed.
static TERMINAL_TAKEN: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn restore_terminal() {
    if !TERMINAL_TAKEN.swap(false, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let _ = execute!(
        stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        ratatui::crossterm::cursor::Show
    );
}

/// The signals that end the process (`kill`, a closed terminal, `kill -QUIT`): each
/// puts the terminal back and exits with 128 + its number, as a shell reports it.
/// A task of its own, on a worker thread, so a busy draw loop cannot delay it.
#[cfg(unix)]
fn restore_on_signals() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let kinds = [
        (SignalKind::terminate(), 15),
        (SignalKind::interrupt(), 2),
        (SignalKind::quit(), 3),
        (SignalKind::hangup(), 1),
    ];
    for (kind, signo) in kinds {
        let mut stream = signal(kind)?;
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                restore_terminal();
                std::process::exit(128 + signo);
            }
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn restore_on_signals() -> std::io::Result<()> {
    Ok(())
}

/// A key that types a character into the input line (no ctrl or alt).
fn typed_char(ev: &Event) -> Option<char> {
    match ev {
        Event::Key(KeyEvent {
            code: KeyCode::Char(c),
            modifiers,
            kind: KeyEventKind::Press | KeyEventKind::Repeat,
            ..
        }) if (*modifiers - KeyModifiers::SHIFT).is_empty() => Some(*c),
        _ => None,
    }
}

/// The actions of a batch of terminal events, given the app as it is before them:
/// characters typed into the filter or command line in a row become one `Paste`, so
/// that a paste the terminal sent as keys costs one filtering, not one per key.
pub fn batch_actions(app: &mut App, events: Vec<Event>) -> Vec<Effect> {
    let mut effects = Vec::new();
    let mut typed = String::new();
    for ev in events {
        if app.input != app::InputMode::Normal
            && let Some(c) = typed_char(&ev)
        {
            typed.push(c);
            continue;
        }
        if !typed.is_empty() {
            effects.extend(app.update(Action::Paste(std::mem::take(&mut typed))));
        }
        let action = match ev {
            Event::Key(k) => app.on_key(k),
            Event::Paste(text) => Some(Action::Paste(text)),
            Event::Mouse(m) => Some(Action::Mouse(m)),
            Event::Resize(w, h) => Some(Action::Resize(w, h)),
            _ => None,
        };
        if let Some(a) = action {
            effects.extend(app.update(a));
        }
        if app.quit {
            return effects;
        }
    }
    if !typed.is_empty() {
        effects.extend(app.update(Action::Paste(typed)));
    }
    effects
}

async fn run_loop(start: Start) -> Result<(), TuiError> {
    let guard = TerminalGuard::enter()?;
    restore_on_signals()?;
    let mut terminal: Terminal<CrosstermBackend<Stdout>> =
        Terminal::new(CrosstermBackend::new(stdout()))?;
    terminal.hide_cursor()?;
    let size = terminal.size()?;
    let theme = theme::Theme::new(color_allowed());
    let area = Rect::new(0, 0, size.width, size.height);
    let live_config = match &start {
        Start::Live(config) => Some(config.clone()),
        _ => None,
    };
    let mut app = if live_config.is_some() {
        App::live(theme, area)
    } else {
        App::new(theme, area)
    };

    let (actions, mut action_rx) = mpsc::unbounded_channel::<Action>();
    let (events, mut event_rx) = mpsc::unbounded_channel::<Event>();
    // crossterm's read blocks: a thread of its own feeds the loop.
    std::thread::spawn(move || {
        while let Ok(ev) = event::read() {
            if events.send(ev).is_err() {
                break;
            }
        }
    });

    match start {
        Start::Demo => {
            app.loading = Some("loading the demo estate…".to_string());
            spawn_blocking_action(&actions, move || load(None, 0));
        }
        Start::Snapshot(path, at) => {
            app.loading = Some(format!("loading {}…", path.display()));
            spawn_blocking_action(&actions, move || load_at(Some(path), at.as_deref(), 0));
        }
        Start::Live(config) => start_scan(config, 0, &actions),
    }

    let mut tick = tokio::time::interval(Duration::from_millis(250));
    let mut dirty = true;
    let render = renderer();
    loop {
        if dirty {
            terminal.draw(|f| render(&app, f))?;
        }
        let effects = tokio::select! {
            Some(ev) = event_rx.recv() => {
                // Everything the terminal sent since the last draw, at once: one draw
                // per batch, and typed text filtered once (see `batch_actions`).
                let mut events = vec![ev];
                while let Ok(more) = event_rx.try_recv() {
                    events.push(more);
                }
                dirty = true;
                batch_actions(&mut app, events)
            }
            Some(a) = action_rx.recv() => {
                dirty = true;
                app.update(a)
            }
            _ = tick.tick() => {
                // A tick only changes the screen when a message or the summary fades.
                dirty = app.flash.is_some() || app.summary_flash > 0;
                app.update(Action::Tick)
            }
        };
        for effect in effects {
            if let (Effect::Rescan { generation }, Some(config)) = (&effect, &live_config) {
                start_scan(config.clone(), *generation, &actions);
                continue;
            }
            // The terminal is the loop's: the clipboard sequence goes out from here.
            if let Effect::Clipboard(text) = &effect {
                match clipboard::osc52(text) {
                    Some(seq) => {
                        use std::io::Write;
                        let out = terminal.backend_mut();
                        let written = out.write_all(seq.as_bytes()).and_then(|_| out.flush());
                        if let Err(e) = written {
                            app.update(Action::Flash {
                                text: format!("could not copy: {e}"),
                                error: true,
                            });
                        }
                    }
                    None => {
                        app.update(Action::Flash {
                            text: "the brief is too long to copy through the terminal: :brief FILE writes it".to_string(),
                            error: true,
                        });
                    }
                }
                continue;
            }
            let engine = app.engine.clone();
            spawn_blocking_action(&actions, move || perform(effect, engine));
        }
        if app.quit {
            break;
        }
    }
    drop(terminal);
    drop(guard);
    match app.fatal {
        Some(message) => Err(TuiError::Load(message)),
        None => Ok(()),
    }
}

/// How the loop draws: `view::render`; in debug builds with `BLASTMAP_TEST_PANIC`
/// set, one that panics once it has drawn an estate, for the end-to-end test of
/// terminal restoration on panic.
fn renderer() -> fn(&App, &mut Frame) {
    #[cfg(debug_assertions)]
    {
        if std::env::var_os("BLASTMAP_TEST_PANIC").is_some() {
            return render_then_panic;
        }
    }
    view::render
}

#[cfg(debug_assertions)]
fn render_then_panic(app: &App, frame: &mut Frame) {
    view::render(app, frame);
    if app.engine.is_some() {
        panic!("BLASTMAP_TEST_PANIC is set: panicking on purpose after drawing");
    }
}

fn spawn_blocking_action(
    actions: &mpsc::UnboundedSender<Action>,
    work: impl FnOnce() -> Option<Action> + Send + 'static,
) {
    let tx = actions.clone();
    tokio::task::spawn_blocking(move || {
        if let Some(a) = work() {
            let _ = tx.send(a);
        }
    });
}

/// Scans live in a task: progress comes back as `Action::Scan`, the estate as `Action::Loaded`.
fn start_scan(config: ScanConfig, generation: u64, actions: &mpsc::UnboundedSender<Action>) {
    let tx = actions.clone();
    tokio::spawn(async move {
        let (events, mut event_rx) = mpsc::unbounded_channel();
        let scan = discover::scan(config, events);
        tokio::pin!(scan);
        let result = loop {
            tokio::select! {
                result = &mut scan => break result,
                Some(ev) = event_rx.recv() => { let _ = tx.send(Action::Scan(ev)); }
            }
        };
        while let Ok(ev) = event_rx.try_recv() {
            let _ = tx.send(Action::Scan(ev));
        }
        let result = match result {
            Ok(outcome) => {
                let origin = Origin::Live {
                    scanned_at: local_time(),
                };
                let built =
                    tokio::task::spawn_blocking(move || Loaded::new(outcome.estate, origin)).await;
                match built {
                    Ok(loaded) => Ok(Box::new(loaded)),
                    Err(e) => Err(format!("building the estate failed: {e}")),
                }
            }
            Err(e) => Err(format!(
                "{e}\n\nPress r to scan again or q to quit. `blastmap demo` runs without AWS."
            )),
        };
        let _ = tx.send(Action::Loaded { generation, result });
    });
}

/// `HH:MM:SS` in local time (UTC, marked so, when the local offset is unknown).
fn local_time() -> String {
    let fmt = time::macros::format_description!("[hour]:[minute]:[second]");
    match time::OffsetDateTime::now_local() {
        Ok(t) => t.format(&fmt).unwrap_or_default(),
        Err(_) => format!(
            "{} UTC",
            time::OffsetDateTime::now_utc()
                .format(&fmt)
                .unwrap_or_default()
        ),
    }
}

/// Loads the demo estate (`None`) or a snapshot (a file or S3), as load number `generation`.
pub fn load(path: Option<PathBuf>, generation: u64) -> Option<Action> {
    load_at(path, None, generation)
}

fn load_at(path: Option<PathBuf>, at: Option<&str>, generation: u64) -> Option<Action> {
    let result = match path {
        None => crate::demo::estate()
            .map(|e| Loaded::new(e, Origin::Demo))
            .map_err(|e| e.to_string()),
        Some(p) => match (!crate::store::is_s3(&p))
            .then(|| not_a_snapshot_file(&p))
            .flatten()
        {
            Some(why) => Err(why),
            None => {
                #[cfg(debug_assertions)]
                slow_load_for_tests();
                crate::store::load(&p, at)
                    .map(|read| {
                        Loaded::new(read.estate, Origin::Snapshot(PathBuf::from(read.origin)))
                    })
                    .map_err(|e| format!("{e:#}"))
            }
        },
    };
    Some(Action::Loaded {
        generation,
        result: result.map(Box::new),
    })
}

/// Why a path cannot be a snapshot to read, found without opening it: opening a
/// FIFO with no writer blocks until one comes, and a device or a socket never ends.
/// (A file that is none of these yet blocks anyway is read on a thread that `esc`
/// leaves behind and quitting does not wait for.)
pub fn not_a_snapshot_file(path: &std::path::Path) -> Option<String> {
    let name = path.display();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        // Reading it says why, in the reader's own words.
        Err(_) => return None,
    };
    let ft = meta.file_type();
    if ft.is_file() {
        return None;
    }
    let what = if ft.is_dir() {
        "a directory"
    } else {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if ft.is_fifo() {
                "a FIFO (named pipe)"
            } else if ft.is_char_device() || ft.is_block_device() {
                "a device"
            } else if ft.is_socket() {
                "a socket"
            } else {
                "not a regular file"
            }
        }
        #[cfg(not(unix))]
        {
            "not a regular file"
        }
    };
    Some(format!(
        "cannot read {name}: it is {what}, not a snapshot file (blastmap scan --out writes one)"
    ))
}

/// In debug builds with `BLASTMAP_TEST_SLOW_LOAD=SECONDS`, a snapshot load that
/// takes that long, for the end-to-end test that quitting never waits for a read.
#[cfg(debug_assertions)]
fn slow_load_for_tests() {
    if let Some(secs) = std::env::var("BLASTMAP_TEST_SLOW_LOAD")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
    {
        std::thread::sleep(Duration::from_secs(secs));
    }
}

/// Does an effect's work (blocking) and says how it went.
pub fn perform(effect: Effect, engine: Option<Arc<Engine>>) -> Option<Action> {
    match effect {
        Effect::Simulate { generation, lost } => {
            let engine = engine?;
            Some(Action::Simulated {
                generation,
                verdict: Arc::new(engine.what_if(&lost)),
            })
        }
        Effect::LoadSnapshot { path, generation } => load(Some(path), generation),
        Effect::ListSnapshots { prefix } => Some(Action::SnapshotsListed {
            prefix: prefix.display().to_string(),
            result: crate::store::list(&prefix).map_err(|e| format!("{e:#}")),
        }),
        Effect::Export { path, lost } => {
            let engine = engine?;
            let verdict = engine.what_if(&lost);
            let r = Report {
                estate: &engine.estate,
                topo: &engine.topo,
            };
            let text = markdown::report(&r, &verdict, engine.findings(), &engine.matrix);
            Some(
                match snapshot::write_atomic(&path, text.as_bytes(), false) {
                    Ok(()) => Action::Flash {
                        text: format!("exported the what-if to {}", path.display()),
                        error: false,
                    },
                    Err(e) => Action::Flash {
                        text: e.to_string(),
                        error: true,
                    },
                },
            )
        }
        Effect::Explain { domain } => {
            let engine = engine?;
            let lost = LostDomains::new(&engine.estate, &[domain]);
            Some(Action::Explained {
                domain,
                verdict: Arc::new(engine.what_if(&lost)),
            })
        }
        Effect::Runbook { lost } => {
            let engine = engine?;
            let verdict = engine.what_if(&lost);
            let r = Report {
                estate: &engine.estate,
                topo: &engine.topo,
            };
            let text =
                crate::report::runbook::render(&r, &verdict, crate::report::Format::Table, false);
            Some(Action::RunbookReady(text))
        }
        Effect::Brief { lost, path } => {
            let engine = engine?;
            let verdict = engine.what_if(&lost);
            let r = Report {
                estate: &engine.estate,
                topo: &engine.topo,
            };
            let text = crate::report::brief::render(&r, &verdict, &engine.origin_label());
            Some(match path {
                None => Action::BriefReady(text),
                Some(path) => match snapshot::write_atomic(&path, text.as_bytes(), false) {
                    Ok(()) => Action::Flash {
                        text: format!(
                            "wrote the brief ({} lines) to {}",
                            text.lines().count(),
                            path.display()
                        ),
                        error: false,
                    },
                    Err(e) => Action::Flash {
                        text: e.to_string(),
                        error: true,
                    },
                },
            })
        }
        // The loop writes it to the terminal; elsewhere (tests) there is none.
        Effect::Clipboard(_) => None,
        // The runtime scans; without one (tests), there is nothing to scan with.
        Effect::Rescan { generation } => Some(Action::Loaded {
            generation,
            result: Err("no live scan is configured".to_string()),
        }),
    }
}
