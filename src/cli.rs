//! Command-line definitions (clap derive). `main.rs` wires them to `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const ABOUT: &str = "Explore AWS fault isolation boundaries: if an Availability Zone or a Region \
goes away, what breaks for your users, and what capacity is left?";

const MAIN_EXAMPLES: &str = "\
Examples:
  blastmap demo                                   # the TUI on the embedded demo estate
  blastmap what-if --demo --lose use1-az1         # what breaks if use1-az1 is lost
  blastmap matrix --demo                          # every single-AZ and Region loss
  blastmap check --snapshot estate.json           # CI gate: exit 1 if one AZ loss takes a path down
  blastmap findings --demo --format json          # static risks, for scripts

Exit codes: 0 success, 1 a check that fails, 2 bad input, 3 a scan that read nothing.";

#[derive(Debug, Parser)]
#[command(name = "blastmap", version, about = ABOUT, after_help = MAIN_EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Say what breaks, and what capacity is left, when the given AZs or Regions are lost.
    #[command(after_help = "\
Examples:
  blastmap what-if --demo --lose use1-az1
  blastmap what-if --demo --lose use1-az1 --lose eu-west-1 --format markdown
  blastmap what-if --snapshot estate.json --lose us-east-1 --format json | jq '.paths[] | select(.status == \"down\")'

DOMAIN is an AZ ID (use1-az1), never an AZ name: us-east-1a is a different place in each account.")]
    WhatIf(WhatIfArgs),

    /// Every single-AZ and single-Region loss × every user-facing path.
    #[command(after_help = "\
Examples:
  blastmap matrix --demo
  blastmap matrix --snapshot estate.json --format markdown > matrix.md")]
    Matrix(MatrixArgs),

    /// CI gate: exit 1 if some single loss takes a user-facing path or service down.
    #[command(after_help = "\
Examples:
  blastmap check --demo                       # must survive any single AZ loss
  blastmap check --snapshot estate.json --tolerate region --format table

A service (load balancers sharing a blastmap:service tag) passes while any of its
paths survives; a path outside any service must survive on its own.")]
    Check(CheckArgs),

    /// Static risks: single points of failure, shared fate, missing backups, ...
    #[command(after_help = "\
Examples:
  blastmap findings --demo
  blastmap findings --demo --severity high
  blastmap findings --snapshot estate.json --format json | jq -r '.findings[].code' | sort | uniq -c")]
    Findings(FindingsArgs),

    /// Draw user-facing paths as Mermaid or Graphviz DOT, or write the Markdown report.
    #[command(after_help = "\
Examples:
  blastmap export --demo --format mermaid --lose use1-az4 > paths.mmd
  blastmap export --demo --format dot --out paths.dot && dot -Tsvg paths.dot > paths.svg
  blastmap export --demo --format mermaid --path 111111111111/us-east-1/checkout-alb/checkout-web
  blastmap export --snapshot estate.json --format markdown --lose use1-az2 --out retro.md

Nodes are coloured by their status when the --lose domains are lost (ok, degraded,
down, lost). Without --path, every path is drawn with its targets collapsed to one
node per target group and AZ; --path draws the paths given (ids as in `what-if
--format json`) target by target.")]
    Export(ExportArgs),

    /// What changed between two snapshots that matters for fault isolation.
    #[command(after_help = "\
Examples:
  blastmap diff before.json after.json
  blastmap diff main.json branch.json --format markdown > diff.md
  blastmap diff main.json branch.json --fail-on-regression   # CI: exit 1 if anything got worse

Lists resources added, removed or changed in a fact the rules read (AZ, Multi-AZ,
backups, enabled AZs, targets per AZ, …), paths added or removed, every matrix cell
whose status changed, and findings that appeared or went away.")]
    Diff(DiffArgs),

    /// Replace account IDs, names, ARNs, IPs, CIDRs, DNS names and tag values with pseudonyms.
    #[command(after_help = "\
Examples:
  blastmap redact estate.json --out estate-redacted.json
  blastmap redact estate.json --out shared.json --keep-tags team,env
  blastmap redact before.json --out a.json --salt \"$SALT\" && blastmap redact after.json --out b.json --salt \"$SALT\"

AZ IDs, Regions, kinds, engines, instance types, counts and every fact the rules read
stay as they are: every what-if, matrix and finding of the output is the input's up to
renaming. The same value always gets the same pseudonym in one file, and in every file
redacted with the same --salt; without --salt a random one is used and thrown away.
Keep a salt secret: with it, anyone can confirm a guessed account ID.")]
    Redact(RedactArgs),

    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  blastmap completions bash > ~/.local/share/bash-completion/completions/blastmap
  blastmap completions zsh > ~/.zfunc/_blastmap
  blastmap completions fish > ~/.config/fish/completions/blastmap.fish")]
    Completions(CompletionsArgs),

    /// Print the man page (roff): `blastmap man > blastmap.1`; `--dir` writes one per command.
    #[command(hide = true)]
    Man(ManArgs),
}

/// Where the estate comes from.
#[derive(Debug, Clone, Args)]
pub struct SourceArgs {
    /// Use the embedded demo estate (no AWS account needed).
    #[arg(long, conflicts_with = "snapshot")]
    pub demo: bool,

    /// Read the estate from a snapshot file (written by `blastmap scan`).
    #[arg(long, value_name = "FILE")]
    pub snapshot: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Output format [default: table on a terminal, json otherwise].
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,

    /// Colour the table output. `auto` colours only on a terminal and honours NO_COLOR.
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

    /// A fault domain to lose: an AZ ID (use1-az1) or a Region (us-east-1). Repeat for several.
    #[arg(long = "lose", value_name = "DOMAIN", required = true)]
    pub lose: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
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

    /// Only findings with this code (repeat for several), e.g. db-single-az.
    #[arg(long = "code", value_name = "CODE")]
    pub codes: Vec<String>,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// A Graphviz graph.
    Dot,
    /// The retrospective report: the what-if, findings by severity, the matrix.
    Markdown,
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

    /// Write to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The earlier snapshot.
    pub old: PathBuf,

    /// The later snapshot.
    pub new: PathBuf,

    /// Exit 1 when a matrix cell got worse or a high-severity finding appeared.
    #[arg(long)]
    pub fail_on_regression: bool,

    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct RedactArgs {
    /// The snapshot to redact.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the redacted snapshot (atomically, mode 0600).
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
