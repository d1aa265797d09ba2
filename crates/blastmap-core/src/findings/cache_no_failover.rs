//! `cache-no-failover`: a cache a user-facing path depends on cannot fail over
//! within its Region (`../shared/domain.md` §8): a replication group with automatic
//! failover off or every node in one AZ, or a lone Redis node.

use std::collections::BTreeSet;

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity, and_list};

pub const RULE: Rule = Rule {
    code: "cache-no-failover",
    severity: Severity::High,
    category: "single point of failure",
    summary: "a cache a path depends on has automatic failover off or all its nodes in one AZ",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut out = Vec::new();
    for (i, r) in e.resources().iter().enumerate() {
        let res = crate::model::ResIdx(i as u32);
        if !ctx.is_depended(res) {
            continue;
        }
        let why = match &r.facts {
            Facts::CacheReplicationGroup(g) => {
                let azs: BTreeSet<&str> = (g.shards.iter().flat_map(|s| &s.members))
                    .map(|m| m.az.as_str())
                    .collect();
                let azs: Vec<&str> = azs.into_iter().collect();
                if !g.automatic_failover {
                    format!(
                        "automatic failover is off: losing a primary's AZ ({}) stops writes until a new primary is provisioned",
                        and_list(&primaries(g))
                    )
                } else if azs.len() == 1 {
                    format!(
                        "every node is in {}: losing it leaves nothing to fail over to",
                        azs[0]
                    )
                } else {
                    continue;
                }
            }
            Facts::CacheCluster(c) if c.engine != "memcached" => {
                let az = c.nodes.first().map_or("its AZ", |n| n.az.as_str());
                format!("it is a single Redis node in {az}, with no replica to fail over to")
            }
            _ => continue,
        };
        out.push(RULE.finding(
            vec![res],
            format!(
                "{} ({}) is a cache user-facing paths depend on, and {why}",
                ctx.name(res),
                r.kind().label()
            ),
        ));
    }
    out
}

fn primaries(g: &crate::model::CacheReplicationGroup) -> Vec<&str> {
    let azs: BTreeSet<&str> = (g.shards.iter().flat_map(|s| &s.members))
        .filter(|m| m.primary)
        .map(|m| m.az.as_str())
        .collect();
    azs.into_iter().collect()
}
