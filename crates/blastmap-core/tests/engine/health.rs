//! Replaying an AWS Health event on the demo estate (`../shared/domain.md` §10): the
//! affected account's AZ name becomes the AZ ID it means there.

use blastmap_core::health::{parse, replay};
use blastmap_core::model::Domain;
use serde_json::json;

fn demo() -> blastmap_core::model::Estate {
    crate::embedded::estate().unwrap()
}

fn event(az: Option<&str>, accounts: &[&str]) -> serde_json::Value {
    let mut e = json!({"arn": "arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/AWS_EC2_OPERATIONAL_ISSUE_1",
        "service": "EC2", "eventTypeCode": "AWS_EC2_OPERATIONAL_ISSUE", "region": "us-east-1",
        "startTime": "2026-11-20T08:00:00Z"});
    if let Some(az) = az {
        e["availabilityZone"] = json!(az);
    }
    let entities: Vec<_> = (accounts.iter())
        .map(|a| json!({"awsAccountId": a, "entityValue": "i-0"}))
        .collect();
    json!({"successfulSet": [{"event": e}], "entities": entities})
}

fn lost(estate: &blastmap_core::model::Estate, domains: &[Domain]) -> Vec<String> {
    domains
        .iter()
        .map(|d| estate.domain_name(*d).to_string())
        .collect()
}

#[test]
fn an_az_name_is_the_az_id_it_means_in_the_affected_account() {
    let e = demo();
    // us-east-1a: use1-az4 in shop-prod, use1-az1 in payments-prod, use1-az2 in platform.
    for (account, id) in [
        ("111111111111", "use1-az4"),
        ("222222222222", "use1-az1"),
        ("333333333333", "use1-az2"),
    ] {
        let r = replay(&e, &parse(&event(Some("us-east-1a"), &[account])).unwrap()).unwrap();
        assert_eq!(lost(&e, &r.domains), [id], "{account}");
        assert!(
            r.notes
                .last()
                .unwrap()
                .contains(&format!("us-east-1a is {id} in")),
            "{:?}",
            r.notes
        );
    }
    // Two affected accounts: both their AZs.
    let r = replay(
        &e,
        &parse(&event(
            Some("us-east-1a"),
            &["111111111111", "222222222222"],
        ))
        .unwrap(),
    )
    .unwrap();
    assert_eq!(lost(&e, &r.domains), ["use1-az1", "use1-az4"]);
}

#[test]
fn an_az_name_without_an_account_is_refused_when_accounts_disagree() {
    let e = demo();
    let err = replay(&e, &parse(&event(Some("us-east-1a"), &[])).unwrap()).unwrap_err();
    assert!(err.contains("means different AZs"), "{err}");
    assert!(err.contains("use1-az4 in shop-prod"), "{err}");
    // eu-west-1a: euw1-az3 in shop-prod, euw1-az1 in platform: also ambiguous; a name
    // no account has is refused with the way out.
    let mut ev = parse(&event(Some("us-east-1z"), &[])).unwrap();
    assert!(
        replay(&e, &ev)
            .unwrap_err()
            .contains("no account of the snapshot names")
    );
    ev.az_name = None;
    let r = replay(&e, &ev).unwrap();
    assert_eq!(lost(&e, &r.domains), ["us-east-1"]);
    assert!(
        r.notes.iter().any(|n| n.contains("names no AZ")),
        "{:?}",
        r.notes
    );
}

#[test]
fn an_event_outside_the_estate_says_so() {
    let e = demo();
    let mut ev = parse(&event(Some("us-east-1a"), &["999999999999"])).unwrap();
    assert!(replay(&e, &ev).unwrap_err().contains("does not hold"));
    ev.accounts = vec!["999999999999".into(), "111111111111".into()];
    let r = replay(&e, &ev).unwrap();
    assert_eq!(lost(&e, &r.domains), ["use1-az4"]);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("not simulated: account 999999999999"))
    );
    ev.region = "ap-south-1".into();
    assert!(replay(&e, &ev).unwrap_err().contains("holds nothing"));
    ev.region = "global".into();
    assert!(replay(&e, &ev).unwrap_err().contains("global service"));
}
