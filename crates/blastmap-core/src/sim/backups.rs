//! Backups first (`../shared/domain.md` §11): where the copies of each stateful
//! resource are, how old the newest is, and so whether a Region loss can be
//! recovered from, and with what RPO. A restore after a Region loss is possible only
//! from a copy outside that Region.
//! (aws-backup/latest/devguide/cross-region-backup.html,
//! AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html)

use serde::Serialize;

use foldhash::{HashMap, HashSet};

use crate::model::{EdgeKind, Estate, Facts, Kind, ResIdx};

use super::topology::{Topology, UnitIdx};

/// How a copy is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "detail")]
pub enum CopyKind {
    /// RDS/Aurora automated backups (point-in-time restore), in the resource's Region.
    AutomatedBackups,
    /// RDS automated backups replicated to another Region.
    BackupReplication,
    /// DynamoDB point-in-time recovery, in the table's Region.
    PointInTimeRecovery,
    /// ElastiCache automatic snapshots, in the cache's Region.
    Snapshots,
    /// An AWS Backup recovery point (the plan that made it, when known).
    BackupPlan(Option<String>),
    /// A live copy: Aurora global database, DynamoDB global table, read replica.
    Replica(String),
}

impl CopyKind {
    /// What a copy is, in a few words: "an AWS Backup copy".
    pub fn label(&self) -> String {
        match self {
            CopyKind::AutomatedBackups => "automated backups".to_string(),
            CopyKind::BackupReplication => "replicated automated backups".to_string(),
            CopyKind::PointInTimeRecovery => "point-in-time recovery".to_string(),
            CopyKind::Snapshots => "snapshots".to_string(),
            CopyKind::BackupPlan(_) => "an AWS Backup copy".to_string(),
            CopyKind::Replica(what) => what.clone(),
        }
    }
}

/// How old the data a restore from a copy would bring back can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "value")]
pub enum Rpo {
    /// Replication: seconds behind.
    Seconds,
    /// Continuous backups (point-in-time restore, backup replication): minutes.
    Minutes,
    /// The newest recovery point, this many hours before the capture.
    Hours(u64),
    /// A recovery point whose age is unknown (no capture time, or no time on it).
    Unknown,
}

impl Rpo {
    pub fn describe(self) -> String {
        match self {
            Rpo::Seconds => "seconds".to_string(),
            Rpo::Minutes => "minutes".to_string(),
            Rpo::Hours(h) if h < 48 => format!("{h} h"),
            Rpo::Hours(h) => format!("{} days", h / 24),
            Rpo::Unknown => "unknown".to_string(),
        }
    }
}

/// One copy of a resource's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataCopy {
    pub region: String,
    pub how: CopyKind,
    pub rpo: Rpo,
    /// When it was made, for a recovery point (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A newest recovery point much older than the schedule of the plan that makes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stale {
    pub newest_recovery_point: String,
    /// The plan's interval, in hours.
    pub every_hours: u32,
}

/// A stateful resource and its copies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Protection {
    #[serde(skip)]
    pub res: ResIdx,
    pub name: String,
    pub region: String,
    pub copies: Vec<DataCopy>,
    /// The newest recovery point at home is much older than its plan's schedule.
    pub stale: Option<Stale>,
}

impl Protection {
    /// Copies outside `region`, best RPO first.
    pub fn outside(&self, region: &str) -> Vec<&DataCopy> {
        let mut out: Vec<&DataCopy> = self.copies.iter().filter(|c| c.region != region).collect();
        out.sort_by_key(|c| c.rpo);
        out
    }

    pub fn has_backups(&self) -> bool {
        !self.copies.is_empty()
    }
}

/// Whether a resource holds state worth backing up: databases, tables, Redis caches,
/// and instances no Auto Scaling group would replace (their EBS volumes).
pub fn is_stateful(estate: &Estate, res: ResIdx) -> bool {
    let r = estate.resource(res);
    match &r.facts {
        Facts::DbInstance(db) => db.cluster.is_none() && db.read_replica_source.is_none(),
        Facts::DbCluster(_) | Facts::DynamodbTable(_) | Facts::CacheReplicationGroup(_) => true,
        Facts::CacheCluster(c) => c.engine != "memcached",
        Facts::Instance(_) => !estate.edges_from(res).any(|(e, to)| {
            e.kind == EdgeKind::MemberOf && estate.resource(to).kind() == Kind::AutoScalingGroup
        }),
        _ => false,
    }
}

/// What points at a resource's data from elsewhere in the estate, indexed once per
/// estate (linear in resources): AWS Backup protected resources and plans by the ARN
/// they name, read replicas by their source, Aurora global databases by id.
#[derive(Debug, Clone, Default)]
pub struct Index {
    protected_by: HashMap<ResIdx, Vec<ResIdx>>,
    replicas_of: HashMap<ResIdx, Vec<ResIdx>>,
    /// Per global database, its clusters; per cluster, its global database.
    globals: Vec<Vec<ResIdx>>,
    global_of: HashMap<ResIdx, u32>,
    /// The shortest interval of the plans that select a resource, in hours.
    every_hours: HashMap<ResIdx, u32>,
}

impl Index {
    pub fn build(estate: &Estate) -> Index {
        let mut ix = Index::default();
        let mut global_ids: HashMap<&str, u32> = HashMap::default();
        for (i, r) in estate.resources().iter().enumerate() {
            let me = ResIdx(i as u32);
            match &r.facts {
                Facts::ProtectedResource(p) => {
                    if let Some(target) = estate.find(&p.resource) {
                        ix.protected_by.entry(target).or_default().push(me);
                    }
                }
                Facts::BackupPlan(p) => {
                    let Some(every) = p
                        .rules
                        .iter()
                        .filter_map(|rule| rule.interval_hours())
                        .min()
                    else {
                        continue;
                    };
                    for target in p.resources.iter().filter_map(|id| estate.find(id)) {
                        let e = ix.every_hours.entry(target).or_insert(every);
                        *e = (*e).min(every);
                    }
                }
                Facts::DbInstance(db) => {
                    if let Some(src) = db
                        .read_replica_source
                        .as_deref()
                        .and_then(|s| estate.find(s))
                    {
                        ix.replicas_of.entry(src).or_default().push(me);
                    }
                }
                Facts::DbCluster(c) => {
                    if let Some(g) = &c.global_cluster {
                        let n = ix.globals.len() as u32;
                        let group = *global_ids.entry(g.as_str()).or_insert(n);
                        if group == n {
                            ix.globals.push(Vec::new());
                        }
                        ix.globals[group as usize].push(me);
                        ix.global_of.insert(me, group);
                    }
                }
                _ => {}
            }
        }
        ix
    }
}

/// Where a stateful resource's data is copied, and how fresh each copy is.
/// Long on purpose: one arm per stateful kind (RDS, Aurora, DynamoDB, ElastiCache), each
/// with the copies AWS keeps for it (domain.md §11).
pub fn protection(estate: &Estate, ix: &Index, res: ResIdx) -> Option<Protection> {
    if !is_stateful(estate, res) {
        return None;
    }
    let r = estate.resource(res);
    let home = estate.region_name(r.region).to_string();
    let here = |how: CopyKind, rpo: Rpo| DataCopy {
        region: home.clone(),
        how,
        rpo,
        at: None,
    };
    let mut copies: Vec<DataCopy> = Vec::new();
    match &r.facts {
        Facts::DbInstance(db) => {
            if db.backup_retention_days > 0 {
                copies.push(here(CopyKind::AutomatedBackups, Rpo::Minutes));
            }
            copies.extend(db.backup_replicated_to.iter().map(|region| DataCopy {
                region: region.clone(),
                how: CopyKind::BackupReplication,
                rpo: Rpo::Minutes,
                at: None,
            }));
            copies.extend(
                ix.replicas_of
                    .get(&res)
                    .into_iter()
                    .flatten()
                    .copied()
                    .map(|x| {
                        let replica = estate.resource(x);
                        DataCopy {
                            region: estate.region_name(replica.region).to_string(),
                            how: CopyKind::Replica(format!("read replica {}", replica.name)),
                            rpo: Rpo::Seconds,
                            at: None,
                        }
                    }),
            );
        }
        Facts::DbCluster(c) => {
            if c.backup_retention_days > 0 {
                copies.push(here(CopyKind::AutomatedBackups, Rpo::Minutes));
            }
            let peers = ix.global_of.get(&res).map(|g| &ix.globals[*g as usize]);
            copies.extend(
                peers
                    .into_iter()
                    .flatten()
                    .copied()
                    .filter(|p| *p != res)
                    .map(|p| {
                        let peer = estate.resource(p);
                        DataCopy {
                            region: estate.region_name(peer.region).to_string(),
                            how: CopyKind::Replica(format!(
                                "Aurora global database ({})",
                                peer.name
                            )),
                            rpo: Rpo::Seconds,
                            at: None,
                        }
                    }),
            );
        }
        Facts::DynamodbTable(t) => {
            if t.point_in_time_recovery {
                copies.push(here(CopyKind::PointInTimeRecovery, Rpo::Minutes));
            }
            copies.extend(
                t.replicas
                    .iter()
                    .filter(|x| **x != home)
                    .map(|region| DataCopy {
                        region: region.clone(),
                        how: CopyKind::Replica("DynamoDB global table".into()),
                        rpo: Rpo::Seconds,
                        at: None,
                    }),
            );
        }
        Facts::CacheReplicationGroup(g) if g.snapshot_retention_days > 0 => {
            copies.push(here(CopyKind::Snapshots, Rpo::Hours(24)));
        }
        Facts::CacheCluster(c) if c.snapshot_retention_days > 0 => {
            copies.push(here(CopyKind::Snapshots, Rpo::Hours(24)));
        }
        _ => {}
    }
    let captured = estate.meta.captured_at.as_deref().and_then(epoch_seconds);
    let every = ix.every_hours.get(&res).copied();
    let mut stale = None;
    let points = ix
        .protected_by
        .get(&res)
        .into_iter()
        .flatten()
        .copied()
        .flat_map(|p| match &estate.resource(p).facts {
            Facts::ProtectedResource(p) => p.recovery_points.iter().collect(),
            _ => Vec::new(),
        });
    for point in points {
        let age = captured
            .zip(epoch_seconds(&point.created_at))
            .map(|(now, then)| ((now - then).max(0) as u64).div_ceil(3600));
        copies.push(DataCopy {
            region: point.region.clone(),
            how: CopyKind::BackupPlan(point.plan.clone()),
            rpo: age.map_or(Rpo::Unknown, Rpo::Hours),
            at: Some(point.created_at.clone()),
        });
        // Stale: the newest point in its own Region is older than twice the plan's
        // interval (a missed run or two is noise; more is a broken backup).
        if point.region == home
            && let (Some(age), Some(every)) = (age, every)
            && age > u64::from(every) * 2
        {
            stale = Some(Stale {
                newest_recovery_point: point.created_at.clone(),
                every_hours: every,
            });
        }
    }
    Some(Protection {
        res,
        name: r.name.clone(),
        region: home,
        copies,
        stale,
    })
}

/// Most units one service's walk for its data visits, and most pieces of data it
/// keeps: a hostile estate where every service reaches every unit would otherwise cost
/// services × units. A service that reaches more keeps what was found within the
/// budget, marked partial.
pub const DATA_WALK_BUDGET: usize = 1024;
pub const DATA_PER_SERVICE: usize = 64;

/// The stateful resources a service's paths need, directly or through hops, in the
/// order they are found.
#[derive(Debug, Clone, Default)]
pub(crate) struct ServiceData {
    pub(crate) needs: Vec<ResIdx>,
    /// The walk stopped at [`DATA_WALK_BUDGET`] units or [`DATA_PER_SERVICE`] pieces.
    pub(crate) partial: bool,
}

/// Walks from a service's path chains through what each unit needs, collecting the
/// stateful resources depended upon. Bounded by [`DATA_WALK_BUDGET`].
pub(crate) fn walk(estate: &Estate, topo: &Topology, service: usize) -> ServiceData {
    let mut out = ServiceData::default();
    let mut seen: HashSet<UnitIdx> = HashSet::default();
    let mut stack: Vec<UnitIdx> = (topo.services[service].paths.iter())
        .map(|&p| topo.paths[p].chain)
        .collect();
    let mut needs = Vec::new();
    while let Some(u) = stack.pop() {
        if !seen.insert(u) {
            continue;
        }
        if seen.len() > DATA_WALK_BUDGET || out.needs.len() >= DATA_PER_SERVICE {
            out.partial = true;
            break;
        }
        let unit = topo.unit(u);
        needs.clear();
        unit.needs(&mut needs);
        stack.extend(needs.iter().map(|(n, _)| *n));
        if let Some(res) = unit.depended()
            && is_stateful(estate, res)
            && !out.needs.contains(&res)
        {
            out.needs.push(res);
        }
    }
    out
}

/// One stateful resource user-facing paths depend on, with its copies: a row of the
/// Backups view and report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataProtection {
    pub name: String,
    pub id: String,
    /// Its snapshot kind (`db_instance`, `dynamodb_table`, ...).
    pub kind: Kind,
    pub region: String,
    /// The services whose paths need it (none for paths outside any service).
    pub services: Vec<String>,
    pub copies: Vec<DataCopy>,
    /// The newest AWS Backup recovery point, any Region.
    pub newest_recovery_point: Option<String>,
    /// The best copy outside its Region: what a Region loss restores from.
    pub after_region_loss: Option<DataCopy>,
    /// The newest recovery point at home, when much older than its plan's schedule.
    pub stale: Option<Stale>,
}

/// Every stateful resource some user-facing path depends on, with its copies,
/// by Region then name. Linear in the units of the estate.
pub fn inventory(estate: &Estate, topo: &Topology) -> Vec<DataProtection> {
    let mut users: HashMap<ResIdx, Vec<String>> = HashMap::default();
    for (s, data) in topo.data.iter().enumerate() {
        for &res in &data.needs {
            users
                .entry(res)
                .or_default()
                .push(topo.services[s].name.clone());
        }
    }
    let mut out: Vec<DataProtection> = (topo.depended_resources().into_keys())
        .filter_map(|res| protection(estate, &topo.backups, res))
        .map(|p| {
            let r = estate.resource(p.res);
            let newest = (p.copies.iter())
                .filter_map(|c| c.at.as_ref())
                .max_by_key(|at| epoch_seconds(at))
                .cloned();
            DataProtection {
                name: p.name.clone(),
                id: r.id.clone(),
                kind: r.kind(),
                region: p.region.clone(),
                services: users.remove(&p.res).unwrap_or_default(),
                after_region_loss: p.outside(&p.region).first().map(|c| (*c).clone()),
                newest_recovery_point: newest,
                stale: p.stale.clone(),
                copies: p.copies,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.region, &a.name, &a.id).cmp(&(&b.region, &b.name, &b.id)));
    out
}

/// Seconds since the Unix epoch of an RFC 3339 time (`2026-11-20T09:30:00Z`, with
/// optional fractions and offsets); `None` when it is not one.
pub fn epoch_seconds(t: &str) -> Option<i64> {
    let t = t.trim();
    let (date, rest) = t.split_once(['T', 't', ' '])?;
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let time_end = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (clock, zone) = rest.split_at(time_end);
    let clock = clock.split('.').next()?;
    let mut c = clock.split(':').map(|x| x.parse::<i64>().ok());
    let (h, min, s) = (c.next()??, c.next()??, c.next().flatten().unwrap_or(0));
    let offset = match zone.chars().next() {
        Some('+' | '-') => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let mut z = zone[1..].split(':').map(|x| x.parse::<i64>().ok());
            sign * (z.next()?? * 3600 + z.next().flatten().unwrap_or(0) * 60)
        }
        _ => 0,
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 || s > 60 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + min * 60 + s - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_times_count_seconds_from_the_epoch() {
        assert_eq!(epoch_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(epoch_seconds("2026-11-20T09:30:00Z"), Some(1_795_167_000));
        assert_eq!(
            epoch_seconds("2026-11-20T10:30:00+01:00"),
            epoch_seconds("2026-11-20T09:30:00Z")
        );
        assert_eq!(
            epoch_seconds("2026-11-20T09:30:00.123Z"),
            Some(1_795_167_000)
        );
        assert_eq!(epoch_seconds("not a time"), None);
        assert_eq!(epoch_seconds("2026-13-01T00:00:00Z"), None);
    }
}
