//! ElastiCache: replication groups (shards with their members' roles and AZs),
//! cache clusters outside any group (Memcached nodes and their AZs), serverless
//! caches, and the security groups of each.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types::{
    AutomaticFailoverStatus, CacheCluster as SdkCacheCluster, MultiAzStatus,
    ReplicationGroup as SdkReplicationGroup, ServerlessCache as SdkServerlessCache,
};

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{
    CacheCluster, CacheMember, CacheNode, CacheReplicationGroup, CacheShard, Facts, ServerlessCache,
};

#[derive(Debug, Default)]
pub struct ElasticacheRead {
    pub replication_groups: Vec<SdkReplicationGroup>,
    /// Every cache cluster, members of replication groups included (their security groups
    /// are the group's).
    pub cache_clusters: Vec<SdkCacheCluster>,
    pub serverless_caches: Vec<SdkServerlessCache>,
}

/// Three paginated reads at once.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<ElasticacheRead> {
    let (groups, clusters, serverless) = tokio::join!(
        caller.pages(
            "DescribeReplicationGroups",
            client.describe_replication_groups().into_paginator().send()
        ),
        caller.pages(
            "DescribeCacheClusters",
            client
                .describe_cache_clusters()
                .show_cache_node_info(true)
                .into_paginator()
                .send()
        ),
        caller.pages(
            "DescribeServerlessCaches",
            client.describe_serverless_caches().into_paginator().send()
        ),
    );
    let mut out = Outcome::<ElasticacheRead>::default();
    out.data.replication_groups = or_record(&mut out.failures, groups)
        .into_iter()
        .flat_map(|p| p.replication_groups.unwrap_or_default())
        .collect();
    out.data.cache_clusters = or_record(&mut out.failures, clusters)
        .into_iter()
        .flat_map(|p| p.cache_clusters.unwrap_or_default())
        .collect();
    out.data.serverless_caches = or_record(&mut out.failures, serverless)
        .into_iter()
        .flat_map(|p| p.serverless_caches.unwrap_or_default())
        .collect();
    out
}

fn days(n: Option<i32>) -> u32 {
    n.unwrap_or(0).max(0) as u32
}

/// The VPC security groups of a cache cluster.
fn security_groups_of(c: &SdkCacheCluster) -> impl Iterator<Item = &str> {
    c.security_groups()
        .iter()
        .filter_map(|g| g.security_group_id())
}

fn push_new(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

pub fn resources(
    read: &ElasticacheRead,
    place: &Placement,
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let mut out = Vec::new();
    for g in &read.replication_groups {
        let (Some(arn), Some(id)) = (g.arn(), g.replication_group_id()) else {
            continue;
        };
        // DescribeReplicationGroups names neither security groups nor (in older answers)
        // the engine: the member cache clusters carry both.
        let members: Vec<&SdkCacheCluster> = read
            .cache_clusters
            .iter()
            .filter(|c| c.replication_group_id() == Some(id))
            .collect();
        let mut security_groups: Vec<String> = Vec::new();
        for sg in members.iter().flat_map(|c| security_groups_of(c)) {
            push_new(&mut security_groups, sg);
        }
        let engine = g
            .engine()
            .or_else(|| members.iter().find_map(|c| c.engine()))
            .unwrap_or("redis");
        let mut shards = Vec::new();
        for ng in g.node_groups() {
            let mut members = Vec::new();
            for m in ng.node_group_members() {
                let Some(node) = m.cache_cluster_id() else {
                    continue;
                };
                let Some(az) = place.az_of_name(m.preferred_availability_zone()) else {
                    failures.push(place.unplaced(
                        "DescribeReplicationGroups",
                        "a member of replication group",
                        id,
                    ));
                    continue;
                };
                members.push(CacheMember {
                    node: node.to_string(),
                    az,
                    primary: m.current_role() == Some("primary"),
                });
            }
            shards.push(CacheShard {
                id: ng.node_group_id().unwrap_or("0001").to_string(),
                members,
            });
        }
        out.push(
            Named::new(arn, Some(id.to_string()), None, BTreeMap::new()).facts(
                Facts::CacheReplicationGroup(CacheReplicationGroup {
                    engine: engine.to_string(),
                    automatic_failover: g.automatic_failover()
                        == Some(&AutomaticFailoverStatus::Enabled),
                    multi_az: g.multi_az() == Some(&MultiAzStatus::Enabled),
                    cluster_mode: g.cluster_enabled().unwrap_or(false),
                    shards,
                    security_groups,
                    snapshot_retention_days: days(g.snapshot_retention_limit()),
                }),
            ),
        );
    }
    for c in &read.cache_clusters {
        // Members of replication groups are modelled with their group.
        if c.replication_group_id().is_some() {
            continue;
        }
        let (Some(arn), Some(id)) = (c.arn(), c.cache_cluster_id()) else {
            continue;
        };
        let mut nodes = Vec::new();
        for n in c.cache_nodes() {
            let Some(node) = n.cache_node_id() else {
                continue;
            };
            // A single-AZ cluster's nodes may leave their own AZ out: the cluster's is theirs.
            let name = n
                .customer_availability_zone()
                .or(c.preferred_availability_zone());
            let Some(az) = place.az_of_name(name) else {
                failures.push(place.unplaced(
                    "DescribeCacheClusters",
                    "a node of cache cluster",
                    id,
                ));
                continue;
            };
            nodes.push(CacheNode {
                id: node.to_string(),
                az,
            });
        }
        let mut security_groups: Vec<String> = Vec::new();
        for sg in security_groups_of(c) {
            push_new(&mut security_groups, sg);
        }
        out.push(
            Named::new(arn, Some(id.to_string()), None, BTreeMap::new()).facts(
                Facts::CacheCluster(CacheCluster {
                    engine: c.engine().unwrap_or("unknown").to_string(),
                    nodes,
                    security_groups,
                    snapshot_retention_days: days(c.snapshot_retention_limit()),
                }),
            ),
        );
    }
    for s in &read.serverless_caches {
        let (Some(arn), Some(name)) = (s.arn(), s.serverless_cache_name()) else {
            continue;
        };
        out.push(
            Named::new(arn, Some(name.to_string()), None, BTreeMap::new()).facts(
                Facts::ServerlessCache(ServerlessCache {
                    engine: s.engine().unwrap_or("unknown").to_string(),
                    subnets: s.subnet_ids().to_vec(),
                    security_groups: s.security_group_ids().to_vec(),
                }),
            ),
        );
    }
    out
}
