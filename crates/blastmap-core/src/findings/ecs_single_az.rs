//! `ecs-single-az`: an ECS service whose subnets, or whose running tasks, are all in
//! one AZ (`../shared/domain.md` §8): losing it stops the service until the
//! scheduler can place tasks elsewhere, if it can at all.

use std::collections::BTreeSet;

use crate::model::{EdgeKind, Facts};

use super::{Context, Finding, Rule, Severity, and_list, each};
use crate::text::count;

pub const RULE: Rule = Rule {
    code: "ecs-single-az",
    severity: Severity::High,
    category: "single point of failure",
    summary: "an ECS service's subnets or running tasks are all in one AZ",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    each(e, |f| match f {
        Facts::EcsService(s) => Some(s),
        _ => None,
    })
    .filter(|(_, svc)| svc.desired > 0)
    .filter_map(|(r, svc)| {
        let subnets: BTreeSet<&str> = svc.azs.iter().map(String::as_str).collect();
        let tasks: Vec<&str> = (e.edges_to(r))
            .filter(|(edge, _)| edge.kind == EdgeKind::MemberOf)
            .filter(|(_, t)| matches!(&e.resource(*t).facts, Facts::EcsTask(t) if t.is_running()))
            .filter_map(|(_, t)| e.resource(t).az)
            .map(|az| e.az_id(az))
            .collect();
        let task_azs: BTreeSet<&str> = tasks.iter().copied().collect();
        let name = ctx.name(r);
        let message = if subnets.len() == 1 {
            format!(
                "ECS service {name}'s subnets are all in {}: losing it stops every task, with nowhere to relaunch them",
                and_list(&subnets.iter().collect::<Vec<_>>())
            )
        } else if task_azs.len() == 1 {
            format!(
                "ECS service {name} runs {} only in {} though its subnets span {}: losing that AZ stops all of them at once",
                count(tasks.len(), "task", "tasks"),
                and_list(&task_azs.iter().collect::<Vec<_>>()),
                and_list(&subnets.iter().collect::<Vec<_>>())
            )
        } else {
            return None;
        };
        Some(RULE.finding(vec![r], message))
    })
    .collect()
}
