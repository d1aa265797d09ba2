//! Replaying an AWS Health event (`../shared/domain.md` §10): the event names a
//! Region and, for a zonal event, the affected account's AZ *name* (`us-east-1a`);
//! blastmap loses the AZ ID that name means in that account, or the whole Region
//! when the event names no AZ, and says how it read the event.
//!
//! The event comes as the JSON the AWS CLI or an EventBridge rule gives:
//! `aws health describe-event-details` (`successfulSet[].event`), `aws health
//! describe-events` (`events[]`, one event), an `Event` object alone, or an
//! EventBridge `aws.health` event (`detail`). Affected accounts come from
//! `entities[].awsAccountId` (`describe-affected-entities`, merged into the same
//! file), `detail.affectedAccount`, or the EventBridge `account`.

use std::path::Path;

use serde_json::Value;

use crate::model::{Domain, Estate, GLOBAL_REGION};
use crate::text::printable;

/// The largest event file read: an event with its description and entities is a few
/// kilobytes; 4 MiB leaves room for thousands of affected entities.
const EVENT_LIMIT: u64 = 4 << 20;

/// What blastmap reads of an AWS Health event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthEvent {
    pub arn: Option<String>,
    pub service: Option<String>,
    pub type_code: Option<String>,
    /// The Region the event is about.
    pub region: String,
    /// The affected account's name for the AZ (`us-east-1a`), for a zonal event.
    pub az_name: Option<String>,
    /// Affected account ids, as the event lists them (may be empty).
    pub accounts: Vec<String>,
    pub start_time: Option<String>,
}

/// An event turned into fault domains to lose.
#[derive(Debug, Clone, PartialEq)]
pub struct Replay {
    pub event: HealthEvent,
    pub domains: Vec<Domain>,
    /// How the event was read: one sentence per step, for the user to check.
    pub notes: Vec<String>,
}

/// Reads an event file (bounded, sniffed like a snapshot) and parses it.
pub fn load(path: &Path) -> Result<HealthEvent, String> {
    let name = printable(&path.display().to_string()).into_owned();
    let opened = crate::input::open(path).map_err(|e| format!("cannot read {name}: {e}"))?;
    if opened.head.contains(&0) {
        return Err(format!(
            "{name} is not an AWS Health event: it holds NUL bytes, which JSON text never does"
        ));
    }
    let bytes = match opened.read_all(EVENT_LIMIT) {
        Err(e) => return Err(format!("cannot read {name}: {e}")),
        Ok(Err(crate::input::TooLarge)) => {
            return Err(format!(
                "{name} is larger than {}, more than any AWS Health event holds",
                crate::input::size_text(EVENT_LIMIT)
            ));
        }
        Ok(Ok(bytes)) => bytes,
    };
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "{name}:{}:{}: not JSON ({e}): save the event with `aws health \
             describe-event-details --event-arns ARN > event.json`",
            e.line(),
            e.column()
        )
    })?;
    parse(&value).map_err(|e| format!("{name}: {e}"))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The Region in an event ARN: `arn:aws:health:us-east-1::event/…`.
fn region_of_arn(arn: &str) -> Option<String> {
    let mut parts = arn.split(':');
    let (_, _, service, region) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    (service == "health" && !region.is_empty()).then(|| region.to_string())
}

/// Parses the JSON of an event in any of the shapes the module documents.
pub fn parse(doc: &Value) -> Result<HealthEvent, String> {
    if !doc.is_object() {
        return Err("not an AWS Health event: expected a JSON object".into());
    }
    let mut accounts: Vec<String> = Vec::new();
    let mut add_account = |id: Option<String>| {
        if let Some(id) = id
            && !accounts.contains(&id)
        {
            accounts.push(id);
        }
    };
    for entity in doc
        .get("entities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        add_account(text(entity, "awsAccountId"));
    }
    // EventBridge: the fields are in `detail`, with other names.
    if doc.get("source").and_then(Value::as_str) == Some("aws.health") {
        let detail = doc
            .get("detail")
            .filter(|d| d.is_object())
            .ok_or("an EventBridge aws.health event without its \"detail\" object")?;
        let arn = text(detail, "eventArn");
        let region = text(detail, "eventRegion")
            .or_else(|| arn.as_deref().and_then(region_of_arn))
            .or_else(|| text(doc, "region"))
            .ok_or("the event names no Region (detail.eventRegion)")?;
        add_account(text(detail, "affectedAccount"));
        add_account(text(doc, "account"));
        return Ok(HealthEvent {
            arn,
            service: text(detail, "service"),
            type_code: text(detail, "eventTypeCode"),
            region,
            az_name: text(detail, "availabilityZone"),
            accounts,
            start_time: text(detail, "startTime"),
        });
    }
    let event = if let Some(set) = doc.get("successfulSet").and_then(Value::as_array) {
        one(
            set.iter().filter_map(|d| d.get("event")).collect(),
            "successfulSet",
        )?
    } else if let Some(events) = doc.get("events").and_then(Value::as_array) {
        one(events.iter().collect(), "events")?
    } else if doc.get("arn").is_some() || doc.get("eventTypeCode").is_some() {
        doc
    } else {
        return Err(
            "not an AWS Health event: expected the output of `aws health \
                    describe-event-details` (successfulSet), `describe-events` (events), \
                    an Event object, or an EventBridge aws.health event"
                .into(),
        );
    };
    let arn = text(event, "arn");
    let region = text(event, "region")
        .or_else(|| arn.as_deref().and_then(region_of_arn))
        .ok_or("the event names no Region (\"region\")")?;
    Ok(HealthEvent {
        arn,
        service: text(event, "service"),
        type_code: text(event, "eventTypeCode"),
        region,
        az_name: text(event, "availabilityZone"),
        accounts,
        start_time: text(event, "startTime").or_else(|| {
            // The CLI writes times as numbers of seconds in some versions.
            event
                .get("startTime")
                .and_then(Value::as_f64)
                .map(|s| s.to_string())
        }),
    })
}

fn one<'a>(events: Vec<&'a Value>, key: &str) -> Result<&'a Value, String> {
    match events.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "\"{key}\" holds no event: AWS returned none for that ARN (it may be older \
             than AWS Health keeps, or of another account)"
        )),
        many => Err(format!(
            "\"{key}\" holds {} events: save one (`aws health describe-event-details \
             --event-arns ARN`)",
            many.len()
        )),
    }
}

impl HealthEvent {
    /// `EC2 AWS_EC2_OPERATIONAL_ISSUE in us-east-1a (us-east-1), from 2026-11-20T08:00:00Z`
    pub fn describe(&self) -> String {
        let mut out = String::from("AWS Health event");
        if let Some(s) = &self.service {
            out.push(' ');
            out.push_str(s);
        }
        if let Some(t) = &self.type_code {
            out.push(' ');
            out.push_str(t);
        }
        match &self.az_name {
            Some(az) => out.push_str(&format!(" in {az} ({})", self.region)),
            None => out.push_str(&format!(" in {}", self.region)),
        }
        if let Some(t) = &self.start_time {
            out.push_str(&format!(", from {t}"));
        }
        printable(&out).into_owned()
    }
}

/// The fault domains an event takes, on `estate`: the AZ IDs the affected accounts'
/// AZ name means, or the Region when the event names no AZ.
pub fn replay(estate: &Estate, event: &HealthEvent) -> Result<Replay, String> {
    let safe = |s: &str| printable(s).into_owned();
    let region_name = event.region.to_ascii_lowercase();
    if region_name == GLOBAL_REGION {
        return Err(
            "the event is about a global service, not a Region or an AZ: there is \
                    nothing to lose in a what-if"
                .into(),
        );
    }
    let region = estate.region_by_name(&region_name).ok_or_else(|| {
        format!(
            "the event is in {}, where the snapshot holds nothing: nothing of this estate \
             was affected (or the snapshot did not read that Region)",
            safe(&region_name)
        )
    })?;
    let mut notes = vec![format!("read {}", event.describe())];
    let Some(az_name) = event.az_name.as_deref().map(str::to_ascii_lowercase) else {
        notes.push(format!(
            "the event names no AZ: simulated as the loss of the whole Region {}, the \
             most it can take",
            safe(&region_name)
        ));
        return Ok(Replay {
            event: event.clone(),
            domains: vec![Domain::Region(region)],
            notes,
        });
    };
    // Every account's meaning of the name, in this Region.
    let meanings: Vec<(usize, crate::model::AzIdx)> = (estate.accounts().iter().enumerate())
        .flat_map(|(i, a)| {
            a.az_names
                .iter()
                .filter(|(az, name)| name.as_str() == az_name && estate.az(**az).region == region)
                .map(move |(az, _)| (i, *az))
        })
        .collect();
    let named: Vec<&(usize, crate::model::AzIdx)> = if event.accounts.is_empty() {
        meanings.iter().collect()
    } else {
        let (known, unknown): (Vec<&String>, Vec<&String>) =
            (event.accounts.iter()).partition(|id| estate.accounts().iter().any(|a| &a.id == *id));
        if !unknown.is_empty() {
            notes.push(format!(
                "not in the snapshot, so not simulated: account {}",
                unknown
                    .iter()
                    .map(|s| safe(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if known.is_empty() {
            return Err(format!(
                "the event affects account {}, which the snapshot does not hold: scan it \
                 to replay the event",
                event
                    .accounts
                    .iter()
                    .map(|s| safe(s))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        meanings
            .iter()
            .filter(|(i, _)| known.contains(&&estate.accounts()[*i].id))
            .collect()
    };
    let mut azs: Vec<crate::model::AzIdx> = named.iter().map(|(_, az)| *az).collect();
    azs.sort_unstable();
    azs.dedup();
    let say = |list: &[&(usize, crate::model::AzIdx)]| -> String {
        list.iter()
            .map(|(i, az)| {
                format!(
                    "{} in {}",
                    estate.az_id(*az),
                    safe(&estate.accounts()[*i].name)
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match azs.as_slice() {
        [] => Err(format!(
            "no account of the snapshot names an AZ {} in {}: check the event's account, \
             or lose the AZ by its ID with --lose",
            safe(&az_name),
            safe(&region_name)
        )),
        [_] if event.accounts.is_empty() && meanings.len() > 1 => {
            notes.push(format!(
                "{} is {}: the event names no account, and every account agrees",
                safe(&az_name),
                say(&named)
            ));
            Ok(Replay {
                event: event.clone(),
                domains: azs.into_iter().map(Domain::Az).collect(),
                notes,
            })
        }
        _ if event.accounts.is_empty() && azs.len() > 1 => Err(format!(
            "the event names no account, and {} means different AZs: {}. Add the \
             affected entities (`aws health describe-affected-entities`) to the file, \
             or lose the AZ by its ID with --lose",
            safe(&az_name),
            say(&named)
        )),
        _ => {
            notes.push(format!("{} is {}", safe(&az_name), say(&named)));
            Ok(Replay {
                event: event.clone(),
                domains: azs.into_iter().map(Domain::Az).collect(),
                notes,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_shape_reads_the_same_event() {
        let event = json!({"arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/X",
            "service": "EC2", "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE",
            "region": "us-east-1", "availabilityZone": "us-east-1a",
            "startTime": "2026-11-20T08:00:00Z"});
        let details = json!({"successfulSet": [{"event": event.clone(),
            "eventDescription": {"latestDescription": "power"}}], "failedSet": [],
            "entities": [{"awsAccountId": "111111111111"}]});
        let bridge = json!({"source": "aws.health", "account": "111111111111",
            "region": "us-east-1", "detail": {"eventArn": event["arn"], "service": "EC2",
            "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE", "eventRegion": "us-east-1",
            "availabilityZone": "us-east-1a", "startTime": "2026-11-20T08:00:00Z"}});
        let a = parse(&details).unwrap();
        let b = parse(&bridge).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.accounts, ["111111111111"]);
        let c = parse(&json!({"events": [event.clone()]})).unwrap();
        assert_eq!(
            (c.region.as_str(), c.az_name.as_deref()),
            ("us-east-1", Some("us-east-1a"))
        );
        assert!(c.accounts.is_empty());
        assert_eq!(parse(&event).unwrap().az_name, c.az_name);
    }

    #[test]
    fn what_is_not_one_event_says_so() {
        assert!(parse(&json!([1])).unwrap_err().contains("JSON object"));
        assert!(
            parse(&json!({"foo": 1}))
                .unwrap_err()
                .contains("describe-event-details")
        );
        let two = json!({"events": [{"region": "us-east-1", "arn": "a"}, {"region": "us-east-1", "arn": "b"}]});
        assert!(parse(&two).unwrap_err().contains("holds 2 events"));
        assert!(
            parse(&json!({"successfulSet": []}))
                .unwrap_err()
                .contains("holds no event")
        );
        // No region, but the ARN has one.
        let e = parse(&json!({"arn": "arn:aws:health:eu-west-1::event/EC2/T/X"})).unwrap();
        assert_eq!(e.region, "eu-west-1");
        assert!(
            parse(&json!({"arn": "nothing"}))
                .unwrap_err()
                .contains("no Region")
        );
    }
}
