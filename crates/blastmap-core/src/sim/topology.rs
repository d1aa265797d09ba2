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

use foldhash::HashMap;

use serde::Serialize;

use crate::model::{AccountIdx, AzIdx, Domain, EdgeKind, Estate, Kind, RegionIdx, ResIdx};

use super::kinds::entry_point::{self, Entry};
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

/// Load balancers that share a service name, or an entry point in front of them.
#[derive(Debug, Clone)]
pub struct ServiceSpec {
    pub name: String,
    pub paths: Vec<usize>,
    /// The Route 53 records, accelerator or distribution users reach it through.
    pub entry: Option<Entry>,
}

/// The compiled estate.
#[derive(Debug, Clone)]
pub struct Topology {
    pub(super) units: Vec<Unit>,
    pub(super) paths: Vec<PathSpec>,
    pub(super) services: Vec<ServiceSpec>,
    /// Per domain key (AZ index, then Region index after the AZs): units that touch
    /// it, in evaluation order.
    pub(super) by_domain: Vec<Vec<UnitIdx>>,
    pub(super) n_azs: usize,
    /// Units in evaluation order (what a unit needs first), and each unit's place in it.
    pub(super) order: Vec<UnitIdx>,
    pub(super) rank: Vec<u32>,
    /// Units on dependency cycles, per cycle (evaluated together), and each unit's cycle.
    pub(super) cycles: Vec<Vec<UnitIdx>>,
    pub(super) cycle_of: Vec<u32>,
    /// Every unit's outcome with nothing lost.
    pub(super) baseline: Vec<super::Outcome>,
    /// The unit evaluating each resource something depends on (or that a database
    /// depended upon is linked to: a global database's clusters, a replica's source).
    pub(super) of_resource: HashMap<ResIdx, UnitIdx>,
    /// What points at each resource's data: backups, replicas (`backups.rs`).
    pub(crate) backups: super::backups::Index,
    /// Per service, the stateful resources its paths need (`backups::walk`).
    pub(crate) data: Vec<super::backups::ServiceData>,
    /// Per service, its DR tier: computed on first use, as it needs no scenario.
    pub(crate) dr: std::sync::OnceLock<Vec<super::DrAssessment>>,
}

impl Topology {
    /// Compiles the estate. Linear in resources and edges.
    pub fn build(estate: &Estate) -> Topology {
        let mut c = Compiler::new(estate);
        let mut paths = Vec::new();
        for lb in estate.internet_facing_load_balancers() {
            for tg in target_groups_of(estate, lb) {
                let Some(chain) = c.ensure(Key::Chain(lb, tg)) else {
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
        // A load balancer's service: a declaration or tag, else the entry point in
        // front of it (`../shared/domain.md` §9).
        let entries = entry_point::entries(estate);
        let mut entry_of: HashMap<ResIdx, usize> = HashMap::default();
        for (i, e) in entries.iter().enumerate() {
            for lb in e.members.iter().filter_map(|m| m.lb) {
                entry_of.entry(lb).or_insert(i);
            }
        }
        let entry_names: Vec<String> = entries
            .iter()
            .map(|e| entry_point::name(estate, e))
            .collect();
        let service_of = |lb: ResIdx| {
            estate
                .service_of(lb)
                .or_else(|| entry_of.get(&lb).map(|&i| entry_names[i].as_str()))
        };
        // Keys borrow from the estate: no string is copied to sort.
        let sort_key = |p: &PathSpec| {
            let lb = estate.resource(p.lb);
            (
                service_of(p.lb).unwrap_or(&lb.name),
                estate.region_name(p.region),
                estate.account(p.account).name.as_str(),
                lb.name.as_str(),
                estate.resource(p.tg).name.as_str(),
            )
        };
        paths.sort_by_cached_key(sort_key);
        dedup_ids(&mut paths);
        let services = group_services(&mut paths, &service_of, &entries, &entry_of);

        // What the databases paths need are linked to (a global database's other
        // clusters, a replica's source) is evaluated too, so a picture can say how it
        // fares; nothing needs it, so no verdict changes.
        let mut linked: Vec<ResIdx> = Vec::new();
        for unit in &c.units {
            match unit {
                Unit::Cluster(cl) => linked.extend(cl.global_peers.iter().map(|(p, _, _)| *p)),
                Unit::Rds(r) => linked.extend(r.source),
                _ => {}
            }
        }
        for res in linked {
            c.ensure(Key::Of(res));
        }

        let n_azs = estate.azs().len();
        let compiled = c.finish();
        let mut by_domain: Vec<Vec<UnitIdx>> = vec![Vec::new(); n_azs + estate.regions().len()];
        // In evaluation order: what a unit needs comes before it.
        for &u in &compiled.order {
            for &k in &compiled.touches[u as usize] {
                by_domain[k as usize].push(u);
            }
        }
        let mut topo = Topology {
            units: compiled.units,
            paths,
            services,
            by_domain,
            n_azs,
            rank: compiled.rank,
            order: compiled.order,
            cycles: compiled.cycles,
            cycle_of: compiled.cycle_of,
            baseline: Vec::new(),
            of_resource: compiled.of_resource,
            backups: super::backups::Index::build(estate),
            data: Vec::new(),
            dr: std::sync::OnceLock::new(),
        };
        topo.data = (0..topo.services.len())
            .map(|s| super::backups::walk(estate, &topo, s))
            .collect();
        topo.baseline = super::evaluate::baseline(&topo, &super::LostDomains::none(estate));
        topo
    }

    pub fn paths(&self) -> &[PathSpec] {
        &self.paths
    }

    pub fn services(&self) -> &[ServiceSpec] {
        &self.services
    }

    /// What points at each resource's data (`backups.rs`).
    pub fn backups(&self) -> &super::backups::Index {
        &self.backups
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

    /// A unit, if it is a chain.
    pub(crate) fn chain_unit(&self, idx: UnitIdx) -> Option<&kinds::target_group::Chain> {
        match &self.units[idx as usize] {
            Unit::Chain(c) => Some(c),
            _ => None,
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

/// Numbers the services (by name) and tells each path which it belongs to. A service
/// gets the entry point every one of its load balancers sits behind, with each
/// member's paths.
fn group_services<'a>(
    paths: &mut [PathSpec],
    service_of: &impl Fn(ResIdx) -> Option<&'a str>,
    entries: &[Entry],
    entry_of: &HashMap<ResIdx, usize>,
) -> Vec<ServiceSpec> {
    let mut services: Vec<ServiceSpec> = Vec::new();
    let mut service_idx: HashMap<&str, usize> = HashMap::default();
    for (i, p) in paths.iter_mut().enumerate() {
        if let Some(name) = service_of(p.lb) {
            let s = *service_idx.entry(name).or_insert_with(|| {
                services.push(ServiceSpec {
                    name: name.to_string(),
                    paths: Vec::new(),
                    entry: None,
                });
                services.len() - 1
            });
            services[s].paths.push(i);
            p.service = Some(s);
        }
    }
    services.sort_by(|a, b| a.name.cmp(&b.name));
    for (s, spec) in services.iter_mut().enumerate() {
        for &p in &spec.paths {
            paths[p].service = Some(s);
        }
        let mut behind = spec
            .paths
            .iter()
            .map(|&p| entry_of.get(&paths[p].lb).copied());
        let first = behind.next().flatten();
        if let Some(e) = first.filter(|_| behind.all(|x| x == first)) {
            let mut entry = entries[e].clone();
            for m in &mut entry.members {
                m.paths = (spec.paths.iter().copied())
                    .filter(|&p| Some(paths[p].lb) == m.lb)
                    .collect();
            }
            spec.entry = Some(entry);
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

/// What a unit is compiled from: a load balancer forwarding to a target group, or a
/// resource something depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    Chain(ResIdx, ResIdx),
    Of(ResIdx),
}

/// Unit numbers at and above this stand for a unit still being compiled (a cycle),
/// resolved once it is: see [`Compiler::finish`].
const PLACEHOLDER: UnitIdx = 1 << 31;

/// Compiles units, each once, dependencies first, without recursion: however deep a
/// chain of dependencies, compiling walks it with an explicit stack. Kind modules
/// compile their own units through it (`kinds::*::compile`), asking for what they
/// need with [`Compiler::chain`] and [`Compiler::dependency`]; a unit that needs one
/// not compiled yet is compiled again once it is.
pub(crate) struct Compiler<'e> {
    pub(crate) estate: &'e Estate,
    units: Vec<Unit>,
    /// The domain keys each unit touches itself (what it needs adds its own later).
    own_touches: Vec<Vec<u32>>,
    memo: HashMap<Key, Option<UnitIdx>>,
    /// Keys being compiled, waiting for what they need, with the placeholder that
    /// stands for each until it is done: a key asked for while open closes a cycle.
    open: HashMap<Key, UnitIdx>,
    placeholders: Vec<Key>,
    /// What the unit being compiled asked for and is not compiled yet.
    missing: Vec<Key>,
    az_by_id: HashMap<&'e str, AzIdx>,
    /// What kinds index once per estate (declared hard egress, global databases, gaps).
    pub(crate) indexes: kinds::Indexes<'e>,
}

/// The compiled units, in an order that evaluates dependencies first.
pub(super) struct Compiled {
    pub units: Vec<Unit>,
    pub touches: Vec<Vec<u32>>,
    /// Units in evaluation order; `rank[u]` is `u`'s place in it.
    pub order: Vec<UnitIdx>,
    pub rank: Vec<u32>,
    /// Units on a dependency cycle, per cycle, and each unit's cycle.
    pub cycles: Vec<Vec<UnitIdx>>,
    pub cycle_of: Vec<u32>,
    /// The unit of each resource compiled as a dependency.
    pub of_resource: HashMap<ResIdx, UnitIdx>,
}

/// `cycle_of` for a unit on no cycle.
pub(super) const NO_CYCLE: u32 = u32::MAX;

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
            own_touches: Vec::new(),
            memo: HashMap::default(),
            open: HashMap::default(),
            placeholders: Vec::new(),
            missing: Vec::new(),
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

    /// Stores a compiled unit with the domain keys it touches itself.
    pub(crate) fn push(&mut self, unit: Unit, touches: Vec<u32>) -> UnitIdx {
        self.units.push(unit);
        self.own_touches.push(touches);
        (self.units.len() - 1) as UnitIdx
    }

    /// Whether the unit being compiled asked for something not compiled yet: it will
    /// be compiled again, so it must not store anything now.
    pub(crate) fn pending(&self) -> bool {
        !self.missing.is_empty()
    }

    /// The chain of `lb` forwarding to `tg`.
    pub(crate) fn chain(&mut self, lb: ResIdx, tg: ResIdx) -> Option<UnitIdx> {
        self.require(Key::Chain(lb, tg))
    }

    /// The unit that evaluates a depended-upon resource.
    pub(crate) fn dependency(&mut self, res: ResIdx) -> Option<UnitIdx> {
        self.require(Key::Of(res))
    }

    fn require(&mut self, key: Key) -> Option<UnitIdx> {
        if let Some(&u) = self.memo.get(&key) {
            return u;
        }
        if let Some(&p) = self.open.get(&key) {
            return Some(p);
        }
        self.missing.push(key);
        None
    }

    /// Compiles `key` and everything it needs.
    fn ensure(&mut self, key: Key) -> Option<UnitIdx> {
        let mut stack = vec![key];
        while let Some(&k) = stack.last() {
            if self.memo.contains_key(&k) {
                stack.pop();
                continue;
            }
            if !self.open.contains_key(&k) {
                let p = PLACEHOLDER | self.placeholders.len() as UnitIdx;
                self.placeholders.push(k);
                self.open.insert(k, p);
            }
            self.missing.clear();
            let unit = match k {
                Key::Chain(lb, tg) => kinds::target_group::compile(self, lb, tg),
                Key::Of(res) => kinds::compile_dependency(self, res),
            };
            if self.missing.is_empty() {
                self.open.remove(&k);
                self.memo.insert(k, unit);
                stack.pop();
            } else {
                // What it needs first, then it again (at most twice per key).
                stack.append(&mut self.missing);
            }
        }
        self.memo.get(&key).copied().flatten()
    }

    /// Resolves cycles' placeholders and orders the units so that each is evaluated
    /// after what it needs, cycles as one group; each unit touches what it needs touches.
    fn finish(mut self) -> Compiled {
        let n = self.units.len();
        let cyclic = !self.placeholders.is_empty();
        if cyclic {
            let memo = &self.memo;
            let placeholders = &self.placeholders;
            let resolve = |u: UnitIdx| {
                if u & PLACEHOLDER == 0 {
                    return Some(u);
                }
                let key = placeholders[(u & !PLACEHOLDER) as usize];
                memo.get(&key).copied().flatten()
            };
            for unit in &mut self.units {
                unit.resolve_refs(&resolve);
            }
        }
        let mut needs: Vec<(UnitIdx, bool)> = Vec::new();
        let mut edges: Vec<Vec<UnitIdx>> = Vec::with_capacity(n);
        for unit in &self.units {
            needs.clear();
            unit.needs(&mut needs);
            edges.push(needs.iter().map(|(u, _)| *u).collect());
        }
        // Units compile after what they need, but for cycles: their order is already right.
        let groups: Vec<Vec<UnitIdx>> = if cyclic {
            let mut g: petgraph::Graph<(), (), petgraph::Directed, u32> =
                petgraph::Graph::with_capacity(n, edges.iter().map(Vec::len).sum());
            for _ in 0..n {
                g.add_node(());
            }
            for (u, deps) in edges.iter().enumerate() {
                for &d in deps {
                    g.add_edge((u as u32).into(), d.into(), ());
                }
            }
            petgraph::algo::kosaraju_scc(&g)
                .into_iter()
                .map(|scc| {
                    let mut members: Vec<UnitIdx> =
                        scc.iter().map(|i| i.index() as UnitIdx).collect();
                    members.sort_unstable();
                    members
                })
                .collect()
        } else {
            (0..n as UnitIdx).map(|u| vec![u]).collect()
        };
        let mut order = Vec::with_capacity(n);
        let mut rank = vec![0u32; n];
        let mut cycles = Vec::new();
        let mut cycle_of = vec![NO_CYCLE; n];
        let mut touches: Vec<Vec<u32>> = vec![Vec::new(); n];
        for members in groups {
            let on_cycle = members.len() > 1 || edges[members[0] as usize].contains(&members[0]);
            let mut t: Vec<u32> = Vec::new();
            for &m in &members {
                t.extend_from_slice(&self.own_touches[m as usize]);
                for &d in &edges[m as usize] {
                    t.extend_from_slice(&touches[d as usize]);
                }
            }
            t.sort_unstable();
            t.dedup();
            for &m in &members {
                rank[m as usize] = order.len() as u32;
                order.push(m);
                touches[m as usize] = t.clone();
            }
            if on_cycle {
                for &m in &members {
                    cycle_of[m as usize] = cycles.len() as u32;
                }
                cycles.push(members);
            }
        }
        let of_resource = (self.memo.iter())
            .filter_map(|(k, u)| match (k, u) {
                (Key::Of(res), Some(u)) => Some((*res, *u)),
                _ => None,
            })
            .collect();
        Compiled {
            units: self.units,
            touches,
            order,
            rank,
            cycles,
            cycle_of,
            of_resource,
        }
    }
}
