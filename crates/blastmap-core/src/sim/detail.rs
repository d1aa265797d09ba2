//! One path hop by hop, for the TUI's path detail and the Markdown report.

use crate::model::{AzIdx, Estate, Facts};

use super::evaluate::{launches, zone_capacity};
use super::topology::{Topology, Unit, UnitIdx};
use super::{Status, Verdict};
use crate::text::{count, verb};

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
    let unit = c.unit.label();
    let mut hops = Vec::new();
    let region_lost = lost.region(c.region);

    let lb = estate.resource(c.lb);
    let lb_kind = match &lb.facts {
        Facts::LoadBalancer(f) => f.lb_type.short(),
        _ => "load balancer",
    };
    // A lost Region takes every AZ in it, whether or not each AZ is named.
    let az_lost = |az: AzIdx| region_lost || lost.az(az);
    let nodes_alive = c.lb_azs.iter().filter(|a| !az_lost(**a)).count();
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
    let mut lb_azs = c.lb_azs.clone();
    lb_azs.sort_by_key(|a| estate.az_id(*a));
    for az in lb_azs {
        let down = az_lost(az);
        hops.push(HopDetail {
            depth: 1,
            label: format!("node in {}", az_label(estate, lb.account, az)),
            status: if down { Status::Down } else { Status::Ok },
            note: if down { "lost" } else { "up" }.to_string(),
        });
    }

    // A hard dependency that is down leaves the targets nothing to serve with.
    let dependency_down = c
        .deps
        .iter()
        .find(|d| d.hard && outcomes[d.unit as usize].status == Status::Down)
        .map(|d| dependency_name(estate, topo, d.unit));
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
    let capacity = zone_capacity(c, lost);
    let mut zones: Vec<&super::ZoneTargets> = c.zones.iter().collect();
    zones.sort_by_key(|z| estate.az_id(z.az));
    for z in zones {
        let (before, after) = capacity
            .iter()
            .find(|zc| zc.az == z.az)
            .map_or((0, 0), |zc| (zc.before, zc.after));
        let (status, note) = if !z.enabled {
            (
                Status::Ok,
                "no load balancer node in this AZ: gets no traffic".to_string(),
            )
        } else if before == 0 {
            (Status::Down, "none healthy".to_string())
        } else if after == 0 && az_lost(z.az) {
            (Status::Down, "lost".to_string())
        } else if let Some(dep) = &dependency_down {
            (
                Status::Down,
                format!("cannot serve: {dep}, which they need, is down"),
            )
        } else if after == 0 {
            (
                Status::Down,
                "cannot serve: their NAT egress is lost".to_string(),
            )
        } else if after < before {
            (
                Status::Degraded,
                "some cannot serve: their NAT egress is lost".to_string(),
            )
        } else {
            (Status::Ok, "serving".to_string())
        };
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "targets in {}: {}/{} healthy, {} {unit}",
                az_label(estate, lb.account, z.az),
                z.tally.serving,
                z.tally.total,
                z.tally.units
            ),
            status,
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
            status: if region_lost {
                Status::Down
            } else if launched > 0 {
                Status::Degraded
            } else {
                Status::Ok
            },
            note: if region_lost {
                format!(
                    "lost with {}: nothing left to relaunch into",
                    estate.region_name(c.region)
                )
            } else if launched > 0 && pv.capacity.after_recovery == 0 {
                format!(
                    "relaunches {} in surviving AZs, but they cannot serve either",
                    count(launched, "instance", "instances")
                )
            } else if launched > 0 {
                format!(
                    "relaunches {} in surviving AZs",
                    count(launched, "instance", "instances")
                )
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
                "depends on {}",
                dependency_described(
                    estate,
                    topo,
                    d.unit,
                    Some(match (d.hard, d.declared) {
                        (true, true) => "declared",
                        (true, false) => "inferred",
                        (false, true) => "soft, declared",
                        (false, false) => "soft, inferred",
                    })
                )
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
        let label = match e.nat_az {
            None => format!(
                "egress via regional NAT gateway {} ({})",
                nat.name,
                estate.region_name(e.region)
            ),
            Some(az) => format!(
                "egress via NAT gateway {} in {}",
                nat.name,
                az_label(estate, nat.account, az)
            ),
        };
        hops.push(HopDetail {
            depth: 2,
            label,
            status: match (nat_lost, e.hard || region_lost) {
                (false, _) => Status::Ok,
                (true, false) => Status::Degraded,
                (true, true) => Status::Down,
            },
            note: format!(
                "{}{} {} it{}",
                if nat_lost { "lost: " } else { "" },
                count(users, "target", "targets"),
                if nat_lost {
                    verb(users, "loses egress through", "lose egress through")
                } else {
                    verb(users, "uses", "use")
                },
                if e.hard { "; declared hard" } else { "" }
            ),
        });
    }

    let mut per_az: Vec<AzCapacity> = capacity
        .into_iter()
        .map(|z| AzCapacity {
            az: z.az,
            lost: az_lost(z.az),
            lb_node: c.lb_azs.contains(&z.az),
            before: z.before,
            // Targets with a hard dependency down serve nothing, now or once relaunched.
            after: if dependency_down.is_some() {
                0
            } else {
                z.after
            },
            after_recovery: if dependency_down.is_some() && pv.capacity.after_recovery == 0 {
                0
            } else {
                z.after + z.relaunched
            },
        })
        .collect();
    per_az.sort_by_key(|z| estate.az_id(z.az));
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
    dependency_described(estate, topo, unit, None)
}

/// `orders-db (RDS instance, Multi-AZ)`, with `more` ("declared", …) inside the
/// parentheses: one pair, not two.
fn dependency_described(
    estate: &Estate,
    topo: &Topology,
    unit: UnitIdx,
    more: Option<&str>,
) -> String {
    let (name, what) = named(estate, topo, unit);
    let inside: Vec<&str> = [what.as_str(), more.unwrap_or("")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if inside.is_empty() {
        name
    } else {
        format!("{name} ({})", inside.join("; "))
    }
}

/// A dependency's name alone: `orders-db`.
fn dependency_name(estate: &Estate, topo: &Topology, unit: UnitIdx) -> String {
    named(estate, topo, unit).0
}

/// A dependency's name, and what it is.
fn named(estate: &Estate, topo: &Topology, unit: UnitIdx) -> (String, String) {
    match topo.unit(unit) {
        Unit::Rds(r) => (
            estate.resource(r.db).name.clone(),
            format!(
                "RDS instance, {}",
                if r.multi_az { "Multi-AZ" } else { "single-AZ" }
            ),
        ),
        Unit::Cluster(c) => (
            estate.resource(c.cluster).name.clone(),
            format!(
                "{}, {}",
                match c.kind {
                    super::ClusterKind::Aurora => "Aurora cluster",
                    super::ClusterKind::MultiAz => "Multi-AZ DB cluster",
                },
                count(c.readers.len(), "reader", "readers")
            ),
        ),
        Unit::Hop(h) => {
            let r = estate.resource(h.lb);
            let what = match &r.facts {
                Facts::LoadBalancer(lb) if !lb.is_internet_facing() => "internal load balancer",
                _ => "load balancer",
            };
            (r.name.clone(), what.to_string())
        }
        Unit::Chain(ch) => (estate.forwarding_label(ch.lb, ch.tg), String::new()),
        Unit::Placed(p) => {
            let r = estate.resource(p.res);
            (r.name.clone(), r.kind().label().to_string())
        }
    }
}
