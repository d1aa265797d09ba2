//! Aligned plain-text tables for a terminal; colour only when asked for. Text from
//! the estate reaches the terminal through [`Table::render`] (and the two title lines
//! that name domains or files), made [`printable`] there.

use unicode_width::UnicodeWidthStr;

use crate::compare::{CellSubject, Change, EstateDiff, ResourceSummary};
use crate::findings::{Finding, Severity};
use crate::sim::{CheckResult, Matrix, Status, Verdict};

use super::{Report, capacity_text, summary_text};
use crate::text::{count, printable, verb};

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub enabled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Ok,
    Degraded,
    Down,
    Dim,
    Bold,
}

impl Style {
    pub fn of(s: Status) -> Style {
        match s {
            Status::Ok => Style::Ok,
            Status::Degraded => Style::Degraded,
            Status::Down => Style::Down,
        }
    }

    fn of_severity(s: Severity) -> Style {
        match s {
            Severity::High => Style::Down,
            Severity::Medium => Style::Degraded,
            Severity::Low => Style::Dim,
        }
    }
}

impl Paint {
    pub fn paint(&self, style: Style, text: &str) -> String {
        if !self.enabled {
            return text.to_string();
        }
        let code = match style {
            Style::Ok => "32",
            Style::Degraded => "33",
            Style::Down => "1;31",
            Style::Dim => "2",
            Style::Bold => "1",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

/// A table: a header row, then rows whose cells may be styled, each with optional
/// indented lines below it.
/// A cell's text and style.
pub type Cell = (String, Option<Style>);

#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    /// Cells, and lines shown indented below the row.
    rows: Vec<(Vec<Cell>, Vec<String>)>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Self {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<Cell>) -> &mut Vec<String> {
        self.rows.push((cells, Vec::new()));
        &mut self.rows.last_mut().expect("just pushed").1
    }

    /// The table as text. Every header, cell and line below is made [`printable`]
    /// here, before it is measured: names and tags come from whoever may tag.
    pub fn render(&self, paint: Paint) -> String {
        let safe = |text: &str| printable(text).into_owned();
        let headers: Vec<String> = self.headers.iter().map(|h| safe(h)).collect();
        let rows: Vec<(Vec<Cell>, Vec<String>)> = (self.rows.iter())
            .map(|(cells, below)| {
                (
                    cells.iter().map(|(t, style)| (safe(t), *style)).collect(),
                    below.iter().map(|b| safe(b)).collect(),
                )
            })
            .collect();
        let n = headers.len();
        let mut widths: Vec<usize> = headers.iter().map(|h| h.width()).collect();
        for (cells, _) in &rows {
            for (i, (text, _)) in cells.iter().enumerate().take(n) {
                widths[i] = widths[i].max(text.width());
            }
        }
        let line = |cells: &[Cell]| {
            let mut out = String::new();
            for (i, (text, style)) in cells.iter().enumerate() {
                let pad = if i + 1 < cells.len() {
                    " ".repeat(widths[i].saturating_sub(text.width()) + 2)
                } else {
                    String::new()
                };
                match style {
                    Some(s) => out.push_str(&paint.paint(*s, text)),
                    None => out.push_str(text),
                }
                out.push_str(&pad);
            }
            out.trim_end().to_string()
        };
        let header: Vec<Cell> = headers
            .iter()
            .map(|h| (h.clone(), Some(Style::Bold)))
            .collect();
        let mut out = line(&header);
        out.push('\n');
        let indent = " ".repeat(widths.first().copied().unwrap_or(0) + 2);
        for (cells, below) in &rows {
            out.push_str(&line(cells));
            out.push('\n');
            for b in below {
                out.push_str(&indent);
                out.push_str(&paint.paint(Style::Dim, b));
                out.push('\n');
            }
        }
        out
    }
}

fn status_cell(s: Status) -> Cell {
    (format!("{} {}", s.glyph(), s.as_str()), Some(Style::of(s)))
}

pub(super) fn plain(text: impl Into<String>) -> Cell {
    (text.into(), None)
}

pub fn what_if(r: &Report, verdict: &Verdict, findings: &[Finding], color: bool) -> String {
    let paint = Paint { enabled: color };
    let mut out = format!(
        "{} {}\n{} across {}\n\n",
        paint.paint(Style::Bold, "What if we lose:"),
        printable(&verdict.lost.describe(r.estate)),
        summary_text(verdict),
        count(verdict.paths.len(), "user-facing path", "user-facing paths")
    );
    let mut t = Table::new(&["STATUS", "PATH", "ACCOUNT", "REGION", "CAPACITY"]);
    let mut order: Vec<&crate::sim::PathVerdict> = verdict.paths.iter().collect();
    // Worst first; ties by the path label, as the TUI lists them.
    order.sort_by_cached_key(|pv| (std::cmp::Reverse(pv.status), r.path_label(pv.path)));
    for pv in order {
        let p = pv.path;
        let below = t.row(vec![
            status_cell(pv.status),
            plain(r.path_label(p)),
            plain(r.account_name(p)),
            plain(r.region(p)),
            plain(capacity_text(&pv.capacity)),
        ]);
        for reason in super::reason_lines(r, &pv.reasons, true) {
            below.push(format!("↳ {reason}"));
        }
    }
    out.push_str(&t.render(paint));
    if !verdict.services.is_empty() {
        out.push('\n');
        let mut s = Table::new(&["STATUS", "SERVICE", "PATHS", "DR TIER"]);
        let summaries = crate::sim::service_summaries(r.estate, r.topo, verdict);
        for (sv, summary) in verdict.services.iter().zip(summaries) {
            let spec = &r.topo.services()[sv.service];
            let below = s.row(vec![
                status_cell(sv.status),
                plain(spec.name.clone()),
                plain(spec.paths.len().to_string()),
                plain(summary.dr.tier.label().to_string()),
            ]);
            if let Some(reason) = summary.reason {
                below.push(format!("↳ {reason}"));
            }
            for data in &summary.data {
                below.push(format!("↳ data: {}", data.describe()));
            }
        }
        out.push_str(&s.render(paint));
    }
    if !findings.is_empty() {
        out.push_str(&format!(
            "\n{}: run `blastmap findings` to list {}.\n",
            count(findings.len(), "static finding", "static findings"),
            verb(findings.len(), "it", "them")
        ));
    }
    out
}

pub fn matrix(r: &Report, m: &Matrix, color: bool) -> String {
    let paint = Paint { enabled: color };
    let names: Vec<&str> = m.domains.iter().map(|d| r.estate.domain_name(*d)).collect();
    let mut headers = vec!["PATH", "ACCOUNT", "REGION"];
    headers.extend(names.iter().copied());
    let mut t = Table::new(&headers);
    let cell = |s: Status| (s.as_str().to_string(), Some(Style::of(s)));
    for p in 0..r.topo.paths().len() {
        let mut cells = vec![
            plain(r.path_label(p)),
            plain(r.account_name(p)),
            plain(r.region(p)),
        ];
        cells.extend(m.row(p).iter().map(|c| cell(c.status)));
        t.row(cells);
    }
    let mut out = format!(
        "{} {} × {}\n\n",
        paint.paint(Style::Bold, "Matrix:"),
        count(r.topo.paths().len(), "path", "paths"),
        count(
            m.domains.len(),
            "single-domain loss",
            "single-domain losses"
        )
    );
    out.push_str(&t.render(paint));
    if !r.topo.services().is_empty() {
        let mut headers = vec!["SERVICE"];
        headers.extend(names.iter().copied());
        let mut s = Table::new(&headers);
        for (i, spec) in r.topo.services().iter().enumerate() {
            let mut cells = vec![plain(spec.name.clone())];
            cells.extend((0..m.domains.len()).map(|c| cell(m.service_status(i, c))));
            s.row(cells);
        }
        out.push('\n');
        out.push_str(&s.render(paint));
    }
    out
}

pub fn findings(r: &Report, findings: &[Finding], color: bool) -> String {
    let paint = Paint { enabled: color };
    if findings.is_empty() {
        return "No findings.\n".to_string();
    }
    let mut t = Table::new(&["SEVERITY", "CODE", "RESOURCES"]);
    for f in findings {
        let names: Vec<&str> = f
            .resources
            .iter()
            .map(|i| r.estate.resource(*i).name.as_str())
            .collect();
        let below = t.row(vec![
            (
                f.severity.as_str().to_string(),
                Some(Style::of_severity(f.severity)),
            ),
            plain(f.code),
            plain(names.join(", ")),
        ]);
        below.push(f.message.clone());
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} {} high, {} medium, {} low\n\n{}",
        paint.paint(Style::Bold, "Findings:"),
        count(Severity::High),
        count(Severity::Medium),
        count(Severity::Low),
        t.render(paint)
    )
}

pub fn check(r: &Report, result: &CheckResult, color: bool) -> String {
    let paint = Paint { enabled: color };
    let kind = match result.tolerate {
        crate::sim::Tolerance::Az => "AZ",
        crate::sim::Tolerance::Region => "Region",
    };
    if result.passed() {
        return format!(
            "{} no single {kind} loss takes a user-facing path or service down\n",
            paint.paint(Style::Ok, "PASS")
        );
    }
    let subjects: std::collections::BTreeSet<_> =
        result.offenders.iter().map(|o| o.subject).collect();
    let mut out = format!(
        "{} {} down under a single {kind} loss ({} below)\n\n",
        paint.paint(Style::Down, "FAIL"),
        count(
            subjects.len(),
            "service or path goes",
            "services or paths go"
        ),
        count(result.offenders.len(), "case", "cases")
    );
    let mut t = Table::new(&["LOST", "WHAT GOES DOWN"]);
    for o in &result.offenders {
        let below = t.row(vec![
            (
                r.estate.domain_name(o.domain).to_string(),
                Some(Style::Down),
            ),
            plain(r.subject_label(o.subject)),
        ]);
        below.extend(
            super::reason_lines(r, &o.reasons, false)
                .iter()
                .map(|x| format!("↳ {x}")),
        );
    }
    out.push_str(&t.render(paint));
    out
}

pub fn diff(sides: &super::DiffSides, d: &EstateDiff, color: bool) -> String {
    let paint = Paint { enabled: color };
    let verdict = super::diff_verdict(d);
    let mut out = format!(
        "{} {} → {}\n{}\n",
        paint.paint(Style::Bold, "Diff:"),
        printable(&sides.old.describe()),
        printable(&sides.new.describe()),
        if d.is_regression() {
            paint.paint(Style::Down, &verdict)
        } else {
            verdict
        }
    );
    let change_cell = |c: Change| match c {
        Change::Worse => ("worse".to_string(), Some(Style::Down)),
        Change::Better => ("better".to_string(), Some(Style::Ok)),
    };
    if !d.cells.is_empty() {
        let mut t = Table::new(&["CHANGE", "WHAT", "LOST", "WAS", "NOW"]);
        for c in &d.cells {
            let what = match c.subject {
                CellSubject::Path(_) => format!("path {}", c.label),
                CellSubject::Service(_) => format!("service {}", c.label),
            };
            t.row(vec![
                change_cell(c.change),
                plain(what),
                plain(c.domain.clone()),
                status_cell(c.old),
                status_cell(c.new),
            ]);
        }
        section(
            &mut out,
            paint,
            &format!("Matrix: {} changed", count(d.cells.len(), "cell", "cells")),
            &t,
        );
    }
    let p = &d.paths;
    if !p.added.is_empty() || !p.removed.is_empty() {
        let mut t = Table::new(&["", "PATH", "ACCOUNT", "REGION", "ID"]);
        let listed = [("+", &p.added), ("-", &p.removed)];
        for (sign, paths) in listed {
            for path in paths.iter() {
                t.row(vec![
                    plain(sign),
                    plain(format!("{} → {}", path.load_balancer, path.target_group)),
                    plain(path.account_name.clone()),
                    plain(path.region.clone()),
                    plain(path.id.clone()),
                ]);
            }
        }
        let title = format!(
            "Paths: {} added, {} removed",
            p.added.len(),
            p.removed.len()
        );
        section(&mut out, paint, &title, &t);
    }
    let f = &d.findings;
    if !f.appeared.is_empty() || !f.resolved.is_empty() || !f.changed.is_empty() {
        let mut t = Table::new(&["", "SEVERITY", "CODE", "RESOURCES"]);
        for c in &f.changed {
            let names: Vec<&str> = c.new.resources.iter().map(|r| r.name.as_str()).collect();
            let below = t.row(vec![
                plain("~"),
                (
                    c.new.severity.as_str().to_string(),
                    Some(Style::of_severity(c.new.severity)),
                ),
                plain(c.code),
                plain(names.join(", ")),
            ]);
            below.push(format!("was: {}", c.old.message));
            below.push(format!("now: {}", c.new.message));
        }
        for (sign, list) in [("+", &f.appeared), ("-", &f.resolved)] {
            for finding in list.iter() {
                let names: Vec<&str> = finding.resources.iter().map(|r| r.name.as_str()).collect();
                let below = t.row(vec![
                    plain(sign),
                    (
                        finding.severity.as_str().to_string(),
                        Some(Style::of_severity(finding.severity)),
                    ),
                    plain(finding.code),
                    plain(names.join(", ")),
                ]);
                below.push(finding.message.clone());
            }
        }
        let title = format!(
            "Findings: {} appeared, {} resolved, {} changed",
            f.appeared.len(),
            f.resolved.len(),
            f.changed.len()
        );
        section(&mut out, paint, &title, &t);
    }
    let r = &d.resources;
    if !r.added.is_empty() || !r.removed.is_empty() || !r.changed.is_empty() {
        let mut t = Table::new(&["", "KIND", "NAME", "ACCOUNT", "REGION", "AZ"]);
        for (sign, list) in [("+", &r.added), ("-", &r.removed)] {
            for res in list.iter() {
                resource_row(&mut t, sign, res);
            }
        }
        for c in &r.changed {
            resource_row(&mut t, "~", &c.resource).push(super::fact_changes_text(c));
        }
        let title = format!(
            "Resources: {} added, {} removed, {} changed",
            r.added.len(),
            r.removed.len(),
            r.changed.len()
        );
        section(&mut out, paint, &title, &t);
    }
    out
}

fn section(out: &mut String, paint: Paint, title: &str, t: &Table) {
    out.push('\n');
    out.push_str(&paint.paint(Style::Bold, title));
    out.push('\n');
    out.push_str(&t.render(paint));
}

fn resource_row<'t>(t: &'t mut Table, sign: &str, res: &ResourceSummary) -> &'t mut Vec<String> {
    t.row(vec![
        plain(sign),
        plain(res.resource.kind),
        plain(res.resource.name.clone()),
        plain(res.account.clone()),
        plain(res.region.clone()),
        plain(res.az.clone().unwrap_or_default()),
    ])
}
