//! Evaluating a scenario: one pass over the units a loss touches, in dependency order.
//! The rules are `../shared/domain.md` §3–§4.

use foldhash::HashMap;

use super::kinds::entry_point::{self, EntryVerdict};
use super::reason::{Cause, Reason};
use super::topology::{NO_CYCLE, Topology, UnitIdx};
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
    pub(crate) fn from_reasons(mut reasons: Vec<Reason>, capacity: Option<Capacity>) -> Outcome {
        reasons.sort_by_key(|r| std::cmp::Reverse(r.effect));
        let status = reasons.first().map_or(Status::Ok, |r| r.effect);
        Outcome {
            status,
            reasons,
            capacity,
        }
    }

    pub(crate) fn ok() -> Outcome {
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
    /// Through its entry point: the routing policy's answer.
    pub entry: Option<EntryVerdict>,
    /// Capacity serving before and right after the loss, for a service behind an
    /// entry point whose members count capacity alike.
    pub capacity: Option<(u64, u64)>,
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
    let services = services
        .into_iter()
        .map(|mut v| {
            if let (Some(entry), Some(ev)) = (&topo.services[v.service].entry, &v.entry) {
                v.capacity = entry_point::capacity(entry, ev, &|p| paths[p].capacity);
            }
            v
        })
        .collect();
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
            // Behind an entry point: its routing decides (domain.md §9).
            if let Some(entry) = &spec.entry {
                let v = entry_point::verdict(entry, &status_of);
                return ServiceVerdict {
                    service: s,
                    status: v.status,
                    entry: Some(v),
                    capacity: None,
                };
            }
            let all = |st: Status| spec.paths.iter().all(|&p| status_of(p) == st);
            let status = if all(Status::Ok) {
                Status::Ok
            } else if all(Status::Down) {
                Status::Down
            } else {
                Status::Degraded
            };
            ServiceVerdict {
                service: s,
                status,
                entry: None,
                capacity: None,
            }
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
        units.sort_unstable_by_key(|u| topo.rank[*u as usize]);
        units.dedup();
    }
    units
}

/// Evaluates `units` (in evaluation order); any other unit keeps its baseline outcome.
pub(super) fn evaluate_units(
    topo: &Topology,
    lost: &LostDomains,
    units: &[UnitIdx],
) -> HashMap<UnitIdx, Outcome> {
    let mut changed: HashMap<UnitIdx, Outcome> =
        HashMap::with_capacity_and_hasher(units.len(), Default::default());
    let mut cycles_done: foldhash::HashSet<u32> = Default::default();
    for &u in units {
        let cycle = topo.cycle_of[u as usize];
        if cycle != NO_CYCLE {
            // A cycle is evaluated as one: every member is touched when one is.
            if cycles_done.insert(cycle) {
                let get = |d: UnitIdx| changed.get(&d).unwrap_or(&topo.baseline[d as usize]);
                let members = evaluate_cycle(topo, cycle, lost, &get);
                changed.extend(members);
            }
            continue;
        }
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
    let mut out: Vec<Option<Outcome>> = vec![None; topo.units.len()];
    let none = Outcome::ok();
    for &u in &topo.order {
        if out[u as usize].is_some() {
            continue;
        }
        let cycle = topo.cycle_of[u as usize];
        if cycle != NO_CYCLE {
            let members = {
                let get = |d: UnitIdx| out[d as usize].as_ref().unwrap_or(&none);
                evaluate_cycle(topo, cycle, lost, &get)
            };
            for (m, o) in members {
                out[m as usize] = Some(o);
            }
            continue;
        }
        let o = {
            let get = |d: UnitIdx| out[d as usize].as_ref().unwrap_or(&none);
            evaluate_unit(topo, u, lost, &get)
        };
        out[u as usize] = Some(o);
    }
    out.into_iter()
        .map(|o| o.expect("every unit is in the evaluation order"))
        .collect()
}

/// The units of a dependency cycle, evaluated together: every member starts as if
/// nothing it needs on the cycle were lost, and a member is evaluated again whenever
/// something it needs on the cycle gets worse, until nothing does. A member is down
/// when what it needs on the cycle is (`docs/engine.md`). Statuses only get worse, at
/// most twice each, so this is linear in the cycle's members and edges.
fn evaluate_cycle<'a>(
    topo: &Topology,
    cycle: u32,
    lost: &LostDomains,
    outside: &impl Fn(UnitIdx) -> &'a Outcome,
) -> Vec<(UnitIdx, Outcome)> {
    let members = &topo.cycles[cycle as usize];
    let at = |u: UnitIdx| members.binary_search(&u).ok();
    let mut current: Vec<Outcome> = vec![Outcome::ok(); members.len()];
    // Who on the cycle needs each member.
    let mut needed_by: Vec<Vec<usize>> = vec![Vec::new(); members.len()];
    let mut needs = Vec::new();
    for (i, &m) in members.iter().enumerate() {
        needs.clear();
        topo.units[m as usize].needs(&mut needs);
        for (d, _) in &needs {
            if let Some(j) = at(*d) {
                needed_by[j].push(i);
            }
        }
    }
    let mut queued = vec![true; members.len()];
    let mut queue: std::collections::VecDeque<usize> = (0..members.len()).collect();
    let eval = |i: usize, current: &[Outcome]| {
        let get = |d: UnitIdx| match at(d) {
            Some(j) => &current[j],
            None => outside(d),
        };
        evaluate_unit(topo, members[i], lost, &get)
    };
    while let Some(i) = queue.pop_front() {
        queued[i] = false;
        let o = eval(i, &current);
        let worse = o.status != current[i].status;
        current[i] = o;
        if worse {
            for &j in &needed_by[i] {
                if !queued[j] {
                    queued[j] = true;
                    queue.push_back(j);
                }
            }
        }
    }
    // Once more, so each member's reasons are those of the final outcomes it needs.
    let last: Vec<Outcome> = (0..members.len()).map(|i| eval(i, &current)).collect();
    members.iter().copied().zip(last).collect()
}

fn evaluate_unit<'a>(
    topo: &Topology,
    u: UnitIdx,
    lost: &LostDomains,
    get: &impl Fn(UnitIdx) -> &'a Outcome,
) -> Outcome {
    topo.units[u as usize].evaluate(lost, get)
}
