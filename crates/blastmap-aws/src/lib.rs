//! Live discovery: reads AWS accounts and Regions, read-only, into an estate.
//!
//! Every account × Region × service runs at once on tokio, each (account, Region,
//! service) within limits shaped like AWS's own and the whole scan within a global cap
//! that serves the calls others wait on first (`schedule.rs`); calls that depend on an
//! answer (target health per target group, attributes per load balancer, rules per
//! listener, ECS services and tasks per cluster, EKS node groups per cluster, DynamoDB
//! tables) start as soon as it arrives. With `--organization`, the accounts come from
//! AWS Organizations, each scanned as its list page arrives. Each account joins the
//! estate as soon as it is read, and what the SDK answered is dropped with it. What
//! cannot be read is recorded as coverage, never as "no resources". Dropping the future
//! returned by [`scan`] cancels every call it started.

mod arczonalshift;
mod autoscaling;
mod backup;
mod call;
pub mod clients;
mod cloudfront;
mod dynamodb;
mod ec2;
mod ecs;
mod eks;
mod elasticache;
mod elbv2;
mod error;
mod globalaccelerator;
pub mod health;
mod lambda;
pub mod log;
pub mod org;
mod rds;
pub mod readonly;
mod region;
mod route53;
pub mod schedule;
pub mod snapshots;
pub mod sts;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use aws_types::SdkConfig;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinSet;

pub use call::CallFailure;
pub use error::{DiscoverError, EXIT_BAD_INPUT, EXIT_NOTHING_READ};
pub use org::DEFAULT_ORG_ROLE;
pub use region::{GLOBAL_SERVICES, REGIONAL_SERVICES};

use blastmap_core::model::{Coverage, CoverageStatus, Estate, EstateBuilder, Kind, Meta, Service};
use blastmap_core::overlay;
use call::Scheduler;
use org::OrgAccount;
use readonly::{ReadOnly, Tally};
use region::{RegionRead, ScanContext};
use sts::{CallPolicy, Source};

/// Requests in flight at once, over the whole scan, unless told otherwise: enough to
/// keep a few hundred accounts busy at a ~100 ms round trip (about 2,500 calls a
/// second), few enough sockets and TLS sessions for one machine.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;
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
    /// Every ACTIVE account of the AWS Organization the first profile administers.
    pub organization: Option<OrgScan>,
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
            organization: None,
            regions: Vec::new(),
            all_regions: false,
            overlay: None,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

/// Which accounts of an AWS Organization to scan, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgScan {
    /// The role assumed in each member account (a name, or a path and name).
    pub role: String,
    /// Only these organizational units (or roots), and every OU below them.
    pub ous: Vec<String>,
    /// Accounts left out.
    pub exclude: Vec<String>,
}

impl Default for OrgScan {
    fn default() -> Self {
        OrgScan {
            role: DEFAULT_ORG_ROLE.to_string(),
            ous: Vec::new(),
            exclude: Vec::new(),
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
    /// The whole scan in numbers, a few times a second and once at the end.
    Progress(ScanCounts),
}

/// How far a scan has come: what one summary line needs, at any number of accounts.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ScanCounts {
    /// Accounts to scan, as far as known.
    pub accounts: usize,
    /// Whether every account to scan is known (the organization is listed).
    pub accounts_known: bool,
    /// Accounts whose Regions are known (their units are counted).
    pub accounts_started: usize,
    pub accounts_done: usize,
    /// Account/Region/service units known so far, and finished.
    pub units: usize,
    pub units_done: usize,
    /// Finished units that could not be read.
    pub gaps: usize,
    pub calls: u64,
    pub retries: u64,
    pub throttled: u64,
    pub elapsed: Duration,
}

impl ScanCounts {
    /// Calls a second, on average so far.
    pub fn calls_per_second(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.calls as f64 / secs
        } else {
            0.0
        }
    }

    /// Time left at the pace so far: units not done, where accounts not started yet
    /// count as many units as the started ones had on average. `None` until there is
    /// a pace to go by.
    pub fn eta(&self) -> Option<Duration> {
        if self.units_done == 0 || self.accounts_started == 0 {
            return None;
        }
        let per_account = self.units as f64 / self.accounts_started as f64;
        let unstarted = self.accounts.saturating_sub(self.accounts_started) as f64;
        let total = self.units as f64 + unstarted * per_account;
        let left = (total - self.units_done as f64).max(0.0);
        let secs = self.elapsed.as_secs_f64() * left / self.units_done as f64;
        Some(Duration::from_secs_f64(secs))
    }
}

/// The counters behind [`ScanCounts`], updated as units change state.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    accounts: AtomicUsize,
    accounts_known: AtomicBool,
    accounts_started: AtomicUsize,
    accounts_done: AtomicUsize,
    units: AtomicUsize,
    units_done: AtomicUsize,
    gaps: AtomicUsize,
}

impl Counters {
    pub(crate) fn on_unit(&self, state: UnitState) {
        match state {
            UnitState::Pending => {
                self.units.fetch_add(1, Ordering::Relaxed);
            }
            UnitState::Running => {}
            done => {
                self.units_done.fetch_add(1, Ordering::Relaxed);
                if !done.is_read() {
                    self.gaps.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }

    fn snapshot(&self, tally: &Tally, elapsed: Duration) -> ScanCounts {
        let get = |c: &AtomicUsize| c.load(Ordering::Relaxed);
        ScanCounts {
            accounts: get(&self.accounts),
            accounts_known: self.accounts_known.load(Ordering::Relaxed),
            accounts_started: get(&self.accounts_started),
            accounts_done: get(&self.accounts_done),
            units: get(&self.units),
            units_done: get(&self.units_done),
            gaps: get(&self.gaps),
            calls: tally.calls(),
            retries: tally.retries(),
            throttled: tally.throttled(),
            elapsed,
        }
    }
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
    /// Attempts beyond the first of each request (the SDK's retries).
    pub retries: u64,
    /// Attempts AWS answered with a throttling error.
    pub throttled: u64,
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
    if let Some(org) = &config.organization {
        check_org(org)?;
    }
    let profiles = sts::Profiles::load().await;
    for p in &config.profiles {
        profiles.check(p)?;
    }
    let tally = Arc::new(Tally::default());
    let scheduler = Scheduler::new(config.max_in_flight, tally.clone());
    let ctx = Arc::new(ScanContext {
        // Every STS call of the scan is made with the scanning credentials' quota.
        sts: scheduler.unit(Service::Sts.name()),
        scheduler,
        guard: ReadOnly::new(tally),
        events,
        counters: Counters::default(),
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
    let ticker = Ticker::start(ctx.clone(), started);
    let mut scans = AccountScans::new(ctx.clone(), plan.clone());
    let mut targets: Vec<Target> = Vec::new();
    for (i, (source, base)) in sources.into_iter().zip(base_configs).enumerate() {
        let sso = match &source {
            Source::Profile(p) => profiles.is_sso(p.as_deref()),
            Source::Role(_) => false,
        };
        targets.push(Target {
            source,
            base,
            sso,
            known_id: None,
            org_name: None,
            lister: i == 0 && config.organization.is_some(),
        });
    }
    let mut assembly = Assembly::new(ctx.clone());
    match &config.organization {
        None => {
            for t in targets {
                scans.spawn(t);
            }
        }
        Some(org) => {
            // The first source lists the organization; explicit roles and other profiles
            // are read as given, and an account among them is left to them.
            let mut targets = targets.into_iter();
            let lister = targets.next();
            for t in targets {
                scans.spawn(t);
            }
            if let Some(lister) = lister {
                scan_organization(&ctx, &plan, org, lister, &mut scans, &mut assembly).await?;
            }
        }
    }
    ctx.counters.accounts_known.store(true, Ordering::Relaxed);
    while let Some(read) = scans.next().await {
        assembly.add(read)?;
    }
    let estate = assembly.finish(&overlay)?;
    drop(ticker);
    let tally = ctx.guard.tally();
    let _ = ctx.events.send(ScanEvent::Progress(
        ctx.counters.snapshot(tally, started.elapsed()),
    ));
    Ok(ScanOutcome {
        estate,
        api_calls: tally.calls(),
        retries: tally.retries(),
        throttled: tally.throttled(),
        elapsed: started.elapsed(),
    })
}

/// Refuses organization flags that cannot be right, before anything is sent.
fn check_org(org: &OrgScan) -> Result<(), DiscoverError> {
    let bad = |flag: &'static str, value: &str, expected: &'static str| {
        Err(DiscoverError::BadOrgFlag {
            flag,
            value: value.to_string(),
            expected,
        })
    };
    let role_ok = !org.role.is_empty()
        && org.role.len() <= 512
        && org.role.split('/').all(|part| {
            !part.is_empty()
                && part.len() <= 64
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
        });
    if !role_ok {
        return bad(
            "--org-role",
            &org.role,
            "an IAM role name such as blastmap-read (letters, digits and +=,.@_-)",
        );
    }
    for ou in &org.ous {
        let id_ok = |prefix: &str, parts: usize| {
            ou.strip_prefix(prefix).is_some_and(|rest| {
                let p: Vec<&str> = rest.split('-').collect();
                p.len() == parts
                    && p.iter().all(|x| {
                        !x.is_empty()
                            && x.chars()
                                .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
                    })
            })
        };
        if !id_ok("ou-", 2) && !id_ok("r-", 1) {
            return bad(
                "--ou",
                ou,
                "an organizational unit id (ou-ab12-cd34ef56) or a root id (r-ab12)",
            );
        }
    }
    for a in &org.exclude {
        if a.len() != 12 || !a.chars().all(|c| c.is_ascii_digit()) {
            return bad("--exclude-account", a, "a 12-digit account id");
        }
    }
    Ok(())
}

/// Lists the organization with the lister's credentials and starts each ACTIVE account's
/// scan as its page arrives: assumed through `org.role`, or, for the lister's own
/// account, read with the lister's own credentials (a role deployed by a StackSet does
/// not reach the management account).
async fn scan_organization(
    ctx: &Arc<ScanContext>,
    plan: &Plan,
    org: &OrgScan,
    lister: Target,
    scans: &mut AccountScans,
    assembly: &mut Assembly,
) -> Result<(), DiscoverError> {
    let who = lister.source.describe();
    let org_region = org::home_region(&plan.home).to_string();
    let client = clients::organizations(&lister.base, "organization", &org_region, &ctx.guard);
    let (found_tx, mut found) = unbounded_channel();
    let listing = tokio::spawn(org::list(
        ctx.scheduler.unit(schedule::ORGANIZATIONS),
        client,
        org.ous.clone(),
        found_tx,
    ));
    // Abort the listing if this scan is dropped or ends early.
    let mut listing = AbortOnDrop(listing);
    let sts_target = match sts::sts_endpoint_override(&lister.base) {
        Some(url) => format!("AWS STS at {url}"),
        None => format!("AWS STS in {}", plan.home),
    };
    let own = match sts::identify(
        &ctx.sts,
        &ctx.guard,
        &lister.base,
        "organization",
        &plan.home,
    )
    .await
    {
        Ok(id) => id,
        Err(failure) => {
            return Err(identity_problem(&lister, &failure, sts_target));
        }
    };
    let mut seen: HashSet<String> = scans.role_accounts.clone();
    let mut excluded_seen: BTreeSet<String> = BTreeSet::new();
    let mut inactive: Vec<String> = Vec::new();
    let mut listed = 0usize;
    while let Some(account) = found.recv().await {
        let OrgAccount {
            id, name, active, ..
        } = &account;
        if org.exclude.contains(id) {
            excluded_seen.insert(id.clone());
            continue;
        }
        if !seen.insert(id.clone()) {
            continue;
        }
        listed += 1;
        if !active {
            inactive.push(format!("{name} ({id})"));
            continue;
        }
        let target = if *id == own {
            Target {
                known_id: Some(own.clone()),
                org_name: Some(name.clone()),
                lister: false,
                source: lister.source.clone(),
                base: lister.base.clone(),
                sso: lister.sso,
            }
        } else {
            Target {
                source: Source::Role(account.role_arn(&org.role)),
                base: lister.base.clone(),
                sso: false,
                known_id: Some(id.clone()),
                org_name: Some(name.clone()),
                lister: false,
            }
        };
        scans.spawn(target);
        // Accounts read meanwhile join the estate now, not at the end.
        while let Some(read) = scans.ready() {
            assembly.add(read)?;
        }
    }
    let outcome = match (&mut listing.0).await {
        Ok(outcome) => outcome,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(CallFailure::unplaced(
            "ListAccounts",
            format!("the listing task failed: {e}"),
        )),
    };
    if let Err(failure) = outcome {
        return Err(org_problem(&who, org, &failure));
    }
    if !inactive.is_empty() {
        ctx.note(format!(
            "{} of the organization {} not ACTIVE and {} not read: {}",
            blastmap_core::text::count(inactive.len(), "account", "accounts"),
            blastmap_core::text::verb(inactive.len(), "is", "are"),
            blastmap_core::text::verb(inactive.len(), "was", "were"),
            inactive.join(", ")
        ));
    }
    for x in &org.exclude {
        if !excluded_seen.contains(x) {
            ctx.note(format!(
                "--exclude-account {x}: no such account in the organization{}",
                if org.ous.is_empty() {
                    ""
                } else {
                    " (under the OUs given)"
                }
            ));
        }
    }
    if listed == inactive.len() && scans.is_empty() {
        return Err(DiscoverError::EmptyOrganization {
            scope: if org.ous.is_empty() {
                "the organization".to_string()
            } else {
                format!("the OUs {}", org.ous.join(", "))
            },
        });
    }
    Ok(())
}

/// What to tell the user when the organization cannot be listed.
fn org_problem(who: &str, org: &OrgScan, failure: &CallFailure) -> DiscoverError {
    let code = failure.code.as_deref().unwrap_or("");
    let advice = match code {
        "ParentNotFoundException" | "InvalidInputException" => {
            return DiscoverError::UnknownOu {
                ous: org.ous.join(", "),
                detail: failure.describe(),
            };
        }
        "AWSOrganizationsNotInUseException" => {
            "the account is not in an organization: scan its accounts with --profile or --role-arn"
        }
        "AccessDeniedException" | "AccessDenied" => {
            "list from the management account, or from a delegated administrator \
             (docs/discovery.md), with organizations:ListAccounts in its policy"
        }
        _ if failure.status == CoverageStatus::Throttled => {
            "Organizations throttled the listing after every retry: scan again in a minute"
        }
        _ => "check the network and the credentials, then scan again",
    };
    DiscoverError::OrganizationUnlisted {
        who: who.to_string(),
        detail: failure.describe(),
        advice,
    }
}

/// The error a source's failed identity stands for, when it ends the scan.
fn identity_problem(target: &Target, failure: &CallFailure, sts_target: String) -> DiscoverError {
    if let Some(p) = sts::credential_problem(&target.source, target.sso, failure) {
        return p;
    }
    if let Some(cause) = failure.unreachable.clone() {
        return DiscoverError::Unreachable {
            target: sts_target,
            cause,
        };
    }
    DiscoverError::NothingRead {
        gaps: format!("{}: {}", target.source.describe(), failure.describe()),
        advice: "check the credentials' permissions (sts:GetCallerIdentity), then scan again",
    }
}

/// Aborts a spawned task when dropped.
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Sends [`ScanEvent::Progress`] a few times a second while the scan runs (until dropped).
struct Ticker(#[allow(dead_code)] AbortOnDrop<()>);

impl Ticker {
    fn start(ctx: Arc<ScanContext>, started: Instant) -> Ticker {
        Ticker(AbortOnDrop(tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_millis(250));
            loop {
                every.tick().await;
                let counts = ctx.counters.snapshot(ctx.guard.tally(), started.elapsed());
                if ctx.events.send(ScanEvent::Progress(counts)).is_err() {
                    return;
                }
            }
        })))
    }
}

/// An account to read: its credentials, and what is known of it already.
struct Target {
    source: Source,
    base: SdkConfig,
    sso: bool,
    /// The account id, when known before asking STS (an organization's member).
    known_id: Option<String>,
    /// The name the organization gives the account.
    org_name: Option<String>,
    /// The source that lists the organization: not an account of its own.
    lister: bool,
}

/// The account scans under way, handed back in the order they were started.
struct AccountScans {
    ctx: Arc<ScanContext>,
    plan: Arc<Plan>,
    tasks: JoinSet<(usize, AccountRead)>,
    /// Finished reads waiting for an earlier one, so the estate's order is the start order.
    done: BTreeMap<usize, AccountRead>,
    next_spawn: usize,
    next_out: usize,
    /// Accounts named by role ARNs: the organization leaves them to those.
    role_accounts: HashSet<String>,
}

impl AccountScans {
    fn new(ctx: Arc<ScanContext>, plan: Arc<Plan>) -> AccountScans {
        AccountScans {
            ctx,
            plan,
            tasks: JoinSet::new(),
            done: BTreeMap::new(),
            next_spawn: 0,
            next_out: 0,
            role_accounts: HashSet::new(),
        }
    }

    fn spawn(&mut self, target: Target) {
        if target.lister {
            return;
        }
        if let Source::Role(_) = &target.source
            && target.known_id.is_none()
            && let Some(a) = target.source.role_account()
        {
            self.role_accounts.insert(a.to_string());
        }
        let i = self.next_spawn;
        self.next_spawn += 1;
        self.ctx.counters.accounts.fetch_add(1, Ordering::Relaxed);
        let (ctx, plan) = (self.ctx.clone(), self.plan.clone());
        self.tasks.spawn(async move {
            let read = read_account(ctx.clone(), plan, target).await;
            ctx.counters.accounts_done.fetch_add(1, Ordering::Relaxed);
            (i, read)
        });
    }

    fn is_empty(&self) -> bool {
        self.next_spawn == 0
    }

    /// The next read in start order, if it is finished, without waiting.
    fn ready(&mut self) -> Option<AccountRead> {
        while let Some(joined) = self.tasks.try_join_next() {
            self.keep(joined);
        }
        self.pop()
    }

    /// The next read in start order, waiting for it; `None` when all are handed back.
    async fn next(&mut self) -> Option<AccountRead> {
        loop {
            if let Some(read) = self.pop() {
                return Some(read);
            }
            match self.tasks.join_next().await {
                Some(joined) => self.keep(joined),
                None => return self.pop(),
            }
        }
    }

    fn keep(&mut self, joined: Result<(usize, AccountRead), tokio::task::JoinError>) {
        match joined {
            Ok((i, read)) => {
                self.done.insert(i, read);
            }
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            // Cancelled: the scan itself is being dropped.
            Err(_) => {}
        }
    }

    fn pop(&mut self) -> Option<AccountRead> {
        let read = self.done.remove(&self.next_out)?;
        self.next_out += 1;
        Some(read)
    }
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
async fn read_account(ctx: Arc<ScanContext>, plan: Arc<Plan>, target: Target) -> AccountRead {
    let Target {
        source,
        base,
        sso,
        known_id,
        org_name,
        ..
    } = target;
    let label = org_name
        .clone()
        .or_else(|| source.profile_name())
        .or_else(|| source.role_account().map(str::to_string))
        .unwrap_or_else(|| "default".to_string());
    let home = base
        .region()
        .map(|r| r.to_string())
        .filter(|_| plan.regions.is_empty())
        .unwrap_or_else(|| plan.home.clone());
    ctx.unit(&label, &home, Service::Sts, UnitState::Pending);
    ctx.unit(&label, &home, Service::Sts, UnitState::Running);
    // Read now: `base` moves into the identity when it is found.
    let sts_target = match sts::sts_endpoint_override(&base) {
        Some(url) => format!("AWS STS at {url}"),
        None => format!("AWS STS in {home}"),
    };
    let identity = match (&source, known_id) {
        // The organization's lister, in its own account: already identified.
        (Source::Profile(_), Some(id)) => Ok((id, base)),
        (Source::Profile(_), None) => sts::identify(&ctx.sts, &ctx.guard, &base, &label, &home)
            .await
            .map(|id| (id, base)),
        (Source::Role(arn), known) => {
            if known.is_none() {
                ctx.note(format!("assuming role {arn}"));
            }
            let account = source.role_account().unwrap_or_default().to_string();
            sts::assume(&ctx.sts, &ctx.guard, &base, &home, arn)
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
                    (failure.status, role_failure(&source, &failure))
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
        .or(org_name)
        .or_else(|| source.profile_name())
        .unwrap_or_else(|| id.clone());
    let guard = ctx.guard.for_account(&id);
    let regions = if plan.all_regions {
        let ec2 = ctx.scheduler.unit(Service::Ec2.name());
        match sts::enabled_regions(&ec2, &guard, &config, &id, &home).await {
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
    ctx.counters
        .accounts_started
        .fetch_add(1, Ordering::Relaxed);
    let mut tasks: JoinSet<RegionRead> = JoinSet::new();
    // Route 53, CloudFront and Global Accelerator: once per account, beside the Regions.
    tasks.spawn(region::read_global(
        ctx.clone(),
        config.clone(),
        id.clone(),
        name.clone(),
        home.clone(),
    ));
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
    // AWS Backup copies found in other Regions' vaults join their resource's own Region.
    backup::merge_copies(&mut reads);
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

/// The coverage message of an account that could not be entered: for a role, one
/// sentence saying which role and what to do.
fn role_failure(source: &Source, failure: &CallFailure) -> String {
    match (source, failure.status) {
        (Source::Role(arn), CoverageStatus::Denied) => {
            let account = source.role_account().unwrap_or("the account");
            format!(
                "cannot assume {arn} ({}): create the role in account {account} with a trust \
                 policy for the scanning principal (docs/discovery.md), or leave the account \
                 out (--exclude-account {account})",
                failure.describe()
            )
        }
        (Source::Role(arn), _) => format!("cannot assume {arn}: {}", failure.describe()),
        _ => failure.describe(),
    }
}

/// The estate as accounts are read, one at a time: what the SDK answered for an
/// account is dropped as soon as its resources are in.
struct Assembly {
    ctx: Arc<ScanContext>,
    b: EstateBuilder,
    seen: BTreeSet<String>,
    added: HashSet<String>,
    shared: usize,
    problems: Vec<DiscoverError>,
    coverage: Vec<Coverage>,
    found_any: bool,
    scanned: Vec<String>,
}

impl Assembly {
    fn new(ctx: Arc<ScanContext>) -> Assembly {
        Assembly {
            ctx,
            b: EstateBuilder::new(Meta {
                source: "scan".to_string(),
                captured_at: time::OffsetDateTime::now_utc()
                    .format(&time::format_description::well_known::Rfc3339)
                    .ok(),
                description: None,
            }),
            seen: BTreeSet::new(),
            added: HashSet::new(),
            shared: 0,
            problems: Vec::new(),
            coverage: Vec::new(),
            found_any: false,
            scanned: Vec::new(),
        }
    }

    /// Adds one account's reads to the estate.
    fn add(&mut self, read: AccountRead) -> Result<(), DiscoverError> {
        self.coverage.push(read.sts.clone());
        if let Some(problem) = read.problem {
            self.problems.push(problem);
            return Ok(());
        }
        let Some(id) = read.id else { return Ok(()) };
        if read.regions.is_empty() {
            return Ok(());
        }
        // Two sources can reach one account: read it once.
        if !self.seen.insert(id.clone()) {
            self.ctx.note(format!(
                "{} reaches account {id} again: its second read is left out",
                read.source.describe()
            ));
            return Ok(());
        }
        let b = &mut self.b;
        let account = b.account(&id, &read.name);
        self.scanned.push(format!(
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
            self.coverage.extend(region.coverage);
            for f in region.found {
                self.found_any = true;
                // A VPC or subnet shared through RAM is seen by its owner and by every
                // participant: the same resource, kept once (the first account read).
                if !self.added.insert(f.id.clone()) {
                    self.shared += 1;
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
        Ok(())
    }

    /// Checks that something was read, then links the estate with the overlay's
    /// declarations.
    fn finish(self, overlay: &overlay::Overlay) -> Result<Estate, DiscoverError> {
        let Assembly {
            ctx,
            mut b,
            shared,
            problems,
            coverage,
            found_any,
            scanned,
            ..
        } = self;
        if shared > 0 {
            ctx.note(format!(
                "{} (VPCs or subnets shared between accounts) {} seen by more than one \
                 account: kept once",
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
            } else if failed().count() > 0
                && failed().all(|c| c.status == CoverageStatus::Throttled)
            {
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
                    "{missing}: the target was not seen by the scan (it changed while being \
                     read); reference left out"
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
}
