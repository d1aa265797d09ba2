//! `autoshift-off`: an internet-facing load balancer on a user-facing path that can
//! be shifted by hand but has zonal autoshift off (`../shared/domain.md` §10): AWS
//! will not move its traffic away from an impaired AZ by itself, and no weekly
//! practice run proves the other AZs carry it.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "autoshift-off",
    severity: Severity::Low,
    category: "recoverability",
    summary: "a load balancer that can be zonally shifted has zonal autoshift off",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let mut lbs: Vec<_> = ctx.topo.paths().iter().map(|p| p.lb).collect();
    lbs.sort_unstable();
    lbs.dedup();
    lbs.into_iter()
        .filter(|&lb| match &ctx.estate.resource(lb).facts {
            Facts::LoadBalancer(f) => {
                f.zonal_shift.is_some_and(|z| z.enabled && z.autoshift == Some(false))
            }
            _ => false,
        })
        .map(|lb| {
            RULE.finding(
                vec![lb],
                format!(
                    "{} can be zonally shifted, but zonal autoshift is off: AWS will not shift it away from an impaired AZ by itself, and no practice run checks that its other AZs carry the load",
                    ctx.name(lb)
                ),
            )
        })
        .collect()
}
