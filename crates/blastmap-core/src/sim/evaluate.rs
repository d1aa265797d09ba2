//! Evaluating a scenario: one pass over the units a loss touches, in dependency order.
//! The rules are `../shared/domain.md` §3–§4.

use foldhash::HashMap;

use crate::model::AzIdx;

use super::reason::{Cause, DbKind, Reason};
use super::topology::{
    AsgRecovery, Chain, Cluster, ClusterKind, Hop, Placed, Rds, Topology, Unit, UnitIdx,
};
use super::{Capacity, LostDomains, Status};

/// The result of evaluating one unit under one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Status,
    /// Most severe first.
    pub reasons: Vec<Reason>,
    /// For chains only.
    pub capacity: Option<Capacity>,
}

impl Outcome {
    fn from_reasons(mut reasons: Vec<Reason>, capacity: Option<Capacity>) -> Outcome {
        reasons.sort_by_key(|r| std::cmp::Reverse(r.effect));
        let status = reasons.first().map_or(Status::Ok, |r| r.effect);
        Outcome {
            status,
            reasons,
            capacity,
        }
    }

    fn ok() -> Outcome {
        Outcome {
            status: Status::Ok,
            reasons: Vec::new(),
            capacity: None,
        }
    }
}

/// The verdict on one user-facing path.
#[derive(Debug, Clone, PartialEq)]
pub struct PathVerdict {
    pub path: usize,
    pub status: Status,
    pub capacity: Capacity,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ServiceVerdict {
    pub service: usize,
    pub status: Status,
}

/// Every unit's outcome under one scenario (what a detail view needs).
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub outcomes: Vec<Outcome>,
}

/// The answer to "what if we lose these domains?".
#[derive(Debug, Clone)]
pub struct Verdict {
    pub lost: LostDomains,
    pub paths: Vec<PathVerdict>,
    pub services: Vec<ServiceVerdict>,
    pub evaluation: Evaluation,
}

impl Verdict {
    /// Counts of paths per status: (ok, degraded, down).
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut c = (0, 0, 0);
        for p in &self.paths {
            match p.status {
                Status::Ok => c.0 += 1,
                Status::Degraded => c.1 += 1,
                Status::Down => c.2 += 1,
            }
        }
        c
    }
}

/// One scenario's outcomes: the units that touch a lost domain re-evaluated,
/// every other unit at its baseline. Cheaper than a [`Verdict`] when only a few
/// paths are looked at.
pub struct Scenario<'t> {
    topo: &'t Topology,
    changed: HashMap<UnitIdx, Outcome>,
}

impl<'t> Scenario<'t> {
    pub fn evaluate(topo: &'t Topology, lost: &LostDomains) -> Scenario<'t> {
        let touched = touched_units(topo, lost);
        Scenario {
            topo,
            changed: evaluate_units(topo, lost, &touched),
        }
    }

    pub fn unit(&self, u: UnitIdx) -> &Outcome {
        self.changed
            .get(&u)
            .unwrap_or(&self.topo.baseline[u as usize])
    }

    /// The outcome of a user-facing path.
    pub fn path(&self, p: usize) -> &Outcome {
        self.unit(self.topo.paths[p].chain)
    }
}

/// Evaluates the scenario: units that touch a lost domain are re-evaluated,
/// every other unit keeps its baseline outcome.
pub fn what_if(topo: &Topology, lost: &LostDomains) -> Verdict {
    let scenario = Scenario::evaluate(topo, lost);
    let mut outcomes = topo.baseline.clone();
    for (u, o) in scenario.changed {
        outcomes[u as usize] = o;
    }
    verdict(topo, lost, outcomes)
}

/// The reference evaluation: every unit from scratch, without skipping the units a
/// loss does not touch. [`what_if`] must always agree with it (the tests check).
pub fn what_if_exhaustive(topo: &Topology, lost: &LostDomains) -> Verdict {
    verdict(topo, lost, baseline(topo, lost))
}

/// Every path's and service's verdict, from every unit's outcome.
fn verdict(topo: &Topology, lost: &LostDomains, outcomes: Vec<Outcome>) -> Verdict {
    let paths: Vec<PathVerdict> = topo
        .paths
        .iter()
        .enumerate()
        .map(|(i, p)| path_verdict(i, &outcomes[p.chain as usize]))
        .collect();
    let services = service_verdicts(topo, |p| paths[p].status);
    Verdict {
        lost: lost.clone(),
        paths,
        services,
        evaluation: Evaluation { outcomes },
    }
}

pub(super) fn path_verdict(path: usize, o: &Outcome) -> PathVerdict {
    let mut reasons = o.reasons.clone();
    if reasons.is_empty() {
        reasons.push(Reason::new(Status::Ok, Cause::NothingLost));
    }
    PathVerdict {
        path,
        status: o.status,
        capacity: o.capacity.expect("chains always have a capacity"),
        reasons,
    }
}

/// A service is ok if all its paths are, down if all are, else degraded.
pub(super) fn service_verdicts(
    topo: &Topology,
    status_of: impl Fn(usize) -> Status,
) -> Vec<ServiceVerdict> {
    topo.services
        .iter()
        .enumerate()
        .map(|(s, spec)| {
            let all = |st: Status| spec.paths.iter().all(|&p| status_of(p) == st);
            let status = if all(Status::Ok) {
                Status::Ok
            } else if all(Status::Down) {
                Status::Down
            } else {
                Status::Degraded
            };
            ServiceVerdict { service: s, status }
        })
        .collect()
}

/// Units whose outcome may differ from the baseline under `lost`, in evaluation order.
pub(super) fn touched_units(topo: &Topology, lost: &LostDomains) -> Vec<UnitIdx> {
    let mut units: Vec<UnitIdx> = Vec::new();
    for &d in lost.domains() {
        units.extend_from_slice(topo.units_touching(d));
    }
    if lost.domains().len() > 1 {
        units.sort_unstable();
        units.dedup();
    }
    units
}

/// Evaluates `units` (in dependency order); any other unit keeps its baseline outcome.
pub(super) fn evaluate_units(
    topo: &Topology,
    lost: &LostDomains,
    units: &[UnitIdx],
) -> HashMap<UnitIdx, Outcome> {
    let mut changed: HashMap<UnitIdx, Outcome> =
        HashMap::with_capacity_and_hasher(units.len(), Default::default());
    for &u in units {
        let o = {
            let get = |d: UnitIdx| changed.get(&d).unwrap_or(&topo.baseline[d as usize]);
            evaluate_unit(topo, u, lost, &get)
        };
        changed.insert(u, o);
    }
    changed
}

/// Every unit under `lost`, in order (with nothing lost: the baseline).
pub(super) fn baseline(topo: &Topology, lost: &LostDomains) -> Vec<Outcome> {
    let mut out: Vec<Outcome> = Vec::with_capacity(topo.units.len());
    for u in 0..topo.units.len() {
        let o = {
            let get = |d: UnitIdx| &out[d as usize];
            evaluate_unit(topo, u as UnitIdx, lost, &get)
        };
        out.push(o);
    }
    out
}

fn evaluate_unit<'a>(
    topo: &Topology,
    u: UnitIdx,
    lost: &LostDomains,
    get: &impl Fn(UnitIdx) -> &'a Outcome,
) -> Outcome {
    match &topo.units[u as usize] {
        Unit::Chain(c) => chain(c, lost, get),
        Unit::Rds(r) => rds(r, lost),
        Unit::Cluster(c) => cluster(c, lost),
        Unit::Hop(h) => hop(h, get),
        Unit::Placed(p) => placed(p, lost),
    }
}

/// A chain's capacity in one AZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ZoneCapacity {
    pub az: AzIdx,
    /// Healthy targets here, with nothing lost (0 where the load balancer has no node).
    pub before: u64,
    /// Right after the loss.
    pub after: u64,
    /// Added by Auto Scaling relaunches into this AZ.
    pub relaunched: u64,
}

/// Capacity per AZ the chain touches (its load balancer's AZs, its targets', its groups').
/// Targets in enabled AZs serve while their AZ survives (with cross-zone on any surviving
/// node reaches them; with it off only their own node does, which survives exactly when
/// they do), unless their NAT egress is lost and declared hard.
pub(super) fn zone_capacity(c: &Chain, lost: &LostDomains) -> Vec<ZoneCapacity> {
    let nodes_alive = !lost.region(c.region) && c.lb_azs.iter().any(|a| !lost.az(*a));
    let mut azs: Vec<AzIdx> = c.lb_azs.clone();
    azs.extend(c.zones.iter().map(|z| z.az));
    azs.extend(c.asgs.iter().flat_map(|a| a.azs.iter().copied()));
    azs.sort_unstable();
    azs.dedup();
    azs.into_iter()
        .map(|az| {
            let before = c
                .zones
                .iter()
                .find(|z| z.az == az && z.enabled)
                .map_or(0, |z| z.tally.units);
            let alive = nodes_alive && !lost.az(az);
            let mut after = if alive { before } else { 0 };
            if alive && c.hard_egress {
                for e in c
                    .egress
                    .iter()
                    .filter(|e| lost.placement(e.region, e.nat_az))
                {
                    for (_, tally) in e.users.iter().filter(|(a, _)| *a == az) {
                        after = after.saturating_sub(tally.units);
                    }
                }
            }
            let relaunched = if nodes_alive && c.lb_azs.contains(&az) {
                c.asgs
                    .iter()
                    .filter(|a| !(c.hard_egress && a.egress_lost(az, lost)))
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
            ZoneCapacity {
                az,
                before,
                after,
                relaunched,
            }
        })
        .collect()
}

fn chain<'a>(c: &Chain, lost: &LostDomains, get: &impl Fn(UnitIdx) -> &'a Outcome) -> Outcome {
    let before = c.before;
    let capacity = |after: u64, after_recovery: u64| {
        Some(Capacity {
            unit: c.unit,
            before,
            after,
            after_recovery,
        })
    };
    if lost.region(c.region) {
        let reasons = vec![Reason::new(
            Status::Down,
            Cause::RegionLost {
                res: c.lb,
                region: c.region,
            },
        )];
        return Outcome::from_reasons(reasons, capacity(0, 0));
    }

    let mut reasons: Vec<Reason> = Vec::new();
    let nodes_alive = c.lb_azs.iter().filter(|a| !lost.az(**a)).count();
    let zone_enabled = |az: AzIdx| c.zones.iter().any(|z| z.az == az && z.enabled);
    let zones = zone_capacity(c, lost);
    let mut after: u64 = zones.iter().map(|z| z.after).sum();
    if nodes_alive > 0 {
        after += c.nonzonal.units;
    }
    let recovered: u64 = zones.iter().map(|z| z.relaunched).sum();

    let serving_before: u32 = c
        .zones
        .iter()
        .filter(|z| z.enabled)
        .map(|z| z.tally.serving)
        .sum::<u32>()
        + c.nonzonal.serving;
    for z in c.zones.iter().filter(|z| z.enabled && lost.az(z.az)) {
        if z.tally.serving > 0 {
            reasons.push(Reason::new(
                Status::Degraded,
                Cause::TargetsLost {
                    tg: c.tg,
                    az: z.az,
                    lost: z.tally.serving,
                    serving: serving_before,
                    units: z.tally.units,
                    unit: c.unit,
                },
            ));
        }
    }

    // NAT egress (soft unless declared hard).
    for e in &c.egress {
        if !lost.placement(e.region, e.nat_az) {
            continue;
        }
        let users: Vec<&(AzIdx, super::Tally)> = e
            .users
            .iter()
            .filter(|(az, t)| !lost.az(*az) && zone_enabled(*az) && t.serving > 0)
            .collect();
        if users.is_empty() {
            continue;
        }
        reasons.push(Reason::new(
            Status::Degraded,
            Cause::EgressLost {
                nat: e.nat,
                az: e.nat_az,
                region: e.region,
                hard: e.hard,
                targets: users.iter().map(|(_, t)| t.serving).sum(),
                target_azs: users.iter().map(|(az, _)| *az).collect(),
            },
        ));
    }

    if nodes_alive == 0 && !c.lb_azs.is_empty() {
        after = 0;
        reasons.push(Reason::new(
            Status::Down,
            Cause::LbAllNodesLost {
                lb: c.lb,
                azs: c.lb_azs.clone(),
            },
        ));
    } else {
        for &az in c.lb_azs.iter().filter(|a| lost.az(**a)) {
            let had_targets = c.zones.iter().any(|z| z.az == az && z.tally.serving > 0);
            if !had_targets {
                reasons.push(Reason::new(Status::Ok, Cause::LbNodeLost { lb: c.lb, az }));
            }
        }
    }

    // A hard dependency that is down leaves nothing that can serve, whatever the
    // targets can do: capacity says so too (now, and after relaunches, which do not
    // bring the dependency back).
    let mut blocked = false;
    for d in &c.deps {
        let o = get(d.unit);
        if o.status == Status::Ok {
            continue;
        }
        blocked |= d.hard && o.status == Status::Down;
        let cap = if d.hard {
            Status::Down
        } else {
            Status::Degraded
        };
        for inner in o.reasons.iter().filter(|r| r.effect != Status::Ok) {
            reasons.push(Reason::new(
                inner.effect.min(cap),
                Cause::Dependency {
                    via: d.via,
                    hard: d.hard,
                    declared: d.declared,
                    inner: Box::new(inner.clone()),
                },
            ));
        }
    }

    if before == 0 {
        let registered = c.zones.iter().map(|z| z.tally.total).sum::<u32>() + c.nonzonal.total;
        reasons.push(Reason::new(
            Status::Down,
            Cause::NoServingTargets {
                tg: c.tg,
                registered,
            },
        ));
    } else if after == 0 && nodes_alive > 0 {
        // The losses that emptied the path are what took it down: say those first.
        let mut named = false;
        for r in reasons.iter_mut() {
            let emptied = match &r.cause {
                Cause::TargetsLost { .. } => true,
                Cause::EgressLost { hard, .. } => *hard,
                _ => false,
            };
            if emptied {
                r.effect = Status::Down;
                named = true;
            }
        }
        if !named {
            reasons.push(Reason::new(Status::Down, Cause::NoTargetsLeft { tg: c.tg }));
        }
    }

    // What the scan could not see, said in every scenario.
    if c.unread > 0 {
        reasons.push(Reason::new(
            Status::Ok,
            Cause::TargetsUnread {
                tg: c.tg,
                count: c.unread,
            },
        ));
    }
    if !c.gaps.is_empty() {
        reasons.push(Reason::new(
            Status::Ok,
            Cause::CoverageGap {
                lb: c.lb,
                services: c.gaps.clone(),
            },
        ));
    }

    if blocked {
        after = 0;
    }
    let recovered = if nodes_alive > 0 && !blocked {
        recovered
    } else {
        0
    };
    // Relaunches replace what was lost: recovery brings capacity back, not beyond it
    // (a lost member that was unhealthy comes back healthy, but that is not recovery).
    let after_recovery = (after + recovered).min(before.max(after));
    Outcome::from_reasons(reasons, capacity(after, after_recovery))
}

/// Instances an Auto Scaling group launches, per surviving AZ, to replace those lost:
/// up to its desired capacity (bounded by max), balanced across its surviving AZs.
pub(super) fn launches(a: &AsgRecovery, lost: &LostDomains) -> Vec<(AzIdx, u32)> {
    let mut counts: Vec<(AzIdx, u32)> = a
        .azs
        .iter()
        .filter(|az| !lost.az(**az))
        .map(|&az| {
            let n = a
                .members
                .iter()
                .find(|(m, _)| *m == az)
                .map_or(0, |(_, n)| *n);
            (az, n)
        })
        .collect();
    if counts.is_empty() {
        return Vec::new();
    }
    let lost_members: u32 = a
        .members
        .iter()
        .filter(|(az, _)| lost.az(*az))
        .map(|(_, n)| n)
        .sum();
    let surviving: u32 = a.members.iter().map(|(_, n)| n).sum::<u32>() - lost_members;
    let to_launch = lost_members.min(a.target.saturating_sub(surviving));
    let mut launched: Vec<(AzIdx, u32)> = counts.iter().map(|(az, _)| (*az, 0)).collect();
    for _ in 0..to_launch {
        // AZRebalance: the AZ with the fewest instances gets the next one.
        let (i, _) = counts
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, n))| *n)
            .expect("counts is not empty");
        counts[i].1 += 1;
        launched[i].1 += 1;
    }
    launched
}

fn rds(r: &Rds, lost: &LostDomains) -> Outcome {
    if lost.region(r.region) {
        return down_with_region(r.db, r.region);
    }
    let primary_lost = lost.az(r.az);
    let reason = if !r.multi_az {
        primary_lost.then(|| {
            Reason::new(
                Status::Down,
                Cause::DbLost {
                    db: r.db,
                    az: r.az,
                    backups: r.backups,
                },
            )
        })
    } else {
        let standby_lost = r.standby.is_some_and(|s| lost.az(s));
        match (primary_lost, standby_lost) {
            (true, true) => Some(Reason::new(
                Status::Down,
                Cause::DbAllLost {
                    db: r.db,
                    azs: vec![r.az, r.standby.expect("standby_lost implies a standby")],
                },
            )),
            (true, false) => Some(Reason::new(
                Status::Degraded,
                Cause::DbFailover {
                    db: r.db,
                    kind: DbKind::MultiAzInstance,
                    from: r.az,
                    to: r.standby,
                },
            )),
            (false, true) => Some(Reason::new(
                Status::Degraded,
                Cause::DbStandbyLost {
                    db: r.db,
                    az: r.standby.expect("standby_lost implies a standby"),
                },
            )),
            (false, false) => None,
        }
    };
    Outcome::from_reasons(reason.into_iter().collect(), None)
}

fn down_with_region(res: crate::model::ResIdx, region: crate::model::RegionIdx) -> Outcome {
    Outcome::from_reasons(
        vec![Reason::new(Status::Down, Cause::RegionLost { res, region })],
        None,
    )
}

fn cluster(c: &Cluster, lost: &LostDomains) -> Outcome {
    if lost.region(c.region) {
        return match c.global_peers.iter().find(|(_, r, _)| !lost.region(*r)) {
            Some(&(_, to, _)) => Outcome::from_reasons(
                vec![Reason::new(
                    Status::Degraded,
                    Cause::GlobalFailover {
                        cluster: c.cluster,
                        region: c.region,
                        to,
                    },
                )],
                None,
            ),
            None => down_with_region(c.cluster, c.region),
        };
    }
    let lost_readers: Vec<AzIdx> = c
        .readers
        .iter()
        .filter(|(_, az)| lost.az(*az))
        .map(|(_, az)| *az)
        .collect();
    let surviving_reader = c.readers.iter().find(|(_, az)| !lost.az(*az));
    let readers_lost = || {
        Reason::new(
            Status::Degraded,
            Cause::ClusterReadersLost {
                cluster: c.cluster,
                lost: lost_readers.len() as u32,
                azs: dedup(&lost_readers),
            },
        )
    };
    let reason = match c.writer {
        // A secondary cluster of a global database serves reads only.
        None if !c.global_peers.is_empty() => {
            let primary_lost = c
                .global_peers
                .iter()
                .find(|(_, r, writer)| *writer && lost.region(*r));
            if surviving_reader.is_none() && !c.readers.is_empty() {
                Some(Reason::new(
                    Status::Down,
                    Cause::DbAllLost {
                        db: c.cluster,
                        azs: dedup(&lost_readers),
                    },
                ))
            } else if let Some(&(primary, region, _)) = primary_lost {
                Some(Reason::new(
                    Status::Degraded,
                    Cause::GlobalPrimaryLost {
                        cluster: c.cluster,
                        primary,
                        region,
                    },
                ))
            } else if !lost_readers.is_empty() {
                Some(readers_lost())
            } else {
                None
            }
        }
        None => Some(Reason::new(
            Status::Down,
            Cause::ClusterNoWriter { cluster: c.cluster },
        )),
        Some((_, waz)) if lost.az(waz) => Some(match (surviving_reader, c.kind) {
            (Some(&(_, to)), kind) => Reason::new(
                Status::Degraded,
                Cause::DbFailover {
                    db: c.cluster,
                    kind: match kind {
                        ClusterKind::Aurora => DbKind::Aurora,
                        ClusterKind::MultiAz => DbKind::MultiAzCluster,
                    },
                    from: waz,
                    to: Some(to),
                },
            ),
            (None, ClusterKind::Aurora) => Reason::new(
                Status::Down,
                Cause::ClusterWriterLost {
                    cluster: c.cluster,
                    az: waz,
                },
            ),
            (None, ClusterKind::MultiAz) => {
                let mut azs = vec![waz];
                azs.extend(lost_readers.iter().copied());
                Reason::new(
                    Status::Down,
                    Cause::DbAllLost {
                        db: c.cluster,
                        azs: dedup(&azs),
                    },
                )
            }
        }),
        Some(_) if !lost_readers.is_empty() => Some(readers_lost()),
        Some(_) => None,
    };
    Outcome::from_reasons(reason.into_iter().collect(), None)
}

fn dedup(azs: &[AzIdx]) -> Vec<AzIdx> {
    let mut v = azs.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}

fn hop<'a>(h: &Hop, get: &impl Fn(UnitIdx) -> &'a Outcome) -> Outcome {
    let mut reasons = Vec::new();
    for &c in &h.chains {
        let o = get(c);
        reasons.extend(o.reasons.iter().filter(|r| r.effect != Status::Ok).cloned());
    }
    if reasons.is_empty() {
        return Outcome::ok();
    }
    Outcome::from_reasons(reasons, None)
}

fn placed(p: &Placed, lost: &LostDomains) -> Outcome {
    if !lost.placement(p.region, p.az) {
        return Outcome::ok();
    }
    Outcome::from_reasons(
        vec![Reason::new(
            Status::Down,
            Cause::ResourceLost {
                res: p.res,
                az: p.az,
                region: p.region,
            },
        )],
        None,
    )
}
