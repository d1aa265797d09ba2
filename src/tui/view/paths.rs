//! Paths: one row per user-facing path with status, capacity bar and first reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::sim::{Capacity, Cause, Status};
use crate::tui::app::App;

use super::{bar, fit, fit_pair, line, pad, wrap};

/// Rows of the "why" pane under the list: the selected path's reasons in full, on
/// screens too narrow for the WHY column to say much, and on any screen whose
/// `rows` paths leave the room free anyway.
fn why_height(body: Rect, rows: usize) -> u16 {
    const PANE: u16 = 5;
    let room_left = usize::from(body.height.saturating_sub(1 + PANE)) >= rows;
    if body.height >= 12 && (body.width < 120 || room_left) {
        PANE
    } else {
        0
    }
}

/// List rows in view when the list holds `rows` paths.
fn visible_rows(body: Rect, rows: usize) -> usize {
    body.height.saturating_sub(1 + why_height(body, rows)) as usize
}

pub fn first_row(body: Rect) -> u16 {
    body.y + 1
}

/// Column widths for a given screen width (0 hides a column).
struct Columns {
    status: usize,
    path: usize,
    account: usize,
    region: usize,
    capacity: usize,
    bar: usize,
    reason: usize,
}

impl Columns {
    fn for_width(w: usize, longest_path: usize) -> Columns {
        // "~ redundancy": a degraded row says how, in a word.
        let status = 13;
        let (capacity, bar) = if w >= 90 { (26, 10) } else { (19, 5) };
        // AWS Health reports by account: the column stays, abbreviated, at 80.
        let account = if w >= 130 { 16 } else { 11 };
        let region = if w >= 100 { 11 } else { 0 };
        let rest = w.saturating_sub(status + capacity + account + region);
        // The path whole first: a cut name is what a reader cannot guess.
        let path = longest_path.clamp(12, 48).min(rest);
        let reason = rest.saturating_sub(path + 1);
        // Below 100 columns, or with little room, the pane under the list says why.
        let (path, reason) = if reason < 16 || w < 100 {
            (rest, 0)
        } else {
            (path, reason)
        };
        Columns {
            status,
            path,
            account,
            region,
            capacity,
            bar,
            reason,
        }
    }
}

/// `✗ down`, `✓ ok`, or for a degraded path how it is degraded: `~ egress`.
pub fn status_text(pv: &crate::sim::PathVerdict) -> String {
    let word = match pv.status {
        Status::Degraded => crate::report::brief::degradation_word(pv).unwrap_or("degraded"),
        other => other.as_str(),
    };
    format!("{} {word}", pv.status.glyph())
}

pub fn capacity_text(c: &Capacity) -> String {
    format!("{}/{} {}", c.after, c.before, c.unit.label())
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (Some(engine), Some(verdict)) = (&app.engine, &app.verdict) else {
        return;
    };
    let t = &app.theme;
    let e = &engine.estate;
    let label = |p: usize, width: usize| {
        let spec = &engine.topo.paths()[p];
        fit_pair(&e.resource(spec.lb).name, &e.resource(spec.tg).name, width)
    };
    // Precomputed: measuring every label would cost a pass over all paths per frame.
    let c = Columns::for_width(area.width as usize, engine.longest_path_label);
    let mut head = vec![
        (pad("STATUS", c.status), t.header()),
        (pad("PATH", c.path) + " ", t.header()),
    ];
    if c.account > 0 {
        head.push((pad("ACCOUNT", c.account), t.header()));
    }
    if c.region > 0 {
        head.push((pad("REGION", c.region), t.header()));
    }
    let cap_head = if c.bar > 5 {
        "CAPACITY now/before"
    } else {
        "NOW/BEFORE"
    };
    head.push((pad(cap_head, c.capacity - 1) + " ", t.header()));
    if c.reason > 0 {
        head.push(("WHY".to_string(), t.header()));
    }
    let mut lines: Vec<Line> = vec![line(head)];
    let order = &app.paths.order;
    if order.is_empty() {
        lines.push(line(vec![(super::no_match("path", app.filter()), t.dim())]));
    }
    let height = visible_rows(area, order.len());
    let top = app.paths.list.draw(order.len(), height);
    for (i, &p) in order.iter().enumerate().skip(top).take(height) {
        let pv = &verdict.paths[p];
        let spec = &engine.topo.paths()[p];
        let st = t.status(pv.status);
        let mut spans = vec![
            (pad(&status_text(pv), c.status), st),
            (pad(&label(p, c.path), c.path) + " ", Style::new()),
        ];
        if c.account > 0 {
            // Cut in the middle: `payme…prod` still tells accounts apart.
            let name = &e.account(spec.account).name;
            spans.push((
                pad(&super::fit_middle(name, c.account - 1), c.account - 1) + " ",
                t.dim(),
            ));
        }
        if c.region > 0 {
            spans.push((pad(e.region_name(spec.region), c.region), t.dim()));
        }
        if c.bar > 0 {
            spans.push((bar(pv.capacity.after, pv.capacity.before, c.bar) + " ", st));
        }
        spans.push((
            pad(
                &capacity_text(&pv.capacity),
                c.capacity - c.bar.min(c.capacity) - usize::from(c.bar > 0),
            ),
            Style::new(),
        ));
        if c.reason > 0 {
            let reason = pv.reasons.first();
            let text = match reason {
                Some(r) if r.cause == Cause::NothingLost => "—".to_string(),
                Some(r) => r.describe(e),
                None => String::new(),
            };
            let style = if pv.status == Status::Ok {
                t.dim()
            } else {
                Style::new()
            };
            spans.push((pad(&text, c.reason), style));
        }
        if i == app.paths.list.cursor() {
            spans = super::selected_row(t, spans, area.width as usize);
        }
        lines.push(line(spans));
    }
    let why = why_height(area, order.len());
    let list = Rect::new(area.x, area.y, area.width, area.height - why);
    frame.render_widget(Paragraph::new(lines), list);
    if why > 0
        && let Some(p) = app.paths.selected()
    {
        let pane = Rect::new(area.x, area.y + list.height, area.width, why);
        render_why(app, p, frame, pane);
    }
}

/// The selected path's reasons, as many as fit, under a rule naming the path.
fn render_why(app: &App, p: usize, frame: &mut Frame, area: Rect) {
    let (Some(engine), Some(verdict)) = (&app.engine, &app.verdict) else {
        return;
    };
    let t = &app.theme;
    let width = area.width as usize;
    let pv = &verdict.paths[p];
    let title = format!("── {} ", engine.path_label_placed(p));
    let rule =
        "─".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(title.as_str())));
    let mut lines = vec![line(vec![(fit(&(title + &rule), width), t.dim())])];
    let room = area.height.saturating_sub(1) as usize;
    let mut reasons: Vec<String> = pv
        .reasons
        .iter()
        .filter(|r| r.cause != Cause::NothingLost)
        .map(|r| r.describe(&engine.estate))
        .collect();
    // Under a Region loss, what its data can be restored from.
    reasons.extend(
        super::detail::region_loss_data(engine, verdict, p)
            .iter()
            .map(|d| d.describe()),
    );
    if reasons.is_empty() {
        lines.push(line(vec![(
            " nothing lost on this path".to_string(),
            t.dim(),
        )]));
    }
    // Each reason wrapped in full, as many as fit; the last row says what is left.
    let mut rows: Vec<String> = Vec::new();
    let mut shown = 0;
    for r in &reasons {
        let wrapped = wrap(r, width.saturating_sub(4));
        let last = shown + 1 == reasons.len();
        let limit = if last { room } else { room.saturating_sub(1) };
        if rows.len() + wrapped.len() > limit {
            if shown == 0 {
                // Too long even alone: as much of it as fits.
                for chunk in wrapped.into_iter().take(limit) {
                    rows.push(format!("   {chunk}"));
                }
                if let Some(first) = rows.first_mut() {
                    first.replace_range(..3, " • ");
                }
                shown = 1;
            }
            break;
        }
        for (k, chunk) in wrapped.into_iter().enumerate() {
            rows.push(format!(" {} {chunk}", if k == 0 { "•" } else { " " }));
        }
        shown += 1;
    }
    for row in rows {
        lines.push(line(vec![(fit(&row, width), Style::new())]));
    }
    if shown < reasons.len() {
        lines.push(line(vec![(
            format!(
                " +{} more: enter shows every hop and reason",
                reasons.len() - shown
            ),
            t.dim(),
        )]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
