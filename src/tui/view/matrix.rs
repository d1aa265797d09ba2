//! The heatmap: paths × every single-AZ and single-Region loss.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::tui::app::App;

use super::{fit, fit_pair, line, pad};

fn visible_rows(body: Rect) -> usize {
    body.height.saturating_sub(2) as usize
}

pub fn first_row(body: Rect) -> u16 {
    body.y + 1
}

struct Grid {
    label_w: usize,
    col_w: usize,
    first_col: usize,
    cols: usize,
}

fn grid(app: &App, width: usize) -> Option<Grid> {
    let engine = app.engine.as_ref()?;
    let n = engine.matrix.domains.len();
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
fn word(s: crate::sim::Status, col_w: usize) -> &'static str {
    match (s, col_w > LONG_CELL) {
        (crate::sim::Status::Ok, _) => "ok",
        (crate::sim::Status::Degraded, true) => "degraded",
        (crate::sim::Status::Degraded, false) => "degr",
        (crate::sim::Status::Down, _) => "DOWN",
    }
}

/// The domain column under a click.
pub fn column_at(app: &App, body: Rect, x: u16) -> Option<usize> {
    let g = grid(app, body.width as usize)?;
    let x = (x.checked_sub(body.x)? as usize).checked_sub(g.label_w)?;
    let col = g.first_col + x / g.col_w;
    let n = app.engine.as_ref()?.matrix.domains.len();
    (col < n && x / g.col_w < g.cols).then_some(col)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let (Some(engine), Some(g)) = (&app.engine, grid(app, area.width as usize)) else {
        return;
    };
    let t = &app.theme;
    let e = &engine.estate;
    let m = &engine.matrix;
    let shown = g.first_col..(g.first_col + g.cols).min(m.domains.len());

    // The title never runs into the first column: a shorter form when narrow.
    let title = if shown.start > 0 || shown.end < m.domains.len() {
        let (a, b, n) = (shown.start + 1, shown.end, m.domains.len());
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
    for c in shown.clone() {
        let d = m.domains[c];
        // The columns the user named lost (not the AZs a lost Region takes with it).
        let mut style = if app.lost_domains().contains(&d) {
            t.lost().add_modifier(Modifier::REVERSED)
        } else {
            t.header()
        };
        if c == app.matrix.col {
            style = style.add_modifier(Modifier::UNDERLINED);
        }
        head.push((pad(e.domain_name(d), g.col_w), style));
    }
    let mut lines: Vec<Line> = vec![line(head)];

    let order = &app.matrix.order;
    let height = visible_rows(area);
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
        for c in shown.clone() {
            let cell = m.cell(p, c);
            let text = format!("{} {}", cell.status.glyph(), word(cell.status, g.col_w));
            let mut style = t.heat(cell.status);
            if row_selected && c == app.matrix.col {
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
    // The selected cell, spelled out.
    while lines.len() < area.height.saturating_sub(1) as usize {
        lines.push(Line::raw(""));
    }
    if let (Some(&p), Some(&d)) = (
        order.get(app.matrix.list.cursor()),
        m.domains.get(app.matrix.col),
    ) {
        let cell = m.cell(p, app.matrix.col);
        let text = format!(
            " {} when {} is lost: {} ({} of {} left) — enter applies this loss, space adds it",
            engine.path_label_placed(p),
            e.domain_name(d),
            cell.status.as_str(),
            cell.after,
            engine.topo.baseline(p).capacity.map_or(0, |c| c.before),
        );
        lines.push(line(vec![(fit(&text, area.width as usize), t.dim())]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}
