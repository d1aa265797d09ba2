//! ECS: clusters with the Auto Scaling groups behind their capacity providers,
//! services (awsvpc subnets, target groups, launch type) and their tasks (AZ,
//! subnet, private addresses, the instance an EC2-launch-type task runs on).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{
    CapacityProvider as SdkCapacityProvider, CapacityProviderStrategyItem, Cluster as SdkCluster,
    ClusterField, ContainerInstance as SdkContainerInstance, LaunchType as SdkLaunchType,
    Service as SdkService, ServiceField, Tag, Task as SdkTask, TaskField,
};
use tokio::task::JoinSet;

use super::autoscaling::GroupIds;
use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{CapacityProvider, EcsCluster, EcsService, EcsTask, Facts, LaunchType};

/// Clusters per `DescribeClusters` request (the API's limit).
const CLUSTERS_PER_CALL: usize = 100;
/// Capacity providers per `DescribeCapacityProviders` request (the API's limit).
const PROVIDERS_PER_CALL: usize = 100;
/// Services per `DescribeServices` request (the API's limit).
const SERVICES_PER_CALL: usize = 10;
/// Tasks per `DescribeTasks` request (the API's limit).
const TASKS_PER_CALL: usize = 100;
/// Container instances per `DescribeContainerInstances` request (the API's limit).
const INSTANCES_PER_CALL: usize = 100;

/// Capacity providers AWS runs itself: never backed by an Auto Scaling group.
const FARGATE_PROVIDERS: [&str; 2] = ["FARGATE", "FARGATE_SPOT"];

/// What ECS answered in one account and Region.
#[derive(Debug, Default)]
pub struct EcsRead {
    pub clusters: Vec<SdkCluster>,
    pub capacity_providers: Vec<SdkCapacityProvider>,
    pub services: Vec<SdkService>,
    pub tasks: Vec<SdkTask>,
    pub container_instances: Vec<SdkContainerInstance>,
}

impl EcsRead {
    fn extend(&mut self, other: EcsRead) {
        self.clusters.extend(other.clusters);
        self.capacity_providers.extend(other.capacity_providers);
        self.services.extend(other.services);
        self.tasks.extend(other.tasks);
        self.container_instances.extend(other.container_instances);
    }
}

/// Lists the clusters, then describes them, their services and their tasks at once.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<EcsRead> {
    let mut out = Outcome::<EcsRead>::default();
    let pages = caller
        .pages(
            "ListClusters",
            client.list_clusters().into_paginator().send(),
        )
        .await;
    let arns: Vec<String> = or_record(&mut out.failures, pages)
        .into_iter()
        .flat_map(|p| p.cluster_arns.unwrap_or_default())
        .collect();
    let mut parts: JoinSet<Outcome<EcsRead>> = JoinSet::new();
    for chunk in arns.chunks(CLUSTERS_PER_CALL) {
        parts.spawn(clusters(caller.clone(), client.clone(), chunk.to_vec()));
    }
    for arn in &arns {
        parts.spawn(services(caller.clone(), client.clone(), arn.clone()));
        parts.spawn(tasks(caller.clone(), client.clone(), arn.clone()));
    }
    gather(&mut out, parts, "ListClusters").await;
    out
}

/// Joins every part into `out`; a part that panicked or was cancelled read nothing.
async fn gather(
    out: &mut Outcome<EcsRead>,
    mut parts: JoinSet<Outcome<EcsRead>>,
    operation: &'static str,
) {
    while let Some(joined) = parts.join_next().await {
        match joined {
            Ok(part) => {
                out.data.extend(part.data);
                out.failures.extend(part.failures);
            }
            Err(e) => out.failures.push(CallFailure::unplaced(
                operation,
                format!("a reading task failed: {e}"),
            )),
        }
    }
}

/// Describes clusters, then the capacity providers they name that could be Auto Scaling
/// groups.
async fn clusters(caller: Arc<Caller>, client: Client, arns: Vec<String>) -> Outcome<EcsRead> {
    let mut out = Outcome::<EcsRead>::default();
    let request = client
        .describe_clusters()
        .set_clusters(Some(arns))
        .include(ClusterField::Tags);
    let described = caller.call("DescribeClusters", request.send()).await;
    out.data.clusters = or_record(&mut out.failures, described.map(Some))
        .and_then(|d| d.clusters)
        .unwrap_or_default();
    let names: BTreeSet<&str> = out
        .data
        .clusters
        .iter()
        .flat_map(|c| c.capacity_providers())
        .map(String::as_str)
        .filter(|n| !FARGATE_PROVIDERS.contains(n))
        .collect();
    let names: Vec<String> = names.into_iter().map(str::to_string).collect();
    for chunk in names.chunks(PROVIDERS_PER_CALL) {
        let request = client
            .describe_capacity_providers()
            .set_capacity_providers(Some(chunk.to_vec()));
        let described = caller
            .call("DescribeCapacityProviders", request.send())
            .await;
        out.data.capacity_providers.extend(
            or_record(&mut out.failures, described.map(Some))
                .and_then(|d| d.capacity_providers)
                .unwrap_or_default(),
        );
    }
    out
}

/// Lists a cluster's services, describing each page (ten services) as it arrives.
async fn services(caller: Arc<Caller>, client: Client, cluster: String) -> Outcome<EcsRead> {
    let mut out = Outcome::<EcsRead>::default();
    let mut pages = client
        .list_services()
        .cluster(&cluster)
        .into_paginator()
        .send();
    let mut described: JoinSet<Outcome<EcsRead>> = JoinSet::new();
    while let Some(page) = caller.page("ListServices", &mut pages).await {
        let arns = match page {
            Ok(page) => page.service_arns.unwrap_or_default(),
            Err(f) => {
                out.failures.push(f);
                break;
            }
        };
        for chunk in arns.chunks(SERVICES_PER_CALL) {
            let request = client
                .describe_services()
                .cluster(&cluster)
                .set_services(Some(chunk.to_vec()))
                .include(ServiceField::Tags);
            let caller = caller.clone();
            described.spawn(async move {
                let mut part = Outcome::<EcsRead>::default();
                let answer = caller.call("DescribeServices", request.send()).await;
                part.data.services = or_record(&mut part.failures, answer.map(Some))
                    .and_then(|d| d.services)
                    .unwrap_or_default();
                part
            });
        }
    }
    gather(&mut out, described, "DescribeServices").await;
    out
}

/// Lists a cluster's tasks, describing each page (a hundred tasks) as it arrives, then the
/// container instances the EC2-launch-type ones run on.
async fn tasks(caller: Arc<Caller>, client: Client, cluster: String) -> Outcome<EcsRead> {
    let mut out = Outcome::<EcsRead>::default();
    let mut pages = client
        .list_tasks()
        .cluster(&cluster)
        .into_paginator()
        .send();
    let mut described: JoinSet<Outcome<EcsRead>> = JoinSet::new();
    while let Some(page) = caller.page("ListTasks", &mut pages).await {
        let arns = match page {
            Ok(page) => page.task_arns.unwrap_or_default(),
            Err(f) => {
                out.failures.push(f);
                break;
            }
        };
        for chunk in arns.chunks(TASKS_PER_CALL) {
            let request = client
                .describe_tasks()
                .cluster(&cluster)
                .set_tasks(Some(chunk.to_vec()))
                .include(TaskField::Tags);
            let caller = caller.clone();
            described.spawn(async move {
                let mut part = Outcome::<EcsRead>::default();
                let answer = caller.call("DescribeTasks", request.send()).await;
                part.data.tasks = or_record(&mut part.failures, answer.map(Some))
                    .and_then(|d| d.tasks)
                    .unwrap_or_default();
                part
            });
        }
    }
    gather(&mut out, described, "DescribeTasks").await;
    // Each container instance once, however many tasks run on it.
    let instances: BTreeSet<&str> = out
        .data
        .tasks
        .iter()
        .filter_map(|t| t.container_instance_arn())
        .collect();
    let instances: Vec<String> = instances.into_iter().map(str::to_string).collect();
    let mut described: JoinSet<Outcome<EcsRead>> = JoinSet::new();
    for chunk in instances.chunks(INSTANCES_PER_CALL) {
        let request = client
            .describe_container_instances()
            .cluster(&cluster)
            .set_container_instances(Some(chunk.to_vec()));
        let caller = caller.clone();
        described.spawn(async move {
            let mut part = Outcome::<EcsRead>::default();
            let answer = caller
                .call("DescribeContainerInstances", request.send())
                .await;
            part.data.container_instances = or_record(&mut part.failures, answer.map(Some))
                .and_then(|d| d.container_instances)
                .unwrap_or_default();
            part
        });
    }
    gather(&mut out, described, "DescribeContainerInstances").await;
    out
}

fn tags_of(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

fn count(n: i32) -> u32 {
    n.max(0) as u32
}

/// A value of an ENI attachment's details (`subnetId`, `privateIPv4Address`).
fn eni_detail<'a>(task: &'a SdkTask, name: &str) -> impl Iterator<Item = &'a str> {
    task.attachments()
        .iter()
        .filter(|a| a.r#type() == Some("ElasticNetworkInterface"))
        .flat_map(|a| a.details())
        .filter(move |d| d.name() == Some(name))
        .filter_map(|d| d.value())
}

/// What the clusters' capacity providers run on.
struct Providers {
    /// Capacity provider name → the id of its Auto Scaling group.
    asgs: HashMap<String, String>,
}

impl Providers {
    fn new(read: &EcsRead, groups: &GroupIds) -> Providers {
        let asgs = read
            .capacity_providers
            .iter()
            .filter_map(|p| {
                let asg = p.auto_scaling_group_provider()?.auto_scaling_group_arn();
                Some((p.name()?.to_string(), groups.resolve(asg)))
            })
            .collect();
        Providers { asgs }
    }

    /// The launch type a capacity provider strategy amounts to, and its Auto Scaling group:
    /// an Auto Scaling group-backed provider means EC2, `FARGATE`/`FARGATE_SPOT` Fargate.
    fn launch(
        &self,
        strategy: &[CapacityProviderStrategyItem],
    ) -> Option<(LaunchType, Option<String>)> {
        let providers = || strategy.iter().map(|s| s.capacity_provider());
        if let Some(asg) = providers().find_map(|p| self.asgs.get(p)) {
            return Some((LaunchType::Ec2, Some(asg.clone())));
        }
        providers()
            .any(|p| FARGATE_PROVIDERS.contains(&p))
            .then_some((LaunchType::Fargate, None))
    }
}

fn launch_type_of(t: &SdkLaunchType) -> LaunchType {
    match t {
        SdkLaunchType::Fargate => LaunchType::Fargate,
        SdkLaunchType::External => LaunchType::External,
        // EC2, and ECS Managed Instances (EC2 instances that ECS runs): tasks sit on instances.
        _ => LaunchType::Ec2,
    }
}

/// Turns ECS's answers into clusters, services and tasks; what cannot be placed is reported.
pub fn resources(
    read: &EcsRead,
    place: &Placement,
    groups: &GroupIds,
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let providers = Providers::new(read, groups);
    let mut out = Vec::new();
    let clusters: HashMap<&str, &SdkCluster> = read
        .clusters
        .iter()
        .filter_map(|c| Some((c.cluster_arn()?, c)))
        .collect();
    for c in &read.clusters {
        let Some(arn) = c.cluster_arn() else { continue };
        let capacity_providers = c
            .capacity_providers()
            .iter()
            .filter_map(|name| {
                Some(CapacityProvider {
                    name: name.clone(),
                    auto_scaling_group: Some(providers.asgs.get(name)?.clone()),
                })
            })
            .collect();
        out.push(
            Named::new(
                arn,
                c.cluster_name().map(str::to_string),
                None,
                tags_of(c.tags()),
            )
            .facts(Facts::EcsCluster(EcsCluster { capacity_providers })),
        );
    }

    // Container instance ARN → (EC2 instance id, the AZ name ECS recorded for it).
    let hosts: HashMap<&str, (Option<&str>, Option<&str>)> = read
        .container_instances
        .iter()
        .filter_map(|ci| {
            let az = ci
                .attributes()
                .iter()
                .find(|a| a.name() == "ecs.availability-zone")
                .and_then(|a| a.value());
            Some((ci.container_instance_arn()?, (ci.ec2_instance_id(), az)))
        })
        .collect();
    // (cluster ARN, service name) → service ARN: a task's `group` names its service.
    let service_arns: HashMap<(&str, &str), &str> = read
        .services
        .iter()
        .filter_map(|s| Some(((s.cluster_arn()?, s.service_name()?), s.service_arn()?)))
        .collect();
    let mut service_instances: HashMap<&str, Vec<&str>> = HashMap::new();
    for t in &read.tasks {
        let (Some(arn), Some(cluster)) = (t.task_arn(), t.cluster_arn()) else {
            continue;
        };
        let service = t
            .group()
            .and_then(|g| g.strip_prefix("service:"))
            .and_then(|name| service_arns.get(&(cluster, name)).copied());
        let host = t.container_instance_arn().and_then(|ci| hosts.get(ci));
        let instance = host.and_then(|(instance, _)| *instance);
        if let (Some(service), Some(instance)) = (service, instance) {
            service_instances.entry(service).or_default().push(instance);
        }
        let subnet = eni_detail(t, "subnetId").next();
        // Where ECS placed it, else its network interface's subnet, else its host's AZ.
        let az = place
            .az_of_name(t.availability_zone())
            .or_else(|| {
                subnet
                    .and_then(|s| place.az_of_subnet(s))
                    .map(str::to_string)
            })
            .or_else(|| place.az_of_name(host.and_then(|(_, az)| *az)));
        let Some(az) = az else {
            failures.push(place.unplaced("DescribeTasks", "ECS task", arn));
            continue;
        };
        let mut ips: Vec<String> = Vec::new();
        let container_ips = t
            .containers()
            .iter()
            .flat_map(|c| c.network_interfaces())
            .filter_map(|n| n.private_ipv4_address());
        for ip in eni_detail(t, "privateIPv4Address").chain(container_ips) {
            if !ips.iter().any(|i| i == ip) {
                ips.push(ip.to_string());
            }
        }
        let name = arn.rsplit('/').next().map(str::to_string);
        out.push(
            Named::new(arn, name, Some(az), tags_of(t.tags())).facts(Facts::EcsTask(EcsTask {
                cluster: cluster.to_string(),
                service: service.map(str::to_string),
                subnet: subnet.map(str::to_string),
                ips,
                instance: instance.map(str::to_string),
                state: t.last_status().unwrap_or("unknown").to_lowercase(),
            })),
        );
    }

    for s in &read.services {
        let (Some(arn), Some(cluster)) = (s.service_arn(), s.cluster_arn()) else {
            continue;
        };
        let network = s
            .network_configuration()
            .and_then(|n| n.awsvpc_configuration());
        let subnets: Vec<String> = network.map(|n| n.subnets().to_vec()).unwrap_or_default();
        let mut azs: Vec<String> = Vec::new();
        for subnet in &subnets {
            match place.az_of_subnet(subnet) {
                Some(az) if !azs.iter().any(|a| a == az) => azs.push(az.to_string()),
                Some(_) => {}
                None => {
                    failures.push(place.unplaced("DescribeServices", "an AZ of ECS service", arn))
                }
            }
        }
        let mut target_groups: Vec<String> = Vec::new();
        for tg in s
            .load_balancers()
            .iter()
            .filter_map(|l| l.target_group_arn())
        {
            if !target_groups.iter().any(|t| t == tg) {
                target_groups.push(tg.to_string());
            }
        }
        // Its own launch type or strategy, else the cluster's default strategy; with
        // neither, ECS uses the EC2 launch type.
        let default_strategy = clusters
            .get(cluster)
            .map(|c| c.default_capacity_provider_strategy())
            .unwrap_or_default();
        let (launch_type, mut auto_scaling_group) = match s.launch_type() {
            Some(t) => (launch_type_of(t), None),
            None => providers
                .launch(s.capacity_provider_strategy())
                .or_else(|| providers.launch(default_strategy))
                .unwrap_or((LaunchType::Ec2, None)),
        };
        if launch_type == LaunchType::Ec2 && auto_scaling_group.is_none() {
            // The group most of its tasks' instances are in.
            let mut votes: BTreeMap<&str, usize> = BTreeMap::new();
            for i in service_instances.get(arn).into_iter().flatten() {
                if let Some(asg) = groups.of_instance(i) {
                    *votes.entry(asg).or_default() += 1;
                }
            }
            auto_scaling_group = votes
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(asg, _)| asg.to_string());
        }
        out.push(
            Named::new(
                arn,
                s.service_name().map(str::to_string),
                None,
                tags_of(s.tags()),
            )
            .facts(Facts::EcsService(EcsService {
                cluster: cluster.to_string(),
                launch_type,
                desired: count(s.desired_count()),
                running: count(s.running_count()),
                subnets,
                azs,
                security_groups: network
                    .map(|n| n.security_groups().to_vec())
                    .unwrap_or_default(),
                target_groups,
                auto_scaling_group,
            })),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use aws_sdk_ecs::types::{
        Attachment, Attribute, AutoScalingGroupProvider, AwsVpcConfiguration, KeyValuePair,
        NetworkConfiguration,
    };

    use super::*;

    const CLUSTER: &str = "arn:aws:ecs:us-east-1:111:cluster/shop";

    fn place() -> Placement {
        let subnet = |id: &str, zone: &str| {
            aws_sdk_ec2::types::Subnet::builder()
                .subnet_id(id)
                .availability_zone(zone)
                .build()
        };
        Placement::new(
            &[
                ("us-east-1a".into(), "use1-az4".into()),
                ("us-east-1b".into(), "use1-az6".into()),
                ("us-east-1c".into(), "use1-az1".into()),
            ],
            &[
                subnet("subnet-a", "us-east-1a"),
                subnet("subnet-b", "us-east-1b"),
            ],
        )
    }

    fn task(id: &str) -> aws_sdk_ecs::types::builders::TaskBuilder {
        SdkTask::builder()
            .task_arn(format!("arn:aws:ecs:us-east-1:111:task/shop/{id}"))
            .cluster_arn(CLUSTER)
            .last_status("RUNNING")
    }

    fn eni(subnet: &str) -> Attachment {
        Attachment::builder()
            .r#type("ElasticNetworkInterface")
            .details(
                KeyValuePair::builder()
                    .name("subnetId")
                    .value(subnet)
                    .build(),
            )
            .build()
    }

    fn az_of(found: &[Found], id: &str) -> Option<String> {
        let arn = format!("arn:aws:ecs:us-east-1:111:task/shop/{id}");
        found
            .iter()
            .find(|f| f.id == arn)
            .and_then(|f| f.az.clone())
    }

    #[test]
    fn a_task_is_placed_by_its_az_then_its_subnet_then_its_host() {
        let host = "arn:aws:ecs:us-east-1:111:container-instance/shop/1";
        let read = EcsRead {
            tasks: vec![
                // ECS's own answer wins.
                task("named")
                    .availability_zone("us-east-1c")
                    .attachments(eni("subnet-a"))
                    .build(),
                task("subnet").attachments(eni("subnet-b")).build(),
                task("host").container_instance_arn(host).build(),
                task("nowhere").build(),
            ],
            container_instances: vec![
                SdkContainerInstance::builder()
                    .container_instance_arn(host)
                    .ec2_instance_id("i-1")
                    .attributes(
                        Attribute::builder()
                            .name("ecs.availability-zone")
                            .value("us-east-1a")
                            .build()
                            .expect("a name"),
                    )
                    .build(),
            ],
            ..Default::default()
        };
        let mut failures = Vec::new();
        let found = resources(&read, &place(), &GroupIds::default(), &mut failures);
        assert_eq!(az_of(&found, "named").as_deref(), Some("use1-az1"));
        assert_eq!(az_of(&found, "subnet").as_deref(), Some("use1-az6"));
        assert_eq!(az_of(&found, "host").as_deref(), Some("use1-az4"));
        assert!(az_of(&found, "nowhere").is_none());
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].message.contains("task/shop/nowhere"));
    }

    #[test]
    fn a_strategy_on_an_auto_scaling_group_provider_is_the_ec2_launch_type() {
        let strategy = |p: &str| {
            CapacityProviderStrategyItem::builder()
                .capacity_provider(p)
                .build()
                .expect("a provider")
        };
        let service = |name: &str, provider: &str| {
            SdkService::builder()
                .service_arn(format!("arn:aws:ecs:us-east-1:111:service/shop/{name}"))
                .service_name(name)
                .cluster_arn(CLUSTER)
                .capacity_provider_strategy(strategy(provider))
                .network_configuration(
                    NetworkConfiguration::builder()
                        .awsvpc_configuration(
                            AwsVpcConfiguration::builder()
                                .subnets("subnet-a")
                                .subnets("subnet-b")
                                .build()
                                .expect("subnets"),
                        )
                        .build(),
                )
                .build()
        };
        let read = EcsRead {
            services: vec![service("on-hosts", "hosts"), service("spot", "FARGATE_SPOT")],
            capacity_providers: vec![
                SdkCapacityProvider::builder()
                    .name("hosts")
                    .auto_scaling_group_provider(
                        AutoScalingGroupProvider::builder()
                            .auto_scaling_group_arn("arn:aws:autoscaling:us-east-1:111:autoScalingGroup:uuid:autoScalingGroupName/hosts")
                            .build()
                            .expect("an ARN"),
                    )
                    .build(),
            ],
            ..Default::default()
        };
        let mut failures = Vec::new();
        let found = resources(&read, &place(), &GroupIds::default(), &mut failures);
        assert!(failures.is_empty(), "{failures:?}");
        let facts = |name: &str| {
            let arn = format!("arn:aws:ecs:us-east-1:111:service/shop/{name}");
            match &found
                .iter()
                .find(|f| f.id == arn)
                .expect("the service")
                .facts
            {
                Facts::EcsService(s) => s.clone(),
                other => panic!("{other:?}"),
            }
        };
        let on_hosts = facts("on-hosts");
        assert_eq!(on_hosts.launch_type, LaunchType::Ec2);
        assert!(
            on_hosts
                .auto_scaling_group
                .as_deref()
                .is_some_and(|a| a.ends_with("/hosts"))
        );
        assert_eq!(on_hosts.azs, ["use1-az4", "use1-az6"]);
        let spot = facts("spot");
        assert_eq!(spot.launch_type, LaunchType::Fargate);
        assert_eq!(spot.auto_scaling_group, None);
    }
}
