//! `no-backups`: an RDS instance or cluster with automated backups off.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "no-backups",
    severity: Severity::High,
    category: "recoverability",
    summary: "an RDS instance or cluster with automated backups off",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut out = Vec::new();
    for (i, r) in e.resources().iter().enumerate() {
        let what = match &r.facts {
            // Cluster members are backed up by their cluster; replicas restore from their source.
            Facts::DbInstance(db)
                if db.cluster.is_none()
                    && db.read_replica_source.is_none()
                    && db.backup_retention_days == 0 =>
            {
                "RDS instance"
            }
            Facts::DbCluster(c) if c.backup_retention_days == 0 => "DB cluster",
            _ => continue,
        };
        out.push(RULE.finding(
            vec![crate::model::ResIdx(i as u32)],
            format!(
                "{what} {} has automated backups off (retention 0 days): no point-in-time restore if it is lost",
                r.name
            ),
        ));
    }
    out
}
