//! `backup-stale`: a resource's newest AWS Backup recovery point is much older than
//! its plan's schedule (`../shared/domain.md` §11): the backups stopped.

use crate::sim::backups;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "backup-stale",
    severity: Severity::High,
    category: "recoverability",
    summary: "a newest recovery point much older than its backup plan's schedule",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let captured = e.meta.captured_at.as_deref().unwrap_or("the capture");
    (0..e.resources().len())
        .filter_map(|i| backups::protection(e, &ctx.topo.backups, crate::model::ResIdx(i as u32)))
        .filter_map(|p| {
            let stale = p.stale.clone()?;
            let (newest, every) = (stale.newest_recovery_point, stale.every_hours);
            Some(RULE.finding(
                vec![p.res],
                format!(
                    "{}'s newest recovery point in {} is from {newest}, though its backup plan runs every {every} h (snapshot captured {captured}): the backups have stopped",
                    p.name, p.region
                ),
            ))
        })
        .collect()
}
