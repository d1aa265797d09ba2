//! A chain's lines in a path's detail: the target group and its targets per AZ.

use crate::model::{AzIdx, Estate};
use crate::sim::detail::{HopDetail, HopSubject};
use crate::sim::reason::az_list;
use crate::sim::{Capacity, LostDomains, Status};
use crate::text::{count, verb};

use super::super::load_balancer::az_label;
use super::{Blocked, Chain, ZoneTargets, zone_capacity};

/// The target group's line and a line per AZ of its targets, in a path's detail.
/// `blocked` says which hard dependencies the targets need are down.
pub(crate) fn detail(
    estate: &Estate,
    c: &Chain,
    lost: &LostDomains,
    verdict: (Status, Capacity),
    blocked: &Blocked,
    hops: &mut Vec<HopDetail>,
) {
    // The dependency that stops targets in `az` from serving.
    let stopped_by = |az: AzIdx| {
        blocked.shared.or_else(|| {
            (c.cohorts.iter().zip(&blocked.cohorts))
                .find(|(co, b)| b.is_some() && co.units_in(az) > 0)
                .and_then(|(_, b)| *b)
        })
    };
    let (status, cap) = verdict;
    let unit = c.unit.label();
    let region_lost = lost.region(c.region);
    let az_lost = |az: AzIdx| region_lost || lost.az(az);
    let tg = estate.resource(c.tg);
    let lb = estate.resource(c.lb);
    hops.push(HopDetail {
        subject: HopSubject::TargetGroup(c.tg),
        lost: region_lost,
        depth: 1,
        label: format!("target group {}", tg.name),
        // The path's own status: what the load balancer sends to this target group
        // gets (a dependency can degrade it at full capacity).
        status,
        note: format!(
            "{}/{} {unit} now, {} after recovery",
            cap.after, cap.before, cap.after_recovery
        ),
    });
    let capacity = zone_capacity(c, lost, blocked);
    let mut zones: Vec<&ZoneTargets> = c.zones.iter().collect();
    zones.sort_by_key(|z| estate.az_id(z.az));
    for z in zones {
        let (before, after, cannot) = capacity
            .iter()
            .find(|zc| zc.az == z.az)
            .map_or((0, 0, 0), |zc| (zc.before, zc.after, zc.blocked));
        let dep = stopped_by(z.az).map(|r| estate.resource(r).name.as_str());
        let (status, note) = if !z.enabled {
            (
                Status::Ok,
                "no load balancer node in this AZ: gets no traffic".to_string(),
            )
        } else if before == 0 {
            (Status::Down, "none healthy".to_string())
        } else if after == 0 && az_lost(z.az) {
            (Status::Down, "lost".to_string())
        } else if let (Some(dep), 0, true) = (dep, after, cannot > 0) {
            (
                Status::Down,
                format!("cannot serve: {dep}, which they need, is down"),
            )
        } else if after == 0 {
            (
                Status::Down,
                "cannot serve: their NAT egress is lost".to_string(),
            )
        } else if let (Some(dep), true) = (dep, cannot > 0) {
            (
                Status::Degraded,
                format!("some cannot serve: {dep}, which they need, is down"),
            )
        } else if after < before {
            (
                Status::Degraded,
                "some cannot serve: their NAT egress is lost".to_string(),
            )
        } else if let Some((nat, users)) = soft_egress_lost(estate, c, z.az, lost) {
            // They serve, without internet egress: a soft dependency lost (domain.md §4).
            (
                Status::Degraded,
                format!(
                    "serving, but {} {} internet egress: NAT gateway {nat} is lost",
                    count(users, "target", "targets"),
                    verb(users, "loses", "lose"),
                ),
            )
        } else {
            (Status::Ok, "serving".to_string())
        };
        hops.push(HopDetail {
            subject: HopSubject::TargetsIn {
                tg: c.tg,
                az: Some(z.az),
            },
            lost: az_lost(z.az),
            depth: 2,
            label: format!(
                "targets in {}: {}/{} healthy, {} {unit}",
                az_label(estate, lb.account, z.az),
                z.tally.serving,
                z.tally.total,
                z.tally.units
            ),
            status,
            note,
        });
    }
    let alive = c.lb_azs.iter().filter(|a| !az_lost(**a)).count();
    // What stops targets outside any AZ: the first answer that holds.
    let stopped = |serving: u32, cohort: Option<u16>| -> Option<String> {
        if serving == 0 {
            Some("none healthy".to_string())
        } else if alive == 0 {
            Some("no load balancer node left to send them traffic".to_string())
        } else {
            let dep = blocked.shared.or_else(|| {
                cohort.and_then(|k| blocked.cohorts.get(k as usize).copied().flatten())
            })?;
            Some(format!(
                "cannot serve: {}, which they need, is down",
                estate.resource(dep).name
            ))
        }
    };
    if c.nonzonal.total > 0 {
        let cannot: u64 = (c.cohorts.iter().zip(&blocked.cohorts))
            .filter(|(_, b)| b.is_some())
            .map(|(co, _)| co.nonzonal.units)
            .sum();
        let (status, note) = if region_lost {
            (Status::Down, "lost".to_string())
        } else if let Some(why) = stopped(c.nonzonal.serving, None) {
            (Status::Down, why)
        } else if cannot >= c.nonzonal.units && cannot > 0 {
            (
                Status::Down,
                "cannot serve: a dependency they need is down".to_string(),
            )
        } else if cannot > 0 {
            (
                Status::Degraded,
                "some cannot serve: a dependency they need is down".to_string(),
            )
        } else {
            (Status::Ok, "serving".to_string())
        };
        hops.push(HopDetail {
            subject: HopSubject::TargetsIn { tg: c.tg, az: None },
            lost: region_lost,
            depth: 2,
            label: format!(
                "targets outside any AZ: {} of {} healthy",
                c.nonzonal.serving, c.nonzonal.total
            ),
            status,
            note,
        });
    }
    // Functions in a VPC serve while one of their subnets' AZs survives.
    for f in &c.spread {
        let gone = region_lost || f.azs.iter().all(|a| az_lost(*a));
        let (status, note) = if gone {
            (
                Status::Down,
                "lost: every AZ of its subnets is lost".to_string(),
            )
        } else if let Some(why) = stopped(f.tally.serving, f.cohort) {
            (Status::Down, why)
        } else {
            (Status::Ok, "serving".to_string())
        };
        hops.push(HopDetail {
            subject: HopSubject::Function {
                tg: c.tg,
                function: f.function,
            },
            lost: gone,
            depth: 2,
            label: format!(
                "Lambda function {} in {}",
                estate.resource(f.function).name,
                if f.azs.is_empty() {
                    estate.region_name(c.region).to_string()
                } else {
                    az_list(estate, &f.azs)
                }
            ),
            status,
            note,
        });
    }
}

/// A lost NAT gateway that serving targets in `az` reach the internet through, with
/// soft egress (they serve without it), and how many of them use it.
fn soft_egress_lost(
    estate: &Estate,
    c: &Chain,
    az: AzIdx,
    lost: &LostDomains,
) -> Option<(String, u32)> {
    if c.hard_egress {
        return None;
    }
    c.egress.iter().filter(|e| e.is_lost(lost)).find_map(|e| {
        let users: u32 = (e.users.iter().filter(|(a, _)| *a == az))
            .map(|(_, t)| t.serving)
            .sum();
        (users > 0).then(|| (estate.resource(e.nat).name.clone(), users))
    })
}
