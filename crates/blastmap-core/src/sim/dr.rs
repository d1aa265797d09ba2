//! A service's disaster-recovery tier (`../shared/domain.md` §6, §9, §11), from what
//! is running: the Regions with capacity behind it, how its entry point routes and
//! whether it sees members fail, and where its data has copies (live replicas:
//! Aurora global databases, DynamoDB global tables, cross-Region read replicas;
//! backups copied out of the Region). Each tier comes with the evidence that
//! decided it; under a Region loss, each piece of data says whether it can be
//! restored elsewhere and with what RPO.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::{DR_TIER_TAG, DrTier, Estate, RegionIdx};

use super::backups::{self, CopyKind, Protection, Rpo};
use super::kinds::entry_point::{Policy, Role, ServiceSummary, entry_label};
use super::topology::Topology;
use super::{LostDomains, Status, Verdict};

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

/// The stateful resources a service's paths need (directly or through hops), with
/// their copies (`backups.rs`).
pub fn data_of(estate: &Estate, topo: &Topology, service: usize) -> Vec<Protection> {
    (topo.data[service].needs.iter())
        .filter_map(|&res| backups::protection(estate, &topo.backups, res))
        .collect()
}

/// Pieces of data a tier's evidence names one by one; the rest are counted.
const SAID_DATA: usize = 8;

/// The service's tier, with its evidence, computed once per topology.
pub fn tier<'t>(estate: &Estate, topo: &'t Topology, service: usize) -> &'t DrAssessment {
    &topo.dr.get_or_init(|| {
        (0..topo.services.len())
            .map(|s| assess(estate, topo, s))
            .collect()
    })[service]
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
    let data = data_of(estate, topo, service);
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
    // Per piece of data: a live copy elsewhere, a backup elsewhere, or nothing. The
    // first few are said; the rest are counted.
    let (mut all_replicated, mut all_elsewhere) = (true, true);
    let mut unsaid = (0, 0);
    for (i, d) in data.iter().enumerate() {
        let outside = d.outside(&d.region);
        let replica = (outside.iter()).find(|c| matches!(c.how, CopyKind::Replica(_)));
        let backup = outside.first();
        all_replicated &= replica.is_some();
        all_elsewhere &= backup.is_some();
        if i >= SAID_DATA {
            unsaid.0 += 1;
            unsaid.1 += usize::from(backup.is_none());
            continue;
        }
        evidence.push(match (replica, backup) {
            (Some(c), _) => format!("{}: {} in {}", d.name, c.how.label(), c.region),
            (None, Some(c)) => format!(
                "{}: {} in {} (RPO {})",
                d.name,
                c.how.label(),
                c.region,
                c.rpo.describe()
            ),
            (None, None) => format!("{}: no copy outside {}", d.name, d.region),
        });
    }
    if unsaid.0 > 0 {
        evidence.push(format!(
            "{} more pieces of data, {} of them with no copy outside their Region",
            unsaid.0, unsaid.1
        ));
    }
    if topo.data[service].partial {
        evidence.push(format!(
            "only the first {} pieces of data were looked at: the service reaches more",
            data.len()
        ));
    }
    let routing = spec.entry.as_ref().map(|e| {
        let evaluated = e.members.iter().all(|m| m.evaluated);
        let failover = matches!(e.policy, Policy::Failover)
            || (e.members.iter()).any(|m| m.role == Role::Standby || m.role == Role::Secondary);
        (evaluated, failover)
    });
    evidence.extend(
        match routing {
            Some((true, false)) => {
                Some("its entry point sends users to every Region and sees members fail")
            }
            Some((true, true)) => {
                Some("its entry point fails over to the other Region when it sees the first fail")
            }
            Some((false, _)) => {
                Some("its entry point cannot see every member fail (no health evaluation)")
            }
            None if running.len() > 1 => {
                Some("no entry point blastmap can see: how users reach the other Region is unknown")
            }
            None => None,
        }
        .map(String::from),
    );
    let tier = match (running.len(), routing) {
        (2.., Some((true, false))) if all_replicated => DrTier::ActiveActive,
        (2.., _) => DrTier::WarmStandby,
        (1, _) if all_replicated && !data.is_empty() => DrTier::PilotLight,
        (1, _) if all_elsewhere && !data.is_empty() => DrTier::BackupRestore,
        _ => DrTier::None,
    };
    DrAssessment {
        tier,
        evidence,
        regions,
        target: declared_target(estate, topo, service),
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

/// Whether a service's data can be restored after its Region is lost, per stateful
/// dependency: where, how, and the RPO.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataRecovery {
    pub name: String,
    /// The lost Region the data lived in.
    pub region: String,
    /// Where a copy survives, if one does.
    pub restorable_in: Option<String>,
    pub how: Option<String>,
    pub rpo: Option<Rpo>,
}

impl DataRecovery {
    pub fn describe(&self) -> String {
        match (&self.restorable_in, &self.how, self.rpo) {
            (Some(region), Some(how), Some(rpo)) => format!(
                "{} can be restored in {region} from {how} (RPO {})",
                self.name,
                rpo.describe()
            ),
            _ => format!(
                "{} has no copy outside {}: lost with it",
                self.name, self.region
            ),
        }
    }
}

/// For each stateful dependency of the service in a lost Region: the best copy
/// outside it.
pub fn data_recovery(
    estate: &Estate,
    topo: &Topology,
    service: usize,
    lost: &LostDomains,
) -> Vec<DataRecovery> {
    recovery(estate, data_of(estate, topo, service), lost)
}

/// The same for one path's own stateful dependencies (directly or through hops):
/// what a path outside any service can restore after its Region is lost. Bounded
/// as a service's walk is (`backups::DATA_WALK_BUDGET`).
pub fn path_data_recovery(
    estate: &Estate,
    topo: &Topology,
    path: usize,
    lost: &LostDomains,
) -> Vec<DataRecovery> {
    let needs = backups::walk_from(estate, topo, vec![topo.paths[path].chain]).needs;
    let data = (needs.iter())
        .filter_map(|&res| backups::protection(estate, &topo.backups, res))
        .collect();
    recovery(estate, data, lost)
}

fn recovery(estate: &Estate, data: Vec<Protection>, lost: &LostDomains) -> Vec<DataRecovery> {
    // A copy in another Region the scenario also loses restores nothing.
    let survives = |region: &str| {
        estate
            .region_by_name(region)
            .is_none_or(|r| !lost.region(r))
    };
    data.into_iter()
        .filter(|d| lost.region(estate.resource(d.res).region))
        .map(|d| {
            let outside = d.outside(&d.region);
            let best = outside.into_iter().find(|c| survives(&c.region)).cloned();
            DataRecovery {
                name: d.name.clone(),
                region: d.region.clone(),
                restorable_in: best.as_ref().map(|c| c.region.clone()),
                how: best.as_ref().map(|c| c.how.label()),
                rpo: best.map(|c| c.rpo),
            }
        })
        .collect()
}

/// Every service's summary under a verdict: status, entry point, the routing's
/// answer with the share of capacity that serves, its data's recovery from a lost
/// Region, and its DR tier.
pub fn services(estate: &Estate, topo: &Topology, verdict: &Verdict) -> Vec<ServiceSummary> {
    (verdict.services.iter())
        .map(|sv| summary(estate, topo, verdict, sv))
        .collect()
}

/// One service's summary under a verdict (as [`services`] gives every one), for a
/// view that shows one service at a time.
pub fn service_summary(
    estate: &Estate,
    topo: &Topology,
    verdict: &Verdict,
    service: usize,
) -> Option<ServiceSummary> {
    (verdict.services.iter())
        .find(|sv| sv.service == service)
        .map(|sv| summary(estate, topo, verdict, sv))
}

fn summary(
    estate: &Estate,
    topo: &Topology,
    verdict: &Verdict,
    sv: &super::ServiceVerdict,
) -> ServiceSummary {
    let spec = &topo.services[sv.service];
    let entry = spec.entry.as_ref();
    let reason = match (entry, &sv.entry) {
        (Some(e), Some(ev)) => {
            let mut text = ev.cause.describe(estate, e, &spec.name);
            if let Some((before, after)) = sv.capacity.filter(|_| sv.status == Status::Degraded)
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
        data: data_recovery(estate, topo, sv.service, &verdict.lost),
        dr: tier(estate, topo, sv.service).clone(),
    }
}
