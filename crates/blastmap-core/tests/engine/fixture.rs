//! Small hand-built estates for the rule and finding tests.

use blastmap_core::model::*;
use blastmap_core::sim::{self, LostDomains, PathVerdict, Status, Topology, Verdict};

pub const ACCOUNT: &str = "111111111111";
pub const REGION: &str = "us-east-1";

/// Targets registered by these ids, with the default (healthy) state.
pub fn registered(ids: &[String]) -> Vec<Target> {
    ids.iter()
        .map(|id| Target {
            id: id.clone(),
            ..Default::default()
        })
        .collect()
}

/// Builds an estate in one account and Region (`us-east-1a/b/c` → `use1-az1/2/3`)
/// with one VPC, a subnet per AZ used, and whatever the test adds.
pub struct Fx {
    pub b: EstateBuilder,
    pub account: String,
    pub region: String,
    vpc: String,
    vpcs: Vec<String>,
    subnets: Vec<(String, String)>,
}

impl Default for Fx {
    fn default() -> Self {
        Self::new()
    }
}

impl Fx {
    pub fn new() -> Fx {
        let mut b = EstateBuilder::new(Meta {
            source: "test".into(),
            ..Default::default()
        });
        let acct = b.account(ACCOUNT, "prod");
        for (name, id) in [
            ("us-east-1a", "use1-az1"),
            ("us-east-1b", "use1-az2"),
            ("us-east-1c", "use1-az3"),
        ] {
            b.az_name(acct, REGION, name, id).unwrap();
        }
        let mut fx = Fx {
            b,
            account: ACCOUNT.into(),
            region: REGION.into(),
            vpc: "vpc-1".into(),
            vpcs: vec!["vpc-1".into()],
            subnets: Vec::new(),
        };
        fx.add("vpc-1", "vpc-1", None, Facts::Vpc(Vpc::default()));
        fx
    }

    /// Switches the account and Region that later resources go into.
    pub fn in_place(&mut self, account: &str, region: &str, vpc: &str) {
        self.account = account.into();
        self.region = region.into();
        self.vpc = vpc.into();
        if !self.vpcs.iter().any(|v| v == vpc) {
            self.vpcs.push(vpc.into());
            self.add(vpc, vpc, None, Facts::Vpc(Vpc::default()));
        }
    }

    pub fn add(&mut self, id: &str, name: &str, az: Option<&str>, facts: Facts) -> ResIdx {
        let (account, region) = (self.account.clone(), self.region.clone());
        self.b.add(id, name, &account, &region, az, facts).unwrap()
    }

    /// The subnet of the current VPC in `az`, created on first use.
    pub fn subnet(&mut self, az: &str) -> String {
        let key = format!("{}/{az}", self.vpc);
        if let Some((_, id)) = self.subnets.iter().find(|(k, _)| *k == key) {
            return id.clone();
        }
        let id = format!("subnet-{}-{az}", self.vpc);
        let vpc = self.vpc.clone();
        self.add(
            &id,
            &id,
            Some(az),
            Facts::Subnet(Subnet { vpc, cidr: None }),
        );
        self.subnets.push((key, id.clone()));
        id
    }

    pub fn sg(&mut self, id: &str, ingress_from: &[&str]) -> String {
        self.add(
            id,
            id,
            None,
            Facts::SecurityGroup(SecurityGroup {
                vpc: Some(self.vpc.clone()),
                group_name: id.into(),
                ingress_from: ingress_from.iter().map(|s| s.to_string()).collect(),
            }),
        );
        id.into()
    }

    pub fn default_sg(&mut self, id: &str) -> String {
        self.add(
            id,
            id,
            None,
            Facts::SecurityGroup(SecurityGroup {
                vpc: Some(self.vpc.clone()),
                group_name: "default".into(),
                ingress_from: vec![id.to_string()],
            }),
        );
        id.into()
    }

    pub fn instance(&mut self, id: &str, az: &str, vcpus: Option<u32>, sgs: &[&str]) -> String {
        let subnet = self.subnet(az);
        self.add(
            id,
            id,
            Some(az),
            Facts::Instance(Instance {
                subnet: Some(subnet),
                instance_type: "m5.large".into(),
                vcpus,
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                state: "running".into(),
            }),
        );
        id.into()
    }

    /// `n` instances of 2 vCPU in each of `azs`, named `{prefix}-{az}-{k}`.
    pub fn fleet(&mut self, prefix: &str, azs: &[&str], n: usize, sgs: &[&str]) -> Vec<String> {
        let mut out = Vec::new();
        for az in azs {
            for k in 0..n {
                out.push(self.instance(&format!("{prefix}-{az}-{k}"), az, Some(2), sgs));
            }
        }
        out
    }

    pub fn tg(&mut self, id: &str, targets: &[String]) -> String {
        self.tg_with(
            id,
            TargetType::Instance,
            CrossZone::Inherit,
            registered(targets),
        )
    }

    pub fn tg_with(
        &mut self,
        id: &str,
        target_type: TargetType,
        cross_zone: CrossZone,
        targets: Vec<Target>,
    ) -> String {
        self.add(
            id,
            id,
            None,
            Facts::TargetGroup(TargetGroup {
                target_type,
                cross_zone,
                targets,
                ..Default::default()
            }),
        );
        id.into()
    }

    // A test helper that mirrors the load balancer's facts one to one.
    #[allow(clippy::too_many_arguments)]
    pub fn lb(
        &mut self,
        id: &str,
        lb_type: LbType,
        scheme: Scheme,
        azs: &[&str],
        tgs: &[&str],
        cross_zone: Option<bool>,
        sgs: &[&str],
    ) -> ResIdx {
        let zones = azs
            .iter()
            .map(|az| LbZone {
                az: az.to_string(),
                subnet: Some(self.subnet(az)),
            })
            .collect();
        self.add(
            id,
            id,
            None,
            Facts::LoadBalancer(LoadBalancer {
                lb_type,
                scheme,
                dns_name: None,
                zones,
                cross_zone,
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                listeners: vec![Listener {
                    port: Some(443),
                    protocol: Some("HTTPS".into()),
                    target_groups: tgs.iter().map(|s| s.to_string()).collect(),
                }],
                zonal_shift: None,
            }),
        )
    }

    pub fn alb(&mut self, id: &str, azs: &[&str], tgs: &[&str]) -> ResIdx {
        self.lb(
            id,
            LbType::Application,
            Scheme::InternetFacing,
            azs,
            tgs,
            None,
            &[],
        )
    }

    pub fn asg(
        &mut self,
        id: &str,
        azs: &[&str],
        desired: u32,
        max: u32,
        instances: &[String],
        tgs: &[&str],
    ) -> String {
        let subnets = azs.iter().map(|az| self.subnet(az)).collect();
        self.add(
            id,
            id,
            None,
            Facts::AutoScalingGroup(AutoScalingGroup {
                subnets,
                azs: azs.iter().map(|s| s.to_string()).collect(),
                min: 0,
                desired,
                max,
                instances: instances.to_vec(),
                target_groups: tgs.iter().map(|s| s.to_string()).collect(),
                az_impairment: None,
            }),
        );
        id.into()
    }

    pub fn rds(
        &mut self,
        id: &str,
        az: &str,
        multi_az: bool,
        standby: Option<&str>,
        sgs: &[&str],
    ) -> String {
        self.add(
            id,
            id,
            Some(az),
            Facts::DbInstance(DbInstance {
                engine: "postgres".into(),
                multi_az,
                secondary_az: standby.map(String::from),
                backup_retention_days: 7,
                deletion_protection: true,
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }),
        );
        id.into()
    }

    /// A cluster whose members are `{id}-{n}` in the given AZs, the first flagged writer
    /// when `writer_first`.
    pub fn cluster(
        &mut self,
        id: &str,
        engine: &str,
        azs: &[&str],
        writer_first: bool,
        sgs: &[&str],
    ) -> String {
        self.cluster_in(id, engine, azs, writer_first, sgs, None)
    }

    /// As `cluster`, optionally part of a global database.
    pub fn cluster_in(
        &mut self,
        id: &str,
        engine: &str,
        azs: &[&str],
        writer_first: bool,
        sgs: &[&str],
        global: Option<&str>,
    ) -> String {
        let mut members = Vec::new();
        for (n, az) in azs.iter().enumerate() {
            let inst = format!("{id}-{n}");
            self.add(
                &inst,
                &inst,
                Some(az),
                Facts::DbInstance(DbInstance {
                    engine: engine.into(),
                    cluster: Some(id.into()),
                    backup_retention_days: 7,
                    deletion_protection: true,
                    security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                }),
            );
            members.push(ClusterMember {
                instance: inst,
                writer: writer_first && n == 0,
            });
        }
        self.add(
            id,
            id,
            None,
            Facts::DbCluster(DbCluster {
                engine: engine.into(),
                members,
                backup_retention_days: 7,
                deletion_protection: true,
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                global_cluster: global.map(String::from),
            }),
        );
        id.into()
    }

    /// A NAT gateway in `az` (or regional when `None`) that the VPC's main route table uses.
    pub fn nat_main(&mut self, id: &str, az: Option<&str>) -> String {
        let subnet = az.map(|a| self.subnet(a));
        self.add(
            id,
            id,
            az,
            Facts::NatGateway(NatGateway {
                subnet,
                vpc: Some(self.vpc.clone()),
                mode: if az.is_some() {
                    NatMode::Zonal
                } else {
                    NatMode::Regional
                },
            }),
        );
        let rt = format!("rtb-main-{}", self.vpc);
        let vpc = self.vpc.clone();
        self.add(
            &rt,
            &rt,
            None,
            Facts::RouteTable(RouteTable {
                vpc,
                main: true,
                subnets: Vec::new(),
                routes: vec![Route {
                    destination: "0.0.0.0/0".into(),
                    target: id.into(),
                }],
            }),
        );
        id.into()
    }

    pub fn service(&mut self, lb: &str, name: &str) {
        self.b
            .declared_mut()
            .services
            .insert(lb.to_string(), name.to_string());
    }

    pub fn depends(&mut self, from: &str, to: &str, hard: bool) {
        self.b.declared_mut().dependencies.push(DeclaredDependency {
            from: from.into(),
            to: to.into(),
            hard,
            note: None,
        });
    }

    /// An ECS cluster `id` (created once).
    pub fn ecs_cluster(&mut self, id: &str) -> String {
        if self.b.find_mut(id).is_none() {
            self.add(id, id, None, Facts::EcsCluster(EcsCluster::default()));
        }
        id.into()
    }

    /// An ECS service over `azs`' subnets, with one running task per entry of `tasks`
    /// (the AZ it runs in), each at address `10.{n}.0.{k}`; registered in `tgs`.
    pub fn ecs_service(
        &mut self,
        id: &str,
        launch: LaunchType,
        azs: &[&str],
        desired: u32,
        tasks: &[&str],
        sgs: &[&str],
    ) -> Vec<String> {
        let cluster = self.ecs_cluster("ecs-cluster");
        let subnets: Vec<String> = azs.iter().map(|az| self.subnet(az)).collect();
        self.add(
            id,
            id,
            None,
            Facts::EcsService(EcsService {
                cluster: cluster.clone(),
                launch_type: launch,
                desired,
                running: tasks.len() as u32,
                subnets,
                azs: azs.iter().map(|s| s.to_string()).collect(),
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }),
        );
        let mut ips = Vec::new();
        for (k, az) in tasks.iter().enumerate() {
            let task = format!("{id}-task-{k}");
            let ip = format!("10.{}.0.{k}", id.len());
            let subnet = self.subnet(az);
            self.add(
                &task,
                &task,
                Some(az),
                Facts::EcsTask(EcsTask {
                    cluster: cluster.clone(),
                    service: Some(id.into()),
                    subnet: Some(subnet),
                    ips: vec![ip.clone()],
                    instance: None,
                    state: "running".into(),
                }),
            );
            ips.push(ip);
        }
        ips
    }

    /// An `ip` target group over `ips` (each registered in `azs[k]`).
    pub fn ip_tg(&mut self, id: &str, ips: &[String], azs: &[&str]) -> String {
        let targets = (ips.iter().zip(azs))
            .map(|(ip, az)| Target {
                id: ip.clone(),
                az: Some(az.to_string()),
                ..Default::default()
            })
            .collect();
        self.tg_with(id, TargetType::Ip, CrossZone::Inherit, targets)
    }

    /// A Redis replication group of one shard: its primary in `primary`, replicas in `replicas`.
    pub fn redis(
        &mut self,
        id: &str,
        primary: &str,
        replicas: &[&str],
        automatic_failover: bool,
        sgs: &[&str],
    ) -> String {
        let mut members = vec![CacheMember {
            node: format!("{id}-001"),
            az: primary.into(),
            primary: true,
        }];
        for (k, az) in replicas.iter().enumerate() {
            members.push(CacheMember {
                node: format!("{id}-{:03}", k + 2),
                az: az.to_string(),
                primary: false,
            });
        }
        self.add(
            id,
            id,
            None,
            Facts::CacheReplicationGroup(CacheReplicationGroup {
                engine: "redis".into(),
                automatic_failover,
                multi_az: automatic_failover,
                shards: vec![CacheShard {
                    id: "0001".into(),
                    members,
                }],
                security_groups: sgs.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }),
        );
        id.into()
    }

    pub fn memcached(&mut self, id: &str, azs: &[&str]) -> String {
        let nodes = (azs.iter().enumerate())
            .map(|(k, az)| CacheNode {
                id: format!("{k:04}"),
                az: az.to_string(),
            })
            .collect();
        self.add(
            id,
            id,
            None,
            Facts::CacheCluster(CacheCluster {
                engine: "memcached".into(),
                nodes,
                ..Default::default()
            }),
        );
        id.into()
    }

    pub fn table(&mut self, id: &str, replicas: &[&str]) -> String {
        self.add(
            id,
            id,
            None,
            Facts::DynamodbTable(DynamodbTable {
                replicas: replicas.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }),
        );
        id.into()
    }

    /// A Lambda function in `azs`' subnets (none: outside any VPC).
    pub fn function(&mut self, id: &str, azs: &[&str]) -> String {
        let subnets = azs.iter().map(|az| self.subnet(az)).collect();
        self.add(
            id,
            id,
            None,
            Facts::LambdaFunction(LambdaFunction {
                subnets,
                azs: azs.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            }),
        );
        id.into()
    }

    /// Gives a load balancer a DNS name (what Route 53 and CloudFront name it by).
    pub fn dns_name(&mut self, lb: &str, dns: &str) {
        if let Some(r) = self.b.find_mut(lb)
            && let Facts::LoadBalancer(f) = &mut r.facts
        {
            f.dns_name = Some(dns.to_string());
        }
    }

    /// A global resource (Route 53, Global Accelerator, CloudFront).
    pub fn global(&mut self, id: &str, facts: Facts) {
        let account = self.account.clone();
        self.b
            .add(id, id, &account, GLOBAL_REGION, None, facts)
            .unwrap();
    }

    pub fn build(self) -> Estate {
        self.b.build().unwrap()
    }
}

/// An estate and its compiled topology.
pub struct Sim {
    pub estate: Estate,
    pub topo: Topology,
}

impl Sim {
    pub fn new(estate: Estate) -> Sim {
        let topo = Topology::build(&estate);
        Sim { estate, topo }
    }

    pub fn lose(&self, domains: &[&str]) -> Verdict {
        let d: Vec<Domain> = domains
            .iter()
            .map(|s| self.estate.parse_domain(s).unwrap())
            .collect();
        sim::what_if(&self.topo, &LostDomains::new(&self.estate, &d))
    }

    /// The verdict on the path whose load balancer is `lb` (and, if several, target group `tg`).
    pub fn path<'v>(&self, v: &'v Verdict, lb: &str) -> &'v PathVerdict {
        let idx = self
            .topo
            .paths()
            .iter()
            .position(|p| self.estate.resource(p.lb).name == lb)
            .unwrap_or_else(|| panic!("no path from {lb}"));
        &v.paths[idx]
    }

    pub fn status(&self, domains: &[&str], lb: &str) -> Status {
        self.path(&self.lose(domains), lb).status
    }

    /// Every reason of the path as text.
    pub fn reasons(&self, domains: &[&str], lb: &str) -> Vec<String> {
        let v = self.lose(domains);
        self.path(&v, lb)
            .reasons
            .iter()
            .map(|r| r.describe(&self.estate))
            .collect()
    }
}
