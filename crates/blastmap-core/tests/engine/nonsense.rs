//! Estates no AWS account can hold are refused with the line and column of what is
//! wrong (exit 2 in the CLI); what AWS can really report loads with a note.
//! `docs/snapshot.md`, "What is refused".

use crate::embedded::DEMO_JSON;
use blastmap_core::model::Estate;
use blastmap_core::snapshot::{self, SnapshotError};

fn load(text: &str) -> Result<Estate, SnapshotError> {
    snapshot::from_slice(text.as_bytes(), "test.json")
}

/// The demo with `from` replaced by `to` on the first line holding `line_with` (both
/// must be there); and that line's number.
fn edited(line_with: &str, from: &str, to: &str) -> (String, usize) {
    let mut lines: Vec<String> = DEMO_JSON.lines().map(str::to_string).collect();
    let n = lines
        .iter()
        .position(|l| l.contains(line_with))
        .unwrap_or_else(|| panic!("no line holds {line_with}"));
    assert!(lines[n].contains(from), "line {} lacks {from}", n + 1);
    lines[n] = lines[n].replacen(from, to, 1);
    (lines.join("\n") + "\n", n + 1)
}

/// The message of a refusal, checked to start with `test.json:{line}:{column}:` at
/// `line`, and to place the column on the text `at` when it is given.
fn refused_at(text: &str, line: usize, at: Option<&str>) -> String {
    let err = match load(text) {
        Ok(_) => panic!("loaded; expected a refusal at line {line}"),
        Err(e) => e.to_string(),
    };
    let mut parts = err.splitn(4, ':');
    assert_eq!(parts.next(), Some("test.json"), "{err}");
    let got_line: usize = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
    let column: usize = parts
        .next()
        .and_then(|c| c.trim().parse().ok())
        .unwrap_or(0);
    assert_eq!(got_line, line, "{err}");
    if let Some(at) = at {
        let l = text.lines().nth(line - 1).unwrap();
        let want = l[..l.find(at).unwrap()].chars().count() + 1;
        assert_eq!(column, want, "the column points at {at:?}: {err}");
    }
    err
}

const NAT: &str = "\"id\": \"nat-88ec985c33abcb864\"";
const SG: &str = "\"id\": \"sg-0c3e4fa813b1dae32\"";
const PUBLIC_RT: &str = "\"id\": \"rtb-fc4802255ca70dd57\"";
const PRIVATE_RT: &str = "\"id\": \"rtb-2b4f3c07a68b5f12a\"";
const STOREFRONT_ASG: &str = "autoScalingGroupName/storefront-web-asg\"";
const CHECKOUT_ASG: &str = "autoScalingGroupName/checkout-asg\"";
const CATALOG: &str = "\"id\": \"arn:aws:rds:us-east-1:111111111111:cluster:catalog-aurora\"";
const ORDERS_DB: &str = "\"id\": \"arn:aws:rds:us-east-1:111111111111:db:orders-db\"";

#[test]
fn the_demo_loads_without_notes() {
    let e = load(DEMO_JSON).unwrap();
    assert!(e.notes.is_empty(), "{:?}", e.notes);
}

#[test]
fn a_vpc_that_is_not_there_is_refused_on_nat_gateways_and_security_groups() {
    for (line_with, from) in [(NAT, "\"vpc\": \"vpc-e0c6"), (SG, "\"vpc\": \"vpc-e0c6")] {
        let (text, line) = edited(line_with, from, "\"vpc\": \"vpc-404");
        let err = refused_at(&text, line, Some("\"vpc-404"));
        assert!(err.contains("(vpc) -> vpc-404a7e1e105b65b8"), "{err}");
    }
}

#[test]
fn a_resource_tied_to_two_vpcs_is_refused() {
    // A route table associated with a subnet of another VPC (payments-use1's).
    let (text, line) = edited(
        PUBLIC_RT,
        "\"subnet-8b4cbd1209887232c\"",
        "\"subnet-6288355684889a9d1\"",
    );
    let err = refused_at(&text, line, Some("\"subnet-6288355684889a9d1\""));
    assert!(
        err.contains("rtb-fc4802255ca70dd57 is in vpc-e0c6a7e1e105b65b8, subnet-6288355684889a9d1 in vpc-b1f517b97f91d1563"),
        "{err}"
    );
    // An instance in a security group of another VPC.
    let (text, line) = edited(
        "\"id\": \"i-192ee931c35d28600\"",
        "\"sg-087e6f74b4f400b2b\"",
        "\"sg-e0d208159d319adc5\"",
    );
    let err = refused_at(&text, line, Some("\"sg-e0d208159d319adc5\""));
    assert!(err.contains("one resource is in one VPC"), "{err}");
    // A NAT gateway whose VPC is not its subnet's.
    let (text, line) = edited(
        NAT,
        "\"vpc\": \"vpc-e0c6a7e1e105b65b8\"",
        "\"vpc\": \"vpc-b1f517b97f91d1563\"",
    );
    refused_at(&text, line, Some("\"subnet-755a4926d701e5a16\""));
}

#[test]
fn an_instance_in_two_auto_scaling_groups_is_refused() {
    let (text, line) = edited(
        CHECKOUT_ASG,
        "\"instances\": [\"i-b1a79ef3a5bc06d1b\"",
        "\"instances\": [\"i-192ee931c35d28600\", \"i-b1a79ef3a5bc06d1b\"",
    );
    let err = refused_at(&text, line, Some("\"i-192ee931c35d28600\""));
    assert!(err.contains("belongs to one group at most"), "{err}");
    assert!(err.contains("storefront-web-asg too"), "{err}");
}

#[test]
fn a_db_cluster_with_two_writers_is_refused_and_one_with_none_loads_with_a_note() {
    let (text, line) = edited(CATALOG, "\"writer\": false", "\"writer\": true");
    let err = refused_at(&text, line, Some("\"members\""));
    assert!(
        err.contains("2 members are marked writer") && err.contains("one writer at a time"),
        "{err}"
    );
    // No writer: a failover in progress, or the writer not read. Loaded, with a note
    // (not for a global database's secondary cluster, which has none by design).
    let (text, _) = edited(CATALOG, "\"writer\": true", "\"writer\": false");
    let text = text.replacen(", \"global_cluster\": \"catalog-global\"", "", 1);
    let e = load(&text).expect("AWS reports a cluster without a writer during a failover");
    assert_eq!(e.notes.len(), 1, "{:?}", e.notes);
    assert!(
        e.notes[0].contains("catalog-aurora has no writer"),
        "{:?}",
        e.notes
    );
}

#[test]
fn an_auto_scaling_group_outside_min_desired_max_is_refused() {
    for (to, key) in [
        ("\"min\": 7, \"desired\": 6, \"max\": 9", "\"min\""),
        ("\"min\": 3, \"desired\": 6, \"max\": 5", "\"max\""),
    ] {
        let (text, line) = edited(STOREFRONT_ASG, "\"min\": 3, \"desired\": 6, \"max\": 9", to);
        let err = refused_at(&text, line, Some(key));
        assert!(err.contains("min ≤ desired ≤ max"), "{err}");
    }
}

#[test]
fn two_main_route_tables_in_one_vpc_are_refused() {
    let (text, line) = edited(PUBLIC_RT, "\"routes\":", "\"main\": true, \"routes\":");
    // The second in the file is the one named.
    let line = line.max(
        DEMO_JSON
            .lines()
            .position(|l| l.contains(PRIVATE_RT))
            .unwrap()
            + 1,
    );
    let err = refused_at(&text, line, None);
    assert!(err.contains("a VPC has one"), "{err}");
}

#[test]
fn a_multi_az_standby_in_the_primarys_az_is_refused() {
    let (text, line) = edited(
        ORDERS_DB,
        "\"secondary_az\": \"use1-az1\"",
        "\"secondary_az\": \"use1-az6\"",
    );
    let err = refused_at(&text, line, Some("\"secondary_az\""));
    assert!(err.contains("the primary's own AZ"), "{err}");
}

#[test]
fn an_account_listed_twice_is_refused() {
    let (text, line) = edited(
        "{\"id\": \"222222222222\"",
        "{\"id\": \"222222222222\"",
        "{\"id\": \"111111111111\"",
    );
    let err = refused_at(&text, line, None);
    assert!(
        err.contains("account 111111111111 is listed twice"),
        "{err}"
    );
}

#[test]
fn coverage_given_twice_for_one_service_is_refused() {
    let (text, line) = edited(
        "\"service\": \"elbv2\", \"status\": \"ok\"",
        "\"service\": \"elbv2\", \"status\": \"ok\"",
        "\"service\": \"ec2\", \"status\": \"denied\"",
    );
    let err = refused_at(&text, line, None);
    assert!(
        err.contains("coverage of ec2 in account 111111111111, us-east-1 is given twice (\"ok\", then \"denied\")"),
        "{err}"
    );
}

#[test]
fn empty_account_region_and_resource_ids_are_refused() {
    let (text, line) = edited("{\"id\": \"222222222222\"", "\"222222222222\"", "\"\"");
    let err = refused_at(&text, line, None);
    assert!(err.contains("an account's \"id\" is empty"), "{err}");
    let (text, line) = edited(NAT, "\"account\": \"111111111111\"", "\"account\": \"\"");
    let err = refused_at(&text, line, None);
    assert!(err.contains("has an empty \"account\""), "{err}");
    let (text, line) = edited(NAT, "\"region\": \"us-east-1\"", "\"region\": \"\"");
    refused_at(&text, line, None);
    let (text, line) = edited(NAT, NAT, "\"id\": \"\"");
    refused_at(&text, line, None);
}

#[test]
fn a_dependency_declared_hard_and_soft_is_kept_once_as_hard_with_a_note() {
    let declared = r#""declared": {"dependencies": [{"#;
    let dep = r#""from": "arn:aws:elasticloadbalancing:us-east-1:222222222222:targetgroup/webhooks/a58f0473fb4c182d", "to": "arn:aws:rds:us-east-1:222222222222:cluster:events-aurora""#;
    // The demo declares it (hard); a second, soft declaration goes first in the list.
    assert!(DEMO_JSON.contains(declared) && DEMO_JSON.contains(&format!("{dep}, \"hard\": true")));
    let text = DEMO_JSON.replacen(
        declared,
        &format!("{declared}{dep}, \"hard\": false}}, {{"),
        1,
    );
    let e = load(&text).unwrap();
    let kept: Vec<_> = (e.declared.dependencies.iter())
        .filter(|d| d.to.ends_with("cluster:events-aurora") && d.from.ends_with("a58f0473fb4c182d"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert!(kept[0].hard);
    assert_eq!(e.notes.len(), 1, "{:?}", e.notes);
    assert!(
        e.notes[0].contains("both hard and soft: kept as hard"),
        "{:?}",
        e.notes
    );
}

#[test]
fn a_dangling_reference_names_its_line_and_column() {
    // The class: every refusal of the model, not only the new ones, says where.
    let (text, line) = edited(
        STOREFRONT_ASG,
        "\"subnet-7b38ddc8881d222ce\"",
        "\"subnet-404\"",
    );
    let err = refused_at(&text, line, Some("\"subnet-404\""));
    assert!(err.contains("(subnets) -> subnet-404"), "{err}");
    // A second resource with an id already used: the second is named.
    let nat_line = DEMO_JSON.lines().find(|l| l.contains(NAT)).unwrap();
    let text = DEMO_JSON.replacen(nat_line, &format!("{nat_line}\n{nat_line}"), 1);
    let at = DEMO_JSON.lines().position(|l| l.contains(NAT)).unwrap() + 2;
    refused_at(&text, at, None);
}

#[test]
fn a_bad_version_is_placed_at_the_field_and_version_0_is_not_called_old_blastmap() {
    let line = DEMO_JSON
        .lines()
        .position(|l| l.starts_with("\"version\""))
        .unwrap()
        + 1;
    assert!(line > 1);
    for (version, says) in [
        ("\"1\"", "\"version\" is \"1\": it is a whole number"),
        ("1.5", "\"version\" is 1.5: it is a whole number"),
        ("null", "\"version\" is null"),
        ("0", "older than any blastmap has written"),
        (
            "3",
            "newer than this blastmap reads (versions 1 and 2): upgrade blastmap",
        ),
    ] {
        let text = DEMO_JSON.replacen("\"version\": 2,", &format!("\"version\": {version},"), 1);
        let err = refused_at(&text, line, None);
        assert!(err.contains(says), "{version}: {err}");
        assert!(
            version == "3" || !err.contains("upgrade blastmap"),
            "{version}: {err}"
        );
    }
    // No version at all: the object that lacks it.
    let text = DEMO_JSON.replacen("\"version\": 2,\n", "", 1);
    let err = refused_at(&text, 1, None);
    assert!(err.contains("missing \"version\""), "{err}");
}

#[test]
fn a_kind_or_enum_given_null_says_which_field_and_what_it_takes() {
    let (text, line) = edited(NAT, "{\"kind\": \"nat_gateway\"", "{\"kind\": null");
    let err = refused_at(&text, line, None);
    assert!(
        err.contains("\"kind\" is null: it is a string, one of vpc, subnet"),
        "{err}"
    );
    let (text, line) = edited(NAT, "\"mode\": \"zonal\"", "\"mode\": null");
    let err = refused_at(&text, line, Some("null"));
    assert!(
        err.contains("\"mode\" takes one of its names as a string, and null is not one"),
        "{err}"
    );
}
