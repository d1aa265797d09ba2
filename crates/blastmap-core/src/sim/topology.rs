//! The failure topology: the estate compiled, once, into what a scenario needs.
//!
//! Each user-facing path becomes a chain unit (load balancer → target group →
//! targets aggregated per AZ) that refers to the dependency units it needs
//! (databases, internal load balancers, anything declared). Units are stored
//! in dependency order, so evaluating a scenario is one pass over them, and
//! each unit records the fault domains it touches, so a single-domain
//! scenario only re-evaluates the units that touch that domain.
//!
//! What a unit of each kind holds, and how it is evaluated, is that kind's own
//! module in [`super::kinds`]; this module only orders and indexes them.

use foldhash::{HashMap, HashSet};

use serde::Serialize;

use crate::model::{AccountIdx, AzIdx, Domain, EdgeKind, Estate, Kind, RegionIdx, ResIdx};

use super::kinds::{self, Unit};

pub type UnitIdx = u32;

/// A user-facing path: an internet-facing load balancer forwarding to one target group.
#[derive(Debug, Clone)]
pub struct PathSpec {
    /// Stable id: `account/region/load-balancer/target-group`.
    pub id: String,
    pub(crate) chain: UnitIdx,
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
        let services = group_services(estate, &mut paths);

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

    pub(crate) fn unit(&self, idx: UnitIdx) -> &Unit {
        &self.units[idx as usize]
    }

    /// The chain unit of a path.
    pub(crate) fn chain(&self, path: usize) -> &kinds::target_group::Chain {
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

/// Numbers the services (by name) and tells each path which it belongs to.
fn group_services(estate: &Estate, paths: &mut [PathSpec]) -> Vec<ServiceSpec> {
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
    services
}

/// Target groups a load balancer forwards to (through the graph), in a stable order.
pub(crate) fn target_groups_of(estate: &Estate, lb: ResIdx) -> Vec<ResIdx> {
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
pub(crate) fn linked(estate: &Estate, from: ResIdx, edge: EdgeKind, kind: Kind) -> Option<ResIdx> {
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

/// Compiles units, each once, in dependency order. Kind modules compile their own
/// units through it (`kinds::*::compile`): it hands out AZs and domain keys, and
/// memoises the units of resources and chains.
pub(crate) struct Compiler<'e> {
    pub(crate) estate: &'e Estate,
    units: Vec<Unit>,
    touches: Vec<Vec<u32>>,
    chain_of: HashMap<(ResIdx, ResIdx), UnitIdx>,
    unit_of: HashMap<ResIdx, Option<UnitIdx>>,
    /// Resources whose unit is being compiled: reaching one again closes a cycle.
    pub(crate) in_progress: HashSet<ResIdx>,
    az_by_id: HashMap<&'e str, AzIdx>,
    /// What kinds index once per estate (declared hard egress, global databases, gaps).
    pub(crate) indexes: kinds::Indexes<'e>,
}

impl<'e> Compiler<'e> {
    fn new(estate: &'e Estate) -> Self {
        let az_by_id = estate
            .azs()
            .iter()
            .enumerate()
            .map(|(i, az)| (az.id.as_str(), AzIdx(i as u16)))
            .collect();
        Compiler {
            estate,
            units: Vec::new(),
            touches: Vec::new(),
            chain_of: HashMap::default(),
            unit_of: HashMap::default(),
            in_progress: HashSet::default(),
            az_by_id,
            indexes: kinds::Indexes::new(estate),
        }
    }

    pub(crate) fn az(&self, id: &str) -> Option<AzIdx> {
        self.az_by_id.get(id).copied()
    }

    pub(crate) fn key_az(&self, az: AzIdx) -> u32 {
        az.0 as u32
    }

    pub(crate) fn key_region(&self, r: RegionIdx) -> u32 {
        (self.estate.azs().len() + r.index()) as u32
    }

    /// The domain keys another unit touches (a unit touches what its dependencies touch).
    pub(crate) fn touches_of(&self, unit: UnitIdx) -> &[u32] {
        &self.touches[unit as usize]
    }

    /// Stores a compiled unit with the domain keys it touches.
    pub(crate) fn push(&mut self, unit: Unit, mut touches: Vec<u32>) -> UnitIdx {
        touches.sort_unstable();
        touches.dedup();
        self.units.push(unit);
        self.touches.push(touches);
        (self.units.len() - 1) as UnitIdx
    }

    /// The chain of `lb` forwarding to `tg`, compiled once.
    pub(crate) fn chain(&mut self, lb: ResIdx, tg: ResIdx) -> Option<UnitIdx> {
        if let Some(&u) = self.chain_of.get(&(lb, tg)) {
            return Some(u);
        }
        // A chain that (through its dependencies) needs itself: cut the cycle here.
        if !self.in_progress.insert(tg) {
            return None;
        }
        let unit = kinds::target_group::compile(self, lb, tg);
        self.in_progress.remove(&tg);
        if let Some(idx) = unit {
            self.chain_of.insert((lb, tg), idx);
        }
        unit
    }

    /// The unit that evaluates a depended-upon resource, compiled once.
    pub(crate) fn dependency(&mut self, res: ResIdx) -> Option<UnitIdx> {
        if let Some(&u) = self.unit_of.get(&res) {
            return u;
        }
        let unit = kinds::compile_dependency(self, res);
        self.unit_of.insert(res, unit);
        unit
    }
}
