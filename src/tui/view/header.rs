//! Three lines: the estate and its counts; tabs and breadcrumbs; the scenario and its summary.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::sim::Status;
use crate::tui::app::{App, Screen};

use super::{Regions, fit, line};

/// Below this width the tabs use their short labels, leaving room for the breadcrumbs.
const FULL_TABS: u16 = 100;

/// Each tab's label and its first and last column, on a header `width` wide.
fn tabs(width: u16) -> Vec<(Screen, String, u16, u16)> {
    let mut x = 0u16;
    Screen::ALL
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let title = if width >= FULL_TABS {
                s.title()
            } else {
                s.short_title()
            };
            let label = format!(" {} {title} ", i + 1);
            let w = label.width() as u16;
            let t = (*s, label, x, x + w);
            x += w + 1;
            t
        })
        .collect()
}

/// The screen whose tab is under a click.
pub fn tab_at(regions: &Regions, column: u16, row: u16) -> Option<Screen> {
    if row != regions.header.y + 1 {
        return None;
    }
    let x = column.checked_sub(regions.header.x)?;
    tabs(regions.header.width)
        .into_iter()
        .find(|(_, _, start, end)| x >= *start && x < *end)
        .map(|(s, ..)| s)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let width = area.width as usize;
    let mut lines: Vec<Line> = Vec::new();

    let estate_line = match &app.engine {
        Some(engine) => {
            let e = &engine.estate;
            let (a, r, z, n, p) = (
                e.accounts().len(),
                e.region_count(),
                e.azs().len(),
                e.resources().len(),
                engine.topo.paths().len(),
            );
            // Missing data must never pass for no resources: the badge comes first.
            let gaps = e.coverage_gaps().count();
            let badge = if gaps > 0 {
                format!(
                    "INCOMPLETE: {}, :gaps ",
                    crate::text::count(gaps, "gap", "gaps")
                )
            } else {
                String::new()
            };
            let origin = engine.origin_label();
            let counts =
                format!("{a} accounts · {r} Regions · {z} AZs · {n} resources · {p} paths");
            // " blastmap ", "│ " and " │ " around the origin.
            let fixed = 15 + badge.width();
            // Narrow terminals get the short form rather than a cut line.
            let short = format!("{a} acct · {r} Reg · {z} AZ · {n} res · {p} paths");
            let shortest = format!("{a} acct · {z} AZ · {p} paths");
            let (origin, counts) = if fixed + origin.width() + counts.width() <= width {
                (origin, counts)
            } else if fixed + engine.origin_short().width() + short.width() <= width {
                (engine.origin_short(), short)
            } else {
                (engine.origin_short(), shortest)
            };
            let room = width.saturating_sub(fixed + counts.width());
            vec![
                (" blastmap ".to_string(), t.title()),
                (badge, t.error()),
                (format!("│ {} │ ", fit(&origin, room)), Style::new()),
                (counts, t.dim()),
            ]
        }
        None => vec![(" blastmap ".to_string(), t.title())],
    };
    lines.push(line(estate_line));

    let mut tab_spans: Vec<(String, Style)> = Vec::new();
    for (s, label, ..) in tabs(area.width) {
        let style = if s == app.screen {
            t.active_tab()
        } else {
            t.dim()
        };
        tab_spans.push((label, style));
        tab_spans.push((" ".to_string(), Style::new()));
    }
    let used: usize = tab_spans.iter().map(|(s, _)| s.width()).sum();
    let crumbs = breadcrumbs(app);
    tab_spans.push((fit(&crumbs, width.saturating_sub(used)), t.dim()));
    lines.push(line(tab_spans));

    let mut scenario: Vec<(String, Style)> = Vec::new();
    match (&app.engine, &app.verdict) {
        (Some(engine), Some(v)) => {
            let lost = app.lost_domains();
            if lost.is_empty() {
                scenario.push((" lost: nothing ".to_string(), Style::new()));
            } else {
                scenario.push((" lost: ".to_string(), Style::new()));
                let names: Vec<&str> = lost.iter().map(|d| engine.estate.domain_name(*d)).collect();
                scenario.push((names.join(", "), t.lost()));
                scenario.push((" ".to_string(), Style::new()));
            }
            scenario.push(("│ ".to_string(), Style::new()));
            if app.simulating {
                scenario.push(("simulating…".to_string(), t.dim()));
            } else {
                let (ok, degraded, down) = v.counts();
                // Just changed: the summary stands out for a moment.
                let fresh = |s: Style| {
                    if app.summary_flash > 0 {
                        s.add_modifier(Modifier::REVERSED)
                    } else {
                        s
                    }
                };
                scenario.push((format!("{down} down"), fresh(t.status(Status::Down))));
                scenario.push((", ".to_string(), fresh(Style::new())));
                scenario.push((
                    format!("{degraded} degraded"),
                    fresh(t.status(Status::Degraded)),
                ));
                scenario.push((", ".to_string(), fresh(Style::new())));
                scenario.push((format!("{ok} ok"), fresh(t.status(Status::Ok))));
            }
        }
        _ if super::scan_failed(app) => scenario.push((" scan failed".to_string(), t.error())),
        _ if app.scanning => scenario.push((" scanning…".to_string(), t.dim())),
        _ => scenario.push((" loading…".to_string(), t.dim())),
    }
    if app.scanning && app.engine.is_some() {
        let (done, total) = app.scan_counts();
        scenario.push((format!(" │ rescanning {done}/{total}"), t.dim()));
    }
    lines.push(line(scenario));
    frame.render_widget(Paragraph::new(lines), area);
}

fn breadcrumbs(app: &App) -> String {
    // Nothing to be in before an estate is loaded.
    if app.engine.is_none() {
        return String::new();
    }
    let mut parts = vec![app.screen.title().to_string()];
    match app.screen {
        Screen::Domains => parts.push(app.domains.grouping.label().to_string()),
        Screen::Backups => parts.push(app.backups.sort.label().to_string()),
        Screen::Paths => {
            if let (Some(p), Some(engine)) = (app.paths.detail, &app.engine) {
                let spec = &engine.topo.paths()[p];
                parts.push(engine.estate.forwarding_label(spec.lb, spec.tg));
            } else {
                parts.push(format!("by {}", app.paths.sort.label()));
            }
        }
        _ => {}
    }
    if !app.filter().is_empty() {
        parts.push(format!("filter \"{}\"", app.filter()));
    }
    format!("› {}", parts.join(" › "))
}
