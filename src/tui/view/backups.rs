//! Backups: each piece of data user-facing paths need, its copies and the Regions
//! they are in, its newest recovery point, and what a loss of its Region restores
//! from (with the RPO); the selected one spelled out below.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::model::{Domain, Estate};
use crate::sim::{DataProtection, DataRecovery, LostDomains, Status};
use crate::tui::app::App;
use crate::tui::engine::readable_time;

use super::{fit, line, pad, wrap};

/// Rows of the pane under the list (its rule included), when the body has room.
fn pane_height(body: Rect) -> u16 {
    if body.height >= 12 { 6 } else { 0 }
}

fn visible_rows(body: Rect) -> usize {
    body.height.saturating_sub(1 + pane_height(body)) as usize
}

pub fn first_row(body: Rect) -> u16 {
    body.y + 1
}

/// Column widths for a screen width (0 hides a column); the data's name takes the rest.
struct Columns {
    mark: usize,
    data: usize,
    kind: usize,
    region: usize,
    copies: usize,
    newest: usize,
    restore: usize,
}

impl Columns {
    fn for_width(w: usize, region_lost: bool) -> Columns {
        let mark = 2;
        let region = if region_lost { 16 } else { 11 };
        let kind = if w >= 110 { 18 } else { 0 };
        let newest = if w >= 120 { 18 } else { 0 };
        let copies = if w >= 100 { 26 } else { 22 };
        let restore = if w >= 100 { 24 } else { 22 };
        let mut data = w.saturating_sub(mark + kind + region + copies + newest + restore);
        // Narrow terminals: the name keeps 14 columns, taken from the copies first.
        let (mut copies, mut restore) = (copies, restore);
        for (col, least) in [(&mut copies, 10), (&mut restore, 14)] {
            let take = 14usize.saturating_sub(data).min(col.saturating_sub(least));
            *col -= take;
            data += take;
        }
        Columns {
            mark,
            data,
            kind,
            region,
            copies,
            newest,
            restore,
        }
    }
}

/// How bad a piece of data's position is: no copy outside its Region (down), a
/// stale backup (degraded), else fine.
pub fn status_of(d: &DataProtection) -> Status {
    if d.after_region_loss.is_none() {
        Status::Down
    } else if d.stale.is_some() {
        Status::Degraded
    } else {
        Status::Ok
    }
}

/// The Regions its copies are in, its own first: `us-east-1, eu-west-1`.
fn copy_regions(d: &DataProtection) -> String {
    if d.copies.is_empty() {
        return "none".to_string();
    }
    let mut regions: Vec<&str> = Vec::new();
    for r in std::iter::once(d.region.as_str())
        .filter(|home| d.copies.iter().any(|c| c.region == *home))
        .chain(d.copies.iter().map(|c| c.region.as_str()))
    {
        if !regions.contains(&r) {
            regions.push(r);
        }
    }
    format!("{} in {}", d.copies.len(), regions.join(", "))
}

/// `text` in a column `width` wide, a space always left before the next one.
fn cell(text: &str, width: usize) -> String {
    pad(text, width.saturating_sub(1)) + " "
}

/// What a loss of its Region restores from: `eu-west-1, RPO 3 h`.
fn restore_text(d: &DataProtection) -> String {
    match &d.after_region_loss {
        Some(c) => format!("{}, RPO {}", c.region, c.rpo.describe()),
        None => "nothing: lost with it".to_string(),
    }
}

/// What losing its Region means for it, as the Region-loss answers say it; a copy
/// in a Region the scenario `lost` also loses restores nothing.
pub fn recovery(d: &DataProtection, estate: &Estate, lost: Option<&LostDomains>) -> DataRecovery {
    let survives = |region: &str| match (lost, estate.region_by_name(region)) {
        (Some(l), Some(r)) => !l.region(r),
        _ => true,
    };
    let best = (d.copies.iter())
        .filter(|c| c.region != d.region && survives(&c.region))
        .min_by_key(|c| c.rpo);
    DataRecovery {
        name: d.name.clone(),
        region: d.region.clone(),
        restorable_in: best.map(|c| c.region.clone()),
        how: best.map(|c| c.how.label()),
        rpo: best.map(|c| c.rpo),
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(engine) = &app.engine else { return };
    let t = &app.theme;
    let e = &engine.estate;
    // Room for " LOST" beside a Region the scenario loses.
    let lost_region = |name: &str| {
        e.region_by_name(name)
            .is_some_and(|r| app.verdict.as_ref().is_some_and(|v| v.lost.region(r)))
    };
    let any_lost = app
        .lost_domains()
        .iter()
        .any(|d| matches!(d, Domain::Region(_)));
    let c = Columns::for_width(area.width as usize, any_lost);
    let mut head = vec![
        (pad("", c.mark), t.header()),
        (cell("DATA", c.data), t.header()),
    ];
    if c.kind > 0 {
        head.push((cell("KIND", c.kind), t.header()));
    }
    head.push((cell("REGION", c.region), t.header()));
    head.push((cell("COPIES", c.copies), t.header()));
    if c.newest > 0 {
        head.push((cell("NEWEST POINT", c.newest), t.header()));
    }
    head.push((pad("IF ITS REGION IS LOST", c.restore), t.header()));
    let mut lines: Vec<Line> = vec![line(head)];
    let order = &app.backups.order;
    if order.is_empty() {
        let msg = if engine.backups.is_empty() {
            "no user-facing path depends on a database, table or cache".to_string()
        } else {
            super::no_match("data", app.filter())
        };
        lines.push(line(vec![(msg, t.dim())]));
    }
    let height = visible_rows(area);
    let top = app.backups.list.draw(order.len(), height);
    for (i, &k) in order.iter().enumerate().skip(top).take(height) {
        let d = &engine.backups[k];
        let status = status_of(d);
        let region_lost = lost_region(&d.region);
        let mut spans = vec![
            (pad(status.glyph(), c.mark), t.status(status)),
            (cell(&d.name, c.data), Style::new()),
        ];
        if c.kind > 0 {
            spans.push((cell(d.kind.label(), c.kind), t.dim()));
        }
        let region = if region_lost {
            (cell(&format!("{} LOST", d.region), c.region), t.lost())
        } else {
            (cell(&d.region, c.region), t.dim())
        };
        spans.push(region);
        spans.push((cell(&copy_regions(d), c.copies), Style::new()));
        if c.newest > 0 {
            let newest = d
                .newest_recovery_point
                .as_deref()
                .map_or("—".to_string(), |p| {
                    readable_time(p).trim_end_matches(" UTC").to_string()
                });
            spans.push((cell(&newest, c.newest), Style::new()));
        }
        spans.push((pad(&restore_text(d), c.restore), t.status(status)));
        if i == app.backups.list.cursor() {
            spans = super::selected_row(t, spans, area.width as usize);
        }
        lines.push(line(spans));
    }
    let pane = pane_height(area);
    let list = Rect::new(area.x, area.y, area.width, area.height - pane);
    frame.render_widget(Paragraph::new(lines), list);
    if pane > 0
        && let Some(d) = app.backups.selected(engine)
    {
        let at = Rect::new(area.x, area.y + list.height, area.width, pane);
        render_pane(app, d, frame, at);
    }
}

/// The selected data in full: its copies, who needs it, staleness, and what a loss
/// of its Region restores (said as the Region is lost, when it is).
fn render_pane(app: &App, d: &DataProtection, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let width = area.width as usize;
    let title = format!("── {} · {} · {} ", d.name, d.kind.label(), d.region);
    let rule = "─".repeat(width.saturating_sub(title.width()));
    let mut lines = vec![line(vec![(fit(&(title + &rule), width), t.dim())])];
    let lost = app
        .engine
        .as_ref()
        .and_then(|e| e.estate.region_by_name(&d.region));
    let region_lost = lost.is_some_and(|r| app.verdict.as_ref().is_some_and(|v| v.lost.region(r)));
    let status = status_of(d);
    let mut rows: Vec<(String, Style)> = Vec::new();
    let engine = app.engine.as_ref();
    let said = match engine {
        Some(e) => recovery(d, &e.estate, app.verdict.as_ref().map(|v| &v.lost)).describe(),
        None => String::new(),
    };
    let first = if region_lost {
        format!("{} is lost: {said}", d.region)
    } else {
        format!("if {} is lost: {said}", d.region)
    };
    rows.push((first, t.status(status)));
    let copies: Vec<String> = (d.copies.iter())
        .map(|c| match &c.at {
            Some(at) => format!(
                "{}: {} ({})",
                c.region,
                c.how.label(),
                readable_time(at).trim_end_matches(" UTC")
            ),
            None => format!("{}: {}", c.region, c.how.label()),
        })
        .collect();
    rows.push((
        if copies.is_empty() {
            "copies: none (no backup at all)".to_string()
        } else {
            format!("copies: {}", copies.join("; "))
        },
        Style::new(),
    ));
    if let Some(stale) = &d.stale {
        rows.push((
            format!(
                "stale: newest recovery point {}, plan every {} h",
                readable_time(&stale.newest_recovery_point).trim_end_matches(" UTC"),
                stale.every_hours
            ),
            t.status(Status::Degraded),
        ));
    }
    if !d.services.is_empty() {
        rows.push((format!("needed by: {}", d.services.join(", ")), t.dim()));
    }
    let room = area.height.saturating_sub(1) as usize;
    'rows: for (text, style) in rows {
        for chunk in wrap(&text, width.saturating_sub(2)) {
            if lines.len() > room {
                break 'rows;
            }
            lines.push(line(vec![(fit(&format!(" {chunk}"), width), style)]));
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}
