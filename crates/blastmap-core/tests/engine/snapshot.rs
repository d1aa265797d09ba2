//! Snapshots: round trip, atomic writes, and a clear message for every kind of bad file.

use std::collections::BTreeSet;

use crate::embedded as demo;
use blastmap_core::model::Estate;
use blastmap_core::sim::{Matrix, Topology};
use blastmap_core::snapshot::{self, SnapshotError};

fn edges(e: &Estate) -> BTreeSet<(String, String, String, bool, bool)> {
    e.edges()
        .map(|(a, edge, b)| {
            (
                e.resource(a).id.clone(),
                edge.kind.label().to_string(),
                e.resource(b).id.clone(),
                edge.declared,
                edge.hard,
            )
        })
        .collect()
}

fn load_str(text: &str) -> Result<Estate, SnapshotError> {
    snapshot::from_slice(text.as_bytes(), "test.json")
}

#[test]
fn writing_then_reading_gives_the_same_estate_and_graph() {
    let original = demo::estate().unwrap();
    let text = snapshot::to_string(&original);
    let again = load_str(&text).unwrap();
    assert_eq!(original.resources(), again.resources());
    assert_eq!(original.accounts(), again.accounts());
    assert_eq!(original.azs(), again.azs());
    assert_eq!(original.declared, again.declared);
    assert_eq!(original.coverage, again.coverage);
    assert_eq!(original.meta, again.meta);
    assert_eq!(edges(&original), edges(&again));
    assert!(original.edge_count() > 100);
    // And the same answers.
    let (t1, t2) = (Topology::build(&original), Topology::build(&again));
    let (m1, m2) = (Matrix::build(&original, &t1), Matrix::build(&again, &t2));
    for p in 0..t1.paths().len() {
        assert_eq!(m1.row(p), m2.row(p));
    }
    // A second round trip is byte-identical.
    assert_eq!(text, snapshot::to_string(&again));
}

#[test]
fn snapshots_are_written_atomically_and_privately() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("estate.json");
    std::fs::write(&path, "previous content").unwrap();
    let estate = demo::estate().unwrap();
    snapshot::write_estate(&path, &estate).unwrap();
    let back = snapshot::load(&path).unwrap();
    assert_eq!(back.resources().len(), estate.resources().len());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
}

#[cfg(unix)]
#[test]
fn writing_through_a_symlink_keeps_the_link_and_replaces_its_target() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("snapshots");
    std::fs::create_dir(&real).unwrap();
    let target = real.join("estate-2026-11-28.json");
    std::fs::write(&target, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    snapshot::write_estate(&link, &demo::estate().unwrap()).unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert!(
        snapshot::load(&target).is_ok(),
        "its target is the new snapshot"
    );
    let left: Vec<_> = std::fs::read_dir(&real).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file next to the target");
}

#[test]
fn a_write_replaces_the_file_whole_and_never_rewrites_it_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("estate.json");
    std::fs::write(&path, "the previous snapshot").unwrap();
    // A reader that opened the old file keeps reading it whole: the new file arrives
    // by a rename, not by truncating and rewriting the one being read.
    let mut reader = std::fs::File::open(&path).unwrap();
    snapshot::write_estate(&path, &demo::estate().unwrap()).unwrap();
    let mut old = String::new();
    std::io::Read::read_to_string(&mut reader, &mut old).unwrap();
    assert_eq!(old, "the previous snapshot");
    assert!(snapshot::load(&path).is_ok());
}

#[test]
fn a_failed_write_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing-dir").join("estate.json");
    let err = snapshot::write_estate(&path, &demo::estate().unwrap()).unwrap_err();
    assert!(err.to_string().starts_with("cannot write "), "{err}");
    assert!(!path.exists());
}

#[test]
fn malformed_json_reports_file_line_and_column() {
    let err =
        load_str("{\n\"schema\": \"blastmap.snapshot\",\n\"version\": 1,\n\"resources\": [ {] \n}")
            .unwrap_err();
    let msg = err.to_string();
    assert!(msg.starts_with("test.json:4:"), "{msg}");
    assert!(!msg.contains(" at line "), "position printed once: {msg}");
}

#[test]
fn an_unknown_version_names_the_supported_ones() {
    let err = load_str(r#"{"schema": "blastmap.snapshot", "version": 7, "resources": "whatever"}"#)
        .unwrap_err();
    // Placed where the version is written (just after the value).
    assert_eq!(
        err.to_string(),
        "test.json:1:44: snapshot version 7 is newer than this blastmap reads (versions 1 and 2): upgrade blastmap, or re-scan with this one"
    );
}

#[test]
fn a_foreign_json_file_is_not_a_snapshot() {
    let err = load_str(r#"{"schema": "something-else", "version": 1}"#).unwrap_err();
    assert!(
        err.to_string().contains("is not a blastmap snapshot"),
        "{err}"
    );
}

#[test]
fn an_empty_file_or_other_json_says_what_it_is() {
    for (text, what) in [
        ("", "it is an empty file"),
        ("\n  \n", "it is only whitespace"),
        ("[1, 2]", "it is a JSON array"),
        ("42", "it is a JSON number"),
        ("null", "it is a JSON literal"),
        ("schema: blastmap", "it is text starting with 's', not JSON"),
    ] {
        let err = load_str(text).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("test.json is not a blastmap snapshot: {what}")),
            "{text:?}: {err}"
        );
        assert!(err.contains("blastmap scan --out FILE"), "{err}");
    }
}

#[test]
fn more_regions_than_the_model_can_number_are_refused_not_wrapped() {
    let vpcs: Vec<String> = (0..=65_535)
        .map(|i| {
            format!(
                r#"{{"kind": "vpc", "id": "vpc-{i}", "account": "1", "region": "r-{i}", "vpc": {{}}}}"#
            )
        })
        .collect();
    let text = format!(
        r#"{{"schema": "blastmap.snapshot", "version": 1,
"accounts": [{{"id": "1", "name": "prod", "zones": {{}}}}],
"resources": [{}]}}"#,
        vpcs.join(",\n")
    );
    let err = load_str(&text).unwrap_err().to_string();
    assert!(
        err.contains("the estate names 65536 Regions, more than the 65535 blastmap can tell apart"),
        "{err}"
    );
}

const MINIMAL: &str = r#"{"schema": "blastmap.snapshot", "version": 1,
"accounts": [{"id": "1", "name": "prod", "zones": {"us-east-1": {"us-east-1a": "use1-az1"}}}],
"resources": [
 {"kind": "vpc", "id": "vpc-1", "account": "1", "region": "us-east-1", "vpc": {}},
 RESOURCE
]}"#;

fn with_resource(resource: &str) -> Result<Estate, SnapshotError> {
    load_str(&MINIMAL.replace("RESOURCE", resource))
}

#[test]
fn a_reference_to_a_missing_resource_says_which() {
    let err = with_resource(
        r#"{"kind": "subnet", "id": "subnet-1", "account": "1", "region": "us-east-1", "az": "use1-az1", "subnet": {"vpc": "vpc-404"}}"#,
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("1 reference points at resources that are not in the estate"),
        "{msg}"
    );
    assert!(msg.contains("subnet-1 (vpc) -> vpc-404"), "{msg}");
}

#[test]
fn a_coverage_gap_excuses_references_into_what_could_not_be_read() {
    let text = MINIMAL
        .replace(
            "RESOURCE",
            r#"{"kind": "target_group", "id": "tg-1", "account": "1", "region": "us-east-1", "target_group": {"target_type": "instance", "targets": [{"id": "i-unseen", "az": "use1-az1"}]}}"#,
        )
        .replace(
            "\"resources\"",
            r#""coverage": [{"account": "1", "region": "us-east-1", "service": "ec2", "status": "denied", "message": "AccessDenied"}], "resources""#,
        );
    let e = load_str(&text).unwrap();
    assert_eq!(e.coverage_gaps().count(), 1);
}

#[test]
fn unknown_fields_and_mismatched_kinds_are_reported_with_a_position() {
    let err = with_resource(r#"{"kind": "vpc", "id": "vpc-2", "account": "1", "region": "us-east-1", "vpc": {"cidr": "10.0.0.0/16", "colour": "red"}}"#)
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown field `colour`"), "{err}");
    assert!(err.starts_with("test.json:5:"), "{err}");
    let err = with_resource(
        r#"{"kind": "subnet", "id": "x", "account": "1", "region": "us-east-1", "vpc": {}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("resource x says kind `subnet` but holds `vpc` facts"),
        "{err}"
    );
}

#[test]
fn a_zonal_resource_without_an_az_is_refused() {
    let err = with_resource(r#"{"kind": "subnet", "id": "subnet-1", "account": "1", "region": "us-east-1", "subnet": {"vpc": "vpc-1"}}"#)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("resource subnet-1 (subnet) is zonal but has no \"az\""),
        "{err}"
    );
}

#[test]
fn an_empty_estate_says_so() {
    let err =
        load_str(r#"{"schema": "blastmap.snapshot", "version": 1, "resources": []}"#).unwrap_err();
    assert!(
        err.to_string().contains("the estate holds no resources"),
        "{err}"
    );
}

#[test]
fn duplicate_ids_are_refused() {
    let err = with_resource(
        r#"{"kind": "vpc", "id": "vpc-1", "account": "1", "region": "us-east-1", "vpc": {}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("resource id \"vpc-1\" appears more than once"),
        "{err}"
    );
}

#[test]
fn an_az_name_or_an_az_the_account_does_not_have_is_refused() {
    let text = crate::embedded::DEMO_JSON;
    let i = text.find("\"name\": \"orders-db\"").unwrap();
    let j = i + text[i..].find("\"az\": \"use1-az6\"").unwrap();
    let with = |az: &str| {
        format!(
            "{}\"az\": \"{az}\"{}",
            &text[..j],
            &text[j + "\"az\": \"use1-az6\"".len()..]
        )
    };
    let err = load_str(&with("us-east-1b")).unwrap_err().to_string();
    assert!(
        err.contains("names the AZ \"us-east-1b\", an AZ name"),
        "{err}"
    );
    assert!(
        err.contains("in this account us-east-1b is use1-az6"),
        "{err}"
    );
    let err = load_str(&with("use1-az9")).unwrap_err().to_string();
    assert!(
        err.contains(
            "names the AZ use1-az9, which account 111111111111 does not have in us-east-1"
        ),
        "{err}"
    );
}

#[test]
fn more_azs_than_the_model_can_number_are_refused_even_when_only_a_load_balancer_names_them() {
    let zones: Vec<String> = (0..=65_540)
        .map(|i| format!(r#"{{"az": "use1-az{i}"}}"#))
        .collect();
    let text = format!(
        r#"{{"schema": "blastmap.snapshot", "version": 1,
"accounts": [{{"id": "1", "name": "prod", "zones": {{}}}}],
"resources": [{{"kind": "load_balancer", "id": "lb", "account": "1", "region": "us-east-1",
 "load_balancer": {{"type": "application", "scheme": "internet-facing", "zones": [{}]}}}}]}}"#,
        zones.join(",")
    );
    let err = load_str(&text).unwrap_err().to_string();
    assert!(
        err.contains("more than the 65535 blastmap can tell apart"),
        "{err}"
    );
}

#[test]
fn an_instance_in_another_az_than_its_subnet_is_refused() {
    let err = load_str(&MINIMAL.replace(
        "RESOURCE",
        r#"{"kind": "subnet", "id": "subnet-1", "account": "1", "region": "us-east-1", "az": "use1-az1", "subnet": {"vpc": "vpc-1"}},
 {"kind": "instance", "id": "i-1", "account": "1", "region": "us-east-1", "az": "use1-az2", "instance": {"subnet": "subnet-1", "instance_type": "m5.large", "security_groups": [], "state": "running"}}"#,
    ).replace(r#""us-east-1a": "use1-az1""#, r#""us-east-1a": "use1-az1", "us-east-1b": "use1-az2""#))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "i-1 (subnet) -> subnet-1: i-1 is in use1-az2, its subnet subnet-1 in use1-az1"
        ),
        "{err}"
    );
}

#[test]
fn a_reference_across_regions_is_refused() {
    let err = with_resource(
        r#"{"kind": "subnet", "id": "subnet-1", "account": "1", "region": "eu-west-1", "az": "euw1-az1", "subnet": {"vpc": "vpc-1"}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("subnet-1 (vpc) -> vpc-1: subnet-1 is in eu-west-1, vpc-1 in us-east-1"),
        "{err}"
    );
}

#[test]
fn an_instance_with_zero_vcpus_is_refused() {
    let err = with_resource(
        r#"{"kind": "instance", "id": "i-1", "account": "1", "region": "us-east-1", "az": "use1-az1", "instance": {"instance_type": "m5.large", "vcpus": 0, "security_groups": [], "state": "running"}}"#,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("the vcpus of i-1 \"0\" is not valid"), "{err}");
}

#[test]
fn a_declaration_naming_a_resource_of_the_wrong_kind_is_refused() {
    let text = MINIMAL
        .replace("RESOURCE", r#"{"kind": "subnet", "id": "subnet-1", "account": "1", "region": "us-east-1", "az": "use1-az1", "subnet": {"vpc": "vpc-1"}}"#)
        .replace(
            r#""resources": ["#,
            r#""declared": {"dependencies": [{"from": "subnet-1", "to": "vpc-1"}], "services": {"vpc-1": "shop"}},
"resources": ["#,
        );
    let err = load_str(&text).unwrap_err().to_string();
    assert!(err.contains("2 references join"), "{err}");
    assert!(
        err.contains("declared (dependencies.from) -> subnet-1: subnet, but a dependency starts at a load balancer"),
        "{err}"
    );
    assert!(
        err.contains(
            "declared (services) -> vpc-1: VPC, but a service is named on a load balancer"
        ),
        "{err}"
    );
}

#[test]
fn a_scan_leaves_out_declarations_of_the_wrong_kind_with_a_note() {
    use blastmap_core::model::{Declared, DeclaredDependency, Kind};
    let mut d = Declared {
        dependencies: vec![
            DeclaredDependency {
                from: "db-1".to_string(),
                to: "lb-1".to_string(),
                hard: true,
                note: None,
            },
            DeclaredDependency {
                from: "lb-1".to_string(),
                to: "db-1".to_string(),
                hard: true,
                note: None,
            },
        ],
        services: [("db-1".to_string(), "shop".to_string())].into(),
        hard_egress: vec!["lb-1".to_string()],
        ..Default::default()
    };
    let notes = d.retain_declarable(|id| match id {
        "db-1" => Some(Kind::DbInstance),
        "lb-1" => Some(Kind::LoadBalancer),
        _ => None,
    });
    assert_eq!(d.dependencies.len(), 1);
    assert_eq!(d.dependencies[0].from, "lb-1");
    assert!(d.services.is_empty());
    assert_eq!(d.hard_egress, ["lb-1"]);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes[0].starts_with(
            "declared dependencies.from \"db-1\" (RDS instance): a dependency starts at"
        ),
        "{notes:?}"
    );
}

#[test]
fn a_large_file_is_read_like_a_small_one() {
    // Past 16 MB a snapshot is mapped rather than copied: same estate, same errors.
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    let padding = "\n".repeat(17 << 20);
    std::fs::write(&big, format!("{}{padding}", demo::DEMO_JSON)).unwrap();
    let original = demo::estate().unwrap();
    let again = snapshot::load(&big).unwrap();
    assert_eq!(original.resources(), again.resources());
    assert_eq!(edges(&original), edges(&again));

    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, format!("{padding}{{\"schema\": ")).unwrap();
    let err = snapshot::load(&broken).unwrap_err().to_string();
    assert!(
        err.starts_with(&format!("{}:{}:", broken.display(), (17 << 20) + 1)),
        "{err}"
    );
}
