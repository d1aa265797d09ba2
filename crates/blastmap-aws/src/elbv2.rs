//! ELBv2: load balancers with their attributes, tags, listeners and rules;
//! target groups with their attributes and target health. The calls that
//! depend on a load balancer or target group start as soon as it is listed.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::operation::describe_load_balancers::{
    DescribeLoadBalancersError, DescribeLoadBalancersOutput,
};
use aws_sdk_elasticloadbalancingv2::operation::describe_target_groups::{
    DescribeTargetGroupsError, DescribeTargetGroupsOutput,
};
use aws_sdk_elasticloadbalancingv2::types::{
    Action, Listener as SdkListener, LoadBalancer as SdkLoadBalancer, LoadBalancerSchemeEnum,
    LoadBalancerTypeEnum, TargetGroup as SdkTargetGroup, TargetHealthDescription,
    TargetHealthStateEnum, TargetTypeEnum,
};
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller, Outcome, Pages, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{
    CrossZone, Facts, LbType, LbZone, Listener, LoadBalancer, Scheme, Target, TargetGroup,
    TargetHealth, TargetType, ZonalShift,
};

/// Load balancers per `DescribeTags` request (the API's limit).
const ARNS_PER_TAGS_CALL: usize = 20;
/// The attribute that turns cross-zone load balancing on or off.
const CROSS_ZONE: &str = "load_balancing.cross_zone.enabled";
/// The attribute that lets ARC start a zonal shift (`../shared/domain.md` §10).
const ZONAL_SHIFT: &str = "zonal_shift.config.enabled";

/// A load balancer and what was read about it.
#[derive(Debug)]
pub struct LbRead {
    pub lb: SdkLoadBalancer,
    pub cross_zone: Option<String>,
    /// `zonal_shift.config.enabled`, when the load balancer has the attribute.
    pub zonal_shift: Option<String>,
    pub listeners: Vec<(SdkListener, Vec<Action>)>,
}

/// A target group and what was read about it.
#[derive(Debug)]
pub struct TgRead {
    pub tg: SdkTargetGroup,
    pub cross_zone: Option<String>,
    pub health: Vec<TargetHealthDescription>,
}

#[derive(Debug, Default)]
pub struct Elbv2Read {
    pub load_balancers: Vec<LbRead>,
    pub target_groups: Vec<TgRead>,
    /// Tags per load balancer ARN.
    pub tags: BTreeMap<String, BTreeMap<String, String>>,
}

/// The answer of one fanned-out task.
enum Part {
    Lb(LbRead, Vec<CallFailure>),
    Tg(TgRead, Vec<CallFailure>),
    Tags(BTreeMap<String, BTreeMap<String, String>>),
    Failed(CallFailure),
}

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Elbv2Read> {
    let mut out = Outcome::<Elbv2Read>::default();
    let (lbs, tgs) = tokio::join!(
        list_load_balancers(&caller, &client),
        list_target_groups(&caller, &client)
    );
    for (mut tasks, failures) in [lbs, tgs] {
        out.failures.extend(failures);
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(Part::Lb(lb, failures)) => {
                    out.data.load_balancers.push(lb);
                    out.failures.extend(failures);
                }
                Ok(Part::Tg(tg, failures)) => {
                    out.data.target_groups.push(tg);
                    out.failures.extend(failures);
                }
                Ok(Part::Tags(tags)) => out.data.tags.extend(tags),
                Ok(Part::Failed(f)) => out.failures.push(f),
                Err(e) => out.failures.push(task_failed("DescribeLoadBalancers", e)),
            }
        }
    }
    out
}

/// A task that panicked or was cancelled read nothing we can trust.
fn task_failed(operation: &'static str, e: tokio::task::JoinError) -> CallFailure {
    CallFailure::unplaced(operation, format!("a reading task failed: {e}"))
}

/// Lists load balancers page by page, starting each one's dependent calls
/// (attributes, tags, listeners and rules) as soon as its page arrives.
async fn list_load_balancers(
    caller: &Arc<Caller>,
    client: &Client,
) -> (JoinSet<Part>, Vec<CallFailure>) {
    let mut tasks = JoinSet::new();
    let mut pages: Pages<DescribeLoadBalancersOutput, DescribeLoadBalancersError> =
        client.describe_load_balancers().into_paginator().send();
    while let Some(page) = caller.page("DescribeLoadBalancers", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => return (tasks, vec![f]),
        };
        let found = page.load_balancers.unwrap_or_default();
        let arns: Vec<String> = found
            .iter()
            .filter_map(|lb| lb.load_balancer_arn().map(str::to_string))
            .collect();
        for chunk in arns.chunks(ARNS_PER_TAGS_CALL) {
            tasks.spawn(tags(caller.clone(), client.clone(), chunk.to_vec()));
        }
        for lb in found {
            tasks.spawn(load_balancer(caller.clone(), client.clone(), lb));
        }
    }
    (tasks, Vec::new())
}

/// Lists target groups page by page, reading each one's attributes and target
/// health as soon as its page arrives.
async fn list_target_groups(
    caller: &Arc<Caller>,
    client: &Client,
) -> (JoinSet<Part>, Vec<CallFailure>) {
    let mut tasks = JoinSet::new();
    let mut pages: Pages<DescribeTargetGroupsOutput, DescribeTargetGroupsError> =
        client.describe_target_groups().into_paginator().send();
    while let Some(page) = caller.page("DescribeTargetGroups", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => return (tasks, vec![f]),
        };
        for tg in page.target_groups.unwrap_or_default() {
            tasks.spawn(target_group(caller.clone(), client.clone(), tg));
        }
    }
    (tasks, Vec::new())
}

async fn tags(caller: Arc<Caller>, client: Client, arns: Vec<String>) -> Part {
    let request = client.describe_tags().set_resource_arns(Some(arns));
    match caller.call("DescribeTags", request.send()).await {
        Err(f) => Part::Failed(f),
        Ok(out) => Part::Tags(
            out.tag_descriptions()
                .iter()
                .filter_map(|d| {
                    let tags = d
                        .tags()
                        .iter()
                        .filter_map(|t| {
                            Some((t.key()?.to_string(), t.value().unwrap_or("").to_string()))
                        })
                        .collect();
                    Some((d.resource_arn()?.to_string(), tags))
                })
                .collect(),
        ),
    }
}

async fn load_balancer(caller: Arc<Caller>, client: Client, lb: SdkLoadBalancer) -> Part {
    let arn = lb.load_balancer_arn().unwrap_or_default().to_string();
    let mut failures = Vec::new();
    let (attributes, listeners) = tokio::join!(
        caller.call(
            "DescribeLoadBalancerAttributes",
            client
                .describe_load_balancer_attributes()
                .load_balancer_arn(&arn)
                .send()
        ),
        caller.pages(
            "DescribeListeners",
            client
                .describe_listeners()
                .load_balancer_arn(&arn)
                .into_paginator()
                .send()
        ),
    );
    let attributes = or_record(&mut failures, attributes.map(Some));
    let attribute = |key: &str| {
        attributes
            .as_ref()
            .and_then(|a| attribute_of(a.attributes().iter().map(|a| (a.key(), a.value())), key))
    };
    let (cross_zone, zonal_shift) = (attribute(CROSS_ZONE), attribute(ZONAL_SHIFT));
    let listeners: Vec<SdkListener> = or_record(&mut failures, listeners)
        .into_iter()
        .flat_map(|p| p.listeners.unwrap_or_default())
        .collect();
    // Rules of every listener at once: each is one more round trip after its listener.
    let mut rules: JoinSet<(usize, Result<Vec<Action>, CallFailure>)> = JoinSet::new();
    for (i, l) in listeners.iter().enumerate() {
        let Some(listener_arn) = l.listener_arn().map(str::to_string) else {
            continue;
        };
        let (caller, client) = (caller.clone(), client.clone());
        rules.spawn(async move {
            let pages = caller
                .pages(
                    "DescribeRules",
                    client
                        .describe_rules()
                        .listener_arn(listener_arn)
                        .into_paginator()
                        .send(),
                )
                .await;
            let actions = pages.map(|pages| {
                pages
                    .into_iter()
                    .flat_map(|p| p.rules.unwrap_or_default())
                    .flat_map(|r| r.actions.unwrap_or_default())
                    .collect()
            });
            (i, actions)
        });
    }
    let mut rule_actions: Vec<Vec<Action>> = vec![Vec::new(); listeners.len()];
    while let Some(joined) = rules.join_next().await {
        match joined {
            Ok((i, Ok(actions))) => rule_actions[i] = actions,
            Ok((_, Err(f))) => failures.push(f),
            Err(e) => failures.push(task_failed("DescribeRules", e)),
        }
    }
    Part::Lb(
        LbRead {
            lb,
            cross_zone,
            zonal_shift,
            listeners: listeners.into_iter().zip(rule_actions).collect(),
        },
        failures,
    )
}

async fn target_group(caller: Arc<Caller>, client: Client, tg: SdkTargetGroup) -> Part {
    let arn = tg.target_group_arn().unwrap_or_default().to_string();
    let mut failures = Vec::new();
    let (attributes, health) = tokio::join!(
        caller.call(
            "DescribeTargetGroupAttributes",
            client
                .describe_target_group_attributes()
                .target_group_arn(&arn)
                .send()
        ),
        caller.call(
            "DescribeTargetHealth",
            client
                .describe_target_health()
                .target_group_arn(&arn)
                .send()
        ),
    );
    let cross_zone = or_record(&mut failures, attributes.map(Some)).and_then(|a| {
        attribute_of(
            a.attributes().iter().map(|a| (a.key(), a.value())),
            CROSS_ZONE,
        )
    });
    let health = or_record(&mut failures, health.map(Some))
        .and_then(|h| h.target_health_descriptions)
        .unwrap_or_default();
    Part::Tg(
        TgRead {
            tg,
            cross_zone,
            health,
        },
        failures,
    )
}

/// The value of the attribute `key` among `(key, value)` attributes.
fn attribute_of<'a>(
    mut attributes: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
    key: &str,
) -> Option<String> {
    attributes
        .find(|(k, _)| *k == Some(key))
        .and_then(|(_, v)| v.map(str::to_string))
}

/// Target groups an action forwards to: its own, and every weighted one.
fn forwarded(action: &Action) -> impl Iterator<Item = &str> {
    action.target_group_arn().into_iter().chain(
        action
            .forward_config()
            .into_iter()
            .flat_map(|f| f.target_groups())
            .filter_map(|t| t.target_group_arn()),
    )
}

fn health_of(state: Option<&TargetHealthStateEnum>) -> TargetHealth {
    match state {
        Some(TargetHealthStateEnum::Healthy) => TargetHealth::Healthy,
        Some(TargetHealthStateEnum::Initial) => TargetHealth::Initial,
        Some(TargetHealthStateEnum::Unused) => TargetHealth::Unused,
        Some(TargetHealthStateEnum::Draining | TargetHealthStateEnum::UnhealthyDraining) => {
            TargetHealth::Draining
        }
        Some(TargetHealthStateEnum::Unavailable) => TargetHealth::Unavailable,
        // Unhealthy, or a state this build does not know: no capacity.
        _ => TargetHealth::Unhealthy,
    }
}

pub fn resources(
    read: Elbv2Read,
    place: &Placement,
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let mut out = Vec::new();
    for r in read.load_balancers {
        let Some(arn) = r.lb.load_balancer_arn() else {
            continue;
        };
        let lb_type = match r.lb.r#type() {
            Some(LoadBalancerTypeEnum::Network) => LbType::Network,
            Some(LoadBalancerTypeEnum::Gateway) => LbType::Gateway,
            _ => LbType::Application,
        };
        let scheme = match r.lb.scheme() {
            Some(LoadBalancerSchemeEnum::Internal) => Scheme::Internal,
            _ => Scheme::InternetFacing,
        };
        let mut zones = Vec::new();
        for z in r.lb.availability_zones() {
            match place.az_of(z.subnet_id(), z.zone_name()) {
                Some(az) => zones.push(LbZone {
                    az,
                    subnet: z.subnet_id().map(str::to_string),
                }),
                None => failures.push(place.unplaced(
                    "DescribeLoadBalancers",
                    "a zone of load balancer",
                    arn,
                )),
            }
        }
        let listeners = r
            .listeners
            .iter()
            .map(|(l, rule_actions)| {
                let mut target_groups: Vec<String> = Vec::new();
                for tg in l
                    .default_actions()
                    .iter()
                    .chain(rule_actions)
                    .flat_map(forwarded)
                {
                    if !target_groups.iter().any(|t| t == tg) {
                        target_groups.push(tg.to_string());
                    }
                }
                Listener {
                    port: l.port().and_then(|p| u16::try_from(p).ok()),
                    protocol: l.protocol().map(|p| p.as_str().to_string()),
                    target_groups,
                }
            })
            .collect();
        let tags = read.tags.get(arn).cloned().unwrap_or_default();
        let name = r.lb.load_balancer_name().map(str::to_string);
        out.push(
            Named::new(arn, name, None, tags).facts(Facts::LoadBalancer(LoadBalancer {
                lb_type,
                scheme,
                dns_name: r.lb.dns_name().map(str::to_string),
                zones,
                cross_zone: r.cross_zone.as_deref().map(|v| v == "true"),
                security_groups: r.lb.security_groups().to_vec(),
                listeners,
                // Autoshift and practice runs come from ARC, not from ELBv2.
                zonal_shift: r.zonal_shift.as_deref().map(|v| ZonalShift {
                    enabled: v == "true",
                    autoshift: None,
                    practice_runs: None,
                }),
            })),
        );
    }
    for r in read.target_groups {
        let Some(arn) = r.tg.target_group_arn() else {
            continue;
        };
        let target_type = match r.tg.target_type() {
            Some(TargetTypeEnum::Ip) => TargetType::Ip,
            Some(TargetTypeEnum::Lambda) => TargetType::Lambda,
            Some(TargetTypeEnum::Alb) => TargetType::Alb,
            _ => TargetType::Instance,
        };
        let targets = r
            .health
            .iter()
            .filter_map(|h| {
                let t = h.target()?;
                let az = match t.availability_zone() {
                    Some("all") => Some("all".to_string()),
                    name => place.az_of_name(name),
                };
                let id = t.id()?;
                // A function registered by an alias or version is the function.
                let id = if target_type == TargetType::Lambda {
                    super::lambda::unqualified(id)
                } else {
                    id
                };
                Some(Target {
                    id: id.to_string(),
                    az,
                    port: t.port().and_then(|p| u16::try_from(p).ok()),
                    health: health_of(h.target_health().and_then(|s| s.state())),
                })
            })
            .collect();
        let name = r.tg.target_group_name().map(str::to_string);
        out.push(
            Named::new(arn, name, None, BTreeMap::new()).facts(Facts::TargetGroup(TargetGroup {
                target_type,
                protocol: r.tg.protocol().map(|p| p.as_str().to_string()),
                port: r.tg.port().and_then(|p| u16::try_from(p).ok()),
                cross_zone: match r.cross_zone.as_deref() {
                    Some("true") => CrossZone::On,
                    Some("false") => CrossZone::Off,
                    _ => CrossZone::Inherit,
                },
                targets,
            })),
        );
    }
    out
}
