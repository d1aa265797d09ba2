//! `asg-imbalanced`: an Auto Scaling group's instances sit in fewer AZs than its subnets span.

use std::collections::BTreeSet;

use crate::model::{EdgeKind, Facts};

use super::{Context, Finding, Rule, Severity, and_list, each};

pub const RULE: Rule = Rule {
    code: "asg-imbalanced",
    severity: Severity::Medium,
    category: "shared fate",
    summary: "an ASG's instances sit in fewer AZs than its subnets span",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    each(e, |f| match f {
        Facts::AutoScalingGroup(a) => Some(a),
        _ => None,
    })
    .filter_map(|(r, asg)| {
        let spans: BTreeSet<&str> = asg.azs.iter().map(String::as_str).collect();
        // Its members, through the graph (member-of edges into the group).
        let used: BTreeSet<&str> = e
            .edges_to(r)
            .filter(|(edge, _)| edge.kind == EdgeKind::MemberOf)
            .filter_map(|(_, i)| e.resource(i).az)
            .map(|a| e.az_id(a))
            .collect();
        if asg.instances.is_empty() || used.len() >= spans.len() {
            return None;
        }
        let used: Vec<&str> = used.into_iter().collect();
        Some(RULE.finding(
            vec![r],
            format!(
                "Auto Scaling group {} spans {} AZs but its {} instance(s) all sit in {}",
                ctx.name(r),
                spans.len(),
                asg.instances.len(),
                and_list(&used)
            ),
        ))
    })
    .collect()
}
