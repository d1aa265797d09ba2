//! A synthetic estate generator, deterministic from a seed, for benchmarks and
//! scale tests (`cargo run --release --example synth`; model in `docs/performance.md`).
//!
//! Accounts hold a VPC per Region (public and private subnets in three AZs, route
//! tables, NAT gateways in one of three styles) and services: a load balancer, one or
//! two target groups of instances (mostly Auto Scaling groups), a database of some kind
//! and sometimes an internal API behind an internal load balancer. A few services are
//! badly placed so that every status and every finding occurs; about half the
//! databases are in an AWS Backup plan (`backups.rs`).

mod backups;
mod modern;
mod service;
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

/// The pseudo-Region of global services.
const GLOBAL: &str = crate::model::GLOBAL_REGION;

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
    /// Per (account, Region): its ECS cluster, and its EKS cluster (with node group).
    ecs: BTreeMap<(usize, usize), String>,
    eks: BTreeMap<(usize, usize), String>,
    /// Per service name: its DynamoDB table, for its twin in another Region.
    tables: BTreeMap<String, (ResIdx, String)>,
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
        ecs: BTreeMap::new(),
        eks: BTreeMap::new(),
        tables: BTreeMap::new(),
    };
    let mut s = 0usize;
    while g.count < cfg.resources {
        let account = s % n_accounts;
        let region = g.regions[(s / n_accounts) % g.regions.len()];
        let service = format!("svc-{s:05}");
        let first = g.service(&service, account, region, false);
        // Some services also run in a second Region: they survive losing one, most
        // behind an entry point.
        if g.regions.len() > 1 && g.rng.chance(15) {
            let other = g.regions
                [(g.regions.iter().position(|r| *r == region).unwrap_or(0) + 1) % g.regions.len()];
            let second = g.service(&service, account, other, true);
            if g.rng.chance(80) {
                let lbs = [(region, first.1, first.0), (other, second.1, second.0)];
                g.entry_point(&service, account, &lbs);
            }
        }
        s += 1;
    }
    g.b.build().expect("the generated estate is consistent")
}
