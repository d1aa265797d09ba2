//! Auto Scaling groups: recovery actors. A group relaunches the instances it lost,
//! up to its desired capacity (bounded by max), balanced across its surviving
//! subnet AZs (`../shared/domain.md` §4). Static stability asks that `after`
//! already carries the load; `after_recovery` is what relaunches add.
//! (autoscaling/ec2/userguide/as-add-availability-zone.html,
//! aws.amazon.com/builders-library/static-stability-using-availability-zones/)

use crate::model::{AzIdx, EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx};
use crate::sim::detail::HopDetail;
use crate::sim::topology::Compiler;
use crate::sim::{LostDomains, Status, Unit as CapacityUnit};
use crate::text::count;

/// What an Auto Scaling group can relaunch after a loss.
#[derive(Debug, Clone)]
pub(crate) struct AsgRecovery {
    pub asg: ResIdx,
    /// AZs of its subnets (`VPCZoneIdentifier`).
    pub azs: Vec<AzIdx>,
    /// Desired capacity, bounded by max.
    pub target: u32,
    /// Member instances per AZ, whatever their health.
    pub members: Vec<(AzIdx, u32)>,
    /// Capacity of one launched instance, in the chain's unit.
    pub unit_per_instance: u64,
    /// Per AZ of its subnets, where that subnet's NAT egress lives (`None`: a regional NAT).
    pub egress: Vec<(AzIdx, Option<AzIdx>, RegionIdx)>,
    /// The chain's cohort its relaunches join: they need what its members need.
    pub cohort: Option<u16>,
}

impl AsgRecovery {
    /// Whether instances launched in `az` would sit behind a lost NAT gateway.
    pub fn egress_lost(&self, az: AzIdx, lost: &LostDomains) -> bool {
        self.egress
            .iter()
            .any(|(a, nat_az, region)| *a == az && lost.placement(*region, *nat_az))
    }

    /// The domain keys its recovery reads: where its members are, its subnets' AZs,
    /// and where their NAT gateways live.
    pub fn touches(&self, c: &Compiler, out: &mut Vec<u32>) {
        out.extend(self.azs.iter().map(|&az| c.key_az(az)));
        out.extend(self.members.iter().map(|&(az, _)| c.key_az(az)));
        for &(_, nat_az, region) in &self.egress {
            out.push(c.key_region(region));
            out.extend(nat_az.map(|az| c.key_az(az)));
        }
    }
}

/// The groups attached to a target group, with their member instances.
pub(crate) fn attached(estate: &Estate, tg: ResIdx) -> Vec<(ResIdx, Vec<ResIdx>)> {
    estate
        .edges_from(tg)
        .filter(|(e, to)| {
            e.kind == EdgeKind::RoutesTo && estate.resource(*to).kind() == Kind::AutoScalingGroup
        })
        .map(|(_, asg)| {
            let members = estate
                .edges_to(asg)
                .filter(|(e, from)| {
                    e.kind == EdgeKind::MemberOf && estate.resource(*from).kind() == Kind::Instance
                })
                .map(|(_, from)| from)
                .collect();
            (asg, members)
        })
        .collect()
}

/// Compiles a group's recovery, measured in the chain's capacity unit.
pub(crate) fn compile(
    c: &Compiler,
    asg: ResIdx,
    members: &[ResIdx],
    unit: CapacityUnit,
) -> Option<AsgRecovery> {
    let estate = c.estate;
    let Facts::AutoScalingGroup(f) = &estate.resource(asg).facts else {
        return None;
    };
    let mut per_az: Vec<(AzIdx, u32)> = Vec::new();
    let mut vcpus: Vec<u32> = Vec::new();
    for &m in members {
        let r = estate.resource(m);
        if let Some(az) = r.az {
            match per_az.iter_mut().find(|(a, _)| *a == az) {
                Some((_, n)) => *n += 1,
                None => per_az.push((az, 1)),
            }
        }
        if let Facts::Instance(i) = &r.facts
            && let Some(v) = i.vcpus
        {
            vcpus.push(v);
        }
    }
    let unit_per_instance = match unit {
        CapacityUnit::Targets => 1,
        CapacityUnit::Vcpu => most_common(&vcpus).unwrap_or(0) as u64,
    };
    let egress = estate
        .edges_from(asg)
        .filter(|(e, to)| {
            e.kind == EdgeKind::PlacedIn && estate.resource(*to).kind() == Kind::Subnet
        })
        .map(|(_, subnet)| subnet)
        .flat_map(|s| {
            let az = estate.resource(s).az;
            estate
                .edges_from(s)
                .filter(|(e, _)| e.kind == EdgeKind::EgressVia)
                .filter_map(move |(_, nat)| {
                    let n = estate.resource(nat);
                    Some((az?, n.zonal_nat_az(), n.region))
                })
        })
        .collect();
    Some(AsgRecovery {
        asg,
        azs: f.azs.iter().filter_map(|a| c.az(a)).collect(),
        target: f.desired.min(f.max),
        members: per_az,
        unit_per_instance,
        egress,
        cohort: None,
    })
}

/// Instances a group launches, per surviving AZ, to replace those lost: up to its
/// desired capacity (bounded by max), balanced across its surviving AZs.
pub(crate) fn launches(a: &AsgRecovery, lost: &LostDomains) -> Vec<(AzIdx, u32)> {
    let mut counts: Vec<(AzIdx, u32)> = a
        .azs
        .iter()
        .filter(|az| !lost.az(**az))
        .map(|&az| {
            let n = a
                .members
                .iter()
                .find(|(m, _)| *m == az)
                .map_or(0, |(_, n)| *n);
            (az, n)
        })
        .collect();
    if counts.is_empty() {
        return Vec::new();
    }
    let lost_members: u32 = a
        .members
        .iter()
        .filter(|(az, _)| lost.az(*az))
        .map(|(_, n)| n)
        .sum();
    let surviving: u32 = a.members.iter().map(|(_, n)| n).sum::<u32>() - lost_members;
    let to_launch = lost_members.min(a.target.saturating_sub(surviving));
    let mut launched: Vec<(AzIdx, u32)> = counts.iter().map(|(az, _)| (*az, 0)).collect();
    for _ in 0..to_launch {
        // AZRebalance: the AZ with the fewest instances gets the next one.
        let (i, _) = counts
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, n))| *n)
            .expect("counts is not empty");
        counts[i].1 += 1;
        launched[i].1 += 1;
    }
    launched
}

/// The group's line in a path's detail; `serves_after_recovery` says whether the
/// relaunched instances can serve at all (a hard dependency may still be down).
pub(crate) fn detail(
    estate: &Estate,
    a: &AsgRecovery,
    lost: &LostDomains,
    region: RegionIdx,
    serves_after_recovery: bool,
) -> HopDetail {
    let r = estate.resource(a.asg);
    let region_lost = lost.region(region);
    let launched: u32 = launches(a, lost).iter().map(|(_, n)| n).sum();
    let (min, max) = match &r.facts {
        Facts::AutoScalingGroup(f) => (f.min, f.max),
        _ => (0, 0),
    };
    HopDetail {
        depth: 2,
        label: format!(
            "Auto Scaling group {} (desired {}, min {min}, max {max})",
            r.name, a.target
        ),
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
