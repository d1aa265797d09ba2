//! `table-not-global`: a DynamoDB table that a multi-Region service depends on has no
//! replica in one of the service's other Regions (`../shared/domain.md` §8): losing
//! the table's Region takes it down for every Region of the service.

use std::collections::BTreeSet;

use crate::model::{Facts, Kind};
use crate::sim::Part;

use super::{Context, Finding, Rule, Severity, and_list};

pub const RULE: Rule = Rule {
    code: "table-not-global",
    severity: Severity::High,
    category: "single point of failure",
    summary: "a table a multi-Region service depends on has no replica in its other Regions",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let (e, topo) = (ctx.estate, ctx.topo);
    let mut out = Vec::new();
    for s in topo.services() {
        let regions: BTreeSet<&str> = (s.paths.iter())
            .map(|&p| e.region_name(topo.paths()[p].region))
            .collect();
        if regions.len() < 2 {
            continue;
        }
        let mut tables: BTreeSet<crate::model::ResIdx> = BTreeSet::new();
        for &p in &s.paths {
            for d in &topo.path_parts(p).dependencies {
                if let Part::Service { res } = topo.part(d.part)
                    && e.resource(res).kind() == Kind::DynamodbTable
                {
                    tables.insert(res);
                }
            }
        }
        for t in tables {
            let r = e.resource(t);
            let Facts::DynamodbTable(f) = &r.facts else {
                continue;
            };
            let home = e.region_name(r.region);
            let missing: Vec<&str> = (regions.iter().copied())
                .filter(|reg| *reg != home && !f.replicas.iter().any(|x| x == reg))
                .collect();
            if missing.is_empty() {
                continue;
            }
            out.push(RULE.finding(
                vec![t],
                format!(
                    "DynamoDB table {} ({home}) is a dependency of service {}, which also runs in {}, but has no replica there: losing {home} takes it down for every Region of the service",
                    ctx.name(t),
                    s.name,
                    and_list(&missing)
                ),
            ));
        }
    }
    out
}
