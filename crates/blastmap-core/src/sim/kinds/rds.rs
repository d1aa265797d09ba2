//! RDS DB instances outside a cluster (`../shared/domain.md` §4).
//!
//! - Single-AZ: lost with its AZ (`down`); recovery is a point-in-time restore
//!   into another AZ, possible only with automated backups.
//! - Multi-AZ instance: losing the primary's AZ fails over to the standby
//!   (typically 60–120 s, `degraded`); losing only the standby's AZ leaves it
//!   without redundancy (`degraded`); both: `down`.
//! - A read replica is judged as the single instance it is.
//!
//! (AmazonRDS/latest/UserGuide/Concepts.MultiAZ.Failover.html)

use crate::model::{AzIdx, EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason, az_list};
use crate::sim::topology::{Compiler, UnitIdx, linked};
use crate::sim::{LostDomains, Status};

use super::{Rule, Unit};

#[derive(Debug, Clone)]
pub struct Rds {
    pub(crate) db: ResIdx,
    pub(crate) region: RegionIdx,
    pub(crate) az: AzIdx,
    pub(crate) multi_az: bool,
    pub(crate) standby: Option<AzIdx>,
    pub(crate) backups: bool,
    /// For a Multi-AZ instance whose standby AZ AWS did not report: the other AZs of
    /// its Region the standby may be in.
    pub(crate) standby_could_be: Vec<AzIdx>,
    /// A read replica's source instance.
    pub(crate) source: Option<ResIdx>,
}

/// What losing AZs does to an RDS instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RdsCause {
    /// A single-AZ instance lost with its AZ.
    Lost {
        db: ResIdx,
        az: AzIdx,
        backups: bool,
    },
    /// A Multi-AZ instance fails over to its standby (`to`, when AWS reports where it
    /// is). `assumed`: AWS did not say, and other AZs it may be in are lost too.
    Failover {
        db: ResIdx,
        from: AzIdx,
        to: Option<AzIdx>,
        assumed: Vec<AzIdx>,
    },
    /// A note: the standby's AZ is not reported, and it may be in one of these lost AZs.
    StandbyUnknown {
        db: ResIdx,
        lost: Vec<AzIdx>,
    },
    StandbyLost {
        db: ResIdx,
        az: AzIdx,
    },
    /// Primary and standby both lost.
    AllLost {
        db: ResIdx,
        azs: Vec<AzIdx>,
    },
}

impl RdsCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            RdsCause::Lost { db, .. }
            | RdsCause::Failover { db, .. }
            | RdsCause::StandbyLost { db, .. }
            | RdsCause::StandbyUnknown { db, .. }
            | RdsCause::AllLost { db, .. } => *db,
        }
    }

    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        match self {
            RdsCause::Lost { db, az, backups } => {
                let recovery = if *backups {
                    "recovery is a point-in-time restore into another AZ"
                } else {
                    "it has no automated backups, so it cannot be restored"
                };
                format!(
                    "{} (single-AZ RDS instance) is lost in {}; {recovery}",
                    name(*db),
                    estate.az_id(*az)
                )
            }
            RdsCause::Failover {
                db,
                from,
                to,
                assumed,
            } => {
                let assumption = if assumed.is_empty() {
                    String::new()
                } else {
                    format!(
                        ", assuming the standby is not in {} (AWS did not report its AZ)",
                        or_list(estate, assumed)
                    )
                };
                format!(
                    "{} lost its primary in {}: failover to the standby in {} (typically 60–120 s without writes){assumption}",
                    name(*db),
                    estate.az_id(*from),
                    standby_place(estate, *to)
                )
            }
            RdsCause::StandbyUnknown { db, lost } => format!(
                "{}'s Multi-AZ standby AZ is not reported: assuming it is not in {}; if it is, {} keeps serving with no redundancy left",
                name(*db),
                or_list(estate, lost),
                name(*db)
            ),
            RdsCause::StandbyLost { db, az } => format!(
                "{} lost its standby in {}: it keeps serving with no redundancy left",
                name(*db),
                estate.az_id(*az)
            ),
            RdsCause::AllLost { db, azs } => all_lost(estate, *db, azs),
        }
    }
}

/// Where a standby is, when the API reports it (moto, for one, never does).
pub(crate) fn standby_place(estate: &Estate, to: Option<AzIdx>) -> String {
    to.map_or_else(|| "another AZ".to_string(), |t| estate.az_id(t).to_string())
}

/// `use1-az2 or use1-az3`.
fn or_list(estate: &Estate, azs: &[AzIdx]) -> String {
    azs.iter()
        .map(|a| estate.az_id(*a))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A database that lost every instance it could fail over to.
pub(crate) fn all_lost(estate: &Estate, db: ResIdx, azs: &[AzIdx]) -> String {
    format!(
        "{} lost every instance ({}): nothing is left to fail over to",
        estate.resource(db).name,
        az_list(estate, azs)
    )
}

/// Compiles a DB instance depended upon: its cluster's unit if it is a member.
pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let estate = c.estate;
    if let Some(cluster) = linked(estate, res, EdgeKind::MemberOf, Kind::DbCluster) {
        return c.dependency(cluster);
    }
    let r = estate.resource(res);
    let Facts::DbInstance(db) = &r.facts else {
        return None;
    };
    let az = r.az?;
    let standby = db.secondary_az.as_deref().and_then(|a| c.az(a));
    let mut touches = vec![c.key_region(r.region), c.key_az(az)];
    touches.extend(standby.map(|a| c.key_az(a)));
    // Where an unreported standby may be: the account's other AZs in the Region.
    let standby_could_be: Vec<AzIdx> = if db.multi_az && standby.is_none() {
        let account = &estate.account(r.account).az_names;
        let mut azs: Vec<AzIdx> = (0..estate.azs().len())
            .map(|i| AzIdx(i as u16))
            .filter(|&a| a != az && estate.az(a).region == r.region)
            .filter(|a| account.is_empty() || account.contains_key(a))
            .collect();
        azs.sort_by_key(|a| estate.az_id(*a));
        azs
    } else {
        Vec::new()
    };
    touches.extend(standby_could_be.iter().map(|&a| c.key_az(a)));
    let unit = Rds {
        db: res,
        region: r.region,
        az,
        multi_az: db.multi_az,
        standby,
        backups: db.backup_retention_days > 0,
        standby_could_be,
        source: db
            .read_replica_source
            .as_deref()
            .and_then(|s| estate.find(s)),
    };
    Some(c.push(Unit::Rds(unit), touches))
}

/// Every unit lost with its Region says so the same way.
pub(crate) fn down_with_region(res: ResIdx, region: RegionIdx) -> Outcome {
    Outcome::from_reasons(
        vec![Reason::new(Status::Down, Cause::RegionLost { res, region })],
        None,
    )
}

impl Rule for Rds {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        let r = self;
        if lost.region(r.region) {
            return down_with_region(r.db, r.region);
        }
        let primary_lost = lost.az(r.az);
        let cause = if !r.multi_az {
            primary_lost.then_some((
                Status::Down,
                RdsCause::Lost {
                    db: r.db,
                    az: r.az,
                    backups: r.backups,
                },
            ))
        } else {
            let standby_lost = r.standby.filter(|s| lost.az(*s));
            // Unreported standby: where it may be, and which of those are lost.
            let maybe_lost: Vec<AzIdx> = (r.standby_could_be.iter())
                .copied()
                .filter(|a| lost.az(*a))
                .collect();
            let nowhere_left =
                !r.standby_could_be.is_empty() && maybe_lost.len() == r.standby_could_be.len();
            match (primary_lost, standby_lost) {
                (true, None) if nowhere_left => Some((
                    Status::Down,
                    RdsCause::AllLost {
                        db: r.db,
                        azs: std::iter::once(r.az).chain(maybe_lost).collect(),
                    },
                )),
                (false, None) if !maybe_lost.is_empty() => Some((
                    Status::Ok,
                    RdsCause::StandbyUnknown {
                        db: r.db,
                        lost: maybe_lost,
                    },
                )),
                (true, Some(standby)) => Some((
                    Status::Down,
                    RdsCause::AllLost {
                        db: r.db,
                        azs: vec![r.az, standby],
                    },
                )),
                (true, None) => Some((
                    Status::Degraded,
                    RdsCause::Failover {
                        db: r.db,
                        from: r.az,
                        to: r.standby,
                        assumed: maybe_lost,
                    },
                )),
                (false, Some(standby)) => Some((
                    Status::Degraded,
                    RdsCause::StandbyLost {
                        db: r.db,
                        az: standby,
                    },
                )),
                (false, None) => None,
            }
        };
        let reasons = cause
            .map(|(effect, cause)| Reason::new(effect, Cause::Rds(cause)))
            .into_iter()
            .collect();
        Outcome::from_reasons(reasons, None)
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        (
            estate.resource(self.db).name.clone(),
            format!(
                "RDS instance, {}",
                if self.multi_az {
                    "Multi-AZ"
                } else {
                    "single-AZ"
                }
            ),
        )
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.db)
    }

    /// A Multi-AZ instance whose primary's AZ is lost fails over: gone only when its
    /// standby is lost too (or every AZ an unreported standby may be in).
    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        let standby_lost = match (self.standby, self.standby_could_be.as_slice()) {
            (Some(s), _) => lost.az(s),
            (None, []) => false,
            (None, could_be) => could_be.iter().all(|a| lost.az(*a)),
        };
        lost.region(self.region) || (lost.az(self.az) && (!self.multi_az || standby_lost))
    }
}
