//! `nat-cross-az`: subnets in one AZ route egress through a NAT gateway in another AZ.

use std::collections::BTreeMap;

use crate::model::{EdgeKind, Facts, ResIdx};

use super::{Context, Finding, Rule, Severity, and_list, each};
use crate::text::{count, verb};

pub const RULE: Rule = Rule {
    code: "nat-cross-az",
    severity: Severity::Medium,
    category: "shared fate",
    summary: "subnets in one AZ route egress through a NAT gateway in another AZ",
    check,
};

fn check(ctx: &Context) -> Vec<Finding> {
    let e = ctx.estate;
    let mut by_nat: BTreeMap<ResIdx, Vec<ResIdx>> = BTreeMap::new();
    for (subnet, _) in each(e, |f| match f {
        Facts::Subnet(s) => Some(s),
        _ => None,
    }) {
        let subnet_az = e.resource(subnet).az;
        for (edge, nat) in e.edges_from(subnet) {
            let nat_az = e.resource(nat).zonal_nat_az();
            if edge.kind == EdgeKind::EgressVia && nat_az.is_some() && nat_az != subnet_az {
                by_nat.entry(nat).or_default().push(subnet);
            }
        }
    }
    by_nat
        .into_iter()
        .map(|(nat, subnets)| {
            let mut azs: Vec<&str> = subnets
                .iter()
                .filter_map(|s| e.resource(*s).az.map(|a| e.az_id(a)))
                .collect();
            azs.sort_unstable();
            azs.dedup();
            let nat_az = e.resource(nat).az.map_or("?", |a| e.az_id(a));
            let mut resources = vec![nat];
            resources.extend(subnets.iter().copied());
            RULE.finding(
                resources,
                format!(
                    "{} in {} {} internet egress through NAT gateway {} in {nat_az}: losing {nat_az} cuts {} egress too",
                    count(subnets.len(), "subnet", "subnets"),
                    and_list(&azs),
                    verb(subnets.len(), "sends", "send"),
                    ctx.name(nat),
                    verb(subnets.len(), "its", "their")
                ),
            )
        })
        .collect()
}
