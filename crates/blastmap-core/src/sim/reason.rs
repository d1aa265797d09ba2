//! Why a path, hop or database has the status it has: structured, then one sentence.
//!
//! Each kind's own causes, and their sentences, live in its module under
//! `kinds/`; a [`Cause`] is one of those, or one of the few every kind shares.

use crate::model::{Estate, RegionIdx, ResIdx};

pub use super::kinds::db_cluster::{ClusterCause, ClusterKind};
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
        inner: Box<Reason>,
    },
    LoadBalancer(LbCause),
    Targets(TargetCause),
    Egress(EgressCause),
    Rds(RdsCause),
    Cluster(ClusterCause),
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
            | Cause::Cluster(ClusterCause::WriterUnread { .. }) => true,
            Cause::Dependency { inner, .. } => inner.is_assumption(),
            _ => false,
        }
    }

    /// The resource that failed, looking through dependencies.
    pub fn culprit(&self) -> Option<ResIdx> {
        match &self.cause {
            Cause::NothingLost => None,
            Cause::RegionLost { res, .. } => Some(*res),
            Cause::Dependency { inner, via, .. } => inner.culprit().or(Some(*via)),
            Cause::LoadBalancer(c) => Some(c.culprit()),
            Cause::Targets(c) => Some(c.culprit()),
            Cause::Egress(c) => Some(c.nat),
            Cause::Rds(c) => Some(c.culprit()),
            Cause::Cluster(c) => Some(c.culprit()),
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
            Cause::Dependency {
                via,
                hard,
                declared,
                holders,
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
                format!(
                    "depends on {} ({strength}{origin}{whose}): {}",
                    estate.resource(*via).name,
                    inner.describe(estate)
                )
            }
            Cause::LoadBalancer(c) => c.describe(estate),
            Cause::Targets(c) => c.describe(estate),
            Cause::Egress(c) => c.describe(estate),
            Cause::Rds(c) => c.describe(estate),
            Cause::Cluster(c) => c.describe(estate),
            Cause::Placed(c) => c.describe(estate),
        }
    }
}

/// `use1-az1, use1-az2`: AZ IDs for a sentence.
pub(crate) fn az_list(estate: &Estate, azs: &[crate::model::AzIdx]) -> String {
    azs.iter()
        .map(|a| estate.az_id(*a))
        .collect::<Vec<_>>()
        .join(", ")
}
