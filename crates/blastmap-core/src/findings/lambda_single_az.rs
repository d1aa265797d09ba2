//! `lambda-single-az`: a VPC Lambda function whose subnets are all in one AZ
//! (`../shared/domain.md` §8): it is lost with that AZ.

use crate::model::Facts;

use super::{Context, Finding, Rule, Severity, each};

pub const RULE: Rule = Rule {
    code: "lambda-single-az",
    severity: Severity::Medium,
    category: "single point of failure",
    summary: "a VPC Lambda function whose subnets are all in one AZ",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    each(ctx.estate, |f| match f {
        Facts::LambdaFunction(l) => Some(l),
        _ => None,
    })
    .filter_map(|(r, f)| {
        let first = f.azs.first()?;
        if f.azs.iter().any(|az| az != first) {
            return None;
        }
        Some(RULE.finding(
            vec![r],
            format!(
                "Lambda function {} runs in a VPC whose subnets are all in {first}: losing {first} stops it",
                ctx.name(r)
            ),
        ))
    })
    .collect()
}
