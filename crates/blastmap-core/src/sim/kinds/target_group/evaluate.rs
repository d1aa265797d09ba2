//! Evaluating a chain: capacity per AZ now and after recovery, and the reasons.

use crate::model::{AzIdx, Estate, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason, SAID_PER_DEPENDENCY};
use crate::sim::topology::UnitIdx;
use crate::sim::{Capacity, LostDomains, Status};

use super::super::Rule;
use super::super::load_balancer;
use super::super::nat;
use super::{Chain, DepRef, TargetCause};

/// What the chain's targets cannot serve without, under one scenario: a shared hard
/// dependency that is down stops them all; a cohort's stops the cohort.
#[derive(Debug, Clone, Default)]
pub(crate) struct Blocked {
    /// The shared hard dependency that is down, if one is.
    pub shared: Option<ResIdx>,
    /// Per cohort, the hard dependency of its own that is down, if one is.
    pub cohorts: Vec<Option<ResIdx>>,
}

impl Blocked {
    /// Which hard dependencies are down, given each unit's outcome.
    pub fn of<'a>(c: &Chain, outcome: impl Fn(UnitIdx) -> &'a Outcome) -> Blocked {
        let down = |deps: &[DepRef]| {
            deps.iter()
                .find(|d| d.hard && outcome(d.unit).status == Status::Down)
                .map(|d| d.via)
        };
        Blocked {
            shared: down(&c.deps),
            cohorts: c.cohorts.iter().map(|co| down(&co.deps)).collect(),
        }
    }

    fn cohort(&self, k: Option<u16>) -> bool {
        k.is_some_and(|k| self.cohorts.get(k as usize).is_some_and(Option::is_some))
    }

    fn flags(&self) -> Vec<bool> {
        self.cohorts.iter().map(Option::is_some).collect()
    }
}

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
    /// Healthy here, but unable to serve without a dependency that is down.
    pub blocked: u64,
}

/// Capacity per AZ the chain touches (its load balancer's AZs, its targets', its groups').
/// Targets in enabled AZs serve while their AZ survives (with cross-zone on any surviving
/// node reaches them; with it off only their own node does, which survives exactly when
/// they do), unless their NAT egress is lost and declared hard, or a hard dependency
/// they need is down (`blocked`).
pub(crate) fn zone_capacity(c: &Chain, lost: &LostDomains, blocked: &Blocked) -> Vec<ZoneCapacity> {
    let nodes_alive = !lost.region(c.region) && c.lb_azs.iter().any(|a| !lost.az(*a));
    let flags = blocked.flags();
    let mut azs: Vec<AzIdx> = c.lb_azs.clone();
    azs.extend(c.zones.iter().map(|z| z.az));
    azs.extend(c.recovery.iter().flat_map(|a| a.azs.iter().copied()));
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
            let mut cannot = 0;
            if alive && blocked.shared.is_some() {
                cannot = after;
            } else if alive && before > 0 {
                cannot = (c.cohorts.iter().zip(&flags))
                    .filter(|(_, b)| **b)
                    .map(|(co, _)| co.units_in(az))
                    .sum::<u64>()
                    .min(after);
            }
            after -= cannot;
            if alive && c.hard_egress {
                after = after.saturating_sub(nat::hard_loss_in(c, az, lost, &flags));
            }
            let relaunched = if nodes_alive && blocked.shared.is_none() && c.lb_azs.contains(&az) {
                c.recovery
                    .iter()
                    .filter(|a| !blocked.cohort(a.cohort))
                    .filter(|a| !(c.hard_egress && a.egress_lost(az, lost)))
                    .map(|a| {
                        a.launches(lost)
                            .iter()
                            .filter(|(l, _)| *l == az)
                            .map(|(_, n)| *n as u64 * a.unit_per_member)
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
                blocked: cannot,
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
        let blocked = Blocked::of(c, needed);
        // A shared dependency down stops everything, applied last: the reasons say
        // first what emptied the path of its own accord.
        let own = Blocked {
            shared: None,
            cohorts: blocked.cohorts.clone(),
        };
        let zones = zone_capacity(c, lost, &own);
        let mut after: u64 = zones.iter().map(|z| z.after).sum();
        if nodes_alive > 0 {
            let cannot: u64 = (c.cohorts.iter().zip(&blocked.cohorts))
                .filter(|(_, b)| b.is_some())
                .map(|(co, _)| co.nonzonal.units)
                .sum();
            after += c.nonzonal.units.saturating_sub(cannot);
            // Functions serve while one of their AZs survives (and what they need).
            after += (c.spread.iter())
                .filter(|f| f.azs.iter().any(|a| !lost.az(*a)))
                .filter(|f| !blocked.cohort(f.cohort))
                .map(|f| f.tally.units)
                .sum::<u64>();
        }
        let recovered: u64 = zones.iter().map(|z| z.relaunched).sum();
        targets_lost(c, lost, &mut reasons);
        functions_lost(c, lost, &mut reasons);
        nat::reasons(c, lost, &mut reasons);
        if load_balancer::node_reasons(c, lost, nodes_alive, &mut reasons) {
            after = 0;
        }
        dependency_reasons(c, needed, &mut reasons);
        nothing_to_serve(c, after, nodes_alive, &mut reasons);
        coverage_notes(c, &mut reasons);

        let blocked = blocked.shared.is_some();
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

    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        lost.region(self.region)
    }

    fn resolve_refs(&mut self, resolve: &dyn Fn(UnitIdx) -> Option<UnitIdx>) {
        let fix = |deps: &mut Vec<DepRef>| {
            deps.retain_mut(|d| match resolve(d.unit) {
                Some(u) => {
                    d.unit = u;
                    true
                }
                None => false,
            })
        };
        fix(&mut self.deps);
        for co in &mut self.cohorts {
            fix(&mut co.deps);
        }
    }

    fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
        out.extend(self.deps.iter().map(|d| (d.unit, d.hard)));
        // A cohort's dependency takes only its targets' capacity: never the path on its own.
        out.extend((self.cohorts.iter().flat_map(|co| &co.deps)).map(|d| (d.unit, false)));
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
        + c.nonzonal.serving
        + c.spread.iter().map(|f| f.tally.serving).sum::<u32>();
    let mut pods_lost = false;
    for z in c.zones.iter().filter(|z| z.enabled && lost.az(z.az)) {
        if z.tally.serving > 0 {
            pods_lost = true;
            reasons.push(Reason::new(
                Status::Degraded,
                Cause::Targets(TargetCause::Lost {
                    tg: c.tg,
                    az: z.az,
                    lost: z.tally.serving,
                    serving: serving_before,
                    units: z.tally.units,
                    unit: c.unit,
                    noun: c.noun,
                }),
            ));
        }
    }
    if pods_lost && c.pods {
        reasons.push(Reason::new(
            Status::Ok,
            Cause::Targets(TargetCause::PodsUnknown { tg: c.tg }),
        ));
    }
}

/// Function targets that lost every AZ of their subnets.
fn functions_lost(c: &Chain, lost: &LostDomains, reasons: &mut Vec<Reason>) {
    for f in (c.spread.iter()).filter(|f| f.tally.serving > 0) {
        if f.azs.iter().all(|a| lost.az(*a)) {
            reasons.push(Reason::new(
                Status::Degraded,
                Cause::Targets(TargetCause::FunctionLost {
                    tg: c.tg,
                    function: f.function,
                }),
            ));
        }
    }
}

/// Each dependency's reasons, seen from the path. A shared hard dependency that is
/// down leaves nothing that can serve, whatever the targets can do (now, and after
/// relaunches, which do not bring the dependency back); a cohort's takes its targets'
/// capacity, which degrades the path (down only once nothing is left).
fn dependency_reasons<'a>(
    c: &Chain,
    needed: &impl Fn(UnitIdx) -> &'a Outcome,
    reasons: &mut Vec<Reason>,
) {
    let total = c.zones.iter().map(|z| z.tally.total).sum::<u32>() + c.nonzonal.total;
    let shared = c.deps.iter().map(|d| (d, None));
    let own =
        (c.cohorts.iter()).flat_map(|co| co.deps.iter().map(|d| (d, Some((co.targets, total)))));
    for (d, holders) in shared.chain(own) {
        let o = needed(d.unit);
        if o.status == Status::Ok && !o.reasons.iter().any(Reason::is_assumption) {
            continue;
        }
        let cap = if d.hard && holders.is_none() {
            Status::Down
        } else {
            Status::Degraded
        };
        let said = (o.reasons.iter()).filter(|r| r.effect != Status::Ok || r.is_assumption());
        let mut more = 0;
        for (i, inner) in said.enumerate() {
            if i >= SAID_PER_DEPENDENCY {
                more += 1;
                continue;
            }
            let effect = inner.effect.min(cap);
            reasons.push(Reason::through(
                inner, effect, d.via, d.hard, d.declared, holders,
            ));
        }
        if more > 0 {
            reasons.push(Reason::new(
                Status::Ok,
                Cause::More {
                    via: d.via,
                    count: more,
                },
            ));
        }
    }
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
                Cause::Targets(TargetCause::Lost { .. } | TargetCause::FunctionLost { .. }) => true,
                Cause::Egress(e) => e.hard,
                Cause::Dependency {
                    hard: true,
                    holders: Some(_),
                    inner,
                    ..
                } => inner.effect == Status::Down,
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
                services: c.gaps.to_vec(),
            }),
        ));
    }
}
