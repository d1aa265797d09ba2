//! One generated service: a load balancer, its target groups (instances, ECS tasks,
//! EKS pods or a Lambda function), a database, sometimes a cache, a table and an
//! internal API.

use crate::model::*;

use super::{Gen, REGIONS, TEAMS};

impl Gen {
    /// One service in (account, region); returns its load balancer's id and DNS name.
    /// Long on purpose: one service laid out top to bottom, each proportion of
    /// docs/performance.md a short commented step, read in order.
    pub(super) fn service(
        &mut self,
        service: &str,
        account: usize,
        region: usize,
        twin: bool,
    ) -> (String, String) {
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
            // A second Region usually runs smaller (a warm standby): half as many.
            let count = self.rng.range(2, 12) as usize;
            let count = if twin { count.div_ceil(2) } else { count };
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
            // About half the groups are ECS services' tasks; a few EKS pods or a function.
            let kind = self.rng.below(100);
            let registered = match kind {
                0..=44 => Some((
                    TargetType::Ip,
                    self.ecs_targets(&tg_name, account, region, &arn, &plan, &sg_app, lb_zones),
                    None,
                )),
                45..=49 => {
                    let (cluster, pods) = self.pod_targets(account, region, &plan);
                    Some((TargetType::Ip, pods, Some(cluster)))
                }
                50..=52 => Some((
                    TargetType::Lambda,
                    vec![self.lambda_target(&format!("{tg_name}-fn"), account, region)],
                    None,
                )),
                _ => None,
            };
            if let Some((target_type, targets, cluster)) = registered {
                let idx = self.add(
                    &arn,
                    &tg_name,
                    account,
                    region,
                    None,
                    Facts::TargetGroup(TargetGroup {
                        target_type,
                        cross_zone,
                        targets,
                        ..Default::default()
                    }),
                );
                if let Some(cluster) = cluster {
                    self.b.tag(idx, "elbv2.k8s.aws/cluster", &cluster);
                }
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
                let az_impairment = self.rng.chance(30).then_some(AzImpairmentPolicy {
                    zonal_shift: true,
                    replace_unhealthy: false,
                });
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
                        az_impairment,
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
        let lb_count = self.count;
        // ARC zonal shift: on for most load balancers, autoshift for half of those.
        let zonal_shift = self.rng.chance(70).then(|| {
            let autoshift = self.rng.chance(50);
            ZonalShift {
                enabled: true,
                autoshift: Some(autoshift),
                practice_runs: Some(autoshift),
            }
        });
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
                dns_name: Some(format!(
                    "{lb_name}-{lb_count}.{}.elb.amazonaws.com",
                    REGIONS[region].0
                )),
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
                zonal_shift: Some(zonal_shift.unwrap_or_default()),
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
        let db = self.database(service, account, region, &sg_db, &zones);
        if let Some(db) = &db {
            self.backups(db, account, region);
        }
        if let Some(db) = db
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
        if self.rng.chance(33) {
            self.cache(service, account, region, &vpc_id, &sg_app);
        }
        if self.rng.chance(20) || (twin && self.tables.contains_key(service)) {
            self.table(service, account, region, &lb_arn);
        }
        if self.rng.chance(10) {
            self.internal_api(service, account, region, &vpc_id, &sg_app, &zones);
        }
        let dns = format!(
            "{lb_name}-{lb_count}.{}.elb.amazonaws.com",
            REGIONS[region].0
        );
        (lb_arn, dns)
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
                    backup_replicated_to: Vec::new(),
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
