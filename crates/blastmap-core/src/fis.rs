//! An AWS FIS experiment template that tests an AZ loss for real
//! (`../shared/domain.md` §10, "AZ Availability: Power Interruption"), scoped to the
//! resources of the estate in that AZ by ARN, never by a tag or wildcard that could
//! reach beyond it. blastmap only writes the template: the user creates and runs it.
//! Action ids, target keys and parameters follow the FIS action reference
//! (fis/latest/userguide/fis-actions-reference.html, az-availability-scenario.html).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use thiserror::Error;

use crate::model::{AccountIdx, AzIdx, Domain, Estate, Facts, ResIdx};
use crate::sim::{LostDomains, Status, Topology, Verdict, what_if};

/// Resource ARNs per target: the API's limit (`resourceArns`, at most 5 items).
pub const ARNS_PER_TARGET: usize = 5;
/// How long the interruption lasts unless asked otherwise: the scenario's default.
pub const DEFAULT_DURATION: &str = "PT30M";
/// The stop condition's placeholder: FIS needs an alarm that ends the experiment when
/// users suffer; only the team knows which.
pub const STOP_ALARM_PLACEHOLDER: &str = "REPLACE-WITH-THE-ALARM-THAT-STOPS-THE-EXPERIMENT";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum FisError {
    #[error(
        "an FIS experiment interrupts one AZ: {given} is a Region (give one of its AZ IDs, e.g. {example})"
    )]
    NotAnAz { given: String, example: String },
    #[error(
        "the role {0:?} is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME): FIS runs the experiment as this role"
    )]
    BadRole(String),
    #[error(
        "{0:?} is not an ISO 8601 duration of minutes or hours FIS accepts (PT30M, PT1H, PT1H30M; at most PT12H)"
    )]
    BadDuration(String),
    #[error(
        "{az} holds resources of {} accounts and an experiment template runs in one: add --account with one of {}",
        accounts.len(),
        accounts.join(", ")
    )]
    SeveralAccounts { az: String, accounts: Vec<String> },
    #[error("no account {0:?} in the estate (give its name or id)")]
    UnknownAccount(String),
    #[error(
        "the role is in account {role_account} but the experiment runs in account {account} ({name}): FIS needs a role of the account it runs in"
    )]
    RoleAccount {
        role_account: String,
        account: String,
        name: String,
    },
    #[error("nothing of the estate{scope} sits in {az}: there is nothing for FIS to interrupt")]
    Nothing { az: String, scope: String },
}

/// What to build a template for.
#[derive(Debug, Clone)]
pub struct FisRequest<'a> {
    pub az: Domain,
    /// The account to interrupt (name or id); needed when the AZ holds several.
    pub account: Option<&'a str>,
    /// Only the resources of these paths; every resource in the AZ when `None`.
    pub paths: Option<&'a [usize]>,
    pub role_arn: &'a str,
    pub duration: &'a str,
    pub stop_alarm: Option<&'a str>,
}

/// A `CreateExperimentTemplate` request, as `aws fis create-experiment-template
/// --cli-input-json file://…` reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Template {
    pub description: String,
    pub role_arn: String,
    pub stop_conditions: Vec<StopCondition>,
    pub targets: BTreeMap<String, Target>,
    pub actions: BTreeMap<String, Action>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StopCondition {
    pub source: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Target {
    pub resource_type: String,
    pub resource_arns: Vec<String>,
    pub selection_mode: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    pub action_id: String,
    pub description: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
    pub targets: BTreeMap<String, String>,
}

/// The template, what it interrupts, and the verdicts it should confirm.
#[derive(Debug, Clone)]
pub struct Experiment {
    pub template: Template,
    pub account: AccountIdx,
    /// Resources interrupted, per kind of action (`Stop-Instances`: 4).
    pub counts: Vec<(&'static str, usize)>,
    /// Single-AZ databases in the AZ: FIS cannot fail them over; the subnet disruption
    /// cuts them off.
    pub unfailable: Vec<ResIdx>,
    /// Resources in the AZ whose ARN the snapshot does not hold: left out.
    pub without_arn: Vec<ResIdx>,
    /// The prediction: the what-if of losing the AZ, for the paths of the account.
    pub verdict: Verdict,
    pub paths: Vec<usize>,
}

impl Experiment {
    /// `3 down, 5 degraded, 7 ok` over the predicted paths.
    pub fn summary(&self) -> String {
        let count = |s: Status| {
            (self.paths.iter())
                .filter(|&&p| self.verdict.paths[p].status == s)
                .count()
        };
        format!(
            "{} down, {} degraded, {} ok",
            count(Status::Down),
            count(Status::Degraded),
            count(Status::Ok)
        )
    }
}

/// One kind of interruption: the resources it takes, how FIS names them.
struct Kind {
    action: &'static str,
    action_id: &'static str,
    resource_type: &'static str,
    target_key: &'static str,
    description: &'static str,
}

const STOP_INSTANCES: Kind = Kind {
    action: "Stop-Instances",
    action_id: "aws:ec2:stop-instances",
    resource_type: "aws:ec2:instance",
    target_key: "Instances",
    description: "stop the AZ's instances for the interruption, then start them",
};
const PAUSE_ASG: Kind = Kind {
    action: "Pause-ASG-Scaling",
    action_id: "aws:ec2:asg-insufficient-instance-capacity-error",
    resource_type: "aws:ec2:autoscaling-group",
    target_key: "AutoScalingGroups",
    description: "Auto Scaling cannot launch into the AZ",
};
const DISRUPT_SUBNETS: Kind = Kind {
    action: "Pause-Network-Connectivity",
    action_id: "aws:network:disrupt-connectivity",
    resource_type: "aws:ec2:subnet",
    target_key: "Subnets",
    description: "cut the AZ's subnets off",
};
const FAILOVER_CLUSTERS: Kind = Kind {
    action: "Failover-DB-Clusters",
    action_id: "aws:rds:failover-db-cluster",
    resource_type: "aws:rds:cluster",
    target_key: "Clusters",
    description: "fail over clusters whose writer is in the AZ",
};
const FAILOVER_INSTANCES: Kind = Kind {
    action: "Failover-DB-Instances",
    action_id: "aws:rds:reboot-db-instances",
    resource_type: "aws:rds:db",
    target_key: "DBInstances",
    description: "reboot Multi-AZ instances whose primary is in the AZ, forcing a failover",
};
const INTERRUPT_CACHES: Kind = Kind {
    action: "Pause-ElastiCache",
    action_id: "aws:elasticache:replicationgroup-interrupt-az-power",
    resource_type: "aws:elasticache:replicationgroup",
    target_key: "ReplicationGroups",
    description: "interrupt the power of the AZ's cache nodes",
};

/// The experiment that interrupts `req.az`.
pub fn experiment(
    estate: &Estate,
    topo: &Topology,
    req: &FisRequest,
) -> Result<Experiment, FisError> {
    let az = match req.az {
        Domain::Az(az) => az,
        Domain::Region(r) => {
            return Err(FisError::NotAnAz {
                given: estate.region_name(r).to_string(),
                example: (estate.azs().iter())
                    .find(|a| a.region == r)
                    .map_or_else(|| "use1-az1".to_string(), |a| a.id.clone()),
            });
        }
    };
    check_role(req.role_arn)?;
    check_duration(req.duration)?;
    let az_id = estate.az_id(az).to_string();
    let scope = req.paths.map(|paths| scope_of(estate, topo, paths));
    let in_scope = |r: ResIdx| scope.as_ref().is_none_or(|s| s.contains(&r));
    let picked = pick(estate, az, &az_id, &in_scope);
    let account = choose_account(estate, &az_id, &picked, req.account, req.paths.is_some())?;
    let role_account = req.role_arn.split(':').nth(4).unwrap_or_default();
    if role_account != estate.account(account).id {
        return Err(FisError::RoleAccount {
            role_account: role_account.to_string(),
            account: estate.account(account).id.clone(),
            name: safe_text(&estate.account(account).name),
        });
    }
    let mine = |r: &ResIdx| estate.resource(*r).account == account;
    let region = estate.az(az).region;
    let partition = partition_of(estate, account);
    let acct_id = estate.account(account).id.clone();
    // EC2 ids make their ARNs; other kinds must carry theirs (a scan records them).
    let arn = |r: ResIdx, ec2_kind: Option<&str>| {
        let res = estate.resource(r);
        if res.id.starts_with("arn:") {
            Some(res.id.clone())
        } else {
            ec2_kind.map(|kind| {
                format!(
                    "arn:{partition}:ec2:{}:{acct_id}:{kind}/{}",
                    estate.region_name(region),
                    res.id
                )
            })
        }
    };
    let mut without_arn: Vec<ResIdx> = Vec::new();
    let duration = req.duration.to_string();
    let mut t = Builder::default();
    let mut list = |rs: &[ResIdx], ec2_kind: Option<&str>| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &r in rs.iter().filter(|r| mine(r)) {
            match arn(r, ec2_kind) {
                Some(a) => out.push(a),
                None => without_arn.push(r),
            }
        }
        out.sort();
        out.dedup();
        out
    };
    add_actions(&mut t, &mut list, &picked, &az_id, &duration);
    if t.targets.is_empty() {
        return Err(FisError::Nothing {
            az: az_id,
            scope: if req.paths.is_some() {
                " on the paths given".to_string()
            } else {
                String::new()
            },
        });
    }
    let lost = LostDomains::new(estate, &[req.az]);
    let verdict = what_if(topo, &lost);
    let paths: Vec<usize> = match req.paths {
        Some(p) => p.to_vec(),
        None => (0..topo.paths().len())
            .filter(|&p| topo.paths()[p].account == account)
            .collect(),
    };
    let account_name = estate.account(account).name.clone();
    let mut experiment = Experiment {
        template: Template {
            description: String::new(),
            role_arn: req.role_arn.to_string(),
            stop_conditions: vec![StopCondition {
                source: "aws:cloudwatch:alarm".to_string(),
                value: req.stop_alarm.map_or_else(
                    || {
                        format!(
                            "arn:{partition}:cloudwatch:{}:{acct_id}:alarm:{STOP_ALARM_PLACEHOLDER}",
                            estate.region_name(region)
                        )
                    },
                    str::to_string,
                ),
            }],
            targets: t.targets,
            actions: t.actions,
            tags: BTreeMap::new(),
        },
        account,
        counts: t.counts,
        unfailable: picked.single_az_dbs.into_iter().filter(|r| mine(r)).collect(),
        without_arn,
        verdict,
        paths,
    };
    let summary = experiment.summary();
    experiment.template.description = bounded(
        &format!(
            "blastmap: AZ power interruption of {az_id} in account {} for {}. Predicted by blastmap what-if: {summary}.",
            safe_text(&account_name),
            req.duration
        ),
        512,
    );
    experiment.template.tags = BTreeMap::from([
        ("blastmap:az".to_string(), az_id),
        ("blastmap:prediction".to_string(), bounded(&summary, 256)),
    ]);
    Ok(experiment)
}

/// The scenario's actions, in the order of the FIS "AZ Availability: Power
/// Interruption" scenario, each over the ARNs `list` gives for its resources.
fn add_actions(
    t: &mut Builder,
    list: &mut impl FnMut(&[ResIdx], Option<&str>) -> Vec<String>,
    picked: &Picked,
    az_id: &str,
    duration: &str,
) {
    let params = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    t.add(
        &STOP_INSTANCES,
        list(&picked.instances, Some("instance")),
        BTreeMap::new(),
        params(&[
            ("startInstancesAfterDuration", duration),
            ("completeIfInstancesTerminated", "true"),
        ]),
    );
    t.add(
        &PAUSE_ASG,
        list(&picked.asgs, None),
        BTreeMap::new(),
        params(&[
            ("availabilityZoneIdentifiers", az_id),
            ("duration", duration),
            ("percentage", "100"),
        ]),
    );
    t.add(
        &DISRUPT_SUBNETS,
        list(&picked.subnets, Some("subnet")),
        BTreeMap::new(),
        params(&[("duration", duration), ("scope", "all")]),
    );
    t.add(
        &FAILOVER_CLUSTERS,
        list(&picked.clusters, None),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    t.add(
        &FAILOVER_INSTANCES,
        list(&picked.multi_az_dbs, None),
        BTreeMap::new(),
        params(&[("forceFailover", "true")]),
    );
    t.add(
        &INTERRUPT_CACHES,
        list(&picked.caches, None),
        params(&[("availabilityZoneIdentifier", az_id)]),
        params(&[("duration", duration)]),
    );
}

#[derive(Default)]
struct Builder {
    targets: BTreeMap<String, Target>,
    actions: BTreeMap<String, Action>,
    counts: Vec<(&'static str, usize)>,
}

impl Builder {
    /// One target and one action per 5 ARNs (`Stop-Instances-1`, …).
    fn add(
        &mut self,
        kind: &Kind,
        arns: Vec<String>,
        target_params: BTreeMap<String, String>,
        action_params: BTreeMap<String, String>,
    ) {
        if arns.is_empty() {
            return;
        }
        self.counts.push((kind.action, arns.len()));
        for (i, chunk) in arns.chunks(ARNS_PER_TARGET).enumerate() {
            let name = format!("{}-{}", kind.action, i + 1);
            self.targets.insert(
                name.clone(),
                Target {
                    resource_type: kind.resource_type.to_string(),
                    resource_arns: chunk.to_vec(),
                    selection_mode: "ALL".to_string(),
                    parameters: target_params.clone(),
                },
            );
            self.actions.insert(
                name.clone(),
                Action {
                    action_id: kind.action_id.to_string(),
                    description: kind.description.to_string(),
                    parameters: action_params.clone(),
                    targets: BTreeMap::from([(kind.target_key.to_string(), name)]),
                },
            );
        }
    }
}

/// What sits in the AZ, by kind of interruption.
#[derive(Default)]
struct Picked {
    instances: Vec<ResIdx>,
    asgs: Vec<ResIdx>,
    subnets: Vec<ResIdx>,
    clusters: Vec<ResIdx>,
    multi_az_dbs: Vec<ResIdx>,
    single_az_dbs: Vec<ResIdx>,
    caches: Vec<ResIdx>,
}

impl Picked {
    fn all(&self) -> impl Iterator<Item = ResIdx> + '_ {
        (self.instances.iter())
            .chain(&self.asgs)
            .chain(&self.subnets)
            .chain(&self.clusters)
            .chain(&self.multi_az_dbs)
            .chain(&self.caches)
            .copied()
    }
}

fn pick(estate: &Estate, az: AzIdx, az_id: &str, in_scope: &dyn Fn(ResIdx) -> bool) -> Picked {
    let mut p = Picked::default();
    for (i, r) in estate.resources().iter().enumerate() {
        let idx = ResIdx(i as u32);
        if !in_scope(idx) {
            continue;
        }
        let here = r.az == Some(az);
        match &r.facts {
            Facts::Instance(f) if here && f.is_running() => p.instances.push(idx),
            Facts::Subnet(_) if here => p.subnets.push(idx),
            Facts::AutoScalingGroup(g) if g.azs.iter().any(|a| a == az_id) => p.asgs.push(idx),
            Facts::DbCluster(c) => {
                let writer_here = (c.members.iter())
                    .filter(|m| m.writer)
                    .filter_map(|m| estate.find(&m.instance))
                    .any(|m| estate.resource(m).az == Some(az));
                if writer_here {
                    p.clusters.push(idx);
                }
            }
            Facts::DbInstance(db) if here && db.cluster.is_none() => {
                if db.multi_az {
                    p.multi_az_dbs.push(idx);
                } else {
                    p.single_az_dbs.push(idx);
                }
            }
            Facts::CacheReplicationGroup(g)
                if g.shards
                    .iter()
                    .flat_map(|s| &s.members)
                    .any(|m| m.az == az_id) =>
            {
                p.caches.push(idx)
            }
            _ => {}
        }
    }
    p
}

/// Resources the paths use: their load balancers, target groups, targets and their
/// subnets, the groups that relaunch them, and what they depend on.
fn scope_of(estate: &Estate, topo: &Topology, paths: &[usize]) -> BTreeSet<ResIdx> {
    let mut out = BTreeSet::new();
    for &p in paths {
        let parts = topo.path_parts(p);
        out.extend([parts.lb, parts.tg]);
        out.extend(parts.recovery.iter().copied());
        for (inst, _) in estate.target_instances(parts.tg) {
            out.insert(inst);
            if let Facts::Instance(f) = &estate.resource(inst).facts
                && let Some(s) = f.subnet.as_deref().and_then(|s| estate.find(s))
            {
                out.insert(s);
            }
        }
        for dep in &parts.dependencies {
            out.insert(dep.via);
            if let Facts::DbCluster(c) = &estate.resource(dep.via).facts {
                out.extend(c.members.iter().filter_map(|m| estate.find(&m.instance)));
            }
        }
    }
    out
}

fn choose_account(
    estate: &Estate,
    az_id: &str,
    picked: &Picked,
    asked: Option<&str>,
    scoped: bool,
) -> Result<AccountIdx, FisError> {
    if let Some(name) = asked {
        return (0..estate.accounts().len())
            .map(|i| AccountIdx(i as u32))
            .find(|&a| {
                let acct = estate.account(a);
                acct.id == name || acct.name.eq_ignore_ascii_case(name)
            })
            .ok_or_else(|| FisError::UnknownAccount(name.to_string()));
    }
    let accounts: BTreeSet<AccountIdx> = picked.all().map(|r| estate.resource(r).account).collect();
    match accounts.len() {
        0 => Err(FisError::Nothing {
            az: az_id.to_string(),
            scope: if scoped {
                " on the paths given".to_string()
            } else {
                String::new()
            },
        }),
        1 => Ok(*accounts.first().expect("one account")),
        _ => Err(FisError::SeveralAccounts {
            az: az_id.to_string(),
            accounts: (accounts.iter())
                .map(|a| {
                    let acct = estate.account(*a);
                    format!("{} ({})", safe_text(&acct.name), acct.id)
                })
                .collect(),
        }),
    }
}

/// The ARN partition of an account's resources (`aws`, `aws-cn`, `aws-us-gov`).
fn partition_of(estate: &Estate, account: AccountIdx) -> String {
    (estate.resources().iter())
        .filter(|r| r.account == account)
        .find_map(|r| {
            let mut parts = r.id.split(':');
            (parts.next() == Some("arn"))
                .then(|| parts.next())
                .flatten()
        })
        .filter(|p| p.starts_with("aws"))
        .unwrap_or("aws")
        .to_string()
}

fn check_role(arn: &str) -> Result<(), FisError> {
    let bad = || FisError::BadRole(arn.to_string());
    let rest = arn.strip_prefix("arn:").ok_or_else(bad)?;
    let parts: Vec<&str> = rest.splitn(5, ':').collect();
    match parts[..] {
        [partition, "iam", "", account, resource]
            if partition.starts_with("aws")
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && resource.starts_with("role/")
                && resource.len() > 5
                && resource.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(())
        }
        _ => Err(bad()),
    }
}

/// `PT30M`, `PT1H`, `PT1H30M`: between one minute and twelve hours.
fn check_duration(d: &str) -> Result<(), FisError> {
    let bad = || FisError::BadDuration(d.to_string());
    let rest = d.strip_prefix("PT").ok_or_else(bad)?;
    let (mut minutes, mut num) = (0u64, String::new());
    let mut any = false;
    for c in rest.chars() {
        match c {
            '0'..='9' if num.len() < 4 => num.push(c),
            'H' | 'M' if !num.is_empty() => {
                let n: u64 = num.parse().map_err(|_| bad())?;
                minutes += if c == 'H' { n * 60 } else { n };
                num.clear();
                any = true;
            }
            _ => return Err(bad()),
        }
    }
    if !any || !num.is_empty() || !(1..=720).contains(&minutes) {
        return Err(bad());
    }
    Ok(())
}

/// Text safe in a template: no control characters.
fn safe_text(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

/// At most `max` characters, cut at a character boundary.
fn bounded(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601_minutes_and_hours_within_fis_limits() {
        for ok in ["PT30M", "PT1H", "PT1H30M", "PT12H", "PT1M"] {
            assert_eq!(check_duration(ok), Ok(()), "{ok}");
        }
        for bad in [
            "30m", "PT", "PT0M", "PT13H", "PT1S", "P1D", "PT30", "PT99999M", "",
        ] {
            assert!(check_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_are_iam_role_arns() {
        assert!(check_role("arn:aws:iam::111111111111:role/fis-az").is_ok());
        assert!(check_role("arn:aws-us-gov:iam::111111111111:role/path/fis").is_ok());
        for bad in [
            "fis-role",
            "arn:aws:iam::1111:role/x",
            "arn:aws:iam::111111111111:user/x",
            "arn:aws:iam::111111111111:role/",
            "arn:aws:s3:::bucket",
        ] {
            assert!(check_role(bad).is_err(), "{bad}");
        }
    }
}
