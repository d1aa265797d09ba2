//! `targets-outside-lb-azs`: targets in AZs the load balancer does not enable.

use super::{Context, Finding, Rule, Severity, and_list};
use crate::text::{count, verb};

pub const RULE: Rule = Rule {
    code: "targets-outside-lb-azs",
    severity: Severity::Medium,
    category: "misconfiguration",
    summary: "targets in AZs the load balancer does not enable",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut out = Vec::new();
    for (p, spec) in ctx.topo.paths().iter().enumerate() {
        let c = ctx.topo.path_parts(p);
        let outside: Vec<_> = c
            .zones
            .iter()
            .filter(|z| !z.enabled && z.tally.total > 0)
            .collect();
        if outside.is_empty() {
            continue;
        }
        let n: u32 = outside.iter().map(|z| z.tally.total).sum();
        let azs: Vec<&str> = outside.iter().map(|z| e.az_id(z.az)).collect();
        out.push(RULE.finding(
            vec![spec.lb, spec.tg],
            format!(
                "{} of {} {} in {}, where {} has no node: {} no traffic and {} no redundancy",
                count(n, "target", "targets"),
                ctx.name(spec.tg),
                verb(n, "sits", "sit"),
                and_list(&azs),
                ctx.name(spec.lb),
                verb(n, "it gets", "they get"),
                verb(n, "adds", "add")
            ),
        ));
    }
    out
}
