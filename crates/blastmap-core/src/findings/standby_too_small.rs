//! `standby-too-small`: a failover secondary (or a standby endpoint group) that cannot
//! carry the primary's load (`../shared/domain.md` §9): failing over overloads it.

use crate::sim::Role;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "standby-too-small",
    severity: Severity::Medium,
    category: "excessive load",
    summary: "a failover secondary cannot carry the primary's load",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let (e, topo) = (ctx.estate, ctx.topo);
    // Capacity and its unit; no unit when the paths count in different units (the
    // sides cannot be compared then, whatever order the paths come in).
    let capacity = |paths: &[usize]| -> (u64, Option<crate::sim::Unit>) {
        let caps: Vec<_> = (paths.iter())
            .filter_map(|&p| topo.baseline(p).capacity)
            .collect();
        let unit = caps.first().map(|c| c.unit);
        (
            caps.iter().map(|c| c.before).sum(),
            unit.filter(|u| caps.iter().all(|c| c.unit == *u)),
        )
    };
    let mut out = Vec::new();
    for spec in topo.services() {
        let Some(entry) = &spec.entry else { continue };
        let role = |r: Role| entry.members.iter().filter(move |m| m.role == r);
        // What the standby must replace: the failover primary, else (an accelerator
        // with a group dialled to 0) every member that takes users.
        let mut primary: Vec<usize> = role(Role::Primary).flat_map(|m| m.paths.clone()).collect();
        if primary.is_empty() {
            primary = (entry.members.iter())
                .filter(|m| !matches!(m.role, Role::Secondary | Role::Standby))
                .flat_map(|m| m.paths.clone())
                .collect();
        }
        let standby: Vec<usize> = role(Role::Secondary)
            .chain(role(Role::Standby))
            .flat_map(|m| m.paths.clone())
            .collect();
        let ((main, unit), (spare, spare_unit)) = (capacity(&primary), capacity(&standby));
        if standby.is_empty() || main == 0 || spare >= main || unit.is_none() || unit != spare_unit
        {
            continue;
        }
        let region = |paths: &[usize]| e.region_name(topo.paths()[paths[0]].region).to_string();
        let mut resources = vec![entry.res];
        resources.extend(standby.iter().map(|&p| topo.paths()[p].lb));
        resources.dedup();
        out.push(RULE.finding(
            resources,
            format!(
                "{}'s standby in {} can carry {}% of the load of {} ({spare} of {main} {}): failing over overloads it",
                spec.name,
                region(&standby),
                spare * 100 / main,
                region(&primary),
                unit.map_or("targets", |u| u.label())
            ),
        ));
    }
    out
}
