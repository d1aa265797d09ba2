//! Lambda: functions with their VPC subnets and security groups.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_lambda::Client;
use aws_sdk_lambda::types::FunctionConfiguration;

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{Facts, LambdaFunction};

/// `ListFunctions` carries each function's `VpcConfig`: one paginated call reads them all.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Vec<FunctionConfiguration>> {
    let pages = caller
        .pages(
            "ListFunctions",
            client.list_functions().into_paginator().send(),
        )
        .await;
    let mut failures = Vec::new();
    let data = or_record(&mut failures, pages)
        .into_iter()
        .flat_map(|p| p.functions.unwrap_or_default())
        .collect();
    Outcome { data, failures }
}

/// A function's ARN without a version or alias qualifier
/// (`arn:aws:lambda:us-east-1:111:function:thumbs:live` → `…:function:thumbs`): how the
/// estate knows a function, and how an ALB `lambda` target names it.
pub fn unqualified(arn: &str) -> &str {
    match arn.match_indices(':').nth(6) {
        Some((i, _)) if arn.split(':').nth(5) == Some("function") => &arn[..i],
        _ => arn,
    }
}

pub fn resources(
    functions: Vec<FunctionConfiguration>,
    place: &Placement,
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let mut out = Vec::new();
    for f in &functions {
        let Some(arn) = f.function_arn() else {
            continue;
        };
        let arn = unqualified(arn);
        let vpc = f.vpc_config();
        let subnets: Vec<String> = vpc.map(|v| v.subnet_ids().to_vec()).unwrap_or_default();
        let mut azs: Vec<String> = Vec::new();
        for subnet in &subnets {
            match place.az_of_subnet(subnet) {
                Some(az) if !azs.iter().any(|a| a == az) => azs.push(az.to_string()),
                Some(_) => {}
                None => {
                    failures.push(place.unplaced("ListFunctions", "an AZ of Lambda function", arn))
                }
            }
        }
        out.push(
            Named::new(
                arn,
                f.function_name().map(str::to_string),
                None,
                BTreeMap::new(),
            )
            .facts(Facts::LambdaFunction(LambdaFunction {
                runtime: f.runtime().map(|r| r.as_str().to_string()),
                subnets,
                azs,
                security_groups: vpc
                    .map(|v| v.security_group_ids().to_vec())
                    .unwrap_or_default(),
            })),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_are_dropped_from_function_arns() {
        let plain = "arn:aws:lambda:us-east-1:111122223333:function:thumbs";
        assert_eq!(unqualified(plain), plain);
        assert_eq!(unqualified(&format!("{plain}:live")), plain);
        assert_eq!(unqualified(&format!("{plain}:$LATEST")), plain);
        assert_eq!(unqualified(&format!("{plain}:7")), plain);
        // Not a function ARN: left alone.
        let layer = "arn:aws:lambda:us-east-1:111122223333:layer:deps:3";
        assert_eq!(unqualified(layer), layer);
    }
}
