//! Static risks, linter-style: a stable code, a severity, the resources involved
//! and one sentence. One file per rule; [`RULES`] lists them.
//! Codes and categories: `../shared/domain.md` §5 (AWS resilience analysis framework).

mod asg_imbalanced;
mod autoshift_off;
mod backup_stale;
mod cache_no_failover;
mod db_single_az;
mod db_writer_only;
mod dr_tier_below_target;
mod ecs_single_az;
mod lambda_single_az;
mod lb_az_without_targets;
mod low_capacity_after_az_loss;
mod nat_cross_az;
mod no_backups;
mod no_cross_region_backup;
mod no_deletion_protection;
mod no_health_evaluation;
mod spof_az;
mod spof_region;
mod standby_too_small;
mod table_not_global;
mod targets_outside_lb_azs;
mod zonal_shift_disabled;

use foldhash::HashMap;
use rayon::prelude::*;

use serde::Serialize;

use crate::model::{Estate, Facts, ResIdx, ResourceRef};
use crate::sim::{Matrix, Topology};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// One static risk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub resources: Vec<ResIdx>,
    pub message: String,
}

/// A finding with its resources named: what reports and diffs print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FindingSummary {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub resources: Vec<ResourceRef>,
}

impl Finding {
    pub fn summary(&self, estate: &Estate) -> FindingSummary {
        FindingSummary {
            code: self.code,
            severity: self.severity,
            message: self.message.clone(),
            resources: self
                .resources
                .iter()
                .map(|r| estate.resource_ref(*r))
                .collect(),
        }
    }
}

/// A rule: its code, severity, failure category and check.
pub struct Rule {
    pub code: &'static str,
    pub severity: Severity,
    pub category: &'static str,
    pub summary: &'static str,
    check: fn(&Context) -> Vec<Finding>,
}

impl Rule {
    fn finding(&self, resources: Vec<ResIdx>, message: String) -> Finding {
        Finding {
            code: self.code,
            severity: self.severity,
            resources,
            message,
        }
    }
}

/// Every rule, in the order of `domain.md` §5, then §8, §9, §11 and §10.
pub const RULES: &[&Rule] = &[
    &spof_az::RULE,
    &spof_region::RULE,
    &low_capacity_after_az_loss::RULE,
    &nat_cross_az::RULE,
    &db_single_az::RULE,
    &db_writer_only::RULE,
    &no_backups::RULE,
    &no_deletion_protection::RULE,
    &lb_az_without_targets::RULE,
    &targets_outside_lb_azs::RULE,
    &asg_imbalanced::RULE,
    &cache_no_failover::RULE,
    &ecs_single_az::RULE,
    &lambda_single_az::RULE,
    &table_not_global::RULE,
    &no_health_evaluation::RULE,
    &standby_too_small::RULE,
    &dr_tier_below_target::RULE,
    &no_cross_region_backup::RULE,
    &backup_stale::RULE,
    &zonal_shift_disabled::RULE,
    &autoshift_off::RULE,
];

/// What the rules look at.
pub struct Context<'a> {
    pub estate: &'a Estate,
    pub topo: &'a Topology,
    pub matrix: &'a Matrix,
    /// Resources some user-facing path depends on, and whether any path needs them
    /// through hard dependencies only (losing them takes the path down).
    pub depended: HashMap<ResIdx, bool>,
}

impl<'a> Context<'a> {
    pub fn new(estate: &'a Estate, topo: &'a Topology, matrix: &'a Matrix) -> Self {
        Context {
            estate,
            topo,
            matrix,
            depended: topo.depended_resources(),
        }
    }

    pub(crate) fn name(&self, r: ResIdx) -> &str {
        &self.estate.resource(r).name
    }

    /// Whether a user-facing path depends on `res` (directly or through hops).
    pub(crate) fn is_depended(&self, res: ResIdx) -> bool {
        self.depended.contains_key(&res)
    }

    /// Whether losing `res` can take a user-facing path down (a hard dependency).
    pub(crate) fn is_hard_dependency(&self, res: ResIdx) -> bool {
        self.depended.get(&res).copied().unwrap_or(false)
    }
}

/// Runs every rule. Sorted by severity, then code, then message, then the ids of the
/// resources involved: the same estate gives the same list whatever order its file
/// holds resources in (`diff` of a reordered file finds nothing).
pub fn analyze(estate: &Estate, topo: &Topology, matrix: &Matrix) -> Vec<Finding> {
    let ctx = Context::new(estate, topo, matrix);
    // Rules are independent: each runs on its own core; their lists join in rule order.
    let mut out: Vec<Finding> = RULES
        .par_iter()
        .flat_map_iter(|r| (r.check)(&ctx))
        .collect();
    // Past its subject, a finding's resources are listed by id, not in estate order.
    out.par_iter_mut().for_each(|f| {
        let subject = subject_len(f.code).min(f.resources.len());
        f.resources[subject..].sort_by(|a, b| estate.resource(*a).id.cmp(&estate.resource(*b).id));
    });
    let ids = |f: &Finding| -> Vec<&str> {
        (f.resources.iter())
            .map(|r| estate.resource(*r).id.as_str())
            .collect()
    };
    out.par_sort_by(|a, b| {
        (a.severity, a.code, &a.message)
            .cmp(&(b.severity, b.code, &b.message))
            .then_with(|| ids(a).cmp(&ids(b)))
    });
    out
}

/// How many of a finding's first resources say what it is about. Rules name their
/// subject first: a path's load balancer and target group (`spof-az`,
/// `lb-az-without-targets`, `low-capacity-after-az-loss`, `targets-outside-lb-azs`), else
/// one resource: the database, the NAT gateway, the group, the load balancer. A
/// service's finding (`dr-tier-below-target`) is about all its load balancers alike.
pub fn subject_len(code: &str) -> usize {
    match code {
        "dr-tier-below-target" => 0,
        "spof-az"
        | "lb-az-without-targets"
        | "low-capacity-after-az-loss"
        | "targets-outside-lb-azs" => 2,
        _ => 1,
    }
}

/// Looks a rule up by code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.code == code)
}

/// Resources of a kind, with their index.
pub(crate) fn each<'a, T: 'a>(
    estate: &'a Estate,
    pick: impl Fn(&'a Facts) -> Option<&'a T> + 'a,
) -> impl Iterator<Item = (ResIdx, &'a T)> + 'a {
    estate
        .resources()
        .iter()
        .enumerate()
        .filter_map(move |(i, r)| pick(&r.facts).map(|f| (ResIdx(i as u32), f)))
}

/// "a, b and c".
pub(crate) fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}
