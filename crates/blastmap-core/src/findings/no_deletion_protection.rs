//! `no-deletion-protection`: a database a user-facing path depends on can be deleted.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "no-deletion-protection",
    severity: Severity::Medium,
    category: "recoverability",
    summary: "a database a user-facing path depends on can be deleted",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut out = Vec::new();
    for (i, r) in e.resources().iter().enumerate() {
        let idx = crate::model::ResIdx(i as u32);
        let protected = match &r.facts {
            Facts::DbInstance(db) if db.cluster.is_none() => db.deletion_protection,
            Facts::DbCluster(c) => c.deletion_protection,
            _ => continue,
        };
        if !protected && ctx.is_depended(idx) {
            out.push(RULE.finding(
                vec![idx],
                format!(
                    "{} has deletion protection off although user-facing paths depend on it",
                    r.name
                ),
            ));
        }
    }
    out
}
