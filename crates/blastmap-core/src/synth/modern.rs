//! The services estates run today (`../shared/domain.md` §8), in the generator:
//! ECS services (about half the target groups), EKS pods, Lambda targets, caches
//! behind a third of the services, DynamoDB tables.

use crate::model::*;

use super::{Gen, REGIONS};

impl Gen {
    /// The ECS cluster of (account, Region), created on first use.
    fn ecs_cluster(&mut self, account: usize, region: usize) -> String {
        if let Some(c) = self.ecs.get(&(account, region)) {
            return c.clone();
        }
        let arn = self.arn("ecs", account, region, "cluster", "apps");
        self.add(
            &arn,
            "apps",
            account,
            region,
            None,
            Facts::EcsCluster(EcsCluster::default()),
        );
        self.ecs.insert((account, region), arn.clone());
        arn
    }

    /// An ECS service whose running tasks are placed per `plan` (AZ index per task),
    /// registered in target group `tg`; returns the `ip` targets.
    // The generator's own plumbing: one call site, each argument a different fact.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ecs_targets(
        &mut self,
        name: &str,
        account: usize,
        region: usize,
        tg: &str,
        plan: &[usize],
        sg_app: &str,
        lb_zones: usize,
    ) -> Vec<Target> {
        let cluster = self.ecs_cluster(account, region);
        let zones = self.vpcs[&(account, region)].zones.clone();
        let svc = format!("{cluster}/{name}").replace(":cluster/", ":service/");
        let used = &zones[..lb_zones.min(zones.len())];
        self.add(
            &svc,
            name,
            account,
            region,
            None,
            Facts::EcsService(EcsService {
                cluster: cluster.clone(),
                launch_type: LaunchType::Fargate,
                desired: plan.len() as u32,
                running: plan.len() as u32,
                subnets: used.iter().map(|z| z.2.clone()).collect(),
                azs: used.iter().map(|z| z.0.clone()).collect(),
                security_groups: vec![sg_app.to_string()],
                target_groups: vec![tg.to_string()],
                auto_scaling_group: None,
            }),
        );
        let base = (self.count % 60_000) as u32;
        plan.iter()
            .enumerate()
            .map(|(k, &z)| {
                let (az, _, private) = &zones[z % zones.len()];
                let n = base + k as u32;
                let ip = format!("10.{}.{}.{}", 128 + z, n / 250 % 250, n % 250 + 4);
                let task = format!(
                    "{}/{}",
                    cluster.replace(":cluster/", ":task/"),
                    self.id("t")
                );
                self.add(
                    &task,
                    &format!("{name}-{k}"),
                    account,
                    region,
                    Some(az),
                    Facts::EcsTask(EcsTask {
                        cluster: cluster.clone(),
                        service: Some(svc.clone()),
                        subnet: Some(private.clone()),
                        ips: vec![ip.clone()],
                        instance: None,
                        state: "running".into(),
                    }),
                );
                Target {
                    id: ip,
                    az: Some(az.clone()),
                    ..Default::default()
                }
            })
            .collect()
    }

    /// Pods of the EKS cluster of (account, Region) placed per `plan`, as `ip` targets;
    /// the cluster (name returned) and a managed node group are created on first use.
    pub(super) fn pod_targets(
        &mut self,
        account: usize,
        region: usize,
        plan: &[usize],
    ) -> (String, Vec<Target>) {
        let zones = self.vpcs[&(account, region)].zones.clone();
        if !self.eks.contains_key(&(account, region)) {
            let arn = self.arn("eks", account, region, "cluster", "kube-main");
            let subnets: Vec<String> = zones.iter().map(|z| z.2.clone()).collect();
            self.add(
                &arn,
                "kube-main",
                account,
                region,
                None,
                Facts::EksCluster(EksCluster {
                    version: Some("1.31".into()),
                    subnets: subnets.clone(),
                }),
            );
            let nodes = self.instances(account, region, "kube-node", &[0, 1, 2], &[], true);
            let asg = self.arn(
                "autoscaling",
                account,
                region,
                "autoScalingGroup",
                "kube-nodes",
            );
            self.add(
                &asg,
                "kube-nodes",
                account,
                region,
                None,
                Facts::AutoScalingGroup(AutoScalingGroup {
                    subnets: subnets.clone(),
                    azs: zones.iter().map(|z| z.0.clone()).collect(),
                    min: 3,
                    desired: 3,
                    max: 6,
                    instances: nodes,
                    target_groups: Vec::new(),
                    az_impairment: None,
                }),
            );
            let ng = format!("{}/general", arn.replace(":cluster/", ":nodegroup/"));
            self.add(
                &ng,
                "kube-main/general",
                account,
                region,
                None,
                Facts::EksNodegroup(EksNodegroup {
                    cluster: arn.clone(),
                    auto_scaling_groups: vec![asg],
                    subnets,
                }),
            );
            self.eks.insert((account, region), "kube-main".into());
        }
        let base = (self.count % 60_000) as u32;
        let targets = plan
            .iter()
            .enumerate()
            .map(|(k, &z)| {
                let n = base + k as u32;
                Target {
                    id: format!("10.{}.{}.{}", 192 + z, n / 250 % 250, n % 250 + 4),
                    az: Some(zones[z % zones.len()].0.clone()),
                    ..Default::default()
                }
            })
            .collect();
        (self.eks[&(account, region)].clone(), targets)
    }

    /// A Lambda function target: in a VPC (one AZ's subnet in a third of them, two
    /// AZs' otherwise) or outside any.
    pub(super) fn lambda_target(&mut self, name: &str, account: usize, region: usize) -> Target {
        let zones = self.vpcs[&(account, region)].zones.clone();
        let in_vpc = self.rng.chance(70);
        let used: &[(String, String, String)] = match (in_vpc, self.rng.chance(33)) {
            (false, _) => &[],
            (true, true) => &zones[..1],
            (true, false) => &zones[..2],
        };
        let arn = self.arn("lambda", account, region, "function", name);
        self.add(
            &arn,
            name,
            account,
            region,
            None,
            Facts::LambdaFunction(LambdaFunction {
                runtime: Some("python3.12".into()),
                subnets: used.iter().map(|z| z.2.clone()).collect(),
                azs: used.iter().map(|z| z.0.clone()).collect(),
                security_groups: Vec::new(),
            }),
        );
        Target {
            id: arn,
            az: Some("all".into()),
            ..Default::default()
        }
    }

    /// A cache the service's app reaches (its group admits the app's): Redis with a
    /// replica in the next AZ (automatic failover off in a fifth), sometimes three
    /// shards; Memcached in a tenth.
    pub(super) fn cache(
        &mut self,
        service: &str,
        account: usize,
        region: usize,
        vpc: &str,
        sg_app: &str,
    ) {
        let zones = self.vpcs[&(account, region)].zones.clone();
        let sg = self.sg(
            account,
            region,
            vpc,
            &format!("{service}-cache"),
            &[sg_app.to_string()],
        );
        let name = format!("{service}-cache");
        if self.rng.chance(10) {
            let arn = self.arn("elasticache", account, region, "cluster", &name);
            let nodes = (0..3)
                .map(|k| CacheNode {
                    id: format!("{k:04}"),
                    az: zones[k % zones.len()].0.clone(),
                })
                .collect();
            self.add(
                &arn,
                &name,
                account,
                region,
                None,
                Facts::CacheCluster(CacheCluster {
                    engine: "memcached".into(),
                    nodes,
                    security_groups: vec![sg],
                    snapshot_retention_days: 0,
                }),
            );
            return;
        }
        let n_shards = if self.rng.chance(20) { 3 } else { 1 };
        let failover = !self.rng.chance(20);
        let shards = (0..n_shards)
            .map(|s| {
                let p = s % zones.len();
                CacheShard {
                    id: format!("{:04}", s + 1),
                    members: vec![
                        CacheMember {
                            node: format!("{name}-{:04}-001", s + 1),
                            az: zones[p].0.clone(),
                            primary: true,
                        },
                        CacheMember {
                            node: format!("{name}-{:04}-002", s + 1),
                            az: zones[(p + 1) % zones.len()].0.clone(),
                            primary: false,
                        },
                    ],
                }
            })
            .collect();
        let arn = self.arn("elasticache", account, region, "replicationgroup", &name);
        let snapshots = if self.rng.chance(50) { 1 } else { 0 };
        self.add(
            &arn,
            &name,
            account,
            region,
            None,
            Facts::CacheReplicationGroup(CacheReplicationGroup {
                engine: "redis".into(),
                automatic_failover: failover,
                multi_az: failover,
                cluster_mode: n_shards > 1,
                shards,
                security_groups: vec![sg],
                snapshot_retention_days: snapshots,
            }),
        );
    }

    /// The service's DynamoDB table, declared a dependency of load balancer `lb`: made
    /// the first time, shared by its twin in another Region, which half the time
    /// makes it a global table with a replica there.
    pub(super) fn table(&mut self, service: &str, account: usize, region: usize, lb: &str) {
        let arn = match self.tables.get(service).cloned() {
            Some((idx, arn)) => {
                if self.rng.chance(50)
                    && let Facts::DynamodbTable(t) = self.b.facts_mut(idx)
                {
                    t.replicas.push(REGIONS[region].0.to_string());
                }
                arn
            }
            None => {
                let arn = self.arn("dynamodb", account, region, "table", service);
                let (pitr, protected) = (self.rng.chance(60), self.rng.chance(70));
                let idx = self.add(
                    &arn,
                    service,
                    account,
                    region,
                    None,
                    Facts::DynamodbTable(DynamodbTable {
                        replicas: Vec::new(),
                        point_in_time_recovery: pitr,
                        deletion_protection: protected,
                    }),
                );
                self.tables.insert(service.to_string(), (idx, arn.clone()));
                arn
            }
        };
        self.b.declared_mut().dependencies.push(DeclaredDependency {
            from: lb.to_string(),
            to: arn,
            hard: true,
            note: None,
        });
    }
}

impl Gen {
    /// An entry point in front of a service running in two Regions (`lbs`: Region
    /// and load balancer DNS name or ARN): Route 53 failover or latency records (a
    /// third without health evaluation), or a Global Accelerator; a tenth declare the
    /// tier the design promised.
    pub(super) fn entry_point(
        &mut self,
        service: &str,
        account: usize,
        lbs: &[(usize, String, String)],
    ) {
        let global = super::GLOBAL;
        let evaluated = !self.rng.chance(33);
        let facts = match self.rng.below(100) {
            0..=19 => Facts::Accelerator(Accelerator {
                dns_name: None,
                endpoint_groups: (lbs.iter().enumerate())
                    .map(|(k, (r, _, arn))| EndpointGroup {
                        region: REGIONS[*r].0.to_string(),
                        traffic_dial: if k == 0 { 100 } else { 0 },
                        endpoints: vec![AcceleratorEndpoint {
                            id: arn.clone(),
                            weight: 128,
                        }],
                    })
                    .collect(),
            }),
            kind => {
                let failover = kind < 60;
                Facts::DnsRecords(DnsRecords {
                    zone: "Z0SYNTH".into(),
                    record_name: format!("{service}.example.com"),
                    record_type: "A".into(),
                    routing: if failover {
                        Routing::Failover
                    } else {
                        Routing::Latency
                    },
                    members: (lbs.iter().enumerate())
                        .map(|(k, (r, dns, _))| DnsMember {
                            set_identifier: Some(REGIONS[*r].0.to_string()),
                            target: dns.clone(),
                            evaluate_target_health: evaluated,
                            failover: failover.then_some(if k == 0 {
                                FailoverRole::Primary
                            } else {
                                FailoverRole::Secondary
                            }),
                            region: Some(REGIONS[*r].0.to_string()),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                })
            }
        };
        let id = format!("entry/{service}");
        self.count += 1;
        let account = self.accounts[account].clone();
        self.b
            .add(&id, service, &account, global, None, facts)
            .expect("generated ids are unique");
        if self.rng.chance(10) {
            self.b
                .declared_mut()
                .dr_tiers
                .insert(service.to_string(), DrTier::ActiveActive);
        }
    }
}
