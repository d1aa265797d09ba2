//! Entry points (Route 53, Global Accelerator, CloudFront), ARC zonal autoshift and AWS
//! Backup in a clean scan of the fixture: the snapshot facts, the joins the engine makes
//! from them, and what a Region loss says about them.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use blastmap::model::{EdgeKind, Estate};

use crate::harness::{Scan, full_scan, id, moto, scan_through};
use crate::proxy::{Canned, Fault, Proxy};
use crate::recorded;

fn e(path: &str) -> String {
    id(&format!("entry/{path}"))
}

fn record_id(zone: &str, name: &str, kind: &str) -> String {
    format!("{}/{name}/{kind}", e(zone))
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|s| s.as_str().expect("a string").to_string())
        .collect()
}

fn load(scan: &Scan) -> Estate {
    blastmap::snapshot::load(&scan.out()).expect("the snapshot loads")
}

fn routes_to(estate: &Estate, from: &str, to: &str) -> bool {
    let (from, to) = (
        estate.find(from).unwrap_or_else(|| panic!("no {from}")),
        estate.find(to).unwrap_or_else(|| panic!("no {to}")),
    );
    estate
        .edges_from(from)
        .any(|(edge, target)| edge.kind == EdgeKind::RoutesTo && target == to)
}

#[test]
fn route53_record_sets_are_entry_points_with_their_routing_and_health_evaluation() {
    let scan = &full_scan().scan;
    let apex = scan.resource(&record_id("zone", "shop.example.com", "A"));
    assert_eq!(apex["region"], "global");
    assert_eq!(apex["account"], id("accounts/first"));
    assert!(apex.get("az").is_none());
    assert_eq!(
        apex["dns_records"],
        json!({
            "zone": e("zone"),
            "private_zone": false,
            "record_name": "shop.example.com",
            "record_type": "A",
            "routing": "failover",
            "members": [
                {"set_identifier": "us-east-1", "target": format!("dualstack.{}.", e("dns/storefront")),
                 "evaluate_target_health": true, "failover": "primary"},
                {"set_identifier": "eu-west-1", "target": format!("dualstack.{}.", e("dns/storefront_eu")),
                 "evaluate_target_health": true, "failover": "secondary"},
            ],
        })
    );
    // Latency: the us-east-1 member's health check is disabled, so it is not kept.
    let www = &scan.resource(&record_id("zone", "www.shop.example.com", "A"))["dns_records"];
    assert_eq!(www["routing"], "latency");
    assert_eq!(www["members"][0]["region"], "us-east-1");
    assert!(www["members"][0].get("health_check").is_none(), "{www}");
    assert_eq!(www["members"][1]["health_check"], e("health_checks/eu"));
    let api = &scan.resource(&record_id("zone", "api.shop.example.com", "A"))["dns_records"];
    assert_eq!(api["routing"], "weighted");
    let weights: Vec<&Value> = api["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["weight"])
        .collect();
    assert_eq!(weights, [&json!(70), &json!(30)]);
    assert_eq!(
        api["members"][1]["target"],
        "dualstack.api-old-1.us-west-2.elb.amazonaws.com."
    );
    let eu = &scan.resource(&record_id("zone", "eu.shop.example.com", "CNAME"))["dns_records"];
    assert_eq!(eu["routing"], "geolocation");
    assert_eq!(eu["members"][0]["location"], "FR");
    assert_eq!(eu["members"][0]["target"], e("dns/storefront_eu"));
    let legacy =
        &scan.resource(&record_id("zone", "legacy.shop.example.com", "CNAME"))["dns_records"];
    assert_eq!(legacy["routing"], "simple");
    let inventory = &scan.resource(&record_id(
        "private_zone",
        "inventory.internal.shop",
        "CNAME",
    ))["dns_records"];
    assert_eq!(inventory["private_zone"], true);
    // Nothing a load balancer could be behind: an IP address, a TXT record, NS and SOA.
    for (name, kind) in [
        ("mail.shop.example.com", "A"),
        ("shop.example.com", "TXT"),
        ("shop.example.com", "NS"),
        ("shop.example.com", "SOA"),
    ] {
        assert!(!scan.has(&record_id("zone", name, kind)), "{name} {kind}");
    }
}

#[test]
fn global_services_are_read_once_per_account_in_the_global_pseudo_region() {
    let scan = &full_scan().scan;
    let coverage = scan.snapshot()["coverage"].as_array().unwrap();
    for account in [id("accounts/first"), id("accounts/second")] {
        let global: BTreeSet<&str> = coverage
            .iter()
            .filter(|c| c["account"] == account && c["region"] == "global")
            .map(|c| c["service"].as_str().unwrap())
            .collect();
        assert_eq!(
            global,
            BTreeSet::from(["cloudfront", "globalaccelerator", "route53"]),
            "{account}"
        );
    }
    // Route 53 and CloudFront once per account; Global Accelerator in us-west-2 only.
    let ops = full_scan().proxy.operations();
    let count = |op: &str| ops.iter().filter(|o| *o == op).count();
    assert_eq!(count("route53:ListHostedZones"), 2);
    assert_eq!(count("cloudfront:ListDistributions"), 2);
    assert_eq!(count("globalaccelerator:ListAccelerators"), 2);
}

#[test]
fn accelerators_and_distributions_keep_their_groups_and_origins() {
    let scan = &full_scan().scan;
    let accelerator = scan.resource(&recorded::accelerator_arn(&moto().manifest));
    assert_eq!(accelerator["name"], "shop-global");
    assert_eq!(accelerator["region"], "global");
    assert_eq!(
        accelerator["accelerator"]["endpoint_groups"],
        json!([
            {"region": "us-east-1", "traffic_dial": 100,
             "endpoints": [{"id": id("shop/storefront_alb"), "weight": 200}]},
            {"region": "eu-west-1", "traffic_dial": 0,
             "endpoints": [{"id": id("shop_eu/storefront_alb"), "weight": 128}]},
        ])
    );
    // The disabled accelerator routes nothing: no entry point.
    let accelerators = scan.snapshot()["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("accelerator").is_some())
        .count();
    assert_eq!(accelerators, 1);

    let distribution = scan.resource(&e("distribution"));
    assert_eq!(distribution["name"], "static.shop.example.com");
    let d = &distribution["distribution"];
    assert_eq!(d["domain"], e("distribution_domain"));
    assert_eq!(
        d["origins"],
        json!([
            {"id": "us", "domain": e("dns/storefront")},
            {"id": "eu", "domain": e("dns/storefront_eu")},
        ])
    );
    assert_eq!(
        d["origin_groups"],
        json!([{"id": "failover", "primary": "us", "secondary": "eu",
                "failover_status_codes": [500, 502, 503, 504]}])
    );
    assert_eq!(d["default_target"], "us");
}

#[test]
fn entry_points_join_the_load_balancers_they_send_users_to() {
    let estate = load(&full_scan().scan);
    let (storefront, storefront_eu) = (id("shop/storefront_alb"), id("shop_eu/storefront_alb"));
    let apex = record_id("zone", "shop.example.com", "A");
    // An alias target by DNS name (`dualstack.`, trailing dot), across accounts.
    assert!(routes_to(&estate, &apex, &storefront));
    assert!(routes_to(&estate, &apex, &storefront_eu));
    // A CNAME's value, a private zone's record to an internal load balancer.
    assert!(routes_to(
        &estate,
        &record_id("zone", "legacy.shop.example.com", "CNAME"),
        &storefront
    ));
    assert!(routes_to(
        &estate,
        &record_id("private_zone", "inventory.internal.shop", "CNAME"),
        &id("shop/inventory_internal")
    ));
    // An accelerator endpoint by its ARN; a distribution's origins by domain.
    let accelerator = recorded::accelerator_arn(&moto().manifest);
    assert!(routes_to(&estate, &accelerator, &storefront));
    assert!(routes_to(&estate, &accelerator, &storefront_eu));
    assert!(routes_to(&estate, &e("distribution"), &storefront));
    assert!(routes_to(&estate, &e("distribution"), &storefront_eu));
}

#[test]
fn zonal_autoshift_and_practice_runs_come_from_arc() {
    let scan = &full_scan().scan;
    let shift = |path: &str| scan.resource(&id(path))["load_balancer"]["zonal_shift"].clone();
    // moto reports no zonal_shift.config.enabled attribute: ARC managing it says it is on.
    assert_eq!(
        shift("shop/storefront_alb"),
        json!({"enabled": true, "autoshift": true, "practice_runs": true})
    );
    assert_eq!(
        shift("shop/modern/api_alb"),
        json!({"enabled": true, "autoshift": false, "practice_runs": false})
    );
    // Not managed by ARC, and no attribute: not known.
    assert_eq!(shift("shop/checkout_nlb"), Value::Null);
}

fn protected<'a>(scan: &'a Scan, resource: &str) -> &'a Value {
    scan.resource(&format!("{resource}#backup"))
}

#[test]
fn backup_plans_resolve_their_selections_against_the_estate() {
    let scan = &full_scan().scan;
    let plan = scan.resource(&id("backup/plan"));
    assert_eq!(plan["name"], "shop-daily");
    assert_eq!(plan["region"], "us-east-1");
    let p = &plan["backup_plan"];
    assert_eq!(
        p["rules"],
        json!([
            {"name": "daily", "schedule": "cron(0 5 ? * * *)", "copy_regions": ["eu-west-1"]},
            {"name": "every-4h", "schedule": "cron(0 */4 ? * * *)", "copy_regions": []},
        ])
    );
    // RDS databases but catalog-db (NotResources), the ledger cluster (not its members),
    // the orders table by ARN, the instance tagged backup=daily.
    assert_eq!(
        strings(&p["resources"]),
        BTreeSet::from([
            id("shop/orders_db"),
            id("shop/ledger_aurora"),
            id("shop/modern/tables/orders"),
            id("shop/inventory_instance"),
        ])
    );
}

#[test]
fn recovery_points_join_the_estate_with_their_copies_in_other_regions() {
    let scan = &full_scan().scan;
    let plan = id("backup/plan");
    let orders = protected(scan, &id("shop/orders_db"));
    assert_eq!(orders["region"], "us-east-1");
    assert_eq!(orders["name"], "orders-db");
    let points = &orders["protected_resource"]["recovery_points"];
    assert_eq!(
        orders["protected_resource"]["resource"],
        id("shop/orders_db")
    );
    // The newest of its two in us-east-1, and the copy in eu-west-1's vault.
    let regions: Vec<&str> = points
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["eu-west-1", "us-east-1"]);
    assert!(points.as_array().unwrap().iter().all(|p| p["plan"] == plan));
    // An instance is known by its instance id; a volume outside the estate is kept as is.
    let account = id("accounts/first");
    let instance = scan.resource(&format!(
        "arn:aws:ec2:us-east-1:{account}:instance/{}#backup",
        id("shop/inventory_instance")
    ));
    assert_eq!(
        instance["protected_resource"]["resource"],
        id("shop/inventory_instance")
    );
    assert!(scan.has(&format!(
        "arn:aws:ec2:us-east-1:{account}:volume/vol-0a1b2c3d4e5f60718#backup"
    )));
    // Only expired recovery points: nothing to restore from.
    assert!(!scan.has(&format!("{}#backup", id("shop/catalog_db"))));

    let estate = load(scan);
    for resource in [id("shop/orders_db"), id("shop/ledger_aurora")] {
        let p = &estate
            .resource(
                estate
                    .find(&format!("{resource}#backup"))
                    .expect("protected"),
            )
            .facts;
        match p {
            blastmap::model::Facts::ProtectedResource(p) => {
                assert!(estate.find(&p.resource).is_some(), "{resource} joins")
            }
            other => panic!("{other:?}"),
        }
    }
}

fn what_if_us_east_1(format: &str) -> String {
    let out = full_scan()
        .scan
        .blastmap(&["what-if", "--lose", "us-east-1", "--format", format]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn losing_us_east_1_fails_over_through_the_entry_points_and_restores_data_elsewhere() {
    let doc: Value = serde_json::from_str(&what_if_us_east_1("json")).expect("JSON");
    let services = doc["services"].as_array().expect("services");
    // The storefront's load balancers are all behind the apex's failover record.
    let storefront = services
        .iter()
        .find(|s| s["name"] == "storefront")
        .unwrap_or_else(|| panic!("no storefront: {services:?}"));
    assert_eq!(
        storefront["entry_point"], "Route 53 shop.example.com (failover)",
        "{storefront}"
    );
    assert_eq!(storefront["status"], "degraded", "{storefront}");
    let reason = storefront["reason"].as_str().unwrap_or("");
    assert!(
        reason.starts_with(
            "Route 53 fails storefront over from storefront-alb (us-east-1) to \
             storefront-eu-alb (eu-west-1)"
        ),
        "{storefront}"
    );
    let orders = storefront["data"]
        .as_array()
        .expect("data lost with the Region")
        .iter()
        .find(|d| d["name"] == "orders-db")
        .unwrap_or_else(|| panic!("orders-db in {storefront}"));
    // Its newest copy outside us-east-1 is the AWS Backup copy in eu-west-1's vault.
    assert_eq!(orders["restorable_in"], "eu-west-1", "{orders}");
    assert_eq!(orders["how"], "an AWS Backup copy", "{orders}");
    assert_eq!(
        orders["rpo"],
        json!({"unit": "hours", "value": 3}),
        "{orders}"
    );

    let table = what_if_us_east_1("table");
    assert!(table.contains(reason), "{table}");
    assert!(
        table.contains(
            "↳ data: orders-db can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)"
        ),
        "{table}"
    );
}

#[test]
fn an_origin_group_as_default_target_is_read_from_a_recorded_answer() {
    // moto refuses a default cache behaviour on an origin group; AWS does not.
    let (us, eu) = (e("dns/storefront"), e("dns/storefront_eu"));
    let arn = format!(
        "arn:aws:cloudfront::{}:distribution/E2QWRUHAPOMQZL",
        id("accounts/first")
    );
    let distribution = format!(
        "<?xml version=\"1.0\"?><DistributionList xmlns=\"http://cloudfront.amazonaws.com/doc/2020-05-31/\">\
         <Marker></Marker><MaxItems>100</MaxItems><IsTruncated>false</IsTruncated><Quantity>1</Quantity><Items>\
         <DistributionSummary><Id>E2QWRUHAPOMQZL</Id><ARN>{arn}</ARN><Status>Deployed</Status>\
         <LastModifiedTime>2026-01-01T00:00:00Z</LastModifiedTime><DomainName>d111111abcdef8.cloudfront.net</DomainName>\
         <Aliases><Quantity>0</Quantity></Aliases>\
         <Origins><Quantity>2</Quantity><Items>\
         <Origin><Id>us</Id><DomainName>{us}</DomainName><OriginPath></OriginPath>\
         <CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig></Origin>\
         <Origin><Id>eu</Id><DomainName>{eu}</DomainName><OriginPath></OriginPath>\
         <CustomOriginConfig><HTTPPort>80</HTTPPort><HTTPSPort>443</HTTPSPort><OriginProtocolPolicy>https-only</OriginProtocolPolicy></CustomOriginConfig></Origin>\
         </Items></Origins>\
         <OriginGroups><Quantity>1</Quantity><Items><OriginGroup><Id>failover</Id>\
         <FailoverCriteria><StatusCodes><Quantity>2</Quantity><Items><StatusCode>502</StatusCode><StatusCode>503</StatusCode></Items></StatusCodes></FailoverCriteria>\
         <Members><Quantity>2</Quantity><Items><OriginGroupMember><OriginId>us</OriginId></OriginGroupMember>\
         <OriginGroupMember><OriginId>eu</OriginId></OriginGroupMember></Items></Members></OriginGroup></Items></OriginGroups>\
         <DefaultCacheBehavior><TargetOriginId>failover</TargetOriginId><ViewerProtocolPolicy>redirect-to-https</ViewerProtocolPolicy></DefaultCacheBehavior>\
         <CacheBehaviors><Quantity>0</Quantity></CacheBehaviors><CustomErrorResponses><Quantity>0</Quantity></CustomErrorResponses>\
         <Comment></Comment><PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled>\
         <ViewerCertificate><CloudFrontDefaultCertificate>true</CloudFrontDefaultCertificate></ViewerCertificate>\
         <Restrictions><GeoRestriction><RestrictionType>none</RestrictionType><Quantity>0</Quantity></GeoRestriction></Restrictions>\
         <WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled><Staging>false</Staging>\
         </DistributionSummary></Items></DistributionList>"
    );
    let answering = Proxy::answering(
        &moto().url,
        vec![Canned {
            access_key: Some("testing"),
            ..Canned::everywhere("ListDistributions", distribution)
        }],
    );
    // Without Route 53, the distribution is the first entry point in front of the
    // storefront's load balancers: the service's own.
    let proxy = Proxy::faulting(&answering.url, "ListHostedZones", Fault::AccessDenied);
    let scan = scan_through(&proxy.url, &["--quiet"]);
    assert!(scan.output.status.success(), "{}", scan.stderr());
    let d = &scan.resource(&arn)["distribution"];
    assert_eq!(d["default_target"], "failover");
    assert_eq!(
        d["origin_groups"][0]["failover_status_codes"],
        json!([502, 503])
    );
    // Under a us-east-1 loss, CloudFront serves reads from the EU origin only.
    let out = scan.blastmap(&["what-if", "--lose", "us-east-1", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let storefront = doc["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "storefront")
        .unwrap_or_else(|| panic!("no storefront: {doc}"));
    assert_eq!(
        storefront["entry_point"], "CloudFront d111111abcdef8.cloudfront.net (origins)",
        "{storefront}"
    );
    assert_eq!(storefront["status"], "degraded", "{storefront}");
    let reason = storefront["reason"].as_str().unwrap_or("");
    assert!(reason.contains("read"), "{storefront}");
}
