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
    /// A Multi-AZ instance fails over to its standby (`to`, when AWS reports where it is).
    Failover {
        db: ResIdx,
        from: AzIdx,
        to: Option<AzIdx>,
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
            RdsCause::Failover { db, from, to } => format!(
                "{} lost its primary in {}: failover to the standby in {} (typically 60–120 s without writes)",
                name(*db),
                estate.az_id(*from),
                standby_place(estate, *to)
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
    let unit = Rds {
        db: res,
        region: r.region,
        az,
        multi_az: db.multi_az,
        standby,
        backups: db.backup_retention_days > 0,
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
            match (primary_lost, standby_lost) {
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
}
