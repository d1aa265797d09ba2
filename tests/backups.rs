//! `blastmap backups` and the Region-loss answer about data (`../shared/domain.md`
//! §11), on the demo estate, as a user runs them.

use serde_json::Value;

mod common;

use common::stdout_of as stdout;

#[test]
fn backups_lists_the_data_with_no_copy_outside_its_region_first() {
    let text = stdout(&["backups", "--demo", "--format", "table", "--color", "never"]);
    assert!(
        text.starts_with("Backups: 7 of 12 pieces of data with no copy outside its Region\n"),
        "{text}"
    );
    let rows: Vec<&str> = text.lines().filter(|l| !l.starts_with(' ')).collect();
    let first_restorable = rows.iter().position(|l| l.contains("RPO")).unwrap();
    assert!(
        rows[3..first_restorable]
            .iter()
            .all(|l| l.ends_with("nothing: lost with it"))
    );
    assert!(
        text.contains("stale: newest recovery point 2026-11-11T03:05:00Z, plan runs every 24 h")
    );
    let ledger = rows.iter().find(|l| l.starts_with("ledger-db ")).unwrap();
    assert!(
        ledger.contains("2026-11-20T06:40:00Z") && ledger.ends_with("eu-west-1, RPO 3 h"),
        "{ledger}"
    );
}

#[test]
fn backups_json_carries_copies_and_the_rpo_of_a_region_loss() {
    let doc: Value =
        serde_json::from_str(&stdout(&["backups", "--demo", "--format", "json"])).unwrap();
    assert_eq!(doc["schema"], "blastmap.backups/v1");
    let data = doc["data"].as_array().unwrap();
    let ledger = data.iter().find(|d| d["name"] == "ledger-db").unwrap();
    assert_eq!(ledger["kind"], "db_instance");
    assert_eq!(ledger["after_region_loss"]["region"], "eu-west-1");
    assert_eq!(ledger["after_region_loss"]["rpo"]["unit"], "hours");
    assert_eq!(ledger["after_region_loss"]["rpo"]["value"], 3);
    let lost: Vec<&str> = (data.iter())
        .filter(|d| d["after_region_loss"].is_null())
        .map(|d| d["name"].as_str().unwrap())
        .collect();
    assert!(
        lost.contains(&"orders-db") && lost.contains(&"events-aurora"),
        "{lost:?}"
    );
}

#[test]
fn a_region_loss_says_which_data_each_service_can_restore_and_how_old() {
    let table = stdout(&[
        "what-if",
        "--demo",
        "--lose",
        "us-east-1",
        "--format",
        "table",
        "--color",
        "never",
    ]);
    assert!(table.contains(
        "↳ data: ledger-db can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)"
    ));
    assert!(table.contains("↳ data: events-aurora has no copy outside us-east-1: lost with it"));
    let doc: Value = serde_json::from_str(&stdout(&[
        "what-if",
        "--demo",
        "--lose",
        "us-east-1",
        "--format",
        "json",
    ]))
    .unwrap();
    let payments = (doc["services"].as_array().unwrap().iter())
        .find(|s| s["name"] == "payments")
        .unwrap();
    assert_eq!(payments["data"][0]["restorable_in"], "eu-west-1");
    assert_eq!(payments["dr"]["tier"], "backup-restore");
    let md = stdout(&[
        "what-if",
        "--demo",
        "--lose",
        "us-east-1",
        "--format",
        "markdown",
    ]);
    assert!(md.contains("| Data in the lost Region |"), "{md}");
    // An AZ loss loses no Region's data: no data lines, no column.
    let az = stdout(&[
        "what-if", "--demo", "--lose", "use1-az4", "--format", "table", "--color", "never",
    ]);
    assert!(!az.contains("↳ data:"));
}

#[test]
fn the_markdown_report_ends_with_the_backups() {
    let md = stdout(&[
        "export",
        "--demo",
        "--format",
        "markdown",
        "--lose",
        "us-east-1",
    ]);
    let backups = md.find("\n## Backups\n").expect("a Backups section");
    assert!(backups > md.find("## Findings by severity").unwrap());
    assert!(
        md[backups..].contains("| events-aurora | DB cluster | us-east-1 | payments-webhooks |")
    );
}

#[test]
fn findings_show_the_three_backup_codes_on_the_demo() {
    let doc: Value =
        serde_json::from_str(&stdout(&["findings", "--demo", "--format", "json"])).unwrap();
    let codes: Vec<&str> = (doc["findings"].as_array().unwrap().iter())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for code in ["no-backups", "no-cross-region-backup", "backup-stale"] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
}
