//! Live discovery: reads AWS accounts and Regions, read-only, into an estate.
//!
//! Every account × Region × service runs at once on tokio, with a bound on the
//! requests in flight; calls that depend on an answer (target health per target
//! group, attributes per load balancer, rules per listener, ECS services and tasks
//! per cluster, EKS node groups per cluster, DynamoDB tables) start as soon as it
//! arrives. What cannot be read is recorded as coverage, never as "no resources".
//! Dropping the future returned by [`scan`] cancels every call it started.

mod autoscaling;
mod call;
pub mod clients;
mod dynamodb;
mod ec2;
mod ecs;
mod eks;
mod elasticache;
mod elbv2;
mod error;
mod lambda;
pub mod log;
mod rds;
pub mod readonly;
mod region;
pub mod snapshots;
pub mod sts;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{Duration, Instant};

use aws_types::SdkConfig;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinSet;

pub use call::CallFailure;
pub use error::{DiscoverError, EXIT_BAD_INPUT, EXIT_NOTHING_READ};
pub use region::REGIONAL_SERVICES;

use blastmap_core::model::{Coverage, CoverageStatus, Estate, EstateBuilder, Kind, Meta, Service};
use blastmap_core::overlay;
use call::Caller;
use readonly::ReadOnly;
use region::{RegionRead, ScanContext};
use sts::{CallPolicy, Source};

/// Requests in flight at once unless told otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 32;
/// One attempt's time limit unless told otherwise.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(20);
/// Attempts per call (adaptive retry mode) unless told otherwise.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;

/// Where `--all-regions` asks STS and `DescribeRegions` when no Region is configured.
const ALL_REGIONS_HOME: &str = "us-east-1";

/// What to scan, and how hard.
#[derive(Debug, Clone)]
pub struct ScanConfig {
    /// Named profiles, one account each; none means the default credential chain.
    pub profiles: Vec<String>,
    /// Roles assumed from the first profile's credentials, one account each.
    pub role_arns: Vec<String>,
    /// Regions to read; none means each account's configured default Region.
    pub regions: Vec<String>,
    /// Every Region each account has enabled (EC2 `DescribeRegions`).
    pub all_regions: bool,
    /// A TOML overlay of declarations (`docs/overlay.md`).
    pub overlay: Option<PathBuf>,
    /// Requests in flight at once.
    pub max_in_flight: usize,
    /// One attempt's time limit.
    pub call_timeout: Duration,
    /// Attempts per call, with adaptive backoff between them.
    pub max_attempts: u32,
}

impl Default for ScanConfig {
    fn default() -> Self {
        ScanConfig {
            profiles: Vec::new(),
            role_arns: Vec::new(),
            regions: Vec::new(),
            all_regions: false,
            overlay: None,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// Progress of a scan, for a progress bar or screen.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanEvent {
    /// One (account, Region, service) unit changed state.
    Unit {
        account: String,
        region: String,
        service: Service,
        state: UnitState,
    },
    /// A free-text note (e.g. "assuming role …").
    Note(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitState {
    Pending,
    Running,
    /// Read (`Ok`), or a coverage gap of this status.
    Done(CoverageStatus),
    /// Not read, for a reason plainer than its coverage status.
    Failed(UnitFailure),
}

impl UnitState {
    /// Finished, read or not.
    pub fn is_done(self) -> bool {
        matches!(self, UnitState::Done(_) | UnitState::Failed(_))
    }

    /// Finished and read.
    pub fn is_read(self) -> bool {
        self == UnitState::Done(CoverageStatus::Ok)
    }
}

/// Why a unit was not read, where its coverage status alone would mislead: missing
/// credentials are recorded as `denied`, an unreachable endpoint as `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitFailure {
    NoCredentials,
    CredentialsRejected,
    CredentialsExpired,
    /// AWS never answered (DNS, connection, time limit).
    Unreachable,
}

impl UnitFailure {
    /// A few words for progress displays.
    pub fn label(self) -> &'static str {
        match self {
            UnitFailure::NoCredentials => "no credentials",
            UnitFailure::CredentialsRejected => "credentials rejected",
            UnitFailure::CredentialsExpired => "credentials expired",
            UnitFailure::Unreachable => "unreachable",
        }
    }

    /// The failure a scan-ending problem stands for, if it is one of these.
    fn of(problem: &DiscoverError) -> Option<UnitFailure> {
        match problem {
            DiscoverError::NoCredentials { .. } => Some(UnitFailure::NoCredentials),
            DiscoverError::BadCredentials { .. } => Some(UnitFailure::CredentialsRejected),
            DiscoverError::ExpiredSso { .. } | DiscoverError::ExpiredCredentials { .. } => {
                Some(UnitFailure::CredentialsExpired)
            }
            DiscoverError::Unreachable { .. } => Some(UnitFailure::Unreachable),
            _ => None,
        }
    }
}

/// A finished scan.
#[derive(Debug)]
pub struct ScanOutcome {
    pub estate: Estate,
    /// Requests sent (each page counts once).
    pub api_calls: u64,
    pub elapsed: Duration,
}

/// An account the scan could read as, or why it could not.
struct AccountRead {
    source: Source,
    /// The account id, when known.
    id: Option<String>,
    name: String,
    regions: Vec<RegionRead>,
    /// The STS unit (identity or role) of this account.
    sts: Coverage,
    /// Set when the credentials themselves failed.
    problem: Option<DiscoverError>,
}

/// Scans every account and Region of `config` into an estate.
pub async fn scan(
    config: ScanConfig,
    events: UnboundedSender<ScanEvent>,
) -> Result<ScanOutcome, DiscoverError> {
    let started = Instant::now();
    let overlay = match &config.overlay {
        Some(path) => overlay::load(path)?,
        None => overlay::Overlay::default(),
    };
    for arn in &config.role_arns {
        let source = Source::Role(arn.clone());
        if !arn.starts_with("arn:") || !arn.contains(":role/") || source.role_account().is_none() {
            return Err(DiscoverError::BadRoleArn { arn: arn.clone() });
        }
    }
    let profiles = sts::Profiles::load().await;
    for p in &config.profiles {
        profiles.check(p)?;
    }
    let calls = Arc::new(AtomicU64::new(0));
    let ctx = Arc::new(ScanContext {
        caller: Arc::new(Caller::new(config.max_in_flight, calls.clone())),
        guard: ReadOnly::new(calls),
        events,
    });
    let policy = CallPolicy {
        call_timeout: config.call_timeout,
        max_attempts: config.max_attempts,
    };

    let mut sources: Vec<Source> = if config.profiles.is_empty() {
        vec![Source::Profile(None)]
    } else {
        config
            .profiles
            .iter()
            .map(|p| Source::Profile(Some(p.clone())))
            .collect()
    };
    let mut base_configs: Vec<SdkConfig> = Vec::new();
    for s in &sources {
        let profile = match s {
            Source::Profile(p) => p.as_deref(),
            Source::Role(_) => None,
        };
        base_configs.push(sts::load_config(profile, policy).await);
    }
    let home = config
        .regions
        .first()
        .cloned()
        .or_else(|| base_configs[0].region().map(|r| r.to_string()))
        // --all-regions needs some Region to ask; every account has this one.
        .or_else(|| config.all_regions.then(|| ALL_REGIONS_HOME.to_string()))
        .ok_or(DiscoverError::NoRegion)?;
    // Roles are assumed with the first source's credentials.
    for arn in &config.role_arns {
        sources.push(Source::Role(arn.clone()));
        base_configs.push(base_configs[0].clone());
    }

    let plan = Arc::new(Plan {
        regions: config.regions.clone(),
        all_regions: config.all_regions,
        home,
        overlay_names: overlay.account_names.clone(),
    });
    let mut accounts: JoinSet<(usize, AccountRead)> = JoinSet::new();
    for (i, (source, base)) in sources.into_iter().zip(base_configs).enumerate() {
        let sso = match &source {
            Source::Profile(p) => profiles.is_sso(p.as_deref()),
            Source::Role(_) => false,
        };
        let (ctx, plan) = (ctx.clone(), plan.clone());
        accounts.spawn(async move { (i, read_account(ctx, plan, source, base, sso).await) });
    }
    let mut reads: Vec<(usize, AccountRead)> = Vec::new();
    while let Some(joined) = accounts.join_next().await {
        match joined {
            Ok(read) => reads.push(read),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    reads.sort_by_key(|(i, _)| *i);
    let reads: Vec<AccountRead> = reads.into_iter().map(|(_, r)| r).collect();
    let estate = assemble(reads, &overlay, &ctx)?;
    Ok(ScanOutcome {
        estate,
        api_calls: ctx.caller.calls(),
        elapsed: started.elapsed(),
    })
}

/// What every account task needs to know about the scan.
struct Plan {
    regions: Vec<String>,
    all_regions: bool,
    /// The Region STS and `DescribeRegions` are asked in.
    home: String,
    overlay_names: std::collections::BTreeMap<String, String>,
}

/// Finds out who a source is, then reads each of its Regions at once.
async fn read_account(
    ctx: Arc<ScanContext>,
    plan: Arc<Plan>,
    source: Source,
    base: SdkConfig,
    sso: bool,
) -> AccountRead {
    let label = source
        .profile_name()
        .or_else(|| source.role_account().map(str::to_string))
        .unwrap_or_else(|| "default".to_string());
    let home = base
        .region()
        .map(|r| r.to_string())
        .filter(|_| plan.regions.is_empty())
        .unwrap_or_else(|| plan.home.clone());
    ctx.unit(&label, &home, Service::Sts, UnitState::Running);
    // Read now: `base` moves into the identity when it is found.
    let sts_target = match sts::sts_endpoint_override(&base) {
        Some(url) => format!("AWS STS at {url}"),
        None => format!("AWS STS in {home}"),
    };
    let identity = match &source {
        Source::Profile(_) => sts::identify(&ctx.caller, &ctx.guard, &base, &label, &home)
            .await
            .map(|id| (id, base)),
        Source::Role(arn) => {
            ctx.note(format!("assuming role {arn}"));
            let account = source.role_account().unwrap_or_default().to_string();
            sts::assume(&ctx.caller, &ctx.guard, &base, &home, arn)
                .await
                .map(|config| (account, config))
        }
    };
    let (id, config) = match identity {
        Ok(found) => found,
        Err(failure) => {
            let problem = sts::credential_problem(&source, sso, &failure).or_else(|| {
                let cause = failure.unreachable.clone()?;
                Some(DiscoverError::Unreachable {
                    target: sts_target,
                    cause,
                })
            });
            // Credential problems are recorded as denied, with the sentence that says
            // what to do; an unreachable endpoint stays an error, with the short cause.
            let (status, message) = match &problem {
                Some(DiscoverError::Unreachable { .. }) | None => {
                    (failure.status, failure.describe())
                }
                Some(p) => (CoverageStatus::Denied, p.to_string()),
            };
            let state = match problem.as_ref().and_then(UnitFailure::of) {
                Some(f) => UnitState::Failed(f),
                None => UnitState::Done(status),
            };
            ctx.unit(&label, &home, Service::Sts, state);
            return AccountRead {
                id: source.role_account().map(str::to_string),
                name: label.clone(),
                regions: Vec::new(),
                sts: Coverage {
                    account: source.role_account().unwrap_or(&label).to_string(),
                    region: home,
                    service: Service::Sts,
                    status,
                    message: Some(message),
                },
                source,
                problem,
            };
        }
    };
    ctx.unit(
        &label,
        &home,
        Service::Sts,
        UnitState::Done(CoverageStatus::Ok),
    );
    let name = plan
        .overlay_names
        .get(&id)
        .cloned()
        .or_else(|| source.profile_name())
        .unwrap_or_else(|| id.clone());
    let regions = if plan.all_regions {
        match sts::enabled_regions(&ctx.caller, &ctx.guard, &config, &id, &home).await {
            Ok(regions) => regions,
            Err(f) => {
                ctx.note(format!(
                    "cannot list the Regions of {name} ({}): reading {home} only",
                    f.describe()
                ));
                vec![home.clone()]
            }
        }
    } else if plan.regions.is_empty() {
        vec![home.clone()]
    } else {
        plan.regions.clone()
    };
    for region in &regions {
        for service in REGIONAL_SERVICES {
            ctx.unit(&name, region, service, UnitState::Pending);
        }
    }
    let mut tasks: JoinSet<RegionRead> = JoinSet::new();
    for region in regions {
        tasks.spawn(region::read(
            ctx.clone(),
            config.clone(),
            id.clone(),
            name.clone(),
            region,
        ));
    }
    let mut reads = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(read) => reads.push(read),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => {}
        }
    }
    reads.sort_by(|a, b| a.region.cmp(&b.region));
    AccountRead {
        id: Some(id.clone()),
        name,
        regions: reads,
        sts: Coverage {
            account: id,
            region: home,
            service: Service::Sts,
            status: CoverageStatus::Ok,
            message: None,
        },
        source,
        problem: None,
    }
}

/// Builds the estate from every account's reads, with the overlay's declarations.
fn assemble(
    reads: Vec<AccountRead>,
    overlay: &overlay::Overlay,
    ctx: &ScanContext,
) -> Result<Estate, DiscoverError> {
    let mut b = EstateBuilder::new(Meta {
        source: "scan".to_string(),
        captured_at: time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .ok(),
        description: None,
    });
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut added: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut shared = 0usize;
    let mut problems: Vec<DiscoverError> = Vec::new();
    let mut coverage: Vec<Coverage> = Vec::new();
    let mut found_any = false;
    let mut scanned: Vec<String> = Vec::new();
    for read in reads {
        coverage.push(read.sts.clone());
        if let Some(problem) = read.problem {
            problems.push(problem);
            continue;
        }
        let Some(id) = read.id else { continue };
        if read.regions.is_empty() {
            continue;
        }
        // Two sources can reach one account: read it once.
        if !seen.insert(id.clone()) {
            ctx.note(format!(
                "{} reaches account {id} again: its second read is left out",
                read.source.describe()
            ));
            continue;
        }
        let account = b.account(&id, &read.name);
        scanned.push(format!(
            "{} in {}",
            read.name,
            read.regions
                .iter()
                .map(|r| r.region.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for region in read.regions {
            for (zone_name, zone_id) in &region.zones {
                b.az_name(account, &region.region, zone_name, zone_id)?;
            }
            coverage.extend(region.coverage);
            for f in region.found {
                found_any = true;
                // A VPC or subnet shared through RAM is seen by its owner and by every
                // participant: the same resource, kept once (the first account read).
                if !added.insert(f.id.clone()) {
                    shared += 1;
                    continue;
                }
                let idx = b.add(
                    &f.id,
                    f.name.as_deref().unwrap_or(&f.id),
                    &id,
                    &region.region,
                    f.az.as_deref(),
                    f.facts,
                )?;
                for (k, v) in &f.tags {
                    b.tag(idx, k, v);
                }
            }
        }
    }
    if shared > 0 {
        ctx.note(format!(
            "{} (VPCs or subnets shared between accounts) {} seen by more than one account: \
             kept once",
            blastmap_core::text::count(shared, "resource", "resources"),
            blastmap_core::text::verb(shared, "was", "were")
        ));
    }
    let read_something = coverage
        .iter()
        .any(|c| c.status == CoverageStatus::Ok && c.service != Service::Sts);
    if !read_something {
        if let Some(problem) = problems.into_iter().next() {
            return Err(problem);
        }
        let gaps: Vec<String> = coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Ok)
            .map(|c| {
                format!(
                    "{} {} {}: {}",
                    c.account,
                    c.region,
                    c.service.name(),
                    c.message.as_deref().unwrap_or("failed")
                )
            })
            .collect();
        let failed = || coverage.iter().filter(|c| c.status != CoverageStatus::Ok);
        // Permissions advice only where AWS said "denied".
        let advice = if failed().any(|c| c.status == CoverageStatus::Denied) {
            "check the credentials' permissions (assets/iam-policy.json) and the Regions, \
             then scan again"
        } else if failed().count() > 0 && failed().all(|c| c.status == CoverageStatus::Throttled) {
            "AWS throttled every call: scan again later, or with a lower --max-requests"
        } else {
            "check the Regions, the network and any proxy or AWS_ENDPOINT_URL, then scan again"
        };
        return Err(DiscoverError::NothingRead {
            gaps: if gaps.is_empty() {
                "no account was reachable".to_string()
            } else {
                gaps.join("; ")
            },
            advice,
        });
    }
    // Other accounts were read: a source whose credentials failed is a gap, said once.
    for problem in problems {
        ctx.note(problem.to_string());
    }
    if !found_any {
        return Err(DiscoverError::NoResources {
            scanned: scanned.join("; "),
        });
    }
    for c in coverage {
        b.coverage(c);
    }
    // AWS changes while it is read (an instance launched between two calls): such a
    // reference is dropped with a note rather than failing the whole scan.
    for missing in b.missing_references() {
        if b.drop_reference(&missing) {
            ctx.note(format!(
                "{missing}: the target was not seen by the scan (it changed while being read); \
                 reference left out"
            ));
        }
    }
    let (declared, notes) = {
        let mut names = overlay::Names::new(b.resources_named());
        let mut declared = overlay.resolve(&mut names);
        let tagged = overlay::from_tags(b.resources_tagged(), &mut names);
        overlay::merge(&mut declared, tagged);
        let mut notes = names.notes;
        let kinds: foldhash::HashMap<&str, Kind> = b.resources_kinds().collect();
        notes.extend(declared.retain_declarable(|id| kinds.get(id).copied()));
        (declared, notes)
    };
    for n in notes {
        ctx.note(n);
    }
    b.declared(declared);
    Ok(b.build()?)
}
