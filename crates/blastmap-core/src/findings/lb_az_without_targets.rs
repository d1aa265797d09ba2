//! `lb-az-without-targets`: an enabled AZ with no targets while cross-zone is off.

use super::{Context, Finding, Rule, Severity, and_list};

pub const RULE: Rule = Rule {
    code: "lb-az-without-targets",
    severity: Severity::Medium,
    category: "misconfiguration",
    summary: "an enabled AZ with no targets while cross-zone is off",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut out = Vec::new();
    for (p, spec) in ctx.topo.paths().iter().enumerate() {
        let c = ctx.topo.path_parts(p);
        // Targets outside any AZ (an IP outside the VPC) are served from every node.
        if c.cross_zone || c.nonzonal.serving > 0 {
            continue;
        }
        let empty: Vec<&str> = c
            .lb_azs
            .iter()
            .filter(|az| !c.zones.iter().any(|z| z.az == **az && z.tally.serving > 0))
            .map(|az| e.az_id(*az))
            .collect();
        if empty.is_empty() {
            continue;
        }
        out.push(RULE.finding(
            vec![spec.lb, spec.tg],
            format!(
                "{} enables {} but {} has no healthy target there, and cross-zone load balancing is off: that node serves nothing, and the other nodes carry its share",
                ctx.name(spec.lb),
                and_list(&empty),
                ctx.name(spec.tg)
            ),
        ));
    }
    out
}
