//! A deterministic generated estate: many services over three accounts and two
//! Regions, varying everything the rules read (AZ spread, Auto Scaling, IP targets,
//! cross-zone, NAT placement, RDS and Aurora layouts, backups, declared
//! dependencies, services), so that tests hold on more than the demo estate.

use std::collections::HashSet;

use blastmap::model::*;

use crate::fixture::Fx;

/// xorshift64*: small and deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Account ids and names; the first account of `Fx` (111111111111) stays empty.
pub const ACCOUNTS: [(&str, &str); 3] = [
    ("444455556666", "gen-retail"),
    ("777788889999", "gen-ledger"),
    ("121212121212", "gen-identity"),
];

const REGIONS: [(&str, &[&str]); 2] = [
    (
        "us-east-1",
        &["use1-az1", "use1-az2", "use1-az4", "use1-az6"],
    ),
    ("eu-west-1", &["euw1-az1", "euw1-az2", "euw1-az3"]),
];

fn rename(fx: &mut Fx, id: &str, name: &str) {
    fx.b.find_mut(id).expect("just added").name = name.to_string();
}

/// `services` services; the same seed gives the same estate.
pub fn estate(seed: u64, services: usize) -> Estate {
    let mut rng = Rng(seed | 1);
    let mut fx = Fx::new();
    for (i, (id, name)) in ACCOUNTS.iter().enumerate() {
        let account = fx.b.account(id, name);
        for (region, azs) in REGIONS {
            for (k, az) in azs.iter().enumerate() {
                // Each account letters its AZs differently, as AWS does.
                let letter = (b'a' + ((k + i) % azs.len()) as u8) as char;
                fx.b.az_name(account, region, &format!("{region}{letter}"), az)
                    .unwrap();
            }
        }
    }
    let mut vpcs: HashSet<String> = HashSet::new();
    let mut public: Vec<String> = Vec::new();
    for s in 0..services {
        let (account, _) = ACCOUNTS[s % ACCOUNTS.len()];
        let (region, all_azs) = REGIONS[(s / ACCOUNTS.len()) % REGIONS.len()];
        let vpc = format!("vpc-{account}-{region}");
        fx.in_place(account, region, &vpc);
        if vpcs.insert(vpc.clone()) {
            match rng.below(3) {
                0 => drop(fx.nat_main(
                    &format!("nat-gen{s}"),
                    Some(all_azs[rng.below(all_azs.len())]),
                )),
                1 => drop(fx.nat_main(&format!("nat-gen{s}"), None)),
                _ => {}
            }
        }
        let svc = format!("gen-svc{s}");
        let web_sg = fx.sg(&format!("sg-{svc}-web"), &[]);
        let db_sg = fx.sg(&format!("sg-{svc}-db"), &[&web_sg]);
        let first = rng.below(all_azs.len());
        let spread = 1 + rng.below(all_azs.len());
        let azs: Vec<&str> = (0..spread)
            .map(|k| all_azs[(first + k) % all_azs.len()])
            .collect();
        let per_az = 1 + rng.below(3);
        let instances = fx.fleet(&format!("{svc}-web"), &azs, per_az, &[&web_sg]);
        if rng.chance(20)
            && let Facts::Instance(i) = &mut fx.b.find_mut(&instances[0]).unwrap().facts
        {
            i.state = "stopped".into();
        }
        let elb = |kind: &str, n: u64| {
            format!("arn:aws:elasticloadbalancing:{region}:{account}:{kind}/{svc}/{n:016x}")
        };
        let tg_id = elb("targetgroup", rng.next());
        let lb_id = elb("loadbalancer/app", rng.next());
        let cross_zone = [CrossZone::Inherit, CrossZone::On, CrossZone::Off][rng.below(3)];
        if rng.chance(15) {
            let targets = (azs.iter().enumerate())
                .map(|(k, az)| Target {
                    id: format!("10.{s}.{k}.{}", 10 + rng.below(200)),
                    az: Some(az.to_string()),
                    port: Some(8080),
                    health: if rng.chance(20) {
                        TargetHealth::Unhealthy
                    } else {
                        TargetHealth::Healthy
                    },
                })
                .collect();
            fx.tg_with(&tg_id, TargetType::Ip, cross_zone, targets);
        } else if rng.chance(50) {
            fx.tg_with(&tg_id, TargetType::Instance, cross_zone, Vec::new());
            let mut asg_azs = azs.clone();
            if rng.chance(30) {
                asg_azs.push(all_azs[(first + spread) % all_azs.len()]);
            }
            let desired = instances.len() as u32;
            fx.asg(
                &format!("asg-{svc}"),
                &asg_azs,
                desired,
                desired + 2,
                &instances,
                &[&tg_id],
            );
        } else {
            let targets = (instances.iter())
                .map(|i| Target {
                    id: i.clone(),
                    health: if rng.chance(10) {
                        TargetHealth::Draining
                    } else {
                        TargetHealth::Healthy
                    },
                    ..Default::default()
                })
                .collect();
            fx.tg_with(&tg_id, TargetType::Instance, cross_zone, targets);
        }
        rename(&mut fx, &tg_id, &format!("{svc}-tg"));
        let mut lb_azs = azs.clone();
        match rng.below(4) {
            0 => lb_azs.push(all_azs[(first + spread) % all_azs.len()]),
            1 if lb_azs.len() > 1 => drop(lb_azs.pop()),
            _ => {}
        }
        lb_azs.dedup();
        let (lb_type, lb_cross) = match rng.below(3) {
            0 => (
                LbType::Network,
                [None, Some(true), Some(false)][rng.below(3)],
            ),
            _ => (LbType::Application, None),
        };
        fx.lb(
            &lb_id,
            lb_type,
            Scheme::InternetFacing,
            &lb_azs,
            &[&tg_id],
            lb_cross,
            &[],
        );
        rename(&mut fx, &lb_id, &format!("{svc}-lb"));
        if let Facts::LoadBalancer(lb) = &mut fx.b.find_mut(&lb_id).unwrap().facts {
            lb.dns_name = Some(format!("{svc}-lb-{s}.{region}.elb.amazonaws.com"));
        }

        let db_arn = format!("arn:aws:rds:{region}:{account}:db:{svc}-db");
        let db = match rng.below(4) {
            0 => Some(fx.rds(&db_arn, azs[0], false, None, &[&db_sg])),
            1 => {
                let standby = all_azs[(first + 1) % all_azs.len()];
                Some(fx.rds(&db_arn, azs[0], true, Some(standby), &[&db_sg]))
            }
            2 => {
                let members: Vec<&str> = (0..1 + rng.below(3))
                    .map(|k| all_azs[(first + k) % all_azs.len()])
                    .collect();
                let cluster = format!("arn:aws:rds:{region}:{account}:cluster:{svc}-aurora");
                let writer = rng.chance(85);
                Some(fx.cluster(&cluster, "aurora-postgresql", &members, writer, &[&db_sg]))
            }
            _ => None,
        };
        if let Some(db) = db {
            let (backups, protected) = (rng.chance(75), rng.chance(60));
            match &mut fx.b.find_mut(&db).unwrap().facts {
                Facts::DbInstance(f) => {
                    f.backup_retention_days = if backups { 7 } else { 0 };
                    f.deletion_protection = protected;
                }
                Facts::DbCluster(f) => {
                    f.backup_retention_days = if backups { 14 } else { 0 };
                    f.deletion_protection = protected;
                }
                _ => {}
            }
        }
        // Services: pairs across Regions share a name; some by tag, some declared, some none.
        let service = format!(
            "gen-service{}",
            s / (ACCOUNTS.len() * REGIONS.len()) + s % 2
        );
        match rng.below(3) {
            0 => drop(
                fx.b.find_mut(&lb_id)
                    .unwrap()
                    .tags
                    .insert(SERVICE_TAG.into(), service),
            ),
            1 => fx.service(&lb_id, &service),
            _ => {}
        }
        let tags = &mut fx.b.find_mut(&lb_id).unwrap().tags;
        tags.insert("team".into(), format!("gen-team{}", s % 4));
        tags.insert("owner".into(), format!("{svc}-owner@example.com"));
        if !public.is_empty() && rng.chance(25) {
            let to = public[rng.below(public.len())].clone();
            let hard = rng.chance(50);
            fx.depends(&tg_id, &to, hard);
        }
        if rng.chance(15) {
            fx.b.declared_mut().hard_egress.push(lb_id.clone());
        }
        public.push(lb_id);
    }
    fx.build()
}
