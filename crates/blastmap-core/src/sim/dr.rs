//! A service's disaster-recovery tier (`../shared/domain.md` §6, §9), from what is
//! running: the Regions with capacity behind it, how its entry point routes and
//! whether it sees members fail, and whether its data is replicated to another
//! Region (Aurora global databases, DynamoDB global tables, cross-Region read
//! replicas). Each tier comes with the evidence that decided it.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{DR_TIER_TAG, DrTier, Estate, Facts, RegionIdx, ResIdx};

use super::kinds::Unit;
use super::kinds::entry_point::{Policy, Role};
use super::topology::{ServiceSpec, Topology, UnitIdx};

/// A service's tier and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DrAssessment {
    pub tier: DrTier,
    /// One sentence per fact that decided it.
    pub evidence: Vec<String>,
    /// Regions with running capacity, largest first: (Region, capacity before).
    pub regions: Vec<(String, u64)>,
    /// The tier the service must reach, if declared (tag or overlay).
    pub target: Option<DrTier>,
}

/// Data a service needs, and whether a copy lives in another Region.
struct Data {
    res: ResIdx,
    name: String,
    replicated: Option<String>,
}

/// The stateful resources a service's paths need (directly or through hops).
fn data_of(estate: &Estate, topo: &Topology, spec: &ServiceSpec) -> Vec<Data> {
    let mut out: Vec<Data> = Vec::new();
    let mut seen: Vec<UnitIdx> = Vec::new();
    let mut stack: Vec<UnitIdx> = spec.paths.iter().map(|&p| topo.paths[p].chain).collect();
    let mut needs = Vec::new();
    while let Some(u) = stack.pop() {
        if seen.contains(&u) {
            continue;
        }
        seen.push(u);
        let unit = topo.unit(u);
        needs.clear();
        unit.needs(&mut needs);
        stack.extend(needs.iter().map(|(n, _)| *n));
        let replicated = match unit {
            Unit::Cluster(c) => {
                (c.global_peers.iter().find(|(_, r, _)| *r != c.region)).map(|(_, r, _)| {
                    format!("Aurora global database, also in {}", estate.region_name(*r))
                })
            }
            Unit::Table(t) => t
                .replicas
                .first()
                .map(|(_, r)| format!("DynamoDB global table, replica in {r}")),
            Unit::Rds(r) => cross_region_replica(estate, r.db, r.region),
            Unit::Cache(_) => None,
            _ => continue,
        };
        let (Some(res), name) = (unit.depended(), unit.named(estate).0) else {
            continue;
        };
        if !out.iter().any(|d| d.res == res) {
            out.push(Data {
                res,
                name,
                replicated,
            });
        }
    }
    out
}

/// A read replica of `db` in another Region, if one is in the estate.
fn cross_region_replica(estate: &Estate, db: ResIdx, region: RegionIdx) -> Option<String> {
    let id = &estate.resource(db).id;
    estate.resources().iter().find_map(|r| match &r.facts {
        Facts::DbInstance(x)
            if x.read_replica_source.as_deref() == Some(id.as_str()) && r.region != region =>
        {
            Some(format!(
                "read replica {} in {}",
                r.name,
                estate.region_name(r.region)
            ))
        }
        _ => None,
    })
}

/// The service's tier, with its evidence.
pub fn assess(estate: &Estate, topo: &Topology, service: usize) -> DrAssessment {
    let spec = &topo.services[service];
    let mut per_region: BTreeMap<RegionIdx, u64> = BTreeMap::new();
    for &p in &spec.paths {
        let before = topo.baseline(p).capacity.map_or(0, |c| c.before);
        if before > 0 {
            *per_region.entry(topo.paths[p].region).or_default() += before;
        }
    }
    let mut regions: Vec<(String, u64)> = (per_region.iter())
        .map(|(r, c)| (estate.region_name(*r).to_string(), *c))
        .collect();
    regions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let data = data_of(estate, topo, spec);
    let mut evidence = Vec::new();
    let running: Vec<&str> = regions.iter().map(|(r, _)| r.as_str()).collect();
    evidence.push(match running.len() {
        0 => "no Region has running capacity".to_string(),
        1 => format!("runs only in {}", running[0]),
        _ => format!("runs in {}", running.join(" and ")),
    });
    if let Some((top, cap)) = regions.first() {
        for (r, c) in regions.iter().skip(1) {
            evidence.push(format!(
                "{r} can carry {}% of {top}'s load",
                (c * 100).checked_div(*cap).unwrap_or(0)
            ));
        }
    }
    let unreplicated: Vec<&str> = (data.iter())
        .filter(|d| d.replicated.is_none())
        .map(|d| d.name.as_str())
        .collect();
    for d in &data {
        evidence.push(match &d.replicated {
            Some(how) => format!("{}: {how}", d.name),
            None => format!("{}: no copy outside its Region", d.name),
        });
    }
    let data_elsewhere = unreplicated.is_empty() && !data.is_empty();
    let routing = spec.entry.as_ref().map(|e| {
        let evaluated = e.members.iter().all(|m| m.evaluated);
        let failover = matches!(e.policy, Policy::Failover)
            || e.members
                .iter()
                .any(|m| m.role == Role::Standby || m.role == Role::Secondary);
        (evaluated, failover)
    });
    match routing {
        Some((true, false)) => evidence
            .push("its entry point sends users to every Region and sees members fail".into()),
        Some((true, true)) => evidence.push(
            "its entry point fails over to the other Region when it sees the first fail".into(),
        ),
        Some((false, _)) => evidence
            .push("its entry point cannot see every member fail (no health evaluation)".into()),
        None if running.len() > 1 => evidence.push(
            "no entry point blastmap can see: how users reach the other Region is unknown".into(),
        ),
        None => {}
    }
    let tier = match (running.len(), routing) {
        (2.., Some((true, false))) if unreplicated.is_empty() => DrTier::ActiveActive,
        (2.., _) => DrTier::WarmStandby,
        (1, _) if data_elsewhere => DrTier::PilotLight,
        _ => DrTier::None,
    };
    let target = declared_target(estate, topo, service);
    DrAssessment {
        tier,
        evidence,
        regions,
        target,
    }
}

/// The tier a service must reach: the overlay's, else a load balancer's tag.
fn declared_target(estate: &Estate, topo: &Topology, service: usize) -> Option<DrTier> {
    let spec = &topo.services[service];
    estate
        .declared
        .dr_tiers
        .get(&spec.name)
        .copied()
        .or_else(|| {
            spec.paths
                .iter()
                .find_map(|&p| estate.resource(topo.paths[p].lb).tag(DR_TIER_TAG))
                .and_then(DrTier::parse)
        })
}

/// Every service's summary under a verdict: status, entry point, the routing's
/// answer with the share of capacity that serves, and its DR tier.
pub fn services(
    estate: &Estate,
    topo: &Topology,
    verdict: &super::Verdict,
) -> Vec<super::kinds::entry_point::ServiceSummary> {
    use super::kinds::entry_point::{ServiceSummary, entry_label};
    (verdict.services.iter())
        .map(|sv| {
            let spec = &topo.services[sv.service];
            let entry = spec.entry.as_ref();
            let reason = match (entry, &sv.entry) {
                (Some(e), Some(ev)) => {
                    let mut text = ev.cause.describe(estate, e, &spec.name);
                    if let Some((before, after)) =
                        sv.capacity.filter(|_| sv.status == super::Status::Degraded)
                        && before > 0
                    {
                        text.push_str(&format!(": {}% of capacity", after * 100 / before));
                    }
                    Some(text)
                }
                _ => None,
            };
            ServiceSummary {
                name: spec.name.clone(),
                status: sv.status,
                entry_point: entry.map(|e| entry_label(estate, e)),
                reason,
                capacity: sv.capacity,
                dr: assess(estate, topo, sv.service),
            }
        })
        .collect()
}
