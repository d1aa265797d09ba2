//! CloudFront: distributions, their origins and origin groups (which fail over to
//! the secondary origin for reads only). A global service: read once per account.
//! `ListDistributions` carries the origins, origin groups and default cache behaviour
//! of every distribution, so no `GetDistributionConfig` is needed.
//! (AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html)

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::DistributionSummary;

use super::call::{Caller, Outcome, or_record};
use super::region::{Found, Named};
use blastmap_core::model::{Distribution, Facts, Origin, OriginGroup};

/// Aliases, origins and origin groups kept per distribution (CloudFront's own quotas
/// are lower: the rest of a hostile answer is dropped).
const PER_DISTRIBUTION: usize = 1024;

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Vec<DistributionSummary>> {
    let mut out = Outcome::<Vec<DistributionSummary>>::default();
    let pages = caller
        .pages(
            "ListDistributions",
            client.list_distributions().into_paginator().send(),
        )
        .await;
    out.data = or_record(&mut out.failures, pages)
        .into_iter()
        .filter_map(|p| p.distribution_list)
        .flat_map(|l| l.items.unwrap_or_default())
        .collect();
    out
}

/// One `distribution` per enabled distribution, in the global pseudo-Region. A disabled
/// distribution accepts no requests, so it is no entry point.
pub fn resources(distributions: Vec<DistributionSummary>) -> Vec<Found> {
    let mut out = Vec::new();
    for d in distributions.iter().filter(|d| d.enabled()) {
        let Some(default_target) = d.default_cache_behavior().map(|b| b.target_origin_id()) else {
            continue;
        };
        let aliases: Vec<String> = d
            .aliases()
            .map(|a| a.items())
            .unwrap_or_default()
            .iter()
            .take(PER_DISTRIBUTION)
            .cloned()
            .collect();
        let origins = d
            .origins()
            .map(|o| o.items())
            .unwrap_or_default()
            .iter()
            .take(PER_DISTRIBUTION)
            .map(|o| Origin {
                id: o.id().to_string(),
                domain: o.domain_name().to_string(),
            })
            .collect();
        let origin_groups = d
            .origin_groups()
            .map(|g| g.items())
            .unwrap_or_default()
            .iter()
            .take(PER_DISTRIBUTION)
            .filter_map(|g| {
                let members = g.members()?.items();
                let (primary, secondary) = (members.first()?, members.get(1)?);
                Some(OriginGroup {
                    id: g.id().to_string(),
                    primary: primary.origin_id().to_string(),
                    secondary: secondary.origin_id().to_string(),
                    failover_status_codes: g
                        .failover_criteria()
                        .and_then(|c| c.status_codes())
                        .map(|s| s.items())
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|c| u16::try_from(*c).ok())
                        .collect(),
                })
            })
            .collect();
        let name = aliases
            .first()
            .cloned()
            .unwrap_or_else(|| d.domain_name().to_string());
        out.push(
            Named::new(d.arn(), Some(name), None, BTreeMap::new()).facts(Facts::Distribution(
                Distribution {
                    domain: Some(d.domain_name().to_string()),
                    aliases,
                    origins,
                    origin_groups,
                    default_target: default_target.to_string(),
                },
            )),
        );
    }
    out
}
