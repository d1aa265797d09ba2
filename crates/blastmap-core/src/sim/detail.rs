//! One path hop by hop, for the TUI's path detail, the Markdown report and the
//! diagrams: every hop says what it is about ([`HopSubject`]), so a picture of the
//! path colours each node from the engine's own answer, never by its own reasoning.

use crate::model::{AzIdx, Estate, ResIdx};

use super::kinds::recovery::Actor;
use super::kinds::{self, auto_scaling, ecs_service, load_balancer, nat, target_group};
use super::topology::{Topology, UnitIdx};
use super::view::PartId;
use super::{Status, Verdict};

pub use super::kinds::target_group::targets::{
    TargetDetail, TargetFate, TargetRef, target_details,
};

/// What a hop of a path's detail is about: the key a picture draws it by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HopSubject {
    /// The load balancer as a whole (its nodes, together).
    LoadBalancer(ResIdx),
    /// One of its nodes.
    LbNode {
        lb: ResIdx,
        az: AzIdx,
    },
    TargetGroup(ResIdx),
    /// The target group's targets in one AZ (`None`: outside any AZ).
    TargetsIn {
        tg: ResIdx,
        az: Option<AzIdx>,
    },
    /// A Lambda function target spread over its subnets' AZs.
    Function {
        tg: ResIdx,
        function: ResIdx,
    },
    /// An Auto Scaling group or ECS service that relaunches lost targets.
    Recovery(ResIdx),
    /// Something the targets need, as the engine evaluates it.
    Dependency(PartId),
    /// A NAT gateway targets reach the internet through.
    Nat(ResIdx),
}

/// One hop of a path, as a line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct HopDetail {
    /// Indentation: 0 for the load balancer, 1 for what hangs off it, ….
    pub depth: u8,
    pub label: String,
    pub status: Status,
    pub note: String,
    pub subject: HopSubject,
    /// What the hop stands for is gone with the lost domains (its AZ or Region lost,
    /// or every AZ it could run in), rather than failed over or short of capacity.
    pub lost: bool,
}

/// Capacity of a path in one AZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AzCapacity {
    pub az: AzIdx,
    pub lost: bool,
    /// The load balancer has a node here.
    pub lb_node: bool,
    pub before: u64,
    pub after: u64,
    pub after_recovery: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PathDetail {
    pub hops: Vec<HopDetail>,
    pub per_az: Vec<AzCapacity>,
}

/// Every hop of `path` with its own status and reason under the verdict's scenario:
/// each kind writes its own lines.
pub fn path_detail(estate: &Estate, topo: &Topology, path: usize, verdict: &Verdict) -> PathDetail {
    chain_detail(estate, topo, topo.path_part(path), verdict)
        .expect("a path always points at a chain")
}

/// Every hop of a chain (a user-facing path, or a load balancer's target group that
/// something depends on) under the verdict's scenario; `None` when `part` is not a chain.
pub fn chain_detail(
    estate: &Estate,
    topo: &Topology,
    part: PartId,
    verdict: &Verdict,
) -> Option<PathDetail> {
    let lost = &verdict.lost;
    let outcomes = &verdict.evaluation.outcomes;
    let c = topo.chain_unit(part.0)?;
    let outcome = verdict.outcome(part);
    let (status, capacity) = (outcome.status, outcome.capacity?);
    let mut hops = Vec::new();
    let region_lost = lost.region(c.region);
    let az_lost = |az: AzIdx| region_lost || lost.az(az);

    load_balancer::detail(estate, c, lost, &mut hops);
    // A hard dependency that is down leaves the targets that need it nothing to serve with.
    let blocked = target_group::Blocked::of(c, |u| &outcomes[u as usize]);
    target_group::detail(estate, c, lost, (status, capacity), &blocked, &mut hops);
    for a in &c.recovery {
        let serves = capacity.after_recovery > 0;
        let mut hop = match a.kind {
            Actor::Ecs { .. } => ecs_service::detail(estate, a, lost, c.region, serves),
            Actor::Asg { .. } => auto_scaling::detail(estate, a, lost, c.region, serves),
        };
        hop.subject = HopSubject::Recovery(a.actor);
        hop.lost = region_lost;
        hops.push(hop);
    }
    let total = c.zones.iter().map(|z| z.tally.total).sum::<u32>() + c.nonzonal.total;
    let shared = c.deps.iter().map(|d| (d, String::new()));
    let own = (c.cohorts.iter()).flat_map(|co| {
        co.deps
            .iter()
            .map(move |d| (d, format!(", for {} of {total} targets", co.targets)))
    });
    for (d, whose) in shared.chain(own) {
        let how = match (d.hard, d.declared) {
            (true, true) => "declared",
            (true, false) => "inferred",
            (false, true) => "soft, declared",
            (false, false) => "soft, inferred",
        };
        let mut hop = unit_hop(
            estate,
            topo,
            d.unit,
            verdict,
            Some(&format!("{how}{whose}")),
        );
        hop.depth = 2;
        hop.label = format!("depends on {}", hop.label);
        hops.push(hop);
    }
    nat::detail(estate, c, lost, &mut hops);

    // Targets with a hard dependency down serve nothing, now or once relaunched.
    let mut per_az: Vec<AzCapacity> = target_group::zone_capacity(c, lost, &blocked)
        .into_iter()
        .map(|z| AzCapacity {
            az: z.az,
            lost: az_lost(z.az),
            lb_node: c.lb_azs.contains(&z.az),
            before: z.before,
            after: z.after,
            after_recovery: z.after + z.relaunched,
        })
        .collect();
    per_az.sort_by_key(|z| estate.az_id(z.az));
    Some(PathDetail { hops, per_az })
}

/// A part on its own, as a hop: its name and kind, its status and first reason under
/// the verdict's scenario, and whether it is gone. What a picture draws for a part no
/// drawn path lists (a global database's other cluster, a replica's source).
pub fn part_hop(estate: &Estate, topo: &Topology, part: PartId, verdict: &Verdict) -> HopDetail {
    unit_hop(estate, topo, part.0, verdict, None)
}

fn unit_hop(
    estate: &Estate,
    topo: &Topology,
    unit: UnitIdx,
    verdict: &Verdict,
    how: Option<&str>,
) -> HopDetail {
    let o = &verdict.evaluation.outcomes[unit as usize];
    HopDetail {
        depth: 0,
        label: kinds::described(estate, topo, unit, how),
        status: o.status,
        note: o
            .reasons
            .first()
            .map_or_else(|| "ok".to_string(), |r| r.describe(estate)),
        subject: HopSubject::Dependency(PartId(unit)),
        lost: topo.unit(unit).gone(estate, &verdict.lost),
    }
}

/// "orders-db (RDS instance, single-AZ)" and the like.
pub fn dependency_label(estate: &Estate, topo: &Topology, unit: UnitIdx) -> String {
    kinds::described(estate, topo, unit, None)
}
