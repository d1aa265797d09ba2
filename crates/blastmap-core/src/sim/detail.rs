//! One path hop by hop, for the TUI's path detail and the Markdown report.

use crate::model::{AzIdx, Estate};

use super::kinds::recovery::Actor;
use super::kinds::{self, auto_scaling, ecs_service, load_balancer, nat, target_group};
use super::topology::{Topology, UnitIdx};
use super::{Status, Verdict};

/// One hop of a path, as a line of the detail view.
#[derive(Debug, Clone, PartialEq)]
pub struct HopDetail {
    /// Indentation: 0 for the load balancer, 1 for what hangs off it, ….
    pub depth: u8,
    pub label: String,
    pub status: Status,
    pub note: String,
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
    let lost = &verdict.lost;
    let outcomes = &verdict.evaluation.outcomes;
    let c = topo.chain(path);
    let pv = &verdict.paths[path];
    let mut hops = Vec::new();
    let region_lost = lost.region(c.region);
    let az_lost = |az: AzIdx| region_lost || lost.az(az);

    load_balancer::detail(estate, c, lost, &mut hops);
    // A hard dependency that is down leaves the targets that need it nothing to serve with.
    let blocked = target_group::Blocked::of(c, |u| &outcomes[u as usize]);
    target_group::detail(
        estate,
        c,
        lost,
        (pv.status, pv.capacity),
        &blocked,
        &mut hops,
    );
    for a in &c.recovery {
        let serves = pv.capacity.after_recovery > 0;
        hops.push(match a.kind {
            Actor::Ecs { .. } => ecs_service::detail(estate, a, lost, c.region, serves),
            Actor::Asg { .. } => auto_scaling::detail(estate, a, lost, c.region, serves),
        });
    }
    let total = c.zones.iter().map(|z| z.tally.total).sum::<u32>() + c.nonzonal.total;
    let shared = c.deps.iter().map(|d| (d, String::new()));
    let own = (c.cohorts.iter()).flat_map(|co| {
        co.deps
            .iter()
            .map(move |d| (d, format!(", for {} of {total} targets", co.targets)))
    });
    for (d, whose) in shared.chain(own) {
        let o = &outcomes[d.unit as usize];
        let how = match (d.hard, d.declared) {
            (true, true) => "declared",
            (true, false) => "inferred",
            (false, true) => "soft, declared",
            (false, false) => "soft, inferred",
        };
        let how = format!("{how}{whose}");
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "depends on {}",
                kinds::described(estate, topo, d.unit, Some(&how))
            ),
            status: o.status,
            note: o
                .reasons
                .first()
                .map_or_else(|| "ok".to_string(), |r| r.describe(estate)),
        });
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
    PathDetail { hops, per_az }
}

/// "orders-db (RDS instance, single-AZ)" and the like.
pub fn dependency_label(estate: &Estate, topo: &Topology, unit: UnitIdx) -> String {
    kinds::described(estate, topo, unit, None)
}
