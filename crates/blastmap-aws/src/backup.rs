//! AWS Backup: plans (rules, schedules, the Regions their copy actions copy to), the
//! resources of the estate their selections resolve to, and the newest recovery point
//! of each resource in each Region's vaults (its own backups, and copies made into
//! them from other Regions). Each plan's rules and selections are read as soon as it
//! is listed, each vault's recovery points as soon as the vault is.
//!
//! Recovery points are listed per vault (`ListRecoveryPointsByBackupVault`), a batch
//! call that also names the plan that made each point, rather than per protected
//! resource. (aws-backup/latest/devguide/assigning-resources.html,
//! cross-region-backup.html)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use aws_sdk_backup::Client;
use aws_sdk_backup::types::{
    BackupPlan as SdkPlan, BackupSelection, RecoveryPointByBackupVault, RecoveryPointStatus,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use tokio::task::JoinSet;

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, RegionRead};
use blastmap_core::model::{BackupPlan, BackupRule, Facts, ProtectedResource, RecoveryPoint};

/// Wildcard ARNs matched per selection: AWS allows 30, a hostile answer is cut there.
const WILDCARDS_PER_SELECTION: usize = 30;
/// ARNs, tag conditions and selections kept per plan (AWS's own limits are lower).
const PER_PLAN: usize = 1000;
/// The longest ARN or tag pattern matched (AWS ARNs are at most 2048 characters).
const PATTERN_LEN: usize = 2048;

/// A plan, its rules and its selections.
#[derive(Debug)]
pub struct PlanRead {
    pub arn: String,
    pub name: Option<String>,
    /// `None` when `GetBackupPlan` failed.
    pub plan: Option<SdkPlan>,
    pub selections: Vec<BackupSelection>,
}

/// The newest usable recovery point of one resource in this Region's vaults.
#[derive(Debug, Clone)]
pub struct Newest {
    pub resource_name: Option<String>,
    pub created: DateTime,
    pub plan: Option<String>,
}

#[derive(Debug, Default)]
pub struct BackupRead {
    pub plans: Vec<PlanRead>,
    /// Resource ARN → its newest recovery point here.
    pub newest: HashMap<String, Newest>,
}

pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<BackupRead> {
    let mut out = Outcome::<BackupRead>::default();
    let ((plans, plan_failures), (newest, point_failures)) =
        tokio::join!(plans(&caller, &client), recovery_points(&caller, &client));
    out.data.plans = plans;
    out.data.newest = newest;
    out.failures.extend(plan_failures);
    out.failures.extend(point_failures);
    out
}

/// Lists the plans; reads each one's rules and selections as soon as it is listed.
async fn plans(caller: &Arc<Caller>, client: &Client) -> (Vec<PlanRead>, Vec<CallFailure>) {
    let mut failures = Vec::new();
    let mut tasks: JoinSet<(PlanRead, Vec<CallFailure>)> = JoinSet::new();
    let mut pages = client.list_backup_plans().into_paginator().send();
    while let Some(page) = caller.page("ListBackupPlans", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => {
                failures.push(f);
                break;
            }
        };
        for p in page.backup_plans_list.unwrap_or_default() {
            let (Some(id), Some(arn)) = (p.backup_plan_id(), p.backup_plan_arn()) else {
                continue;
            };
            let (id, arn) = (id.to_string(), arn.to_string());
            let name = p.backup_plan_name().map(str::to_string);
            tasks.spawn(plan(caller.clone(), client.clone(), id, arn, name));
        }
    }
    let mut plans = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((p, f)) => {
                plans.push(p);
                failures.extend(f);
            }
            Err(e) => failures.push(task_failed("GetBackupPlan", e)),
        }
    }
    plans.sort_by(|a, b| a.arn.cmp(&b.arn));
    (plans, failures)
}

fn task_failed(operation: &'static str, e: tokio::task::JoinError) -> CallFailure {
    CallFailure::unplaced(operation, format!("a reading task failed: {e}"))
}

/// One plan's rules, and its selections (each read as soon as it is listed).
async fn plan(
    caller: Arc<Caller>,
    client: Client,
    id: String,
    arn: String,
    name: Option<String>,
) -> (PlanRead, Vec<CallFailure>) {
    let mut failures = Vec::new();
    let selections = async {
        let mut failures = Vec::new();
        let mut tasks: JoinSet<Result<Option<BackupSelection>, CallFailure>> = JoinSet::new();
        let mut pages = client
            .list_backup_selections()
            .backup_plan_id(&id)
            .into_paginator()
            .send();
        while let Some(page) = caller.page("ListBackupSelections", &mut pages).await {
            let page = match page {
                Ok(page) => page,
                Err(f) => {
                    failures.push(f);
                    break;
                }
            };
            for s in page.backup_selections_list.unwrap_or_default() {
                let Some(selection) = s.selection_id().map(str::to_string) else {
                    continue;
                };
                let request = client
                    .get_backup_selection()
                    .backup_plan_id(&id)
                    .selection_id(selection);
                let caller = caller.clone();
                tasks.spawn(async move {
                    let answer = caller.call("GetBackupSelection", request.send()).await?;
                    Ok(answer.backup_selection)
                });
            }
        }
        let mut selections = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok(s) => selections.extend(or_record(&mut failures, s)),
                Err(e) => failures.push(task_failed("GetBackupSelection", e)),
            }
        }
        selections.sort_by(|a, b| a.selection_name().cmp(b.selection_name()));
        (selections, failures)
    };
    let (got, (selections, selection_failures)) = tokio::join!(
        caller.call(
            "GetBackupPlan",
            client.get_backup_plan().backup_plan_id(&id).send()
        ),
        selections
    );
    let plan = or_record(&mut failures, got.map(|g| g.backup_plan));
    failures.extend(selection_failures);
    (
        PlanRead {
            arn,
            name,
            plan,
            selections,
        },
        failures,
    )
}

/// A recovery point a restore can start from.
fn usable(p: &RecoveryPointByBackupVault) -> bool {
    matches!(
        p.status(),
        None | Some(RecoveryPointStatus::Completed | RecoveryPointStatus::Available)
    )
}

/// Keeps the newest usable recovery point of each resource.
fn keep_newest(newest: &mut HashMap<String, Newest>, points: Vec<RecoveryPointByBackupVault>) {
    for p in points.iter().filter(|p| usable(p)) {
        let (Some(resource), Some(created)) = (p.resource_arn(), p.creation_date()) else {
            continue;
        };
        let candidate = Newest {
            resource_name: p.resource_name().map(str::to_string),
            created: *created,
            plan: p
                .created_by()
                .and_then(|c| c.backup_plan_arn())
                .map(str::to_string),
        };
        match newest.get_mut(resource) {
            Some(n) if n.created >= candidate.created => {}
            Some(n) => *n = candidate,
            None => {
                newest.insert(resource.to_string(), candidate);
            }
        }
    }
}

/// Lists the vaults; lists each one's recovery points as soon as it is listed, keeping
/// the newest per resource.
async fn recovery_points(
    caller: &Arc<Caller>,
    client: &Client,
) -> (HashMap<String, Newest>, Vec<CallFailure>) {
    let mut failures = Vec::new();
    let mut tasks: JoinSet<(HashMap<String, Newest>, Vec<CallFailure>)> = JoinSet::new();
    let mut pages = client.list_backup_vaults().into_paginator().send();
    while let Some(page) = caller.page("ListBackupVaults", &mut pages).await {
        let page = match page {
            Ok(page) => page,
            Err(f) => {
                failures.push(f);
                break;
            }
        };
        for v in page.backup_vault_list.unwrap_or_default() {
            let Some(vault) = v.backup_vault_name().map(str::to_string) else {
                continue;
            };
            let (caller, client) = (caller.clone(), client.clone());
            tasks.spawn(async move {
                let mut newest = HashMap::new();
                let mut failures = Vec::new();
                let mut pages = client
                    .list_recovery_points_by_backup_vault()
                    .backup_vault_name(vault)
                    .into_paginator()
                    .send();
                while let Some(page) = caller
                    .page("ListRecoveryPointsByBackupVault", &mut pages)
                    .await
                {
                    match page {
                        Ok(page) => {
                            keep_newest(&mut newest, page.recovery_points.unwrap_or_default())
                        }
                        Err(f) => {
                            failures.push(f);
                            break;
                        }
                    }
                }
                (newest, failures)
            });
        }
    }
    let mut newest: HashMap<String, Newest> = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((found, f)) => {
                failures.extend(f);
                for (resource, n) in found {
                    match newest.get(&resource) {
                        Some(kept) if kept.created >= n.created => {}
                        _ => {
                            newest.insert(resource, n);
                        }
                    }
                }
            }
            Err(e) => failures.push(task_failed("ListRecoveryPointsByBackupVault", e)),
        }
    }
    (newest, failures)
}

/// The partition of a Region's ARNs.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The id the estate knows a resource ARN by: EC2 instances by their instance id,
/// everything else by its ARN.
pub fn estate_id(arn: &str) -> &str {
    let mut fields = arn.splitn(6, ':');
    match (fields.nth(2), fields.nth(2)) {
        (Some("ec2"), Some(resource)) => resource.strip_prefix("instance/").unwrap_or(arn),
        _ => arn,
    }
}

/// The Region an ARN names (`arn:aws:rds:us-east-1:…` → `us-east-1`), if any.
fn region_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(3).filter(|r| !r.is_empty())
}

/// The account an ARN names, if any.
fn account_of(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Whether `text` matches `pattern`, where `*` is any run of characters and `?` any one
/// (AWS Backup's ARN wildcards and `StringLike`). Linear in practice: on a mismatch after
/// a `*`, the match restarts one character further, never further back.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || p[i] == t[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// A resource a selection can pick: the kinds AWS Backup protects that the estate holds.
struct Candidate<'a> {
    id: &'a str,
    arn: String,
    tags: &'a BTreeMap<String, String>,
}

/// The estate's resources AWS Backup can protect, with the ARNs selections name them by.
fn candidates<'a>(found: &'a [Found], account: &str, region: &str) -> Vec<Candidate<'a>> {
    found
        .iter()
        .filter_map(|f| {
            let arn = match &f.facts {
                Facts::Instance(_) => format!(
                    "arn:{}:ec2:{region}:{account}:instance/{}",
                    partition(region),
                    f.id
                ),
                // Aurora and Multi-AZ DB clusters are backed up as clusters, not members.
                Facts::DbInstance(db) if db.cluster.is_none() => f.id.clone(),
                Facts::DbCluster(_) | Facts::DynamodbTable(_) => f.id.clone(),
                _ => return None,
            };
            Some(Candidate {
                id: &f.id,
                arn,
                tags: &f.tags,
            })
        })
        .collect()
}

/// A tag condition's key: `aws:ResourceTag/backup` and (in `ListOfTags`) `backup` both
/// name the tag `backup`.
fn tag_key(key: &str) -> &str {
    key.strip_prefix("aws:ResourceTag/").unwrap_or(key)
}

/// What a selection picks, as AWS Backup resolves it: resources matching any of
/// `Resources` or any of `ListOfTags` (everything when both are empty), that match all
/// of `Conditions`, minus `NotResources`.
struct Selector<'a> {
    exact: HashSet<&'a str>,
    wildcards: Vec<&'a str>,
    tags: Vec<(&'a str, &'a str)>,
    equals: Vec<(&'a str, &'a str)>,
    not_equals: Vec<(&'a str, &'a str)>,
    like: Vec<(&'a str, &'a str)>,
    not_like: Vec<(&'a str, &'a str)>,
    excluded: Vec<&'a str>,
    everything: bool,
}

impl<'a> Selector<'a> {
    fn new(s: &'a BackupSelection, cut: &mut bool) -> Selector<'a> {
        let fits = |p: &&str| p.len() <= PATTERN_LEN;
        let mut exact = HashSet::new();
        let mut wildcards = Vec::new();
        for r in s
            .resources()
            .iter()
            .take(PER_PLAN)
            .map(String::as_str)
            .filter(fits)
        {
            if r.contains(['*', '?']) {
                if wildcards.len() == WILDCARDS_PER_SELECTION {
                    *cut = true;
                    continue;
                }
                wildcards.push(r);
            } else {
                exact.insert(r);
            }
        }
        *cut |= s.resources().len() > PER_PLAN;
        let pairs = |list: &'a [aws_sdk_backup::types::ConditionParameter]| {
            list.iter()
                .take(PER_PLAN)
                .filter_map(|c| Some((tag_key(c.condition_key()?), c.condition_value()?)))
                .filter(|(_, v)| v.len() <= PATTERN_LEN)
                .collect::<Vec<_>>()
        };
        let conditions = s.conditions();
        Selector {
            exact,
            wildcards,
            tags: s
                .list_of_tags()
                .iter()
                .take(PER_PLAN)
                .map(|c| (tag_key(c.condition_key()), c.condition_value()))
                .collect(),
            equals: conditions
                .map(|c| pairs(c.string_equals()))
                .unwrap_or_default(),
            not_equals: conditions
                .map(|c| pairs(c.string_not_equals()))
                .unwrap_or_default(),
            like: conditions
                .map(|c| pairs(c.string_like()))
                .unwrap_or_default(),
            not_like: conditions
                .map(|c| pairs(c.string_not_like()))
                .unwrap_or_default(),
            excluded: s
                .not_resources()
                .iter()
                .take(PER_PLAN)
                .map(String::as_str)
                .filter(fits)
                .collect(),
            everything: s.resources().is_empty() && s.list_of_tags().is_empty(),
        }
    }

    fn picks(&self, c: &Candidate) -> bool {
        let tag = |k: &str| c.tags.get(k).map(String::as_str);
        let listed = self.everything
            || self.exact.contains(c.arn.as_str())
            || self.wildcards.iter().any(|p| glob(p, &c.arn))
            || self.tags.iter().any(|(k, v)| tag(k) == Some(*v));
        listed
            && self.equals.iter().all(|(k, v)| tag(k) == Some(*v))
            && self.not_equals.iter().all(|(k, v)| tag(k) != Some(*v))
            && self
                .like
                .iter()
                .all(|(k, p)| tag(k).is_some_and(|t| glob(p, t)))
            && self
                .not_like
                .iter()
                .all(|(k, p)| !tag(k).is_some_and(|t| glob(p, t)))
            && !self.excluded.iter().any(|p| glob(p, &c.arn))
    }
}

/// The id of the `protected_resource` for `resource` seen in `account`'s vaults: a
/// resource of another account (a cross-account copy) gets its own per account.
fn protected_id(resource: &str, account: &str) -> String {
    match account_of(resource) {
        Some(owner) if owner != account => format!("{resource}#backup@{account}"),
        _ => format!("{resource}#backup"),
    }
}

/// Plans (with the estate's resources their selections pick, among `found` of the same
/// account and Region) and protected resources, each with its newest recovery point here.
pub fn resources(
    read: BackupRead,
    account: &str,
    region: &str,
    found: &[Found],
    failures: &mut Vec<CallFailure>,
) -> Vec<Found> {
    let mut out = Vec::new();
    let candidates = candidates(found, account, region);
    for p in &read.plans {
        let mut rules = Vec::new();
        for rule in p.plan.as_ref().map(|p| p.rules()).unwrap_or_default() {
            let mut copy_regions: Vec<String> = Vec::new();
            for copy in rule.copy_actions() {
                if let Some(r) = region_of(copy.destination_backup_vault_arn())
                    && !copy_regions.iter().any(|c| c == r)
                {
                    copy_regions.push(r.to_string());
                }
            }
            rules.push(BackupRule {
                name: rule.rule_name().to_string(),
                schedule: rule.schedule_expression().map(str::to_string),
                every_hours: None,
                copy_regions,
            });
        }
        let mut cut = p.selections.len() > PER_PLAN;
        let selectors: Vec<Selector> = p
            .selections
            .iter()
            .take(PER_PLAN)
            .map(|s| Selector::new(s, &mut cut))
            .collect();
        if cut {
            failures.push(CallFailure::unplaced(
                "GetBackupSelection",
                format!(
                    "backup plan {} selects by more ARNs or selections than AWS allows: only the \
                     first are resolved",
                    p.arn
                ),
            ));
        }
        let resources = candidates
            .iter()
            .filter(|c| selectors.iter().any(|s| s.picks(c)))
            .map(|c| c.id.to_string())
            .collect();
        let name = p
            .name
            .clone()
            .or_else(|| p.plan.as_ref().map(|x| x.backup_plan_name().to_string()));
        out.push(
            Named::new(&p.arn, name, None, BTreeMap::new())
                .facts(Facts::BackupPlan(BackupPlan { rules, resources })),
        );
    }
    let mut newest: Vec<(String, Newest)> = read.newest.into_iter().collect();
    newest.sort_by(|a, b| a.0.cmp(&b.0));
    for (resource, n) in newest {
        let Ok(created_at) = n.created.fmt(Format::DateTime) else {
            continue;
        };
        let name = n
            .resource_name
            .clone()
            .filter(|x| !x.is_empty())
            .or_else(|| {
                let id = estate_id(&resource);
                Some(id.rsplit([':', '/']).next().unwrap_or(id).to_string())
            });
        out.push(
            Named::new(
                &protected_id(&resource, account),
                name,
                None,
                BTreeMap::new(),
            )
            .facts(Facts::ProtectedResource(ProtectedResource {
                resource: estate_id(&resource).to_string(),
                recovery_points: vec![RecoveryPoint {
                    region: region.to_string(),
                    created_at,
                    plan: n.plan,
                }],
            })),
        );
    }
    out
}

/// One account's protected resources as one each: the recovery points found in every
/// Region's vaults (copies) join the one in the resource's own Region, or, when that
/// Region was not scanned, the first seen.
pub fn merge_copies(reads: &mut [RegionRead]) {
    let mut merged: Vec<(usize, Found)> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for i in 0..reads.len() {
        let (protected, rest): (Vec<Found>, Vec<Found>) = std::mem::take(&mut reads[i].found)
            .into_iter()
            .partition(|f| matches!(f.facts, Facts::ProtectedResource(_)));
        reads[i].found = rest;
        for f in protected {
            if let Some(&k) = at.get(&f.id) {
                if let (Facts::ProtectedResource(into), Facts::ProtectedResource(from)) =
                    (&mut merged[k].1.facts, f.facts)
                {
                    into.recovery_points.extend(from.recovery_points);
                }
                continue;
            }
            // The id starts with the resource's ARN, which names its Region (an
            // instance's `resource` is its bare id).
            let home = region_of(&f.id).and_then(|r| reads.iter().position(|x| x.region == r));
            at.insert(f.id.clone(), merged.len());
            merged.push((home.unwrap_or(i), f));
        }
    }
    for (i, mut f) in merged {
        if let Facts::ProtectedResource(p) = &mut f.facts {
            p.recovery_points.sort_by(|a, b| a.region.cmp(&b.region));
        }
        reads[i].found.push(f);
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_backup::types::{Condition, ConditionParameter, ConditionType, Conditions};

    use super::*;
    use blastmap_core::model::{DbCluster, DbInstance, DynamodbTable, Instance};

    #[test]
    fn wildcards_match_any_run_or_one_character() {
        assert!(glob(
            "arn:aws:rds:*:*:db:*",
            "arn:aws:rds:us-east-1:111:db:orders"
        ));
        assert!(!glob(
            "arn:aws:rds:*:*:db:*",
            "arn:aws:rds:us-east-1:111:cluster:ledger"
        ));
        assert!(glob("orders-?", "orders-1"));
        assert!(!glob("orders-?", "orders-12"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(!glob("a*b*c", "axxbyy"));
        // A pathological pattern against a long text still ends promptly.
        let text = "a".repeat(2000);
        assert!(!glob(&format!("{}b", "*a".repeat(500)), &text));
    }

    #[test]
    fn an_instance_arn_is_known_by_its_instance_id() {
        assert_eq!(
            estate_id("arn:aws:ec2:us-east-1:111:instance/i-0abc"),
            "i-0abc"
        );
        assert_eq!(
            estate_id("arn:aws:ec2:us-east-1:111:volume/vol-1"),
            "arn:aws:ec2:us-east-1:111:volume/vol-1"
        );
        assert_eq!(
            estate_id("arn:aws:rds:us-east-1:111:db:orders"),
            "arn:aws:rds:us-east-1:111:db:orders"
        );
    }

    fn found(id: &str, facts: Facts, tags: &[(&str, &str)]) -> Found {
        Found {
            id: id.to_string(),
            name: None,
            az: None,
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            facts,
        }
    }

    fn estate() -> Vec<Found> {
        vec![
            found(
                "arn:aws:rds:us-east-1:111:db:orders",
                Facts::DbInstance(DbInstance::default()),
                &[("backup", "daily")],
            ),
            found(
                "arn:aws:rds:us-east-1:111:db:catalog",
                Facts::DbInstance(DbInstance::default()),
                &[],
            ),
            found(
                "arn:aws:rds:us-east-1:111:db:ledger-a",
                Facts::DbInstance(DbInstance {
                    cluster: Some("arn:aws:rds:us-east-1:111:cluster:ledger".into()),
                    ..DbInstance::default()
                }),
                &[("backup", "daily")],
            ),
            found(
                "arn:aws:rds:us-east-1:111:cluster:ledger",
                Facts::DbCluster(DbCluster::default()),
                &[("backup", "daily")],
            ),
            found(
                "arn:aws:dynamodb:us-east-1:111:table/orders",
                Facts::DynamodbTable(DynamodbTable::default()),
                &[],
            ),
            found(
                "i-1",
                Facts::Instance(Instance::default()),
                &[("tier", "web-1")],
            ),
            found(
                "i-2",
                Facts::Instance(Instance::default()),
                &[("tier", "batch")],
            ),
        ]
    }

    fn plan(selections: Vec<BackupSelection>) -> BackupRead {
        BackupRead {
            plans: vec![PlanRead {
                arn: "arn:aws:backup:us-east-1:111:backup-plan:p".into(),
                name: Some("p".into()),
                plan: None,
                selections,
            }],
            newest: HashMap::new(),
        }
    }

    fn selection() -> aws_sdk_backup::types::builders::BackupSelectionBuilder {
        BackupSelection::builder()
            .selection_name("s")
            .iam_role_arn("arn:aws:iam::111:role/backup")
    }

    fn equals(key: &str, value: &str) -> ConditionParameter {
        ConditionParameter::builder()
            .condition_key(key)
            .condition_value(value)
            .build()
    }

    fn resolved(selections: Vec<BackupSelection>) -> Vec<String> {
        let mut failures = Vec::new();
        let out = resources(
            plan(selections),
            "111",
            "us-east-1",
            &estate(),
            &mut failures,
        );
        assert!(failures.is_empty(), "{failures:?}");
        match &out[0].facts {
            Facts::BackupPlan(p) => p.resources.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn resources_and_conditions_are_anded_tags_ored_and_not_resources_removed() {
        // Every RDS database tagged backup=daily: Aurora members are backed up as clusters.
        let rds = selection()
            .resources("arn:aws:rds:*:*:db:*")
            .conditions(
                Conditions::builder()
                    .string_equals(equals("aws:ResourceTag/backup", "daily"))
                    .build(),
            )
            .build()
            .expect("a selection");
        assert_eq!(resolved(vec![rds]), ["arn:aws:rds:us-east-1:111:db:orders"]);
        // One exact ARN, or any resource with a web tier tag.
        let or = selection()
            .resources("arn:aws:dynamodb:us-east-1:111:table/orders")
            .list_of_tags(
                Condition::builder()
                    .condition_type(ConditionType::Stringequals)
                    .condition_key("tier")
                    .condition_value("web-1")
                    .build()
                    .expect("a condition"),
            )
            .build()
            .expect("a selection");
        assert_eq!(
            resolved(vec![or]),
            ["arn:aws:dynamodb:us-east-1:111:table/orders", "i-1"]
        );
        // Everything AWS Backup can protect, but instances whose tier is like web-*.
        let all = selection()
            .not_resources("arn:aws:rds:us-east-1:111:db:catalog")
            .conditions(
                Conditions::builder()
                    .string_not_like(equals("aws:ResourceTag/tier", "web-*"))
                    .build(),
            )
            .build()
            .expect("a selection");
        assert_eq!(
            resolved(vec![all]),
            [
                "arn:aws:rds:us-east-1:111:db:orders",
                "arn:aws:rds:us-east-1:111:cluster:ledger",
                "arn:aws:dynamodb:us-east-1:111:table/orders",
                "i-2"
            ]
        );
    }

    fn protected(resource: &str, region: &str, at: &str) -> Found {
        found(
            &protected_id(resource, "111"),
            Facts::ProtectedResource(ProtectedResource {
                resource: estate_id(resource).to_string(),
                recovery_points: vec![RecoveryPoint {
                    region: region.into(),
                    created_at: at.into(),
                    plan: None,
                }],
            }),
            &[],
        )
    }

    #[test]
    fn copies_in_other_regions_join_the_resource_in_its_own_region() {
        let orders = "arn:aws:rds:us-east-1:111:db:orders";
        let mut reads = vec![
            RegionRead {
                region: "eu-west-1".into(),
                found: vec![protected(orders, "eu-west-1", "2026-01-02T00:00:00Z")],
                ..Default::default()
            },
            RegionRead {
                region: "us-east-1".into(),
                found: vec![protected(orders, "us-east-1", "2026-01-01T00:00:00Z")],
                ..Default::default()
            },
        ];
        merge_copies(&mut reads);
        assert!(reads[0].found.is_empty());
        assert_eq!(reads[1].found.len(), 1);
        match &reads[1].found[0].facts {
            Facts::ProtectedResource(p) => {
                let regions: Vec<&str> = p
                    .recovery_points
                    .iter()
                    .map(|r| r.region.as_str())
                    .collect();
                assert_eq!(regions, ["eu-west-1", "us-east-1"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(protected_id(orders, "222"), format!("{orders}#backup@222"));
    }
}
