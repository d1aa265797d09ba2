//! A clean scan of the fixture: what the snapshot holds, the graph it rebuilds,
//! and the what-if answers on it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use blastmap::model::{EdgeKind, Estate};

use crate::harness::{Sandbox, az, full_scan, id, moto, scan_through};
use crate::proxy::Proxy;

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

#[test]
fn scan_reads_both_accounts_in_both_regions_with_their_own_az_mapping() {
    let scan = &full_scan().scan;
    let accounts = scan.snapshot()["accounts"].as_array().unwrap();
    let ids: BTreeSet<&str> = accounts.iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        BTreeSet::from([
            id("accounts/first").as_str(),
            id("accounts/second").as_str()
        ])
    );
    for a in accounts {
        for region in ["us-east-1", "eu-west-1"] {
            assert_eq!(
                a["zones"][region],
                moto().manifest["az_ids"][region],
                "{} {region}",
                a["id"]
            );
        }
    }
    let coverage = scan.snapshot()["coverage"].as_array().unwrap();
    // Two accounts × two Regions × four services, plus one identity each.
    assert_eq!(coverage.len(), 18, "{coverage:?}");
    assert!(coverage.iter().all(|c| c["status"] == "ok"), "{coverage:?}");
    assert_eq!(scan.snapshot()["source"], "scan");
}

#[test]
fn zonal_resources_sit_on_the_az_ids_of_their_own_account() {
    let scan = &full_scan().scan;
    let first = id("accounts/first");
    for (path, zone) in [
        ("shop/catalog_db", "us-east-1a"),
        ("shop/ledger_members/0", "us-east-1a"),
        ("shop/ledger_members/1", "us-east-1b"),
        ("shop/checkout_instances/0", "us-east-1a"),
        ("shop/checkout_instances/1", "us-east-1b"),
        ("shop/nat_gateway", "us-east-1a"),
        ("shop/private_subnets/2", "us-east-1c"),
    ] {
        let r = scan.resource(&id(path));
        assert_eq!(r["az"], az(zone), "{path}");
        assert_eq!(r["account"], first.as_str(), "{path}");
    }
    let replica = scan.resource(&id("shop_eu/orders_replica"));
    assert_eq!(replica["az"], az("eu-west-1a"));
    assert_eq!(replica["account"], id("accounts/second"));
    let lb = scan.resource(&id("shop/storefront_alb"));
    let zones: Vec<&str> = lb["load_balancer"]["zones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|z| z["az"].as_str().unwrap())
        .collect();
    assert_eq!(zones, [az("us-east-1a"), az("us-east-1b")]);
}

#[test]
fn load_balancers_keep_scheme_listeners_weighted_rules_and_tags() {
    let scan = &full_scan().scan;
    let storefront = scan.resource(&id("shop/storefront_alb"));
    let lb = &storefront["load_balancer"];
    assert_eq!(lb["type"], "application");
    assert_eq!(lb["scheme"], "internet-facing");
    assert_eq!(storefront["tags"]["blastmap:service"], "storefront");
    // The default action forwards to storefront-web; a weighted rule adds the canary.
    assert_eq!(
        strings(&lb["listeners"][0]["target_groups"]),
        [id("shop/storefront_web"), id("shop/storefront_canary")]
    );
    let nlb = &scan.resource(&id("shop/checkout_nlb"))["load_balancer"];
    assert_eq!(nlb["type"], "network");
    assert_eq!(nlb["listeners"][0]["protocol"], "TCP");
    let internal = &scan.resource(&id("shop/inventory_internal"))["load_balancer"];
    assert_eq!(internal["scheme"], "internal");

    let checkout = &scan.resource(&id("shop/checkout_web"))["target_group"];
    assert_eq!(checkout["cross_zone"], "on");
    let targets: BTreeSet<&str> = checkout["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        BTreeSet::from([
            id("shop/checkout_instances/0").as_str(),
            id("shop/checkout_instances/1").as_str()
        ])
    );
    assert!(
        checkout["targets"]
            .as_array()
            .unwrap()
            .iter()
            .all(|t| t["health"] == "healthy")
    );
    assert_eq!(
        scan.resource(&id("shop/checkout_instances/0"))["instance"]["vcpus"],
        4,
        "m5.xlarge has 4 vCPUs (DescribeInstanceTypes)"
    );
}

#[test]
fn auto_scaling_groups_keep_subnets_azs_capacity_instances_and_target_groups() {
    let scan = &full_scan().scan;
    let asg = &scan.resource(&id("shop/storefront_asg"))["auto_scaling_group"];
    assert_eq!(
        strings(&asg["subnets"]),
        [id("shop/private_subnets/0"), id("shop/private_subnets/1")]
    );
    assert_eq!(strings(&asg["azs"]), [az("us-east-1a"), az("us-east-1b")]);
    assert_eq!(
        (&asg["min"], &asg["desired"], &asg["max"]),
        (&json!(2), &json!(2), &json!(4))
    );
    assert_eq!(asg["instances"].as_array().unwrap().len(), 2);
    assert_eq!(strings(&asg["target_groups"]), [id("shop/storefront_web")]);
    // The group's instances are the target group's targets.
    let tg = &scan.resource(&id("shop/storefront_web"))["target_group"];
    let targets: BTreeSet<String> = tg["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(targets, strings(&asg["instances"]).into_iter().collect());
}

#[test]
fn databases_keep_multi_az_backups_cluster_members_and_replica_sources() {
    let scan = &full_scan().scan;
    let orders = &scan.resource(&id("shop/orders_db"))["db_instance"];
    assert_eq!(orders["multi_az"], true);
    assert_eq!(orders["deletion_protection"], true);
    let catalog = &scan.resource(&id("shop/catalog_db"))["db_instance"];
    assert_eq!(catalog["multi_az"], false);
    assert_eq!(catalog["backup_retention_days"], 0);
    assert_eq!(catalog["engine"], "mysql");
    let ledger = &scan.resource(&id("shop/ledger_aurora"))["db_cluster"];
    assert_eq!(ledger["engine"], "aurora-postgresql");
    assert_eq!(
        ledger["members"],
        json!([
            {"instance": id("shop/ledger_members/0"), "writer": true},
            {"instance": id("shop/ledger_members/1"), "writer": false},
        ])
    );
    let member = &scan.resource(&id("shop/ledger_members/1"))["db_instance"];
    assert_eq!(member["cluster"], id("shop/ledger_aurora"));
    let replica = &scan.resource(&id("shop_eu/orders_replica"))["db_instance"];
    assert_eq!(replica["read_replica_source"], id("shop_eu/orders_db"));
}

#[test]
fn network_keeps_nat_routes_associations_and_security_group_references() {
    let scan = &full_scan().scan;
    let rt = &scan.resource(&id("shop/private_route_table"))["route_table"];
    assert_eq!(strings(&rt["subnets"]).len(), 3);
    assert!(
        rt["routes"]
            .as_array()
            .unwrap()
            .contains(&json!({"destination": "0.0.0.0/0", "target": id("shop/nat_gateway")}))
    );
    assert_eq!(
        scan.resource(&id("shop/nat_gateway"))["nat_gateway"]["mode"],
        "zonal"
    );
    let db_sg = &scan.resource(&id("shop/security_groups/db"))["security_group"];
    assert_eq!(
        strings(&db_sg["ingress_from"]),
        [id("shop/security_groups/web")]
    );
    let mains = scan.snapshot()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["route_table"]["main"] == true && r["route_table"]["vpc"] == id("shop/vpc"))
        .count();
    assert_eq!(mains, 1, "the shop VPC has one main route table");
}

fn load(scan: &crate::harness::Scan) -> Estate {
    blastmap::snapshot::load(&scan.out()).expect("the snapshot loads")
}

fn has_edge(estate: &Estate, from: &str, kind: EdgeKind, to: &str) -> bool {
    let (from, to) = (
        estate.find(from).expect("from"),
        estate.find(to).expect("to"),
    );
    estate
        .edges_from(from)
        .any(|(edge, target)| edge.kind == kind && target == to)
}

#[test]
fn loading_the_snapshot_rebuilds_the_edges_the_rules_need() {
    let estate = load(&full_scan().scan);
    let checkout = id("shop/checkout_instances/0");
    for (from, kind, to) in [
        (
            id("shop/storefront_alb"),
            EdgeKind::RoutesTo,
            id("shop/storefront_canary"),
        ),
        (
            id("shop/storefront_web"),
            EdgeKind::RoutesTo,
            id("shop/storefront_asg"),
        ),
        (checkout.clone(), EdgeKind::DependsOn, id("shop/catalog_db")),
        (
            checkout.clone(),
            EdgeKind::DependsOn,
            id("shop/ledger_aurora"),
        ),
        (
            checkout.clone(),
            EdgeKind::DependsOn,
            id("shop/inventory_internal"),
        ),
        (
            id("shop/private_subnets/1"),
            EdgeKind::EgressVia,
            id("shop/nat_gateway"),
        ),
        (
            id("shop/ledger_members/1"),
            EdgeKind::MemberOf,
            id("shop/ledger_aurora"),
        ),
    ] {
        assert!(has_edge(&estate, &from, kind, &to), "{from} {kind:?} {to}");
    }
    let depends = estate
        .edges_from(estate.find(&checkout).unwrap())
        .find(|(e, _)| e.kind == EdgeKind::DependsOn)
        .expect("a dependency");
    assert!(
        !depends.0.declared,
        "security-group dependencies are inferred"
    );
}

fn what_if(lose: &str) -> Value {
    let out = full_scan()
        .scan
        .blastmap(&["what-if", "--lose", lose, "--format", "json"]);
    assert!(
        out.status.success(),
        "what-if failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("what-if JSON")
}

fn path<'a>(doc: &'a Value, suffix: &str) -> &'a Value {
    doc["paths"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_str().unwrap().ends_with(suffix))
        .unwrap_or_else(|| panic!("no path {suffix} in {doc}"))
}

fn service<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

#[test]
fn losing_the_first_az_takes_down_what_the_rules_predict() {
    let doc = what_if(&az("us-east-1a"));
    // Depends (by security groups) on catalog-db, single-AZ in the lost AZ.
    let checkout = path(&doc, "/checkout-nlb/checkout-web");
    assert_eq!(checkout["status"], "down");
    assert!(
        checkout["reasons"].to_string().contains("catalog-db"),
        "{checkout}"
    );
    // Down through a dependency: the surviving targets serve nothing.
    assert_eq!(
        checkout["capacity"],
        json!({"unit": "vcpu", "before": 8, "after": 0, "after_recovery": 0})
    );
    // moto launches every ASG instance in the first subnet: all of them are lost.
    // The group relaunches into its surviving AZ, but the web tier also depends
    // (by security groups) on catalog-db, lost without backups: nothing serves.
    let web = path(&doc, "/storefront-alb/storefront-web");
    assert_eq!(web["status"], "down");
    assert!(web["reasons"].to_string().contains("catalog-db"), "{web}");
    assert_eq!(
        web["capacity"],
        json!({"unit": "vcpu", "before": 4, "after": 0, "after_recovery": 0})
    );
    assert_eq!(
        path(&doc, "/storefront-eu-alb/storefront-eu-web")["status"],
        "ok"
    );
    assert_eq!(service(&doc, "checkout")["status"], "down");
    assert_eq!(service(&doc, "storefront")["status"], "degraded");
}

#[test]
fn losing_a_region_leaves_the_service_that_spans_two() {
    let doc = what_if("eu-west-1");
    assert_eq!(
        path(&doc, "/storefront-eu-alb/storefront-eu-web")["status"],
        "down"
    );
    assert_eq!(path(&doc, "/checkout-nlb/checkout-web")["status"], "ok");
    assert_eq!(service(&doc, "storefront")["status"], "degraded");
    assert_eq!(service(&doc, "checkout")["status"], "ok");
}

#[test]
fn snapshot_is_private_and_holds_no_credentials() {
    let scan = &full_scan().scan;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(scan.out()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let text = std::fs::read_to_string(scan.out()).unwrap();
    for secret in [
        "testing-secret",
        "SecretAccessKey",
        "SessionToken",
        "AccessKeyId",
    ] {
        assert!(!text.contains(secret), "the snapshot holds {secret}");
    }
}

#[test]
fn one_request_at_a_time_reads_the_same_estate_with_the_same_calls() {
    let full = full_scan();
    let proxy = Proxy::start(&moto().url);
    let sequential = scan_through(&proxy.url, &["--quiet", "--max-requests", "1"]);
    assert!(
        sequential.output.status.success(),
        "{}",
        sequential.stderr()
    );
    let ids = |s: &crate::harness::Scan| -> BTreeSet<String> {
        s.snapshot()["resources"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&sequential), ids(&full.scan));
    let count = |ops: Vec<String>| {
        let mut ops = ops;
        ops.sort();
        ops
    };
    assert_eq!(
        count(proxy.operations()),
        count(full.proxy.operations()),
        "the same calls, whatever the concurrency"
    );
}

#[test]
fn scan_prints_progress_notes_and_a_summary_unless_quiet() {
    let scan = scan_through(&moto().url, &[]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    let err = scan.stderr();
    assert!(err.contains("note: assuming role"), "{err}");
    assert!(err.contains("scanned 2 accounts in 2 Regions"), "{err}");
    assert!(!err.contains("coverage gap"), "{err}");
}

#[test]
fn ctrl_c_cancels_promptly_and_leaves_the_previous_snapshot_untouched() {
    let proxy = Proxy::slow(&moto().url, Duration::from_secs(3));
    let sandbox = Sandbox::new();
    let out = sandbox.path("estate.json");
    std::fs::write(&out, "previous snapshot").unwrap();
    let mut args = vec!["scan".to_string()];
    args.extend(crate::harness::fixture_flags());
    args.extend(["--out".to_string(), out.display().to_string()]);
    let child = sandbox.spawn(&proxy.url, &args);
    std::thread::sleep(Duration::from_millis(700));
    let interrupted = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(kill.success());
    let output = child.wait_with_output().expect("the scan ends");
    assert!(
        interrupted.elapsed() < Duration::from_secs(2),
        "took {:?} to stop",
        interrupted.elapsed()
    );
    assert_eq!(output.status.code(), Some(130));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cancelled"));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous snapshot");
}

#[test]
fn an_unknown_profile_is_bad_input_with_what_to_run() {
    let sandbox = Sandbox::new();
    let out = sandbox.run(
        &moto().url,
        &[
            "scan".into(),
            "--profile".into(),
            "prod-typo".into(),
            "--out".into(),
            sandbox.path("e.json").display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("profile \"prod-typo\""), "{err}");
    assert!(err.contains("aws configure --profile prod-typo"), "{err}");
}

#[test]
fn live_flags_work_for_what_if_and_conflict_with_a_snapshot() {
    let sandbox = Sandbox::new();
    let mut args: Vec<String> = ["what-if", "--lose", "eu-west-1", "--format", "json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(crate::harness::fixture_flags());
    let out = sandbox.run(&moto().url, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(service(&doc, "storefront")["status"], "degraded");

    args.extend(["--snapshot".to_string(), "x.json".to_string()]);
    let out = sandbox.run(&moto().url, &args);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
}

#[test]
fn tags_on_resources_declare_dependencies_by_name() {
    // Not quiet: the note about the name that matches nothing is on stderr.
    let scan = scan_through(&moto().url, &[]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    let declared = &scan.snapshot()["declared"]["dependencies"];
    assert_eq!(
        declared,
        &json!([{
            "from": id("shop/canary_instance"),
            "to": id("shop/orders_db"),
            "hard": false,
            "note": "tag blastmap:depends-on-soft"
        }])
    );
    let err = scan.stderr();
    assert!(
        err.contains(
            "tag blastmap:depends-on-soft on storefront-canary-1 \"ghost-db\" matches no scanned resource: left out"
        ),
        "{err}"
    );
    let estate = load(&scan);
    let (from, to) = (id("shop/canary_instance"), id("shop/orders_db"));
    assert!(
        estate
            .edges_from(estate.find(&from).unwrap())
            .any(|(e, t)| t == estate.find(&to).unwrap() && e.declared && !e.hard),
        "a declared soft edge"
    );
}

#[test]
fn an_overlay_declares_dependencies_services_and_account_names_by_name() {
    let sandbox = Sandbox::new();
    let overlay = sandbox.path("overlay.toml");
    std::fs::write(
        &overlay,
        "[accounts]\n\"222222222222\" = \"shop-eu\"\n\n[services]\n\"checkout-nlb\" = \"payments\"\n\n\
         [[dependency]]\nfrom = \"storefront-web\"\nto = \"orders-db\"\nhard = false\n",
    )
    .unwrap();
    let overlay = overlay.display().to_string();
    let scan = scan_through(&moto().url, &["--quiet", "--overlay", &overlay]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    let declared = &scan.snapshot()["declared"];
    // The overlay's declaration, then the tag's (tags_on_resources_declare_…).
    assert_eq!(
        declared["dependencies"][0],
        json!({"from": id("shop/storefront_web"), "to": id("shop/orders_db"), "hard": false})
    );
    assert_eq!(declared["dependencies"].as_array().unwrap().len(), 2);
    assert_eq!(declared["services"][id("shop/checkout_nlb")], "payments");
    let second = scan.snapshot()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id("accounts/second"))
        .unwrap();
    assert_eq!(second["name"], "shop-eu");
    let estate = load(&scan);
    let (from, to) = (id("shop/storefront_web"), id("shop/orders_db"));
    let declared_edge = estate
        .edges_from(estate.find(&from).unwrap())
        .find(|(_, target)| *target == estate.find(&to).unwrap())
        .expect("a declared edge");
    assert!(declared_edge.0.declared && !declared_edge.0.hard);
}
