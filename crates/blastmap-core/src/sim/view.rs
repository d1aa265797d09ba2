//! What reports and findings may read of the compiled topology: read-only views of
//! a path's parts and of what it depends on, by value or borrowed. The units
//! behind them stay private to the engine, so a kind can change how it is
//! compiled without touching a report.

use foldhash::{HashMap, HashSet};

use crate::model::{AzIdx, RegionIdx, ResIdx};

use super::Unit as CapacityUnit;
use super::evaluate::{Outcome, Verdict};
use super::kinds::Unit;
use super::kinds::target_group::{Tally, ZoneTargets};
use super::topology::{Topology, UnitIdx};

/// Something the engine evaluates on its own: a path's chain, or what a path needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartId(pub(crate) UnitIdx);

/// A dependency of a path's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DependencyRef {
    pub part: PartId,
    /// The resource depended upon.
    pub via: ResIdx,
    /// Losing it takes the path down (hard) or only degrades it (soft).
    pub hard: bool,
    /// Declared (overlay, tags) rather than inferred from security groups.
    pub declared: bool,
}

/// Targets of a path that need more than every target needs: what they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CohortRef {
    pub dependencies: Vec<DependencyRef>,
    /// How many targets, serving or not.
    pub targets: u32,
}

/// Targets of a path that reach the internet through one NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressRef {
    pub nat: ResIdx,
    /// `None` for a regional NAT gateway.
    pub nat_az: Option<AzIdx>,
    pub region: RegionIdx,
    /// Declared hard: targets without egress cannot serve.
    pub hard: bool,
    /// The AZs its users are in.
    pub user_azs: Vec<AzIdx>,
}

/// A load balancer forwarding to a target group, with its targets and what they need.
#[derive(Debug, Clone)]
pub struct PathParts<'t> {
    pub part: PartId,
    pub lb: ResIdx,
    pub tg: ResIdx,
    pub region: RegionIdx,
    /// AZs the load balancer has a node in.
    pub lb_azs: &'t [AzIdx],
    pub cross_zone: bool,
    /// What capacity is counted in.
    pub unit: CapacityUnit,
    /// Targets per AZ (zonal targets only).
    pub zones: &'t [ZoneTargets],
    /// Targets outside any AZ (IPs outside the VPC, Lambda).
    pub nonzonal: Tally,
    /// What relaunches its lost targets (Auto Scaling groups).
    pub recovery: Vec<ResIdx>,
    pub egress: Vec<EgressRef>,
    /// Declared: targets need NAT egress to serve.
    pub hard_egress: bool,
    /// What every target needs (and what the load balancer and target group need).
    pub dependencies: Vec<DependencyRef>,
    /// Targets that need more, by what they need (see [`crate::sim::TargetDetail::cohort`]).
    pub cohorts: Vec<CohortRef>,
}

/// A database linked to another: a global database's other cluster, a read replica's
/// source. Drawn with its own status, so a picture shows what a failover relies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Peer {
    pub res: ResIdx,
    /// Its own part, evaluated like any other (`None` when it cannot be: not a database).
    pub part: Option<PartId>,
    /// It takes writes: the global database's primary, or a replica's source.
    pub writer: bool,
}

/// What a part is, for a report that draws it.
#[derive(Debug, Clone)]
pub enum Part<'t> {
    Path(PathParts<'t>),
    /// A load balancer depended upon, with the chains it forwards to.
    LoadBalancer {
        lb: ResIdx,
        paths: Vec<PartId>,
    },
    /// An RDS instance outside a cluster.
    Database {
        db: ResIdx,
        multi_az: bool,
        standby: Option<AzIdx>,
        /// A read replica's source.
        replica_of: Option<Peer>,
    },
    /// A DB cluster with its member instances (`true`: the writer).
    Cluster {
        cluster: ResIdx,
        members: Vec<(ResIdx, bool)>,
        /// The other clusters of its global database.
        global_peers: Vec<Peer>,
    },
    /// A cache, table or function: its own rule decides its status (see its outcome).
    Service {
        res: ResIdx,
    },
    /// Anything else, lost with its AZ or Region.
    Resource {
        res: ResIdx,
    },
}

impl Topology {
    /// The part a user-facing path is.
    pub fn path_part(&self, path: usize) -> PartId {
        PartId(self.paths[path].chain)
    }

    /// The parts of a user-facing path.
    pub fn path_parts(&self, path: usize) -> PathParts<'_> {
        match self.part(self.path_part(path)) {
            Part::Path(p) => p,
            _ => unreachable!("a path always points at a chain"),
        }
    }

    /// The part that evaluates a resource something depends on (a cluster's member
    /// instance: its cluster), if the engine compiled one.
    pub fn part_of(&self, res: ResIdx) -> Option<PartId> {
        self.of_resource.get(&res).map(|&u| PartId(u))
    }

    /// The resource a part is about (a path's chain: its target group).
    pub fn part_resource(&self, id: PartId) -> ResIdx {
        match self.unit(id.0) {
            Unit::Chain(c) => c.tg,
            u => u
                .depended()
                .expect("every unit but a chain is about a resource"),
        }
    }

    /// Whether a part is gone under `lost` (in a lost Region, or every AZ it could
    /// run in lost) rather than failed over or short of capacity.
    pub fn part_gone(
        &self,
        estate: &crate::model::Estate,
        id: PartId,
        lost: &super::LostDomains,
    ) -> bool {
        self.unit(id.0).gone(estate, lost)
    }

    /// What a part is.
    pub fn part(&self, id: PartId) -> Part<'_> {
        match self.unit(id.0) {
            Unit::Chain(c) => Part::Path(PathParts {
                part: id,
                lb: c.lb,
                tg: c.tg,
                region: c.region,
                lb_azs: &c.lb_azs,
                cross_zone: c.cross_zone,
                unit: c.unit,
                zones: &c.zones,
                nonzonal: c.nonzonal,
                recovery: c.recovery.iter().map(|a| a.actor).collect(),
                egress: (c.egress.iter())
                    .map(|e| EgressRef {
                        nat: e.nat,
                        nat_az: e.nat_az,
                        region: e.region,
                        hard: e.hard,
                        user_azs: e.users.iter().map(|(az, _)| *az).collect(),
                    })
                    .collect(),
                hard_egress: c.hard_egress,
                dependencies: c.deps.iter().map(dependency_ref).collect(),
                cohorts: (c.cohorts.iter())
                    .map(|co| CohortRef {
                        dependencies: co.deps.iter().map(dependency_ref).collect(),
                        targets: co.targets,
                    })
                    .collect(),
            }),
            Unit::Hop(h) => Part::LoadBalancer {
                lb: h.lb,
                paths: h.chains.iter().map(|&c| PartId(c)).collect(),
            },
            Unit::Rds(r) => Part::Database {
                db: r.db,
                multi_az: r.multi_az,
                standby: r.standby,
                replica_of: r.source.map(|res| Peer {
                    res,
                    part: self.part_of(res),
                    writer: true,
                }),
            },
            Unit::Cluster(c) => Part::Cluster {
                cluster: c.cluster,
                members: (c.writer.iter().map(|(m, _)| (*m, true)))
                    .chain(c.readers.iter().map(|(m, _)| (*m, false)))
                    .collect(),
                global_peers: (c.global_peers.iter())
                    .map(|&(res, _, writer)| Peer {
                        res,
                        part: self.part_of(res),
                        writer,
                    })
                    .collect(),
            },
            Unit::Cache(u) => Part::Service { res: u.res },
            Unit::Table(u) => Part::Service { res: u.res },
            Unit::Function(u) => Part::Service { res: u.res },
            Unit::Placed(p) => Part::Resource { res: p.res },
        }
    }

    /// Resources that user-facing paths depend on (directly or through hops), and
    /// whether some path needs each through hard dependencies only (losing it can
    /// take that path down).
    pub fn depended_resources(&self) -> HashMap<ResIdx, bool> {
        // (unit, reached through hard dependencies only): each pair is visited once.
        let mut seen: HashSet<(UnitIdx, bool)> = HashSet::default();
        let mut stack: Vec<(UnitIdx, bool)> = self.paths.iter().map(|p| (p.chain, true)).collect();
        let mut out: HashMap<ResIdx, bool> = HashMap::default();
        let mut needs = Vec::new();
        while let Some((u, hard)) = stack.pop() {
            if !seen.insert((u, hard)) {
                continue;
            }
            let unit = self.unit(u);
            if let Some(res) = unit.depended() {
                *out.entry(res).or_insert(false) |= hard;
            }
            needs.clear();
            unit.needs(&mut needs);
            stack.extend(needs.iter().map(|&(n, h)| (n, hard && h)));
        }
        out
    }
}

fn dependency_ref(d: &super::kinds::target_group::DepRef) -> DependencyRef {
    DependencyRef {
        part: PartId(d.unit),
        via: d.via,
        hard: d.hard,
        declared: d.declared,
    }
}

impl Verdict {
    /// A part's outcome under the verdict's scenario.
    pub fn outcome(&self, part: PartId) -> &Outcome {
        &self.evaluation.outcomes[part.0 as usize]
    }
}
