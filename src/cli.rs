//! Command-line definitions (clap derive). `main.rs` wires them to `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Explore AWS fault isolation boundaries: if an Availability Zone or a Region \
goes away, what breaks for your users, and what capacity is left?";

const MAIN_EXAMPLES: &str = "\
Examples:
  blastmap demo                                 # the TUI on the demo estate
  blastmap scan --region us-east-1 --out estate.json   # read-only scan
  blastmap open estate.json                     # the TUI on a snapshot
  blastmap what-if --demo --lose use1-az1       # what breaks without use1-az1
  blastmap matrix --demo                        # every single AZ/Region loss
  blastmap check --snapshot estate.json         # CI gate (exit 1 on a SPOF)
  blastmap findings --demo --format json        # static risks, for scripts

Exit codes: 0 success, 1 a check that fails, 2 bad input, 3 a scan that
read nothing.";

/// `0.1.0 (commit 1a2b3c4d5e6f)`: the version and the commit it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("BLASTMAP_COMMIT"),
    ")"
);

#[derive(Debug, Parser)]
#[command(
    name = "blastmap",
    version = VERSION,
    about = ABOUT,
    after_help = MAIN_EXAMPLES,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Without a command: scan live with these flags (the default credentials when none
    /// is given) and explore the estate in the TUI.
    #[command(flatten)]
    pub live: LiveArgs,

    /// Append a log to FILE: every AWS call (account, Region, operation, attempt,
    /// latency, error code), never credentials. RUST_LOG chooses what (default
    /// blastmap=info); without --log-file, RUST_LOG logs to stderr, except in the TUI.
    #[arg(long, value_name = "FILE", global = true)]
    pub log_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Explore the embedded demo estate in the TUI (no AWS account needed).
    #[command(after_help = "\
Examples:
  blastmap demo
  NO_COLOR=1 blastmap demo         # statuses by glyph and style only

Keys: ? shows them all. space loses the selected AZ or Region, tab
switches screens, q quits.")]
    Demo,

    /// Explore a snapshot file in the TUI.
    #[command(after_help = "\
Examples:
  blastmap open estate.json
  blastmap scan --out estate.json && blastmap open estate.json
  blastmap open s3://team-bucket/blastmap/     # the newest one there
  blastmap open s3://team-bucket/blastmap/ --at 2026-11-20T09:30Z")]
    Open {
        /// A snapshot written by `blastmap scan` (docs/snapshot.md), or an S3 prefix
        /// `scan --out s3://…` writes to [default: the config's `snapshot`].
        #[arg(value_name = "FILE|S3_URL", value_parser = readable_file)]
        file: Option<PathBuf>,

        /// With an S3 prefix: the last snapshot taken at or before this time
        /// (2026-11-20T09:30Z, or RFC 3339) instead of the newest.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },

    /// Read AWS accounts and Regions (read-only) into a snapshot file.
    #[command(after_help = "\
Examples:
  blastmap scan --region us-east-1 --out estate.json
  blastmap scan --profile prod --profile data --region eu-west-1 \\
                --out estate.json
  blastmap scan --role-arn arn:aws:iam::222222222222:role/scan \\
                --all-regions --out org.json
  blastmap scan --overlay overlay.toml -q --out e.json && \\
    blastmap check --snapshot e.json
  blastmap scan --region us-east-1 --out s3://team-bucket/blastmap/

Accounts: one per --profile (the default credential chain when none is
given), plus one per --role-arn, assumed with the first profile's
credentials. Regions: each --region, else the profile's Region;
--all-regions reads every Region each account has enabled. The standard
AWS environment applies (AWS_PROFILE, AWS_REGION, SSO, credential_process,
AWS_ENDPOINT_URL).

Only Describe/List/Get calls are ever sent (assets/iam-policy.json is the
policy it needs); with --out s3://… the one write is the snapshot itself
(PutObject, assets/iam-policy-snapshots.json). What could not be read
is recorded per account, Region and service and summarised at the end.
Exit codes: 0 written (possibly with gaps), 2 bad input, 3 nothing could
be read. Ctrl-C cancels and leaves an existing --out file untouched.")]
    Scan(ScanArgs),

    /// Say what breaks, and what capacity is left, when the given AZs or Regions are lost.
    #[command(after_help = "\
Examples:
  blastmap what-if --demo --lose use1-az1
  blastmap what-if --demo --lose use1-az1 --lose eu-west-1 --format markdown
  blastmap what-if --snapshot estate.json --lose us-east-1 --format json |
    jq '.paths[] | select(.status == \"down\")'
  # scan live first (flags as for `blastmap scan`):
  blastmap what-if --region us-east-1 --lose use1-az1
  # replay an AWS Health event on a snapshot taken before it, by its ARN
  # (the Health API) or saved as JSON:
  blastmap what-if --snapshot before.json --health-event \\
    arn:aws:health:us-east-1::event/EC2/AWS_EC2_OPERATIONAL_ISSUE/ID
  aws health describe-event-details --event-arns \"$ARN\" > event.json
  blastmap what-if --snapshot before.json --health-event event.json

DOMAIN is an AZ ID (use1-az1) or a Region. An AZ name (us-east-1a) is a
different place in each account: name the account with it, as AWS Health
does (shop-prod:us-east-1a, or the account id), and blastmap says which AZ
ID that is:
  blastmap what-if --demo --lose shop-prod:us-east-1a
--health-event ARN reads the event with the default credentials (the first
--profile when scanning live); --health-event FILE reads it saved as JSON.
Either way stderr says which account's AZ name it translated to which AZ ID.")]
    WhatIf(WhatIfArgs),

    /// A short Markdown brief of a loss, to paste into an incident channel.
    #[command(after_help = "\
Examples:
  blastmap brief --demo --lose use1-az4
  blastmap brief --demo --lose shop-prod:us-east-1a   # AWS Health's words
  blastmap brief --snapshot estate.json --lose us-east-1 --out brief.md

About fifteen lines: each lost AZ's name in every account, the paths down
and degraded with their capacity now and after recovery and the reason,
and what the loss does across Regions (entry points failing over, data a
lost Region's loss restores from). Longer lists are cut, with the what-if
command that gives them all. In the TUI, :brief copies it.")]
    Brief(BriefArgs),

    /// Every single-AZ and single-Region loss × every user-facing path.
    #[command(after_help = "\
Examples:
  blastmap matrix --demo
  blastmap matrix --snapshot estate.json --format markdown > matrix.md")]
    Matrix(MatrixArgs),

    /// CI gate: exit 1 if some single loss takes a user-facing path or service down.
    #[command(after_help = "\
Examples:
  blastmap check --demo                   # must survive any single AZ loss
  blastmap check --snapshot estate.json --tolerate region --format table

A service (load balancers sharing a blastmap:service tag) passes while any
of its paths survives; a path outside any service must survive on its own.")]
    Check(CheckArgs),

    /// Static risks: single points of failure, shared fate, missing backups, ...
    #[command(after_help = "\
Examples:
  blastmap findings --demo
  blastmap findings --demo --severity high --code spof-az,db-single-az
  blastmap findings --snapshot estate.json --format json |
    jq -r '.findings[].code' | sort | uniq -c")]
    Findings(FindingsArgs),

    /// What to do now when a domain goes bad: zonal shifts to start, what recovers, what needs you.
    #[command(after_help = "\
Examples:
  blastmap runbook --demo --lose use1-az4
  blastmap runbook --demo --lose use1-az4 --format markdown > runbook.md
  blastmap runbook --snapshot estate.json --lose use1-az2 --format json |
    jq -r '.shifts[].command'

For each user-facing path, worst first: the ARC zonal shift to start (the
exact aws command) when the load balancer can be shifted and its other AZs
keep at least half its capacity, a warning instead when they would not;
what recovers by itself (Multi-AZ failover, Auto Scaling and ECS relaunch)
and how long the AWS docs say it takes; what needs a human (a single-AZ
database to restore, a writer-only Aurora cluster). blastmap only prints
the commands: it never runs them.

DOMAIN is an AZ ID (use1-az4) or a Region; a Region loss is not a zonal
shift, so its runbook is about failover and data.")]
    Runbook(WhatIfArgs),

    /// The data user-facing paths depend on: its copies, and what a Region loss restores.
    #[command(after_help = "\
Examples:
  blastmap backups --demo
  blastmap backups --snapshot estate.json --format markdown > backups.md
  blastmap backups --demo --format json |
    jq -r '.data[] | select(.after_region_loss == null) | .name'

Lists every database, DynamoDB table, Redis cache (and instance a path
declares it depends on) that some user-facing path needs: its copies
(automated backups, point-in-time recovery, snapshots, AWS Backup recovery
points, replicas) and the Regions they are in, its newest recovery point,
and the copy a loss of its Region would restore from with its RPO (the age
of that copy when the snapshot was captured). Worst first: data with no
copy outside its Region.")]
    Backups(BackupsArgs),

    /// The settings from the config file and BLASTMAP_* variables, and where each comes from.
    #[command(after_help = "\
Examples:
  blastmap config
  BLASTMAP_CONFIG=team.toml blastmap config

The file is BLASTMAP_CONFIG, else ~/.config/blastmap/config.toml
($XDG_CONFIG_HOME/blastmap/config.toml). Keys (docs/config.md): snapshot,
overlay, and under [scan] profiles, role_arns, regions, all_regions,
max_requests, max_attempts, call_timeout, kms_key. Each has a variable
(BLASTMAP_SNAPSHOT, BLASTMAP_REGIONS=us-east-1,eu-west-1, ...) that wins over
the file; flags win over both.")]
    Config,

    /// Draw paths (Mermaid, DOT), write the Markdown report, or an AWS FIS experiment template.
    #[command(after_help = "\
Examples:
  blastmap export --demo --format mermaid --lose use1-az4 > paths.mmd
  blastmap export --demo --format dot --out paths.dot &&
    dot -Tsvg paths.dot > paths.svg
  blastmap export --demo --format mermaid \\
    --path 111111111111/us-east-1/checkout-alb/checkout-web
  blastmap export --snapshot estate.json --format markdown --lose use1-az2 \\
    --out retro.md

Nodes are coloured by the engine's own answer for each hop when the --lose
domains are lost (ok, degraded, down, down before the loss, lost); a legend
says which is which. With --lose, only what the loss touches is drawn (the
paths it takes below ok, their hops, the lost domains); --all draws every
path. Targets are collapsed to one node per target group and AZ; --path
draws the paths given (ids as in `what-if --format json`) target by target.
A Mermaid diagram too big for Mermaid (500 edges, 50,000 characters) is
refused with what to do instead.

FIS (--format fis) writes a template that `aws fis create-experiment-template
--cli-input-json file://az4.json` accepts: the \"AZ Availability: Power
Interruption\" actions on the resources of one account in one AZ, by ARN
(5 per target, as FIS allows), a stop condition to fill in, and on standard
error the verdicts blastmap predicts for the experiment to confirm:
  blastmap export --demo --format fis --lose use1-az4 --account shop-prod \\
    --fis-role arn:aws:iam::111111111111:role/fis-az --out az4.json")]
    Export(ExportArgs),

    /// What changed between two snapshots that matters for fault isolation.
    #[command(after_help = "\
Examples:
  blastmap diff before.json after.json
  blastmap diff main.json branch.json --format markdown > diff.md
  # CI: exit 1 if anything got worse
  blastmap diff main.json branch.json --fail-on-regression
  # what changed in the estate since 09:30, from the scheduled snapshots:
  blastmap diff s3://team-bucket/blastmap/ --old-at 2026-11-20T09:30Z \\
                s3://team-bucket/blastmap/

Lists resources added, removed or changed in a fact the rules read (AZ,
Multi-AZ, backups, enabled AZs, targets per AZ, …), paths added or
removed, every matrix cell whose status changed, and findings that
appeared or went away.")]
    Diff(DiffArgs),

    /// Replace account IDs, names, ARNs, IPs, CIDRs, DNS names and tag values with pseudonyms.
    #[command(after_help = "\
Examples:
  blastmap redact estate.json --out estate-redacted.json
  blastmap redact estate.json --out shared.json --keep-tags team,env
  # several files, the same pseudonyms:
  blastmap redact before.json --out a.json --salt \"$SALT\"
  blastmap redact after.json --out b.json --salt \"$SALT\"

AZ IDs, Regions, kinds, engines, instance types, counts and every fact the
rules read stay as they are: every what-if, matrix and finding of the
output is the input's up to renaming. The same value always gets the same
pseudonym in one file, and in every file redacted with the same --salt;
without --salt a random one is used and thrown away. Keep a salt secret:
with it, anyone can confirm a guessed account ID.")]
    Redact(RedactArgs),

    /// Join snapshots of different accounts (per-OU or per-pipeline scans) into one.
    #[command(after_help = "\
Examples:
  blastmap merge ou-payments.json ou-platform.json --out org.json
  blastmap what-if use1-az1 --snapshot org.json

An account found in several inputs is taken whole from the newest capture
(said on stderr), never mixed. Every input must put each AZ ID in the same
Region. The merged snapshot is as old as its oldest input.")]
    Merge(MergeArgs),

    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  blastmap completions bash > \\
    ~/.local/share/bash-completion/completions/blastmap
  blastmap completions zsh > ~/.zfunc/_blastmap
  blastmap completions fish > ~/.config/fish/completions/blastmap.fish")]
    Completions(CompletionsArgs),

    /// Print the man page (roff): `blastmap man > blastmap.1`; `--dir` writes one per command.
    Man(ManArgs),
}

/// A file that can be opened for reading. Checked while parsing the arguments, so that
/// `blastmap open missing.json > out` reports the file, not the missing terminal; the
/// snapshot itself is read later (it may be hundreds of megabytes).
fn readable_file(value: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(value);
    // An S3 location is read later, with the credentials.
    if value.starts_with("s3://") {
        return Ok(path);
    }
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Err(format!("{value} is a directory, not a snapshot file")),
        // A pipe (`<(zcat estate.json.gz)`) or device is not opened twice: opening a
        // FIFO waits for its writer, and closing it again can cut the writer off.
        Ok(m) if !m.is_file() => Ok(path),
        Ok(_) => match std::fs::File::open(&path) {
            Ok(_) => Ok(path),
            Err(e) => Err(format!("cannot read {value}: {e}")),
        },
        Err(e) => Err(format!("cannot read {value}: {e}")),
    }
}

/// An AWS Region name: `us-east-1`, `us-gov-west-1`, `eu-isoe-west-1` (two letters,
/// words, a number). Checked here so that `--region ""` or a typo is bad input (exit
/// 2, naming the flag) rather than an SDK error after the scan started.
pub fn region_name(value: &str) -> Result<String, String> {
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let parts: Vec<&str> = value.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1].iter().all(|p| lower(p))
        && parts
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        return Ok(value.to_string());
    }
    let hint = if value.to_ascii_lowercase() != value
        && region_name(&value.to_ascii_lowercase()).is_ok()
    {
        format!(
            " (Region names are lower case: {})",
            value.to_ascii_lowercase()
        )
    } else {
        String::new()
    };
    Err(format!(
        "{value:?} is not an AWS Region name such as us-east-1 or eu-west-2{hint}"
    ))
}

/// Where the estate comes from: the demo, a snapshot, or a live scan.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Use the embedded demo estate (no AWS account needed).
    #[arg(long, conflicts_with = "snapshot", conflicts_with_all = LIVE_ARGS)]
    pub demo: bool,

    /// Read the estate from a snapshot file (written by `blastmap scan`), or the newest
    /// snapshot under an S3 prefix (s3://BUCKET/PREFIX/).
    #[arg(long, value_name = "FILE|S3_URL", conflicts_with_all = LIVE_ARGS)]
    pub snapshot: Option<PathBuf>,

    /// With --snapshot s3://…: the last snapshot taken at or before this time
    /// (2026-11-20T09:30Z, or RFC 3339) instead of the newest.
    #[arg(long, value_name = "TIME", conflicts_with_all = LIVE_ARGS, conflicts_with = "demo")]
    pub at: Option<String>,

    #[command(flatten)]
    pub live: LiveArgs,
}

/// The ids of the flags that ask for a live scan.
const LIVE_ARGS: [&str; 6] = [
    "profiles",
    "role_arns",
    "organization",
    "regions",
    "all_regions",
    "overlay",
];

/// Which AWS accounts and Regions to read, and how hard to push the APIs.
#[derive(Debug, Clone, Args)]
pub struct LiveArgs {
    /// Scan the account of this AWS profile; repeat for several [default: the standard
    /// credential chain, e.g. AWS_PROFILE].
    #[arg(long = "profile", value_name = "NAME")]
    pub profiles: Vec<String>,

    /// Also scan the account of this IAM role, assumed with the first profile's credentials;
    /// repeat for several.
    #[arg(long = "role-arn", value_name = "ARN")]
    pub role_arns: Vec<String>,

    /// Scan every ACTIVE account of the AWS Organization, listed with the first profile's
    /// credentials (the management account or a delegated administrator) and entered
    /// through --org-role in each.
    #[arg(long)]
    pub organization: bool,

    /// The IAM role assumed in each account of the organization [default: blastmap-read].
    #[arg(long, value_name = "NAME")]
    pub org_role: Option<String>,

    /// Only the accounts in this organizational unit (or root) and every OU below it;
    /// repeat for several.
    #[arg(long = "ou", value_name = "ID", value_delimiter = ',')]
    pub ous: Vec<String>,

    /// Leave this account of the organization out; repeat for several.
    #[arg(long = "exclude-account", value_name = "ID", value_delimiter = ',')]
    pub exclude_accounts: Vec<String>,

    /// Scan this Region; repeat for several [default: the profile's Region, e.g. AWS_REGION].
    #[arg(
        long = "region",
        value_name = "REGION",
        conflicts_with = "all_regions",
        value_parser = region_name
    )]
    pub regions: Vec<String>,

    /// Scan every Region each account has enabled.
    #[arg(long)]
    pub all_regions: bool,

    /// Declarations AWS does not report: dependencies, service names, hard egress
    /// (TOML, see docs/overlay.md).
    #[arg(long, value_name = "FILE")]
    pub overlay: Option<PathBuf>,

    /// Requests in flight at once, over all accounts and Regions; each account, Region and
    /// service also keeps to limits shaped like AWS's (docs/performance.md) [default: 256].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_requests: Option<u32>,

    /// Attempts per call before a throttled or failing call becomes a coverage gap [default: 5].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,

    /// Time limit of one attempt of one call, in seconds [default: 20].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=600))]
    pub call_timeout: Option<u64>,
}

impl LiveArgs {
    /// Whether any flag asks for a live scan.
    pub fn is_given(&self) -> bool {
        !self.profiles.is_empty()
            || !self.role_arns.is_empty()
            || self.organization
            || !self.regions.is_empty()
            || self.all_regions
            || self.overlay.is_some()
    }
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub live: LiveArgs,

    /// Write the snapshot here (once, at the end, atomically, mode 0600; `-` writes it
    /// to standard output), or as a new time-stamped object under an S3 prefix
    /// (s3://BUCKET/PREFIX/, server-side encrypted, plus a `latest` pointer)
    /// [default: the config's `snapshot`].
    #[arg(long, value_name = "FILE|S3_URL")]
    pub out: Option<PathBuf>,

    /// With --out s3://…: encrypt with this KMS key (id, ARN or alias) instead of SSE-S3.
    #[arg(long, value_name = "KEY")]
    pub kms_key: Option<String>,

    /// No progress and no notes on stderr; coverage gaps are still reported.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Colour the table output. `auto` colours only on a terminal and honours NO_COLOR;
    /// `always` and `never` win over NO_COLOR.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct WhatIfArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// A fault domain to lose: an AZ ID (use1-az1), a Region (us-east-1), or an
    /// account's AZ name (shop-prod:us-east-1a). Repeat for several.
    #[arg(
        long = "lose",
        value_name = "DOMAIN",
        required_unless_present = "health_event"
    )]
    pub lose: Vec<String>,

    /// Lose what an AWS Health event took. An ARN (`arn:…`) is read from the Health API
    /// (a Business, Enterprise On-Ramp or Enterprise Support plan); anything else is a
    /// file with the JSON of `aws health describe-event-details` (with the `entities` of
    /// describe-affected-entities merged in), `describe-events`, or an EventBridge
    /// aws.health event. Its AZ name becomes the AZ ID it means in the affected account;
    /// the mapping is printed on standard error.
    #[arg(long = "health-event", value_name = "ARN|FILE")]
    pub health_event: Option<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct BriefArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// A fault domain to lose: an AZ ID (use1-az1), a Region (us-east-1), or an
    /// account's AZ name (shop-prod:us-east-1a). Repeat for several.
    #[arg(long = "lose", value_name = "DOMAIN", required = true)]
    pub lose: Vec<String>,

    /// Write the brief to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TolerateArg {
    Az,
    Region,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// The single loss every user-facing path (or service) must survive.
    #[arg(long, value_enum, default_value_t = TolerateArg::Az)]
    pub tolerate: TolerateArg,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    High,
    Medium,
    Low,
}

#[derive(Debug, Args)]
pub struct FindingsArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    /// Only findings at least this severe.
    #[arg(long, value_enum)]
    pub severity: Option<SeverityArg>,

    /// Only findings with this code (repeat, or separate with commas), e.g. db-single-az.
    #[arg(long = "code", value_name = "CODE")]
    pub codes: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct BackupsArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// A Graphviz graph.
    Dot,
    /// The retrospective report: the what-if, findings by severity, the matrix, backups.
    Markdown,
    /// An AWS FIS experiment template interrupting one AZ (needs --fis-role).
    Fis,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub source: SourceArgs,

    #[arg(long, value_enum)]
    pub format: ExportFormatArg,

    /// A fault domain to lose: an AZ ID (use1-az1) or a Region (us-east-1). Repeat for several.
    #[arg(long = "lose", value_name = "DOMAIN")]
    pub lose: Vec<String>,

    /// Draw only this user-facing path, target by target (repeat for several). Diagrams only.
    #[arg(long = "path", value_name = "ID")]
    pub paths: Vec<String>,

    /// Draw everything: every path (not only those the loss touches), and every load
    /// balancer depended upon with its own targets. In the Markdown report: every
    /// path's row, not only the affected ones.
    #[arg(long)]
    pub all: bool,

    /// Write to FILE (atomically) instead of standard output (`-`: standard output).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub fis: FisArgs,
}

/// What `export --format fis` needs beyond the AZ.
#[derive(Debug, Args)]
#[command(next_help_heading = "FIS experiment (--format fis)")]
pub struct FisArgs {
    /// The IAM role FIS runs the experiment as (arn:aws:iam::ACCOUNT:role/NAME).
    #[arg(long, value_name = "ARN")]
    pub fis_role: Option<String>,

    /// The account whose resources to interrupt (name or id), when the AZ holds several.
    #[arg(long, value_name = "ACCOUNT")]
    pub account: Option<String>,

    /// How long the interruption lasts (ISO 8601: PT30M, PT1H).
    #[arg(long, value_name = "DURATION", default_value = "PT30M")]
    pub duration: String,

    /// The CloudWatch alarm that stops the experiment (a placeholder when not given).
    #[arg(long, value_name = "ALARM_ARN")]
    pub stop_alarm: Option<String>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot: a file, an S3 object, or an S3 prefix (its newest).
    #[arg(value_name = "OLD")]
    pub old: PathBuf,

    /// The later snapshot: a file, an S3 object, or an S3 prefix (its newest).
    #[arg(value_name = "NEW")]
    pub new: PathBuf,

    /// OLD is an S3 prefix: take its last snapshot at or before this time.
    #[arg(long, value_name = "TIME")]
    pub old_at: Option<String>,

    /// NEW is an S3 prefix: take its last snapshot at or before this time.
    #[arg(long, value_name = "TIME")]
    pub new_at: Option<String>,

    /// Exit 1 when a matrix cell got worse or a high-severity finding appeared.
    #[arg(long)]
    pub fail_on_regression: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The snapshots to join (two or more).
    #[arg(value_name = "SNAPSHOT", num_args = 2.., required = true)]
    pub inputs: Vec<PathBuf>,

    /// Where to write the merged snapshot (atomically).
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// The snapshot to redact.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the redacted snapshot (atomically, mode 0600); `-`: standard output.
    #[arg(long, value_name = "OUT")]
    pub out: PathBuf,

    /// Keep the values of this tag key (repeat, or separate with commas). Tag keys are always kept.
    #[arg(long = "keep-tags", value_name = "KEY", value_delimiter = ',')]
    pub keep_tags: Vec<String>,

    /// A secret that keys the pseudonyms, so several files redact consistently.
    #[arg(long, value_name = "SECRET")]
    pub salt: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write blastmap.1 and a page per command (blastmap-export.1, …) into DIR instead.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}
