//! Two lines: key hints from the keymap; then the filter/command prompt or a flash message.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::tui::app::{App, InputMode};
use crate::tui::keymap;

use super::{fit, line};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let width = area.width as usize;
    let mut hints: Vec<(String, Style)> = Vec::new();
    let shown: Vec<keymap::Hint> = match &app.engine {
        Some(_) => keymap::hints(app.scope()).collect(),
        None => keymap::hints_without_estate(super::scan_failed(app)).collect(),
    };
    // `/`, `:` and `?` always show, however narrow: room is kept for them first;
    // the others fill what is left, in keymap order. `?` comes last.
    let piece_w = |h: &keymap::Hint| format!(" {} {} ", h.keys, h.does).width() + 1;
    let mut used: usize = shown.iter().filter(|h| h.always).map(piece_w).sum();
    let mut keep: Vec<bool> = shown.iter().map(|h| h.always).collect();
    for (i, h) in shown.iter().enumerate().filter(|(_, h)| !h.always) {
        if used + piece_w(h) > width {
            break;
        }
        used += piece_w(h);
        keep[i] = true;
    }
    let help = shown.iter().position(|h| h.keys == "?");
    let order = (0..shown.len()).filter(|&i| Some(i) != help).chain(help);
    for i in order.filter(|&i| keep[i]) {
        let h = &shown[i];
        if !hints.is_empty() {
            hints.push(("│".to_string(), t.dim()));
        }
        hints.push((format!(" {}", h.keys), t.key()));
        hints.push((format!(" {} ", h.does), t.dim()));
    }
    // The end of a long line, where the cursor is.
    let typed = |room: usize| super::fit_tail(&app.input_text, room);
    let second = match app.input {
        InputMode::Filter => {
            let note = "▏ (enter keeps, esc clears)";
            line(vec![
                ("/".to_string(), t.key()),
                (typed(width.saturating_sub(1 + note.width())), Style::new()),
                (note.to_string(), t.dim()),
            ])
        }
        InputMode::Command => line(vec![
            (":".to_string(), t.key()),
            (typed(width.saturating_sub(2)), Style::new()),
            ("▏".to_string(), t.dim()),
        ]),
        InputMode::Normal => match &app.flash {
            None => Line::raw(""),
            Some(f) => {
                let style = if f.error { t.error() } else { t.info() };
                if f.text.width() < width {
                    line(vec![(format!(" {}", f.text), style)])
                } else {
                    // A message too long for one line takes the hints' line as well
                    // while it shows: its end (which AZ ID an AZ name is) is what the
                    // user needs.
                    let mut rows = super::wrap(&f.text, width.saturating_sub(1));
                    let room = (area.height as usize).max(1);
                    if rows.len() > room {
                        // The last row holds the rest, cut with an ellipsis.
                        let rest = rows.split_off(room - 1).join(" ");
                        rows.push(rest);
                    }
                    let rows: Vec<Line> = rows
                        .into_iter()
                        .map(|row| line(vec![(fit(&format!(" {row}"), width), style)]))
                        .collect();
                    let first = area.height.saturating_sub(rows.len() as u16);
                    let mut lines = vec![line(hints); first as usize];
                    lines.extend(rows);
                    frame.render_widget(Paragraph::new(lines), area);
                    return;
                }
            }
        },
    };
    // While typing, a message (the line is full, …) shows where the hints were.
    let first = match (&app.flash, app.input) {
        (Some(f), InputMode::Filter | InputMode::Command) => line(vec![(
            fit(&format!(" {}", f.text), width),
            if f.error { t.error() } else { t.info() },
        )]),
        _ => line(hints),
    };
    frame.render_widget(Paragraph::new(vec![first, second]), area);
}
