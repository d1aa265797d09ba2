//! What changed between two estates that matters for fault isolation: resources
//! added, removed or changed in a fact the rules read, user-facing paths added or
//! removed, every matrix cell whose status changed, findings that appeared or went
//! away. Pure: two estates in, a value out.
//!
//! Resources are matched by id, paths by path id, services by name, findings by
//! code and their subject (the resources they are about, which rules name first): a
//! finding about the same subject with another message or other resources changed.
//! Instances of Auto Scaling groups come and go all the time: they are not listed one
//! by one; their groups' and target groups' per-AZ counts say what matters.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use serde::Serialize;

use crate::findings::{self, Finding, FindingSummary, Severity};
use crate::model::{Domain, Estate, Facts, ResIdx, ResourceRef};
use crate::sim::{Matrix, PathSummary, Status, Topology};

mod facts;
use facts::rule_facts;

/// Everything that changed, old → new.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EstateDiff {
    pub resources: ResourceChanges,
    pub paths: PathChanges,
    /// Path and service cells of the matrix whose status changed.
    pub cells: Vec<CellChange>,
    pub findings: FindingChanges,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ResourceChanges {
    pub added: Vec<ResourceSummary>,
    pub removed: Vec<ResourceSummary>,
    pub changed: Vec<ResourceChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceSummary {
    #[serde(flatten)]
    pub resource: ResourceRef,
    pub account: String,
    pub region: String,
    /// The AZ ID of a zonal resource.
    pub az: Option<String>,
}

/// A resource present in both estates whose rule-relevant facts differ.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResourceChange {
    /// As it is in the new estate.
    #[serde(flatten)]
    pub resource: ResourceSummary,
    pub facts: Vec<FactChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactChange {
    /// A stable key: `az`, `multi_az`, `backups`, `enabled_azs`, … (`docs/json.md`).
    pub fact: &'static str,
    pub old: String,
    pub new: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PathChanges {
    pub added: Vec<PathSummary>,
    pub removed: Vec<PathSummary>,
}

/// What a matrix row is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellSubject {
    /// A user-facing path, by path id.
    Path(String),
    /// A service, by name.
    Service(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Worse,
    Better,
}

/// One matrix cell whose status changed: `subject` under the loss of `domain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellChange {
    #[serde(flatten)]
    pub subject: CellSubject,
    /// `storefront-alb → storefront-web`, or the service name.
    #[serde(skip)]
    pub label: String,
    /// An AZ ID or a Region.
    pub domain: String,
    pub old: Status,
    pub new: Status,
    pub change: Change,
}

impl CellChange {
    /// "service storefront now goes down when use1-az2 is lost; it was ok before"
    pub fn sentence(&self) -> String {
        let what = match &self.subject {
            CellSubject::Path(_) => format!("path {}", self.label),
            CellSubject::Service(_) => format!("service {}", self.label),
        };
        let now = match self.new {
            Status::Ok => "now survives".to_string(),
            Status::Degraded => "now degrades".to_string(),
            Status::Down => "now goes down".to_string(),
        };
        format!(
            "{what} {now} when {} is lost; it was {} before",
            self.domain, self.old
        )
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FindingChanges {
    pub appeared: Vec<FindingSummary>,
    pub resolved: Vec<FindingSummary>,
    /// Findings about the same subject in both estates whose message or resources differ:
    /// a single-AZ path that now also depends on another database is one finding changed,
    /// not one resolved and one new.
    pub changed: Vec<FindingChange>,
}

/// One finding as it was and as it is: same code, same subject (`finding_subject`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingChange {
    pub code: &'static str,
    pub old: FindingSummary,
    pub new: FindingSummary,
}

impl FindingChange {
    /// Whether the finding is now more severe than it was.
    pub fn more_severe(&self) -> bool {
        // Severity orders High first: "more severe" is "less".
        self.new.severity < self.old.severity
    }
}

impl EstateDiff {
    pub fn is_empty(&self) -> bool {
        self == &EstateDiff::default()
    }

    pub fn cells_worse(&self) -> usize {
        self.cells
            .iter()
            .filter(|c| c.change == Change::Worse)
            .count()
    }

    pub fn high_findings_appeared(&self) -> usize {
        (self.findings.appeared.iter())
            .filter(|f| f.severity == Severity::High)
            .count()
    }

    /// Findings that changed and are now more severe than they were.
    pub fn findings_more_severe(&self) -> usize {
        (self.findings.changed.iter())
            .filter(|c| c.more_severe())
            .count()
    }

    /// Some cell got worse, a high-severity finding appeared, or a finding became more
    /// severe: what fails a CI gate. A finding that changed at the same severity (a
    /// single-AZ path that now names one more resource) is not one.
    pub fn is_regression(&self) -> bool {
        self.cells_worse() > 0
            || self.high_findings_appeared() > 0
            || self.findings_more_severe() > 0
    }
}

/// One estate and what the engine says about it.
struct Side<'e> {
    estate: &'e Estate,
    topo: Topology,
    matrix: Matrix,
    findings: Vec<Finding>,
}

impl<'e> Side<'e> {
    fn new(estate: &'e Estate) -> Self {
        let topo = Topology::build(estate);
        let matrix = Matrix::build(estate, &topo);
        let findings = findings::analyze(estate, &topo, &matrix);
        Side {
            estate,
            topo,
            matrix,
            findings,
        }
    }

    fn summary(&self, idx: ResIdx) -> ResourceSummary {
        let e = self.estate;
        let r = e.resource(idx);
        ResourceSummary {
            resource: e.resource_ref(idx),
            account: e.account(r.account).id.clone(),
            region: e.region_name(r.region).to_string(),
            az: r.az.map(|az| e.az_id(az).to_string()),
        }
    }

    /// Every matrix cell, by subject and domain name, with the subject's label.
    fn cells(&self) -> BTreeMap<CellSubject, (String, HashMap<String, Status>)> {
        let names: Vec<&str> = (self.matrix.domains.iter())
            .map(|d| self.estate.domain_name(*d))
            .collect();
        let mut out = BTreeMap::new();
        for (p, spec) in self.topo.paths().iter().enumerate() {
            let label = self.estate.forwarding_label(spec.lb, spec.tg);
            let row = (names.iter().enumerate())
                .map(|(c, d)| (d.to_string(), self.matrix.cell(p, c).status))
                .collect();
            out.insert(CellSubject::Path(spec.id.clone()), (label, row));
        }
        for (s, spec) in self.topo.services().iter().enumerate() {
            let row = (names.iter().enumerate())
                .map(|(c, d)| (d.to_string(), self.matrix.service_status(s, c)))
                .collect();
            out.insert(
                CellSubject::Service(spec.name.clone()),
                (spec.name.clone(), row),
            );
        }
        out
    }

    /// `(code, sorted resource ids, message)`: a finding unchanged across estates.
    fn finding_key(&self, f: &Finding) -> (&'static str, Vec<String>, String) {
        let mut ids: Vec<String> = (f.resources.iter())
            .map(|r| self.estate.resource(*r).id.clone())
            .collect();
        ids.sort();
        (f.code, ids, f.message.clone())
    }

    /// `(code, ids of its subject)`: the same finding across estates, changed or not.
    fn finding_subject(&self, f: &Finding) -> (&'static str, Vec<String>) {
        let ids = (f.resources.iter().take(findings::subject_len(f.code)))
            .map(|r| self.estate.resource(*r).id.clone())
            .collect();
        (f.code, ids)
    }
}

/// What changed from `old` to `new`.
pub fn diff(old: &Estate, new: &Estate) -> EstateDiff {
    let (a, b) = (Side::new(old), Side::new(new));
    EstateDiff {
        resources: resource_changes(&a, &b),
        paths: path_changes(&a, &b),
        cells: cell_changes(&a, &b),
        findings: finding_changes(&a, &b),
    }
}

fn resource_changes(a: &Side, b: &Side) -> ResourceChanges {
    let churn: HashSet<&str> = asg_members(a.estate).chain(asg_members(b.estate)).collect();
    let listed = |side: &Side, other: &Side| -> Vec<ResourceSummary> {
        let mut out: Vec<ResourceSummary> = (0..side.estate.resources().len())
            .map(|i| ResIdx(i as u32))
            .filter(|&i| {
                let id = side.estate.resource(i).id.as_str();
                other.estate.find(id).is_none() && !churn.contains(id)
            })
            .map(|i| side.summary(i))
            .collect();
        out.sort_by(|x, y| {
            (x.resource.kind, &x.resource.name, &x.resource.id).cmp(&(
                y.resource.kind,
                &y.resource.name,
                &y.resource.id,
            ))
        });
        out
    };
    let mut changed: Vec<ResourceChange> = Vec::new();
    for (i, r) in b.estate.resources().iter().enumerate() {
        let Some(old_idx) = a.estate.find(&r.id) else {
            continue;
        };
        let before = rule_facts(a.estate, old_idx);
        let after = rule_facts(b.estate, ResIdx(i as u32));
        let mut facts: Vec<FactChange> = Vec::new();
        for (fact, new_value) in &after {
            let old_value = (before.iter())
                .find(|(f, _)| f == fact)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| "none".to_string());
            if &old_value != new_value {
                facts.push(FactChange {
                    fact,
                    old: old_value,
                    new: new_value.clone(),
                });
            }
        }
        if !facts.is_empty() {
            changed.push(ResourceChange {
                resource: b.summary(ResIdx(i as u32)),
                facts,
            });
        }
    }
    ResourceChanges {
        added: listed(b, a),
        removed: listed(a, b),
        changed,
    }
}

/// Ids of instances that belong to an Auto Scaling group.
/// Resources that come and go with their recovery actor: an Auto Scaling group's
/// instances, ECS tasks. Their actor's per-AZ counts say what matters.
fn asg_members(e: &Estate) -> impl Iterator<Item = &str> {
    e.resources().iter().flat_map(|r| match &r.facts {
        Facts::AutoScalingGroup(g) => g.instances.iter().map(String::as_str).collect(),
        Facts::EcsTask(_) => vec![r.id.as_str()],
        _ => Vec::new(),
    })
}

fn path_changes(a: &Side, b: &Side) -> PathChanges {
    let ids =
        |s: &Side| -> HashSet<String> { s.topo.paths().iter().map(|p| p.id.clone()).collect() };
    let (in_a, in_b) = (ids(a), ids(b));
    let only = |s: &Side, other: &HashSet<String>| -> Vec<PathSummary> {
        (0..s.topo.paths().len())
            .filter(|&p| !other.contains(&s.topo.paths()[p].id))
            .map(|p| s.topo.path_summary(s.estate, p))
            .collect()
    };
    PathChanges {
        added: only(b, &in_a),
        removed: only(a, &in_b),
    }
}

/// Domains of both estates: AZs by Region and AZ ID, then Regions.
fn domain_order(a: &Side, b: &Side) -> Vec<String> {
    let mut keys: BTreeSet<(bool, String, String)> = BTreeSet::new();
    for e in [a.estate, b.estate] {
        for d in e.domains() {
            let key = match d {
                Domain::Az(az) => (
                    false,
                    e.region_name(e.az(az).region).to_string(),
                    e.az_id(az).to_string(),
                ),
                Domain::Region(r) => (
                    true,
                    e.region_name(r).to_string(),
                    e.region_name(r).to_string(),
                ),
            };
            keys.insert(key);
        }
    }
    keys.into_iter().map(|(_, _, name)| name).collect()
}

fn cell_changes(a: &Side, b: &Side) -> Vec<CellChange> {
    let domains = domain_order(a, b);
    let (old, new) = (a.cells(), b.cells());
    let mut out = Vec::new();
    for (subject, (label, new_row)) in &new {
        let Some((_, old_row)) = old.get(subject) else {
            continue;
        };
        for d in &domains {
            // A domain an estate holds nothing in costs nothing to lose there.
            let before = old_row.get(d).copied().unwrap_or(Status::Ok);
            let after = new_row.get(d).copied().unwrap_or(Status::Ok);
            if before != after {
                out.push(CellChange {
                    subject: subject.clone(),
                    label: label.clone(),
                    domain: d.clone(),
                    old: before,
                    new: after,
                    change: if after > before {
                        Change::Worse
                    } else {
                        Change::Better
                    },
                });
            }
        }
    }
    out
}

/// Findings in both estates unchanged are left out; of the rest, a finding of the old
/// estate and one of the new with the same subject are one finding changed (paired in
/// order when a subject has several), and the others resolved or appeared.
fn finding_changes(a: &Side, b: &Side) -> FindingChanges {
    // Unchanged: the same code, resources and message on both sides. A rule may report
    // one subject more than once, so each old finding matches one new finding at most.
    let mut old_by_key: HashMap<(&'static str, Vec<String>, String), Vec<usize>> = HashMap::new();
    for (i, f) in a.findings.iter().enumerate().rev() {
        old_by_key.entry(a.finding_key(f)).or_default().push(i);
    }
    let mut old_taken = vec![false; a.findings.len()];
    let mut new_left: Vec<&Finding> = Vec::new();
    for f in &b.findings {
        match old_by_key.get_mut(&b.finding_key(f)).and_then(|l| l.pop()) {
            Some(i) => old_taken[i] = true,
            None => new_left.push(f),
        }
    }
    // Changed: what is left of each side, paired by subject, in order.
    let mut old_by_subject: HashMap<(&'static str, Vec<String>), VecDeque<usize>> = HashMap::new();
    for (i, f) in a.findings.iter().enumerate() {
        if !old_taken[i] {
            old_by_subject
                .entry(a.finding_subject(f))
                .or_default()
                .push_back(i);
        }
    }
    let mut out = FindingChanges::default();
    for f in new_left {
        match (old_by_subject.get_mut(&b.finding_subject(f))).and_then(|l| l.pop_front()) {
            Some(i) => {
                old_taken[i] = true;
                out.changed.push(FindingChange {
                    code: f.code,
                    old: a.findings[i].summary(a.estate),
                    new: f.summary(b.estate),
                });
            }
            None => out.appeared.push(f.summary(b.estate)),
        }
    }
    out.resolved = (a.findings.iter().zip(&old_taken))
        .filter(|(_, taken)| !**taken)
        .map(|(f, _)| f.summary(a.estate))
        .collect();
    out
}
