//! Fault domains: the tree (account | service) → Region → AZ → kind → resources.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::model::{Facts, Resource};
use crate::tui::app::App;
use crate::tui::engine::Engine;
use crate::tui::tree::{DomainTree, RowKind, TreeRow};

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
            let label = label(engine, tree, row);
            let count = match row.kind {
                RowKind::Resource(_) => String::new(),
                _ => format!(" {}", row.count),
            };
            let lost_tag = if lost && is_domain { " LOST" } else { "" };
            let room = width
                .saturating_sub(indent.width() + marker.width() + count.width() + lost_tag.width());
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
                (fit(&label, room), label_style),
                (count, t.dim()),
                (lost_tag.to_string(), t.error()),
            ];
            if i == app.domains.list.cursor() {
                let used: usize = spans.iter().map(|(s, _)| s.width()).sum();
                spans.push((" ".repeat(width.saturating_sub(used)), Style::new()));
                spans = spans
                    .into_iter()
                    .map(|(s, st)| (s, st.patch(t.selected())))
                    .collect();
            }
            line(spans)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

fn label(engine: &Engine, tree: &DomainTree, row: &TreeRow) -> String {
    let e = &engine.estate;
    match row.kind {
        RowKind::Top(i) => match row.account {
            Some(a) => format!("{} ({})", e.account(a).name, e.account(a).id),
            None => tree.tops.get(i as usize).cloned().unwrap_or_default(),
        },
        RowKind::Region(r) => e.region_name(r).to_string(),
        RowKind::Az(az) => {
            let names: Vec<String> = match row.account {
                Some(a) => e
                    .az_name(a, az)
                    .map(|n| n.to_string())
                    .into_iter()
                    .collect(),
                None => e
                    .az_names(az)
                    .into_iter()
                    .map(|(acct, name)| format!("{acct}: {name}"))
                    .collect(),
            };
            if names.is_empty() {
                e.az_id(az).to_string()
            } else {
                format!("{} ({})", e.az_id(az), names.join(", "))
            }
        }
        RowKind::Regional => "regional (no AZ)".to_string(),
        RowKind::Kind(k) => k.label().to_string(),
        RowKind::Resource(r) => resource_label(e.resource(r)),
    }
}

fn resource_label(r: &Resource) -> String {
    let fact = match &r.facts {
        Facts::Instance(i) => i.instance_type.clone(),
        Facts::LoadBalancer(lb) => format!(
            "{} {}",
            lb.lb_type.short(),
            if lb.is_internet_facing() {
                "internet-facing"
            } else {
                "internal"
            }
        ),
        Facts::DbInstance(db) => format!(
            "{}{}",
            db.engine,
            if db.multi_az { ", Multi-AZ" } else { "" }
        ),
        Facts::DbCluster(c) => format!(
            "{}, {}",
            c.engine,
            crate::text::count(c.members.len(), "member", "members")
        ),
        Facts::AutoScalingGroup(a) => format!("desired {} of {}..{}", a.desired, a.min, a.max),
        Facts::NatGateway(n) => format!("{:?}", n.mode).to_lowercase(),
        _ => String::new(),
    };
    if r.name == r.id {
        format!("{}  {fact}", r.name)
    } else {
        format!("{}  {}  {fact}", r.name, r.id)
    }
}
