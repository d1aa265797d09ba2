//! Why a path, hop or database has the status it has: structured, then one sentence.
//!
//! Each kind's own causes, and their sentences, live in its module under
//! `kinds/`; a [`Cause`] is one of those, or one of the few every kind shares.

use crate::model::{Estate, RegionIdx, ResIdx};

pub use super::kinds::db_cluster::{ClusterCause, ClusterKind};
pub use super::kinds::dynamodb::TableCause;
pub use super::kinds::elasticache::CacheCause;
pub use super::kinds::lambda::FunctionCause;
pub use super::kinds::load_balancer::LbCause;
pub use super::kinds::nat::EgressCause;
pub use super::kinds::placed::PlacedCause;
pub use super::kinds::rds::RdsCause;
pub use super::kinds::target_group::TargetCause;

use super::Status;

/// One reason, with the status it implies on its own (`Ok` for a note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub effect: Status,
    pub cause: Cause,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    NothingLost,
    /// A regional or zonal resource whose whole Region is lost.
    RegionLost {
        res: ResIdx,
        region: RegionIdx,
    },
    /// A dependency's own reason, seen from the path that needs it.
    Dependency {
        via: ResIdx,
        hard: bool,
        declared: bool,
        /// Held by some targets only: how many of how many.
        holders: Option<(u32, u32)>,
        /// Dependencies between `via` and `inner` left unsaid (a long chain).
        skipped: u32,
        inner: Box<Reason>,
    },
    /// More reasons of a dependency than a path repeats.
    More {
        via: ResIdx,
        count: u32,
    },
    LoadBalancer(LbCause),
    Targets(TargetCause),
    Egress(EgressCause),
    Rds(RdsCause),
    Cluster(ClusterCause),
    Cache(CacheCause),
    Table(TableCause),
    Function(FunctionCause),
    Placed(PlacedCause),
}

impl Reason {
    pub fn new(effect: Status, cause: Cause) -> Self {
        Reason { effect, cause }
    }

    /// A note that the verdict rests on an assumption about a fact AWS did not
    /// report (`../shared/domain.md` §3): said wherever the verdict is.
    pub fn is_assumption(&self) -> bool {
        match &self.cause {
            Cause::Rds(RdsCause::StandbyUnknown { .. })
            | Cause::Cluster(ClusterCause::WriterUnread { .. })
            | Cause::Targets(TargetCause::PodsUnknown { .. }) => true,
            Cause::Dependency { inner, .. } => inner.is_assumption(),
            _ => false,
        }
    }

    /// How many dependencies deep the reason is (0: the resource's own).
    fn depth(&self) -> u32 {
        match &self.cause {
            Cause::Dependency { inner, skipped, .. } => 1 + skipped + inner.depth(),
            _ => 0,
        }
    }

    /// `inner` seen from a path through dependency `via`. A reason at most
    /// [`SAID_DEPTH`] dependencies deep is said whole; a deeper one names `via` and
    /// the root cause, and counts the dependencies between: a long chain of load
    /// balancers costs a constant, not its length, per reason.
    pub(crate) fn through(
        inner: &Reason,
        effect: Status,
        via: ResIdx,
        hard: bool,
        declared: bool,
        holders: Option<(u32, u32)>,
    ) -> Reason {
        let (inner, skipped) = if inner.depth() < SAID_DEPTH {
            (inner.clone(), 0)
        } else {
            let mut root = inner;
            let mut skipped = 0;
            while let Cause::Dependency {
                inner: next,
                skipped: s,
                ..
            } = &root.cause
            {
                skipped += 1 + s;
                root = next;
            }
            (root.clone(), skipped)
        };
        Reason::new(
            effect,
            Cause::Dependency {
                via,
                hard,
                declared,
                holders,
                skipped,
                inner: Box::new(inner),
            },
        )
    }

    /// The resource that failed, looking through dependencies.
    pub fn culprit(&self) -> Option<ResIdx> {
        match &self.cause {
            Cause::NothingLost => None,
            Cause::RegionLost { res, .. } => Some(*res),
            Cause::Dependency { inner, via, .. } => inner.culprit().or(Some(*via)),
            Cause::More { via, .. } => Some(*via),
            Cause::LoadBalancer(c) => Some(c.culprit()),
            Cause::Targets(c) => Some(c.culprit()),
            Cause::Egress(c) => Some(c.nat),
            Cause::Rds(c) => Some(c.culprit()),
            Cause::Cluster(c) => Some(c.culprit()),
            Cause::Cache(c) => Some(c.culprit()),
            Cause::Table(c) => Some(c.table),
            Cause::Function(c) => Some(c.function),
            Cause::Placed(c) => Some(c.res),
        }
    }

    /// The reason as one sentence naming the resource and where it was lost.
    pub fn describe(&self, estate: &Estate) -> String {
        match &self.cause {
            Cause::NothingLost => "nothing on this path is in a lost domain".to_string(),
            Cause::RegionLost { res, region } => format!(
                "{} is in {}, which is lost",
                estate.resource(*res).name,
                estate.region_name(*region)
            ),
            Cause::More { via, count } => format!(
                "depends on {}: and {} (its own path or the detail lists them)",
                estate.resource(*via).name,
                crate::text::count(*count, "more reason", "more reasons")
            ),
            Cause::Dependency {
                via,
                hard,
                declared,
                holders,
                skipped,
                inner,
            } => {
                let origin = if *declared {
                    "declared"
                } else {
                    "inferred from security groups"
                };
                let strength = if *hard { "" } else { "soft, " };
                let whose = holders.map_or_else(String::new, |(n, of)| {
                    format!(", for {n} of its {} targets", of)
                });
                let through = match skipped {
                    0 => String::new(),
                    n => format!(
                        " through {}",
                        crate::text::count(*n, "more dependency", "more dependencies")
                    ),
                };
                format!(
                    "depends on {} ({strength}{origin}{whose}){through}: {}",
                    estate.resource(*via).name,
                    inner.describe(estate)
                )
            }
            Cause::LoadBalancer(c) => c.describe(estate),
            Cause::Targets(c) => c.describe(estate),
            Cause::Egress(c) => c.describe(estate),
            Cause::Rds(c) => c.describe(estate),
            Cause::Cluster(c) => c.describe(estate),
            Cause::Cache(c) => c.describe(estate),
            Cause::Table(c) => c.describe(estate),
            Cause::Function(c) => c.describe(estate),
            Cause::Placed(c) => c.describe(estate),
        }
    }
}

/// Dependencies said whole in a reason before a chain is shortened.
pub(crate) const SAID_DEPTH: u32 = 3;

/// Reasons of one dependency a path repeats; the rest are counted.
pub(crate) const SAID_PER_DEPENDENCY: usize = 4;

/// `use1-az1, use1-az2`: AZ IDs for a sentence.
pub(crate) fn az_list(estate: &Estate, azs: &[crate::model::AzIdx]) -> String {
    azs.iter()
        .map(|a| estate.az_id(*a))
        .collect::<Vec<_>>()
        .join(", ")
}
