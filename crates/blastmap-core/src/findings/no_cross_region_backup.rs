//! `no-cross-region-backup`: a stateful resource a user-facing path depends on has
//! backups, but none outside its Region (`../shared/domain.md` §11): a Region loss
//! cannot be recovered from backup. Medium: the data survives any AZ loss, and a
//! resource with no backup at all (`no-backups`, high) is worse; turning backups on
//! trades that finding for this one, and a diff says so without calling it a
//! regression.

use crate::sim::backups;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "no-cross-region-backup",
    severity: Severity::Medium,
    category: "recoverability",
    summary: "a stateful resource a path depends on has no copy outside its Region",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    (0..e.resources().len())
        .map(|i| crate::model::ResIdx(i as u32))
        .filter(|r| ctx.is_depended(*r))
        .filter_map(|r| backups::protection(e, &ctx.topo.backups, r))
        .filter(|p| p.has_backups() && p.outside(&p.region).is_empty())
        .map(|p| {
            RULE.finding(
                vec![p.res],
                format!(
                    "{} ({}) is backed up only in {}: losing {} loses it, with no copy elsewhere to restore from",
                    p.name,
                    e.resource(p.res).kind().label(),
                    p.region,
                    p.region
                ),
            )
        })
        .collect()
}
