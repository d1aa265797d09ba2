//! The heatmap: paths × every single-AZ and single-Region loss, with a totals row
//! (paths down and degraded per loss), columns as the estate lists them or worst
//! first, and the selected cell explained in place (`enter`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::sim::{Cause, Status};
use crate::tui::app::App;

use super::{fit, fit_pair, line, pad, wrap};

/// Rows of the explanation under the matrix when it is open (its rule included).
const EXPLAIN_HEIGHT: u16 = 7;

/// Rows under the list: the explanation when open, else the one-line summary.
fn below(app: &App, body: Rect) -> u16 {
    if app.matrix.explain {
        EXPLAIN_HEIGHT.min(body.height.saturating_sub(4))
    } else {
        1
    }
}

/// Path rows in view: the body less the heading, the totals and what is below.
fn visible_rows(app: &App, body: Rect) -> usize {
    body.height.saturating_sub(2 + below(app, body)) as usize
}

pub fn first_row(body: Rect) -> u16 {
    body.y + 2
}

struct Grid {
    label_w: usize,
    col_w: usize,
    /// The first position (in the column order) in view.
    first_col: usize,
    cols: usize,
}

fn grid(app: &App, width: usize) -> Option<Grid> {
    let engine = app.engine.as_ref()?;
    let n = app.matrix.columns.len();
    let col_w = engine
        .matrix
        .domains
        .iter()
        .map(|d| engine.estate.domain_name(*d).width())
        .max()
        .unwrap_or(8)
        .max(8)
        + 1;
    let label_w = (width / 3).clamp(16, 44);
    // Whole words ("~ degraded") when every column fits at that width.
    let long_w = col_w.max(LONG_CELL + 1);
    let col_w = if label_w + n * long_w <= width {
        long_w
    } else {
        col_w
    };
    let cols = (width.saturating_sub(label_w) / col_w).max(1).min(n.max(1));
    let first_col = app.matrix.col.saturating_sub(cols - 1);
    Some(Grid {
        label_w,
        col_w,
        first_col,
        cols,
    })
}

/// Width of the longest whole-word cell, "~ degraded".
const LONG_CELL: usize = 10;

/// A cell's status: whole words when the column is wide enough, else at most
/// four columns, so cells stay narrow.
fn word(s: Status, col_w: usize) -> &'static str {
    match (s, col_w > LONG_CELL) {
        (Status::Ok, _) => "ok",
        (Status::Degraded, true) => "degraded",
        (Status::Degraded, false) => "degr",
        (Status::Down, _) => "DOWN",
    }
}

/// The column position under a click.
pub fn column_at(app: &App, body: Rect, x: u16) -> Option<usize> {
    let g = grid(app, body.width as usize)?;
    let x = (x.checked_sub(body.x)? as usize).checked_sub(g.label_w)?;
    let col = g.first_col + x / g.col_w;
    (col < app.matrix.columns.len() && x / g.col_w < g.cols).then_some(col)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (Some(engine), Some(g)) = (&app.engine, grid(app, area.width as usize)) else {
        return;
    };
    let t = &app.theme;
    let e = &engine.estate;
    let m = &engine.matrix;
    let columns = &app.matrix.columns;
    let shown = g.first_col..(g.first_col + g.cols).min(columns.len());

    // The title never runs into the first column: a shorter form when narrow.
    let title = if shown.start > 0 || shown.end < columns.len() {
        let (a, b, n) = (shown.start + 1, shown.end, columns.len());
        let long = format!("PATH × LOSS ({a}-{b} of {n})");
        if long.width() < g.label_w {
            long
        } else {
            format!("PATH × LOSS {a}-{b}/{n}")
        }
    } else {
        "PATH × LOSS".to_string()
    };
    let mut head = vec![(pad(&title, g.label_w - 1) + " ", t.header())];
    for pos in shown.clone() {
        let d = m.domains[columns[pos]];
        // The columns the user named lost (not the AZs a lost Region takes with it).
        let mut style = if app.lost_domains().contains(&d) {
            t.lost().add_modifier(Modifier::REVERSED)
        } else {
            t.header()
        };
        if pos == app.matrix.col {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        head.push((pad(e.domain_name(d), g.col_w), style));
    }
    let mut lines: Vec<Line> = vec![line(head)];

    // Totals: how many paths each loss takes down, and degrades.
    let totals_label = if g.label_w > 26 {
        "TOTAL  ✗ down  ~ degraded"
    } else {
        "TOTAL ✗ down ~ degr"
    };
    let mut totals = vec![(pad(totals_label, g.label_w - 1) + " ", t.header())];
    for pos in shown.clone() {
        let impact = engine.column_impact[columns[pos]];
        let text = format!("{}✗ {}~", impact.down, impact.degraded);
        let style = if impact.down > 0 {
            t.status(Status::Down)
        } else if impact.degraded > 0 {
            t.status(Status::Degraded)
        } else {
            t.dim()
        };
        totals.push((pad(&text, g.col_w), style.add_modifier(Modifier::BOLD)));
    }
    lines.push(line(totals));

    let order = &app.matrix.order;
    let height = visible_rows(app, area);
    let top = app.matrix.list.draw(order.len(), height);
    for (i, &p) in order.iter().enumerate().skip(top).take(height) {
        let spec = &engine.topo.paths()[p];
        // Cut like the Paths screen: the load balancer first, the target group in the
        // middle; where the path is stays when another path has the same label.
        let place = engine.path_where[p]
            .as_deref()
            .map_or(String::new(), |w| format!(" {w}"));
        let room = (g.label_w - 1).saturating_sub(place.width()).max(8);
        let label = format!(
            "{}{place}",
            fit_pair(&e.resource(spec.lb).name, &e.resource(spec.tg).name, room)
        );
        let row_selected = i == app.matrix.list.cursor();
        let mut spans = vec![(
            pad(&label, g.label_w - 1) + " ",
            if row_selected {
                t.selected()
            } else {
                Style::new()
            },
        )];
        for pos in shown.clone() {
            let cell = m.cell(p, columns[pos]);
            let text = format!("{} {}", cell.status.glyph(), word(cell.status, g.col_w));
            let mut style = t.heat(cell.status);
            if row_selected && pos == app.matrix.col {
                style = style.add_modifier(Modifier::REVERSED | Modifier::BOLD);
            }
            spans.push((pad(&text, g.col_w - 1), style));
            spans.push((" ".to_string(), Style::new()));
        }
        lines.push(line(spans));
    }
    if order.is_empty() {
        lines.push(line(vec![(super::no_match("path", app.filter()), t.dim())]));
    }
    let below = below(app, area) as usize;
    while lines.len() + below < area.height as usize {
        lines.push(Line::raw(""));
    }
    lines.extend(explanation(app, area.width as usize, below));
    frame.render_widget(Paragraph::new(lines), area);
}

/// The selected cell: one line (and what the keys do) or, once `enter` opened it,
/// its status, capacity now and after recovery, and every reason, in `rows` lines.
fn explanation(app: &App, width: usize, rows: usize) -> Vec<Line<'static>> {
    let Some(engine) = &app.engine else {
        return Vec::new();
    };
    let t = &app.theme;
    let e = &engine.estate;
    let (Some(p), Some(c), Some(d)) = (
        app.matrix.selected_path(),
        app.matrix.selected_column(),
        app.matrix.selected_domain(engine),
    ) else {
        return Vec::new();
    };
    let cell = engine.matrix.cell(p, c);
    let before = engine.topo.baseline(p).capacity.map_or(0, |c| c.before);
    if !app.matrix.explain {
        let text = format!(
            " {} when {} is lost: {} ({} of {} left) — enter explains, a applies, space adds",
            engine.path_label_placed(p),
            e.domain_name(d),
            cell.status.as_str(),
            cell.after,
            before,
        );
        return vec![line(vec![(fit(&text, width), t.dim())])];
    }
    let title = format!(
        "── {} when {} is lost ",
        engine.path_label_placed(p),
        e.domain_name(d)
    );
    let rule = "─".repeat(width.saturating_sub(title.width()));
    let mut out = vec![line(vec![(fit(&(title + &rule), width), t.dim())])];
    let verdict = match &app.matrix.explained {
        Some((x, v)) if *x == d => v,
        _ => {
            out.push(line(vec![(" explaining…".to_string(), t.dim())]));
            return out;
        }
    };
    let pv = &verdict.paths[p];
    let c = pv.capacity;
    out.push(line(vec![
        (
            format!(" {} {}", pv.status.glyph(), pv.status.as_str()),
            t.status(pv.status),
        ),
        (
            format!(
                ": {}/{} {} now, {} after recovery — a applies this loss alone, space adds it, enter hides",
                c.after,
                c.before,
                c.unit.label(),
                c.after_recovery
            ),
            Style::new(),
        ),
    ]));
    let reasons: Vec<String> = (pv.reasons.iter())
        .filter(|r| r.cause != Cause::NothingLost)
        .map(|r| r.describe(e))
        .collect();
    if reasons.is_empty() {
        out.push(line(vec![(
            " nothing on this path is in the lost domain".to_string(),
            t.dim(),
        )]));
    }
    for r in &reasons {
        for (k, chunk) in wrap(r, width.saturating_sub(4)).into_iter().enumerate() {
            if out.len() >= rows {
                break;
            }
            let lead = if k == 0 { " • " } else { "   " };
            out.push(line(vec![(
                fit(&format!("{lead}{chunk}"), width),
                Style::new(),
            )]));
        }
    }
    out.truncate(rows);
    out
}
