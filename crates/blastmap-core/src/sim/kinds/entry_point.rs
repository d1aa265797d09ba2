//! Entry points (`../shared/domain.md` §9): Route 53 records, Global Accelerators and
//! CloudFront distributions in front of load balancers. An entry point with members
//! in several Regions is one service without any tag, and answers a loss with its
//! routing policy's real behaviour:
//!
//! - Route 53 moves traffic away from a member only if it can see it fail
//!   (`EvaluateTargetHealth` or a health check); a member it cannot see keeps
//!   getting its share when it is down (that share fails: `degraded`). Failover:
//!   PRIMARY down with a healthy, evaluated SECONDARY → `degraded` (fails over);
//!   both down, or a primary Route 53 cannot see fail → `down`.
//! - Global Accelerator health-checks its endpoints and sends traffic to healthy
//!   ones, in other endpoint groups if need be (a group dialled to 0 is a standby).
//! - CloudFront origin groups fail over to the secondary origin for reads only:
//!   writes through them fail with the primary.
//!
//! A load balancer counts as healthy while none of its paths (target groups with
//! targets) is down. (Route53/latest/DeveloperGuide/dns-failover.html,
//! routing-policy.html)

use serde::Serialize;

use crate::model::{EdgeKind, Estate, Facts, FailoverRole, Kind, RegionIdx, ResIdx, Routing};
use crate::sim::{Capacity, Status};

/// How an entry point spreads users over its members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Route 53 simple, latency, weighted, geolocation or multivalue: each member
    /// serves a share of the users.
    Shares(Routing),
    /// Route 53 failover records: a primary and a secondary.
    Failover,
    /// Global Accelerator: endpoint groups per Region, health-checked.
    Accelerator,
    /// CloudFront: an origin, or an origin group failing over for reads.
    Cdn,
}

/// What a member is to its entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Serves a share (weight, or traffic dial × weight).
    Share(u32),
    Primary,
    Secondary,
    /// A Global Accelerator endpoint in a group dialled to 0: takes traffic only when
    /// every active group's endpoints are unhealthy.
    Standby,
}

/// One member of an entry point: a load balancer (when the scan read it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The load balancer; `None` when it is outside what the scan read.
    pub lb: Option<ResIdx>,
    /// What the entry point names it by (a DNS name, an ARN, an origin domain).
    pub target: String,
    pub region: Option<RegionIdx>,
    /// The entry point can see it fail (and moves traffic away).
    pub evaluated: bool,
    pub role: Role,
    /// The user-facing paths of its load balancer.
    pub paths: Vec<usize>,
}

/// An entry point in front of a service's load balancers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub res: ResIdx,
    pub policy: Policy,
    pub members: Vec<Member>,
}

/// Entry points and the load balancers they front, read off the graph.
pub(crate) fn entries(estate: &Estate) -> Vec<Entry> {
    let mut out = Vec::new();
    for (i, r) in estate.resources().iter().enumerate() {
        let res = ResIdx(i as u32);
        let lb_of = |slot: usize| {
            estate
                .edges_from(res)
                .find(|(e, to)| {
                    e.kind == EdgeKind::RoutesTo
                        && e.target_slot == Some(slot as u32)
                        && estate.resource(*to).kind() == Kind::LoadBalancer
                })
                .map(|(_, lb)| lb)
        };
        let member = |slot: usize, target: &str, evaluated: bool, role: Role| {
            let lb = lb_of(slot);
            Member {
                lb,
                target: target.to_string(),
                region: lb.map(|l| estate.resource(l).region),
                evaluated,
                role,
                paths: Vec::new(),
            }
        };
        let (policy, members): (Policy, Vec<Member>) = match &r.facts {
            Facts::DnsRecords(d) => {
                let failover = d.routing == Routing::Failover;
                let members = (d.members.iter().enumerate())
                    .map(|(k, m)| {
                        let role = match (failover, m.failover) {
                            (true, Some(FailoverRole::Secondary)) => Role::Secondary,
                            (true, _) => Role::Primary,
                            (false, _) => Role::Share(m.weight.unwrap_or(1)),
                        };
                        member(k, &m.target, m.evaluated(), role)
                    })
                    .collect();
                let policy = if failover {
                    Policy::Failover
                } else {
                    Policy::Shares(d.routing)
                };
                (policy, members)
            }
            Facts::Accelerator(a) => {
                let mut k = 0;
                let mut members = Vec::new();
                for g in &a.endpoint_groups {
                    for ep in &g.endpoints {
                        let role = match g.traffic_dial {
                            0 => Role::Standby,
                            dial => Role::Share(u32::from(dial) * ep.weight.max(1)),
                        };
                        members.push(member(k, &ep.id, true, role));
                        k += 1;
                    }
                }
                (Policy::Accelerator, members)
            }
            Facts::Distribution(d) => {
                let group = d.origin_groups.iter().find(|g| g.id == d.default_target);
                let role_of = |id: &str| match group {
                    Some(g) if g.secondary == id => Some(Role::Secondary),
                    Some(g) if g.primary == id => Some(Role::Primary),
                    Some(_) => None,
                    None if d.default_target == id => Some(Role::Primary),
                    None => None,
                };
                let members = (d.origins.iter().enumerate())
                    .filter_map(|(k, o)| {
                        role_of(&o.id).map(|role| member(k, &o.domain, group.is_some(), role))
                    })
                    .collect();
                (Policy::Cdn, members)
            }
            _ => continue,
        };
        if members.iter().any(|m| m.lb.is_some()) {
            out.push(Entry {
                res,
                policy,
                members,
            });
        }
    }
    out
}

/// The name a service behind an entry point goes by: the record or accelerator name,
/// the distribution's first alternate domain.
pub(crate) fn name(estate: &Estate, e: &Entry) -> String {
    let r = estate.resource(e.res);
    match &r.facts {
        Facts::DnsRecords(d) => d.record_name.clone(),
        Facts::Distribution(d) => (d.aliases.first().or(d.domain.as_ref()))
            .cloned()
            .unwrap_or_else(|| r.name.clone()),
        _ => r.name.clone(),
    }
}

/// Why a service behind an entry point has the status it has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryCause {
    /// Every member is up.
    AllServing,
    /// Members down whose traffic the entry point moves to the others.
    SharesMoved { down: Vec<usize> },
    /// Members down that the entry point cannot see fail: their share of users fails.
    SharesFail { down: Vec<usize> },
    /// The primary is down; the entry point fails over to the secondary.
    FailedOver { from: usize, to: usize },
    /// The primary is down and Route 53 cannot see it: traffic keeps going to it.
    PrimaryUnseen { primary: usize },
    /// CloudFront serves reads from the secondary origin; writes fail.
    ReadsOnly { from: usize, to: usize },
    /// Every member that could serve is down.
    AllDown,
}

/// A service's verdict through its entry point: the status, why, and the share of
/// its capacity that serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryVerdict {
    pub status: Status,
    pub cause: EntryCause,
}

/// A member is up while none of its paths is down (Route 53's view of an ALB/NLB).
fn member_status(m: &Member, path: &impl Fn(usize) -> Status) -> Status {
    if m.lb.is_none() {
        // Outside the scan: not known to fail.
        return Status::Ok;
    }
    m.paths.iter().map(|&p| path(p)).max().unwrap_or(Status::Ok)
}

/// The service's status under a scenario, from its members' paths.
pub(crate) fn verdict(e: &Entry, path: &impl Fn(usize) -> Status) -> EntryVerdict {
    let statuses: Vec<Status> = e.members.iter().map(|m| member_status(m, path)).collect();
    let down = |i: &usize| statuses[*i] == Status::Down;
    let all: Vec<usize> = (0..e.members.len()).collect();
    let worst_up = (all.iter().filter(|i| !down(i)))
        .map(|&i| statuses[i])
        .max()
        .unwrap_or(Status::Ok);
    let by_role = |role: Role| (0..e.members.len()).filter(move |&i| e.members[i].role == role);
    let primary = by_role(Role::Primary).next();
    let secondary = by_role(Role::Secondary).next();
    match (e.policy, primary, secondary) {
        (Policy::Failover | Policy::Cdn, Some(p), secondary) => {
            if !down(&p) {
                return EntryVerdict {
                    status: statuses[p],
                    cause: EntryCause::AllServing,
                };
            }
            let seen = e.members[p].evaluated;
            match secondary.filter(|s| !down(s)) {
                Some(s) if seen && e.policy == Policy::Cdn => EntryVerdict {
                    status: Status::Degraded,
                    cause: EntryCause::ReadsOnly { from: p, to: s },
                },
                Some(s) if seen => EntryVerdict {
                    status: Status::Degraded,
                    cause: EntryCause::FailedOver { from: p, to: s },
                },
                Some(_) => EntryVerdict {
                    status: Status::Down,
                    cause: EntryCause::PrimaryUnseen { primary: p },
                },
                None => EntryVerdict {
                    status: Status::Down,
                    cause: EntryCause::AllDown,
                },
            }
        }
        _ => {
            let active: Vec<usize> = (all.iter().copied())
                .filter(|&i| e.members[i].role != Role::Standby)
                .collect();
            let dead: Vec<usize> = active.iter().copied().filter(|i| down(i)).collect();
            let standby_up = by_role(Role::Standby).any(|i| !down(&i));
            if dead.is_empty() {
                return EntryVerdict {
                    status: worst_up,
                    cause: EntryCause::AllServing,
                };
            }
            if dead.len() == active.len() && !standby_up {
                return EntryVerdict {
                    status: Status::Down,
                    cause: EntryCause::AllDown,
                };
            }
            let unseen: Vec<usize> = (dead.iter().copied())
                .filter(|&i| !e.members[i].evaluated)
                .collect();
            let cause = if unseen.is_empty() {
                EntryCause::SharesMoved { down: dead }
            } else {
                EntryCause::SharesFail { down: unseen }
            };
            EntryVerdict {
                status: Status::Degraded,
                cause,
            }
        }
    }
}

/// Capacity before any loss and right after it, summed over members that serve
/// (in one unit: none when members count capacity differently).
pub(crate) fn capacity(
    e: &Entry,
    v: &EntryVerdict,
    path: &impl Fn(usize) -> Capacity,
) -> Option<(u64, u64)> {
    let caps: Vec<Capacity> = e
        .members
        .iter()
        .flat_map(|m| m.paths.iter().map(|&p| path(p)))
        .collect();
    let unit = caps.first()?.unit;
    if caps.iter().any(|c| c.unit != unit) {
        return None;
    }
    let before: u64 = (e.members.iter())
        .filter(|m| m.role != Role::Standby && m.role != Role::Secondary)
        .flat_map(|m| m.paths.iter().map(|&p| path(p).before))
        .sum();
    // Only members that receive users count: the primary while it serves, the member
    // failed over to, the active members (a standby once they are all gone).
    let after_of = |i: usize| -> u64 { e.members[i].paths.iter().map(|&p| path(p).after).sum() };
    let of_role = |keep: &dyn Fn(Role) -> bool| -> u64 {
        (0..e.members.len())
            .filter(|&i| keep(e.members[i].role))
            .map(after_of)
            .sum()
    };
    let after: u64 = match v.cause {
        EntryCause::AllDown | EntryCause::PrimaryUnseen { .. } => 0,
        EntryCause::FailedOver { to, .. } | EntryCause::ReadsOnly { to, .. } => after_of(to),
        _ if matches!(e.policy, Policy::Failover | Policy::Cdn) => of_role(&|r| r == Role::Primary),
        _ => match of_role(&|r| r != Role::Standby && r != Role::Secondary) {
            0 => of_role(&|r| r == Role::Standby),
            active => active,
        },
    };
    Some((before, after))
}

impl EntryCause {
    /// The reason as one sentence, naming the entry point, the service and its
    /// members' Regions.
    pub fn describe(&self, estate: &Estate, e: &Entry, service: &str) -> String {
        let entry = estate.resource(e.res);
        let what = match &entry.facts {
            Facts::DnsRecords(_) => "Route 53",
            Facts::Accelerator(_) => "Global Accelerator",
            _ => "CloudFront",
        };
        let place = |i: usize| {
            let m = &e.members[i];
            match (m.lb, m.region) {
                (Some(lb), Some(r)) => {
                    format!("{} ({})", estate.resource(lb).name, estate.region_name(r))
                }
                _ => m.target.clone(),
            }
        };
        let list = |ids: &[usize]| ids.iter().map(|&i| place(i)).collect::<Vec<_>>().join(", ");
        match self {
            EntryCause::AllServing => format!("{what} sends users to members that serve"),
            EntryCause::SharesMoved { down } => format!(
                "{what} sees {} fail and moves its share of users to the others",
                list(down)
            ),
            EntryCause::SharesFail { down } => format!(
                "{what} cannot see {} fail (no health check, EvaluateTargetHealth off): its share of users keeps going there and fails",
                list(down)
            ),
            EntryCause::FailedOver { from, to } => format!(
                "{what} fails {service} over from {} to {}",
                place(*from),
                place(*to)
            ),
            EntryCause::PrimaryUnseen { primary } => format!(
                "{what} cannot see the primary {} fail (no health check, EvaluateTargetHealth off): users keep being sent to it",
                place(*primary)
            ),
            EntryCause::ReadsOnly { from, to } => format!(
                "{what} serves reads (GET, HEAD, OPTIONS) from {} instead of {}; writes through it fail",
                place(*to),
                place(*from)
            ),
            EntryCause::AllDown => format!("{what} has no member left that serves"),
        }
    }
}

/// A service as reports say it: its entry point, why it has its status, and its tier.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceSummary {
    pub name: String,
    pub status: Status,
    /// `Route 53 shop.example.com (failover)`.
    pub entry_point: Option<String>,
    /// The entry point's answer: `Route 53 fails storefront over from … to …: 40% of capacity`.
    pub reason: Option<String>,
    /// Capacity serving before and right after the loss (in one unit).
    pub capacity: Option<(u64, u64)>,
    /// Its data in a lost Region: whether it can be restored elsewhere, and the RPO.
    pub data: Vec<crate::sim::DataRecovery>,
    pub dr: crate::sim::DrAssessment,
}

/// What an entry point is, in a few words.
pub fn entry_label(estate: &Estate, e: &Entry) -> String {
    let r = estate.resource(e.res);
    let policy = match e.policy {
        Policy::Shares(routing) => format!("{routing:?}").to_lowercase(),
        Policy::Failover => "failover".to_string(),
        Policy::Accelerator => "endpoint groups".to_string(),
        Policy::Cdn => "origins".to_string(),
    };
    let name = name(estate, e);
    match &r.facts {
        Facts::DnsRecords(_) => format!("Route 53 {name} ({policy})"),
        Facts::Accelerator(_) => format!("Global Accelerator {name} ({policy})"),
        _ => format!("CloudFront {name} ({policy})"),
    }
}
