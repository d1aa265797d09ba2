//! The runbook overlay (`R`, `:runbook`): `blastmap runbook`'s text for the domains
//! lost, wrapped to the screen, a line at a time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

use crate::tui::app::App;

use super::{line, wrap};

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    // The whole screen but the header line and the message line.
    let width = area.width;
    let height = area.height.saturating_sub(2);
    let popup = Rect::new(area.x, area.y + 1, width, height);
    let inner = usize::from(width.saturating_sub(2));
    // Wrapped here, keeping each line's indent: the scroll counts screen lines.
    let mut lines: Vec<String> = Vec::new();
    for l in &app.runbook.lines {
        let indent = l.len() - l.trim_start_matches(' ').len();
        let indent = indent.min(inner / 2);
        let room = inner.saturating_sub(indent + 2).max(1);
        // A word longer than the line (an ARN) is cut into pieces, not lost.
        let pieces = wrap(l.trim_start_matches(' '), room)
            .into_iter()
            .flat_map(|p| chunks(&p, room));
        for (i, piece) in pieces.enumerate() {
            let more = if i == 0 { "" } else { "  " };
            lines.push(format!("{}{more}{piece}", " ".repeat(indent)));
        }
        if l.trim().is_empty() {
            lines.push(String::new());
        }
    }
    let room = usize::from(height.saturating_sub(2));
    let total = lines.len();
    let top = app.runbook.scroll.draw(total.saturating_sub(room), room);
    let shown: Vec<Line> = (lines.iter().skip(top).take(room))
        .map(|l| line(vec![(l.clone(), ratatui::style::Style::new())]))
        .collect();
    let title = if total > room {
        format!(
            " runbook {}–{} of {total} (j/k scroll, esc closes; blastmap runbook prints it) ",
            top + 1,
            (top + room).min(total)
        )
    } else {
        " runbook (esc closes; blastmap runbook prints it) ".to_string()
    };
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_style(t.header());
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}

/// `text` in pieces of at most `width` characters.
fn chunks(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width.max(1))
        .map(|c| c.iter().collect())
        .collect()
}
