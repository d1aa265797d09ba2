//! `asg-imbalanced`: an Auto Scaling group's instances sit in fewer AZs than its subnets span.

use std::collections::BTreeSet;

use crate::model::{EdgeKind, Facts};

use super::{Context, Finding, Rule, Severity, and_list, each};
use crate::text::count;

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
        let members: Vec<&str> = e
            .edges_to(r)
            .filter(|(edge, _)| edge.kind == EdgeKind::MemberOf)
            .filter_map(|(_, i)| e.resource(i).az)
            .map(|a| e.az_id(a))
            .collect();
        // Only the AZs of its subnets count: a member elsewhere balances nothing.
        let used: BTreeSet<&str> = members
            .iter()
            .copied()
            .filter(|az| spans.contains(az))
            .collect();
        if members.is_empty() || used.len() >= spans.len() {
            return None;
        }
        let used: Vec<&str> = used.into_iter().collect();
        let (name, n, spanned) = (ctx.name(r), members.len(), spans.len());
        let message = if used.is_empty() {
            format!(
                "Auto Scaling group {name} spans {spanned} AZs but none of its {} sits in them",
                count(n, "instance", "instances")
            )
        } else {
            format!(
                "Auto Scaling group {name} spans {spanned} AZs but {} in {}",
                match n {
                    1 => "its one instance sits".to_string(),
                    n => format!("its {n} instances all sit"),
                },
                and_list(&used)
            )
        };
        Some(RULE.finding(vec![r], message))
    })
    .collect()
}
