//! The failure topology: the estate compiled, once, into what a scenario needs.
//!
//! Each user-facing path becomes a [`Chain`] (load balancer → target group →
//! targets aggregated per AZ) that refers to the dependency units it needs
//! (databases, internal load balancers, anything declared). Units are stored
//! in dependency order, so evaluating a scenario is one pass over them, and
//! each unit records the fault domains it touches, so a single-domain
//! scenario only re-evaluates the units that touch that domain.

use foldhash::{HashMap, HashSet};

use serde::Serialize;

use crate::model::{
    AccountIdx, AzIdx, CrossZone, Domain, EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx,
    TargetType,
};

use super::Unit as CapacityUnit;

pub type UnitIdx = u32;

/// A user-facing path: an internet-facing load balancer forwarding to one target group.
#[derive(Debug, Clone)]
pub struct PathSpec {
    /// Stable id: `account/region/load-balancer/target-group`.
    pub id: String,
    pub chain: UnitIdx,
    pub lb: ResIdx,
    pub tg: ResIdx,
    pub account: AccountIdx,
    pub region: RegionIdx,
    pub service: Option<usize>,
}

/// A path as reports name it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathSummary {
    pub id: String,
    pub load_balancer: String,
    pub target_group: String,
    pub account: String,
    pub account_name: String,
    pub region: String,
    pub service: Option<String>,
}

/// Load balancers that share a service name.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: String,
    pub paths: Vec<usize>,
}

/// One unit of evaluation.
#[derive(Debug, Clone)]
pub enum Unit {
    Chain(Chain),
    Rds(Rds),
    Cluster(Cluster),
    /// An internal load balancer used as a hop: as good as its worst chain.
    Hop(Hop),
    /// Anything else depended upon: lost with its AZ or Region.
    Placed(Placed),
}

/// A load balancer forwarding to one target group, with its targets and what they need.
#[derive(Debug, Clone)]
pub struct Chain {
    pub lb: ResIdx,
    pub tg: ResIdx,
    pub region: RegionIdx,
    /// AZs the load balancer enables (a node in each).
    pub lb_azs: Vec<AzIdx>,
    pub cross_zone: bool,
    pub unit: CapacityUnit,
    /// Targets per AZ (zonal targets only).
    pub zones: Vec<ZoneTargets>,
    /// Targets that are not zonal (`ip` outside the VPC, Lambda).
    pub nonzonal: Tally,
    pub asgs: Vec<AsgRecovery>,
    pub deps: Vec<DepRef>,
    pub egress: Vec<EgressUse>,
    /// Targets need NAT egress to serve (declared): relaunches behind a lost NAT do not count.
    pub hard_egress: bool,
    /// Capacity with nothing lost.
    pub before: u64,
    /// Registered instance targets a scan could not read (a coverage gap): not counted.
    pub unread: u32,
    /// Services a scan could not read in the load balancer's account and Region.
    pub gaps: Vec<crate::model::Service>,
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

#[derive(Debug, Clone)]
pub struct ZoneTargets {
    pub az: AzIdx,
    /// The load balancer has a node in this AZ; targets elsewhere get no traffic.
    pub enabled: bool,
    pub tally: Tally,
}

/// What an Auto Scaling group can relaunch after a loss.
#[derive(Debug, Clone)]
pub struct AsgRecovery {
    pub asg: ResIdx,
    /// AZs of its subnets (`VPCZoneIdentifier`).
    pub azs: Vec<AzIdx>,
    /// Desired capacity, bounded by max.
    pub target: u32,
    /// Member instances per AZ, whatever their health.
    pub members: Vec<(AzIdx, u32)>,
    /// Capacity of one launched instance, in the chain's unit.
    pub unit_per_instance: u64,
    /// Per AZ of its subnets, where that subnet's NAT egress lives (`None`: a regional NAT).
    pub egress: Vec<(AzIdx, Option<AzIdx>, RegionIdx)>,
}

impl AsgRecovery {
    /// Whether instances launched in `az` would sit behind a lost NAT gateway.
    pub fn egress_lost(&self, az: AzIdx, lost: &super::LostDomains) -> bool {
        self.egress
            .iter()
            .any(|(a, nat_az, region)| *a == az && lost.placement(*region, *nat_az))
    }
}

#[derive(Debug, Clone, Copy)]
pub struct DepRef {
    pub unit: UnitIdx,
    /// The resource depended upon.
    pub via: ResIdx,
    pub hard: bool,
    pub declared: bool,
}

/// Targets of a chain that reach the internet through one NAT gateway.
#[derive(Debug, Clone)]
pub struct EgressUse {
    pub nat: ResIdx,
    /// `None` for a regional NAT gateway.
    pub nat_az: Option<AzIdx>,
    pub region: RegionIdx,
    /// Declared hard: targets without egress cannot serve.
    pub hard: bool,
    /// Users per AZ.
    pub users: Vec<(AzIdx, Tally)>,
}

#[derive(Debug, Clone)]
pub struct Rds {
    pub db: ResIdx,
    pub region: RegionIdx,
    pub az: AzIdx,
    pub multi_az: bool,
    pub standby: Option<AzIdx>,
    pub backups: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterKind {
    Aurora,
    /// Multi-AZ DB cluster: a writer and two readable standbys.
    MultiAz,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub cluster: ResIdx,
    pub region: RegionIdx,
    pub kind: ClusterKind,
    pub writer: Option<(ResIdx, AzIdx)>,
    pub readers: Vec<(ResIdx, AzIdx)>,
    /// Other clusters of the same global database: cluster, Region, whether it has a writer.
    pub global_peers: Vec<(ResIdx, RegionIdx, bool)>,
}

#[derive(Debug, Clone)]
pub struct Hop {
    pub lb: ResIdx,
    pub chains: Vec<UnitIdx>,
}

#[derive(Debug, Clone)]
pub struct Placed {
    pub res: ResIdx,
    pub region: RegionIdx,
    pub az: Option<AzIdx>,
}

/// The compiled estate.
#[derive(Debug, Clone)]
pub struct Topology {
    pub(super) units: Vec<Unit>,
    pub(super) paths: Vec<PathSpec>,
    pub(super) services: Vec<ServiceSpec>,
    /// Per domain key (AZ index, then Region index after the AZs): units that touch it, in order.
    pub(super) by_domain: Vec<Vec<UnitIdx>>,
    pub(super) n_azs: usize,
    /// Every unit's outcome with nothing lost.
    pub(super) baseline: Vec<super::Outcome>,
}

impl Topology {
    /// Compiles the estate. Linear in resources and edges.
    pub fn build(estate: &Estate) -> Topology {
        let mut c = Compiler::new(estate);
        let mut paths = Vec::new();
        for lb in estate.internet_facing_load_balancers() {
            for tg in target_groups_of(estate, lb) {
                let Some(chain) = c.chain(lb, tg) else {
                    continue;
                };
                let r = estate.resource(lb);
                paths.push(PathSpec {
                    id: format!(
                        "{}/{}/{}/{}",
                        estate.account(r.account).id,
                        estate.region_name(r.region),
                        r.name,
                        estate.resource(tg).name
                    ),
                    chain,
                    lb,
                    tg,
                    account: r.account,
                    region: r.region,
                    service: None,
                });
            }
        }
        // Keys borrow from the estate: no string is copied to sort.
        let sort_key = |p: &PathSpec| {
            let lb = estate.resource(p.lb);
            (
                estate.service_of(p.lb).unwrap_or(&lb.name),
                estate.region_name(p.region),
                estate.account(p.account).name.as_str(),
                lb.name.as_str(),
                estate.resource(p.tg).name.as_str(),
            )
        };
        paths.sort_by_cached_key(sort_key);
        dedup_ids(&mut paths);

        let mut services: Vec<ServiceSpec> = Vec::new();
        let mut service_idx: HashMap<&str, usize> = HashMap::default();
        for (i, p) in paths.iter_mut().enumerate() {
            if let Some(name) = estate.service_of(p.lb) {
                let s = *service_idx.entry(name).or_insert_with(|| {
                    services.push(ServiceSpec {
                        name: name.to_string(),
                        paths: Vec::new(),
                    });
                    services.len() - 1
                });
                services[s].paths.push(i);
                p.service = Some(s);
            }
        }
        services.sort_by(|a, b| a.name.cmp(&b.name));
        for (s, spec) in services.iter().enumerate() {
            for &p in &spec.paths {
                paths[p].service = Some(s);
            }
        }

        let n_azs = estate.azs().len();
        let mut by_domain: Vec<Vec<UnitIdx>> = vec![Vec::new(); n_azs + estate.regions().len()];
        for (u, keys) in c.touches.iter().enumerate() {
            for &k in keys {
                by_domain[k as usize].push(u as UnitIdx);
            }
        }
        let mut topo = Topology {
            units: c.units,
            paths,
            services,
            by_domain,
            n_azs,
            baseline: Vec::new(),
        };
        topo.baseline = super::evaluate::baseline(&topo, &super::LostDomains::none(estate));
        topo
    }

    pub fn paths(&self) -> &[PathSpec] {
        &self.paths
    }

    pub fn services(&self) -> &[ServiceSpec] {
        &self.services
    }

    pub fn path_summary(&self, estate: &Estate, path: usize) -> PathSummary {
        let spec = &self.paths[path];
        let account = estate.account(spec.account);
        PathSummary {
            id: spec.id.clone(),
            load_balancer: estate.resource(spec.lb).name.clone(),
            target_group: estate.resource(spec.tg).name.clone(),
            account: account.id.clone(),
            account_name: account.name.clone(),
            region: estate.region_name(spec.region).to_string(),
            service: spec.service.map(|s| self.services[s].name.clone()),
        }
    }

    pub fn unit(&self, idx: UnitIdx) -> &Unit {
        &self.units[idx as usize]
    }

    pub fn chain(&self, path: usize) -> &Chain {
        match &self.units[self.paths[path].chain as usize] {
            Unit::Chain(c) => c,
            _ => unreachable!("a path always points at a chain"),
        }
    }

    /// The outcome of a path with nothing lost.
    pub fn baseline(&self, path: usize) -> &super::Outcome {
        &self.baseline[self.paths[path].chain as usize]
    }

    pub fn unit_count(&self) -> usize {
        self.units.len()
    }

    pub(super) fn domain_key(&self, d: Domain) -> usize {
        match d {
            Domain::Az(az) => az.index(),
            Domain::Region(r) => self.n_azs + r.index(),
        }
    }

    /// Units whose outcome may change when `domain` is lost, in evaluation order.
    pub(super) fn units_touching(&self, domain: Domain) -> &[UnitIdx] {
        &self.by_domain[self.domain_key(domain)]
    }
}

/// What a scan could not read, per account and Region.
fn coverage_gaps(estate: &Estate) -> HashMap<(AccountIdx, RegionIdx), Vec<crate::model::Service>> {
    let mut out: HashMap<(AccountIdx, RegionIdx), Vec<crate::model::Service>> = HashMap::default();
    for gap in estate.coverage_gaps() {
        let account = estate.accounts().iter().position(|a| a.id == gap.account);
        let region = estate.region_by_name(&gap.region);
        if let (Some(a), Some(r)) = (account, region) {
            let services = out.entry((AccountIdx(a as u32), r)).or_default();
            if !services.contains(&gap.service) {
                services.push(gap.service);
            }
        }
    }
    out
}

/// Target groups a load balancer forwards to (through the graph), in a stable order.
fn target_groups_of(estate: &Estate, lb: ResIdx) -> Vec<ResIdx> {
    let mut tgs: Vec<ResIdx> = estate
        .edges_from(lb)
        .filter(|(e, to)| {
            e.kind == EdgeKind::RoutesTo && estate.resource(*to).kind() == Kind::TargetGroup
        })
        .map(|(_, to)| to)
        .collect();
    tgs.sort_unstable();
    tgs
}

/// The first resource of `kind` that `from` has an edge of `edge` to.
fn linked(estate: &Estate, from: ResIdx, edge: EdgeKind, kind: Kind) -> Option<ResIdx> {
    estate
        .edges_from(from)
        .find(|(e, to)| e.kind == edge && estate.resource(*to).kind() == kind)
        .map(|(_, to)| to)
}

fn dedup_ids(paths: &mut [PathSpec]) {
    // Ids are unique but where two load balancers share a name in one account and
    // Region: find those without copying every id, then number the repeats.
    let mut seen: HashMap<&str, u32> = HashMap::default();
    let mut repeats: Vec<(usize, u32)> = Vec::new();
    for (i, p) in paths.iter().enumerate() {
        let n = seen.entry(p.id.as_str()).or_insert(0);
        *n += 1;
        if *n > 1 {
            repeats.push((i, *n));
        }
    }
    for (i, n) in repeats {
        paths[i].id = format!("{}#{}", paths[i].id, n);
    }
}

struct Compiler<'e> {
    estate: &'e Estate,
    units: Vec<Unit>,
    touches: Vec<Vec<u32>>,
    chain_of: HashMap<(ResIdx, ResIdx), UnitIdx>,
    unit_of: HashMap<ResIdx, Option<UnitIdx>>,
    in_progress: HashSet<ResIdx>,
    az_by_id: HashMap<&'e str, AzIdx>,
    hard_egress: HashSet<&'e str>,
    /// Services a scan could not read, per account and Region.
    gaps: HashMap<(AccountIdx, RegionIdx), Vec<crate::model::Service>>,
    /// Targets already taken into the chain being compiled (reused, to spare allocations).
    seen: HashSet<ResIdx>,
    global_peers: HashMap<&'e str, Vec<(ResIdx, RegionIdx, bool)>>,
}

/// One target of a chain, before aggregation.
struct TargetEntry {
    az: Option<AzIdx>,
    serves: bool,
    vcpus: Option<u32>,
    instance: Option<ResIdx>,
}

impl<'e> Compiler<'e> {
    fn new(estate: &'e Estate) -> Self {
        let az_by_id = estate
            .azs()
            .iter()
            .enumerate()
            .map(|(i, az)| (az.id.as_str(), AzIdx(i as u16)))
            .collect();
        let mut global_peers: HashMap<&str, Vec<(ResIdx, RegionIdx, bool)>> = HashMap::default();
        for (i, r) in estate.resources().iter().enumerate() {
            if let Facts::DbCluster(c) = &r.facts
                && let Some(g) = &c.global_cluster
            {
                let has_writer = c.members.iter().any(|m| m.writer);
                global_peers.entry(g.as_str()).or_default().push((
                    ResIdx(i as u32),
                    r.region,
                    has_writer,
                ));
            }
        }
        Compiler {
            estate,
            units: Vec::new(),
            touches: Vec::new(),
            chain_of: HashMap::default(),
            unit_of: HashMap::default(),
            in_progress: HashSet::default(),
            az_by_id,
            hard_egress: estate
                .declared
                .hard_egress
                .iter()
                .map(String::as_str)
                .collect(),
            seen: HashSet::default(),
            gaps: coverage_gaps(estate),
            global_peers,
        }
    }

    fn az(&self, id: &str) -> Option<AzIdx> {
        self.az_by_id.get(id).copied()
    }

    fn key_az(&self, az: AzIdx) -> u32 {
        az.0 as u32
    }

    fn key_region(&self, r: RegionIdx) -> u32 {
        (self.estate.azs().len() + r.index()) as u32
    }

    fn push(&mut self, unit: Unit, mut touches: Vec<u32>) -> UnitIdx {
        touches.sort_unstable();
        touches.dedup();
        self.units.push(unit);
        self.touches.push(touches);
        (self.units.len() - 1) as UnitIdx
    }

    /// The chain of `lb` forwarding to `tg`, compiled once.
    fn chain(&mut self, lb: ResIdx, tg: ResIdx) -> Option<UnitIdx> {
        if let Some(&u) = self.chain_of.get(&(lb, tg)) {
            return Some(u);
        }
        // A chain that (through its dependencies) needs itself: cut the cycle here.
        if !self.in_progress.insert(tg) {
            return None;
        }
        let estate = self.estate;
        let lb_res = estate.resource(lb);
        let (Facts::LoadBalancer(lbf), Facts::TargetGroup(tgf)) =
            (&lb_res.facts, &estate.resource(tg).facts)
        else {
            self.in_progress.remove(&tg);
            return None;
        };
        let cross_zone = match tgf.cross_zone {
            CrossZone::On => true,
            CrossZone::Off => false,
            CrossZone::Inherit => lbf.cross_zone_enabled(),
        };
        let mut lb_azs: Vec<AzIdx> = lbf.zones.iter().filter_map(|z| self.az(&z.az)).collect();
        lb_azs.sort_unstable();
        lb_azs.dedup();

        let mut entries: Vec<TargetEntry> = Vec::new();
        let mut seen = std::mem::take(&mut self.seen);
        seen.clear();
        let mut sources: Vec<ResIdx> = vec![lb, tg];
        let mut deps: Vec<DepRef> = Vec::new();
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
                        entries.push(self.instance_entry(to, t.health.serves()));
                    } else if t.health.serves() {
                        // Registered again (another port): it serves if any registration does.
                        let running = self.instance_entry(to, true).serves;
                        if let Some(e) = entries.iter_mut().find(|e| e.instance == Some(to)) {
                            e.serves |= running;
                        }
                    }
                }
                TargetType::Alb => {
                    // The inner ALB is a hop: its nodes are the targets, its own chains a hard dependency.
                    if let Facts::LoadBalancer(inner_lb) = &estate.resource(to).facts {
                        for z in &inner_lb.zones {
                            entries.push(TargetEntry {
                                az: self.az(&z.az),
                                serves: t.health.serves(),
                                vcpus: None,
                                instance: None,
                            });
                        }
                    }
                    if let Some(unit) = self.dependency(to) {
                        deps.push(DepRef {
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
        let mut unread = 0;
        for (t, _) in tgf
            .targets
            .iter()
            .zip(&resolved)
            .filter(|(_, done)| !**done)
        {
            let az = t.zonal_az().and_then(|a| self.az(a));
            match tgf.target_type {
                TargetType::Alb => {}
                TargetType::Instance if az.is_none() => unread += 1,
                _ => entries.push(TargetEntry {
                    az,
                    serves: t.health.serves(),
                    vcpus: None,
                    instance: None,
                }),
            }
        }

        // Auto Scaling groups attached to the target group: their instances are targets too.
        let asg_ids: Vec<ResIdx> = estate
            .edges_from(tg)
            .filter(|(e, to)| {
                e.kind == EdgeKind::RoutesTo
                    && estate.resource(*to).kind() == Kind::AutoScalingGroup
            })
            .map(|(_, to)| to)
            .collect();
        let mut asg_members: Vec<(ResIdx, Vec<ResIdx>)> = Vec::new();
        for asg in asg_ids {
            let members: Vec<ResIdx> = estate
                .edges_to(asg)
                .filter(|(e, from)| {
                    e.kind == EdgeKind::MemberOf && estate.resource(*from).kind() == Kind::Instance
                })
                .map(|(_, from)| from)
                .collect();
            for &m in &members {
                if seen.insert(m) {
                    entries.push(self.instance_entry(m, true));
                }
            }
            sources.push(asg);
            asg_members.push((asg, members));
        }
        self.seen = seen;
        sources.extend(entries.iter().filter_map(|e| e.instance));

        let unit = if !entries.is_empty()
            && entries
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
        for e in &entries {
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
            tally.total += 1;
            if e.serves {
                tally.serving += 1;
                tally.units += units_of(e);
            }
        }
        zones.sort_by_key(|z| z.az);

        let asgs: Vec<AsgRecovery> = asg_members
            .iter()
            .filter_map(|(asg, members)| {
                let Facts::AutoScalingGroup(f) = &estate.resource(*asg).facts else {
                    return None;
                };
                let mut per_az: Vec<(AzIdx, u32)> = Vec::new();
                let mut vcpus: Vec<u32> = Vec::new();
                for &m in members {
                    let r = estate.resource(m);
                    if let Some(az) = r.az {
                        match per_az.iter_mut().find(|(a, _)| *a == az) {
                            Some((_, n)) => *n += 1,
                            None => per_az.push((az, 1)),
                        }
                    }
                    if let Facts::Instance(i) = &r.facts
                        && let Some(v) = i.vcpus
                    {
                        vcpus.push(v);
                    }
                }
                let unit_per_instance = match unit {
                    CapacityUnit::Targets => 1,
                    CapacityUnit::Vcpu => most_common(&vcpus).unwrap_or(0) as u64,
                };
                let egress = estate
                    .edges_from(*asg)
                    .filter(|(e, to)| {
                        e.kind == EdgeKind::PlacedIn && estate.resource(*to).kind() == Kind::Subnet
                    })
                    .map(|(_, subnet)| subnet)
                    .flat_map(|s| {
                        let az = estate.resource(s).az;
                        estate
                            .edges_from(s)
                            .filter(|(e, _)| e.kind == EdgeKind::EgressVia)
                            .filter_map(move |(_, nat)| {
                                let n = estate.resource(nat);
                                Some((az?, n.zonal_nat_az(), n.region))
                            })
                    })
                    .collect();
                Some(AsgRecovery {
                    asg: *asg,
                    azs: f.azs.iter().filter_map(|a| self.az(a)).collect(),
                    target: f.desired.min(f.max),
                    members: per_az,
                    unit_per_instance,
                    egress,
                })
            })
            .collect();

        // Dependencies of the load balancer, target group, groups and targets.
        for &src in &sources {
            let dep_edges: Vec<_> = estate
                .edges_from(src)
                .filter(|(e, _)| e.kind == EdgeKind::DependsOn)
                .collect();
            for (edge, to) in dep_edges {
                let Some(unit) = self.dependency(to) else {
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

        // NAT egress of instance targets, through their subnet's route table.
        let hard = self.hard_egress.contains(lb_res.id.as_str())
            || self.hard_egress.contains(estate.resource(tg).id.as_str());
        let mut egress: Vec<EgressUse> = Vec::new();
        for e in &entries {
            let (Some(inst), Some(az)) = (e.instance, e.az) else {
                continue;
            };
            let Some(subnet) = linked(estate, inst, EdgeKind::PlacedIn, Kind::Subnet) else {
                continue;
            };
            for (edge, nat) in estate.edges_from(subnet) {
                if edge.kind != EdgeKind::EgressVia {
                    continue;
                }
                let use_ = match egress.iter_mut().position(|u| u.nat == nat) {
                    Some(i) => &mut egress[i],
                    None => {
                        let nat_res = estate.resource(nat);
                        egress.push(EgressUse {
                            nat,
                            nat_az: nat_res.zonal_nat_az(),
                            region: nat_res.region,
                            hard,
                            users: Vec::new(),
                        });
                        egress.last_mut().expect("just pushed")
                    }
                };
                let tally = match use_.users.iter_mut().position(|(a, _)| *a == az) {
                    Some(i) => &mut use_.users[i].1,
                    None => {
                        use_.users.push((az, Tally::default()));
                        &mut use_.users.last_mut().expect("just pushed").1
                    }
                };
                tally.total += 1;
                if e.serves {
                    tally.serving += 1;
                    tally.units += units_of(e);
                }
            }
        }

        let before = zones
            .iter()
            .filter(|z| z.enabled)
            .map(|z| z.tally.units)
            .sum::<u64>()
            + if lb_azs.is_empty() { 0 } else { nonzonal.units };

        let mut touches: Vec<u32> = vec![self.key_region(lb_res.region)];
        touches.extend(lb_azs.iter().map(|&a| self.key_az(a)));
        touches.extend(
            zones
                .iter()
                .filter(|z| z.enabled)
                .map(|z| self.key_az(z.az)),
        );
        // Recovery reads where a group's members are and where its subnets' NAT lives.
        for a in &asgs {
            touches.extend(a.azs.iter().map(|&az| self.key_az(az)));
            touches.extend(a.members.iter().map(|&(az, _)| self.key_az(az)));
            for &(_, nat_az, region) in &a.egress {
                touches.push(self.key_region(region));
                touches.extend(nat_az.map(|az| self.key_az(az)));
            }
        }
        for e in &egress {
            touches.push(self.key_region(e.region));
            touches.extend(e.nat_az.map(|az| self.key_az(az)));
        }
        for d in &deps {
            touches.extend(self.touches[d.unit as usize].iter().copied());
        }

        let idx = self.push(
            Unit::Chain(Chain {
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
                egress,
                hard_egress: hard,
                before,
                unread,
                gaps: self
                    .gaps
                    .get(&(lb_res.account, lb_res.region))
                    .cloned()
                    .unwrap_or_default(),
            }),
            touches,
        );
        self.in_progress.remove(&tg);
        self.chain_of.insert((lb, tg), idx);
        Some(idx)
    }

    fn instance_entry(&self, inst: ResIdx, registered_serves: bool) -> TargetEntry {
        let r = self.estate.resource(inst);
        let (running, vcpus) = match &r.facts {
            Facts::Instance(i) => (i.is_running(), i.vcpus),
            _ => (false, None),
        };
        TargetEntry {
            az: r.az,
            serves: registered_serves && running,
            vcpus,
            instance: Some(inst),
        }
    }

    /// The unit that evaluates a depended-upon resource, compiled once.
    fn dependency(&mut self, res: ResIdx) -> Option<UnitIdx> {
        if let Some(&u) = self.unit_of.get(&res) {
            return u;
        }
        let estate = self.estate;
        let r = estate.resource(res);
        let unit = match &r.facts {
            Facts::DbInstance(db) => match linked(estate, res, EdgeKind::MemberOf, Kind::DbCluster)
            {
                Some(cluster) => self.dependency(cluster),
                None => {
                    let mut touches = vec![self.key_region(r.region)];
                    let standby = db.secondary_az.as_deref().and_then(|a| self.az(a));
                    touches.extend(r.az.map(|a| self.key_az(a)));
                    touches.extend(standby.map(|a| self.key_az(a)));
                    r.az.map(|az| {
                        self.push(
                            Unit::Rds(Rds {
                                db: res,
                                region: r.region,
                                az,
                                multi_az: db.multi_az,
                                standby,
                                backups: db.backup_retention_days > 0,
                            }),
                            touches,
                        )
                    })
                }
            },
            // No member instances (Aurora Serverless v1): capacity managed across the
            // Region's AZs, lost only with the Region.
            Facts::DbCluster(c) if c.members.is_empty() => Some(self.placed(res)),
            Facts::DbCluster(c) => {
                let mut writer = None;
                let mut readers = Vec::new();
                let mut touches = vec![self.key_region(r.region)];
                for m in &c.members {
                    let Some(inst) = estate.find(&m.instance) else {
                        continue;
                    };
                    let Some(az) = estate.resource(inst).az else {
                        continue;
                    };
                    touches.push(self.key_az(az));
                    if m.writer {
                        writer = Some((inst, az));
                    } else {
                        readers.push((inst, az));
                    }
                }
                let global_peers: Vec<(ResIdx, RegionIdx, bool)> = c
                    .global_cluster
                    .as_deref()
                    .and_then(|g| self.global_peers.get(g))
                    .map(|peers| {
                        peers
                            .iter()
                            .copied()
                            .filter(|(p, _, _)| *p != res)
                            .collect()
                    })
                    .unwrap_or_default();
                touches.extend(global_peers.iter().map(|(_, reg, _)| self.key_region(*reg)));
                Some(self.push(
                    Unit::Cluster(Cluster {
                        cluster: res,
                        region: r.region,
                        kind: if c.is_multi_az_db_cluster() {
                            ClusterKind::MultiAz
                        } else {
                            ClusterKind::Aurora
                        },
                        writer,
                        readers,
                        global_peers,
                    }),
                    touches,
                ))
            }
            Facts::LoadBalancer(_) => {
                if !self.in_progress.insert(res) {
                    return None;
                }
                let chains: Vec<UnitIdx> = target_groups_of(estate, res)
                    .into_iter()
                    .filter_map(|tg| self.chain(res, tg))
                    .collect();
                self.in_progress.remove(&res);
                if chains.is_empty() {
                    Some(self.placed(res))
                } else {
                    let touches = chains
                        .iter()
                        .flat_map(|&c| self.touches[c as usize].iter().copied())
                        .collect();
                    Some(self.push(Unit::Hop(Hop { lb: res, chains }), touches))
                }
            }
            Facts::TargetGroup(_) => {
                let lb = estate.edges_to(res).find(|(e, from)| {
                    e.kind == EdgeKind::RoutesTo
                        && estate.resource(*from).kind() == Kind::LoadBalancer
                });
                match lb {
                    Some((_, lb)) => self.chain(lb, res),
                    None => Some(self.placed(res)),
                }
            }
            _ => Some(self.placed(res)),
        };
        self.unit_of.insert(res, unit);
        unit
    }

    fn placed(&mut self, res: ResIdx) -> UnitIdx {
        let r = self.estate.resource(res);
        let mut touches = vec![self.key_region(r.region)];
        touches.extend(r.az.map(|a| self.key_az(a)));
        self.push(
            Unit::Placed(Placed {
                res,
                region: r.region,
                az: r.az,
            }),
            touches,
        )
    }
}

fn most_common(values: &[u32]) -> Option<u32> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for &v in values {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(v, n)| (n, v))
        .map(|(v, _)| v)
}
