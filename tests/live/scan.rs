//! A clean scan of the fixture: what the snapshot holds, the graph it rebuilds,
//! and the what-if answers on it.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use blastmap::model::{EdgeKind, Estate};

use crate::harness::{Sandbox, az, full_scan, id, moto, scan_through};
use crate::proxy::Proxy;
use crate::recorded;

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
    // Two accounts × two Regions × nine services, plus one identity each.
    assert_eq!(coverage.len(), 38, "{coverage:?}");
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

#[test]
fn ecs_services_and_tasks_sit_on_their_subnets_az_ids_with_their_hosts_and_groups() {
    let scan = &full_scan().scan;
    let m = |path: &str| id(&format!("shop/modern/{path}"));
    let cluster = &scan.resource(&m("ecs_cluster"))["ecs_cluster"];
    assert_eq!(
        cluster["capacity_providers"],
        json!([{"name": "ecs-hosts", "auto_scaling_group": m("hosts_asg")}])
    );
    let service = &scan.resource(&m("ecs_service"))["ecs_service"];
    assert_eq!(service["cluster"], m("ecs_cluster"));
    assert_eq!(service["launch_type"], "ec2");
    assert_eq!(service["desired"], 1);
    assert_eq!(
        strings(&service["azs"]),
        [az("us-east-1a"), az("us-east-1b")]
    );
    assert_eq!(strings(&service["target_groups"]), [m("api_tasks")]);
    assert_eq!(
        strings(&service["security_groups"]),
        [id("shop/security_groups/web")]
    );
    // Its task runs on an instance of the hosts' Auto Scaling group.
    assert_eq!(service["auto_scaling_group"], m("hosts_asg"));
    // moto never sets Task.availabilityZone: the task is placed by its ENI's subnet.
    let task = scan.resource(&m("ecs_task"));
    assert_eq!(task["az"], az("us-east-1a"));
    let facts = &task["ecs_task"];
    assert_eq!(facts["service"], m("ecs_service"));
    assert_eq!(facts["subnet"], id("shop/private_subnets/0"));
    assert_eq!(strings(&facts["ips"]), [m("ecs_task_ip")]);
    assert_eq!(facts["instance"], m("host_instance"));
    assert_eq!(facts["state"], "running");
}

#[test]
fn eks_node_groups_lambda_functions_caches_and_tables_are_read() {
    let scan = &full_scan().scan;
    let m = |path: &str| id(&format!("shop/modern/{path}"));
    let private = [id("shop/private_subnets/0"), id("shop/private_subnets/1")];
    let k8s = &scan.resource(&m("eks_cluster"))["eks_cluster"];
    assert_eq!(k8s["version"], "1.31");
    assert_eq!(strings(&k8s["subnets"]), private);
    let nodegroup = scan.resource(&m("eks_nodegroup"));
    assert_eq!(nodegroup["name"], "shop-k8s/general");
    assert_eq!(nodegroup["eks_nodegroup"]["cluster"], m("eks_cluster"));
    // EKS names the group; the scan resolves the name to the group's ARN.
    assert_eq!(
        strings(&nodegroup["eks_nodegroup"]["auto_scaling_groups"]),
        [m("eks_nodegroup_asg")]
    );

    let function = &scan.resource(&m("function"))["lambda_function"];
    assert_eq!(function["runtime"], "python3.12");
    assert_eq!(strings(&function["subnets"]), private);
    assert_eq!(
        strings(&function["azs"]),
        [az("us-east-1a"), az("us-east-1b")]
    );
    assert_eq!(strings(&function["security_groups"]), [m("function_sg")]);
    let thumbs = &scan.resource(&m("thumbs_tg"))["target_group"];
    assert_eq!(thumbs["target_type"], "lambda");
    assert_eq!(thumbs["targets"][0]["id"], m("function"));

    // moto reports one member, the primary, of a group asked for two.
    let sessions = &scan.resource(&m("sessions"))["cache_replication_group"];
    assert_eq!(sessions["engine"], "redis");
    assert_eq!(sessions["automatic_failover"], true);
    assert_eq!(sessions["multi_az"], true);
    assert_eq!(sessions["snapshot_retention_days"], 3);
    assert_eq!(
        sessions["shards"],
        json!([{"id": "0001", "members": [
            {"node": m("sessions_member"), "az": az("us-east-1a"), "primary": true}
        ]}])
    );
    let fragments = &scan.resource(&m("fragments"))["cache_cluster"];
    assert_eq!(fragments["engine"], "memcached");
    // moto answers DescribeServerlessCaches not at all: the harness's recorded answer.
    let carts = format!(
        "arn:aws:elasticache:us-east-1:{}:serverlesscache:carts-cache",
        id("accounts/first")
    );
    let serverless = &scan.resource(&carts)["serverless_cache"];
    assert_eq!(serverless["engine"], "valkey");
    assert_eq!(strings(&serverless["security_groups"]), [m("cache_sg")]);

    let orders = &scan.resource(&m("tables/orders"))["dynamodb_table"];
    assert_eq!(
        orders,
        &json!({"replicas": [], "point_in_time_recovery": true, "deletion_protection": true})
    );
    let carts = &scan.resource(&m("tables/carts"))["dynamodb_table"];
    assert_eq!(carts["point_in_time_recovery"], false);
    let eu = scan.resource(&id("shop_eu/orders_table"));
    assert_eq!(eu["account"], id("accounts/second"));
    assert_eq!(eu["region"], "eu-west-1");
}

#[test]
fn modern_workloads_join_the_graph_and_what_if_runs_on_them() {
    let estate = load(&full_scan().scan);
    let m = |path: &str| id(&format!("shop/modern/{path}"));
    for (from, kind, to) in [
        // An ip target is the task with that address.
        (m("api_tasks"), EdgeKind::RoutesTo, m("ecs_task")),
        (m("api_tasks"), EdgeKind::RoutesTo, m("ecs_service")),
        (m("ecs_task"), EdgeKind::MemberOf, m("ecs_service")),
        (m("ecs_task"), EdgeKind::PlacedIn, m("host_instance")),
        (m("ecs_service"), EdgeKind::PlacedIn, m("hosts_asg")),
        (m("thumbs_tg"), EdgeKind::RoutesTo, m("function")),
        (
            m("eks_nodegroup_asg"),
            EdgeKind::MemberOf,
            m("eks_nodegroup"),
        ),
        (m("eks_nodegroup"), EdgeKind::MemberOf, m("eks_cluster")),
        // The cache's security group admits the web tier's.
        (
            m("ecs_service"),
            EdgeKind::DependsOn,
            format!(
                "arn:aws:elasticache:us-east-1:{}:serverlesscache:carts-cache",
                id("accounts/first")
            ),
        ),
    ] {
        assert!(has_edge(&estate, &from, kind, &to), "{from} {kind:?} {to}");
    }
    let doc = what_if(&az("us-east-1a"));
    let api = path(&doc, "/api-alb/checkout-api");
    assert!(api["status"].is_string(), "{api}");
    let thumbs = path(&doc, "/api-alb/thumbs");
    assert!(thumbs["status"].is_string(), "{thumbs}");
}

#[test]
fn fields_moto_never_returns_are_read_from_recorded_answers() {
    let proxy = Proxy::answering(&moto().url, recorded::moto_gaps(&moto().manifest));
    let scan = scan_through(&proxy.url, &["--quiet"]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    let coverage = scan.snapshot()["coverage"].as_array().unwrap();
    assert!(coverage.iter().all(|c| c["status"] == "ok"), "{coverage:?}");
    let m = |path: &str| id(&format!("shop/modern/{path}"));
    let account = id("accounts/first");

    // Task.availabilityZone, a Fargate task and its container's address.
    let fargate = scan.resource(&format!(
        "arn:aws:ecs:us-east-1:{account}:task/shop-ecs/5d2c9b7e8f6a4c3b9e1d0f2a3b4c5d6e"
    ));
    assert_eq!(fargate["az"], az("us-east-1b"));
    assert_eq!(fargate["ecs_task"]["service"], m("ecs_service"));
    assert_eq!(fargate["ecs_task"]["subnet"], id("shop/private_subnets/1"));
    assert_eq!(strings(&fargate["ecs_task"]["ips"]), ["10.0.101.57"]);
    assert!(fargate["ecs_task"].get("instance").is_none());
    assert_eq!(scan.resource(&m("ecs_task"))["az"], az("us-east-1a"));

    // Every member with its role, and the members' security groups.
    let sessions = &scan.resource(&m("sessions"))["cache_replication_group"];
    assert_eq!(
        sessions["shards"],
        json!([{"id": "0001", "members": [
            {"node": "sessions-001", "az": az("us-east-1a"), "primary": true},
            {"node": "sessions-002", "az": az("us-east-1b"), "primary": false},
        ]}])
    );
    assert_eq!(strings(&sessions["security_groups"]), [m("cache_sg")]);
    // Cluster mode: two shards, and AWS names no roles there.
    let catalog = &scan.resource(&format!(
        "arn:aws:elasticache:us-east-1:{account}:replicationgroup:catalog-cache"
    ))["cache_replication_group"];
    assert_eq!(catalog["engine"], "valkey");
    assert_eq!(catalog["cluster_mode"], true);
    let shards = catalog["shards"].as_array().unwrap();
    assert_eq!(shards.len(), 2);
    let azs: Vec<&str> = shards[1]["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["az"].as_str().unwrap())
        .collect();
    assert_eq!(azs, [az("us-east-1b"), az("us-east-1c")]);
    // Members of replication groups are not cache clusters of their own.
    assert!(!scan.has(&format!(
        "arn:aws:elasticache:us-east-1:{account}:cluster:sessions-001"
    )));
    let fragments = &scan.resource(&m("fragments"))["cache_cluster"];
    assert_eq!(
        fragments["nodes"],
        json!([{"id": "0001", "az": az("us-east-1a")}, {"id": "0002", "az": az("us-east-1b")}])
    );
    assert_eq!(strings(&fragments["security_groups"]), [m("cache_sg")]);

    // A global table's replicas, its own Region left out.
    let orders = &scan.resource(&m("tables/orders"))["dynamodb_table"];
    assert_eq!(
        strings(&orders["replicas"]),
        ["eu-west-1", "ap-southeast-2"]
    );

    // Security-group inference finds what depends on the caches.
    let estate = load(&scan);
    let checkout = id("shop/checkout_instances/0");
    for cache in [m("sessions"), m("fragments")] {
        assert!(
            has_edge(&estate, &checkout, EdgeKind::DependsOn, &cache),
            "{checkout} depends on {cache}"
        );
        assert!(has_edge(
            &estate,
            &m("ecs_service"),
            EdgeKind::DependsOn,
            &cache
        ));
    }
    let out = scan.blastmap(&["what-if", "--lose", &az("us-east-1a"), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
