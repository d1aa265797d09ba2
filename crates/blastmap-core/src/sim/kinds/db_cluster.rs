//! DB clusters: Aurora, and Multi-AZ DB clusters (`../shared/domain.md` §4).
//!
//! Instances are placed per member (`DBClusterMembers[]` and each member's AZ,
//! never the cluster's list of eligible AZs).
//! - Writer's AZ lost, a reader survives elsewhere: failover (`degraded`);
//!   Multi-AZ DB clusters typically in under 35 s.
//! - Writer's AZ lost and no reader survives: Aurora creates a new instance;
//!   `down` until then.
//! - Global database: losing the primary's Region can fail over to a secondary
//!   Region (managed failover, minutes).
//!
//! (AmazonRDS/latest/AuroraUserGuide/aurora-failover.html)

use foldhash::HashMap;

use crate::model::{AzIdx, Estate, Facts, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason};
use crate::sim::topology::{Compiler, UnitIdx};
use crate::sim::{LostDomains, Status};
use crate::text::count;

use super::rds::{all_lost, down_with_region, standby_place};
use super::{Rule, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClusterKind {
    Aurora,
    /// Multi-AZ DB cluster: a writer and two readable standbys.
    MultiAz,
}

#[derive(Debug, Clone)]
pub struct Cluster {
    pub(crate) cluster: ResIdx,
    pub(crate) region: RegionIdx,
    pub(crate) kind: ClusterKind,
    pub(crate) writer: Option<(ResIdx, AzIdx)>,
    pub(crate) readers: Vec<(ResIdx, AzIdx)>,
    /// Other clusters of the same global database: cluster, Region, whether it has a writer.
    pub(crate) global_peers: Vec<(ResIdx, RegionIdx, bool)>,
    /// The writer is a member the scan could not read (a coverage gap): where it is,
    /// and so whether it survives, is unknown.
    pub(crate) writer_unread: bool,
}

/// What losing AZs or Regions does to a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClusterCause {
    /// The writer's AZ is lost and a reader (or standby) elsewhere takes over.
    Failover {
        cluster: ResIdx,
        kind: ClusterKind,
        from: AzIdx,
        to: Option<AzIdx>,
    },
    /// Every instance lost: nothing to fail over to.
    AllLost {
        cluster: ResIdx,
        azs: Vec<AzIdx>,
    },
    /// Aurora's writer lost with no reader in another AZ.
    WriterLost {
        cluster: ResIdx,
        az: AzIdx,
    },
    ReadersLost {
        cluster: ResIdx,
        lost: u32,
        azs: Vec<AzIdx>,
    },
    NoWriter {
        cluster: ResIdx,
    },
    /// A note: the writer could not be read, and the verdict assumes it survives.
    WriterUnread {
        cluster: ResIdx,
    },
    /// Lost with its Region; its global database can fail over to `to`.
    GlobalFailover {
        cluster: ResIdx,
        region: RegionIdx,
        to: RegionIdx,
    },
    /// A secondary cluster of a global database whose primary's Region is lost.
    GlobalPrimaryLost {
        cluster: ResIdx,
        primary: ResIdx,
        region: RegionIdx,
    },
}

impl ClusterCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            ClusterCause::Failover { cluster, .. }
            | ClusterCause::AllLost { cluster, .. }
            | ClusterCause::WriterLost { cluster, .. }
            | ClusterCause::ReadersLost { cluster, .. }
            | ClusterCause::NoWriter { cluster }
            | ClusterCause::WriterUnread { cluster }
            | ClusterCause::GlobalFailover { cluster, .. }
            | ClusterCause::GlobalPrimaryLost { cluster, .. } => *cluster,
        }
    }

    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        let region = |r: RegionIdx| estate.region_name(r);
        match self {
            ClusterCause::Failover {
                cluster,
                kind,
                from,
                to,
            } => {
                let to = standby_place(estate, *to);
                match kind {
                    ClusterKind::MultiAz => format!(
                        "{} lost its writer in {}: failover to a standby in {to} (typically under 35 s)",
                        name(*cluster),
                        estate.az_id(*from)
                    ),
                    ClusterKind::Aurora => format!(
                        "{} lost its writer in {}: failover to the reader in {to} (a brief write outage)",
                        name(*cluster),
                        estate.az_id(*from)
                    ),
                }
            }
            ClusterCause::AllLost { cluster, azs } => all_lost(estate, *cluster, azs),
            ClusterCause::WriterLost { cluster, az } => format!(
                "{} lost its writer in {} and has no reader in another AZ: down until Aurora creates a new instance",
                name(*cluster),
                estate.az_id(*az)
            ),
            ClusterCause::ReadersLost { cluster, lost, azs } => format!(
                "{} lost {} in {}; its other instances keep serving",
                name(*cluster),
                count(*lost, "reader", "readers"),
                crate::sim::reason::az_list(estate, azs)
            ),
            ClusterCause::NoWriter { cluster } => {
                format!("{} has no writer instance", name(*cluster))
            }
            ClusterCause::WriterUnread { cluster } => format!(
                "{}'s writer could not be read (a coverage gap): assuming it is not in a lost AZ",
                name(*cluster)
            ),
            ClusterCause::GlobalFailover {
                cluster,
                region: r,
                to,
            } => format!(
                "{} is lost with {}: its global database can fail over to {} (managed failover, minutes)",
                name(*cluster),
                region(*r),
                region(*to)
            ),
            ClusterCause::GlobalPrimaryLost {
                cluster,
                primary,
                region: r,
            } => format!(
                "{}'s global primary {} is lost with {}: reads go on, writes wait until {} is promoted (managed failover, minutes)",
                name(*cluster),
                name(*primary),
                region(*r),
                name(*cluster)
            ),
        }
    }
}

/// The clusters of each global database, indexed once per estate.
pub(crate) fn global_peers(estate: &Estate) -> HashMap<&str, Vec<(ResIdx, RegionIdx, bool)>> {
    let mut peers: HashMap<&str, Vec<(ResIdx, RegionIdx, bool)>> = HashMap::default();
    for (i, r) in estate.resources().iter().enumerate() {
        if let Facts::DbCluster(c) = &r.facts
            && let Some(g) = &c.global_cluster
        {
            let has_writer = c.members.iter().any(|m| m.writer);
            peers
                .entry(g.as_str())
                .or_default()
                .push((ResIdx(i as u32), r.region, has_writer));
        }
    }
    peers
}

/// Compiles a cluster depended upon. One without member instances (Aurora Serverless
/// v1) manages capacity across the Region's AZs: lost only with the Region.
pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let estate = c.estate;
    let r = estate.resource(res);
    let Facts::DbCluster(f) = &r.facts else {
        return None;
    };
    if f.members.is_empty() {
        return Some(super::placed::compile(c, res));
    }
    let mut writer = None;
    let mut writer_unread = false;
    let mut readers = Vec::new();
    let mut touches = vec![c.key_region(r.region)];
    for m in &f.members {
        let Some(inst) = estate.find(&m.instance) else {
            writer_unread |= m.writer;
            continue;
        };
        let Some(az) = estate.resource(inst).az else {
            continue;
        };
        touches.push(c.key_az(az));
        if m.writer {
            writer = Some((inst, az));
        } else {
            readers.push((inst, az));
        }
    }
    let global_peers: Vec<(ResIdx, RegionIdx, bool)> = (f.global_cluster.as_deref())
        .and_then(|g| c.indexes.global_peers.get(g))
        .map(|peers| {
            peers
                .iter()
                .copied()
                .filter(|(p, _, _)| *p != res)
                .collect()
        })
        .unwrap_or_default();
    touches.extend(global_peers.iter().map(|(_, reg, _)| c.key_region(*reg)));
    let unit = Cluster {
        cluster: res,
        region: r.region,
        kind: if f.is_multi_az_db_cluster() {
            ClusterKind::MultiAz
        } else {
            ClusterKind::Aurora
        },
        writer,
        readers,
        global_peers,
        writer_unread,
    };
    Some(c.push(Unit::Cluster(unit), touches))
}

impl Rule for Cluster {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        if lost.region(self.region) {
            return match self.global_peers.iter().find(|(_, r, _)| !lost.region(*r)) {
                Some(&(_, to, _)) => one(
                    Status::Degraded,
                    ClusterCause::GlobalFailover {
                        cluster: self.cluster,
                        region: self.region,
                        to,
                    },
                ),
                None => down_with_region(self.cluster, self.region),
            };
        }
        match self.cause(lost) {
            Some((effect, cause)) => one(effect, cause),
            None => Outcome::from_reasons(Vec::new(), None),
        }
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        (
            estate.resource(self.cluster).name.clone(),
            format!(
                "{}, {}",
                match self.kind {
                    ClusterKind::Aurora => "Aurora cluster",
                    ClusterKind::MultiAz => "Multi-AZ DB cluster",
                },
                count(self.readers.len(), "reader", "readers")
            ),
        )
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.cluster)
    }

    /// Storage spans three AZs: a cluster whose instances are lost is down until new
    /// ones are created, not gone; only its Region takes it.
    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        lost.region(self.region)
    }
}

fn one(effect: Status, cause: ClusterCause) -> Outcome {
    Outcome::from_reasons(vec![Reason::new(effect, Cause::Cluster(cause))], None)
}

impl Cluster {
    /// What AZ losses (the Region survives) do to the cluster.
    fn cause(&self, lost: &LostDomains) -> Option<(Status, ClusterCause)> {
        let lost_readers: Vec<AzIdx> = (self.readers.iter())
            .filter(|(_, az)| lost.az(*az))
            .map(|(_, az)| *az)
            .collect();
        let surviving_reader = self.readers.iter().find(|(_, az)| !lost.az(*az));
        let readers_lost = || {
            (
                Status::Degraded,
                ClusterCause::ReadersLost {
                    cluster: self.cluster,
                    lost: lost_readers.len() as u32,
                    azs: dedup(&lost_readers),
                },
            )
        };
        match self.writer {
            // A secondary cluster of a global database serves reads only.
            None if !self.global_peers.is_empty() => {
                let primary_lost =
                    (self.global_peers.iter()).find(|(_, r, writer)| *writer && lost.region(*r));
                if surviving_reader.is_none() && !self.readers.is_empty() {
                    Some((
                        Status::Down,
                        ClusterCause::AllLost {
                            cluster: self.cluster,
                            azs: dedup(&lost_readers),
                        },
                    ))
                } else if let Some(&(primary, region, _)) = primary_lost {
                    Some((
                        Status::Degraded,
                        ClusterCause::GlobalPrimaryLost {
                            cluster: self.cluster,
                            primary,
                            region,
                        },
                    ))
                } else if !lost_readers.is_empty() {
                    Some(readers_lost())
                } else {
                    None
                }
            }
            None if self.writer_unread && !lost_readers.is_empty() => Some(readers_lost()),
            None if self.writer_unread => Some((
                Status::Ok,
                ClusterCause::WriterUnread {
                    cluster: self.cluster,
                },
            )),
            None => Some((
                Status::Down,
                ClusterCause::NoWriter {
                    cluster: self.cluster,
                },
            )),
            Some((_, waz)) if lost.az(waz) => Some(match (surviving_reader, self.kind) {
                (Some(&(_, to)), kind) => (
                    Status::Degraded,
                    ClusterCause::Failover {
                        cluster: self.cluster,
                        kind,
                        from: waz,
                        to: Some(to),
                    },
                ),
                (None, ClusterKind::Aurora) => (
                    Status::Down,
                    ClusterCause::WriterLost {
                        cluster: self.cluster,
                        az: waz,
                    },
                ),
                (None, ClusterKind::MultiAz) => {
                    let mut azs = vec![waz];
                    azs.extend(lost_readers.iter().copied());
                    (
                        Status::Down,
                        ClusterCause::AllLost {
                            cluster: self.cluster,
                            azs: dedup(&azs),
                        },
                    )
                }
            }),
            Some(_) if !lost_readers.is_empty() => Some(readers_lost()),
            Some(_) => None,
        }
    }
}

fn dedup(azs: &[AzIdx]) -> Vec<AzIdx> {
    let mut v = azs.to_vec();
    v.sort_unstable();
    v.dedup();
    v
}
