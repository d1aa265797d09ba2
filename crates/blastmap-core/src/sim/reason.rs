//! Why a path, hop or database has the status it has: structured, then one sentence.

use crate::model::{AzIdx, Estate, RegionIdx, ResIdx};

use super::{Status, Unit};
use crate::text::{count, verb};

/// One reason, with the status it implies on its own (`Ok` for a note).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub effect: Status,
    pub cause: Cause,
}

/// How a database keeps (or fails to keep) serving.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbKind {
    /// Multi-AZ DB instance deployment: one synchronous standby.
    MultiAzInstance,
    /// Multi-AZ DB cluster: a writer and two readable standbys.
    MultiAzCluster,
    Aurora,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    NothingLost,
    RegionLost {
        res: ResIdx,
        region: RegionIdx,
    },
    LbAllNodesLost {
        lb: ResIdx,
        azs: Vec<AzIdx>,
    },
    /// A load balancer node lost while the targets it served are gone too or served elsewhere.
    LbNodeLost {
        lb: ResIdx,
        az: AzIdx,
    },
    NoServingTargets {
        tg: ResIdx,
        registered: u32,
    },
    NoTargetsLeft {
        tg: ResIdx,
    },
    TargetsLost {
        tg: ResIdx,
        az: AzIdx,
        lost: u32,
        serving: u32,
        units: u64,
        unit: Unit,
    },
    EgressLost {
        nat: ResIdx,
        az: Option<AzIdx>,
        region: RegionIdx,
        hard: bool,
        targets: u32,
        target_azs: Vec<AzIdx>,
    },
    DbLost {
        db: ResIdx,
        az: AzIdx,
        backups: bool,
    },
    DbFailover {
        db: ResIdx,
        kind: DbKind,
        from: AzIdx,
        to: Option<AzIdx>,
    },
    DbStandbyLost {
        db: ResIdx,
        az: AzIdx,
    },
    DbAllLost {
        db: ResIdx,
        azs: Vec<AzIdx>,
    },
    ClusterWriterLost {
        cluster: ResIdx,
        az: AzIdx,
    },
    ClusterReadersLost {
        cluster: ResIdx,
        lost: u32,
        azs: Vec<AzIdx>,
    },
    ClusterNoWriter {
        cluster: ResIdx,
    },
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
    ResourceLost {
        res: ResIdx,
        az: Option<AzIdx>,
        region: RegionIdx,
    },
    /// Registered instance targets a scan could not read, so not counted.
    TargetsUnread {
        tg: ResIdx,
        count: u32,
    },
    /// Services a scan could not read in the load balancer's account and Region.
    CoverageGap {
        lb: ResIdx,
        services: Vec<crate::model::Service>,
    },
    /// A dependency's own reason, seen from the path that needs it.
    Dependency {
        via: ResIdx,
        hard: bool,
        declared: bool,
        inner: Box<Reason>,
    },
}

impl Reason {
    pub fn new(effect: Status, cause: Cause) -> Self {
        Reason { effect, cause }
    }

    /// The resource that failed, looking through dependencies.
    pub fn culprit(&self) -> Option<ResIdx> {
        match &self.cause {
            Cause::NothingLost => None,
            Cause::RegionLost { res, .. } | Cause::ResourceLost { res, .. } => Some(*res),
            Cause::LbAllNodesLost { lb, .. } | Cause::LbNodeLost { lb, .. } => Some(*lb),
            Cause::NoServingTargets { tg, .. }
            | Cause::NoTargetsLeft { tg }
            | Cause::TargetsLost { tg, .. } => Some(*tg),
            Cause::EgressLost { nat, .. } => Some(*nat),
            Cause::TargetsUnread { tg, .. } => Some(*tg),
            Cause::CoverageGap { lb, .. } => Some(*lb),
            Cause::DbLost { db, .. }
            | Cause::DbFailover { db, .. }
            | Cause::DbStandbyLost { db, .. }
            | Cause::DbAllLost { db, .. } => Some(*db),
            Cause::ClusterWriterLost { cluster, .. }
            | Cause::ClusterReadersLost { cluster, .. }
            | Cause::ClusterNoWriter { cluster }
            | Cause::GlobalFailover { cluster, .. }
            | Cause::GlobalPrimaryLost { cluster, .. } => Some(*cluster),
            Cause::Dependency { inner, via, .. } => inner.culprit().or(Some(*via)),
        }
    }

    /// The reason as one sentence naming the resource and where it was lost.
    pub fn describe(&self, estate: &Estate) -> String {
        let name = |r: ResIdx| estate.resource(r).name.as_str();
        let az = |a: AzIdx| estate.az_id(a);
        let azs = |list: &[AzIdx]| list.iter().map(|a| az(*a)).collect::<Vec<_>>().join(", ");
        let region = |r: RegionIdx| estate.region_name(r);
        match &self.cause {
            Cause::NothingLost => "nothing on this path is in a lost domain".to_string(),
            Cause::RegionLost { res, region: r } => {
                format!("{} is in {}, which is lost", name(*res), region(*r))
            }
            Cause::LbAllNodesLost { lb, azs: lost } => format!(
                "every enabled AZ of {} is lost ({}): no load balancer node is left",
                name(*lb),
                azs(lost)
            ),
            Cause::LbNodeLost { lb, az: a } => format!(
                "{} lost its node in {}; the surviving nodes take its traffic at no capacity cost",
                name(*lb),
                az(*a)
            ),
            Cause::NoServingTargets { tg, registered } => format!(
                "{} has no healthy target in an enabled AZ even before any loss ({} registered)",
                name(*tg),
                registered
            ),
            Cause::NoTargetsLeft { tg } => format!("{} has no healthy target left", name(*tg)),
            Cause::TargetsLost {
                tg,
                az: a,
                lost,
                serving,
                units,
                unit,
            } => {
                let extra = match unit {
                    Unit::Vcpu => format!(" ({units} vCPU)"),
                    Unit::Targets => String::new(),
                };
                let what = match (lost, serving) {
                    (1, 1) => "its only healthy target".to_string(),
                    (l, s) if l == s => format!("all {s} of its healthy targets"),
                    (l, s) => format!("{l} of its {s} healthy targets"),
                };
                format!("{} lost {what} in {}{extra}", name(*tg), az(*a))
            }
            Cause::EgressLost {
                nat,
                az: a,
                region: r,
                hard,
                targets,
                target_azs,
            } => {
                let place = a.map_or_else(|| region(*r).to_string(), |a| az(a).to_string());
                let consequence = match (*hard, *targets == 1) {
                    (true, true) => {
                        "loses internet egress, which it needs to serve (declared hard)"
                    }
                    (true, false) => {
                        "lose internet egress, which they need to serve (declared hard)"
                    }
                    (false, _) => verb(*targets, "loses internet egress", "lose internet egress"),
                };
                format!(
                    "NAT gateway {} in {place} is lost: {} in {} {consequence}",
                    name(*nat),
                    count(*targets, "target", "targets"),
                    azs(target_azs)
                )
            }
            Cause::DbLost { db, az: a, backups } => {
                let recovery = if *backups {
                    "recovery is a point-in-time restore into another AZ"
                } else {
                    "it has no automated backups, so it cannot be restored"
                };
                format!(
                    "{} (single-AZ RDS instance) is lost in {}; {recovery}",
                    name(*db),
                    az(*a)
                )
            }
            Cause::DbFailover { db, kind, from, to } => {
                // Where the standby is, when the API reports it (moto, for one, never does).
                let to = to.map_or_else(|| "another AZ".to_string(), |t| az(t).to_string());
                match kind {
                    DbKind::MultiAzInstance => format!(
                        "{} lost its primary in {}: failover to the standby in {to} (typically 60–120 s without writes)",
                        name(*db),
                        az(*from)
                    ),
                    DbKind::MultiAzCluster => format!(
                        "{} lost its writer in {}: failover to a standby in {to} (typically under 35 s)",
                        name(*db),
                        az(*from)
                    ),
                    DbKind::Aurora => format!(
                        "{} lost its writer in {}: failover to the reader in {to} (a brief write outage)",
                        name(*db),
                        az(*from)
                    ),
                }
            }
            Cause::DbStandbyLost { db, az: a } => format!(
                "{} lost its standby in {}: it keeps serving with no redundancy left",
                name(*db),
                az(*a)
            ),
            Cause::DbAllLost { db, azs: lost } => format!(
                "{} lost every instance ({}): nothing is left to fail over to",
                name(*db),
                azs(lost)
            ),
            Cause::ClusterWriterLost { cluster, az: a } => format!(
                "{} lost its writer in {} and has no reader in another AZ: down until Aurora creates a new instance",
                name(*cluster),
                az(*a)
            ),
            Cause::ClusterReadersLost {
                cluster,
                lost,
                azs: lost_azs,
            } => format!(
                "{} lost {} in {}; its other instances keep serving",
                name(*cluster),
                count(*lost, "reader", "readers"),
                azs(lost_azs)
            ),
            Cause::ClusterNoWriter { cluster } => {
                format!("{} has no writer instance", name(*cluster))
            }
            Cause::GlobalFailover {
                cluster,
                region: r,
                to,
            } => format!(
                "{} is lost with {}: its global database can fail over to {} (managed failover, minutes)",
                name(*cluster),
                region(*r),
                region(*to)
            ),
            Cause::GlobalPrimaryLost {
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
            Cause::ResourceLost {
                res,
                az: a,
                region: r,
            } => {
                let place = a.map_or_else(|| region(*r).to_string(), |a| az(a).to_string());
                format!(
                    "{} ({}) is lost in {place}",
                    name(*res),
                    estate.resource(*res).kind().label()
                )
            }
            Cause::TargetsUnread { tg, count: n } => format!(
                "{} of {} could not be read (a coverage gap) and {} not counted",
                count(*n, "registered target", "registered targets"),
                name(*tg),
                verb(*n, "is", "are")
            ),
            Cause::CoverageGap { lb, services } => {
                let r = estate.resource(*lb);
                let names: Vec<&str> = services.iter().map(|s| s.name()).collect();
                format!(
                    "incomplete data: {} could not be read in {} {}, so this verdict does not see what it holds",
                    names.join(", "),
                    estate.account(r.account).name,
                    region(r.region)
                )
            }
            Cause::Dependency {
                via,
                hard,
                declared,
                inner,
            } => {
                let origin = if *declared {
                    "declared"
                } else {
                    "inferred from security groups"
                };
                let strength = if *hard { "" } else { "soft, " };
                format!(
                    "depends on {} ({strength}{origin}): {}",
                    name(*via),
                    inner.describe(estate)
                )
            }
        }
    }
}
