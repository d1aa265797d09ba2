//! The facts of a resource that the rules read, as comparable text: what `diff`
//! compares resource by resource.

use std::collections::BTreeMap;

use crate::model::{
    CrossZone, Estate, Facts, NatMode, ResIdx, Resource, Scheme, Target, TargetType,
};

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

fn on_off(b: bool) -> String {
    if b { "on" } else { "off" }.to_string()
}

fn backups(days: u32) -> String {
    if days == 0 {
        "off".to_string()
    } else {
        format!("{days} days")
    }
}

/// `a, b, c`, sorted, once each; `none` for nothing.
fn list(mut items: Vec<String>) -> String {
    items.sort();
    items.dedup();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

fn or_none(value: Option<&str>) -> String {
    value.unwrap_or("none").to_string()
}

/// `use1-az1: 2, use1-az4: 3`
fn per_az(counts: &BTreeMap<String, u32>) -> String {
    if counts.is_empty() {
        return "none".to_string();
    }
    (counts.iter())
        .map(|(az, n)| format!("{az}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The facts of a resource that the rules read, as comparable text, keyed by a stable name.
/// Long on purpose: one arm per resource kind, each a flat list of fields; a kind's
/// arm is read alone.
pub(super) fn rule_facts(e: &Estate, idx: ResIdx) -> Vec<(&'static str, String)> {
    let r = e.resource(idx);
    let name_of = |id: &str| {
        e.find(id)
            .map_or(id, |i| e.resource(i).name.as_str())
            .to_string()
    };
    let names = |ids: &[String]| list(ids.iter().map(|id| name_of(id)).collect());
    let sorted = |items: &[String]| list(items.to_vec());
    let az_of = |id: &str| {
        e.find(id)
            .and_then(|i| e.resource(i).az)
            .map(|az| e.az_id(az))
    };
    let mut facts: Vec<(&'static str, String)> = vec![(
        "az",
        r.az.map_or("regional".to_string(), |az| e.az_id(az).to_string()),
    )];
    match &r.facts {
        Facts::Vpc(_) | Facts::Subnet(_) => {}
        Facts::RouteTable(rt) => {
            facts.push(("main", yes_no(rt.main)));
            facts.push(("subnets", names(&rt.subnets)));
            facts.push((
                "default_route",
                rt.default_route_target()
                    .map_or("none".to_string(), name_of),
            ));
        }
        Facts::NatGateway(n) => facts.push((
            "mode",
            match n.mode {
                NatMode::Zonal => "zonal",
                NatMode::Regional => "regional",
            }
            .to_string(),
        )),
        Facts::SecurityGroup(sg) => facts.push(("admits", names(&sg.ingress_from))),
        Facts::LoadBalancer(lb) => {
            let azs: Vec<String> = lb.zones.iter().map(|z| z.az.clone()).collect();
            let tgs: Vec<String> = (lb.forwarded_target_groups().into_iter())
                .map(String::from)
                .collect();
            let scheme = match lb.scheme {
                Scheme::InternetFacing => "internet-facing",
                Scheme::Internal => "internal",
            };
            facts.push(("scheme", scheme.to_string()));
            facts.push(("type", lb.lb_type.short().to_string()));
            facts.push(("enabled_azs", sorted(&azs)));
            facts.push(("cross_zone", on_off(lb.cross_zone_enabled())));
            facts.push(("target_groups", names(&tgs)));
            facts.push(("service", e.service_of(idx).unwrap_or("none").to_string()));
        }
        Facts::TargetGroup(tg) => {
            facts.push((
                "cross_zone",
                match tg.cross_zone {
                    CrossZone::Inherit => "inherit",
                    CrossZone::On => "on",
                    CrossZone::Off => "off",
                }
                .to_string(),
            ));
            facts.push((
                "serving_targets_per_az",
                per_az(&serving_targets(e, idx, r)),
            ));
        }
        Facts::Instance(i) => {
            facts.push(("instance_type", i.instance_type.clone()));
            facts.push((
                "vcpus",
                i.vcpus.map_or("unknown".to_string(), |v| v.to_string()),
            ));
            facts.push(("state", i.state.clone()));
            facts.push(("security_groups", names(&i.security_groups)));
        }
        Facts::AutoScalingGroup(g) => {
            let mut members: BTreeMap<String, u32> = BTreeMap::new();
            for az in g.instances.iter().filter_map(|i| az_of(i)) {
                *members.entry(az.to_string()).or_default() += 1;
            }
            facts.push(("azs", sorted(&g.azs)));
            facts.push((
                "min_desired_max",
                format!("{}/{}/{}", g.min, g.desired, g.max),
            ));
            facts.push(("instances_per_az", per_az(&members)));
            facts.push(("target_groups", names(&g.target_groups)));
        }
        Facts::DbInstance(db) => {
            facts.push(("engine", db.engine.clone()));
            facts.push(("multi_az", yes_no(db.multi_az)));
            facts.push(("standby_az", or_none(db.secondary_az.as_deref())));
            facts.push(("backups", backups(db.backup_retention_days)));
            facts.push(("deletion_protection", on_off(db.deletion_protection)));
            facts.push((
                "cluster",
                or_none(db.cluster.as_deref().map(name_of).as_deref()),
            ));
            facts.push(("security_groups", names(&db.security_groups)));
        }
        Facts::DbCluster(c) => {
            let placed = |writer: bool| {
                list(
                    (c.members.iter())
                        .filter(|m| m.writer == writer)
                        .filter_map(|m| az_of(&m.instance).map(String::from))
                        .collect(),
                )
            };
            facts.push(("engine", c.engine.clone()));
            facts.push(("writer_az", placed(true)));
            facts.push(("reader_azs", placed(false)));
            facts.push(("backups", backups(c.backup_retention_days)));
            facts.push(("deletion_protection", on_off(c.deletion_protection)));
            facts.push(("global_cluster", or_none(c.global_cluster.as_deref())));
            facts.push(("security_groups", names(&c.security_groups)));
        }
        Facts::EcsCluster(c) => {
            let asgs: Vec<String> = (c.capacity_providers.iter())
                .filter_map(|p| p.auto_scaling_group.clone())
                .collect();
            facts.push(("capacity_provider_groups", names(&asgs)));
        }
        Facts::EcsService(svc) => {
            let mut tasks: BTreeMap<String, u32> = BTreeMap::new();
            for (edge, t) in e.edges_to(idx) {
                let task = e.resource(t);
                if edge.kind == crate::model::EdgeKind::MemberOf
                    && matches!(&task.facts, Facts::EcsTask(x) if x.is_running())
                    && let Some(az) = task.az
                {
                    *tasks.entry(e.az_id(az).to_string()).or_default() += 1;
                }
            }
            facts.push((
                "launch_type",
                format!("{:?}", svc.launch_type).to_lowercase(),
            ));
            facts.push(("azs", sorted(&svc.azs)));
            facts.push(("desired", svc.desired.to_string()));
            facts.push(("tasks_per_az", per_az(&tasks)));
            facts.push(("target_groups", names(&svc.target_groups)));
            facts.push(("security_groups", names(&svc.security_groups)));
        }
        Facts::EcsTask(_) | Facts::EksCluster(_) => {}
        Facts::EksNodegroup(ng) => {
            facts.push(("auto_scaling_groups", names(&ng.auto_scaling_groups)))
        }
        Facts::LambdaFunction(f) => {
            facts.push(("azs", sorted(&f.azs)));
            facts.push(("security_groups", names(&f.security_groups)));
        }
        Facts::CacheReplicationGroup(g) => {
            let role = |primary: bool| {
                let mut azs: Vec<String> = (g.shards.iter().flat_map(|s| &s.members))
                    .filter(|m| m.primary == primary)
                    .map(|m| m.az.clone())
                    .collect();
                azs.sort();
                list(azs)
            };
            facts.push(("engine", g.engine.clone()));
            facts.push(("automatic_failover", on_off(g.automatic_failover)));
            facts.push(("primary_azs", role(true)));
            facts.push(("replica_azs", role(false)));
            facts.push(("backups", backups(g.snapshot_retention_days)));
            facts.push(("security_groups", names(&g.security_groups)));
        }
        Facts::CacheCluster(c) => {
            let azs: Vec<String> = c.nodes.iter().map(|n| n.az.clone()).collect();
            facts.push(("engine", c.engine.clone()));
            facts.push(("node_azs", sorted(&azs)));
            facts.push(("security_groups", names(&c.security_groups)));
        }
        Facts::ServerlessCache(c) => facts.push(("security_groups", names(&c.security_groups))),
        Facts::BackupPlan(plan) => {
            let rules: Vec<String> = (plan.rules.iter())
                .map(|r| {
                    format!(
                        "{} → {}",
                        r.schedule.as_deref().unwrap_or("?"),
                        r.copy_regions.join("+")
                    )
                })
                .collect();
            facts.push(("rules", list(rules)));
            facts.push(("resources", names(&plan.resources)));
        }
        Facts::ProtectedResource(p) => {
            let regions: Vec<String> = p.recovery_points.iter().map(|r| r.region.clone()).collect();
            facts.push(("copies_in", list(regions)));
        }
        Facts::DnsRecords(d) => {
            facts.push(("routing", format!("{:?}", d.routing).to_lowercase()));
            let members: Vec<String> = (d.members.iter())
                .map(|m| {
                    let how = if m.evaluated() {
                        "evaluated"
                    } else {
                        "not evaluated"
                    };
                    format!("{} ({how})", crate::model::dns_key(&m.target))
                })
                .collect();
            facts.push(("members", list(members)));
        }
        Facts::Accelerator(a) => {
            let groups: Vec<String> = (a.endpoint_groups.iter())
                .map(|g| format!("{} {}%: {}", g.region, g.traffic_dial, g.endpoints.len()))
                .collect();
            facts.push(("endpoint_groups", list(groups)));
        }
        Facts::Distribution(d) => {
            let origins: Vec<String> = d.origins.iter().map(|o| o.domain.clone()).collect();
            facts.push(("origins", list(origins)));
            facts.push(("default_target", d.default_target.clone()));
        }
        Facts::DynamodbTable(t) => {
            facts.push(("replica_regions", sorted(&t.replicas)));
            facts.push(("point_in_time_recovery", on_off(t.point_in_time_recovery)));
            facts.push(("deletion_protection", on_off(t.deletion_protection)));
        }
    }
    facts
}

/// Targets of a target group that take traffic, per AZ ID (`outside any AZ` for the rest):
/// registered targets and the running instances of attached Auto Scaling groups.
fn serving_targets(e: &Estate, tg: ResIdx, r: &Resource) -> BTreeMap<String, u32> {
    let Facts::TargetGroup(f) = &r.facts else {
        return BTreeMap::new();
    };
    const NO_AZ: &str = "outside any AZ";
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    for (i, health) in e.target_instances(tg) {
        let inst = e.resource(i);
        let running = matches!(&inst.facts, Facts::Instance(x) if x.is_running());
        if running && health.is_none_or(|h| h.serves()) {
            let az = inst.az.map_or(NO_AZ, |az| e.az_id(az));
            *out.entry(az.to_string()).or_default() += 1;
        }
    }
    // Addresses, functions, and instances a scan could not read: placed by their registration.
    let unresolved = |t: &&Target| match f.target_type {
        TargetType::Instance => e.find(&t.id).is_none(),
        TargetType::Ip | TargetType::Lambda => true,
        // An ALB target: its own targets are counted where it is described.
        TargetType::Alb => false,
    };
    for t in f
        .targets
        .iter()
        .filter(unresolved)
        .filter(|t| t.health.serves())
    {
        *out.entry(t.zonal_az().unwrap_or(NO_AZ).to_string())
            .or_default() += 1;
    }
    out
}
