//! TUI benchmarks at 1k, 10k, 100k and 1M resources: rendering into a 200×60
//! TestBackend, and "mark an AZ lost + re-simulate + render" as one step.
//!
//!     cargo bench --bench tui

mod common;

use blastmap::tui::app::{App, Screen};
use blastmap::tui::keymap::Command;
use blastmap::tui::theme::Theme;
use blastmap::tui::{Action, Loaded, Origin, perform, view};
use common::{SIZES, fixture};
use divan::Bencher;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;

fn main() {
    divan::main();
}

/// An app on the estate of `resources`, sized 200×60, on `screen`.
fn app(resources: usize, screen: Screen) -> (App, Terminal<TestBackend>) {
    let f = fixture(resources);
    let mut app = App::new(Theme::new(true), Rect::new(0, 0, 200, 60));
    let loaded = Loaded::new(f.estate.clone(), Origin::Demo);
    drop(app.update(Action::Loaded {
        generation: 0,
        result: Ok(Box::new(loaded)),
    }));
    let n = blastmap::tui::app::Screen::ALL
        .iter()
        .position(|s| *s == screen)
        .unwrap_or(0);
    drop(app.update(Action::Command(Command::Screen(n))));
    (
        app,
        Terminal::new(TestBackend::new(200, 60)).expect("a test terminal"),
    )
}

#[divan::bench(args = SIZES, max_time = 10)]
fn render_paths(bencher: Bencher, resources: usize) {
    let (app, mut term) = app(resources, Screen::Paths);
    bencher.bench_local(|| term.draw(|frame| view::render(&app, frame)).map(|_| ()));
}

#[divan::bench(args = SIZES, max_time = 10)]
fn render_matrix(bencher: Bencher, resources: usize) {
    let (app, mut term) = app(resources, Screen::Matrix);
    bencher.bench_local(|| term.draw(|frame| view::render(&app, frame)).map(|_| ()));
}

/// `enter` on the busiest AZ's column in the matrix: marks it lost, re-simulates,
/// re-sorts, renders. Every iteration does all of that work again.
#[divan::bench(args = SIZES, max_time = 10)]
fn lose_az_simulate_render(bencher: Bencher, resources: usize) {
    let (mut app, mut term) = app(resources, Screen::Matrix);
    let az = fixture(resources).az;
    let engine = app.engine.clone().expect("loaded");
    app.matrix.col = engine
        .matrix
        .domains
        .iter()
        .position(|d| *d == az)
        .unwrap_or(0);
    bencher.bench_local(|| {
        for effect in app.update(Action::Command(Command::Open)) {
            if let Some(done) = perform(effect, app.engine.clone()) {
                drop(app.update(done));
            }
        }
        term.draw(|frame| view::render(&app, frame)).map(|_| ())
    });
}
