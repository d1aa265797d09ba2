//! `low-capacity-after-az-loss`: some single-AZ loss leaves a path below half its capacity.
//! A loss that takes the path down is `spof-az`'s, not this rule's.

use crate::model::Domain;
use crate::sim::Status;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "low-capacity-after-az-loss",
    severity: Severity::Medium,
    category: "excessive load",
    summary: "some single-AZ loss leaves a path below half its capacity",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let m = ctx.matrix;
    let mut out = Vec::new();
    for (p, spec) in ctx.topo.paths().iter().enumerate() {
        let Some(cap) = ctx.topo.baseline(p).capacity else {
            continue;
        };
        if cap.before == 0 {
            continue;
        }
        let worst = (0..m.domains.len())
            .filter(|&c| matches!(m.domains[c], Domain::Az(_)))
            .map(|c| (c, m.cell(p, c)))
            .filter(|(_, cell)| cell.status != Status::Down && cell.after * 2 < cap.before)
            .min_by_key(|(_, cell)| cell.after);
        let Some((col, cell)) = worst else { continue };
        out.push(RULE.finding(
            vec![spec.lb, spec.tg],
            format!(
                "{} → {} keeps only {} of {} {} ({}%) when {} is lost",
                ctx.name(spec.lb),
                ctx.name(spec.tg),
                cell.after,
                cap.before,
                cap.unit.label(),
                cell.after * 100 / cap.before,
                ctx.estate.domain_name(m.domains[col])
            ),
        ));
    }
    out
}
