//! `dr-tier-below-target`: a service's disaster-recovery tier is below the one
//! declared for it (`blastmap:dr-tier` tag or overlay; `../shared/domain.md` §9).

use crate::sim::dr_tier;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "dr-tier-below-target",
    severity: Severity::High,
    category: "recoverability",
    summary: "a service's DR tier is below the tier declared for it",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let topo = ctx.topo;
    (0..topo.services().len())
        .filter_map(|s| {
            let dr = dr_tier(ctx.estate, topo, s);
            let target = dr.target.filter(|t| dr.tier < *t)?;
            let spec = &topo.services()[s];
            let mut resources: Vec<_> = spec.paths.iter().map(|&p| topo.paths()[p].lb).collect();
            resources.sort_unstable();
            resources.dedup();
            Some(RULE.finding(
                resources,
                format!(
                    "service {} must reach {} but is {}: {}",
                    spec.name,
                    target.label(),
                    dr.tier.label(),
                    dr.evidence.join("; ")
                ),
            ))
        })
        .collect()
}
