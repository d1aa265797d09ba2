//! `spof-az`: some single-AZ loss takes a user-facing path down.

use crate::model::Domain;
use crate::sim::Status;

use super::{Context, Finding, Rule, Severity, and_list};

pub const RULE: Rule = Rule {
    code: "spof-az",
    severity: Severity::High,
    category: "single point of failure",
    summary: "some single-AZ loss takes a user-facing path down",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let m = ctx.matrix;
    let az_cols: Vec<usize> = (0..m.domains.len())
        .filter(|&c| matches!(m.domains[c], Domain::Az(_)))
        .collect();
    // Paths already down with nothing lost have no AZ-specific story to tell.
    let paths: Vec<usize> = (0..ctx.topo.paths().len())
        .filter(|&p| ctx.topo.baseline(p).status != Status::Down)
        .collect();
    let mut out = Vec::new();
    for p in paths {
        let killers: Vec<usize> = az_cols
            .iter()
            .copied()
            .filter(|&c| m.cell(p, c).status == Status::Down)
            .collect();
        let Some(&first) = killers.first() else {
            continue;
        };
        let spec = &ctx.topo.paths()[p];
        let reason = m.down_reasons(p, first).first();
        let mut resources = vec![spec.lb, spec.tg];
        if let Some(c) = reason.and_then(|r| r.culprit())
            && !resources.contains(&c)
        {
            resources.push(c);
        }
        let azs: Vec<&str> = killers
            .iter()
            .map(|&c| ctx.estate.domain_name(m.domains[c]))
            .collect();
        let why = reason.map_or_else(String::new, |r| format!(": {}", r.describe(ctx.estate)));
        out.push(RULE.finding(
            resources,
            format!(
                "{} → {} goes down when {} is lost{why}",
                ctx.name(spec.lb),
                ctx.name(spec.tg),
                and_list(&azs).replace(" and ", " or ")
            ),
        ));
    }
    out
}
