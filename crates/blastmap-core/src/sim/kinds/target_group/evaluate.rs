//! Evaluating a chain: capacity per AZ now and after recovery, and the reasons.

use crate::model::{AzIdx, Estate, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason};
use crate::sim::topology::UnitIdx;
use crate::sim::{Capacity, LostDomains, Status};

use super::super::Rule;
use super::super::auto_scaling;
use super::super::load_balancer;
use super::super::nat;
use super::{Chain, TargetCause};

/// A chain's capacity in one AZ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ZoneCapacity {
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
pub(crate) fn zone_capacity(c: &Chain, lost: &LostDomains) -> Vec<ZoneCapacity> {
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
                after = after.saturating_sub(nat::hard_loss_in(c, az, lost));
            }
            let relaunched = if nodes_alive && c.lb_azs.contains(&az) {
                c.asgs
                    .iter()
                    .filter(|a| !(c.hard_egress && a.egress_lost(az, lost)))
                    .map(|a| {
                        auto_scaling::launches(a, lost)
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

impl Rule for Chain {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        let c = self;
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
        let nodes_alive = load_balancer::nodes_alive(c, lost);
        let zones = zone_capacity(c, lost);
        let mut after: u64 = zones.iter().map(|z| z.after).sum();
        if nodes_alive > 0 {
            after += c.nonzonal.units;
        }
        let recovered: u64 = zones.iter().map(|z| z.relaunched).sum();
        targets_lost(c, lost, &mut reasons);
        nat::reasons(c, lost, &mut reasons);
        if load_balancer::node_reasons(c, lost, nodes_alive, &mut reasons) {
            after = 0;
        }
        let blocked = dependency_reasons(c, needed, &mut reasons);
        nothing_to_serve(c, after, nodes_alive, &mut reasons);
        coverage_notes(c, &mut reasons);

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

    fn named(&self, estate: &Estate) -> (String, String) {
        (estate.forwarding_label(self.lb, self.tg), String::new())
    }

    fn depended(&self) -> Option<ResIdx> {
        None
    }

    fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
        out.extend(self.deps.iter().map(|d| (d.unit, d.hard)));
    }
}

/// Healthy targets lost with their AZ, per AZ.
fn targets_lost(c: &Chain, lost: &LostDomains, reasons: &mut Vec<Reason>) {
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
                Cause::Targets(TargetCause::Lost {
                    tg: c.tg,
                    az: z.az,
                    lost: z.tally.serving,
                    serving: serving_before,
                    units: z.tally.units,
                    unit: c.unit,
                }),
            ));
        }
    }
}

/// Each dependency's reasons, seen from the path; true when a hard one is down, which
/// leaves nothing that can serve whatever the targets can do (now, and after
/// relaunches, which do not bring the dependency back).
fn dependency_reasons<'a>(
    c: &Chain,
    needed: &impl Fn(UnitIdx) -> &'a Outcome,
    reasons: &mut Vec<Reason>,
) -> bool {
    let mut blocked = false;
    for d in &c.deps {
        let o = needed(d.unit);
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
    blocked
}

/// No healthy target before the loss, or none left after it: the path is down, and
/// the losses that emptied it are what took it down (said first).
fn nothing_to_serve(c: &Chain, after: u64, nodes_alive: usize, reasons: &mut Vec<Reason>) {
    if c.before == 0 {
        let registered = c.zones.iter().map(|z| z.tally.total).sum::<u32>() + c.nonzonal.total;
        reasons.push(Reason::new(
            Status::Down,
            Cause::Targets(TargetCause::NoneServing {
                tg: c.tg,
                registered,
            }),
        ));
    } else if after == 0 && nodes_alive > 0 {
        let mut named = false;
        for r in reasons.iter_mut() {
            let emptied = match &r.cause {
                Cause::Targets(TargetCause::Lost { .. }) => true,
                Cause::Egress(e) => e.hard,
                _ => false,
            };
            if emptied {
                r.effect = Status::Down;
                named = true;
            }
        }
        if !named {
            reasons.push(Reason::new(
                Status::Down,
                Cause::Targets(TargetCause::NoneLeft { tg: c.tg }),
            ));
        }
    }
}

/// What the scan could not see, said in every scenario.
fn coverage_notes(c: &Chain, reasons: &mut Vec<Reason>) {
    if c.unread > 0 {
        reasons.push(Reason::new(
            Status::Ok,
            Cause::Targets(TargetCause::Unread {
                tg: c.tg,
                count: c.unread,
            }),
        ));
    }
    if !c.gaps.is_empty() {
        reasons.push(Reason::new(
            Status::Ok,
            Cause::Targets(TargetCause::CoverageGap {
                lb: c.lb,
                services: c.gaps.clone(),
            }),
        ));
    }
}
