//! A target group behind a load balancer: the chain a user-facing path is
//! (`../shared/domain.md` §2–§4). Its targets are aggregated per AZ; it
//! gathers the load balancer's nodes, its Auto Scaling groups' recovery, its
//! targets' NAT egress and the dependencies they need, each from its own kind.
//!
//! - A target in a lost AZ is lost; only healthy targets in enabled AZs count.
//! - `after`: surviving healthy targets; `after_recovery`: plus relaunches.
//! - A hard dependency down leaves nothing that can serve.
//! - No healthy target before any loss: `down` in every scenario.

use crate::model::{AzIdx, EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx, Service, TargetType};
use crate::sim::Unit as CapacityUnit;
use crate::sim::topology::{Compiler, UnitIdx};
use crate::text::{count, verb};

use super::auto_scaling::{self, AsgRecovery};
use super::load_balancer;
use super::nat::{self, EgressUse};
use super::{Unit, instance};

mod cohorts;
mod detail;
mod evaluate;

pub(crate) use cohorts::Cohort;
pub(crate) use detail::detail;
pub(crate) use evaluate::{Blocked, zone_capacity};

/// A load balancer forwarding to one target group, with its targets and what they need.
#[derive(Debug, Clone)]
pub struct Chain {
    pub(crate) lb: ResIdx,
    pub(crate) tg: ResIdx,
    pub(crate) region: RegionIdx,
    /// AZs the load balancer enables (a node in each).
    pub(crate) lb_azs: Vec<AzIdx>,
    pub(crate) cross_zone: bool,
    pub(crate) unit: CapacityUnit,
    /// Targets per AZ (zonal targets only).
    pub(crate) zones: Vec<ZoneTargets>,
    /// Targets that are not zonal (`ip` outside the VPC, Lambda).
    pub(crate) nonzonal: Tally,
    pub(crate) asgs: Vec<AsgRecovery>,
    /// What every target needs (what the load balancer, the target group or all targets need).
    pub(crate) deps: Vec<DepRef>,
    /// Targets that need more than that, grouped by what they need.
    pub(crate) cohorts: Vec<Cohort>,
    pub(crate) egress: Vec<EgressUse>,
    /// Targets need NAT egress to serve (declared): relaunches behind a lost NAT do not count.
    pub(crate) hard_egress: bool,
    /// Capacity with nothing lost.
    pub(crate) before: u64,
    /// Registered instance targets a scan could not read (a coverage gap): not counted.
    pub(crate) unread: u32,
    /// Services a scan could not read in the load balancer's account and Region.
    pub(crate) gaps: Vec<Service>,
}

/// How many targets, and how much capacity, serve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Targets that take traffic (healthy).
    pub serving: u32,
    /// Capacity of those, in the chain's unit.
    pub units: u64,
    /// All registered targets, serving or not.
    pub total: u32,
}

impl Tally {
    /// Counts one target, and its capacity if it serves.
    pub(crate) fn add(&mut self, serves: bool, units: u64) {
        self.total += 1;
        if serves {
            self.serving += 1;
            self.units += units;
        }
    }
}

/// A path's targets in one AZ.
#[derive(Debug, Clone)]
pub struct ZoneTargets {
    pub az: AzIdx,
    /// The load balancer has a node in this AZ; targets elsewhere get no traffic.
    pub enabled: bool,
    pub tally: Tally,
}

/// A unit a chain needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DepRef {
    pub unit: UnitIdx,
    /// The resource depended upon.
    pub via: ResIdx,
    pub hard: bool,
    pub declared: bool,
}

/// One target of a chain, before aggregation.
pub(crate) struct TargetEntry {
    pub az: Option<AzIdx>,
    pub serves: bool,
    pub vcpus: Option<u32>,
    pub instance: Option<ResIdx>,
}

/// Why a path's targets do not serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetCause {
    /// No healthy target in an enabled AZ even before any loss.
    NoneServing { tg: ResIdx, registered: u32 },
    /// Nothing left to serve, with no other loss to name.
    NoneLeft { tg: ResIdx },
    /// Healthy targets lost with their AZ.
    Lost {
        tg: ResIdx,
        az: AzIdx,
        lost: u32,
        serving: u32,
        units: u64,
        unit: CapacityUnit,
    },
    /// Registered instance targets a scan could not read, so not counted.
    Unread { tg: ResIdx, count: u32 },
    /// Services a scan could not read in the load balancer's account and Region.
    CoverageGap { lb: ResIdx, services: Vec<Service> },
}

impl TargetCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            TargetCause::NoneServing { tg, .. }
            | TargetCause::NoneLeft { tg }
            | TargetCause::Lost { tg, .. }
            | TargetCause::Unread { tg, .. } => *tg,
            TargetCause::CoverageGap { lb, .. } => *lb,
        }
    }

    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        match self {
            TargetCause::NoneServing { tg, registered } => format!(
                "{} has no healthy target in an enabled AZ even before any loss ({} registered)",
                name(*tg),
                registered
            ),
            TargetCause::NoneLeft { tg } => format!("{} has no healthy target left", name(*tg)),
            TargetCause::Lost {
                tg,
                az,
                lost,
                serving,
                units,
                unit,
            } => {
                let extra = match unit {
                    CapacityUnit::Vcpu => format!(" ({units} vCPU)"),
                    CapacityUnit::Targets => String::new(),
                };
                let what = match (lost, serving) {
                    (1, 1) => "its only healthy target".to_string(),
                    (l, s) if l == s => format!("all {s} of its healthy targets"),
                    (l, s) => format!("{l} of its {s} healthy targets"),
                };
                format!("{} lost {what} in {}{extra}", name(*tg), estate.az_id(*az))
            }
            TargetCause::Unread { tg, count: n } => format!(
                "{} of {} could not be read (a coverage gap) and {} not counted",
                count(*n, "registered target", "registered targets"),
                name(*tg),
                verb(*n, "is", "are")
            ),
            TargetCause::CoverageGap { lb, services } => {
                let r = estate.resource(*lb);
                let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
                format!(
                    "incomplete data: {} could not be read in {} {}, so this verdict does not see what it holds",
                    names.join(", "),
                    estate.account(r.account).name,
                    estate.region_name(r.region)
                )
            }
        }
    }
}

/// Targets of a target group gathered for compiling its chain.
struct Gathered {
    entries: Vec<TargetEntry>,
    /// Resources whose dependencies the targets need.
    sources: Vec<ResIdx>,
    /// What an `alb` target needs: the inner load balancer.
    deps: Vec<DepRef>,
    asg_members: Vec<(ResIdx, Vec<ResIdx>)>,
    unread: u32,
}

/// Compiles the chain of `lb` forwarding to `tg` (the compiler memoises it).
pub(crate) fn compile(c: &mut Compiler, lb: ResIdx, tg: ResIdx) -> Option<UnitIdx> {
    let estate = c.estate;
    let cross_zone = load_balancer::cross_zone(estate, lb, tg)?;
    let lb_azs = load_balancer::node_azs(c, lb);
    let g = gather(c, lb, tg);
    let unit = if !g.entries.is_empty()
        && g.entries
            .iter()
            .all(|e| e.instance.is_some() && e.vcpus.is_some())
    {
        CapacityUnit::Vcpu
    } else {
        CapacityUnit::Targets
    };
    let units_of = |e: &TargetEntry| match unit {
        CapacityUnit::Vcpu => e.vcpus.unwrap_or(0) as u64,
        CapacityUnit::Targets => 1,
    };

    let mut zones: Vec<ZoneTargets> = Vec::new();
    let mut nonzonal = Tally::default();
    for e in &g.entries {
        let tally = match e.az {
            Some(az) => match zones.iter().position(|z| z.az == az) {
                Some(i) => &mut zones[i].tally,
                None => {
                    zones.push(ZoneTargets {
                        az,
                        enabled: lb_azs.contains(&az),
                        tally: Tally::default(),
                    });
                    &mut zones.last_mut().expect("just pushed").tally
                }
            },
            None => &mut nonzonal,
        };
        tally.add(e.serves, units_of(e));
    }
    zones.sort_by_key(|z| z.az);

    let inner: Vec<UnitIdx> = g.deps.iter().map(|d| d.unit).collect();
    let all = dependencies(c, &g.sources, g.deps);
    let groups: Vec<ResIdx> = g.asg_members.iter().map(|(asg, _)| *asg).collect();
    let split = cohorts::split(c, all, &[lb, tg], &inner, &g.entries, &groups, units_of);
    let asgs: Vec<AsgRecovery> = (g.asg_members.iter().zip(&split.of_group))
        .filter_map(|((asg, members), cohort)| {
            let mut a = auto_scaling::compile(c, *asg, members, unit)?;
            a.cohort = *cohort;
            Some(a)
        })
        .collect();
    let lb_res = estate.resource(lb);
    let hard = c.indexes.hard_egress.contains(lb_res.id.as_str())
        || c.indexes
            .hard_egress
            .contains(estate.resource(tg).id.as_str());
    let egress = nat::compile(c, &g.entries, &split.of_entry, hard, units_of);
    let (deps, cohorts) = (split.shared, split.cohorts);

    let before = zones
        .iter()
        .filter(|z| z.enabled)
        .map(|z| z.tally.units)
        .sum::<u64>()
        + if lb_azs.is_empty() { 0 } else { nonzonal.units };

    let mut touches: Vec<u32> = vec![c.key_region(lb_res.region)];
    touches.extend(lb_azs.iter().map(|&a| c.key_az(a)));
    touches.extend(zones.iter().filter(|z| z.enabled).map(|z| c.key_az(z.az)));
    for a in &asgs {
        a.touches(c, &mut touches);
    }
    for e in &egress {
        e.touches(c, &mut touches);
    }
    // What it needs touches is added once everything is compiled.
    if c.pending() {
        return None;
    }
    let gaps = (c.indexes.gaps.get(&(lb_res.account, lb_res.region)))
        .cloned()
        .unwrap_or_default();
    let chain = Chain {
        lb,
        tg,
        region: lb_res.region,
        lb_azs,
        cross_zone,
        unit,
        zones,
        nonzonal,
        asgs,
        deps,
        cohorts,
        egress,
        hard_egress: hard,
        before,
        unread: g.unread,
        gaps,
    };
    Some(c.push(Unit::Chain(chain), touches))
}

/// The targets of a target group: its registrations (instances, IPs, Lambdas, an inner
/// ALB), then the in-service instances of the Auto Scaling groups attached to it.
fn gather(c: &mut Compiler, lb: ResIdx, tg: ResIdx) -> Gathered {
    let estate = c.estate;
    let Facts::TargetGroup(tgf) = &estate.resource(tg).facts else {
        unreachable!("a chain's target group is a target group");
    };
    let mut g = Gathered {
        entries: Vec::new(),
        sources: vec![lb, tg],
        deps: Vec::new(),
        asg_members: Vec::new(),
        unread: 0,
    };
    let mut seen = foldhash::HashSet::default();
    // Registered targets the graph resolved; each edge's slot names its registration.
    let mut registered: Vec<(usize, ResIdx)> = estate
        .edges_from(tg)
        .filter(|(e, _)| e.kind == EdgeKind::RoutesTo)
        .filter_map(|(e, to)| e.target_slot.map(|slot| (slot as usize, to)))
        .collect();
    registered.sort_unstable();
    let mut resolved = vec![false; tgf.targets.len()];
    for (slot, to) in registered {
        let (Some(t), Some(done)) = (tgf.targets.get(slot), resolved.get_mut(slot)) else {
            continue;
        };
        *done = true;
        match tgf.target_type {
            TargetType::Instance => {
                if seen.insert(to) {
                    g.entries.push(instance::target(c, to, t.health.serves()));
                } else if t.health.serves() {
                    // Registered again (another port): it serves if any registration does.
                    let running = instance::target(c, to, true).serves;
                    if let Some(e) = g.entries.iter_mut().find(|e| e.instance == Some(to)) {
                        e.serves |= running;
                    }
                }
            }
            TargetType::Alb => {
                // The inner ALB is a hop: its nodes are the targets, its own chains a hard dependency.
                if let Facts::LoadBalancer(inner_lb) = &estate.resource(to).facts {
                    for z in &inner_lb.zones {
                        g.entries.push(TargetEntry {
                            az: c.az(&z.az),
                            serves: t.health.serves(),
                            vcpus: None,
                            instance: None,
                        });
                    }
                }
                if let Some(unit) = c.dependency(to) {
                    g.deps.push(DepRef {
                        unit,
                        via: to,
                        hard: true,
                        declared: false,
                    });
                }
            }
            TargetType::Ip | TargetType::Lambda => {}
        }
    }
    // IPs and Lambdas are placed by their registration. An instance a scan could not
    // read is unknown: placed by its registration when that names an AZ, else left
    // out and counted as unread rather than taken to survive every AZ.
    for (t, _) in (tgf.targets.iter().zip(&resolved)).filter(|(_, done)| !**done) {
        let az = t.zonal_az().and_then(|a| c.az(a));
        match tgf.target_type {
            TargetType::Alb => {}
            TargetType::Instance if az.is_none() => g.unread += 1,
            _ => g.entries.push(TargetEntry {
                az,
                serves: t.health.serves(),
                vcpus: None,
                instance: None,
            }),
        }
    }
    // Auto Scaling groups attached to the target group: their instances are targets too.
    for (asg, members) in auto_scaling::attached(estate, tg) {
        for &m in &members {
            if seen.insert(m) {
                g.entries.push(instance::target(c, m, true));
            }
        }
        g.sources.push(asg);
        g.asg_members.push((asg, members));
    }
    g.sources
        .extend(g.entries.iter().filter_map(|e| e.instance));
    g
}

/// The dependencies of the load balancer, target group, groups and targets, each unit once.
fn dependencies(c: &mut Compiler, sources: &[ResIdx], mut deps: Vec<DepRef>) -> Vec<DepRef> {
    let estate = c.estate;
    for &src in sources {
        let dep_edges: Vec<_> = estate
            .edges_from(src)
            .filter(|(e, _)| e.kind == EdgeKind::DependsOn)
            .collect();
        for (edge, to) in dep_edges {
            let Some(unit) = c.dependency(to) else {
                continue;
            };
            match deps.iter_mut().find(|d| d.unit == unit) {
                Some(d) => {
                    d.hard |= edge.hard;
                    d.declared |= edge.declared;
                }
                None => deps.push(DepRef {
                    unit,
                    via: to,
                    hard: edge.hard,
                    declared: edge.declared,
                }),
            }
        }
    }
    deps
}

/// A target group depended upon: the chain of the load balancer forwarding to it.
pub(crate) fn compile_dependency(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let estate = c.estate;
    let lb = estate.edges_to(res).find(|(e, from)| {
        e.kind == EdgeKind::RoutesTo && estate.resource(*from).kind() == Kind::LoadBalancer
    });
    match lb {
        Some((_, lb)) => c.chain(lb, res),
        None => Some(super::placed::compile(c, res)),
    }
}
