//! `no-backups`: an RDS instance or cluster with automated backups off, or any other
//! stateful resource a user-facing path depends on (a DynamoDB table, a Redis cache)
//! with no backup at all (`../shared/domain.md` §11).

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "no-backups",
    severity: Severity::High,
    category: "recoverability",
    summary: "an RDS instance or cluster with automated backups off, or a table or cache a path depends on with none",
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
            Facts::DynamodbTable(_) | Facts::CacheReplicationGroup(_) | Facts::CacheCluster(_) => {
                let res = crate::model::ResIdx(i as u32);
                let unprotected = crate::sim::backups::protection(e, &ctx.topo.backups, res)
                    .is_some_and(|p| !p.has_backups());
                if ctx.is_depended(res) && unprotected {
                    out.push(RULE.finding(
                        vec![res],
                        format!(
                            "{} {} has no backup (no point-in-time recovery, snapshots, copies or AWS Backup plan) although user-facing paths depend on it",
                            r.kind().label(),
                            r.name
                        ),
                    ));
                }
                continue;
            }
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
