//! The S3 snapshot picker popup (`:open s3://bucket/prefix/`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::discover::snapshots::show_time;
use crate::tui::app::App;

use super::line;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let picker = &app.snapshots;
    let total = picker.items.len();
    let width = area.width.saturating_sub(4).min(90);
    let room = usize::from(area.height.saturating_sub(6)).max(1);
    let top = picker.scroll.draw(total, room);
    let mut lines: Vec<Line> = Vec::new();
    for (i, item) in picker.items.iter().enumerate().skip(top).take(room) {
        let style = if i == picker.scroll.cursor() {
            t.selected()
        } else {
            Style::new()
        };
        let newest = if i == 0 { "  (newest)" } else { "" };
        lines.push(line(vec![(
            format!(
                " {}  {:>9}{newest}",
                show_time(item.taken),
                human_size(item.size)
            ),
            style,
        )]));
    }
    let height = (lines.len() as u16).saturating_add(2);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height.saturating_sub(height)) / 2,
        width,
        height.min(area.height),
    );
    frame.render_widget(Clear, popup);
    // The prefix is outside text (a bucket and a prefix the user typed): shown as typed,
    // without control characters, which S3Location refuses anyway.
    let prefix: String = picker.prefix.chars().filter(|c| !c.is_control()).collect();
    let title = format!(" {total} snapshots in {prefix} (enter opens, esc closes) ");
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// `360 B`, `12.3 kB`, `4.1 MB`.
fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1_000 => format!("{b} B"),
        b if b < 1_000_000 => format!("{:.1} kB", b as f64 / 1e3),
        b if b < 1_000_000_000 => format!("{:.1} MB", b as f64 / 1e6),
        b => format!("{:.1} GB", b as f64 / 1e9),
    }
}
