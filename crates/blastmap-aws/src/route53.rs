//! Route 53: hosted zones, and the record sets that can send users to a load
//! balancer (`A`, `AAAA` or `CNAME` sets with an alias target or a `CNAME` value),
//! with their routing policy and whether Route 53 can see each member fail.
//! A global service: read once per account. (Route53/latest/DeveloperGuide/
//! routing-policy.html, dns-failover.html)

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_sdk_route53::Client;
use aws_sdk_route53::types::{HostedZone, ResourceRecordSet, ResourceRecordSetFailover, RrType};
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named};
use blastmap_core::model::{DnsMember, DnsRecords, Facts, FailoverRole, Routing};

/// Records kept per record set: Route 53 itself allows far fewer of one name and type.
const MEMBERS_PER_SET: usize = 256;
/// Pages of one zone's records: a cursor that never ends is a broken answer.
const PAGES_PER_ZONE: usize = 10_000;

/// A hosted zone and its record sets of the kinds kept.
#[derive(Debug)]
pub struct ZoneRead {
    pub zone: HostedZone,
    pub records: Vec<ResourceRecordSet>,
}

/// What Route 53 answered for one account.
#[derive(Debug, Default)]
pub struct Route53Read {
    pub zones: Vec<ZoneRead>,
    /// Health check id → whether it is disabled (a disabled check always reads healthy).
    pub disabled_checks: HashMap<String, bool>,
}

/// Lists the hosted zones, reading each page's zones' records as soon as it arrives,
/// and the health checks at the same time.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Route53Read> {
    let mut out = Outcome::<Route53Read>::default();
    let zones = async {
        let mut tasks: JoinSet<(HostedZone, Result<Vec<ResourceRecordSet>, CallFailure>)> =
            JoinSet::new();
        let mut failures = Vec::new();
        let mut pages = client.list_hosted_zones().into_paginator().send();
        while let Some(page) = caller.page("ListHostedZones", &mut pages).await {
            let page = match page {
                Ok(page) => page,
                Err(f) => {
                    failures.push(f);
                    break;
                }
            };
            for zone in page.hosted_zones {
                let (caller, client) = (caller.clone(), client.clone());
                tasks.spawn(async move {
                    let records = records(&caller, &client, zone.id()).await;
                    (zone, records)
                });
            }
        }
        (tasks, failures)
    };
    let checks = caller.pages(
        "ListHealthChecks",
        client.list_health_checks().into_paginator().send(),
    );
    let ((mut tasks, failures), checks) = tokio::join!(zones, checks);
    out.failures.extend(failures);
    out.data.disabled_checks = or_record(&mut out.failures, checks)
        .into_iter()
        .flat_map(|p| p.health_checks)
        .map(|c| {
            let disabled = c
                .health_check_config()
                .and_then(|cfg| cfg.disabled())
                .unwrap_or(false);
            (c.id().to_string(), disabled)
        })
        .collect();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((zone, records)) => {
                let records = or_record(&mut out.failures, records);
                out.data.zones.push(ZoneRead { zone, records });
            }
            Err(e) => out.failures.push(CallFailure::unplaced(
                "ListResourceRecordSets",
                format!("a reading task failed: {e}"),
            )),
        }
    }
    out
}

/// Whether a record set could send users somewhere a scan can follow.
fn is_kept(r: &ResourceRecordSet) -> bool {
    matches!(r.r#type(), RrType::A | RrType::Aaaa | RrType::Cname)
        && (r.alias_target().is_some() || *r.r#type() == RrType::Cname)
}

/// Every page of a zone's record sets, keeping those [`is_kept`]. Route 53 pages by the
/// next record's name, type and set identifier, not by a token: the SDK has no paginator.
async fn records(
    caller: &Caller,
    client: &Client,
    zone: &str,
) -> Result<Vec<ResourceRecordSet>, CallFailure> {
    let mut out = Vec::new();
    let mut request = client.list_resource_record_sets().hosted_zone_id(zone);
    let mut cursor: Option<(String, RrType, Option<String>)> = None;
    for _ in 0..PAGES_PER_ZONE {
        let page = caller
            .call("ListResourceRecordSets", request.clone().send())
            .await?;
        out.extend(
            page.resource_record_sets()
                .iter()
                .filter(|r| is_kept(r))
                .cloned(),
        );
        let next = match (page.next_record_name(), page.next_record_type()) {
            (Some(name), Some(kind)) if page.is_truncated() => Some((
                name.to_string(),
                kind.clone(),
                page.next_record_identifier().map(str::to_string),
            )),
            _ => None,
        };
        // A cursor that does not move would read the same page for ever.
        if next.is_none() || next == cursor {
            return Ok(out);
        }
        cursor = next;
        if let Some((name, kind, identifier)) = &cursor {
            request = client
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .start_record_name(name)
                .start_record_type(kind.clone())
                .set_start_record_identifier(identifier.clone());
        }
    }
    Err(CallFailure::unplaced(
        "ListResourceRecordSets",
        format!(
            "hosted zone {zone} has more than {PAGES_PER_ZONE} pages of records: the rest is left out"
        ),
    ))
}

/// A DNS name as Route 53 writes it (`\052.example.com.`), as users type it
/// (`*.example.com`): lower case, no trailing dot, octal escapes decoded.
pub fn record_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut chars = name.trim_end_matches('.').chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            let digits: String = chars.clone().take(3).collect();
            if digits.len() == 3
                && digits.chars().all(|d| ('0'..='7').contains(&d))
                && let Ok(code) = u8::from_str_radix(&digits, 8)
                && code.is_ascii_graphic()
            {
                out.push(char::from(code));
                for _ in 0..3 {
                    chars.next();
                }
                continue;
            }
        }
        out.push(c);
    }
    out.to_ascii_lowercase()
}

/// `/hostedzone/Z123` → `Z123`.
fn zone_id(id: &str) -> &str {
    id.rsplit('/').next().unwrap_or(id)
}

/// The routing policy of a record set, from its first record (Route 53 refuses sets
/// that mix policies). Geoproximity and IP-based routing split users by where they
/// are, as geolocation does.
fn routing_of(r: &ResourceRecordSet) -> Routing {
    if r.failover().is_some() {
        Routing::Failover
    } else if r.region().is_some() {
        Routing::Latency
    } else if r.geo_location().is_some()
        || r.geo_proximity_location().is_some()
        || r.cidr_routing_config().is_some()
    {
        Routing::Geolocation
    } else if r.weight().is_some() {
        Routing::Weighted
    } else if r.multi_value_answer() == Some(true) {
        Routing::Multivalue
    } else {
        Routing::Simple
    }
}

/// Where a geolocation, geoproximity or IP-based record sends from: `EU`, `US-CA`,
/// `region:us-east-1`, `cidr:collection/location`.
fn location_of(r: &ResourceRecordSet) -> Option<String> {
    if let Some(g) = r.geo_location() {
        let place = match (g.continent_code(), g.country_code(), g.subdivision_code()) {
            (_, Some(country), Some(sub)) => format!("{country}-{sub}"),
            (_, Some(country), None) => country.to_string(),
            (Some(continent), None, _) => continent.to_string(),
            (None, None, _) => return None,
        };
        return Some(place);
    }
    if let Some(p) = r.geo_proximity_location() {
        return p
            .aws_region()
            .map(|region| format!("region:{region}"))
            .or_else(|| p.local_zone_group().map(|z| format!("local-zone:{z}")))
            .or_else(|| {
                p.coordinates()
                    .map(|c| format!("{},{}", c.latitude(), c.longitude()))
            });
    }
    r.cidr_routing_config()
        .map(|c| format!("cidr:{}/{}", c.collection_id(), c.location_name()))
}

fn member_of(r: &ResourceRecordSet, disabled: &HashMap<String, bool>) -> DnsMember {
    let alias = r.alias_target();
    let target = match alias {
        Some(a) => a.dns_name().to_string(),
        None => r
            .resource_records()
            .first()
            .map(|v| v.value().to_string())
            .unwrap_or_default(),
    };
    // A disabled health check always reads healthy: Route 53 cannot see the member fail.
    let health_check = r
        .health_check_id()
        .filter(|id| disabled.get(*id) != Some(&true))
        .map(str::to_string);
    DnsMember {
        set_identifier: r.set_identifier().map(str::to_string),
        target,
        evaluate_target_health: alias.is_some_and(|a| a.evaluate_target_health()),
        health_check,
        failover: r.failover().map(|f| match f {
            ResourceRecordSetFailover::Secondary => FailoverRole::Secondary,
            _ => FailoverRole::Primary,
        }),
        region: r.region().map(|x| x.as_str().to_string()),
        weight: r.weight().and_then(|w| u32::try_from(w).ok()),
        location: location_of(r),
    }
}

/// One `dns_records` resource per (zone, name, type), in the global pseudo-Region.
pub fn resources(read: Route53Read, failures: &mut Vec<CallFailure>) -> Vec<Found> {
    let mut out = Vec::new();
    for z in &read.zones {
        let zone = zone_id(z.zone.id());
        let private_zone = z.zone.config().is_some_and(|c| c.private_zone());
        // (name, type) → its records, in the order Route 53 listed them.
        let mut sets: Vec<((String, String), Vec<&ResourceRecordSet>)> = Vec::new();
        let mut at: HashMap<(String, String), usize> = HashMap::new();
        for r in &z.records {
            let key = (record_name(r.name()), r.r#type().as_str().to_string());
            let i = *at.entry(key.clone()).or_insert_with(|| {
                sets.push((key, Vec::new()));
                sets.len() - 1
            });
            sets[i].1.push(r);
        }
        for ((name, kind), records) in sets {
            if records.len() > MEMBERS_PER_SET {
                failures.push(CallFailure::unplaced(
                    "ListResourceRecordSets",
                    format!(
                        "{name} {kind} in hosted zone {zone} has {} records: the first \
                         {MEMBERS_PER_SET} are kept",
                        records.len()
                    ),
                ));
            }
            let members: Vec<DnsMember> = records
                .iter()
                .take(MEMBERS_PER_SET)
                .map(|r| member_of(r, &read.disabled_checks))
                .collect();
            let id = format!("{zone}/{name}/{kind}");
            out.push(
                Named::new(&id, Some(name.clone()), None, BTreeMap::new()).facts(
                    Facts::DnsRecords(DnsRecords {
                        zone: zone.to_string(),
                        private_zone,
                        record_name: name,
                        record_type: kind,
                        routing: routing_of(records[0]),
                        members,
                    }),
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use aws_sdk_route53::types::{AliasTarget, GeoLocation, HostedZoneConfig, ResourceRecord};

    use super::*;

    fn record(
        name: &str,
        kind: RrType,
    ) -> aws_sdk_route53::types::builders::ResourceRecordSetBuilder {
        ResourceRecordSet::builder().name(name).r#type(kind)
    }

    fn alias(dns: &str, evaluate: bool) -> AliasTarget {
        AliasTarget::builder()
            .hosted_zone_id("Z35SXDOTRQ7X7K")
            .dns_name(dns)
            .evaluate_target_health(evaluate)
            .build()
            .expect("an alias")
    }

    fn zone(records: Vec<ResourceRecordSet>) -> ZoneRead {
        ZoneRead {
            zone: HostedZone::builder()
                .id("/hostedzone/Z0SHOP")
                .name("example.com.")
                .caller_reference("r")
                .config(HostedZoneConfig::builder().private_zone(false).build())
                .build()
                .expect("a zone"),
            records,
        }
    }

    fn facts(found: &Found) -> &DnsRecords {
        match &found.facts {
            Facts::DnsRecords(d) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn record_names_read_as_users_type_them() {
        assert_eq!(record_name("\\052.Example.COM."), "*.example.com");
        assert_eq!(record_name("shop.example.com."), "shop.example.com");
        // Not an octal escape, or an unprintable one: kept as written.
        assert_eq!(record_name("a\\09.example.com."), "a\\09.example.com");
        assert_eq!(record_name("a\\000.example.com."), "a\\000.example.com");
    }

    #[test]
    fn records_of_one_name_and_type_are_one_entry_point_with_their_policy() {
        let read = Route53Read {
            zones: vec![zone(vec![
                record("Shop.example.com.", RrType::A)
                    .set_identifier("east")
                    .failover(ResourceRecordSetFailover::Primary)
                    .alias_target(alias("dualstack.shop-1.us-east-1.elb.amazonaws.com.", true))
                    .build()
                    .expect("a record"),
                record("shop.example.com.", RrType::A)
                    .set_identifier("west")
                    .failover(ResourceRecordSetFailover::Secondary)
                    .health_check_id("hc-off")
                    .alias_target(alias("shop-2.eu-west-1.elb.amazonaws.com.", false))
                    .build()
                    .expect("a record"),
                record("eu.example.com.", RrType::Cname)
                    .set_identifier("fr")
                    .geo_location(GeoLocation::builder().country_code("FR").build())
                    .health_check_id("hc-on")
                    .ttl(60)
                    .resource_records(
                        ResourceRecord::builder()
                            .value("shop-2.eu-west-1.elb.amazonaws.com")
                            .build()
                            .expect("a value"),
                    )
                    .build()
                    .expect("a record"),
            ])],
            disabled_checks: HashMap::from([
                ("hc-off".to_string(), true),
                ("hc-on".to_string(), false),
            ]),
        };
        let mut failures = Vec::new();
        let found = resources(read, &mut failures);
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].id, "Z0SHOP/shop.example.com/A");
        let shop = facts(&found[0]);
        assert_eq!(shop.routing, Routing::Failover);
        assert_eq!(shop.members.len(), 2);
        assert!(shop.members[0].evaluate_target_health);
        assert_eq!(shop.members[0].failover, Some(FailoverRole::Primary));
        // Its health check is disabled: Route 53 cannot see it fail.
        assert_eq!(shop.members[1].failover, Some(FailoverRole::Secondary));
        assert!(!shop.members[1].evaluated());
        let eu = facts(&found[1]);
        assert_eq!(eu.routing, Routing::Geolocation);
        assert_eq!(eu.members[0].location.as_deref(), Some("FR"));
        assert_eq!(eu.members[0].health_check.as_deref(), Some("hc-on"));
        assert_eq!(eu.members[0].target, "shop-2.eu-west-1.elb.amazonaws.com");
    }

    #[test]
    fn only_sets_that_can_name_a_load_balancer_are_kept() {
        let ip = record("ip.example.com.", RrType::A)
            .ttl(60)
            .resource_records(
                ResourceRecord::builder()
                    .value("192.0.2.1")
                    .build()
                    .expect("v"),
            )
            .build()
            .expect("a record");
        let txt = record("example.com.", RrType::Txt)
            .ttl(60)
            .resource_records(
                ResourceRecord::builder()
                    .value("\"v=spf1\"")
                    .build()
                    .expect("v"),
            )
            .build()
            .expect("a record");
        assert!(!is_kept(&ip) && !is_kept(&txt));
        let www = record("www.example.com.", RrType::Cname)
            .ttl(60)
            .resource_records(
                ResourceRecord::builder()
                    .value("shop.example.com")
                    .build()
                    .expect("v"),
            )
            .build()
            .expect("a record");
        assert!(is_kept(&www));
    }
}
