//! The what-if engine: a set of lost fault domains → a verdict per user-facing path.
//!
//! Pure: no I/O, no clock. [`Topology::build`] compiles an estate once;
//! [`what_if`] evaluates one scenario in one pass over it; [`Matrix::build`]
//! evaluates every single-AZ and single-Region loss.

pub mod backups;
mod check;
mod detail;
mod dr;
mod evaluate;
mod kinds;
mod lost;
mod matrix;
mod reason;
pub mod runbook;
mod topology;
mod view;

use serde::Serialize;

pub use backups::{DataProtection, inventory as backup_inventory};
pub use check::{CheckResult, Offender, Subject, Tolerance, check};
pub use detail::{
    AzCapacity, HopDetail, HopSubject, PathDetail, TargetDetail, TargetFate, TargetRef,
    chain_detail, dependency_label, part_hop, path_detail, target_details,
};
pub use dr::{
    DataRecovery, DrAssessment, data_of, data_recovery, path_data_recovery, service_summary,
    services as service_summaries, tier as dr_tier,
};
pub use evaluate::{
    Evaluation, Outcome, PathVerdict, Scenario, ServiceVerdict, Verdict, what_if,
    what_if_exhaustive,
};
pub use kinds::entry_point::{
    Entry, EntryCause, EntryVerdict, Member, Policy, Role, ServiceSummary, entry_label,
};
pub use kinds::target_group::{Tally, ZoneTargets};
pub use lost::{Lose, LostDomains, Restore};
pub use matrix::{Cell, Matrix};
pub use reason::{
    CacheCause, Cause, ClusterCause, ClusterKind, EgressCause, FunctionCause, LbCause, PlacedCause,
    RdsCause, Reason, TableCause, TargetCause,
};
pub use runbook::{PathSteps, Runbook, Shift, ShiftAdvice, runbook};
pub use topology::{PathSpec, PathSummary, ServiceSpec, Topology};
pub use view::{CohortRef, DependencyRef, EgressRef, Part, PartId, PathParts, Peer};

/// The status of a path, a service or a hop under a scenario. Ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Nothing on the path lost anything (or a loss cost no capacity).
    Ok,
    /// Still serving, but something was lost.
    Degraded,
    /// Some hard hop has nothing left that can serve.
    Down,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Degraded => "degraded",
            Status::Down => "down",
        }
    }

    /// A one-character glyph for dense views.
    pub fn glyph(self) -> &'static str {
        match self {
            Status::Ok => "✓",
            Status::Degraded => "~",
            Status::Down => "✗",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What capacity is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// vCPUs, when every target's instance type is known.
    Vcpu,
    /// Target count otherwise.
    Targets,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Vcpu => "vcpu",
            Unit::Targets => "targets",
        }
    }

    /// For people: `vCPU`, `targets`.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Vcpu => "vCPU",
            Unit::Targets => "targets",
        }
    }
}

/// Capacity of a path: before the loss, right after it, and after automatic recovery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capacity {
    pub unit: Unit,
    pub before: u64,
    pub after: u64,
    pub after_recovery: u64,
}

impl Capacity {
    /// `after / before` as a fraction (1.0 when there was nothing to lose).
    pub fn fraction_left(&self) -> f64 {
        if self.before == 0 {
            1.0
        } else {
            self.after as f64 / self.before as f64
        }
    }
}
