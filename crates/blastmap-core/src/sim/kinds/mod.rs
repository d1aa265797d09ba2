//! One module per resource kind: what it places in which AZ, what it loses under
//! a set of lost domains, what recovers it, and how it explains itself (its
//! reasons and its lines in a path's detail).
//!
//! A kind that can be depended upon compiles into a [`Unit`] and implements
//! [`Rule`]; the parts of a path (load balancer nodes, targets, recovery, egress)
//! are modules the target group's chain calls. Adding a kind: `docs/engine.md`,
//! "Adding a resource kind".

pub(crate) mod auto_scaling;
pub(crate) mod db_cluster;
pub(crate) mod dynamodb;
pub(crate) mod ecs_service;
pub(crate) mod elasticache;
pub(crate) mod entry_point;
pub(crate) mod instance;
pub(crate) mod lambda;
pub(crate) mod load_balancer;
pub(crate) mod nat;
pub(crate) mod placed;
pub(crate) mod rds;
pub(crate) mod recovery;
pub(crate) mod target_group;

use foldhash::{HashMap, HashSet};

use crate::model::{AccountIdx, Estate, Facts, RegionIdx, ResIdx, Service};

use super::LostDomains;
use super::evaluate::Outcome;
use super::topology::{Compiler, Topology, UnitIdx};

/// What every compiled unit answers: the engine, the path detail and the findings
/// ask a unit through this, never through its fields.
pub(crate) trait Rule {
    /// The unit's outcome under `lost`, given the outcomes of the units it needs.
    fn evaluate<'a>(&self, lost: &LostDomains, needed: &impl Fn(UnitIdx) -> &'a Outcome)
    -> Outcome;

    /// Its name and what it is, for people: `("orders-db", "RDS instance, Multi-AZ")`.
    fn named(&self, estate: &Estate) -> (String, String);

    /// The resource a path depending on this unit depends on (`None`: a path itself).
    fn depended(&self) -> Option<ResIdx>;

    /// Whether what the unit stands for is gone with the lost domains (in a lost
    /// Region, or every AZ it could run in lost), rather than merely failed over or
    /// short of capacity: a picture draws it lost. By default, where it is placed.
    fn gone(&self, estate: &Estate, lost: &LostDomains) -> bool {
        self.depended().is_some_and(|res| {
            let r = estate.resource(res);
            lost.placement(r.region, r.az)
        })
    }

    /// The units it needs, and whether it needs each hard (losing it takes this down).
    fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
        let _ = out;
    }

    /// Replaces each unit it needs by `resolve`'s answer, dropping those it has none
    /// for (a cycle's placeholders, once compiling is done).
    fn resolve_refs(&mut self, resolve: &dyn Fn(UnitIdx) -> Option<UnitIdx>) {
        let _ = resolve;
    }
}

/// Declares the unit kinds once: the [`Unit`] enum and its dispatch to each kind's [`Rule`].
macro_rules! units {
    ($($variant:ident($ty:ty),)+) => {
        /// One unit of evaluation, of one kind.
        #[derive(Debug, Clone)]
        pub(crate) enum Unit { $($variant($ty),)+ }

        impl Unit {
            pub(crate) fn evaluate<'a>(
                &self,
                lost: &LostDomains,
                needed: &impl Fn(UnitIdx) -> &'a Outcome,
            ) -> Outcome {
                match self { $(Unit::$variant(u) => u.evaluate(lost, needed),)+ }
            }

            pub(crate) fn named(&self, estate: &Estate) -> (String, String) {
                match self { $(Unit::$variant(u) => u.named(estate),)+ }
            }

            pub(crate) fn depended(&self) -> Option<ResIdx> {
                match self { $(Unit::$variant(u) => u.depended(),)+ }
            }

            pub(crate) fn gone(&self, estate: &Estate, lost: &LostDomains) -> bool {
                match self { $(Unit::$variant(u) => u.gone(estate, lost),)+ }
            }

            pub(crate) fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
                match self { $(Unit::$variant(u) => u.needs(out),)+ }
            }

            pub(crate) fn resolve_refs(&mut self, resolve: &dyn Fn(UnitIdx) -> Option<UnitIdx>) {
                match self { $(Unit::$variant(u) => u.resolve_refs(resolve),)+ }
            }
        }
    };
}

units! {
    Chain(target_group::Chain),
    Hop(load_balancer::Hop),
    Rds(rds::Rds),
    Cluster(db_cluster::Cluster),
    Cache(elasticache::Cache),
    Table(dynamodb::Table),
    Function(lambda::Function),
    Placed(placed::Placed),
}

/// Compiles the unit of a resource something depends on, by its kind.
pub(super) fn compile_dependency(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    match &c.estate.resource(res).facts {
        Facts::DbInstance(_) => rds::compile(c, res),
        Facts::DbCluster(_) => db_cluster::compile(c, res),
        Facts::LoadBalancer(_) => load_balancer::compile_hop(c, res),
        Facts::TargetGroup(_) => target_group::compile_dependency(c, res),
        Facts::CacheReplicationGroup(_) | Facts::CacheCluster(_) => elasticache::compile(c, res),
        Facts::DynamodbTable(_) => dynamodb::compile(c, res),
        Facts::LambdaFunction(_) => lambda::compile(c, res),
        _ => Some(placed::compile(c, res)),
    }
}

/// What kinds look up while compiling, indexed once per estate.
pub(crate) struct Indexes<'e> {
    /// Load balancers and target groups whose targets need NAT egress to serve.
    pub hard_egress: HashSet<&'e str>,
    /// Clusters of each Aurora global database: cluster, Region, whether it has a writer.
    pub global_peers: HashMap<&'e str, Vec<(ResIdx, RegionIdx, bool)>>,
    /// Services a scan could not read, per account and Region.
    pub gaps: HashMap<(AccountIdx, RegionIdx), Vec<Service>>,
}

impl<'e> Indexes<'e> {
    pub(super) fn new(estate: &'e Estate) -> Self {
        Indexes {
            hard_egress: estate
                .declared
                .hard_egress
                .iter()
                .map(String::as_str)
                .collect(),
            global_peers: db_cluster::global_peers(estate),
            gaps: coverage_gaps(estate),
        }
    }
}

/// What a scan could not read, per account and Region.
fn coverage_gaps(estate: &Estate) -> HashMap<(AccountIdx, RegionIdx), Vec<Service>> {
    let mut out: HashMap<(AccountIdx, RegionIdx), Vec<Service>> = HashMap::default();
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

/// A dependency's name and what it is, as one label: `orders-db (RDS instance, Multi-AZ)`,
/// with `more` ("declared", …) inside the parentheses: one pair, not two.
pub(crate) fn described(
    estate: &Estate,
    topo: &Topology,
    unit: UnitIdx,
    more: Option<&str>,
) -> String {
    let (name, what) = topo.unit(unit).named(estate);
    let inside: Vec<&str> = [what.as_str(), more.unwrap_or("")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if inside.is_empty() {
        name
    } else {
        format!("{name} ({})", inside.join("; "))
    }
}
