//! ECS services (`../shared/domain.md` §8): a recovery actor like an Auto Scaling
//! group. Tasks are placed by their AZ; tasks in a lost AZ stop; the scheduler
//! relaunches up to `desiredCount` in the service's surviving subnets' AZs.
//! Fargate has room in every surviving AZ; the EC2 launch type only where surviving
//! container instances have room (counted at today's densest packing: the instances
//! their Auto Scaling group would launch are not counted, as static stability asks).
//! awsvpc tasks register as `ip` targets: a target group's addresses map to the
//! tasks, and so to the service, that own them.
//! (AmazonECS/latest/developerguide/ecs_services.html, task-placement-strategies.html)

use crate::model::{AzIdx, Estate, Facts, Kind, LaunchType, RegionIdx, ResIdx};
use crate::sim::detail::{HopDetail, HopSubject};
use crate::sim::topology::Compiler;
use crate::sim::{LostDomains, Status};
use crate::text::count;

use super::recovery::{Actor, Recovery, attached_actors, count_in, members_of, subnet_egress};
use super::target_group::TargetEntry;

/// A task as a target; `registered_serves` is its registration's health (true for a
/// running task of an attached service that has no registration of its own).
pub(crate) fn target(c: &Compiler, task: ResIdx, registered_serves: bool) -> TargetEntry {
    let r = c.estate.resource(task);
    let (running, service, subnet) = match &r.facts {
        Facts::EcsTask(t) => (t.is_running(), t.service.as_deref(), t.subnet.as_deref()),
        _ => (false, None, None),
    };
    TargetEntry {
        az: r.az,
        serves: registered_serves && running,
        vcpus: None,
        instance: None,
        target: Some(task),
        owner: service.and_then(|s| c.estate.find(s)).or(Some(task)),
        subnet: subnet.and_then(|s| c.estate.find(s)),
        spread: Vec::new(),
        task: true,
        slot: None,
    }
}

/// The services attached to a target group (`loadBalancers`), with their tasks.
pub(crate) fn attached(estate: &Estate, tg: ResIdx) -> Vec<(ResIdx, Vec<ResIdx>)> {
    attached_actors(estate, tg, Kind::EcsService, Kind::EcsTask)
}

/// A service's tasks.
pub(crate) fn tasks(estate: &Estate, svc: ResIdx) -> Vec<ResIdx> {
    members_of(estate, svc, Kind::EcsTask)
}

/// Compiles a service's recovery: its running tasks per AZ, and (EC2 launch type)
/// the room its surviving container instances have.
pub(crate) fn compile(c: &Compiler, svc: ResIdx, tasks: &[ResIdx]) -> Option<Recovery> {
    let estate = c.estate;
    let Facts::EcsService(f) = &estate.resource(svc).facts else {
        return None;
    };
    let mut per_az = Vec::new();
    // (instance, its AZ, tasks of this service on it)
    let mut hosts: Vec<(ResIdx, AzIdx, u32)> = Vec::new();
    for &t in tasks {
        let r = estate.resource(t);
        let (Facts::EcsTask(task), Some(az)) = (&r.facts, r.az) else {
            continue;
        };
        if !task.is_running() {
            continue;
        }
        count_in(&mut per_az, az);
        if let Some(host) = task.instance.as_deref().and_then(|i| estate.find(i)) {
            match hosts.iter_mut().find(|(h, _, _)| *h == host) {
                Some((_, _, n)) => *n += 1,
                None => hosts.push((host, az, 1)),
            }
        }
    }
    let room = match f.launch_type {
        LaunchType::Ec2 => {
            let densest = hosts.iter().map(|(_, _, n)| *n).max().unwrap_or(1);
            let mut room: Vec<(AzIdx, u32)> = Vec::new();
            for (_, az, n) in &hosts {
                match room.iter_mut().find(|(a, _)| a == az) {
                    Some((_, r)) => *r += densest - n,
                    None => room.push((*az, densest - n)),
                }
            }
            room
        }
        _ => Vec::new(),
    };
    Some(Recovery {
        actor: svc,
        kind: Actor::Ecs {
            launch: f.launch_type,
            room,
        },
        azs: f.azs.iter().filter_map(|a| c.az(a)).collect(),
        target: f.desired,
        members: per_az,
        unit_per_member: 1,
        egress: subnet_egress(estate, svc),
        cohort: None,
    })
}

/// The service's line in a path's detail: its tasks per AZ and what it relaunches where.
pub(crate) fn detail(
    estate: &Estate,
    a: &Recovery,
    lost: &LostDomains,
    region: RegionIdx,
    serves_after_recovery: bool,
) -> HopDetail {
    let r = estate.resource(a.actor);
    let launch = match &a.kind {
        Actor::Ecs { launch, .. } => *launch,
        Actor::Asg { .. } => LaunchType::Fargate,
    };
    let launch_label = match launch {
        LaunchType::Fargate => "Fargate",
        LaunchType::Ec2 => "EC2",
        LaunchType::External => "external",
    };
    let mut placed: Vec<(&str, u32)> = (a.members.iter())
        .map(|(az, n)| (estate.az_id(*az), *n))
        .collect();
    placed.sort();
    let per_az = placed
        .iter()
        .map(|(az, n)| format!("{n} in {az}"))
        .collect::<Vec<_>>()
        .join(", ");
    let region_lost = lost.region(region);
    let launches: Vec<(AzIdx, u32)> = (a.launches(lost).into_iter())
        .filter(|(_, n)| *n > 0)
        .collect();
    let launched: u32 = launches.iter().map(|(_, n)| n).sum();
    let lost_tasks: u32 = (a.members.iter())
        .filter(|(az, _)| lost.az(*az) || region_lost)
        .map(|(_, n)| n)
        .sum();
    let wher = launches
        .iter()
        .map(|(az, n)| format!("{n} in {}", estate.az_id(*az)))
        .collect::<Vec<_>>()
        .join(", ");
    let note = if region_lost {
        format!(
            "lost with {}: nothing left to relaunch into",
            estate.region_name(region)
        )
    } else if launched > 0 && !serves_after_recovery {
        format!("relaunches {wher}, but they cannot serve either")
    } else if launched > 0 {
        format!("relaunches {} ({wher})", count(launched, "task", "tasks"))
    } else if lost_tasks > 0 && launch == LaunchType::Ec2 {
        format!(
            "cannot relaunch its {}: no room on its surviving container instances",
            count(lost_tasks, "lost task", "lost tasks")
        )
    } else if lost_tasks > 0 {
        "cannot relaunch: no surviving AZ among its subnets".to_string()
    } else {
        "nothing to relaunch".to_string()
    };
    HopDetail {
        subject: HopSubject::Recovery(a.actor),
        lost: region_lost,
        depth: 2,
        label: format!(
            "ECS service {} ({launch_label}, desired {}; tasks: {})",
            r.name,
            a.target,
            if per_az.is_empty() { "none" } else { &per_az }
        ),
        status: if region_lost {
            Status::Down
        } else if lost_tasks > 0 {
            Status::Degraded
        } else {
            Status::Ok
        },
        note,
    }
}
