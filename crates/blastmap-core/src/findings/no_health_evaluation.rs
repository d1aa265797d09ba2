//! `no-health-evaluation`: an entry point that cannot see a member fail
//! (`../shared/domain.md` §9): Route 53 keeps sending that member its share of
//! users (or, a failover primary, all of them) when it is down.

use crate::sim::{Policy, Role};

use super::{Context, Finding, Rule, Severity, and_list};

pub const RULE: Rule = Rule {
    code: "no-health-evaluation",
    severity: Severity::Medium,
    category: "excessive load",
    summary: "an entry point cannot see a member fail (no health check, EvaluateTargetHealth off)",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let (e, topo) = (ctx.estate, ctx.topo);
    let mut out = Vec::new();
    for spec in topo.services() {
        let Some(entry) = &spec.entry else { continue };
        // A lone simple record has nowhere else to send users: nothing to evaluate for.
        let matters = |role: Role| match entry.policy {
            Policy::Failover | Policy::Cdn => role == Role::Primary,
            _ => entry.members.len() > 1,
        };
        let blind: Vec<String> = (entry.members.iter())
            .filter(|m| !m.evaluated && matters(m.role))
            .map(|m| match m.lb {
                Some(lb) => e.resource(lb).name.clone(),
                None => m.target.clone(),
            })
            .collect();
        if blind.is_empty() {
            continue;
        }
        let mut resources = vec![entry.res];
        resources.extend(
            entry
                .members
                .iter()
                .filter(|m| !m.evaluated)
                .filter_map(|m| m.lb),
        );
        out.push(RULE.finding(
            resources,
            format!(
                "{} ({}) cannot see {} fail (no health check, EvaluateTargetHealth off): when {} down, users keep being sent there",
                ctx.name(entry.res),
                e.resource(entry.res).kind().label(),
                and_list(&blind),
                if blind.len() == 1 { "it is" } else { "one is" }
            ),
        ));
    }
    out
}
