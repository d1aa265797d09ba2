//! Auto Scaling groups: recovery actors (`recovery.rs`). A group relaunches the
//! instances it lost, up to its desired capacity (bounded by max), balanced across
//! its surviving subnet AZs (`../shared/domain.md` §4). An EKS managed node group
//! is its Auto Scaling groups, named by cluster/node group (§8).
//! (autoscaling/ec2/userguide/as-add-availability-zone.html,
//! aws.amazon.com/builders-library/static-stability-using-availability-zones/)

use crate::model::{EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx};
use crate::sim::detail::{HopDetail, HopSubject};
use crate::sim::topology::{Compiler, linked};
use crate::sim::{LostDomains, Status, Unit as CapacityUnit};
use crate::text::count;

use super::recovery::{Actor, Recovery, attached_actors, count_in, members_of, subnet_egress};

/// The groups attached to a target group, with their member instances.
pub(crate) fn attached(estate: &Estate, tg: ResIdx) -> Vec<(ResIdx, Vec<ResIdx>)> {
    attached_actors(estate, tg, Kind::AutoScalingGroup, Kind::Instance)
}

/// A group's member instances.
pub(crate) fn members(estate: &Estate, asg: ResIdx) -> Vec<ResIdx> {
    members_of(estate, asg, Kind::Instance)
}

/// Compiles a group's recovery, measured in the chain's capacity unit.
pub(crate) fn compile(
    c: &Compiler,
    asg: ResIdx,
    members: &[ResIdx],
    unit: CapacityUnit,
) -> Option<Recovery> {
    let estate = c.estate;
    let Facts::AutoScalingGroup(f) = &estate.resource(asg).facts else {
        return None;
    };
    let mut per_az = Vec::new();
    let mut vcpus: Vec<u32> = Vec::new();
    for &m in members {
        let r = estate.resource(m);
        if let Some(az) = r.az {
            count_in(&mut per_az, az);
        }
        if let Facts::Instance(i) = &r.facts
            && let Some(v) = i.vcpus
        {
            vcpus.push(v);
        }
    }
    let unit_per_member = match unit {
        CapacityUnit::Targets => 1,
        CapacityUnit::Vcpu => most_common(&vcpus).unwrap_or(0) as u64,
    };
    Some(Recovery {
        actor: asg,
        kind: Actor::Asg {
            nodegroup: linked(estate, asg, EdgeKind::MemberOf, Kind::EksNodegroup),
        },
        azs: f.azs.iter().filter_map(|a| c.az(a)).collect(),
        target: f.desired.min(f.max),
        members: per_az,
        unit_per_member,
        egress: subnet_egress(estate, asg),
        cohort: None,
    })
}

/// The group's line in a path's detail; `serves_after_recovery` says whether the
/// relaunched instances can serve at all (a hard dependency may still be down).
pub(crate) fn detail(
    estate: &Estate,
    a: &Recovery,
    lost: &LostDomains,
    region: RegionIdx,
    serves_after_recovery: bool,
) -> HopDetail {
    let r = estate.resource(a.actor);
    let region_lost = lost.region(region);
    let launched: u32 = a.launches(lost).iter().map(|(_, n)| n).sum();
    let (min, max) = match &r.facts {
        Facts::AutoScalingGroup(f) => (f.min, f.max),
        _ => (0, 0),
    };
    // An EKS managed node group is its group: named by cluster/node group.
    let what = match &a.kind {
        Actor::Asg {
            nodegroup: Some(ng),
        } => format!(
            "EKS node group {} (Auto Scaling group {}",
            estate.resource(*ng).name,
            r.name
        ),
        _ => format!("Auto Scaling group {} (", r.name),
    };
    let sep = if what.ends_with('(') { "" } else { ", " };
    HopDetail {
        subject: HopSubject::Recovery(a.actor),
        lost: region_lost,
        depth: 2,
        label: format!("{what}{sep}desired {}, min {min}, max {max})", a.target),
        status: if region_lost {
            Status::Down
        } else if launched > 0 {
            Status::Degraded
        } else {
            Status::Ok
        },
        note: if region_lost {
            format!(
                "lost with {}: nothing left to relaunch into",
                estate.region_name(region)
            )
        } else if launched > 0 && !serves_after_recovery {
            format!(
                "relaunches {} in surviving AZs, but they cannot serve either",
                count(launched, "instance", "instances")
            )
        } else if launched > 0 {
            format!(
                "relaunches {} in surviving AZs",
                count(launched, "instance", "instances")
            )
        } else {
            "nothing to relaunch".to_string()
        },
    }
}

fn most_common(values: &[u32]) -> Option<u32> {
    let mut counts: Vec<(u32, usize)> = Vec::new();
    for &v in values {
        match counts.iter_mut().find(|(x, _)| *x == v) {
            Some((_, n)) => *n += 1,
            None => counts.push((v, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|&(v, n)| (n, v))
        .map(|(v, _)| v)
}
