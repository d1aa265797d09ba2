//! A chain's targets one by one: what became of each under a scenario, by the same
//! rules as the per-AZ capacity (`evaluate.rs`, `zone_capacity`), so a picture that
//! draws targets on their own agrees with the path's verdict.
//!
//! Each target is kept in 12 bytes (estates hold 100,000 resources): the resource it is
//! or its registration's slot, its AZ (or the function's place in `spread`), whether it
//! served before, its cohort (what it needs beyond the shared dependencies) and its
//! NAT egress.

use crate::model::{AzIdx, Estate, ResIdx};
use crate::sim::topology::Topology;
use crate::sim::view::PartId;
use crate::sim::{Status, Verdict};

use super::{Blocked, Chain, TargetEntry};

const NONE: u16 = u16::MAX;
const SERVES: u8 = 1;
/// `id` is a registration slot, not a resource.
const SLOT: u8 = 2;
/// `place` is an index in the chain's `spread`, not an AZ.
const SPREAD: u8 = 4;
/// An inner ALB's node (an `alb` target): counted, never drawn on its own.
const NODE: u8 = 8;

/// One target of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TargetRec {
    id: u32,
    place: u16,
    cohort: u16,
    egress: u16,
    flags: u8,
}

/// The records of a chain's target entries, given each entry's cohort and egress.
pub(crate) fn records(
    entries: &[TargetEntry],
    cohort_of: &[Option<u16>],
    egress_of: &[Option<u16>],
) -> Vec<TargetRec> {
    let mut spread = 0u16;
    let mut out = Vec::with_capacity(entries.len());
    for ((e, cohort), egress) in entries.iter().zip(cohort_of).zip(egress_of) {
        let mut flags = if e.serves { SERVES } else { 0 };
        let id = match (e.target, e.slot) {
            (Some(r), _) => r.0,
            (None, Some(slot)) => {
                flags |= SLOT;
                slot
            }
            (None, None) => {
                flags |= NODE;
                0
            }
        };
        // The chain keeps functions in `spread` in entry order (`compile`).
        let place = match (e.az, e.spread.is_empty()) {
            (Some(az), _) => az.0,
            (None, false) => {
                flags |= SPREAD;
                spread += 1;
                spread - 1
            }
            (None, true) => NONE,
        };
        out.push(TargetRec {
            id,
            place,
            cohort: cohort.unwrap_or(NONE),
            egress: egress.unwrap_or(NONE),
            flags,
        });
    }
    out
}

/// Which target: the resource it is, or its registration in the target group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetRef {
    /// An instance, ECS task or Lambda function.
    Resource(ResIdx),
    /// A registration that is no resource of the estate (an IP address, an instance
    /// the scan could not read): its place in the target group's list of targets.
    Registration { tg: ResIdx, slot: u32 },
}

/// What became of a target under a scenario, in the order the rules ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetFate {
    Serving,
    /// In a lost AZ or Region (a function: every AZ of its subnets).
    Lost,
    /// Not healthy, or not running, even before the loss.
    NotServingBefore,
    /// In an AZ where the load balancer has no node: it gets no traffic.
    NoTraffic,
    /// No load balancer node is left to send it traffic.
    NoNodeLeft,
    /// A hard dependency it needs is down.
    Blocked(ResIdx),
    /// Its NAT gateway is lost and its egress is declared hard: it cannot serve.
    EgressLostHard(ResIdx),
    /// Its NAT gateway is lost: it serves, without internet egress (soft).
    EgressLost(ResIdx),
}

impl TargetFate {
    pub fn status(self) -> Status {
        match self {
            TargetFate::Serving | TargetFate::NoTraffic => Status::Ok,
            TargetFate::EgressLost(_) => Status::Degraded,
            TargetFate::Lost
            | TargetFate::NotServingBefore
            | TargetFate::NoNodeLeft
            | TargetFate::Blocked(_)
            | TargetFate::EgressLostHard(_) => Status::Down,
        }
    }

    /// Whether it serves (and so counts in capacity).
    pub fn serves(self) -> bool {
        matches!(self, TargetFate::Serving | TargetFate::EgressLost(_))
    }

    /// A few words for a label: `lost`, `no egress (NAT shop-nat-a lost)`, ….
    pub fn describe(self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        match self {
            TargetFate::Serving => "serving".to_string(),
            TargetFate::Lost => "lost".to_string(),
            TargetFate::NotServingBefore => "not serving before the loss".to_string(),
            TargetFate::NoTraffic => "no load balancer node in its AZ".to_string(),
            TargetFate::NoNodeLeft => "no load balancer node left".to_string(),
            TargetFate::Blocked(dep) => format!("needs {}, which is down", name(dep)),
            TargetFate::EgressLostHard(nat) => format!("no egress: {} lost", name(nat)),
            TargetFate::EgressLost(nat) => format!("egress lost with {}", name(nat)),
        }
    }
}

/// One target of a chain under a scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TargetDetail {
    pub target: TargetRef,
    /// Its AZ (`None`: outside any AZ, or a function over several).
    pub az: Option<AzIdx>,
    /// A function's place: the AZs of its subnets are the chain's.
    pub function: bool,
    pub fate: TargetFate,
    /// Whether it is gone with the lost domains.
    pub lost: bool,
    /// Its cohort: what it needs beyond what every target needs (an index in
    /// [`crate::sim::PathParts::cohorts`]).
    pub cohort: Option<u16>,
    /// The NAT gateway it reaches the internet through.
    pub nat: Option<ResIdx>,
}

impl TargetDetail {
    pub fn status(&self) -> Status {
        self.fate.status()
    }
}

/// Every target of a chain (a path's, or a load balancer's depended upon) under the
/// verdict's scenario, in the order they were gathered; `None` when `part` is no chain.
/// An inner ALB's nodes (`alb` targets) are left out: the ALB is drawn as a hop.
pub fn target_details(
    topo: &Topology,
    part: PartId,
    verdict: &Verdict,
) -> Option<Vec<TargetDetail>> {
    let c = topo.chain_unit(part.0)?;
    let outcomes = &verdict.evaluation.outcomes;
    let blocked = Blocked::of(c, |u| &outcomes[u as usize]);
    Some(details(c, verdict, &blocked))
}

fn details(c: &Chain, verdict: &Verdict, blocked: &Blocked) -> Vec<TargetDetail> {
    let lost = &verdict.lost;
    let region_lost = lost.region(c.region);
    let nodes_alive = !region_lost && c.lb_azs.iter().any(|a| !lost.az(*a));
    let cohort_down =
        |k: u16| -> Option<ResIdx> { blocked.cohorts.get(k as usize).copied().flatten() };
    (c.targets.iter())
        .filter(|t| t.flags & NODE == 0)
        .map(|t| {
            let target = if t.flags & SLOT != 0 {
                TargetRef::Registration {
                    tg: c.tg,
                    slot: t.id,
                }
            } else {
                TargetRef::Resource(ResIdx(t.id))
            };
            let spread = (t.flags & SPREAD != 0).then(|| &c.spread[t.place as usize]);
            let az = (t.flags & SPREAD == 0 && t.place != NONE).then_some(AzIdx(t.place));
            let gone = region_lost
                || az.is_some_and(|a| lost.az(a))
                || spread.is_some_and(|f| !f.azs.is_empty() && f.azs.iter().all(|a| lost.az(*a)));
            let nat = (t.egress != NONE).then(|| &c.egress[t.egress as usize]);
            let fate = if gone {
                TargetFate::Lost
            } else if az.is_some_and(|a| !c.lb_azs.contains(&a)) {
                TargetFate::NoTraffic
            } else if t.flags & SERVES == 0 {
                TargetFate::NotServingBefore
            } else if !nodes_alive {
                TargetFate::NoNodeLeft
            } else if let Some(dep) = blocked.shared {
                TargetFate::Blocked(dep)
            } else if let Some(dep) = (t.cohort != NONE).then(|| cohort_down(t.cohort)).flatten() {
                TargetFate::Blocked(dep)
            } else if let Some(e) = nat.filter(|e| e.is_lost(lost)) {
                if c.hard_egress {
                    TargetFate::EgressLostHard(e.nat)
                } else {
                    TargetFate::EgressLost(e.nat)
                }
            } else {
                TargetFate::Serving
            };
            TargetDetail {
                target,
                az,
                function: spread.is_some(),
                fate,
                lost: gone,
                cohort: (t.cohort != NONE).then_some(t.cohort),
                nat: nat.map(|e| e.nat),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_target_record_is_twelve_bytes() {
        assert_eq!(std::mem::size_of::<super::TargetRec>(), 12);
    }
}
