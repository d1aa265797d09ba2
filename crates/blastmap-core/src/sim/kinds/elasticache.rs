//! ElastiCache (`../shared/domain.md` §8).
//!
//! A Redis OSS / Valkey replication group, per shard: the primary's AZ lost with
//! automatic failover on and a replica in a surviving AZ → a replica is promoted
//! (`degraded`); without automatic failover, or with no surviving replica, writes
//! stop until a new primary is provisioned (`down` for a hard dependency). A lost
//! replica alone leaves the shard serving with less redundancy (`degraded`).
//! Memcached: the lost AZ's nodes and their share of the keys are lost
//! (`degraded`; every node lost: `down`). A Redis node outside any group is lost
//! with its AZ. Serverless caches span AZs: lost only with their Region (`placed`).
//! (AmazonElastiCache/latest/dg/disaster-recovery-resiliency.html, AutoFailover.html)

use crate::model::{AzIdx, Estate, Facts, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason, az_list};
use crate::sim::topology::{Compiler, UnitIdx};
use crate::sim::{LostDomains, Status};
use crate::text::count;

use super::rds::down_with_region;
use super::{Rule, Unit};

/// A shard: its primary's AZ and its replicas' AZs.
#[derive(Debug, Clone)]
pub(crate) struct Shard {
    pub primary: Option<AzIdx>,
    pub replicas: Vec<AzIdx>,
}

/// A replication group, or a cache cluster's nodes.
#[derive(Debug, Clone)]
pub struct Cache {
    pub(crate) res: ResIdx,
    pub(crate) region: RegionIdx,
    pub(crate) kind: CacheKind,
}

#[derive(Debug, Clone)]
pub(crate) enum CacheKind {
    Replicated {
        automatic_failover: bool,
        shards: Vec<Shard>,
    },
    /// Memcached: every node holds a share of the keys.
    Memcached { nodes: Vec<AzIdx> },
    /// A single Redis node outside any replication group.
    Node { az: AzIdx },
}

/// What losing AZs does to a cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheCause {
    /// Shards whose primary was lost and a replica was promoted.
    Promoted {
        cache: ResIdx,
        shards: u32,
        of: u32,
        from: Vec<AzIdx>,
        to: Vec<AzIdx>,
    },
    /// Shards whose primary was lost with nothing to promote.
    PrimaryLost {
        cache: ResIdx,
        shards: u32,
        of: u32,
        azs: Vec<AzIdx>,
        /// Automatic failover is on (but no replica survived).
        failover: bool,
    },
    /// Replicas lost; their shards keep serving.
    ReplicasLost {
        cache: ResIdx,
        lost: u32,
        azs: Vec<AzIdx>,
    },
    /// Memcached nodes lost with their share of the keys.
    NodesLost {
        cache: ResIdx,
        lost: u32,
        of: u32,
        azs: Vec<AzIdx>,
    },
}

impl CacheCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            CacheCause::Promoted { cache, .. }
            | CacheCause::PrimaryLost { cache, .. }
            | CacheCause::ReplicasLost { cache, .. }
            | CacheCause::NodesLost { cache, .. } => *cache,
        }
    }

    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        let shards = |n: u32, of: u32| {
            if of == 1 {
                String::new()
            } else {
                format!(" ({n} of its {of} shards)")
            }
        };
        match self {
            CacheCause::Promoted {
                cache,
                shards: n,
                of,
                from,
                to,
            } => format!(
                "{} lost its primary in {}{}: replica promoted in {} (automatic failover, a brief write outage)",
                name(*cache),
                az_list(estate, from),
                shards(*n, *of),
                az_list(estate, to)
            ),
            CacheCause::PrimaryLost {
                cache,
                shards: n,
                of,
                azs,
                failover,
            } => {
                let why = if *failover {
                    "no replica survives to promote"
                } else {
                    "automatic failover is off"
                };
                format!(
                    "{} lost its primary in {}{}: {why}, so writes stop until a new primary is provisioned",
                    name(*cache),
                    az_list(estate, azs),
                    shards(*n, *of)
                )
            }
            CacheCause::ReplicasLost { cache, lost, azs } => format!(
                "{} lost {} in {}; its primaries keep serving",
                name(*cache),
                count(*lost, "replica", "replicas"),
                az_list(estate, azs)
            ),
            CacheCause::NodesLost {
                cache,
                lost,
                of,
                azs,
            } if lost == of => format!(
                "{} lost every node ({}): nothing of the cache is left",
                name(*cache),
                az_list(estate, azs)
            ),
            CacheCause::NodesLost {
                cache,
                lost,
                of,
                azs,
            } => format!(
                "{} lost {lost} of its {of} nodes in {}, and their share of the cached keys",
                name(*cache),
                az_list(estate, azs)
            ),
        }
    }
}

/// Compiles a replication group or cache cluster depended upon.
pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let r = c.estate.resource(res);
    let kind = match &r.facts {
        Facts::CacheReplicationGroup(g) => CacheKind::Replicated {
            automatic_failover: g.automatic_failover,
            shards: (g.shards.iter())
                .map(|s| Shard {
                    primary: (s.members.iter().find(|m| m.primary)).and_then(|m| c.az(&m.az)),
                    replicas: (s.members.iter().filter(|m| !m.primary))
                        .filter_map(|m| c.az(&m.az))
                        .collect(),
                })
                .collect(),
        },
        Facts::CacheCluster(cc) if cc.engine == "memcached" => CacheKind::Memcached {
            nodes: cc.nodes.iter().filter_map(|n| c.az(&n.az)).collect(),
        },
        Facts::CacheCluster(cc) => match cc.nodes.first().and_then(|n| c.az(&n.az)) {
            Some(az) => CacheKind::Node { az },
            None => return Some(super::placed::compile(c, res)),
        },
        _ => return Some(super::placed::compile(c, res)),
    };
    let mut touches = vec![c.key_region(r.region)];
    let azs: Vec<AzIdx> = match &kind {
        CacheKind::Replicated { shards, .. } => (shards.iter())
            .flat_map(|s| s.primary.iter().chain(&s.replicas).copied())
            .collect(),
        CacheKind::Memcached { nodes } => nodes.clone(),
        CacheKind::Node { az } => vec![*az],
    };
    touches.extend(azs.iter().map(|&a| c.key_az(a)));
    let unit = Cache {
        res,
        region: r.region,
        kind,
    };
    Some(c.push(Unit::Cache(unit), touches))
}

fn sorted(mut azs: Vec<AzIdx>) -> Vec<AzIdx> {
    azs.sort_unstable();
    azs.dedup();
    azs
}

impl Rule for Cache {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        if lost.region(self.region) {
            return down_with_region(self.res, self.region);
        }
        let mut reasons = Vec::new();
        let mut say = |effect: Status, cause: CacheCause| {
            reasons.push(Reason::new(effect, Cause::Cache(cause)));
        };
        match &self.kind {
            CacheKind::Replicated {
                automatic_failover,
                shards,
            } => {
                let of = shards.len() as u32;
                let (mut promoted, mut from, mut to) = (0, Vec::new(), Vec::new());
                let (mut stopped, mut stopped_at) = (0, Vec::new());
                let (mut replicas_lost, mut replica_azs) = (0, Vec::new());
                for s in shards {
                    let lost_replicas: Vec<AzIdx> =
                        s.replicas.iter().copied().filter(|a| lost.az(*a)).collect();
                    replicas_lost += lost_replicas.len() as u32;
                    replica_azs.extend(lost_replicas);
                    let Some(p) = s.primary.filter(|p| lost.az(*p)) else {
                        continue;
                    };
                    let survivor = s.replicas.iter().find(|a| !lost.az(**a));
                    match (automatic_failover, survivor) {
                        (true, Some(&r)) => {
                            promoted += 1;
                            from.push(p);
                            to.push(r);
                        }
                        _ => {
                            stopped += 1;
                            stopped_at.push(p);
                        }
                    }
                }
                if stopped > 0 {
                    say(
                        Status::Down,
                        CacheCause::PrimaryLost {
                            cache: self.res,
                            shards: stopped,
                            of,
                            azs: sorted(stopped_at),
                            failover: *automatic_failover,
                        },
                    );
                }
                if promoted > 0 {
                    say(
                        Status::Degraded,
                        CacheCause::Promoted {
                            cache: self.res,
                            shards: promoted,
                            of,
                            from: sorted(from),
                            to: sorted(to),
                        },
                    );
                }
                if replicas_lost > 0 {
                    say(
                        Status::Degraded,
                        CacheCause::ReplicasLost {
                            cache: self.res,
                            lost: replicas_lost,
                            azs: sorted(replica_azs),
                        },
                    );
                }
            }
            CacheKind::Memcached { nodes } => {
                let gone: Vec<AzIdx> = nodes.iter().copied().filter(|a| lost.az(*a)).collect();
                if !gone.is_empty() {
                    let all = gone.len() == nodes.len();
                    say(
                        if all { Status::Down } else { Status::Degraded },
                        CacheCause::NodesLost {
                            cache: self.res,
                            lost: gone.len() as u32,
                            of: nodes.len() as u32,
                            azs: sorted(gone),
                        },
                    );
                }
            }
            CacheKind::Node { az } if lost.az(*az) => say(
                Status::Down,
                CacheCause::NodesLost {
                    cache: self.res,
                    lost: 1,
                    of: 1,
                    azs: vec![*az],
                },
            ),
            CacheKind::Node { .. } => {}
        }
        Outcome::from_reasons(reasons, None)
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        let what = match &self.kind {
            CacheKind::Replicated {
                automatic_failover,
                shards,
            } => format!(
                "ElastiCache replication group, {}, automatic failover {}",
                count(shards.len(), "shard", "shards"),
                if *automatic_failover { "on" } else { "off" }
            ),
            CacheKind::Memcached { nodes } => {
                format!("Memcached, {}", count(nodes.len(), "node", "nodes"))
            }
            CacheKind::Node { .. } => "ElastiCache node".to_string(),
        };
        (estate.resource(self.res).name.clone(), what)
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.res)
    }

    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        let nodes: Vec<AzIdx> = match &self.kind {
            CacheKind::Replicated { shards, .. } => (shards.iter())
                .flat_map(|s| s.primary.iter().chain(&s.replicas).copied())
                .collect(),
            CacheKind::Memcached { nodes } => nodes.clone(),
            CacheKind::Node { az } => vec![*az],
        };
        lost.region(self.region) || (!nodes.is_empty() && nodes.iter().all(|a| lost.az(*a)))
    }
}
