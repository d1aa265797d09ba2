//! `db-single-az`: a single-AZ RDS instance that a user-facing path depends on.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity, each};

pub const RULE: Rule = Rule {
    code: "db-single-az",
    severity: Severity::High,
    category: "single point of failure",
    summary: "a single-AZ RDS instance that a user-facing path depends on",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    each(e, |f| match f {
        Facts::DbInstance(db) if db.cluster.is_none() && !db.multi_az => Some(db),
        _ => None,
    })
    .filter(|(r, _)| ctx.is_depended(*r))
    .map(|(r, db)| {
        let az = e.resource(r).az.map_or("?", |a| e.az_id(a));
        let effect = if ctx.is_hard_dependency(r) {
            "takes them down"
        } else {
            "degrades them (a soft dependency)"
        };
        RULE.finding(
            vec![r],
            format!(
                "{} ({}) is a single-AZ RDS instance in {az} that user-facing paths depend on: losing {az} {effect}",
                ctx.name(r),
                db.engine
            ),
        )
    })
    .collect()
}
