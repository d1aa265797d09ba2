//! `zonal-shift-disabled`: an internet-facing load balancer on a user-facing path
//! whose `zonal_shift.config.enabled` attribute is off (`../shared/domain.md` §10):
//! when one of its AZs goes bad, ARC cannot move its traffic away.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "zonal-shift-disabled",
    severity: Severity::Medium,
    category: "recoverability",
    summary: "an internet-facing load balancer on a user-facing path cannot be zonally shifted",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let mut lbs: Vec<_> = ctx.topo.paths().iter().map(|p| p.lb).collect();
    lbs.sort_unstable();
    lbs.dedup();
    lbs.into_iter()
        .filter(|&lb| match &ctx.estate.resource(lb).facts {
            Facts::LoadBalancer(f) => f.zonal_shift.is_some_and(|z| !z.enabled),
            _ => false,
        })
        .map(|lb| {
            RULE.finding(
                vec![lb],
                format!(
                    "{} has zonal shift off: when one of its AZs is impaired, its traffic cannot be moved away (turn on the zonal_shift.config.enabled attribute)",
                    ctx.name(lb)
                ),
            )
        })
        .collect()
}
