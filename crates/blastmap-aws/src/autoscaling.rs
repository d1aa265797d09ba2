//! Auto Scaling: groups with their subnets, capacity bounds, in-service
//! instances and target groups.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::{
    AutoScalingGroup as SdkGroup, ImpairedZoneHealthCheckBehavior, LifecycleState,
};

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{AutoScalingGroup, AzImpairmentPolicy, Facts};

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Vec<SdkGroup>> {
    let pages = caller
        .pages(
            "DescribeAutoScalingGroups",
            client
                .describe_auto_scaling_groups()
                .into_paginator()
                .send(),
        )
        .await;
    let mut failures = Vec::new();
    let data = or_record(&mut failures, pages)
        .into_iter()
        .flat_map(|p| p.auto_scaling_groups.unwrap_or_default())
        .collect();
    Outcome { data, failures }
}

/// The resource id of an Auto Scaling group (its ARN, else its name).
fn id_of(g: &SdkGroup) -> Option<&str> {
    g.auto_scaling_group_arn().or(g.auto_scaling_group_name())
}

/// How other services name Auto Scaling groups (by name, ARN, or instance), resolved to
/// the resource ids this module gives them, so that their references resolve.
#[derive(Debug, Default)]
pub struct GroupIds {
    by_name: HashMap<String, String>,
    by_instance: HashMap<String, String>,
}

impl GroupIds {
    pub fn new(groups: &[SdkGroup]) -> GroupIds {
        let mut ids = GroupIds::default();
        for g in groups {
            let (Some(name), Some(id)) = (g.auto_scaling_group_name(), id_of(g)) else {
                continue;
            };
            ids.by_name.insert(name.to_string(), id.to_string());
            for i in g.instances() {
                if let Some(instance) = i.instance_id() {
                    ids.by_instance.insert(instance.to_string(), id.to_string());
                }
            }
        }
        ids
    }

    /// The id of the group named by `name_or_arn`; as given when the group was not read
    /// (a gap in Auto Scaling excuses the reference).
    pub fn resolve(&self, name_or_arn: &str) -> String {
        // `arn:aws:autoscaling:…:autoScalingGroup:<uuid>:autoScalingGroupName/<name>`
        let name = name_or_arn
            .rsplit_once(":autoScalingGroupName/")
            .map_or(name_or_arn, |(_, name)| name);
        self.by_name
            .get(name)
            .cloned()
            .unwrap_or_else(|| name_or_arn.to_string())
    }

    /// The group an instance belongs to.
    pub fn of_instance(&self, instance: &str) -> Option<&str> {
        self.by_instance.get(instance).map(String::as_str)
    }
}

fn count(n: Option<i32>) -> u32 {
    n.unwrap_or(0).max(0) as u32
}

pub fn resources(
    groups: Vec<SdkGroup>,
    place: &Placement,
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let mut out = Vec::new();
    for g in groups {
        let Some(name) = g.auto_scaling_group_name() else {
            continue;
        };
        let id = id_of(&g).unwrap_or(name);
        let subnets: Vec<String> = g
            .vpc_zone_identifier()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        // The subnets' AZs when the group has subnets (VPC), else its AZ names (EC2-Classic style).
        let mut azs: Vec<String> = Vec::new();
        let resolved: Vec<Option<String>> = if subnets.is_empty() {
            g.availability_zones()
                .iter()
                .map(|n| place.az_of_name(Some(n)))
                .collect()
        } else {
            subnets
                .iter()
                .map(|s| place.az_of_subnet(s).map(str::to_string))
                .collect()
        };
        if resolved.iter().any(Option::is_none) {
            failures.push(place.unplaced(
                "DescribeAutoScalingGroups",
                "an AZ of Auto Scaling group",
                name,
            ));
        }
        for az in resolved.into_iter().flatten() {
            if !azs.contains(&az) {
                azs.push(az);
            }
        }
        let tags: BTreeMap<String, String> = g
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
            .collect();
        out.push(
            Named::new(id, Some(name.to_string()), None, tags).facts(Facts::AutoScalingGroup(
                AutoScalingGroup {
                    subnets,
                    azs,
                    min: count(g.min_size()),
                    desired: count(g.desired_capacity()),
                    max: count(g.max_size()),
                    instances: g
                        .instances()
                        .iter()
                        .filter(|i| i.lifecycle_state() == Some(&LifecycleState::InService))
                        .filter_map(|i| i.instance_id().map(str::to_string))
                        .collect(),
                    target_groups: g.target_group_arns().to_vec(),
                    az_impairment: g.availability_zone_impairment_policy().map(|p| {
                        AzImpairmentPolicy {
                            zonal_shift: p.zonal_shift_enabled().unwrap_or(false),
                            replace_unhealthy: p.impaired_zone_health_check_behavior()
                                == Some(&ImpairedZoneHealthCheckBehavior::ReplaceUnhealthy),
                        }
                    }),
                },
            )),
        );
    }
    out
}
