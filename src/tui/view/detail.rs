//! One path, hop by hop, with a per-AZ capacity chart (before / now / after recovery).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::model::{AccountIdx, Estate};
use crate::sim::{
    Cause, DataRecovery, PathDetail, Status, Verdict, data_recovery, path_data_recovery,
    path_detail, service_summary,
};
use crate::tui::app::App;
use crate::tui::engine::Engine;
use crate::tui::theme::Theme;

use super::{bar, line, pad, wrap};

/// The detail's lines: (left, right, drawn side by side).
struct Columns {
    left: Vec<Line<'static>>,
    right: Vec<Line<'static>>,
    side_by_side: bool,
    left_w: usize,
}

impl Columns {
    /// How far the detail can scroll in `area` (its height as lines, less what fits).
    fn max_scroll(&self, area: Rect) -> usize {
        let height = if self.side_by_side {
            self.left.len().max(self.right.len())
        } else {
            self.left.len() + 1 + self.right.len()
        };
        height.saturating_sub(area.height as usize)
    }
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(c) = columns(app, area) else {
        return;
    };
    let scroll = app
        .paths
        .detail_scroll
        .draw(c.max_scroll(area), area.height as usize) as u16;
    if c.side_by_side {
        let [l, _, r] = Layout::horizontal([
            Constraint::Length(c.left_w as u16),
            Constraint::Length(1),
            Constraint::Min(1),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(c.left).scroll((scroll, 0)), l);
        frame.render_widget(Paragraph::new(c.right).scroll((scroll, 0)), r);
    } else {
        let mut all = c.left;
        all.push(Line::raw(""));
        all.extend(c.right);
        frame.render_widget(Paragraph::new(all).scroll((scroll, 0)), area);
    }
}

fn columns(app: &App, area: Rect) -> Option<Columns> {
    let (Some(engine), Some(verdict), Some(p)) = (&app.engine, &app.verdict, app.paths.detail)
    else {
        return None;
    };
    let t = &app.theme;
    let e = &engine.estate;
    let detail = path_detail(e, &engine.topo, p, verdict);
    let pv = &verdict.paths[p];
    let spec = &engine.topo.paths()[p];
    let two_columns = area.width >= 120;
    let left_w = if two_columns {
        area.width as usize * 6 / 10
    } else {
        area.width as usize
    };
    let right_w = if two_columns {
        area.width as usize - left_w - 1
    } else {
        area.width as usize
    };

    let mut left: Vec<Line> = Vec::new();
    left.push(line(vec![
        (
            format!("{} {} ", pv.status.glyph(), pv.status.as_str()),
            t.status(pv.status),
        ),
        (e.forwarding_label(spec.lb, spec.tg), t.header()),
    ]));
    left.push(line(vec![(
        format!(
            "{} · {} · {}",
            e.account(spec.account).name,
            e.region_name(spec.region),
            spec.service.map_or("no service".to_string(), |s| format!(
                "service {}",
                engine.topo.services()[s].name
            ))
        ),
        t.dim(),
    )]));
    let c = pv.capacity;
    left.push(line(vec![(
        format!(
            "capacity {} {unit} before → {} now → {} after recovery",
            c.before,
            c.after,
            c.after_recovery,
            unit = c.unit.label()
        ),
        Style::new(),
    )]));
    left.push(Line::raw(""));
    left.push(line(vec![("Why".to_string(), t.title())]));
    for r in &pv.reasons {
        let text = if r.cause == Cause::NothingLost {
            "nothing on this path is in a lost domain".to_string()
        } else {
            r.describe(e)
        };
        for (k, chunk) in wrap(&text, left_w.saturating_sub(4))
            .into_iter()
            .enumerate()
        {
            let prefix = if k == 0 {
                format!("{} ", r.effect.glyph())
            } else {
                "  ".to_string()
            };
            left.push(line(vec![
                (prefix, t.status(r.effect)),
                (chunk, Style::new()),
            ]));
        }
    }
    // The service's answer (its entry point's routing), and under a Region loss
    // what its data can be restored from.
    let service = spec.service.and_then(|s| {
        (!verdict.lost.in_order().is_empty())
            .then(|| service_summary(e, &engine.topo, verdict, s))
            .flatten()
    });
    if let Some(s) = &service {
        left.push(Line::raw(""));
        left.push(line(vec![
            (format!("Service {}: ", s.name), t.title()),
            (
                format!("{} {}", s.status.glyph(), s.status.as_str()),
                t.status(s.status),
            ),
        ]));
        if let Some(reason) = &s.reason {
            for chunk in wrap(reason, left_w.saturating_sub(2)) {
                left.push(line(vec![(format!("  {chunk}"), Style::new())]));
            }
        }
    }
    let data = region_loss_data(engine, verdict, p);
    if !data.is_empty() {
        left.push(Line::raw(""));
        let whose = match &service {
            Some(s) => format!("Data of {} in the lost Region", s.name),
            None => "Data in the lost Region".to_string(),
        };
        left.push(line(vec![(whose, t.title())]));
        for d in &data {
            let st = if d.restorable_in.is_some() {
                Status::Degraded
            } else {
                Status::Down
            };
            for (k, chunk) in wrap(&d.describe(), left_w.saturating_sub(4))
                .into_iter()
                .enumerate()
            {
                let prefix = if k == 0 {
                    format!("{} ", st.glyph())
                } else {
                    "  ".to_string()
                };
                left.push(line(vec![(prefix, t.status(st)), (chunk, Style::new())]));
            }
        }
    }
    left.push(Line::raw(""));
    left.push(line(vec![("Hops".to_string(), t.title())]));
    for h in &detail.hops {
        // glyph, label and note on one line when they fit; else the label wraps and the
        // note follows on lines of its own, so no reason is ever cut off.
        let lead = format!("{}{} ", "  ".repeat(h.depth as usize), h.status.glyph());
        let lead_w = lead.chars().count();
        let one_line = lead_w + h.label.chars().count() + 2 + h.note.chars().count();
        if one_line <= left_w {
            left.push(line(vec![
                (lead, t.status(h.status)),
                (h.label.clone(), Style::new()),
                (format!("  {}", h.note), t.dim()),
            ]));
            continue;
        }
        let room = left_w.saturating_sub(lead_w);
        for (k, chunk) in wrap(&h.label, room).into_iter().enumerate() {
            let head = if k == 0 {
                (lead.clone(), t.status(h.status))
            } else {
                (" ".repeat(lead_w), Style::new())
            };
            left.push(line(vec![head, (chunk, Style::new())]));
        }
        let note_lead = " ".repeat(lead_w + 2);
        for chunk in wrap(&h.note, room.saturating_sub(2)) {
            left.push(line(vec![(format!("{note_lead}{chunk}"), t.dim())]));
        }
    }

    let right = capacity_per_az(t, e, spec.account, &detail, c.unit.label(), right_w);
    Some(Columns {
        left,
        right,
        side_by_side: two_columns,
        left_w,
    })
}

/// What path `p`'s data in a lost Region can be restored from (its service's data,
/// or its own outside any service): empty unless the scenario loses a Region.
pub fn region_loss_data(engine: &Engine, verdict: &Verdict, p: usize) -> Vec<DataRecovery> {
    let lost = &verdict.lost;
    let any_region = (lost.in_order().iter()).any(|d| matches!(d, crate::model::Domain::Region(_)));
    if !any_region {
        return Vec::new();
    }
    let (e, topo) = (&engine.estate, &engine.topo);
    match topo.paths()[p].service {
        Some(s) => data_recovery(e, topo, s, lost),
        None => path_data_recovery(e, topo, p, lost),
    }
}

/// The right column, `width` wide: each AZ's capacity before, now and after
/// recovery, as bars.
fn capacity_per_az(
    t: &Theme,
    e: &Estate,
    account: AccountIdx,
    detail: &PathDetail,
    unit: &str,
    width: usize,
) -> Vec<Line<'static>> {
    let mut right: Vec<Line> = Vec::new();
    right.push(line(vec![(format!("Capacity per AZ ({unit})"), t.title())]));
    let max = detail
        .per_az
        .iter()
        .map(|z| z.before.max(z.after_recovery))
        .max()
        .unwrap_or(0)
        .max(1);
    let bar_w = width.saturating_sub(18).min(40);
    // AZs with no capacity, before or after, say only that they have a node.
    let empty =
        |z: &&crate::sim::AzCapacity| z.before == 0 && z.after == 0 && z.after_recovery == 0;
    for z in detail.per_az.iter().filter(|z| !empty(z)) {
        let name = match e.az_name(account, z.az) {
            Some(n) => format!("{} ({n})", e.az_id(z.az)),
            None => e.az_id(z.az).to_string(),
        };
        let mut head = vec![(name, if z.lost { t.lost() } else { t.header() })];
        if z.lost {
            head.push((" LOST".to_string(), t.error()));
        }
        if !z.lb_node {
            head.push((" no load balancer node".to_string(), t.dim()));
        }
        right.push(line(head));
        for (label, value, style) in [
            ("before", z.before, Style::new()),
            (
                "now",
                z.after,
                t.status(if z.after < z.before {
                    crate::sim::Status::Down
                } else {
                    crate::sim::Status::Ok
                }),
            ),
            ("recovered", z.after_recovery, t.dim()),
        ] {
            right.push(line(vec![
                (format!("  {}", pad(label, 10)), t.dim()),
                (bar(value, max, bar_w), style),
                (format!(" {value}"), Style::new()),
            ]));
        }
    }
    let nodes_only: Vec<String> = (detail.per_az.iter())
        .filter(|z| empty(z) && z.lb_node)
        .map(|z| {
            let lost = if z.lost { " LOST" } else { "" };
            format!("{}{lost}", e.az_id(z.az))
        })
        .collect();
    if !nodes_only.is_empty() {
        for chunk in wrap(
            &format!(
                "load balancer nodes with no targets of this path: {}",
                nodes_only.join(", ")
            ),
            width,
        ) {
            right.push(line(vec![(chunk, t.dim())]));
        }
    }

    right
}
