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
use crate::sim::topology::{Compiler, UnitIdx, linked};
use crate::text::{count, verb};

use super::load_balancer;
use super::nat::{self, EgressUse};
use super::recovery::Recovery;
use super::{Unit, auto_scaling, ecs_service, instance, lambda};

mod cohorts;
mod detail;
mod evaluate;

pub(crate) use cohorts::Cohort;
pub(crate) use detail::detail;
pub(crate) use evaluate::{Blocked, zone_capacity};

/// The tag the AWS Load Balancer Controller puts on target groups of an EKS cluster.
const EKS_CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

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
    /// Auto Scaling groups and ECS services that relaunch its targets.
    pub(crate) recovery: Vec<Recovery>,
    /// Targets spread over several AZs (VPC Lambda functions): each serves while one
    /// of its AZs survives.
    pub(crate) spread: Vec<Spread>,
    /// The targets are pods of an EKS cluster (the load balancer controller's tag):
    /// pod spread and rescheduling are not visible from AWS.
    pub(crate) pods: bool,
    /// What the targets are, for people: `targets`, `tasks`, `pods`.
    pub(crate) noun: &'static str,
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

/// Targets that serve while any of their AZs survives (a VPC Lambda function).
#[derive(Debug, Clone)]
pub struct Spread {
    pub function: ResIdx,
    pub azs: Vec<AzIdx>,
    pub tally: Tally,
    /// Its cohort, when it needs more than the shared dependencies.
    pub(crate) cohort: Option<u16>,
}

/// One target of a chain, before aggregation.
pub(crate) struct TargetEntry {
    /// Its AZ (none: outside any AZ, or `spread`).
    pub az: Option<AzIdx>,
    pub serves: bool,
    pub vcpus: Option<u32>,
    pub instance: Option<ResIdx>,
    /// The resource it is (an instance, a task, a function), when it is one.
    pub target: Option<ResIdx>,
    /// The resource whose dependencies it needs: the instance, the task's ECS service,
    /// the function.
    pub owner: Option<ResIdx>,
    /// The subnet its egress goes out of.
    pub subnet: Option<ResIdx>,
    /// A function's AZs: it serves while one of them survives.
    pub spread: Vec<AzIdx>,
    /// An ECS task.
    pub task: bool,
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
        /// What the targets are: `targets`, `tasks`, `pods`.
        noun: &'static str,
    },
    /// Registered instance targets a scan could not read, so not counted.
    Unread { tg: ResIdx, count: u32 },
    /// Services a scan could not read in the load balancer's account and Region.
    CoverageGap { lb: ResIdx, services: Vec<Service> },
    /// A function target that lost every AZ of its subnets.
    FunctionLost { tg: ResIdx, function: ResIdx },
    /// Pods lost with their AZ: whether Kubernetes reschedules them is not visible.
    PodsUnknown { tg: ResIdx },
}

impl TargetCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            TargetCause::NoneServing { tg, .. }
            | TargetCause::NoneLeft { tg }
            | TargetCause::Lost { tg, .. }
            | TargetCause::Unread { tg, .. }
            | TargetCause::FunctionLost { tg, .. }
            | TargetCause::PodsUnknown { tg, .. } => *tg,
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
                noun,
            } => {
                let extra = match unit {
                    CapacityUnit::Vcpu => format!(" ({units} vCPU)"),
                    CapacityUnit::Targets => String::new(),
                };
                let one = noun.trim_end_matches('s');
                let what = match (lost, serving) {
                    (1, 1) => format!("its only healthy {one}"),
                    (l, s) if l == s => format!("all {s} of its healthy {noun}"),
                    (l, s) => format!("{l} of its {s} healthy {noun}"),
                };
                format!("{} lost {what} in {}{extra}", name(*tg), estate.az_id(*az))
            }
            TargetCause::Unread { tg, count: n } => format!(
                "{} of {} could not be read (a coverage gap) and {} not counted",
                count(*n, "registered target", "registered targets"),
                name(*tg),
                verb(*n, "is", "are")
            ),
            TargetCause::FunctionLost { tg, function } => format!(
                "{} lost its Lambda target {}: every AZ of the function's subnets is lost",
                name(*tg),
                name(*function)
            ),
            TargetCause::PodsUnknown { tg } => format!(
                "{}'s targets are pods of EKS cluster {}: whether Kubernetes reschedules the lost ones onto surviving nodes is not visible from AWS, so their recovery is unknown (not counted)",
                name(*tg),
                estate.resource(*tg).tag(EKS_CLUSTER_TAG).unwrap_or("?")
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
    /// Recovery actors (Auto Scaling groups, ECS services) with their members.
    actors: Vec<(ResIdx, Vec<ResIdx>)>,
    unread: u32,
}

/// Compiles the chain of `lb` forwarding to `tg` (the compiler memoises it).
/// Long on purpose: the per-AZ capacity, recovery actors and dependencies of one chain
/// are built in one pass over the gathered targets (docs/engine.md, "Paths").
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
    let mut spread: Vec<Spread> = Vec::new();
    for e in &g.entries {
        let tally = match (e.az, e.spread.is_empty()) {
            (Some(az), _) => match zones.iter().position(|z| z.az == az) {
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
            (None, false) => {
                spread.push(Spread {
                    function: e.owner.expect("a spread target is a function"),
                    azs: e.spread.clone(),
                    tally: Tally::default(),
                    cohort: None,
                });
                &mut spread.last_mut().expect("just pushed").tally
            }
            (None, true) => &mut nonzonal,
        };
        tally.add(e.serves, units_of(e));
    }
    zones.sort_by_key(|z| z.az);

    let inner: Vec<UnitIdx> = g.deps.iter().map(|d| d.unit).collect();
    let all = dependencies(c, &g.sources, g.deps);
    let actors: Vec<ResIdx> = g.actors.iter().map(|(a, _)| *a).collect();
    let split = cohorts::split(c, all, &[lb, tg], &inner, &g.entries, &actors, units_of);
    // Functions in entry order, as `spread` was built: each gets its entry's cohort.
    let mut of_function = (g.entries.iter().zip(&split.of_entry))
        .filter(|(e, _)| e.az.is_none() && !e.spread.is_empty())
        .map(|(_, k)| *k);
    for f in &mut spread {
        f.cohort = of_function.next().flatten();
    }
    let recovery: Vec<Recovery> = (g.actors.iter().zip(&split.of_group))
        .filter_map(|((actor, members), cohort)| {
            let mut a = match estate.resource(*actor).kind() {
                Kind::EcsService => ecs_service::compile(c, *actor, members)?,
                _ => auto_scaling::compile(c, *actor, members, unit)?,
            };
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
    let pods = estate.resource(tg).tag(EKS_CLUSTER_TAG).is_some();
    let noun = if pods {
        "pods"
    } else if !g.entries.is_empty() && g.entries.iter().all(|e| e.task) {
        "tasks"
    } else {
        "targets"
    };
    let (deps, cohorts) = (split.shared, split.cohorts);

    let before = zones
        .iter()
        .filter(|z| z.enabled)
        .map(|z| z.tally.units)
        .sum::<u64>()
        + if lb_azs.is_empty() {
            0
        } else {
            nonzonal.units + spread.iter().map(|s| s.tally.units).sum::<u64>()
        };

    let mut touches: Vec<u32> = vec![c.key_region(lb_res.region)];
    touches.extend(lb_azs.iter().map(|&a| c.key_az(a)));
    touches.extend(zones.iter().filter(|z| z.enabled).map(|z| c.key_az(z.az)));
    for a in &recovery {
        a.touches(c, &mut touches);
    }
    for f in &spread {
        touches.extend(f.azs.iter().map(|&az| c.key_az(az)));
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
        recovery,
        spread,
        pods,
        noun,
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
/// Long on purpose: one arm per target type, each resolving its registration in place.
fn gather(c: &mut Compiler, lb: ResIdx, tg: ResIdx) -> Gathered {
    let estate = c.estate;
    let Facts::TargetGroup(tgf) = &estate.resource(tg).facts else {
        unreachable!("a chain's target group is a target group");
    };
    let mut g = Gathered {
        entries: Vec::new(),
        sources: vec![lb, tg],
        deps: Vec::new(),
        actors: Vec::new(),
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
        let serves = t.health.serves();
        match (tgf.target_type, estate.resource(to).kind()) {
            (TargetType::Instance, _) | (TargetType::Ip, Kind::EcsTask) => {
                let entry = |c: &Compiler, s: bool| match tgf.target_type {
                    TargetType::Instance => instance::target(c, to, s),
                    _ => ecs_service::target(c, to, s),
                };
                if seen.insert(to) {
                    g.entries.push(entry(c, serves));
                } else if serves {
                    // Registered again (another port): it serves if any registration does.
                    let running = entry(c, true).serves;
                    if let Some(e) = g.entries.iter_mut().find(|e| e.target == Some(to)) {
                        e.serves |= running;
                    }
                }
            }
            (TargetType::Lambda, _) => g.entries.push(lambda::target(c, to, serves)),
            (TargetType::Alb, _) => {
                // The inner ALB is a hop: its nodes are the targets, its own chains a hard dependency.
                if let Facts::LoadBalancer(inner_lb) = &estate.resource(to).facts {
                    for z in &inner_lb.zones {
                        g.entries.push(TargetEntry {
                            az: c.az(&z.az),
                            serves,
                            vcpus: None,
                            instance: None,
                            target: None,
                            owner: None,
                            subnet: None,
                            spread: Vec::new(),
                            task: false,
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
            _ => *done = false,
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
                target: None,
                owner: None,
                subnet: None,
                spread: Vec::new(),
                task: false,
            }),
        }
    }
    // Auto Scaling groups and ECS services attached to the target group: their
    // running members are targets too (they register as they start).
    for (asg, members) in auto_scaling::attached(estate, tg) {
        for &m in &members {
            if seen.insert(m) {
                g.entries.push(instance::target(c, m, true));
            }
        }
        g.sources.push(asg);
        g.actors.push((asg, members));
    }
    for (svc, tasks) in ecs_service::attached(estate, tg) {
        for &t in &tasks {
            if seen.insert(t) {
                g.entries.push(ecs_service::target(c, t, true));
            }
        }
        g.sources.push(svc);
        g.actors.push((svc, tasks));
    }
    // A registered task's service relaunches it (its tasks register as they start).
    let services: Vec<ResIdx> = (g.entries.iter())
        .filter(|e| e.task)
        .filter_map(|e| e.owner)
        .filter(|o| estate.resource(*o).kind() == Kind::EcsService)
        .collect();
    for svc in services {
        if !g.actors.iter().any(|(a, _)| *a == svc) {
            g.sources.push(svc);
            g.actors.push((svc, ecs_service::tasks(estate, svc)));
        }
    }
    // Instances of an EKS managed node group are replaced by its group, and the load
    // balancer controller registers the new nodes: the group is their recovery.
    let mut node_groups: Vec<ResIdx> = Vec::new();
    for e in &g.entries {
        let Some(i) = e.instance else { continue };
        let Some(asg) = linked(estate, i, EdgeKind::MemberOf, Kind::AutoScalingGroup) else {
            continue;
        };
        let managed = linked(estate, asg, EdgeKind::MemberOf, Kind::EksNodegroup).is_some();
        if managed && !node_groups.contains(&asg) && !g.actors.iter().any(|(a, _)| *a == asg) {
            node_groups.push(asg);
        }
    }
    for asg in node_groups {
        g.actors.push((asg, auto_scaling::members(estate, asg)));
    }
    // What each target needs: its instance's, its task's service's, its function's.
    let mut owners: Vec<ResIdx> = g.entries.iter().filter_map(|e| e.owner).collect();
    owners.dedup();
    for o in owners {
        if !g.sources.contains(&o) {
            g.sources.push(o);
        }
    }
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
