//! The JSON contract (`docs/json.md`): schemas `blastmap.what-if/v1`,
//! `blastmap.matrix/v1`, `blastmap.findings/v1`, `blastmap.check/v1`.

use rayon::prelude::*;
use serde::Serialize;
use serde::ser::SerializeMap;
use serde_json::value::RawValue;

use crate::findings::{Finding, FindingSummary};
use crate::sim::{Capacity, CheckResult, Matrix, PathSummary, Status, Subject, Verdict};

use super::Report;

/// JSON with one item per line: the document's fields, and each element of its
/// lists (a path, a finding, an offender), are on lines of their own; inside an
/// item it is compact. Readable, greppable, and half the size of pretty-printed.
pub fn to_string<T: Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(4096);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, ItemPerLine::default());
    value.serialize(&mut ser).expect("reports always serialize");
    out.push(b'\n');
    // serde_json leaves DEL, C1 and bidirectional controls raw: escaped too.
    crate::text::json_escape_unsafe(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// `value` as [`ItemPerLine`] writes an item on a line of its own: compact.
fn one_line<T: Serialize>(value: &T) -> Box<RawValue> {
    let text = serde_json::to_string(value).expect("reports always serialize");
    RawValue::from_string(text).expect("serde_json writes valid JSON")
}

/// Breaks lines inside the top two levels of nesting only.
#[derive(Default)]
struct ItemPerLine {
    depth: usize,
    /// Whether the current container has items yet.
    has_items: Vec<bool>,
}

impl ItemPerLine {
    const LINE_DEPTH: usize = 2;

    fn open<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_items.push(false);
        w.write_all(c)
    }

    fn close<W: ?Sized + std::io::Write>(&mut self, w: &mut W, c: &[u8]) -> std::io::Result<()> {
        let had = self.has_items.pop().unwrap_or(false);
        self.depth -= 1;
        if had && self.depth < Self::LINE_DEPTH {
            self.newline(w)?;
        }
        w.write_all(c)
    }

    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if let Some(h) = self.has_items.last_mut() {
            *h = true;
        }
        if !first {
            w.write_all(b",")?;
        }
        if self.depth <= Self::LINE_DEPTH {
            self.newline(w)?;
        }
        Ok(())
    }

    fn newline<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for ItemPerLine {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"[")
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.open(w, b"{")
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(if self.depth <= Self::LINE_DEPTH {
            b": "
        } else {
            b":"
        })
    }
}

#[derive(Serialize)]
pub struct WhatIf {
    pub schema: &'static str,
    pub lost: Vec<String>,
    pub summary: Summary,
    pub paths: Vec<PathJson>,
    pub services: Vec<ServiceJson>,
    pub findings: Vec<FindingJson>,
}

#[derive(Serialize)]
pub struct Summary {
    pub ok: usize,
    pub degraded: usize,
    pub down: usize,
}

#[derive(Serialize)]
pub struct PathJson {
    #[serde(flatten)]
    pub path: PathSummary,
    pub status: Status,
    pub capacity: Capacity,
    pub reasons: Vec<String>,
}

#[derive(Serialize)]
pub struct ServiceJson {
    pub name: String,
    pub status: Status,
    pub paths: Vec<String>,
    /// The Route 53 records, accelerator or distribution users reach it through.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<String>,
    /// The entry point's answer under the loss (`Route 53 fails … over …`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Capacity serving before and right after the loss, behind an entry point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capacity: Option<ServiceCapacity>,
    /// Under a Region loss: each piece of its data in the lost Region, whether a copy
    /// survives elsewhere and its RPO.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<crate::sim::DataRecovery>,
    pub dr: crate::sim::DrAssessment,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct ServiceCapacity {
    pub before: u64,
    pub after: u64,
}

/// A finding with its resources named (`findings::FindingSummary`).
pub type FindingJson = FindingSummary;

pub fn what_if(r: &Report, verdict: &Verdict, findings: &[Finding]) -> WhatIf {
    let (ok, degraded, down) = verdict.counts();
    WhatIf {
        schema: "blastmap.what-if/v1",
        lost: verdict
            .lost
            .domains()
            .iter()
            .map(|d| r.estate.domain_name(*d).to_string())
            .collect(),
        summary: Summary { ok, degraded, down },
        paths: verdict
            .paths
            .iter()
            .map(|pv| PathJson {
                path: r.topo.path_summary(r.estate, pv.path),
                status: pv.status,
                capacity: pv.capacity,
                reasons: super::reason_lines(r, &pv.reasons, false),
            })
            .collect(),
        services: crate::sim::service_summaries(r.estate, r.topo, verdict)
            .into_iter()
            .zip(&verdict.services)
            .map(|(summary, s)| {
                let spec = &r.topo.services()[s.service];
                ServiceJson {
                    name: summary.name,
                    status: summary.status,
                    paths: spec.paths.iter().map(|&p| r.path(p).id.clone()).collect(),
                    entry_point: summary.entry_point,
                    reason: summary.reason,
                    capacity: summary
                        .capacity
                        .map(|(before, after)| ServiceCapacity { before, after }),
                    data: summary.data,
                    dr: summary.dr,
                }
            })
            .collect(),
        findings: finding_list(r, findings),
    }
}

fn finding_list(r: &Report, findings: &[Finding]) -> Vec<FindingJson> {
    findings.iter().map(|f| f.summary(r.estate)).collect()
}

/// Domain → status, in the matrix's domain order.
pub struct StatusByDomain<'a> {
    pub domains: &'a [String],
    pub statuses: Vec<Status>,
}

impl Serialize for StatusByDomain<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.statuses.len()))?;
        for (d, st) in self.domains.iter().zip(&self.statuses) {
            m.serialize_entry(d, st)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
pub struct MatrixJson<'a> {
    pub schema: &'static str,
    pub domains: &'a [String],
    /// Each a [`MatrixPath`], rendered ahead (on every core: a million-resource
    /// estate has tens of thousands, 50 MB of JSON).
    pub paths: Vec<Box<RawValue>>,
    pub services: Vec<MatrixService<'a>>,
}

#[derive(Serialize)]
pub struct MatrixPath<'a> {
    #[serde(flatten)]
    pub path: PathSummary,
    pub status: StatusByDomain<'a>,
}

#[derive(Serialize)]
pub struct MatrixService<'a> {
    pub name: String,
    pub status: StatusByDomain<'a>,
}

/// The domain names of a matrix's columns, as the JSON names them.
pub fn domain_names(r: &Report, m: &Matrix) -> Vec<String> {
    m.domains
        .iter()
        .map(|d| r.estate.domain_name(*d).to_string())
        .collect()
}

/// `domains` comes from [`domain_names`]; the cells borrow the names.
pub fn matrix<'a>(r: &Report, m: &Matrix, domains: &'a [String]) -> MatrixJson<'a> {
    let by_domain = |status: &dyn Fn(usize) -> Status| StatusByDomain {
        domains,
        statuses: (0..domains.len()).map(status).collect(),
    };
    MatrixJson {
        schema: "blastmap.matrix/v1",
        paths: (0..r.topo.paths().len())
            .into_par_iter()
            .map(|p| {
                one_line(&MatrixPath {
                    path: r.topo.path_summary(r.estate, p),
                    status: by_domain(&|c| m.cell(p, c).status),
                })
            })
            .collect(),
        services: r
            .topo
            .services()
            .iter()
            .enumerate()
            .map(|(s, spec)| MatrixService {
                name: spec.name.clone(),
                status: by_domain(&|c| m.service_status(s, c)),
            })
            .collect(),
        domains,
    }
}

#[derive(Serialize)]
pub struct FindingsJson {
    pub schema: &'static str,
    pub findings: Vec<FindingJson>,
}

pub fn findings(r: &Report, findings: &[Finding]) -> FindingsJson {
    FindingsJson {
        schema: "blastmap.findings/v1",
        findings: finding_list(r, findings),
    }
}

#[derive(Serialize)]
pub struct CheckJson {
    pub schema: &'static str,
    pub tolerate: &'static str,
    pub passed: bool,
    pub offenders: Vec<OffenderJson>,
}

#[derive(Serialize)]
pub struct OffenderJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    pub domain: String,
    pub reasons: Vec<String>,
}

pub fn check(r: &Report, result: &CheckResult) -> CheckJson {
    CheckJson {
        schema: "blastmap.check/v1",
        tolerate: result.tolerate.as_str(),
        passed: result.passed(),
        offenders: result
            .offenders
            .iter()
            .map(|o| OffenderJson {
                path: match o.subject {
                    Subject::Path(p) => Some(r.path(p).id.clone()),
                    Subject::Service(_) => None,
                },
                service: match o.subject {
                    Subject::Service(s) => Some(r.topo.services()[s].name.clone()),
                    Subject::Path(_) => None,
                },
                domain: r.estate.domain_name(o.domain).to_string(),
                reasons: super::reason_lines(r, &o.reasons, false),
            })
            .collect(),
    }
}

#[derive(Serialize)]
pub struct DiffJson<'a> {
    pub schema: &'static str,
    pub old: &'a super::SnapshotLabel,
    pub new: &'a super::SnapshotLabel,
    pub regression: bool,
    #[serde(flatten)]
    pub changes: &'a crate::compare::EstateDiff,
}

pub fn diff<'a>(sides: &'a super::DiffSides, d: &'a crate::compare::EstateDiff) -> DiffJson<'a> {
    DiffJson {
        schema: "blastmap.diff/v1",
        old: &sides.old,
        new: &sides.new,
        regression: d.is_regression(),
        changes: d,
    }
}
