//! `asg-imbalanced`: an Auto Scaling group's instances sit in fewer AZs than its subnets span.

use std::collections::BTreeSet;

use crate::model::Facts;

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
        let used: BTreeSet<&str> = asg
            .instances
            .iter()
            .filter_map(|i| e.find(i))
            .filter_map(|i| e.resource(i).az)
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
