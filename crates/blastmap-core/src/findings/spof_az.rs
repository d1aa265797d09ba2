//! `spof-az`: some single-AZ loss takes a user-facing path down.

use crate::model::Domain;
use crate::sim::Status;

use super::{Context, Finding, Rule, Severity};

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
        if killers.is_empty() {
            continue;
        }
        let spec = &ctx.topo.paths()[p];
        let mut resources = vec![spec.lb, spec.tg];
        // Each AZ that takes the path down, with every reason it does: one alone may
        // only degrade the path (3 of 4 targets lost) and read as no reason at all.
        let mut whys: Vec<String> = Vec::new();
        for &col in &killers {
            let reasons = m.down_reasons(p, col);
            for c in reasons.iter().filter_map(|r| r.culprit()) {
                if !resources.contains(&c) {
                    resources.push(c);
                }
            }
            let az = ctx.estate.domain_name(m.domains[col]);
            // In the order of their sentences: the engine lists them in the order it met
            // them, which follows the file's, and a diff would see a change.
            let mut described: Vec<String> =
                reasons.iter().map(|r| r.describe(ctx.estate)).collect();
            described.sort();
            whys.push(if described.is_empty() {
                format!("when {az} is lost")
            } else {
                format!("when {az} is lost: {}", described.join("; "))
            });
        }
        out.push(RULE.finding(
            resources,
            format!(
                "{} goes down {}",
                ctx.estate.forwarding_label(spec.lb, spec.tg),
                whys.join("; and ")
            ),
        ));
    }
    out
}
