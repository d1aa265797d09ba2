//! Recovery actors: what replaces lost targets on its own (`../shared/domain.md` §4,
//! §8). An Auto Scaling group relaunches instances, an ECS service relaunches tasks,
//! each up to its desired count, balanced across its surviving subnets' AZs. Static
//! stability asks that `after` already carries the load; `after_recovery` is what
//! relaunches add.
//! (autoscaling/ec2/userguide/as-add-availability-zone.html,
//! AmazonECS/latest/developerguide/ecs_services.html, service-rebalancing.html)

use crate::model::{AzIdx, EdgeKind, Estate, Kind, LaunchType, RegionIdx, ResIdx};
use crate::sim::LostDomains;
use crate::sim::topology::Compiler;

/// What relaunches, and what bounds it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Actor {
    /// An Auto Scaling group (`nodegroup`: the EKS managed node group it is).
    Asg { nodegroup: Option<ResIdx> },
    /// An ECS service. On the EC2 launch type, relaunched tasks need room on the
    /// container instances that survive: `room` per AZ, at today's densest packing.
    Ecs {
        launch: LaunchType,
        room: Vec<(AzIdx, u32)>,
    },
}

/// What a recovery actor can relaunch after a loss.
#[derive(Debug, Clone)]
pub(crate) struct Recovery {
    pub actor: ResIdx,
    pub kind: Actor,
    /// AZs of its subnets.
    pub azs: Vec<AzIdx>,
    /// Desired count (for a group: bounded by max).
    pub target: u32,
    /// Members (instances, tasks) per AZ, whatever their health.
    pub members: Vec<(AzIdx, u32)>,
    /// Capacity of one relaunched member, in the chain's unit.
    pub unit_per_member: u64,
    /// Per AZ of its subnets, where that subnet's NAT egress lives (`None`: a regional NAT).
    pub egress: Vec<(AzIdx, Option<AzIdx>, RegionIdx)>,
    /// The chain's cohort its relaunches join: they need what its members need.
    pub cohort: Option<u16>,
}

impl Recovery {
    /// Whether members launched in `az` would sit behind a lost NAT gateway.
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
        if let Actor::Ecs { room, .. } = &self.kind {
            out.extend(room.iter().map(|&(az, _)| c.key_az(az)));
        }
        for &(_, nat_az, region) in &self.egress {
            out.push(c.key_region(region));
            out.extend(nat_az.map(|az| c.key_az(az)));
        }
    }

    /// Members it launches, per surviving AZ, to replace those lost: up to its desired
    /// count, balanced across its surviving AZs (the AZ with the fewest gets the next),
    /// where there is room.
    pub fn launches(&self, lost: &LostDomains) -> Vec<(AzIdx, u32)> {
        let room = |az: AzIdx| -> Option<u32> {
            match &self.kind {
                Actor::Ecs {
                    launch: LaunchType::Ec2,
                    room,
                } => Some(room.iter().find(|(a, _)| *a == az).map_or(0, |(_, r)| *r)),
                _ => None,
            }
        };
        let mut counts: Vec<(AzIdx, u32, Option<u32>)> = (self.azs.iter())
            .filter(|az| !lost.az(**az))
            .map(|&az| {
                let n = (self.members.iter())
                    .find(|(m, _)| *m == az)
                    .map_or(0, |(_, n)| *n);
                (az, n, room(az))
            })
            .collect();
        if counts.is_empty() {
            return Vec::new();
        }
        let lost_members: u32 = (self.members.iter())
            .filter(|(az, _)| lost.az(*az))
            .map(|(_, n)| n)
            .sum();
        let surviving: u32 = self.members.iter().map(|(_, n)| n).sum::<u32>() - lost_members;
        let to_launch = lost_members.min(self.target.saturating_sub(surviving));
        let mut launched: Vec<(AzIdx, u32)> = counts.iter().map(|(az, _, _)| (*az, 0)).collect();
        for _ in 0..to_launch {
            let next = (counts.iter().enumerate())
                .filter(|(_, (_, _, room))| room.is_none_or(|r| r > 0))
                .min_by_key(|(_, (_, n, _))| *n)
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            counts[i].1 += 1;
            if let Some(r) = counts[i].2.as_mut() {
                *r -= 1;
            }
            launched[i].1 += 1;
        }
        launched
    }
}

/// The recovery actors of `actor` kind (Auto Scaling groups, ECS services) a target
/// group routes to, each with its members of `member` kind.
pub(crate) fn attached_actors(
    estate: &Estate,
    tg: ResIdx,
    actor: Kind,
    member: Kind,
) -> Vec<(ResIdx, Vec<ResIdx>)> {
    estate
        .edges_from(tg)
        .filter(|(e, to)| e.kind == EdgeKind::RoutesTo && estate.resource(*to).kind() == actor)
        .map(|(_, a)| (a, members_of(estate, a, member)))
        .collect()
}

/// An actor's members of `member` kind (a group's instances, a service's tasks).
pub(crate) fn members_of(estate: &Estate, actor: ResIdx, member: Kind) -> Vec<ResIdx> {
    estate
        .edges_to(actor)
        .filter(|(e, from)| e.kind == EdgeKind::MemberOf && estate.resource(*from).kind() == member)
        .map(|(_, from)| from)
        .collect()
}

/// Per AZ of `res`'s subnets, where that subnet's NAT egress lives.
pub(crate) fn subnet_egress(
    estate: &Estate,
    res: ResIdx,
) -> Vec<(AzIdx, Option<AzIdx>, RegionIdx)> {
    estate
        .edges_from(res)
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
        .collect()
}

/// Counts one member per AZ.
pub(crate) fn count_in(per_az: &mut Vec<(AzIdx, u32)>, az: AzIdx) {
    match per_az.iter_mut().find(|(a, _)| *a == az) {
        Some((_, n)) => *n += 1,
        None => per_az.push((az, 1)),
    }
}
