//! Global Accelerator: standard accelerators, their listeners' endpoint groups per
//! Region (traffic dial, endpoints with weights). Its API lives only in us-west-2 and
//! answers for the whole account: read once per account. Each accelerator's listeners
//! are listed as soon as its page arrives, each listener's endpoint groups as soon as
//! the listener is known. (global-accelerator/latest/dg/about-endpoint-groups.html)

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_globalaccelerator::Client;
use aws_sdk_globalaccelerator::types::{Accelerator as SdkAccelerator, EndpointGroup as SdkGroup};
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named};
use blastmap_core::model::{Accelerator, AcceleratorEndpoint, EndpointGroup, Facts};

/// The only Region that serves the Global Accelerator API.
pub const API_REGION: &str = "us-west-2";
/// An endpoint's weight when none is set (the API's default).
const DEFAULT_WEIGHT: u32 = 128;

/// An accelerator and the endpoint groups of all its listeners.
#[derive(Debug)]
pub struct AcceleratorRead {
    pub accelerator: SdkAccelerator,
    pub groups: Vec<SdkGroup>,
}

type Part = (usize, Vec<SdkGroup>, Vec<CallFailure>);

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Vec<AcceleratorRead>> {
    let mut out = Outcome::<Vec<AcceleratorRead>>::default();
    let mut tasks: JoinSet<Part> = JoinSet::new();
    let mut pages = client.list_accelerators().into_paginator().send();
    while let Some(page) = caller.page("ListAccelerators", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => {
                out.failures.push(f);
                break;
            }
        };
        for accelerator in page.accelerators.unwrap_or_default() {
            let Some(arn) = accelerator.accelerator_arn().map(str::to_string) else {
                continue;
            };
            let i = out.data.len();
            out.data.push(AcceleratorRead {
                accelerator,
                groups: Vec::new(),
            });
            tasks.spawn(groups_of(caller.clone(), client.clone(), i, arn));
        }
    }
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((i, groups, failures)) => {
                out.data[i].groups.extend(groups);
                out.failures.extend(failures);
            }
            Err(e) => out.failures.push(CallFailure::unplaced(
                "ListListeners",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    out
}

/// The endpoint groups of every listener of one accelerator.
async fn groups_of(caller: Arc<Caller>, client: Client, i: usize, arn: String) -> Part {
    let mut failures = Vec::new();
    let mut listeners: JoinSet<Result<Vec<SdkGroup>, CallFailure>> = JoinSet::new();
    let mut pages = client
        .list_listeners()
        .accelerator_arn(&arn)
        .into_paginator()
        .send();
    while let Some(page) = caller.page("ListListeners", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => {
                failures.push(f);
                break;
            }
        };
        for listener in page.listeners.unwrap_or_default() {
            let Some(listener) = listener.listener_arn().map(str::to_string) else {
                continue;
            };
            let (caller, client) = (caller.clone(), client.clone());
            listeners.spawn(async move {
                let pages = caller
                    .pages(
                        "ListEndpointGroups",
                        client
                            .list_endpoint_groups()
                            .listener_arn(listener)
                            .into_paginator()
                            .send(),
                    )
                    .await?;
                Ok(pages
                    .into_iter()
                    .flat_map(|p| p.endpoint_groups.unwrap_or_default())
                    .collect())
            });
        }
    }
    let mut groups = Vec::new();
    while let Some(joined) = listeners.join_next().await {
        match joined {
            Ok(found) => groups.extend(or_record(&mut failures, found)),
            Err(e) => failures.push(CallFailure::unplaced(
                "ListEndpointGroups",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    (i, groups, failures)
}

/// `TrafficDialPercentage` as a whole percentage, 0 to 100 (100 when not given).
fn dial(percentage: Option<f32>) -> u8 {
    match percentage {
        Some(p) if p.is_finite() => p.round().clamp(0.0, 100.0) as u8,
        _ => 100,
    }
}

/// One `accelerator` per enabled accelerator, in the global pseudo-Region. A disabled
/// accelerator routes no traffic, so it is no entry point.
pub fn resources(read: Vec<AcceleratorRead>) -> Vec<Found> {
    let mut out = Vec::new();
    for r in read {
        let a = &r.accelerator;
        if a.enabled() == Some(false) {
            continue;
        }
        let Some(arn) = a.accelerator_arn() else {
            continue;
        };
        let mut endpoint_groups: Vec<EndpointGroup> = Vec::new();
        for g in &r.groups {
            let Some(region) = g.endpoint_group_region() else {
                continue;
            };
            let group = EndpointGroup {
                region: region.to_string(),
                traffic_dial: dial(g.traffic_dial_percentage()),
                endpoints: g
                    .endpoint_descriptions()
                    .iter()
                    .filter_map(|e| {
                        Some(AcceleratorEndpoint {
                            id: e.endpoint_id()?.to_string(),
                            weight: e
                                .weight()
                                .and_then(|w| u32::try_from(w).ok())
                                .unwrap_or(DEFAULT_WEIGHT),
                        })
                    })
                    .collect(),
            };
            // Two listeners (ports 80 and 443) usually share the same groups: once each.
            if !endpoint_groups.contains(&group) {
                endpoint_groups.push(group);
            }
        }
        out.push(
            Named::new(arn, a.name().map(str::to_string), None, BTreeMap::new()).facts(
                Facts::Accelerator(Accelerator {
                    dns_name: a.dns_name().map(str::to_string),
                    endpoint_groups,
                }),
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_traffic_dial_is_a_whole_percentage() {
        assert_eq!(dial(Some(100.0)), 100);
        assert_eq!(dial(Some(0.0)), 0);
        assert_eq!(dial(Some(33.4)), 33);
        assert_eq!(dial(Some(250.0)), 100);
        assert_eq!(dial(Some(f32::NAN)), 100);
        assert_eq!(dial(None), 100);
    }
}
