//! Dependencies belong to targets (`../shared/domain.md` §2): a target whose hard
//! dependency is down serves nothing, and the path is down only when no target can
//! serve. What the load balancer or target group needs (and what every target
//! needs) is shared; targets that need more than that form a cohort, one per set
//! of extra dependencies, whose capacity a down dependency removes.

use foldhash::HashMap;

use crate::model::{AzIdx, EdgeKind, Estate, Kind, ResIdx};
use crate::sim::topology::{Compiler, UnitIdx, linked};

use super::{DepRef, Tally, TargetEntry};

/// Targets that need the same dependencies beyond the shared ones.
#[derive(Debug, Clone)]
pub(crate) struct Cohort {
    pub deps: Vec<DepRef>,
    /// Its targets per AZ.
    pub zones: Vec<(AzIdx, Tally)>,
    /// Its targets outside any AZ.
    pub nonzonal: Tally,
    /// Its targets, serving or not.
    pub targets: u32,
}

impl Cohort {
    /// Its serving capacity in `az`.
    pub fn units_in(&self, az: AzIdx) -> u64 {
        self.zones
            .iter()
            .find(|(a, _)| *a == az)
            .map_or(0, |(_, t)| t.units)
    }
}

/// The chain's dependencies split into shared ones and cohorts.
pub(crate) struct Split {
    pub shared: Vec<DepRef>,
    pub cohorts: Vec<Cohort>,
    /// Per target entry, its cohort.
    pub of_entry: Vec<Option<u16>>,
    /// Per Auto Scaling group (in the order given), the cohort its relaunches join.
    pub of_group: Vec<Option<u16>>,
}

/// The dependency units `res` itself declares or is inferred to need.
fn held(c: &mut Compiler, res: ResIdx, out: &mut Vec<UnitIdx>) {
    let estate = c.estate;
    let edges: Vec<ResIdx> = estate
        .edges_from(res)
        .filter(|(e, _)| e.kind == EdgeKind::DependsOn)
        .map(|(_, to)| to)
        .collect();
    out.extend(edges.into_iter().filter_map(|to| c.dependency(to)));
}

/// Splits `all` (every dependency of the chain, in order) between what every target
/// needs and what only some do. `shared_sources` are the load balancer and target
/// group (and `inner`, what an `alb` target needs); `groups` the attached Auto
/// Scaling groups, whose members and relaunches need what the group declares.
pub(crate) fn split(
    c: &mut Compiler,
    all: Vec<DepRef>,
    shared_sources: &[ResIdx],
    inner: &[UnitIdx],
    entries: &[TargetEntry],
    groups: &[ResIdx],
    units_of: impl Fn(&TargetEntry) -> u64,
) -> Split {
    let estate = c.estate;
    let mut shared: Vec<UnitIdx> = inner.to_vec();
    for &s in shared_sources {
        held(c, s, &mut shared);
    }
    let mut per_entry: Vec<Vec<UnitIdx>> = Vec::with_capacity(entries.len());
    for e in entries {
        let mut own = Vec::new();
        if let Some(o) = e.owner {
            held(c, o, &mut own);
        }
        if let Some(i) = e.instance
            && let Some(asg) = linked(estate, i, EdgeKind::MemberOf, Kind::AutoScalingGroup)
        {
            held(c, asg, &mut own);
        }
        own.sort_unstable();
        own.dedup();
        per_entry.push(own);
    }
    // What every target needs is as good as shared.
    if let Some((first, rest)) = per_entry.split_first() {
        shared.extend(
            first
                .iter()
                .filter(|u| rest.iter().all(|o| o.binary_search(u).is_ok())),
        );
    }
    shared.sort_unstable();
    shared.dedup();

    let mut keys: HashMap<Vec<UnitIdx>, u16> = HashMap::default();
    let mut cohorts: Vec<(Vec<UnitIdx>, Cohort)> = Vec::new();
    let mut cohort_of = |own: Vec<UnitIdx>| -> Option<u16> {
        let own: Vec<UnitIdx> = own
            .into_iter()
            .filter(|u| shared.binary_search(u).is_err())
            .collect();
        if own.is_empty() {
            return None;
        }
        Some(*keys.entry(own.clone()).or_insert_with(|| {
            cohorts.push((
                own,
                Cohort {
                    deps: Vec::new(),
                    zones: Vec::new(),
                    nonzonal: Tally::default(),
                    targets: 0,
                },
            ));
            (cohorts.len() - 1) as u16
        }))
    };
    let of_entry: Vec<Option<u16>> = per_entry.into_iter().map(&mut cohort_of).collect();
    let mut of_group = Vec::with_capacity(groups.len());
    for &asg in groups {
        // Relaunches carry what their group's members carry (one launch template).
        let member = entries
            .iter()
            .position(|e| e.target.is_some_and(|i| is_member(estate, i, asg)));
        let cohort = match member {
            Some(m) => of_entry[m],
            None => {
                let mut own = Vec::new();
                held(c, asg, &mut own);
                own.sort_unstable();
                own.dedup();
                cohort_of(own)
            }
        };
        of_group.push(cohort);
    }
    for (e, cohort) in entries.iter().zip(&of_entry) {
        let Some(k) = cohort else { continue };
        let co = &mut cohorts[*k as usize].1;
        co.targets += 1;
        let tally = match e.az {
            Some(az) => match co.zones.iter().position(|(a, _)| *a == az) {
                Some(i) => &mut co.zones[i].1,
                None => {
                    co.zones.push((az, Tally::default()));
                    &mut co.zones.last_mut().expect("just pushed").1
                }
            },
            None => &mut co.nonzonal,
        };
        tally.add(e.serves, units_of(e));
    }
    let in_cohort = |u: UnitIdx| cohorts.iter().any(|(own, _)| own.contains(&u));
    let shared_deps: Vec<DepRef> = (all.iter())
        .filter(|d| shared.binary_search(&d.unit).is_ok() || !in_cohort(d.unit))
        .copied()
        .collect();
    let cohorts = cohorts
        .into_iter()
        .map(|(own, mut co)| {
            co.deps = all
                .iter()
                .filter(|d| own.contains(&d.unit))
                .copied()
                .collect();
            co
        })
        .collect();
    Split {
        shared: shared_deps,
        cohorts,
        of_entry,
        of_group,
    }
}

fn is_member(estate: &Estate, inst: ResIdx, asg: ResIdx) -> bool {
    estate
        .edges_from(inst)
        .any(|(e, to)| e.kind == EdgeKind::MemberOf && to == asg)
}
