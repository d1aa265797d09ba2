//! A chain's lines in a path's detail: the target group and its targets per AZ.

use crate::model::{AzIdx, Estate};
use crate::sim::detail::HopDetail;
use crate::sim::{Capacity, LostDomains, Status};

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
        depth: 1,
        label: format!("target group {}", tg.name),
        status: status.min(if cap.after == 0 {
            Status::Down
        } else if cap.after < cap.before {
            Status::Degraded
        } else {
            Status::Ok
        }),
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
        } else {
            (Status::Ok, "serving".to_string())
        };
        hops.push(HopDetail {
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
    if c.nonzonal.total > 0 {
        let alive = c.lb_azs.iter().filter(|a| !az_lost(**a)).count();
        hops.push(HopDetail {
            depth: 2,
            label: format!(
                "targets outside any AZ: {} of {} healthy",
                c.nonzonal.serving, c.nonzonal.total
            ),
            status: if alive == 0 { Status::Down } else { Status::Ok },
            note: String::new(),
        });
    }
}
