//! Snapshot diffs: hand-made pairs of estates, one kind of change each.

use blastmap::compare::{CellSubject, Change, EstateDiff, diff};
use blastmap::model::{CrossZone, Estate, Facts, LbType, Scheme, TargetType};
use blastmap::report::{self, DiffSides, Format, SnapshotLabel};
use blastmap::sim::Status;

use crate::fixture::Fx;

/// A small shop: an Auto Scaling group behind a load balancer, and an RDS database
/// its instances may reach. Each test changes one knob.
#[derive(Clone)]
struct Shop {
    /// AZs of the web fleet, two instances in each.
    web_azs: Vec<&'static str>,
    /// Names the group's instances: a new generation replaces every one of them.
    generation: &'static str,
    lb_azs: Vec<&'static str>,
    /// An NLB with this cross-zone setting instead of an ALB.
    nlb_cross_zone: Option<bool>,
    db_az: &'static str,
    multi_az: bool,
    backups: bool,
    /// An instance that is nobody's target.
    standalone: Option<&'static str>,
    /// A second internet-facing load balancer.
    admin: bool,
}

impl Default for Shop {
    fn default() -> Self {
        Shop {
            web_azs: vec!["use1-az1", "use1-az2"],
            generation: "a",
            lb_azs: vec!["use1-az1", "use1-az2"],
            nlb_cross_zone: None,
            db_az: "use1-az1",
            multi_az: true,
            backups: true,
            standalone: None,
            admin: false,
        }
    }
}

impl Shop {
    fn build(&self) -> Estate {
        let mut fx = Fx::new();
        let web = fx.sg("sg-web", &[]);
        let db = fx.sg("sg-db", &[&web]);
        let fleet = fx.fleet(
            &format!("web-{}", self.generation),
            &self.web_azs,
            2,
            &[&web],
        );
        fx.tg_with(
            "tg-web",
            TargetType::Instance,
            CrossZone::Inherit,
            Vec::new(),
        );
        let n = fleet.len() as u32;
        fx.asg("asg-web", &self.web_azs, n, n + 2, &fleet, &["tg-web"]);
        match self.nlb_cross_zone {
            None => drop(fx.alb("lb-web", &self.lb_azs, &["tg-web"])),
            Some(on) => drop(fx.lb(
                "lb-web",
                LbType::Network,
                Scheme::InternetFacing,
                &self.lb_azs,
                &["tg-web"],
                Some(on),
                &[],
            )),
        }
        let standby = self.multi_az.then_some("use1-az3");
        fx.rds("db-orders", self.db_az, self.multi_az, standby, &[&db]);
        if !self.backups
            && let Facts::DbInstance(f) = &mut fx.b.find_mut("db-orders").unwrap().facts
        {
            f.backup_retention_days = 0;
        }
        if let Some(id) = self.standalone {
            fx.instance(id, "use1-az3", Some(2), &[]);
        }
        if self.admin {
            let admins = fx.fleet("admin", &["use1-az1", "use1-az2"], 1, &[]);
            fx.tg("tg-admin", &admins);
            fx.alb("lb-admin", &["use1-az1", "use1-az2"], &["tg-admin"]);
        }
        fx.build()
    }
}

fn between(old: Shop, new: Shop) -> EstateDiff {
    diff(&old.build(), &new.build())
}

fn fact<'d>(d: &'d EstateDiff, resource: &str, fact: &str) -> Option<(&'d str, &'d str)> {
    (d.resources.changed.iter())
        .filter(|c| c.resource.resource.id == resource)
        .flat_map(|c| &c.facts)
        .find(|f| f.fact == fact)
        .map(|f| (f.old.as_str(), f.new.as_str()))
}

fn codes(list: &[blastmap::findings::FindingSummary]) -> Vec<&'static str> {
    list.iter().map(|f| f.code).collect()
}

#[test]
fn identical_snapshots_have_an_empty_diff_and_no_regression() {
    let d = between(Shop::default(), Shop::default());
    assert!(d.is_empty(), "{d:#?}");
    assert!(!d.is_regression());
    let sides = DiffSides {
        old: SnapshotLabel {
            file: "a.json".into(),
            captured_at: None,
        },
        new: SnapshotLabel {
            file: "b.json".into(),
            captured_at: None,
        },
    };
    let text = report::diff(&sides, &d, Format::Table, false);
    assert!(
        text.contains("No change that matters for fault isolation."),
        "{text}"
    );
}

#[test]
fn standalone_resources_added_and_removed_are_listed_but_auto_scaling_churn_is_not() {
    let old = Shop {
        standalone: Some("i-bastion-old"),
        ..Shop::default()
    };
    let new = Shop {
        standalone: Some("i-bastion-new"),
        generation: "b",
        ..Shop::default()
    };
    let d = between(old, new);
    let ids = |list: &[blastmap::compare::ResourceSummary]| -> Vec<String> {
        list.iter().map(|r| r.resource.id.clone()).collect()
    };
    assert_eq!(ids(&d.resources.added), ["i-bastion-new"]);
    assert_eq!(ids(&d.resources.removed), ["i-bastion-old"]);
    assert_eq!(d.resources.added[0].az.as_deref(), Some("use1-az3"));
    assert!(d.resources.changed.is_empty(), "{:#?}", d.resources.changed);
    assert!(d.cells.is_empty() && !d.is_regression());
}

#[test]
fn a_database_that_moved_az_changes_the_cells_of_both_azs() {
    let single = Shop {
        multi_az: false,
        ..Shop::default()
    };
    let moved = Shop {
        db_az: "use1-az3",
        ..single.clone()
    };
    let d = between(single, moved);
    assert_eq!(fact(&d, "db-orders", "az"), Some(("use1-az1", "use1-az3")));
    let cell = |domain: &str| d.cells.iter().find(|c| c.domain == domain);
    let az1 = cell("use1-az1").expect("use1-az1 changed");
    assert_eq!(
        (az1.old, az1.new, az1.change),
        (Status::Down, Status::Degraded, Change::Better)
    );
    let az3 = cell("use1-az3").expect("use1-az3 changed");
    assert_eq!(
        (az3.old, az3.new, az3.change),
        (Status::Ok, Status::Down, Change::Worse)
    );
    assert!(matches!(&az3.subject, CellSubject::Path(id) if id.ends_with("/lb-web/tg-web")));
    assert_eq!(
        az3.sentence(),
        "path lb-web → tg-web now goes down when use1-az3 is lost; it was ok before"
    );
    assert!(d.is_regression());
    // The same finding about the same database: not listed, though its message names another AZ.
    assert!(!codes(&d.findings.appeared).contains(&"db-single-az"));
    assert!(!codes(&d.findings.resolved).contains(&"db-single-az"));
}

#[test]
fn losing_multi_az_and_backups_is_reported_as_facts_findings_and_a_regression() {
    let worse = Shop {
        multi_az: false,
        backups: false,
        ..Shop::default()
    };
    let d = between(Shop::default(), worse.clone());
    assert_eq!(fact(&d, "db-orders", "multi_az"), Some(("yes", "no")));
    assert_eq!(
        fact(&d, "db-orders", "standby_az"),
        Some(("use1-az3", "none"))
    );
    assert_eq!(fact(&d, "db-orders", "backups"), Some(("7 days", "off")));
    let appeared = codes(&d.findings.appeared);
    for code in ["db-single-az", "no-backups", "spof-az"] {
        assert!(appeared.contains(&code), "{code} in {appeared:?}");
    }
    let az1 = d.cells.iter().find(|c| c.domain == "use1-az1").unwrap();
    assert_eq!((az1.old, az1.new), (Status::Degraded, Status::Down));
    assert!(d.is_regression());

    // Back to Multi-AZ: use1-az1 only degrades now, but the standby's AZ, which did not
    // matter before, now degrades the path when lost: a regression, honestly.
    let back = between(worse, Shop::default());
    let cell = |domain: &str| back.cells.iter().find(|c| c.domain == domain).unwrap();
    assert_eq!(cell("use1-az1").change, Change::Better);
    assert_eq!(
        cell("use1-az3").sentence(),
        "path lb-web → tg-web now degrades when use1-az3 is lost; it was ok before"
    );
    assert!(back.is_regression());
    assert!(codes(&back.findings.resolved).contains(&"db-single-az"));
    // Backups back on, in its own Region only: the next step, not a regression.
    assert_eq!(codes(&back.findings.appeared), ["no-cross-region-backup"]);
}

#[test]
fn turning_backups_on_resolves_a_finding_and_is_no_regression() {
    let without = Shop {
        backups: false,
        ..Shop::default()
    };
    let d = between(without, Shop::default());
    assert_eq!(fact(&d, "db-orders", "backups"), Some(("off", "7 days")));
    assert_eq!(codes(&d.findings.resolved), ["no-backups"]);
    // The backups are all in us-east-1: a medium finding says so, no regression.
    assert_eq!(codes(&d.findings.appeared), ["no-cross-region-backup"]);
    assert!(d.cells.is_empty());
    assert!(!d.is_regression());
}

#[test]
fn load_balancer_azs_cross_zone_and_targets_per_az_are_reported() {
    let nlb = Shop {
        nlb_cross_zone: Some(true),
        ..Shop::default()
    };
    let changed = Shop {
        nlb_cross_zone: Some(false),
        lb_azs: vec!["use1-az1", "use1-az2", "use1-az3"],
        web_azs: vec!["use1-az1", "use1-az3"],
        ..Shop::default()
    };
    let d = between(nlb, changed);
    assert_eq!(fact(&d, "lb-web", "cross_zone"), Some(("on", "off")));
    assert_eq!(
        fact(&d, "lb-web", "enabled_azs"),
        Some(("use1-az1, use1-az2", "use1-az1, use1-az2, use1-az3"))
    );
    assert_eq!(
        fact(&d, "tg-web", "serving_targets_per_az"),
        Some(("use1-az1: 2, use1-az2: 2", "use1-az1: 2, use1-az3: 2"))
    );
    assert_eq!(
        fact(&d, "asg-web", "instances_per_az"),
        Some(("use1-az1: 2, use1-az2: 2", "use1-az1: 2, use1-az3: 2"))
    );
    assert!(codes(&d.findings.appeared).contains(&"lb-az-without-targets"));
}

#[test]
fn paths_added_and_removed_are_listed_with_their_ids() {
    let with_admin = Shop {
        admin: true,
        ..Shop::default()
    };
    let added = between(Shop::default(), with_admin.clone());
    assert_eq!(added.paths.added.len(), 1);
    assert!(added.paths.removed.is_empty());
    let p = &added.paths.added[0];
    assert_eq!(
        (p.load_balancer.as_str(), p.target_group.as_str()),
        ("lb-admin", "tg-admin")
    );
    assert_eq!(p.id, "111111111111/us-east-1/lb-admin/tg-admin");
    let removed = between(with_admin, Shop::default());
    assert_eq!(removed.paths.removed.len(), 1);
    assert!(removed.paths.added.is_empty());
}

#[test]
fn a_fleet_squeezed_into_one_az_is_a_regression_in_every_format() {
    let squeezed = Shop {
        web_azs: vec!["use1-az1"],
        ..Shop::default()
    };
    let d = between(Shop::default(), squeezed);
    let worse: Vec<_> = d
        .cells
        .iter()
        .filter(|c| c.change == Change::Worse)
        .collect();
    assert!(!worse.is_empty());
    assert!(
        worse
            .iter()
            .any(|c| c.domain == "use1-az1" && c.new == Status::Down)
    );
    assert!(d.is_regression());
    let sides = DiffSides {
        old: SnapshotLabel {
            file: "before.json".into(),
            captured_at: Some("2026-11-20T09:30:00Z".into()),
        },
        new: SnapshotLabel {
            file: "after.json".into(),
            captured_at: None,
        },
    };
    let table = report::diff(&sides, &d, Format::Table, false);
    assert!(table.contains("REGRESSION"), "{table}");
    assert!(table.contains("before.json (captured 2026-11-20T09:30:00Z) → after.json"));
    let markdown = report::diff(&sides, &d, Format::Markdown, false);
    assert!(
        markdown.contains("now goes down when use1-az1 is lost; it was degraded before"),
        "{markdown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report::diff(&sides, &d, Format::Json, false)).unwrap();
    assert_eq!(json["schema"], "blastmap.diff/v1");
    assert_eq!(json["regression"], true);
    assert_eq!(json["old"]["file"], "before.json");
    let cell = &json["cells"].as_array().unwrap()[0];
    for key in ["domain", "old", "new", "change"] {
        assert!(cell[key].is_string(), "cell lacks {key}: {cell}");
    }
    assert!(cell["path"].is_string() || cell["service"].is_string());
    for key in ["added", "removed", "changed"] {
        assert!(json["resources"][key].is_array());
    }
    for key in ["appeared", "resolved", "changed"] {
        assert!(json["findings"][key].is_array());
    }
}

/// The demo with orders-db single-AZ and its backups off.
fn demo_with_orders_db_single_az() -> (Estate, Estate) {
    let old = blastmap::demo::estate().unwrap();
    let mut parts = old.clone().into_parts();
    let db = (parts.resources.iter_mut())
        .find(|r| r.name == "orders-db")
        .expect("the demo has orders-db");
    let Facts::DbInstance(f) = &mut db.facts else {
        panic!("orders-db is an RDS instance")
    };
    f.multi_az = false;
    f.secondary_az = None;
    f.backup_retention_days = 0;
    let new = blastmap::model::EstateBuilder::from_parts(parts)
        .build()
        .unwrap();
    (old, new)
}

#[test]
fn a_finding_that_got_worse_is_one_finding_changed_not_resolved_and_new() {
    let (old, new) = demo_with_orders_db_single_az();
    let d = diff(&old, &new);
    let names = |f: &blastmap::findings::FindingSummary| -> Vec<String> {
        f.resources.iter().map(|r| r.name.clone()).collect()
    };
    // checkout's path was single-AZ through ledger-db; now through orders-db as well.
    let checkout: Vec<_> = (d.findings.changed.iter())
        .filter(|c| c.code == "spof-az")
        .collect();
    assert_eq!(checkout.len(), 1, "{:?}", d.findings.changed);
    let c = checkout[0];
    assert_eq!(
        names(&c.old),
        [
            "checkout-alb",
            "checkout-web",
            "ledger-db",
            "shop-use1-nat-a"
        ]
    );
    // Past the path (its subject), a finding's resources are in the order of their ids.
    assert_eq!(
        names(&c.new),
        [
            "checkout-alb",
            "checkout-web",
            "orders-db",
            "ledger-db",
            "shop-use1-nat-a"
        ]
    );
    assert!(c.new.message.contains("orders-db") && !c.old.message.contains("orders-db"));
    assert!(!c.more_severe());
    for list in [&d.findings.appeared, &d.findings.resolved] {
        assert!(
            !list
                .iter()
                .any(|f| names(f).contains(&"checkout-alb".to_string())),
            "checkout's finding is neither new nor resolved: {list:?}"
        );
    }
    // Still a regression (cells got worse; db-single-az appeared), but the changed
    // finding is not counted as a new high one.
    let appeared = codes(&d.findings.appeared);
    assert_eq!(d.high_findings_appeared(), appeared.len());
    assert!(!appeared.is_empty());
    assert_eq!(
        (d.findings.appeared.iter())
            .filter(|f| f.code == "spof-az")
            .map(names)
            .collect::<Vec<_>>(),
        [["storefront-alb", "storefront-api", "orders-db"]],
        "storefront's path is newly single-AZ: that one is new"
    );
    assert!(d.is_regression());

    // Every format says so.
    let sides = DiffSides {
        old: SnapshotLabel {
            file: "old.json".into(),
            captured_at: None,
        },
        new: SnapshotLabel {
            file: "new.json".into(),
            captured_at: None,
        },
    };
    let table = report::diff(&sides, &d, Format::Table, false);
    assert!(
        table.contains("REGRESSION: 3 matrix cells got worse, 3 high-severity findings appeared."),
        "{table}"
    );
    assert!(
        table.contains("Findings: 3 appeared, 1 resolved, 1 changed"),
        "{table}"
    );
    assert!(
        table.contains("~  high      spof-az                     checkout-alb, checkout-web, orders-db, ledger-db, shop-use1-nat-a"),
        "{table}"
    );
    assert!(
        table.contains("   was: checkout-alb → checkout-web goes down"),
        "{table}"
    );
    let markdown = report::diff(&sides, &d, Format::Markdown, false);
    assert!(
        markdown.contains("| changed | high | `spof-az` | checkout-alb, checkout-web, orders-db, ledger-db, shop-use1-nat-a | checkout-alb"),
        "{markdown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&report::diff(&sides, &d, Format::Json, false)).unwrap();
    let changed = &json["findings"]["changed"][0];
    assert_eq!(changed["code"], "spof-az");
    assert_eq!(changed["old"]["resources"].as_array().unwrap().len(), 4);
    assert_eq!(changed["new"]["resources"].as_array().unwrap().len(), 5);
    assert_eq!(changed["new"]["severity"], "high");
}

#[test]
fn a_changed_finding_alone_is_no_regression() {
    // Backups off on ledger-db, already single-AZ: its spof-az findings say "cannot be
    // restored" now, at the same severity; no-backups appears (high) and is the only
    // regression; reverting it leaves the changed findings and no regression.
    let old = blastmap::demo::estate().unwrap();
    let mut parts = old.clone().into_parts();
    let db = (parts.resources.iter_mut())
        .find(|r| r.name == "ledger-db")
        .expect("the demo has ledger-db");
    let Facts::DbInstance(f) = &mut db.facts else {
        panic!("ledger-db is an RDS instance")
    };
    f.backup_retention_days = 0;
    let new = blastmap::model::EstateBuilder::from_parts(parts)
        .build()
        .unwrap();
    let d = diff(&old, &new);
    assert!(!d.findings.changed.is_empty(), "{:?}", d.findings);
    assert_eq!(codes(&d.findings.appeared), ["no-backups"]);
    let back = diff(&new, &old);
    assert_eq!(back.findings.changed.len(), d.findings.changed.len());
    assert_eq!(codes(&back.findings.resolved), ["no-backups"]);
    assert!(back.findings.appeared.is_empty() && back.cells.is_empty());
    assert!(!back.is_regression());
}

#[test]
fn a_changed_finding_that_got_more_severe_is_a_regression() {
    use blastmap::compare::FindingChange;
    use blastmap::findings::{FindingSummary, Severity};
    let at = |severity| FindingSummary {
        code: "spof-az",
        severity,
        message: "m".into(),
        resources: Vec::new(),
    };
    let mut d = EstateDiff::default();
    d.findings.changed.push(FindingChange {
        code: "spof-az",
        old: at(Severity::Medium),
        new: at(Severity::Medium),
    });
    assert!(!d.is_regression());
    d.findings.changed[0].new.severity = Severity::High;
    assert!(d.is_regression());
    assert_eq!(
        report::diff_verdict(&d),
        "REGRESSION: 1 finding got more severe."
    );
    d.findings.changed[0].new.severity = Severity::Low;
    assert!(!d.is_regression());
}
