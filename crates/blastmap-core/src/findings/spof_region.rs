//! `spof-region`: a service exists in only one Region.

use std::collections::BTreeSet;

use crate::model::ResIdx;

use super::{Context, Finding, Rule, Severity};

pub const RULE: Rule = Rule {
    code: "spof-region",
    severity: Severity::Medium,
    category: "single point of failure",
    summary: "a service exists in only one Region",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let topo = ctx.topo;
    let mut out = Vec::new();
    for s in topo.services() {
        let regions: BTreeSet<&str> = s
            .paths
            .iter()
            .map(|&p| ctx.estate.region_name(topo.paths()[p].region))
            .collect();
        if regions.len() == 1 {
            let mut lbs: Vec<ResIdx> = s.paths.iter().map(|&p| topo.paths()[p].lb).collect();
            lbs.dedup();
            let region = regions.into_iter().next().unwrap_or_default();
            out.push(RULE.finding(
                lbs,
                format!(
                    "service {} runs only in {region}: losing that Region takes it down",
                    s.name
                ),
            ));
        }
    }
    // A load balancer without a service name is a service of its own.
    let mut seen: BTreeSet<ResIdx> = BTreeSet::new();
    for p in topo.paths().iter().filter(|p| p.service.is_none()) {
        if seen.insert(p.lb) {
            out.push(RULE.finding(
                vec![p.lb],
                format!(
                    "{} (no blastmap:service tag) runs only in {}: losing that Region takes it down",
                    ctx.name(p.lb),
                    ctx.estate.region_name(p.region)
                ),
            ));
        }
    }
    out
}
