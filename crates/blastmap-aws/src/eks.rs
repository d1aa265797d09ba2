//! EKS: clusters and their managed node groups, joined to the Auto Scaling groups
//! that hold the nodes.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_eks::Client;
use aws_sdk_eks::types::{Cluster as SdkCluster, Nodegroup as SdkNodegroup};
use tokio::task::JoinSet;

use super::autoscaling::GroupIds;
use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named};
use blastmap_core::model::{EksCluster, EksNodegroup, Facts};

#[derive(Debug, Default)]
pub struct EksRead {
    pub clusters: Vec<SdkCluster>,
    pub nodegroups: Vec<SdkNodegroup>,
}

/// Lists the clusters, then describes each one and its node groups at once.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<EksRead> {
    let mut out = Outcome::<EksRead>::default();
    let pages = caller
        .pages(
            "ListClusters",
            client.list_clusters().into_paginator().send(),
        )
        .await;
    let names: Vec<String> = or_record(&mut out.failures, pages)
        .into_iter()
        .flat_map(|p| p.clusters.unwrap_or_default())
        .collect();
    let mut parts: JoinSet<Outcome<EksRead>> = JoinSet::new();
    for name in names {
        parts.spawn(cluster(caller.clone(), client.clone(), name));
    }
    while let Some(joined) = parts.join_next().await {
        match joined {
            Ok(part) => {
                out.data.clusters.extend(part.data.clusters);
                out.data.nodegroups.extend(part.data.nodegroups);
                out.failures.extend(part.failures);
            }
            Err(e) => out.failures.push(CallFailure::unplaced(
                "DescribeCluster",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    out
}

/// One cluster and its node groups: the node groups are listed while the cluster is
/// described, and each is described as soon as it is listed.
async fn cluster(caller: Arc<Caller>, client: Client, name: String) -> Outcome<EksRead> {
    let mut out = Outcome::<EksRead>::default();
    let (described, listed) = tokio::join!(
        caller.call(
            "DescribeCluster",
            client.describe_cluster().name(&name).send()
        ),
        caller.pages(
            "ListNodegroups",
            client
                .list_nodegroups()
                .cluster_name(&name)
                .into_paginator()
                .send()
        ),
    );
    if let Some(c) = or_record(&mut out.failures, described.map(|d| d.cluster)) {
        out.data.clusters.push(c);
    }
    let mut nodegroups: JoinSet<Result<Option<SdkNodegroup>, CallFailure>> = JoinSet::new();
    for ng in or_record(&mut out.failures, listed)
        .into_iter()
        .flat_map(|p| p.nodegroups.unwrap_or_default())
    {
        let request = client
            .describe_nodegroup()
            .cluster_name(&name)
            .nodegroup_name(ng);
        let caller = caller.clone();
        nodegroups.spawn(async move {
            caller
                .call("DescribeNodegroup", request.send())
                .await
                .map(|d| d.nodegroup)
        });
    }
    while let Some(joined) = nodegroups.join_next().await {
        match joined {
            Ok(Ok(ng)) => out.data.nodegroups.extend(ng),
            Ok(Err(f)) => out.failures.push(f),
            Err(e) => out.failures.push(CallFailure::unplaced(
                "DescribeNodegroup",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    out
}

fn tags_of(tags: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    tags.map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// Clusters and node groups are regional: a node group's nodes are its Auto Scaling
/// groups' instances, placed by Auto Scaling.
pub fn resources(read: &EksRead, groups: &GroupIds) -> Vec<Found> {
    let mut out = Vec::new();
    let mut cluster_arns: HashMap<&str, &str> = HashMap::new();
    for c in &read.clusters {
        let (Some(arn), Some(name)) = (c.arn(), c.name()) else {
            continue;
        };
        cluster_arns.insert(name, arn);
        out.push(
            Named::new(arn, Some(name.to_string()), None, tags_of(c.tags())).facts(
                Facts::EksCluster(EksCluster {
                    version: c.version().map(str::to_string),
                    subnets: c
                        .resources_vpc_config()
                        .map(|v| v.subnet_ids().to_vec())
                        .unwrap_or_default(),
                }),
            ),
        );
    }
    for ng in &read.nodegroups {
        let (Some(arn), Some(name), Some(cluster)) =
            (ng.nodegroup_arn(), ng.nodegroup_name(), ng.cluster_name())
        else {
            continue;
        };
        // A node group's ARN names its cluster's: `…:nodegroup/<cluster>/<name>/<uuid>`.
        let cluster_arn = cluster_arns
            .get(cluster)
            .map(|a| a.to_string())
            .unwrap_or_else(|| cluster_arn_of(arn, cluster));
        out.push(
            Named::new(
                arn,
                Some(format!("{cluster}/{name}")),
                None,
                tags_of(ng.tags()),
            )
            .facts(Facts::EksNodegroup(EksNodegroup {
                cluster: cluster_arn,
                auto_scaling_groups: ng
                    .resources()
                    .map(|r| r.auto_scaling_groups())
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|g| g.name())
                    .map(|n| groups.resolve(n))
                    .collect(),
                subnets: ng.subnets().to_vec(),
            })),
        );
    }
    out
}

/// The ARN of the cluster `cluster` beside node group `arn` (when the cluster itself
/// could not be described).
fn cluster_arn_of(nodegroup_arn: &str, cluster: &str) -> String {
    let prefix = nodegroup_arn
        .split_once(":nodegroup/")
        .map_or(nodegroup_arn, |(p, _)| p);
    format!("{prefix}:cluster/{cluster}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_node_group_arn_names_its_cluster_arn() {
        assert_eq!(
            cluster_arn_of(
                "arn:aws:eks:us-east-1:111122223333:nodegroup/prod/general/0a1b",
                "prod"
            ),
            "arn:aws:eks:us-east-1:111122223333:cluster/prod"
        );
    }
}
