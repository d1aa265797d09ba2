//! `db-writer-only`: an Aurora cluster with no reader in another AZ.

use crate::model::{AzIdx, Facts};

use super::{Context, Finding, Rule, Severity, each};

pub const RULE: Rule = Rule {
    code: "db-writer-only",
    severity: Severity::High,
    category: "single point of failure",
    summary: "an Aurora cluster with no reader in another AZ",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let az_of = |id: &str| e.find(id).and_then(|i| e.resource(i).az);
    each(e, |f| match f {
        Facts::DbCluster(c) if c.is_aurora() => Some(c),
        _ => None,
    })
    .filter_map(|(r, c)| {
        // A secondary cluster of a global database has no writer by design.
        let writer = c.members.iter().find(|m| m.writer)?;
        let writer_az: Option<AzIdx> = az_of(&writer.instance);
        let readers_elsewhere = c
            .members
            .iter()
            .filter(|m| !m.writer)
            .any(|m| az_of(&m.instance) != writer_az);
        if readers_elsewhere {
            return None;
        }
        let az = writer_az.map_or("?", |a| e.az_id(a));
        let readers = c.members.iter().filter(|m| !m.writer).count();
        let what = if readers == 0 {
            "has no reader".to_string()
        } else {
            match readers {
                1 => "has its only reader in the writer's AZ".to_string(),
                n => format!("has all {n} of its readers in the writer's AZ"),
            }
        };
        Some(RULE.finding(
            vec![r],
            format!(
                "Aurora cluster {} {what}: losing {az} leaves it without an instance until Aurora creates one",
                ctx.name(r)
            ),
        ))
    })
    .collect()
}
