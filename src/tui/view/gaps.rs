//! What a live scan could not read (`:gaps`), and the scan's progress per account and Region.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

use crate::discover::UnitState;
use crate::model::CoverageStatus;
use crate::tui::app::App;

use super::line;

/// One line per account and Region: each service's state.
pub fn progress_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    app.scan_units
        .iter()
        .map(|((account, region), services)| {
            let mut spans = vec![(format!("  {account:<16} {region:<16}"), Style::new())];
            for (service, state) in services {
                let (mark, style) = match state {
                    UnitState::Pending => ("·", t.dim()),
                    UnitState::Running => ("…", t.dim()),
                    UnitState::Done(CoverageStatus::Ok) => ("✓", t.info()),
                    UnitState::Done(CoverageStatus::Denied) => ("denied", t.error()),
                    UnitState::Done(CoverageStatus::Throttled) => ("throttled", t.error()),
                    UnitState::Done(CoverageStatus::Error) => ("error", t.error()),
                    UnitState::Failed(f) => (f.label(), t.error()),
                };
                spans.push((format!(" {} ", service.name()), t.dim()));
                let mark = if state.is_done() && !state.is_read() {
                    format!("✗ {mark}")
                } else {
                    mark.to_string()
                };
                spans.push((mark, style));
            }
            line(spans)
        })
        .collect()
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(engine) = &app.engine else { return };
    let t = &app.theme;
    let total = engine.estate.coverage_gaps().count();
    // Only the gaps that can be in view: a failed scan of many accounts has thousands.
    let room = usize::from(area.height.saturating_sub(3));
    // One step per gap, as far as the last one on top.
    let scroll = app.gaps.scroll.draw(total.saturating_sub(1), room);
    let mut lines = vec![line(vec![(
        "These could not be read: what they hold is unknown, not absent.".to_string(),
        t.header(),
    )])];
    for g in engine.estate.coverage_gaps().skip(scroll).take(room) {
        lines.push(line(vec![
            (
                format!("{} {} {}: ", g.account, g.region, g.service.name()),
                t.error(),
            ),
            (
                // The status in lower case; the message as AWS or the scan wrote it.
                format!(
                    "{}{}",
                    format!("{:?}", g.status).to_lowercase(),
                    g.message
                        .as_deref()
                        .map(|m| format!(" — {m}"))
                        .unwrap_or_default()
                ),
                Style::new(),
            ),
        ]));
    }
    let width = area.width.saturating_sub(4).min(100);
    // Room for each line to wrap once, within the screen.
    let wanted = lines.len().saturating_mul(2).saturating_add(2);
    let height = usize::from(area.height.saturating_sub(2)).min(wanted) as u16;
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    let title = if total > room {
        format!(
            " coverage gaps {}–{} of {total} (j/k scroll, esc closes) ",
            scroll + 1,
            (scroll + room).min(total)
        )
    } else {
        " coverage gaps (esc closes) ".to_string()
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        popup,
    );
}
