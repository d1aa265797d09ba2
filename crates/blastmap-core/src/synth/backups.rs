//! Backups in the generator (`../shared/domain.md` §11): about half the databases
//! are in an AWS Backup plan, most of those copy to another Region, and a few have
//! stopped (their newest recovery point is ten days old).

use crate::model::*;

use super::{Gen, REGIONS};

impl Gen {
    /// Maybe puts the database `db` (an ARN) in a daily AWS Backup plan of its Region.
    pub(super) fn backups(&mut self, db: &str, account: usize, region: usize) {
        if !self.rng.chance(50) {
            return;
        }
        let home = REGIONS[region].0;
        let copy_to = (self.rng.chance(70)).then(|| {
            let other =
                (region + 1 + self.rng.below(REGIONS.len() as u64 - 1) as usize) % REGIONS.len();
            REGIONS[other].0.to_string()
        });
        let plan = self.arn("backup", account, region, "backup-plan", "daily");
        self.add(
            &plan,
            "daily",
            account,
            region,
            None,
            Facts::BackupPlan(BackupPlan {
                rules: vec![BackupRule {
                    name: "daily".into(),
                    schedule: Some("cron(0 5 ? * * *)".into()),
                    every_hours: Some(24),
                    copy_regions: copy_to.iter().cloned().collect(),
                }],
                resources: vec![db.to_string()],
            }),
        );
        // Captured 2026-11-01T00:00:00Z: last night's run, or one ten days ago.
        let at = if self.rng.chance(10) {
            "2026-10-22T05:00:00Z"
        } else {
            "2026-10-31T05:00:00Z"
        };
        let point = |region: &str| RecoveryPoint {
            region: region.to_string(),
            created_at: at.to_string(),
            plan: Some(plan.clone()),
        };
        let mut recovery_points = vec![point(home)];
        recovery_points.extend(copy_to.as_deref().map(point));
        let id = format!("{plan}/protected");
        let name = db.rsplit(':').next().unwrap_or(db).to_string();
        self.add(
            &id,
            &name,
            account,
            region,
            None,
            Facts::ProtectedResource(ProtectedResource {
                resource: db.to_string(),
                recovery_points,
            }),
        );
    }
}
