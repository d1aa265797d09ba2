//! Fault domains: the tree (account | service) → Region → AZ → kind → resources.
//! A lost AZ or Region says `LOST` before its name; each AZ and Region says what
//! losing it alone does (from the matrix: "4 down, 4 degraded").

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::model::Domain;
use crate::sim::Status;
use crate::tui::app::App;
use crate::tui::tree::{RowKind, row_label};

use super::{fit, line};

pub fn first_row(body: Rect) -> u16 {
    body.y
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (Some(engine), Some(tree)) = (&app.engine, &app.domains.tree) else {
        return;
    };
    let t = &app.theme;
    let width = area.width as usize;
    if tree.rows.is_empty() {
        let msg = if app.filter().is_empty() {
            "no resources to show in this grouping".to_string()
        } else {
            super::no_match("resource", app.filter())
        };
        frame.render_widget(Paragraph::new(msg).style(t.dim()), area);
        return;
    }
    let height = area.height as usize;
    let top = app.domains.list.draw(tree.rows.len(), height);
    let lines: Vec<Line> = tree
        .rows
        .iter()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, row)| {
            let lost = row.domain.is_some_and(|d| app.is_lost(d));
            let is_domain = matches!(
                row.kind,
                RowKind::Region(_) | RowKind::Az(_) | RowKind::Regional
            );
            let marker = match row.kind {
                RowKind::Resource(_) => "  ",
                _ if row.expanded => "▾ ",
                _ => "▸ ",
            };
            let indent = "  ".repeat(row.depth as usize);
            let label = row_label(&engine.estate, tree, row);
            let count = match row.kind {
                RowKind::Resource(_) => String::new(),
                _ => format!(" {}", row.count),
            };
            // What losing this AZ or Region alone does: on AZ and Region rows.
            let impact = match (row.kind, row.domain) {
                (RowKind::Az(_) | RowKind::Region(_), Some(d)) => impact_of(app, d),
                _ => None,
            };
            let (impact_text, impact_style) = match impact {
                Some((text, status)) => (
                    format!(" — {text}"),
                    if status == Status::Ok {
                        t.dim()
                    } else {
                        t.status(status)
                    },
                ),
                None => (String::new(), Style::new()),
            };
            // LOST first, where no width can cut it off.
            let lost_tag = if lost && is_domain { "LOST " } else { "" };
            let room = width.saturating_sub(
                indent.width()
                    + marker.width()
                    + lost_tag.width()
                    + count.width()
                    + impact_text.width(),
            );
            let label_style = if lost {
                t.lost()
            } else if is_domain {
                t.header()
            } else {
                Style::new()
            };
            let mut spans = vec![
                (indent, Style::new()),
                (marker.to_string(), t.dim()),
                (lost_tag.to_string(), t.error()),
                (fit(&label, room), label_style),
                (count, t.dim()),
                (impact_text, impact_style),
            ];
            if i == app.domains.list.cursor() {
                spans = super::selected_row(t, spans, width);
            }
            line(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// What losing `d` alone does, from the matrix, and its worst status.
fn impact_of(app: &App, d: Domain) -> Option<(String, Status)> {
    let engine = app.engine.as_ref()?;
    let c = engine.column_of(d)?;
    let impact = engine.column_impact[c];
    let status = if impact.down > 0 {
        Status::Down
    } else if impact.degraded > 0 {
        Status::Degraded
    } else {
        Status::Ok
    };
    Some((impact.describe(), status))
}
