//! ARC zonal shift: which load balancers AWS may shift away from an impaired AZ on its
//! own (zonal autoshift) and which rehearse it (practice runs). `ListManagedResources`
//! answers for every resource of the Region at once; each is matched to its load
//! balancer by ARN. (r53recovery/latest/dg/arc-zonal-autoshift.html)

use std::collections::HashMap;
use std::sync::Arc;

use aws_sdk_arczonalshift::Client;
use aws_sdk_arczonalshift::types::ZonalAutoshiftStatus;

use super::call::{Caller, Outcome, or_record};
use super::region::Found;
use blastmap_core::model::{Facts, ZonalShift};

/// What ARC says about one managed resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Managed {
    pub autoshift: Option<bool>,
    pub practice_runs: Option<bool>,
}

/// Managed resources by ARN.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<HashMap<String, Managed>> {
    let mut out = Outcome::<HashMap<String, Managed>>::default();
    let pages = caller
        .pages(
            "ListManagedResources",
            client.list_managed_resources().into_paginator().send(),
        )
        .await;
    let enabled = |s: Option<&ZonalAutoshiftStatus>| s.map(|s| *s == ZonalAutoshiftStatus::Enabled);
    out.data = or_record(&mut out.failures, pages)
        .into_iter()
        .flat_map(|p| p.items)
        .filter_map(|r| {
            let managed = Managed {
                autoshift: enabled(r.zonal_autoshift_status()),
                practice_runs: enabled(r.practice_run_status()),
            };
            Some((r.arn()?.to_string(), managed))
        })
        .collect();
    out
}

/// Fills in autoshift and practice runs on the load balancers ARC manages. One that ARC
/// manages but whose `zonal_shift.config.enabled` attribute was not read is enabled:
/// ARC lists only resources registered for zonal shift.
pub fn apply(managed: &HashMap<String, Managed>, found: &mut [Found]) {
    for f in found {
        let (Facts::LoadBalancer(lb), Some(m)) = (&mut f.facts, managed.get(&f.id)) else {
            continue;
        };
        let shift = lb.zonal_shift.get_or_insert(ZonalShift {
            enabled: true,
            autoshift: None,
            practice_runs: None,
        });
        shift.autoshift = m.autoshift;
        shift.practice_runs = m.practice_runs;
    }
}
