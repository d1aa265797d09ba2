//! Findings by severity, with the selected one spelled out below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use crate::tui::app::App;

use super::{line, pad};

const DETAIL_HEIGHT: u16 = 5;

fn visible_rows(body: Rect) -> usize {
    body.height.saturating_sub(1 + DETAIL_HEIGHT) as usize
}

pub fn first_row(body: Rect) -> u16 {
    body.y + 1
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(engine) = &app.engine else { return };
    let t = &app.theme;
    let e = &engine.estate;
    let width = area.width as usize;
    let (sev_w, code_w) = (9, 28);
    let res_w = if width >= 110 { 30 } else { 0 };
    let msg_w = width.saturating_sub(sev_w + code_w + res_w);
    let mut head = vec![
        (pad("SEVERITY", sev_w), t.header()),
        (pad("CODE", code_w), t.header()),
    ];
    if res_w > 0 {
        head.push((pad("RESOURCES", res_w), t.header()));
    }
    head.push(("MESSAGE".to_string(), t.header()));
    let mut lines: Vec<Line> = vec![line(head)];
    let order = &app.findings.order;
    if order.is_empty() {
        let msg = if engine.findings().is_empty() {
            "no findings: no static risk found".to_string()
        } else {
            super::no_match("finding", app.filter())
        };
        lines.push(line(vec![(msg, t.dim())]));
    }
    let height = visible_rows(area);
    let top = app.findings.list.draw(order.len(), height);
    for (i, &f) in order.iter().enumerate().skip(top).take(height) {
        let finding = &engine.findings()[f];
        let names: Vec<&str> = finding
            .resources
            .iter()
            .map(|r| e.resource(*r).name.as_str())
            .collect();
        let mut spans = vec![
            (
                pad(finding.severity.as_str(), sev_w),
                t.severity(finding.severity),
            ),
            (pad(finding.code, code_w), Style::new()),
        ];
        if res_w > 0 {
            spans.push((pad(&names.join(", "), res_w), t.dim()));
        }
        spans.push((pad(&finding.message, msg_w), Style::new()));
        if i == app.findings.list.cursor() {
            spans = super::selected_row(t, spans, width);
        }
        lines.push(line(spans));
    }
    let list_h = area.height.saturating_sub(DETAIL_HEIGHT);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: list_h,
            ..area
        },
    );

    let detail_area = Rect {
        y: area.y + list_h,
        height: area.height - list_h,
        ..area
    };
    if let Some(&f) = order.get(app.findings.list.cursor()) {
        let finding = &engine.findings()[f];
        let names: Vec<String> = finding
            .resources
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    e.resource(*r).name,
                    e.resource(*r).kind().label()
                )
            })
            .collect();
        let rule = crate::findings::rule(finding.code);
        let text = vec![
            line(vec![(finding.message.clone(), Style::new())]),
            line(vec![(
                format!(
                    "{} · {} · enter shows {} in the domains tree",
                    rule.map_or("", |r| r.category),
                    names.join(", "),
                    finding
                        .resources
                        .first()
                        .map_or("", |r| e.resource(*r).name.as_str())
                ),
                t.dim(),
            )]),
        ];
        let block = Block::default()
            .borders(Borders::TOP)
            .title(format!(" {} ", finding.code));
        frame.render_widget(
            Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
            detail_area,
        );
    }
}
