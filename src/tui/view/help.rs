//! The `?` help: every binding of the keymap, by screen, and the `:` commands.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::commands::COMMANDS;
use crate::tui::keymap::{KEYMAP, SCOPES};

use super::{line, pad};

/// Where the help goes in `area`, and how far it can scroll there.
fn popup(area: Rect, lines: usize) -> (Rect, usize) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2).min(lines as u16 + 2);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    (
        popup,
        lines.saturating_sub(height.saturating_sub(2) as usize),
    )
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let lines = lines(app);
    let (popup, max) = popup(area, lines.len());
    let scroll = app
        .help
        .scroll
        .draw(max, popup.height.saturating_sub(2) as usize);
    let title = if max > 0 {
        " help (j/k scroll, esc closes) "
    } else {
        " help (esc closes) "
    };
    frame.render_widget(Clear, popup);
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0)),
        popup,
    );
}

fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    // The screen in use first: its keys are what the reader is after.
    let here = app.scope();
    let order = std::iter::once(here).chain(SCOPES.iter().copied().filter(|s| *s != here));
    for scope in order {
        lines.push(line(vec![(scope.title().to_string(), t.title())]));
        for b in KEYMAP.iter().filter(|b| b.scope == scope) {
            lines.push(line(vec![
                (format!("  {}", pad(b.shown, 14)), t.key()),
                (b.does.to_string(), Style::new()),
            ]));
        }
    }
    lines.push(line(vec![("Commands".to_string(), t.title())]));
    for c in COMMANDS.iter().filter(|c| c.in_help) {
        lines.push(line(vec![
            (format!("  {}", pad(c.usage, 14)), t.key()),
            (c.does.to_string(), Style::new()),
        ]));
    }
    lines.push(line(vec![("Mouse".to_string(), t.title())]));
    for (what, does) in [
        ("click", "a tab switches screen; a row selects it"),
        ("wheel", "moves the selection"),
    ] {
        lines.push(line(vec![
            (format!("  {}", pad(what, 14)), t.key()),
            (does.to_string(), Style::new()),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(line(vec![(
        "Esc, ? or q closes this help.".to_string(),
        t.dim(),
    )]));
    lines
}
