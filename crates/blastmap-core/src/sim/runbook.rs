//! From a verdict to what an on-call engineer does now (`../shared/domain.md` §10):
//! per user-facing path, worst first, the zonal shift to start when it is enabled and
//! the surviving AZs carry the load (a warning instead when they would not), what
//! recovers by itself, and what needs a human. blastmap prints the commands; it never
//! runs them.

use foldhash::HashMap;
use serde::Serialize;

use crate::model::{AzIdx, Domain, Estate, Facts, ResIdx};
use crate::text::shell_quote;

use super::dr::data_recovery;
use super::kinds::entry_point::EntryCause;
use super::view::Part;
use super::{Capacity, PathSummary, Status, Topology, Verdict};

/// How long a zonal shift lasts unless it is cancelled: long enough to investigate,
/// short enough not to be forgotten (ARC allows up to three days).
pub const SHIFT_EXPIRES_IN: &str = "2h";

/// The runbook of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Runbook {
    /// The lost domains, with each account's AZ name for a lost AZ.
    pub lost: Vec<LostName>,
    /// The zonal shifts to start, one per load balancer, in the order of the paths.
    pub shifts: Vec<Shift>,
    pub paths: Vec<PathSteps>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostName {
    pub domain: String,
    /// `(account name, its AZ name)` for an AZ.
    pub names: Vec<(String, String)>,
}

/// What to do for one path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PathSteps {
    pub path: PathSummary,
    pub status: Status,
    pub capacity: Capacity,
    /// The verdict's first reason, when the path is not ok.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    pub shift: ShiftAdvice,
    /// What recovers by itself, with how long the AWS docs say it takes.
    pub automatic: Vec<String>,
    /// What needs a human.
    pub human: Vec<String>,
}

/// A zonal shift to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shift {
    pub load_balancer: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    /// The AZ ID to shift away from.
    pub away_from: String,
    /// The `aws` command line, quoted for a POSIX shell.
    pub command: String,
}

/// Whether to shift the path's load balancer away from the lost AZ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "advice")]
pub enum ShiftAdvice {
    /// Shift: every path of the load balancer keeps at least half its capacity.
    Start {
        load_balancer: String,
        away_from: String,
        capacity_left_percent: u64,
        /// Zonal autoshift is on: AWS may have shifted it already.
        autoshift: bool,
    },
    /// Do not shift: the surviving AZs would not carry the load.
    WouldOverload {
        load_balancer: String,
        away_from: String,
        /// The worst of the load balancer's paths.
        capacity_left_percent: u64,
    },
    /// Every path of the load balancer is down whatever happens: nothing to shift to.
    NothingLeft { load_balancer: String },
    /// The load balancer's zonal shift attribute is off.
    NotEnabled { load_balancer: String },
    /// The snapshot does not say whether zonal shift is enabled.
    Unknown { load_balancer: String },
    /// Several AZs of the load balancer's Region are lost: a resource has one zonal
    /// shift at a time.
    SeveralAzs { load_balancer: String },
    /// A lost Region: zonal shift moves traffic between AZs of one Region only.
    RegionLost,
    /// The load balancer has no node in a lost AZ.
    NotInLostAz,
}

impl ShiftAdvice {
    pub fn describe(&self) -> String {
        match self {
            ShiftAdvice::Start {
                load_balancer,
                away_from,
                capacity_left_percent,
                autoshift,
            } => {
                let mut s = format!(
                    "shift {load_balancer} away from {away_from}: the other AZs keep {capacity_left_percent}% of its capacity"
                );
                if *autoshift {
                    s.push_str(" (zonal autoshift is on: AWS may have shifted it already; aws arc-zonal-shift list-zonal-shifts says)");
                }
                s
            }
            ShiftAdvice::NothingLeft { load_balancer } => format!(
                "do not shift {load_balancer}: none of its paths serves from the other AZs either"
            ),
            ShiftAdvice::WouldOverload {
                load_balancer,
                away_from,
                capacity_left_percent,
            } => format!(
                "do not shift {load_balancer} away from {away_from}: the other AZs would carry it on {capacity_left_percent}% of its capacity; add capacity there first"
            ),
            ShiftAdvice::NotEnabled { load_balancer } => format!(
                "{load_balancer} cannot be shifted: its zonal shift attribute is off (turn it on after the incident)"
            ),
            ShiftAdvice::Unknown { load_balancer } => format!(
                "whether {load_balancer} can be shifted is unknown: the snapshot does not say (scan again)"
            ),
            ShiftAdvice::SeveralAzs { load_balancer } => format!(
                "{load_balancer} loses several AZs: a zonal shift moves traffic away from one AZ only"
            ),
            ShiftAdvice::RegionLost => {
                "its Region is lost: zonal shift cannot help; its entry point decides".to_string()
            }
            ShiftAdvice::NotInLostAz => "no node in a lost AZ: nothing to shift".to_string(),
        }
    }
}

/// The runbook of `verdict`'s scenario.
/// Long on purpose: the runbook's sections (shifts, then path by path) in the order
/// docs/engine.md describes them, each a short loop.
pub fn runbook(estate: &Estate, topo: &Topology, verdict: &Verdict) -> Runbook {
    let lost = &verdict.lost;
    let lost_azs: Vec<AzIdx> = (lost.domains().iter())
        .filter_map(|d| match d {
            Domain::Az(az) => Some(*az),
            Domain::Region(_) => None,
        })
        .collect();
    // A load balancer is shifted only if every path through it that still serves
    // carries the load; a path down whatever happens neither helps nor stops it.
    let mut worst_left: HashMap<ResIdx, Option<u64>> = HashMap::default();
    for pv in &verdict.paths {
        let lb = topo.paths()[pv.path].lb;
        let e = worst_left.entry(lb).or_insert(None);
        if pv.status != Status::Down {
            let left = percent_left(&pv.capacity);
            *e = Some(e.map_or(left, |w| w.min(left)));
        }
    }
    let mut order: Vec<usize> = (0..verdict.paths.len()).collect();
    order.sort_by_key(|&i| {
        let pv = &verdict.paths[i];
        let lost_units = pv.capacity.before.saturating_sub(pv.capacity.after);
        (
            std::cmp::Reverse(pv.status),
            std::cmp::Reverse(lost_units),
            &topo.paths()[pv.path].id,
        )
    });
    let mut shifts: Vec<Shift> = Vec::new();
    let mut paths = Vec::new();
    for i in order {
        let pv = &verdict.paths[i];
        let parts = topo.path_parts(pv.path);
        let lb = parts.lb;
        let in_lost: Vec<AzIdx> = (parts.lb_azs.iter())
            .copied()
            .filter(|az| lost_azs.contains(az))
            .collect();
        let advice = shift_advice(
            estate,
            lb,
            lost.region(parts.region),
            &in_lost,
            worst_left.get(&lb).copied().flatten(),
        );
        if let ShiftAdvice::Start { away_from, .. } = &advice
            && !shifts.iter().any(|s| s.arn == estate.resource(lb).id)
        {
            shifts.push(shift(estate, lb, away_from));
        }
        let (mut automatic, human) = recoveries(estate, topo, verdict, pv.path);
        if let ShiftAdvice::Start { away_from, .. } = &advice {
            for &actor in &parts.recovery {
                if let Facts::AutoScalingGroup(g) = &estate.resource(actor).facts
                    && g.az_impairment.is_some_and(|p| p.zonal_shift)
                {
                    automatic.push(format!(
                        "once shifted, {} stops launching into {away_from} (its AZ impairment policy follows zonal shifts)",
                        estate.resource(actor).name
                    ));
                }
            }
        }
        paths.push(PathSteps {
            path: topo.path_summary(estate, pv.path),
            status: pv.status,
            capacity: pv.capacity,
            why: (pv.status != Status::Ok)
                .then(|| pv.reasons.first().map(|r| r.describe(estate)))
                .flatten(),
            shift: advice,
            automatic,
            human,
        });
    }
    // Per service: what its entry point does by itself, and the data a Region loss
    // leaves only in copies elsewhere (restoring or promoting it is a human's job),
    // said on the service's first path.
    let summaries = super::service_summaries(estate, topo, verdict);
    for (sv, summary) in verdict.services.iter().zip(&summaries) {
        let data = data_recovery(estate, topo, sv.service, lost);
        // Users still sent to a member that is down need a human to take it out.
        let unseen = sv.entry.as_ref().is_some_and(|e| {
            matches!(
                e.cause,
                EntryCause::SharesFail { .. } | EntryCause::PrimaryUnseen { .. }
            )
        });
        let mut first = true;
        for p in paths.iter_mut() {
            if p.path.service.as_deref() != Some(summary.name.as_str()) {
                continue;
            }
            if let Some(reason) = summary.reason.as_ref().filter(|_| p.status != Status::Ok) {
                if unseen {
                    p.human.push(format!(
                        "{reason}: take the lost member out of the entry point (or give it weight 0) until it is back"
                    ));
                } else if summary.status != Status::Down {
                    p.automatic.push(reason.clone());
                }
            }
            if std::mem::take(&mut first) {
                p.human.extend(data.iter().map(|d| d.describe()));
            }
        }
    }
    for p in &mut paths {
        if p.status == Status::Down && p.automatic.is_empty() && p.human.is_empty() {
            p.human
                .push("nothing recovers this path by itself: see why above".to_string());
        }
    }
    Runbook {
        lost: (lost.domains().iter())
            .map(|d| LostName {
                domain: estate.domain_name(*d).to_string(),
                names: match d {
                    Domain::Az(az) => (estate.az_names(*az).into_iter())
                        .map(|(a, n)| (a.to_string(), n.to_string()))
                        .collect(),
                    Domain::Region(_) => Vec::new(),
                },
            })
            .collect(),
        shifts,
        paths,
    }
}

/// Capacity left, in percent of before.
fn percent_left(c: &Capacity) -> u64 {
    (c.after * 100).checked_div(c.before).unwrap_or(100)
}

/// `worst_left`: the least capacity left among the load balancer's paths that still
/// serve, in percent; `None` when none does.
fn shift_advice(
    estate: &Estate,
    lb: ResIdx,
    region_lost: bool,
    in_lost: &[AzIdx],
    worst_left: Option<u64>,
) -> ShiftAdvice {
    let name = estate.resource(lb).name.clone();
    if region_lost {
        return ShiftAdvice::RegionLost;
    }
    let away_from = match in_lost {
        [] => return ShiftAdvice::NotInLostAz,
        [az] => estate.az_id(*az).to_string(),
        _ => {
            return ShiftAdvice::SeveralAzs {
                load_balancer: name,
            };
        }
    };
    let shift = match &estate.resource(lb).facts {
        Facts::LoadBalancer(f) => f.zonal_shift,
        _ => None,
    };
    let Some(shift) = shift else {
        return ShiftAdvice::Unknown {
            load_balancer: name,
        };
    };
    match worst_left {
        _ if !shift.enabled => ShiftAdvice::NotEnabled {
            load_balancer: name,
        },
        None => ShiftAdvice::NothingLeft {
            load_balancer: name,
        },
        // Static stability: the survivors must carry the load. Below half its capacity
        // a path is overloaded (the `low-capacity-after-az-loss` threshold).
        Some(left) if left * 2 >= 100 => ShiftAdvice::Start {
            load_balancer: name,
            away_from,
            capacity_left_percent: left,
            autoshift: shift.autoshift.unwrap_or(false),
        },
        Some(left) => ShiftAdvice::WouldOverload {
            load_balancer: name,
            away_from,
            capacity_left_percent: left,
        },
    }
}

fn shift(estate: &Estate, lb: ResIdx, away_from: &str) -> Shift {
    let r = estate.resource(lb);
    let region = estate.region_name(r.region).to_string();
    let command = format!(
        "aws arc-zonal-shift start-zonal-shift --region {} --resource-identifier {} --away-from {} --expires-in {SHIFT_EXPIRES_IN} --comment {}",
        shell_quote(&region),
        shell_quote(&r.id),
        shell_quote(away_from),
        shell_quote(&format!("blastmap runbook: {away_from} impaired")),
    );
    Shift {
        load_balancer: r.name.clone(),
        arn: r.id.clone(),
        account: estate.account(r.account).id.clone(),
        region,
        away_from: away_from.to_string(),
        command,
    }
}

/// What recovers a path by itself (relaunches, database failovers) and what needs
/// a human (a single-AZ database in a lost AZ, a writer-only Aurora cluster).
fn recoveries(
    estate: &Estate,
    topo: &Topology,
    verdict: &Verdict,
    path: usize,
) -> (Vec<String>, Vec<String>) {
    let lost = &verdict.lost;
    let parts = topo.path_parts(path);
    let pv = &verdict.paths[path];
    let (mut automatic, mut human) = (Vec::new(), Vec::new());
    if pv.capacity.after_recovery > pv.capacity.after {
        let actors: Vec<&str> = (parts.recovery.iter())
            .map(|r| estate.resource(*r).name.as_str())
            .collect();
        automatic.push(format!(
            "{} {} replacements in the surviving AZs: {} → {} {} as they boot and pass health checks",
            actors.join(", "),
            if actors.len() == 1 {
                "launches"
            } else {
                "launch"
            },
            pv.capacity.after,
            pv.capacity.after_recovery,
            pv.capacity.unit.label()
        ));
    }
    let name = |r: ResIdx| estate.resource(r).name.clone();
    let az_lost = |r: ResIdx| estate.resource(r).az.is_some_and(|az| lost.az(az));
    for dep in &parts.dependencies {
        if lost.region(estate.resource(dep.via).region) {
            continue; // a lost Region's data: see the data recovery lines
        }
        match topo.part(dep.part) {
            Part::Database {
                db,
                multi_az,
                standby,
            } if az_lost(db) => {
                if multi_az && standby.is_none_or(|s| !lost.az(s)) {
                    automatic.push(format!(
                        "RDS fails {} over to its standby (typically 60–120 seconds; AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html)",
                        name(db)
                    ));
                } else {
                    human.push(format!(
                        "{} is a single-AZ database in a lost AZ: restore it to a point in time into a surviving AZ (in account {}: {}), then point the application at it",
                        name(db),
                        estate.account(estate.resource(db).account).name,
                        restore_command(estate, db, lost)
                    ));
                }
            }
            Part::Cluster { cluster, members } => {
                let writer_lost = members.iter().any(|(m, w)| *w && az_lost(*m));
                let reader_left = members.iter().any(|(m, w)| !*w && !az_lost(*m));
                match (writer_lost, reader_left) {
                    (false, _) => {}
                    (true, true) => automatic.push(format!(
                        "{} promotes a reader in a surviving AZ to writer (Aurora: typically within 30 seconds; Multi-AZ DB cluster: typically under 35 seconds)",
                        name(cluster)
                    )),
                    (true, false) => human.push(format!(
                        "{} has no reader outside the lost AZ: Aurora tries to create a new writer, possibly in another AZ (typically under 15 minutes); watch it, and add a reader in another AZ afterwards",
                        name(cluster)
                    )),
                }
            }
            Part::Database { .. } => {}
            // A cache, table, function or other resource the path needs hard, down:
            // nothing in the estate brings it back by itself.
            _ if dep.hard && verdict.outcome(dep.part).status == Status::Down => {
                let why = (verdict.outcome(dep.part).reasons.first())
                    .map(|r| r.describe(estate))
                    .unwrap_or_else(|| format!("{} is down", name(dep.via)));
                human.push(format!("{why}: bring it back or route around it"));
            }
            _ => {}
        }
    }
    // Targets that need internet egress (declared hard) whose NAT gateway is lost.
    for e in parts.egress.iter().filter(|e| e.hard) {
        if lost.placement(e.region, e.nat_az) && e.user_azs.iter().any(|az| !lost.az(*az)) {
            human.push(format!(
                "targets in surviving AZs need internet egress through NAT gateway {}, which is lost: route their subnets through a NAT gateway in a surviving AZ",
                name(e.nat)
            ));
        }
    }
    (automatic, human)
}

/// `aws rds restore-db-instance-to-point-in-time …` into a surviving AZ of the
/// database's account, by that account's AZ name.
fn restore_command(estate: &Estate, db: ResIdx, lost: &super::LostDomains) -> String {
    let r = estate.resource(db);
    let target = (estate.azs().iter().enumerate())
        .filter(|(_, az)| az.region == r.region)
        .map(|(i, _)| AzIdx(i as u16))
        .find(|az| !lost.az(*az))
        .and_then(|az| estate.az_name(r.account, az).map(str::to_string));
    let mut cmd = format!(
        "aws rds restore-db-instance-to-point-in-time --region {} --source-db-instance-identifier {} --target-db-instance-identifier {} --use-latest-restorable-time",
        shell_quote(estate.region_name(r.region)),
        shell_quote(&r.name),
        shell_quote(&format!("{}-restored", r.name)),
    );
    if let Some(az) = target {
        cmd.push_str(&format!(" --availability-zone {}", shell_quote(&az)));
    }
    cmd
}
