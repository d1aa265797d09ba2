//! Non-interactive output of the engine: table, Markdown, JSON (one module per format).

pub mod backups;
pub mod diagram;
pub mod dot;
pub mod fis;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod runbook;
pub mod table;

use crate::compare::{EstateDiff, ResourceChange};
use crate::findings::Finding;
use crate::model::Estate;
use crate::sim::{
    Capacity, Cause, CheckResult, Matrix, PathSpec, Reason, Status, Subject, Topology, Verdict,
};
use crate::text::count;

/// How a command prints its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Markdown,
    Json,
}

/// Everything a report about one estate needs.
pub struct Report<'a> {
    pub estate: &'a Estate,
    pub topo: &'a Topology,
}

impl Report<'_> {
    pub fn path(&self, p: usize) -> &PathSpec {
        &self.topo.paths()[p]
    }

    /// `storefront-alb → storefront-web`
    pub fn path_label(&self, p: usize) -> String {
        let spec = self.path(p);
        self.estate.forwarding_label(spec.lb, spec.tg)
    }

    pub fn account_name(&self, p: usize) -> &str {
        &self.estate.account(self.path(p).account).name
    }

    pub fn region(&self, p: usize) -> &str {
        self.estate.region_name(self.path(p).region)
    }

    pub fn subject_label(&self, s: Subject) -> String {
        match s {
            Subject::Path(p) => format!("path {}", self.path_label(p)),
            Subject::Service(s) => format!("service {}", self.topo.services()[s].name),
        }
    }
}

/// A verdict's reasons as sentences, worst first (as the engine ranks them), ties in
/// the order of their sentences: the engine lists ties in the order it met them,
/// which follows the order of the snapshot file, and a report must not.
/// `NothingLost` is left out when `skip_nothing_lost`.
pub fn reason_lines(r: &Report, reasons: &[Reason], skip_nothing_lost: bool) -> Vec<String> {
    let mut lines: Vec<(std::cmp::Reverse<Status>, String)> = (reasons.iter())
        .filter(|x| !(skip_nothing_lost && x.cause == Cause::NothingLost))
        .map(|x| (std::cmp::Reverse(x.effect), x.describe(r.estate)))
        .collect();
    lines.sort();
    lines.into_iter().map(|(_, line)| line).collect()
}

/// `4/12 vcpu (8 after recovery)`
pub fn capacity_text(c: &Capacity) -> String {
    let mut s = format!("{}/{} {}", c.after, c.before, c.unit.label());
    if c.after_recovery != c.after {
        s.push_str(&format!(" ({} after recovery)", c.after_recovery));
    }
    s
}

/// "3 down, 5 degraded, 12 ok"
pub fn summary_text(verdict: &Verdict) -> String {
    let (ok, degraded, down) = verdict.counts();
    format!("{down} down, {degraded} degraded, {ok} ok")
}

/// Renders a what-if in the chosen format.
pub fn what_if(
    r: &Report,
    verdict: &Verdict,
    findings: &[Finding],
    format: Format,
    color: bool,
) -> String {
    match format {
        Format::Table => table::what_if(r, verdict, findings, color),
        Format::Markdown => markdown::what_if(r, verdict, findings),
        Format::Json => json::to_string(&json::what_if(r, verdict, findings)),
    }
}

pub fn matrix(r: &Report, matrix: &Matrix, format: Format, color: bool) -> String {
    match format {
        Format::Table => table::matrix(r, matrix, color),
        Format::Markdown => markdown::matrix(r, matrix),
        Format::Json => {
            let names = json::domain_names(r, matrix);
            json::to_string(&json::matrix(r, matrix, &names))
        }
    }
}

pub fn findings(r: &Report, findings: &[Finding], format: Format, color: bool) -> String {
    match format {
        Format::Table => table::findings(r, findings, color),
        Format::Markdown => markdown::findings(r, findings),
        Format::Json => json::to_string(&json::findings(r, findings)),
    }
}

pub fn check(r: &Report, result: &CheckResult, format: Format, color: bool) -> String {
    match format {
        Format::Table => table::check(r, result, color),
        Format::Markdown => markdown::check(r, result),
        Format::Json => json::to_string(&json::check(r, result)),
    }
}

/// Statuses in display order, worst first.
pub const STATUSES: [Status; 3] = [Status::Down, Status::Degraded, Status::Ok];

/// The diagram formats of `blastmap export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    Mermaid,
    Dot,
}

/// Draws `paths` target by target, or every path with its targets collapsed per AZ
/// when `paths` is `None`, coloured by the verdict's scenario.
pub fn diagram(
    r: &Report,
    verdict: &Verdict,
    paths: Option<&[usize]>,
    format: DiagramFormat,
) -> String {
    let all: Vec<usize> = (0..r.topo.paths().len()).collect();
    let (paths, targets) = match paths {
        Some(p) => (p, diagram::Targets::OneByOne),
        None => (all.as_slice(), diagram::Targets::PerAz),
    };
    let picture = diagram::build(r, verdict, paths, targets);
    match format {
        DiagramFormat::Mermaid => mermaid::render(&picture),
        DiagramFormat::Dot => dot::render(&picture),
    }
}

/// Which snapshot a diff side is.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SnapshotLabel {
    pub file: String,
    pub captured_at: Option<String>,
}

impl SnapshotLabel {
    pub fn of(path: &std::path::Path, estate: &Estate) -> SnapshotLabel {
        SnapshotLabel {
            file: path.display().to_string(),
            captured_at: estate.meta.captured_at.clone(),
        }
    }

    /// `before.json (captured 2026-11-20T09:30:00Z)`
    pub fn describe(&self) -> String {
        match &self.captured_at {
            Some(t) => format!("{} (captured {t})", self.file),
            None => self.file.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DiffSides {
    pub old: SnapshotLabel,
    pub new: SnapshotLabel,
}

/// "REGRESSION: 2 matrix cells got worse, …", or why there is none.
pub fn diff_verdict(d: &EstateDiff) -> String {
    if d.is_empty() {
        return "No change that matters for fault isolation.".to_string();
    }
    if !d.is_regression() {
        return "No regression: nothing got worse, and no high-severity finding appeared."
            .to_string();
    }
    let mut parts = Vec::new();
    if d.cells_worse() > 0 {
        parts.push(format!(
            "{} got worse",
            count(d.cells_worse(), "matrix cell", "matrix cells")
        ));
    }
    if d.high_findings_appeared() > 0 {
        parts.push(format!(
            "{} appeared",
            count(
                d.high_findings_appeared(),
                "high-severity finding",
                "high-severity findings"
            )
        ));
    }
    if d.findings_more_severe() > 0 {
        parts.push(format!(
            "{} more severe",
            count(d.findings_more_severe(), "finding got", "findings got")
        ));
    }
    format!("REGRESSION: {}.", parts.join(", "))
}

/// `multi_az: no → yes; backups: off → 7 days`
pub fn fact_changes_text(c: &ResourceChange) -> String {
    (c.facts.iter())
        .map(|f| format!("{}: {} → {}", f.fact, f.old, f.new))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Renders a diff in the chosen format.
pub fn diff(sides: &DiffSides, d: &EstateDiff, format: Format, color: bool) -> String {
    match format {
        Format::Table => table::diff(sides, d, color),
        Format::Markdown => markdown::diff(sides, d),
        Format::Json => json::to_string(&json::diff(sides, d)),
    }
}
