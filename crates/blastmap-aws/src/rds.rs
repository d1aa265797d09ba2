//! RDS: DB instances (placement, Multi-AZ standby, read replicas) and DB
//! clusters (members with the writer flag, global database).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_rds::Client;
use aws_sdk_rds::types::{DbCluster as SdkCluster, DbInstance as SdkInstance, Tag};

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{ClusterMember, DbCluster, DbInstance, Facts};

#[derive(Debug, Default)]
pub struct RdsRead {
    pub instances: Vec<SdkInstance>,
    pub clusters: Vec<SdkCluster>,
}

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<RdsRead> {
    let (instances, clusters) = tokio::join!(
        caller.pages(
            "DescribeDBInstances",
            client.describe_db_instances().into_paginator().send()
        ),
        caller.pages(
            "DescribeDBClusters",
            client.describe_db_clusters().into_paginator().send()
        ),
    );
    let mut out = Outcome::<RdsRead>::default();
    out.data.instances = or_record(&mut out.failures, instances)
        .into_iter()
        .flat_map(|p| p.db_instances.unwrap_or_default())
        .collect();
    out.data.clusters = or_record(&mut out.failures, clusters)
        .into_iter()
        .flat_map(|p| p.db_clusters.unwrap_or_default())
        .collect();
    out
}

fn tags_of(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

/// The ARN of another RDS resource in the same account and Region as `arn`:
/// `arn:aws:rds:us-east-1:111:db:x` with kind `cluster` and name `y` gives `…:cluster:y`.
fn sibling_arn(arn: &str, kind: &str, name: &str) -> String {
    let prefix: Vec<&str> = arn.splitn(6, ':').take(5).collect();
    format!("{}:{kind}:{name}", prefix.join(":"))
}

/// An RDS identifier as the resource id the estate knows it by (its ARN).
struct Arns {
    instances: HashMap<String, String>,
    clusters: HashMap<String, String>,
}

impl Arns {
    fn instance(&self, ident: &str, near: &str) -> String {
        resolve(&self.instances, ident, near, "db")
    }

    fn cluster(&self, ident: &str, near: &str) -> String {
        resolve(&self.clusters, ident, near, "cluster")
    }
}

/// An identifier that is already an ARN, else the ARN read for it, else its ARN
/// beside `near` (a cross-service reference to something not read).
fn resolve(known: &HashMap<String, String>, ident: &str, near: &str, kind: &str) -> String {
    if ident.starts_with("arn:") {
        return ident.to_string();
    }
    known
        .get(ident)
        .cloned()
        .unwrap_or_else(|| sibling_arn(near, kind, ident))
}

fn days(n: Option<i32>) -> u32 {
    n.unwrap_or(0).max(0) as u32
}

pub fn resources(read: RdsRead, place: &Placement, failures: &mut Vec<CallFailure>) -> Vec<Found> {
    let arns = Arns {
        instances: read
            .instances
            .iter()
            .filter_map(|i| {
                Some((
                    i.db_instance_identifier()?.to_string(),
                    i.db_instance_arn()?.to_string(),
                ))
            })
            .collect(),
        clusters: read
            .clusters
            .iter()
            .filter_map(|c| {
                Some((
                    c.db_cluster_identifier()?.to_string(),
                    c.db_cluster_arn()?.to_string(),
                ))
            })
            .collect(),
    };
    let mut out = Vec::new();
    for i in &read.instances {
        let (Some(arn), Some(ident)) = (i.db_instance_arn(), i.db_instance_identifier()) else {
            continue;
        };
        let Some(az) = place.az_of_name(i.availability_zone()) else {
            failures.push(place.unplaced("DescribeDBInstances", "DB instance", ident));
            continue;
        };
        let secondary_az = place.az_of_name(i.secondary_availability_zone());
        out.push(
            Named::new(
                arn,
                Some(ident.to_string()),
                Some(az),
                tags_of(i.tag_list()),
            )
            .facts(Facts::DbInstance(DbInstance {
                engine: i.engine().unwrap_or("unknown").to_string(),
                instance_class: i.db_instance_class().map(str::to_string),
                multi_az: i.multi_az().unwrap_or(false),
                secondary_az,
                backup_retention_days: days(i.backup_retention_period()),
                // Cross-Region automated backup replication: the destination Region
                // is the fourth field of the replicated backups' ARN.
                backup_replicated_to: i
                    .db_instance_automated_backups_replications()
                    .iter()
                    .filter_map(|r| r.db_instance_automated_backups_arn())
                    .filter_map(|arn| arn.split(':').nth(3).map(str::to_string))
                    .collect(),
                deletion_protection: i.deletion_protection().unwrap_or(false),
                cluster: i.db_cluster_identifier().map(|c| arns.cluster(c, arn)),
                read_replica_source: i
                    .read_replica_source_db_instance_identifier()
                    .map(|s| arns.instance(s, arn)),
                security_groups: i
                    .vpc_security_groups()
                    .iter()
                    .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                    .collect(),
            })),
        );
    }
    for c in &read.clusters {
        let (Some(arn), Some(ident)) = (c.db_cluster_arn(), c.db_cluster_identifier()) else {
            continue;
        };
        out.push(
            Named::new(arn, Some(ident.to_string()), None, tags_of(c.tag_list())).facts(
                Facts::DbCluster(DbCluster {
                    engine: c.engine().unwrap_or("unknown").to_string(),
                    members: c
                        .db_cluster_members()
                        .iter()
                        .filter_map(|m| {
                            Some(ClusterMember {
                                instance: arns.instance(m.db_instance_identifier()?, arn),
                                writer: m.is_cluster_writer().unwrap_or(false),
                            })
                        })
                        .collect(),
                    backup_retention_days: days(c.backup_retention_period()),
                    deletion_protection: c.deletion_protection().unwrap_or(false),
                    security_groups: c
                        .vpc_security_groups()
                        .iter()
                        .filter_map(|g| g.vpc_security_group_id().map(str::to_string))
                        .collect(),
                    global_cluster: c.global_cluster_identifier().map(str::to_string),
                }),
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sibling_arn_keeps_partition_region_and_account() {
        assert_eq!(
            sibling_arn(
                "arn:aws-cn:rds:cn-north-1:111:db:orders",
                "cluster",
                "ledger"
            ),
            "arn:aws-cn:rds:cn-north-1:111:cluster:ledger"
        );
    }
}
