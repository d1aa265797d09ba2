//! AWS Health, for replaying an event on an estate (`what-if --health-event ARN`):
//! reads the event, finds where it struck (a Region, and the AZ *name* an affected
//! account calls the zone by), and translates that name to the AZ ID through that
//! account's own mapping in the estate. Not part of a scan.
//!
//! The account's own view is asked first (`DescribeEventDetails`); an event it does
//! not hold is looked up in the organizational view
//! (`DescribeAffectedAccountsForOrganization`, `DescribeEventDetailsForOrganization`).
//! The API needs a Business, Enterprise On-Ramp or Enterprise Support plan; its
//! endpoint is in us-east-1 (cn-northwest-1 in China). An event saved as JSON is read
//! by `blastmap_core::health` instead.
//! (health/latest/APIReference/Welcome.html, health/latest/ug/aggregate-events.html)

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_health::Client;
use aws_sdk_health::types::{Event, EventAccountFilter};
use thiserror::Error;

use super::call::{CallFailure, Caller, Scheduler};
use super::error::{EXIT_BAD_INPUT, EXIT_NOTHING_READ};
use super::readonly::{ReadOnly, Tally};
use super::{clients, sts};
use blastmap_core::model::{Domain, Estate};

/// Accounts per `DescribeEventDetailsForOrganization` request (the API's limit).
const ACCOUNTS_PER_CALL: usize = 10;
/// Affected accounts read for one event: enough for any organization's answer.
const MAX_ACCOUNTS: usize = 10_000;

/// Why an event cannot be replayed: each says what to do.
#[derive(Debug, Error)]
pub enum HealthError {
    #[error(
        "{arn:?} is not an AWS Health event ARN (arn:aws:health:REGION::event/SERVICE/TYPE/ID): \
         copy it from the AWS Health Dashboard or `aws health describe-events`"
    )]
    BadArn { arn: String },

    #[error(
        "the AWS Health API needs a Business, Enterprise On-Ramp or Enterprise Support plan, \
         which the account of these credentials does not have (SubscriptionRequiredException): \
         replay it from its saved JSON (--health-event FILE) or with --lose instead"
    )]
    SubscriptionRequired,

    #[error("cannot read AWS Health event {arn}: {failure}")]
    Failed { arn: String, failure: String },

    #[error(
        "AWS Health knows no event {arn} ({detail}): check the ARN and the credentials' account"
    )]
    NotFound { arn: String, detail: String },

    #[error("AWS Health event {arn} names no Region: there is nothing to lose")]
    NoPlace { arn: String },

    #[error(
        "AWS Health event {arn} struck {place}, which the estate does not hold: scan {scan} \
         (or pass that snapshot), then replay it"
    )]
    NotInEstate {
        arn: String,
        place: String,
        scan: String,
    },
}

impl HealthError {
    /// 2 for what the user can fix in the command; 3 when AWS could not be read.
    pub fn exit_code(&self) -> u8 {
        match self {
            HealthError::SubscriptionRequired | HealthError::Failed { .. } => EXIT_NOTHING_READ,
            HealthError::BadArn { .. }
            | HealthError::NotFound { .. }
            | HealthError::NoPlace { .. }
            | HealthError::NotInEstate { .. } => EXIT_BAD_INPUT,
        }
    }
}

/// Where an event struck one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affected {
    pub account: String,
    /// The AZ *name* (`us-east-1a`) in this account's own naming, for a zonal event.
    pub az_name: Option<String>,
}

/// What the Health API said about an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthEvent {
    pub arn: String,
    pub service: Option<String>,
    pub type_code: Option<String>,
    pub region: Option<String>,
    pub affected: Vec<Affected>,
    /// Read through the organizational view.
    pub organization: bool,
}

/// How the Health client retries and times out.
#[derive(Debug, Clone, Copy)]
pub struct HealthPolicy {
    pub call_timeout: Duration,
    pub max_attempts: u32,
}

/// The Region of the Health endpoint for an event ARN's partition.
fn endpoint_region(arn: &str) -> Option<&'static str> {
    let fields: Vec<&str> = arn.splitn(6, ':').collect();
    match fields.as_slice() {
        ["arn", partition, "health", _, _, resource] if resource.starts_with("event/") => {
            Some(match *partition {
                "aws-cn" => "cn-northwest-1",
                "aws-us-gov" => "us-gov-west-1",
                _ => "us-east-1",
            })
        }
        _ => None,
    }
}

fn failed(arn: &str, f: &CallFailure) -> HealthError {
    if f.code.as_deref() == Some("SubscriptionRequiredException") {
        HealthError::SubscriptionRequired
    } else {
        HealthError::Failed {
            arn: arn.to_string(),
            failure: f.describe(),
        }
    }
}

/// Reads the event `arn` with the credentials of `profile` (the default chain when
/// `None`), through a read-only client.
pub async fn read_event(
    arn: &str,
    profile: Option<&str>,
    policy: HealthPolicy,
) -> Result<HealthEvent, HealthError> {
    let region = endpoint_region(arn).ok_or_else(|| HealthError::BadArn {
        arn: arn.to_string(),
    })?;
    let config = sts::load_config(
        profile,
        sts::CallPolicy {
            call_timeout: policy.call_timeout,
            max_attempts: policy.max_attempts,
        },
    )
    .await;
    let tally = Arc::new(Tally::default());
    let caller = Scheduler::new(4, tally.clone()).unit("health");
    let guard = ReadOnly::new(tally);
    let client = clients::health(&config, "health", region, &guard);
    // Whose AZ names the account's own view uses: the credentials' account.
    let (details, identity) = tokio::join!(
        caller.call(
            "DescribeEventDetails",
            client.describe_event_details().event_arns(arn).send()
        ),
        sts::identify(&caller, &guard, &config, "health", region),
    );
    let details = details.map_err(|f| failed(arn, &f))?;
    if let Some(event) = details.successful_set().iter().find_map(|d| d.event()) {
        let account = identity.map_err(|f| HealthError::Failed {
            arn: arn.to_string(),
            failure: format!(
                "cannot tell whose AZ names the event uses ({})",
                f.describe()
            ),
        })?;
        return Ok(of_event(arn, event, vec![account], false));
    }
    let not_here = details
        .failed_set()
        .iter()
        .map(|e| {
            format!(
                "{}: {}",
                e.error_name().unwrap_or("not found"),
                e.error_message().unwrap_or("")
            )
        })
        .next()
        .unwrap_or_else(|| "not in this account's events".to_string());
    organization_event(&caller, &client, arn, identity.ok(), &not_here).await
}

/// The event as the organizational view holds it, one answer per affected account.
async fn organization_event(
    caller: &Caller,
    client: &Client,
    arn: &str,
    caller_account: Option<String>,
    not_here: &str,
) -> Result<HealthEvent, HealthError> {
    let not_found = |f: &CallFailure| HealthError::NotFound {
        arn: arn.to_string(),
        detail: format!(
            "the account's own view: {not_here}; the organizational view: {}",
            f.describe()
        ),
    };
    let pages = caller
        .pages(
            "DescribeAffectedAccountsForOrganization",
            client
                .describe_affected_accounts_for_organization()
                .event_arn(arn)
                .into_paginator()
                .send(),
        )
        .await
        .map_err(|f| match f.code.as_deref() {
            Some("SubscriptionRequiredException") => HealthError::SubscriptionRequired,
            _ => not_found(&f),
        })?;
    let mut accounts: Vec<String> = Vec::new();
    for a in pages.iter().flat_map(|p| p.affected_accounts()) {
        if accounts.len() < MAX_ACCOUNTS && !accounts.contains(a) {
            accounts.push(a.clone());
        }
    }
    let mut events: Vec<(Option<String>, Event)> = Vec::new();
    // A public event belongs to no account: asked for without one.
    let batches: Vec<Vec<Option<String>>> = if accounts.is_empty() {
        vec![vec![None]]
    } else {
        accounts
            .chunks(ACCOUNTS_PER_CALL)
            .map(|c| c.iter().cloned().map(Some).collect())
            .collect()
    };
    let mut errors: Vec<String> = Vec::new();
    for batch in batches {
        let filters = batch
            .iter()
            .map(|account| {
                EventAccountFilter::builder()
                    .event_arn(arn)
                    .set_aws_account_id(account.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| HealthError::Failed {
                arn: arn.to_string(),
                failure: e.to_string(),
            })?;
        let answer = caller
            .call(
                "DescribeEventDetailsForOrganization",
                client
                    .describe_event_details_for_organization()
                    .set_organization_event_detail_filters(Some(filters))
                    .send(),
            )
            .await
            .map_err(|f| failed(arn, &f))?;
        for d in answer.successful_set() {
            if let Some(e) = d.event() {
                events.push((d.aws_account_id().map(str::to_string), e.clone()));
            }
        }
        errors.extend(answer.failed_set().iter().map(|e| {
            format!(
                "{}: {}",
                e.error_name().unwrap_or("not found"),
                e.error_message().unwrap_or("")
            )
        }));
    }
    let Some((_, first)) = events.first() else {
        return Err(HealthError::NotFound {
            arn: arn.to_string(),
            detail: format!(
                "the account's own view: {not_here}; the organizational view: {}",
                errors.first().map_or("no affected account", String::as_str)
            ),
        });
    };
    let mut event = of_event(arn, first, Vec::new(), true);
    for (account, e) in &events {
        // A public event names no account: its AZ names are the caller's.
        let Some(account) = account.clone().or_else(|| caller_account.clone()) else {
            continue;
        };
        event.affected.push(Affected {
            account,
            az_name: e.availability_zone().map(str::to_string),
        });
    }
    Ok(event)
}

/// Text from an event as it is printed: at most 256 characters, every character a
/// terminal would act on shown as a stand-in (an AWS answer is outside text).
fn clean(text: &str) -> String {
    let head: String = text.chars().take(256).collect();
    blastmap_core::text::printable(&head).into_owned()
}

fn of_event(arn: &str, e: &Event, accounts: Vec<String>, organization: bool) -> HealthEvent {
    HealthEvent {
        arn: clean(arn),
        service: e.service().map(clean),
        type_code: e.event_type_code().map(clean),
        region: e.region().map(clean),
        affected: accounts
            .into_iter()
            .map(|account| Affected {
                account: clean(&account),
                az_name: e.availability_zone().map(clean),
            })
            .collect(),
        organization,
    }
}

/// What to lose to replay an event, and how its place was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replay {
    pub domains: Vec<Domain>,
    /// One sentence each: the event, and every AZ name ↔ ID translation used.
    pub lines: Vec<String>,
}

/// Where `event` struck, as fault domains of `estate`: each affected account's AZ name
/// through that account's own mapping, or the Region when the event names no AZ.
pub fn replay(event: &HealthEvent, estate: &Estate) -> Result<Replay, HealthError> {
    let arn = event.arn.clone();
    let Some(region) = event
        .region
        .as_deref()
        .filter(|r| !r.is_empty() && *r != blastmap_core::model::GLOBAL_REGION)
    else {
        return Err(HealthError::NoPlace { arn });
    };
    let what = [event.service.as_deref(), event.type_code.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let view = if event.organization {
        " (organizational view)"
    } else {
        ""
    };
    let mut lines = vec![format!("AWS Health event {arn}{view}: {what} in {region}")];
    let zonal: Vec<&Affected> = event
        .affected
        .iter()
        .filter(|a| a.az_name.is_some())
        .collect();
    let not_in_estate = |place: String, scan: String| HealthError::NotInEstate {
        arn: arn.clone(),
        place,
        scan,
    };
    if estate.region_by_name(region).is_none() {
        return Err(not_in_estate(
            region.to_string(),
            format!("--region {region}"),
        ));
    }
    if zonal.is_empty() {
        let r = estate
            .region_by_name(region)
            .ok_or_else(|| not_in_estate(region.to_string(), format!("--region {region}")))?;
        lines.push(format!("it names no AZ: losing the Region {region}"));
        return Ok(Replay {
            domains: vec![Domain::Region(r)],
            lines,
        });
    }
    let mut domains: Vec<Domain> = Vec::new();
    for a in zonal {
        let name = a.az_name.as_deref().unwrap_or_default();
        let place = || format!("{name} ({region}) of account {}", a.account);
        let scan = || format!("account {} in --region {region}", a.account);
        let account = estate
            .accounts()
            .iter()
            .find(|x| x.id == a.account)
            .ok_or_else(|| not_in_estate(place(), scan()))?;
        let az = account
            .az_names
            .iter()
            .find(|(az, n)| {
                n.as_str() == name && estate.region_name(estate.az(**az).region) == region
            })
            .map(|(az, _)| *az)
            .ok_or_else(|| not_in_estate(place(), scan()))?;
        let label = if account.name == account.id {
            account.id.clone()
        } else {
            format!("{} ({})", account.id, account.name)
        };
        lines.push(format!(
            "{name} in account {label} is {} (that account's AZ name ↔ ID mapping)",
            estate.az_id(az)
        ));
        if !domains.contains(&Domain::Az(az)) {
            domains.push(Domain::Az(az));
        }
    }
    Ok(Replay { domains, lines })
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_core::model::{EstateBuilder, Facts, Meta, Vpc};

    fn estate() -> Estate {
        let mut b = EstateBuilder::new(Meta::default());
        for (id, name, zones) in [
            (
                "111111111111",
                "prod",
                [("us-east-1a", "use1-az4"), ("us-east-1b", "use1-az6")],
            ),
            (
                "222222222222",
                "222222222222",
                [("us-east-1a", "use1-az6"), ("us-east-1b", "use1-az4")],
            ),
        ] {
            let account = b.account(id, name);
            for (n, az) in zones {
                b.az_name(account, "us-east-1", n, az).expect("a mapping");
            }
            b.add(
                &format!("vpc-{id}"),
                "vpc",
                id,
                "us-east-1",
                None,
                Facts::Vpc(Vpc::default()),
            )
            .expect("a resource");
        }
        b.build().expect("an estate")
    }

    fn event(region: Option<&str>, affected: &[(&str, Option<&str>)]) -> HealthEvent {
        HealthEvent {
            arn: "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X".into(),
            service: Some("EC2".into()),
            type_code: Some("AWS_EC2_OPERATIONAL_ISSUE".into()),
            region: region.map(str::to_string),
            affected: affected
                .iter()
                .map(|(a, z)| Affected {
                    account: a.to_string(),
                    az_name: z.map(str::to_string),
                })
                .collect(),
            organization: false,
        }
    }

    fn names(estate: &Estate, replay: &Replay) -> Vec<String> {
        replay
            .domains
            .iter()
            .map(|d| estate.domain_name(*d).to_string())
            .collect()
    }

    #[test]
    fn an_az_name_means_the_az_of_the_account_it_was_reported_to() {
        let e = estate();
        let r = replay(
            &event(Some("us-east-1"), &[("222222222222", Some("us-east-1a"))]),
            &e,
        )
        .expect("a replay");
        assert_eq!(names(&e, &r), ["use1-az6"]);
        assert!(
            r.lines[1].contains("us-east-1a in account 222222222222 is use1-az6"),
            "{r:?}"
        );
        let r = replay(
            &event(Some("us-east-1"), &[("111111111111", Some("us-east-1a"))]),
            &e,
        )
        .expect("a replay");
        assert_eq!(names(&e, &r), ["use1-az4"]);
        assert!(r.lines[1].contains("111111111111 (prod)"), "{r:?}");
    }

    #[test]
    fn an_event_without_an_az_loses_its_region() {
        let e = estate();
        let r = replay(&event(Some("us-east-1"), &[("111111111111", None)]), &e).expect("a replay");
        assert_eq!(names(&e, &r), ["us-east-1"]);
        assert!(r.lines[1].contains("losing the Region us-east-1"));
    }

    #[test]
    fn a_place_the_estate_does_not_hold_is_refused_with_what_to_scan() {
        let e = estate();
        let err = replay(&event(Some("eu-west-1"), &[("111111111111", None)]), &e)
            .expect_err("no eu-west-1");
        assert!(err.to_string().contains("--region eu-west-1"), "{err}");
        let err = replay(
            &event(Some("us-east-1"), &[("333333333333", Some("us-east-1a"))]),
            &e,
        )
        .expect_err("no such account");
        assert!(err.to_string().contains("account 333333333333"), "{err}");
        assert_eq!(err.exit_code(), EXIT_BAD_INPUT);
        let err = replay(&event(None, &[]), &e).expect_err("no place");
        assert!(matches!(err, HealthError::NoPlace { .. }));
    }

    #[test]
    fn only_health_event_arns_are_read() {
        assert_eq!(
            endpoint_region("arn:aws:health:us-east-1::event/EC2/T/X"),
            Some("us-east-1")
        );
        assert_eq!(
            endpoint_region("arn:aws-cn:health:cn-north-1::event/EC2/T/X"),
            Some("cn-northwest-1")
        );
        assert_eq!(
            endpoint_region("arn:aws:ec2:us-east-1::event/EC2/T/X"),
            None
        );
        assert_eq!(endpoint_region("use1-az1"), None);
    }
}
