//! One path hop by hop, for the TUI's path detail and the Markdown report.

use crate::model::{AzIdx, Estate, Facts};

use super::evaluate::launches;
use super::topology::{Topology, Unit, UnitIdx};
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

/// Every hop of `path` with its own status and reason under the verdict's scenario.
pub fn path_detail(estate: &Estate, topo: &Topology, path: usize, verdict: &Verdict) -> PathDetail {
    let lost = &verdict.lost;
    let outcomes = &verdict.evaluation.outcomes;
    let c = topo.chain(path);
    let pv = &verdict.paths[path];
    let unit = c.unit.as_str();
    let mut hops = Vec::new();
    let region_lost = lost.region(c.region);

    let lb = estate.resource(c.lb);
    let lb_kind = match &lb.facts {
        Facts::LoadBalancer(f) => f.lb_type.short(),
        _ => "load balancer",
    };
    let nodes_alive = c.lb_azs.iter().filter(|a| !lost.az(**a)).count();
    hops.push(HopDetail {
        depth: 0,
        label: format!(
            "{} ({lb_kind}, internet-facing, cross-zone {})",
            lb.name,
            if c.cross_zone { "on" } else { "off" }
        ),
        status: if region_lost || nodes_alive == 0 {
            Status::Down
        } else if nodes_alive < c.lb_azs.len() {
            Status::Degraded
        } else {
            Status::Ok
        },
        note: format!("{} of {} nodes up", nodes_alive, c.lb_azs.len()),
    });
    for &az in &c.lb_azs {
        let down = lost.az(az);
        hops.push(HopDetail {
            depth: 1,
            label: format!("node in {}", az_label(estate, lb.account, az)),
            status: if down { Status::Down } else { Status::Ok },
            note: if down { "lost" } else { "up" }.to_string(),
        });
    }

    let tg = estate.resource(c.tg);
    hops.push(HopDetail {
        depth: 1,
        label: format!("target group {}", tg.name),
        status: pv.status.min(if pv.capacity.after == 0 {
            Status::Down
        } else if pv.capacity.after < pv.capacity.before {
            Status::Degraded
        } else {
            Status::Ok
        }),
        note: format!(
            "{}/{} {unit} now, {} after recovery",
            pv.capacity.after, pv.capacity.before, pv.capacity.after_recovery
        ),
    });
    for z in &c.zones {
        let down = lost.az(z.az);
        let note = if !z.enabled {
            "no load balancer node in this AZ: gets no traffic".to_string()
        } else if down {
            "lost".to_string()
        } else {
            "serving".to_string()
        };
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "targets in {}: {} of {} healthy ({} {unit})",
                az_label(estate, lb.account, z.az),
                z.tally.serving,
                z.tally.total,
                z.tally.units
            ),
            status: if down && z.enabled && z.tally.serving > 0 {
                Status::Down
            } else {
                Status::Ok
            },
            note,
        });
    }
    if c.nonzonal.total > 0 {
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "targets outside any AZ: {} of {} healthy",
                c.nonzonal.serving, c.nonzonal.total
            ),
            status: if nodes_alive == 0 {
                Status::Down
            } else {
                Status::Ok
            },
            note: String::new(),
        });
    }
    for a in &c.asgs {
        let r = estate.resource(a.asg);
        let launched: u32 = launches(a, lost).iter().map(|(_, n)| n).sum();
        let (min, max) = match &r.facts {
            Facts::AutoScalingGroup(f) => (f.min, f.max),
            _ => (0, 0),
        };
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "Auto Scaling group {} (desired {}, min {min}, max {max})",
                r.name, a.target
            ),
            status: if launched > 0 {
                Status::Degraded
            } else {
                Status::Ok
            },
            note: if launched > 0 {
                format!("relaunches {launched} instance(s) in surviving AZs")
            } else {
                "nothing to relaunch".to_string()
            },
        });
    }
    for d in &c.deps {
        let o = &outcomes[d.unit as usize];
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "depends on {} ({}{})",
                dependency_label(estate, topo, d.unit),
                if d.hard { "" } else { "soft, " },
                if d.declared { "declared" } else { "inferred" }
            ),
            status: o.status,
            note: o
                .reasons
                .first()
                .map_or_else(|| "ok".to_string(), |r| r.describe(estate)),
        });
    }
    for e in &c.egress {
        let nat = estate.resource(e.nat);
        let nat_lost = lost.placement(e.region, e.nat_az);
        let users: u32 = e.users.iter().map(|(_, t)| t.total).sum();
        let place = e.nat_az.map_or_else(
            || format!("regional, {}", estate.region_name(e.region)),
            |az| az_label(estate, nat.account, az),
        );
        hops.push(HopDetail {
            depth: 2,
            label: format!("egress via NAT gateway {} ({place})", nat.name),
            status: match (nat_lost, e.hard) {
                (false, _) => Status::Ok,
                (true, false) => Status::Degraded,
                (true, true) => Status::Down,
            },
            note: format!(
                "{users} target(s) use it{}",
                if e.hard { "; declared hard" } else { "" }
            ),
        });
    }

    let mut azs: Vec<AzIdx> = c.lb_azs.clone();
    azs.extend(c.zones.iter().map(|z| z.az));
    azs.extend(c.asgs.iter().flat_map(|a| a.azs.iter().copied()));
    azs.sort_unstable();
    azs.dedup();
    let per_az = azs
        .into_iter()
        .map(|az| {
            let lb_node = c.lb_azs.contains(&az);
            let before = c
                .zones
                .iter()
                .find(|z| z.az == az && z.enabled)
                .map_or(0, |z| z.tally.units);
            let az_lost = lost.az(az) || region_lost;
            let after = if az_lost || nodes_alive == 0 {
                0
            } else {
                before
            };
            let relaunched: u64 = if lb_node && nodes_alive > 0 {
                c.asgs
                    .iter()
                    .map(|a| {
                        launches(a, lost)
                            .iter()
                            .filter(|(l, _)| *l == az)
                            .map(|(_, n)| *n as u64 * a.unit_per_instance)
                            .sum::<u64>()
                    })
                    .sum()
            } else {
                0
            };
            AzCapacity {
                az,
                lost: az_lost,
                lb_node,
                before,
                after,
                after_recovery: after + relaunched,
            }
        })
        .collect();
    PathDetail { hops, per_az }
}

fn az_label(estate: &Estate, account: crate::model::AccountIdx, az: AzIdx) -> String {
    match estate.az_name(account, az) {
        Some(name) => format!("{} ({name})", estate.az_id(az)),
        None => estate.az_id(az).to_string(),
    }
}

/// "orders-db (RDS instance, single-AZ)" and the like.
pub fn dependency_label(estate: &Estate, topo: &Topology, unit: UnitIdx) -> String {
    match topo.unit(unit) {
        Unit::Rds(r) => format!(
            "{} (RDS instance, {})",
            estate.resource(r.db).name,
            if r.multi_az { "Multi-AZ" } else { "single-AZ" }
        ),
        Unit::Cluster(c) => format!(
            "{} ({}, {} reader(s))",
            estate.resource(c.cluster).name,
            match c.kind {
                super::ClusterKind::Aurora => "Aurora cluster",
                super::ClusterKind::MultiAz => "Multi-AZ DB cluster",
            },
            c.readers.len()
        ),
        Unit::Hop(h) => format!("{} (internal load balancer)", estate.resource(h.lb).name),
        Unit::Chain(ch) => format!(
            "{} → {}",
            estate.resource(ch.lb).name,
            estate.resource(ch.tg).name
        ),
        Unit::Placed(p) => format!(
            "{} ({})",
            estate.resource(p.res).name,
            estate.resource(p.res).kind().label()
        ),
    }
}
