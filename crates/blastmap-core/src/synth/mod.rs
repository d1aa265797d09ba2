//! A synthetic estate generator, deterministic from a seed, for benchmarks and
//! scale tests (`cargo run --release --example synth`; model in `docs/performance.md`).
//!
//! Accounts hold a VPC per Region (public and private subnets in three AZs, route
//! tables, NAT gateways in one of three styles) and services: a load balancer, one or
//! two target groups of instances (mostly Auto Scaling groups), a database of some kind
//! and sometimes an internal API behind an internal load balancer. A few services are
//! badly placed so that every status and every finding occurs.

pub mod shapes;

use std::collections::BTreeMap;

use crate::model::*;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthConfig {
    /// Roughly how many resources.
    pub resources: usize,
    pub seed: u64,
    /// Accounts; by default one per 2,500 resources (at least 3).
    pub accounts: Option<usize>,
    /// Regions, 1 to 6.
    pub regions: usize,
}

impl Default for SynthConfig {
    fn default() -> Self {
        SynthConfig {
            resources: 10_000,
            seed: 1,
            accounts: None,
            regions: 3,
        }
    }
}

/// Regions the generator knows: name, AZ ID prefix, AZ count.
const REGIONS: &[(&str, &str, u8)] = &[
    ("us-east-1", "use1", 6),
    ("eu-west-1", "euw1", 3),
    ("us-west-2", "usw2", 4),
    ("ap-southeast-2", "apse2", 3),
    ("eu-central-1", "euc1", 3),
    ("ap-northeast-1", "apne1", 4),
    ("us-east-2", "use2", 3),
    ("us-west-1", "usw1", 3),
    ("ca-central-1", "cac1", 3),
    ("sa-east-1", "sae1", 3),
    ("eu-west-2", "euw2", 3),
    ("eu-west-3", "euw3", 3),
    ("eu-north-1", "eun1", 3),
    ("ap-south-1", "aps1", 3),
    ("ap-southeast-1", "apse1", 3),
    ("ap-northeast-2", "apne2", 4),
    ("ap-northeast-3", "apne3", 3),
];

const TEAMS: &[&str] = &[
    "checkout", "search", "identity", "growth", "platform", "data",
];

const INSTANCE_TYPES: &[(&str, u32)] = &[
    ("m5.large", 2),
    ("m5.xlarge", 4),
    ("c5.2xlarge", 8),
    ("t3.medium", 2),
    ("m6i.large", 2),
];

/// SplitMix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
}

/// One account's VPC in one Region.
struct Network {
    id: String,
    /// (AZ ID, public subnet, private subnet), in the account's AZ-name order.
    zones: Vec<(String, String, String)>,
}

struct Gen {
    b: EstateBuilder,
    rng: Rng,
    n: u64,
    count: usize,
    /// Per account: AZ IDs it uses, per Region.
    azs: Vec<BTreeMap<usize, Vec<String>>>,
    vpcs: BTreeMap<(usize, usize), Network>,
    accounts: Vec<String>,
    regions: Vec<usize>,
}

impl Gen {
    fn id(&mut self, prefix: &str) -> String {
        self.n += 1;
        let mut h = Rng(self.n ^ 0xA5A5_5A5A);
        format!("{prefix}-{:017x}", h.next() & 0x0FFF_FFFF_FFFF_FFFF)
    }

    fn add(
        &mut self,
        id: &str,
        name: &str,
        account: usize,
        region: usize,
        az: Option<&str>,
        facts: Facts,
    ) -> ResIdx {
        self.count += 1;
        let (a, r) = (self.accounts[account].clone(), REGIONS[region].0);
        self.b
            .add(id, name, &a, r, az, facts)
            .expect("generated ids are unique and AZs consistent")
    }

    fn arn(
        &mut self,
        service: &str,
        account: usize,
        region: usize,
        kind: &str,
        name: &str,
    ) -> String {
        let suffix = self.id("x");
        format!(
            "arn:aws:{service}:{}:{}:{kind}/{name}/{}",
            REGIONS[region].0,
            self.accounts[account],
            &suffix[2..18]
        )
    }

    /// The account's VPC in the Region, built on first use.
    fn vpc(&mut self, account: usize, region: usize) -> &Network {
        if !self.vpcs.contains_key(&(account, region)) {
            let vpc = self.build_vpc(account, region);
            self.vpcs.insert((account, region), vpc);
        }
        &self.vpcs[&(account, region)]
    }

    fn build_vpc(&mut self, account: usize, region: usize) -> Network {
        let vpc_id = self.id("vpc");
        let name = format!("{}-{}", self.accounts[account], REGIONS[region].0);
        self.add(
            &vpc_id,
            &name,
            account,
            region,
            None,
            Facts::Vpc(Vpc::default()),
        );
        let azs = self.azs[account][&region].clone();
        let mut zones = Vec::new();
        for (i, az) in azs.iter().enumerate() {
            let subnet = |g: &mut Gen, kind: &str| {
                let id = g.id("subnet");
                g.add(
                    &id,
                    &format!("{name}-{kind}-{i}"),
                    account,
                    region,
                    Some(az),
                    Facts::Subnet(Subnet {
                        vpc: vpc_id.clone(),
                        cidr: None,
                    }),
                );
                id
            };
            let public = subnet(self, "public");
            let private = subnet(self, "private");
            zones.push((az.clone(), public, private));
        }
        let igw = self.id("igw");
        let public: Vec<String> = zones.iter().map(|z| z.1.clone()).collect();
        self.route_table(
            account,
            region,
            &vpc_id,
            &format!("{name}-public"),
            public,
            &igw,
            false,
        );
        // NAT styles: one per AZ (good), one for all (shared fate), or regional. The
        // second and third accounts always use the latter two, so small estates show them.
        let style = match account {
            1 => 70,
            2 => 90,
            _ => self.rng.below(100),
        };
        if style < 60 {
            for (i, (az, public, private)) in zones.clone().iter().enumerate() {
                let nat = self.nat(
                    account,
                    region,
                    &vpc_id,
                    Some((az, public)),
                    &format!("{name}-nat-{i}"),
                );
                self.route_table(
                    account,
                    region,
                    &vpc_id,
                    &format!("{name}-private-{i}"),
                    vec![private.clone()],
                    &nat,
                    false,
                );
            }
        } else {
            let place = if style < 85 {
                Some((zones[0].0.clone(), zones[0].1.clone()))
            } else {
                None
            };
            let nat = self.nat(
                account,
                region,
                &vpc_id,
                place.as_ref().map(|(a, s)| (a, s)),
                &format!("{name}-nat"),
            );
            self.route_table(
                account,
                region,
                &vpc_id,
                &format!("{name}-private"),
                Vec::new(),
                &nat,
                true,
            );
        }
        let default = self.id("sg");
        self.add(
            &default,
            &format!("{name}-default"),
            account,
            region,
            None,
            Facts::SecurityGroup(SecurityGroup {
                vpc: Some(vpc_id.clone()),
                group_name: "default".into(),
                ingress_from: vec![default.clone()],
            }),
        );
        Network { id: vpc_id, zones }
    }

    #[allow(clippy::too_many_arguments)]
    fn route_table(
        &mut self,
        account: usize,
        region: usize,
        vpc: &str,
        name: &str,
        subnets: Vec<String>,
        target: &str,
        main: bool,
    ) {
        let id = self.id("rtb");
        self.add(
            &id,
            name,
            account,
            region,
            None,
            Facts::RouteTable(RouteTable {
                vpc: vpc.into(),
                main,
                subnets,
                routes: vec![Route {
                    destination: "0.0.0.0/0".into(),
                    target: target.into(),
                }],
            }),
        );
    }

    fn nat(
        &mut self,
        account: usize,
        region: usize,
        vpc: &str,
        zonal: Option<(&String, &String)>,
        name: &str,
    ) -> String {
        let id = self.id("nat");
        self.add(
            &id,
            name,
            account,
            region,
            zonal.map(|(az, _)| az.as_str()),
            Facts::NatGateway(NatGateway {
                subnet: zonal.map(|(_, s)| s.clone()),
                vpc: Some(vpc.into()),
                mode: if zonal.is_some() {
                    NatMode::Zonal
                } else {
                    NatMode::Regional
                },
            }),
        );
        id
    }

    fn sg(
        &mut self,
        account: usize,
        region: usize,
        vpc: &str,
        name: &str,
        from: &[String],
    ) -> String {
        let id = self.id("sg");
        self.add(
            &id,
            name,
            account,
            region,
            None,
            Facts::SecurityGroup(SecurityGroup {
                vpc: Some(vpc.into()),
                group_name: name.into(),
                ingress_from: from.to_vec(),
            }),
        );
        id
    }

    /// Instances of one target group, placed per `plan` (AZ index per instance).
    #[allow(clippy::too_many_arguments)]
    fn instances(
        &mut self,
        account: usize,
        region: usize,
        name: &str,
        plan: &[usize],
        sgs: &[String],
        vcpus_known: bool,
    ) -> Vec<String> {
        let (itype, vcpus) = INSTANCE_TYPES[self.rng.below(INSTANCE_TYPES.len() as u64) as usize];
        let zones = self.vpcs[&(account, region)].zones.clone();
        plan.iter()
            .enumerate()
            .map(|(k, &z)| {
                let (az, _, private) = &zones[z % zones.len()];
                let id = self.id("i");
                self.add(
                    &id,
                    &format!("{name}-{k}"),
                    account,
                    region,
                    Some(az),
                    Facts::Instance(Instance {
                        subnet: Some(private.clone()),
                        instance_type: itype.into(),
                        vcpus: vcpus_known.then_some(vcpus),
                        security_groups: sgs.to_vec(),
                        state: "running".into(),
                    }),
                );
                id
            })
            .collect()
    }

    /// One service in (account, region); returns its load balancer's id.
    fn service(&mut self, service: &str, account: usize, region: usize, twin: bool) -> String {
        let vpc_id = self.vpc(account, region).id.clone();
        let zones = self.vpcs[&(account, region)].zones.clone();
        let sg_lb = self.sg(account, region, &vpc_id, &format!("{service}-lb"), &[]);
        let sg_app = self.sg(
            account,
            region,
            &vpc_id,
            &format!("{service}-app"),
            std::slice::from_ref(&sg_lb),
        );
        let sg_db = self.sg(
            account,
            region,
            &vpc_id,
            &format!("{service}-db"),
            std::slice::from_ref(&sg_app),
        );
        let is_nlb = self.rng.chance(20);
        let nlb_cross_zone = is_nlb && self.rng.chance(20);
        // Some services keep a target where their load balancer has no node.
        let outside = self.rng.chance(3);
        // Most load balancers enable all three AZs; some only two.
        let lb_zones: usize = if outside || self.rng.chance(10) { 2 } else { 3 };
        let n_tgs = if self.rng.chance(30) { 2 } else { 1 };
        let mut tgs = Vec::new();
        for t in 0..n_tgs {
            let tg_name = format!("{service}-tg{t}");
            let count = self.rng.range(2, 12) as usize;
            // Placement: balanced, skewed three to one, or all in one AZ.
            let shape = self.rng.below(100);
            let plan: Vec<usize> = (0..count)
                .map(|k| match shape {
                    _ if outside && t == 0 && k == 0 => 2,
                    0..=5 => 0,
                    6..=11 => usize::from(k % 4 == 3),
                    _ => k % lb_zones,
                })
                .collect();
            let arn = self.arn(
                "elasticloadbalancing",
                account,
                region,
                "targetgroup",
                &tg_name,
            );
            let cross_zone = match self.rng.below(100) {
                0..=4 => CrossZone::On,
                5..=9 => CrossZone::Off,
                _ => CrossZone::Inherit,
            };
            // A few groups register containers by IP (placed by their registration).
            if self.rng.chance(5) {
                let targets = plan
                    .iter()
                    .enumerate()
                    .map(|(k, &z)| Target {
                        id: format!("10.{}.{}.{}", 20 + z, k / 250, k % 250 + 4),
                        az: Some(zones[z % zones.len()].0.clone()),
                        ..Default::default()
                    })
                    .collect();
                self.add(
                    &arn,
                    &tg_name,
                    account,
                    region,
                    None,
                    Facts::TargetGroup(TargetGroup {
                        target_type: TargetType::Ip,
                        cross_zone,
                        targets,
                        ..Default::default()
                    }),
                );
                tgs.push(arn);
                continue;
            }
            let known = !self.rng.chance(5);
            let instances = self.instances(
                account,
                region,
                &tg_name,
                &plan,
                std::slice::from_ref(&sg_app),
                known,
            );
            let targets = instances
                .iter()
                .map(|i| Target {
                    id: i.clone(),
                    health: if self.rng.chance(3) {
                        TargetHealth::Unhealthy
                    } else {
                        TargetHealth::Healthy
                    },
                    ..Default::default()
                })
                .collect();
            self.add(
                &arn,
                &tg_name,
                account,
                region,
                None,
                Facts::TargetGroup(TargetGroup {
                    target_type: TargetType::Instance,
                    cross_zone,
                    targets,
                    ..Default::default()
                }),
            );
            if self.rng.chance(75) {
                let asg_name = format!("{service}-asg{t}");
                let asg_arn = self.arn(
                    "autoscaling",
                    account,
                    region,
                    "autoScalingGroup",
                    &asg_name,
                );
                let desired = count as u32;
                let subnets: Vec<String> =
                    zones.iter().take(lb_zones).map(|z| z.2.clone()).collect();
                let azs: Vec<String> = zones.iter().take(lb_zones).map(|z| z.0.clone()).collect();
                self.add(
                    &asg_arn,
                    &asg_name,
                    account,
                    region,
                    None,
                    Facts::AutoScalingGroup(AutoScalingGroup {
                        subnets,
                        azs,
                        min: 1,
                        desired,
                        max: desired * 2,
                        instances,
                        target_groups: vec![arn.clone()],
                    }),
                );
            }
            tgs.push(arn);
        }
        let lb_name = format!("{service}-{}", if is_nlb { "nlb" } else { "alb" });
        let lb_arn = self.arn(
            "elasticloadbalancing",
            account,
            region,
            "loadbalancer",
            &lb_name,
        );
        let lb_idx = self.add(
            &lb_arn,
            &lb_name,
            account,
            region,
            None,
            Facts::LoadBalancer(LoadBalancer {
                lb_type: if is_nlb {
                    LbType::Network
                } else {
                    LbType::Application
                },
                scheme: Scheme::InternetFacing,
                dns_name: None,
                zones: zones
                    .iter()
                    .take(lb_zones)
                    .map(|z| LbZone {
                        az: z.0.clone(),
                        subnet: Some(z.1.clone()),
                    })
                    .collect(),
                cross_zone: nlb_cross_zone.then_some(true),
                security_groups: vec![sg_lb],
                listeners: vec![Listener {
                    port: Some(443),
                    protocol: Some("HTTPS".into()),
                    target_groups: tgs,
                }],
            }),
        );
        // A twin in another Region is sometimes named by an overlay rather than a tag.
        if twin && self.rng.chance(50) {
            self.b
                .declared_mut()
                .services
                .insert(lb_arn.clone(), service.to_string());
        } else {
            self.b.tag(lb_idx, SERVICE_TAG, service);
        }
        let team = TEAMS[self.rng.below(TEAMS.len() as u64) as usize];
        self.b.tag(lb_idx, "team", team);
        if self.rng.chance(5) {
            self.b.declared_mut().hard_egress.push(lb_arn.clone());
        }
        if let Some(db) = self.database(service, account, region, &sg_db, &zones)
            && self.rng.chance(5)
        {
            // What security groups cannot say: a declared dependency, sometimes soft.
            let hard = self.rng.chance(50);
            self.b.declared_mut().dependencies.push(DeclaredDependency {
                from: lb_arn.clone(),
                to: db,
                hard,
                note: Some("declared by the owning team".into()),
            });
        }
        if self.rng.chance(10) {
            self.internal_api(service, account, region, &vpc_id, &sg_app, &zones);
        }
        lb_arn
    }

    fn database(
        &mut self,
        service: &str,
        account: usize,
        region: usize,
        sg: &str,
        zones: &[(String, String, String)],
    ) -> Option<String> {
        let kind = self.rng.below(100);
        let backups = if self.rng.chance(4) { 0 } else { 7 };
        let protected = !self.rng.chance(15);
        let name = format!("{service}-db");
        let instance = |g: &mut Gen,
                        name: &str,
                        az: &str,
                        engine: &str,
                        multi_az: bool,
                        standby: Option<&str>,
                        cluster: Option<&str>| {
            let arn = format!(
                "arn:aws:rds:{}:{}:db:{name}",
                REGIONS[region].0, g.accounts[account]
            );
            g.add(
                &arn,
                name,
                account,
                region,
                Some(az),
                Facts::DbInstance(DbInstance {
                    engine: engine.into(),
                    instance_class: Some("db.r6g.large".into()),
                    multi_az,
                    secondary_az: standby.map(String::from),
                    backup_retention_days: backups,
                    deletion_protection: protected,
                    cluster: cluster.map(String::from),
                    read_replica_source: None,
                    security_groups: vec![sg.to_string()],
                }),
            );
            arn
        };
        match kind {
            0..=34 => Some(instance(
                self,
                &name,
                &zones[0].0,
                "postgres",
                true,
                Some(&zones[1].0),
                None,
            )),
            35..=46 => {
                let z = self.rng.below(zones.len() as u64) as usize;
                Some(instance(
                    self,
                    &name,
                    &zones[z].0,
                    "mysql",
                    false,
                    None,
                    None,
                ))
            }
            47..=94 => {
                // Aurora with a reader elsewhere, Aurora writer-only, or a Multi-AZ DB cluster.
                let (engine, members): (&str, Vec<usize>) = match kind {
                    47..=76 => ("aurora-postgresql", vec![0, 1]),
                    77..=84 => ("aurora-mysql", vec![0]),
                    _ => ("postgres", vec![0, 1, 2]),
                };
                let cluster = format!(
                    "arn:aws:rds:{}:{}:cluster:{name}",
                    REGIONS[region].0, self.accounts[account]
                );
                let mut refs = Vec::new();
                for (k, z) in members.iter().enumerate() {
                    let arn = instance(
                        self,
                        &format!("{name}-{k}"),
                        &zones[*z].0,
                        engine,
                        false,
                        None,
                        Some(&cluster),
                    );
                    refs.push(ClusterMember {
                        instance: arn,
                        writer: k == 0,
                    });
                }
                self.add(
                    &cluster,
                    &name,
                    account,
                    region,
                    None,
                    Facts::DbCluster(DbCluster {
                        engine: engine.into(),
                        members: refs,
                        backup_retention_days: backups,
                        deletion_protection: protected,
                        security_groups: vec![sg.to_string()],
                        global_cluster: None,
                    }),
                );
                Some(cluster)
            }
            _ => None,
        }
    }

    /// An internal API the service's instances call (inferred from security groups).
    fn internal_api(
        &mut self,
        service: &str,
        account: usize,
        region: usize,
        vpc: &str,
        sg_app: &str,
        zones: &[(String, String, String)],
    ) {
        let sg_lb = self.sg(
            account,
            region,
            vpc,
            &format!("{service}-api-lb"),
            &[sg_app.to_string()],
        );
        let sg_api = self.sg(
            account,
            region,
            vpc,
            &format!("{service}-api"),
            std::slice::from_ref(&sg_lb),
        );
        let single_az = self.rng.chance(30);
        let plan: Vec<usize> = if single_az { vec![0, 0] } else { vec![0, 1] };
        let name = format!("{service}-api");
        let instances = self.instances(account, region, &name, &plan, &[sg_api], true);
        let tg = self.arn(
            "elasticloadbalancing",
            account,
            region,
            "targetgroup",
            &name,
        );
        self.add(
            &tg,
            &name,
            account,
            region,
            None,
            Facts::TargetGroup(TargetGroup {
                target_type: TargetType::Instance,
                targets: instances
                    .into_iter()
                    .map(|id| Target {
                        id,
                        ..Default::default()
                    })
                    .collect(),
                ..Default::default()
            }),
        );
        let lb_name = format!("{service}-api-int");
        let lb = self.arn(
            "elasticloadbalancing",
            account,
            region,
            "loadbalancer",
            &lb_name,
        );
        self.add(
            &lb,
            &lb_name,
            account,
            region,
            None,
            Facts::LoadBalancer(LoadBalancer {
                lb_type: LbType::Application,
                scheme: Scheme::Internal,
                zones: zones
                    .iter()
                    .take(2)
                    .map(|z| LbZone {
                        az: z.0.clone(),
                        subnet: Some(z.2.clone()),
                    })
                    .collect(),
                security_groups: vec![sg_lb],
                listeners: vec![Listener {
                    target_groups: vec![tg],
                    ..Default::default()
                }],
                ..Default::default()
            }),
        );
    }
}

/// Generates an estate of about `cfg.resources` resources.
pub fn generate(cfg: &SynthConfig) -> Estate {
    let regions: Vec<usize> = (0..cfg.regions.clamp(1, REGIONS.len())).collect();
    let n_accounts = cfg.accounts.unwrap_or(cfg.resources / 2_500).max(3);
    let mut rng = Rng(cfg.seed);
    let mut b = EstateBuilder::new(Meta {
        source: "synthetic".into(),
        captured_at: Some("2026-11-01T00:00:00Z".into()),
        description: Some(format!(
            "synthetic estate: {} resources requested, seed {}, {} accounts, {} Regions",
            cfg.resources,
            cfg.seed,
            n_accounts,
            regions.len()
        )),
    });
    let mut accounts = Vec::new();
    let mut azs = Vec::new();
    for a in 0..n_accounts {
        let id = format!("{:012}", 100_000_000_000u64 + a as u64 * 7_919);
        let acct = b.account(&id, &format!("acct-{a:04}"));
        let mut per_region = BTreeMap::new();
        for &r in &regions {
            let (name, prefix, count) = REGIONS[r];
            // Each account maps AZ names to AZ IDs its own way, and uses three.
            let mut ids: Vec<u8> = (1..=count).collect();
            for i in (1..ids.len()).rev() {
                let j = rng.below(i as u64 + 1) as usize;
                ids.swap(i, j);
            }
            let mut used = Vec::new();
            for (k, n) in ids.iter().enumerate() {
                let az_id = format!("{prefix}-az{n}");
                let az_name = format!("{name}{}", (b'a' + k as u8) as char);
                b.az_name(acct, name, &az_name, &az_id)
                    .expect("generated AZ IDs belong to their Region");
                if k < 3 {
                    used.push(az_id);
                }
            }
            per_region.insert(r, used);
        }
        azs.push(per_region);
        accounts.push(id);
    }
    let mut g = Gen {
        b,
        rng,
        n: cfg.seed.wrapping_mul(1_000_003),
        count: 0,
        azs,
        vpcs: BTreeMap::new(),
        accounts,
        regions: regions.clone(),
    };
    let mut s = 0usize;
    while g.count < cfg.resources {
        let account = s % n_accounts;
        let region = g.regions[(s / n_accounts) % g.regions.len()];
        let service = format!("svc-{s:05}");
        g.service(&service, account, region, false);
        // Some services also run in a second Region: they survive losing one.
        if g.regions.len() > 1 && g.rng.chance(15) {
            let other = g.regions
                [(g.regions.iter().position(|r| *r == region).unwrap_or(0) + 1) % g.regions.len()];
            g.service(&service, account, other, true);
        }
        s += 1;
    }
    g.b.build().expect("the generated estate is consistent")
}
