//! The non-interactive commands: load an estate, ask the engine, print a report.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::analysis::Analysis;
use crate::cli::{
    BackupsArgs, BriefArgs, CheckArgs, ColorArg, FindingsArgs, FormatArg, LiveArgs, MatrixArgs,
    OutputArgs, ScanArgs, SeverityArg, SourceArgs, TolerateArg, WhatIfArgs,
};
use crate::discover::{self, DiscoverError, ScanConfig, ScanOutcome, health};
use crate::findings::{self, Severity};
use crate::model::{Domain, Estate};
use crate::progress::{self, ScanProgress};
use crate::report::{self, Format, Report};
use crate::sim::{self, LostDomains, Tolerance};
use crate::{compare, demo, snapshot};

use clap::CommandFactory as _;

use crate::cli::{
    Cli, CompletionsArgs, DiffArgs, ExportArgs, ExportFormatArg, ManArgs, MergeArgs, RedactArgs,
};
use crate::report::{DiagramFormat, diagram::select_paths};
use crate::snapshot::redact::{self, Salt};

/// Exit code of a `check` that fails.
pub const EXIT_CHECK_FAILED: u8 = 1;
/// Exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_CANCELLED: u8 = 130;

/// A scan stopped by Ctrl-C before it finished.
#[derive(Debug, thiserror::Error)]
#[error("scan cancelled (Ctrl-C): nothing was written")]
pub struct Cancelled;

/// The exit code for an error: its own for scans, else 2 (bad input).
pub fn exit_code_of(err: &anyhow::Error) -> u8 {
    if let Some(e) = err.downcast_ref::<DiscoverError>() {
        e.exit_code()
    } else if let Some(e) = err.downcast_ref::<health::HealthError>() {
        e.exit_code()
    } else if err.downcast_ref::<Cancelled>().is_some() {
        EXIT_CANCELLED
    } else {
        discover::EXIT_BAD_INPUT
    }
}

/// Exit code of a `diff --fail-on-regression` that finds one.
pub const EXIT_REGRESSION: u8 = 1;

/// Loads the estate the source flags name: the demo, a snapshot, or a live scan.
pub fn load_estate(source: &SourceArgs) -> Result<Estate> {
    if source.demo {
        return Ok(demo::estate()?);
    }
    if source.live.is_given() {
        if source.at.is_some() {
            bail!("--at picks a snapshot under an s3:// prefix: give --snapshot s3://…");
        }
        let outcome = scan_live(&source.live, true)?;
        print_notes(None, &outcome.estate);
        if let Some(gaps) = progress::gap_summary(&outcome.estate) {
            eprintln!("{gaps}");
        }
        return Ok(outcome.estate);
    }
    match &source.snapshot {
        Some(path) => Ok(load_snapshot(path, source.at.as_deref())?.estate),
        None if source.at.is_some() => {
            bail!("--at picks a snapshot under an s3:// prefix: give --snapshot s3://…")
        }
        None => bail!(
            "no estate given: pass --demo to use the embedded demo estate, --snapshot FILE \
             to read one written by `blastmap scan`, or --region REGION (with --profile NAME) \
             to scan live (or set a default snapshot in the config file: blastmap config)"
        ),
    }
}

/// Reads a snapshot and says what it holds that deserves a note (`docs/snapshot.md`).
fn load_snapshot(path: &std::path::Path, at: Option<&str>) -> Result<crate::store::Read> {
    let read = crate::store::load(path, at)?;
    print_notes(Some(std::path::Path::new(&read.origin)), &read.estate);
    Ok(read)
}

/// The estate's notes on stderr, one a line, naming the file they are about.
fn print_notes(file: Option<&std::path::Path>, estate: &Estate) {
    let origin = file
        .map(|f| format!("{}: ", f.display()))
        .unwrap_or_default();
    for note in &estate.notes {
        eprintln!(
            "note: {}",
            crate::text::printable_lines(&format!("{origin}{note}"))
        );
    }
}

/// The scan a set of live flags asks for.
pub fn scan_config(live: &LiveArgs) -> ScanConfig {
    ScanConfig {
        profiles: live.profiles.clone(),
        role_arns: live.role_arns.clone(),
        organization: live.organization.then(|| discover::OrgScan {
            role: live
                .org_role
                .clone()
                .unwrap_or_else(|| discover::DEFAULT_ORG_ROLE.to_string()),
            ous: live.ous.clone(),
            exclude: live.exclude_accounts.clone(),
        }),
        regions: live.regions.clone(),
        all_regions: live.all_regions,
        overlay: live.overlay.clone(),
        max_in_flight: live.max_requests.unwrap_or(crate::config::MAX_REQUESTS) as usize,
        call_timeout: Duration::from_secs(live.call_timeout.unwrap_or(crate::config::CALL_TIMEOUT)),
        max_attempts: live.max_attempts.unwrap_or(crate::config::MAX_ATTEMPTS),
    }
}

/// Scans live until done or Ctrl-C; progress bars only when stderr is a terminal.
fn scan_live(live: &LiveArgs, chatty: bool) -> Result<ScanOutcome> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut progress = ScanProgress::new(chatty && std::io::stderr().is_terminal(), chatty);
    let config = scan_config(live);
    let result = runtime.block_on(async {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let scan = discover::scan(config, tx);
        tokio::pin!(scan);
        let ctrl_c = tokio::signal::ctrl_c();
        tokio::pin!(ctrl_c);
        loop {
            tokio::select! {
                result = &mut scan => {
                    while let Ok(event) = rx.try_recv() {
                        progress.on(event);
                    }
                    break result.map_err(anyhow::Error::from);
                }
                Some(event) = rx.recv() => progress.on(event),
                // Dropping the scan future cancels every call it started.
                _ = &mut ctrl_c => break Err(Cancelled.into()),
            }
        }
    });
    progress.clear();
    // Tasks still running after a cancel are aborted, not waited for.
    runtime.shutdown_timeout(Duration::from_millis(500));
    result
}

/// `blastmap scan`: reads AWS into a snapshot, written only once the scan is complete.
pub fn scan(args: &ScanArgs) -> Result<u8> {
    let out = args.out.as_ref().context(
        "scan needs --out FILE: where to write the snapshot (or set snapshot = \"...\" in the \
         config file, see blastmap config)",
    )?;
    if crate::store::is_s3(out) {
        // A bad URL is said before the scan, not after it.
        crate::discover::snapshots::S3Location::parse(&out.to_string_lossy())?;
    } else if args.kms_key.is_some() {
        bail!("--kms-key is for --out s3://…: a local snapshot is a file of mode 0600");
    }
    let outcome = scan_live(&args.live, !args.quiet)?;
    let written = if crate::store::is_s3(out) {
        crate::store::write(
            out,
            &outcome.estate,
            args.kms_key.as_deref(),
            args.live.profiles.first().map(String::as_str),
        )?
    } else {
        write_out(out, &snapshot::to_string(&outcome.estate), true)?;
        out_name(out)
    };
    if !args.quiet {
        print_notes(None, &outcome.estate);
        eprintln!("{}; wrote {written}", progress::scan_summary(&outcome));
    }
    if let Some(gaps) = progress::gap_summary(&outcome.estate) {
        eprintln!("{gaps}");
    }
    Ok(0)
}

fn format_of(output: &OutputArgs) -> Format {
    match output.format {
        Some(FormatArg::Table) => Format::Table,
        Some(FormatArg::Markdown) => Format::Markdown,
        Some(FormatArg::Json) => Format::Json,
        None if std::io::stdout().is_terminal() => Format::Table,
        None => Format::Json,
    }
}

/// Colour on a terminal unless NO_COLOR is set (no-color.org) or TERM is dumb.
pub fn use_color(choice: ColorArg) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// `--out -`: standard output, as for most Unix tools (`./-` names a file called `-`).
fn is_stdout(path: &std::path::Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes an `--out` file atomically (mode 0600 when `private`), or to standard output
/// for `-`.
pub fn write_out(path: &std::path::Path, text: &str, private: bool) -> Result<()> {
    if is_stdout(path) {
        return emit(text);
    }
    Ok(snapshot::write_atomic(path, text.as_bytes(), private)?)
}

/// How messages name an `--out` file.
fn out_name(path: &std::path::Path) -> String {
    if is_stdout(path) {
        "standard output".to_string()
    } else {
        crate::text::printable(&path.display().to_string()).into_owned()
    }
}

/// Prints a finished report; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Parses `--lose` values against the estate. An empty value is an error: a script
/// with an unset variable must not get an all-clear for "losing nothing".
pub fn parse_domains(estate: &Estate, values: &[String]) -> Result<Vec<Domain>> {
    let mut domains = Vec::new();
    for value in values {
        let parts: Vec<&str> = value
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        if parts.is_empty() {
            let known: Vec<&str> = estate
                .domains()
                .into_iter()
                .map(|d| estate.domain_name(d))
                .collect();
            bail!(
                "--lose was given an empty value: name an AZ ID or a Region (known: {})",
                known.join(", ")
            );
        }
        for part in parts {
            // `shop-prod:us-east-1a`: AWS Health's words; say which AZ ID they mean.
            let named = estate.parse_named_domain(part)?;
            if let Some(mapping) = named.mapping(estate) {
                eprintln!("blastmap: {mapping}");
            }
            domains.push(named.domain);
        }
    }
    Ok(domains)
}

/// The analysis the commands start from, loaded from `--demo`, `--snapshot` or a live scan.
struct Loaded(Analysis);

impl Loaded {
    fn load(source: &SourceArgs) -> Result<Loaded> {
        Ok(Loaded(Analysis::new(load_estate(source)?)))
    }

    fn report(&self) -> Report<'_> {
        Report {
            estate: &self.0.estate,
            topo: &self.0.topo,
        }
    }

    /// Prints the answer. The process exits next: freeing a large estate piece by
    /// piece would only delay it (a second at a million resources), so it is not freed.
    fn emit(self, text: &str) -> Result<()> {
        let printed = emit(text);
        std::mem::forget(self);
        printed
    }
}

impl std::ops::Deref for Loaded {
    type Target = Analysis;

    fn deref(&self) -> &Analysis {
        &self.0
    }
}

pub fn what_if(args: &WhatIfArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let mut domains = parse_domains(&a.estate, &args.lose)?;
    if let Some(event) = &args.health_event {
        let (notes, lost) = health_replay(event, &args.source.live, &a.estate)?;
        for note in &notes {
            eprintln!("blastmap: {note}");
        }
        for d in lost {
            if !domains.contains(&d) {
                domains.push(d);
            }
        }
    }
    let verdict = a.what_if(&LostDomains::new(&a.estate, &domains));
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::what_if(&a.report(), &verdict, a.findings(), format, color);
    a.emit(&text)?;
    Ok(0)
}

/// Reads an AWS Health event (from the API by its ARN, or saved as JSON in a file) and
/// says how it was read and what to lose to replay it on `estate`.
fn health_replay(
    event: &str,
    live: &LiveArgs,
    estate: &Estate,
) -> Result<(Vec<String>, Vec<Domain>)> {
    if !event.starts_with("arn:") {
        let path = std::path::Path::new(event);
        let event = blastmap_core::health::load(path).map_err(anyhow::Error::msg)?;
        let replay = blastmap_core::health::replay(estate, &event).map_err(anyhow::Error::msg)?;
        return Ok((replay.notes, replay.domains));
    }
    let arn = event;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let policy = health::HealthPolicy {
        call_timeout: Duration::from_secs(live.call_timeout.unwrap_or(crate::config::CALL_TIMEOUT)),
        max_attempts: live.max_attempts.unwrap_or(crate::config::MAX_ATTEMPTS),
    };
    let event = runtime.block_on(health::read_event(
        arn,
        live.profiles.first().map(String::as_str),
        policy,
    ))?;
    let replay = health::replay(&event, estate)?;
    Ok((replay.lines, replay.domains))
}

pub fn matrix(args: &MatrixArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::matrix(&a.report(), &a.matrix, format, color);
    a.emit(&text)?;
    Ok(0)
}

pub fn check(args: &CheckArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let tolerate = match args.tolerate {
        TolerateArg::Az => Tolerance::Az,
        TolerateArg::Region => Tolerance::Region,
    };
    let result = sim::check(&a.topo, &a.matrix, tolerate);
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::check(&a.report(), &result, format, color);
    a.emit(&text)?;
    Ok(if result.passed() {
        0
    } else {
        EXIT_CHECK_FAILED
    })
}

pub fn findings(args: &FindingsArgs) -> Result<u8> {
    // Codes are lower case; DB-SINGLE-AZ means db-single-az. Commas separate several.
    let codes: Vec<String> = args
        .codes
        .iter()
        .flat_map(|c| c.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty())
        .collect();
    for code in &codes {
        if findings::rule(code).is_none() {
            let known: Vec<&str> = findings::RULES.iter().map(|r| r.code).collect();
            bail!(
                "unknown finding code {code:?}; known codes: {}",
                known.join(", ")
            );
        }
    }
    let a = Loaded::load(&args.source)?;
    let min = args.severity.map(|s| match s {
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
    });
    let found: Vec<_> = (a.findings().iter())
        .filter(|f| min.is_none_or(|m| f.severity <= m))
        .filter(|f| codes.is_empty() || codes.iter().any(|c| c == f.code))
        .cloned()
        .collect();
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::findings(&a.report(), &found, format, color);
    a.emit(&text)?;
    Ok(0)
}

pub fn runbook(args: &WhatIfArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let domains = parse_domains(&a.estate, &args.lose)?;
    let verdict = a.what_if(&LostDomains::new(&a.estate, &domains));
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::runbook::render(&a.report(), &verdict, format, color);
    a.emit(&text)?;
    Ok(0)
}

pub fn config(cfg: &crate::config::Config) -> Result<u8> {
    emit(&cfg.describe())?;
    Ok(0)
}

pub fn backups(args: &BackupsArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let (format, color) = (format_of(&args.output), use_color(args.output.color));
    let text = report::backups::render(&a.report(), format, color);
    a.emit(&text)?;
    Ok(0)
}

/// `blastmap brief`: about fifteen lines of Markdown for an incident channel.
pub fn brief(args: &BriefArgs) -> Result<u8> {
    let a = Loaded::load(&args.source)?;
    let domains = parse_domains(&a.estate, &args.lose)?;
    let verdict = a.what_if(&LostDomains::new(&a.estate, &domains));
    let origin = match (&args.source.snapshot, args.source.demo) {
        (_, true) => "the demo estate".to_string(),
        (Some(path), _) => format!("snapshot {}", path.display()),
        (None, false) => "a live scan".to_string(),
    };
    let captured = a
        .estate
        .meta
        .captured_at
        .as_deref()
        .map(|t| format!(" (captured {})", report::brief::readable_time(t)))
        .unwrap_or_default();
    let text = report::brief::render(&a.report(), &verdict, &format!("{origin}{captured}"));
    match &args.out {
        Some(path) => {
            snapshot::write_atomic(path, text.as_bytes(), false)?;
            eprintln!("blastmap: wrote {}", path.display());
        }
        None => a.emit(&text)?,
    }
    Ok(0)
}

pub fn export(args: &ExportArgs) -> Result<u8> {
    if args.format == ExportFormatArg::Fis {
        return export_fis(args);
    }
    let f = &args.fis;
    if f.fis_role.is_some()
        || f.account.is_some()
        || f.stop_alarm.is_some()
        || f.duration != "PT30M"
    {
        bail!("--fis-role, --account, --duration and --stop-alarm are for --format fis only");
    }
    if args.format == ExportFormatArg::Markdown && !args.paths.is_empty() {
        bail!(
            "--path selects paths to draw; the Markdown report covers every path \
             (drop --path, or use --format mermaid or dot)"
        );
    }
    let a = Loaded::load(&args.source)?;
    let domains = parse_domains(&a.estate, &args.lose)?;
    let paths = match args.paths.as_slice() {
        [] => None,
        ids => Some(select_paths(&a.topo, ids)?),
    };
    let verdict = a.what_if(&LostDomains::new(&a.estate, &domains));
    let r = a.report();
    let diagram = |format| {
        report::diagram(&r, &verdict, paths.as_deref(), args.all, format).map_err(|too_big| {
            anyhow::anyhow!(
                "{too_big}. Draw less: --path ID for a few paths, --lose DOMAIN without --all \
                 for what a loss touches, or --format markdown, which splits the picture into a \
                 diagram per path; or use --format dot and render it as SVG"
            )
        })
    };
    let text = match args.format {
        ExportFormatArg::Mermaid => diagram(DiagramFormat::Mermaid)?,
        ExportFormatArg::Dot => {
            let text = diagram(DiagramFormat::Dot)?;
            let nodes = report::picture(&r, &verdict, paths.as_deref(), args.all)
                .graph
                .node_count();
            if nodes > report::dot::LARGE {
                eprintln!(
                    "blastmap: this graph has {nodes} nodes: render it as SVG (dot -Tsvg), which \
                     stays sharp when zoomed; a PNG this size is unreadable"
                );
            }
            text
        }
        ExportFormatArg::Markdown => report::markdown::report_with(
            &r,
            &verdict,
            a.findings(),
            &a.matrix,
            report::markdown::ReportOptions { all: args.all },
        ),
        ExportFormatArg::Fis => unreachable!("handled by export_fis"),
    };
    match &args.out {
        Some(path) => write_out(path, &text, false)?,
        None => emit(&text)?,
    }
    Ok(0)
}

pub fn diff(args: &DiffArgs) -> Result<u8> {
    let old = load_snapshot(&args.old, args.old_at.as_deref())?;
    let new = load_snapshot(&args.new, args.new_at.as_deref())?;
    let changes = compare::diff(&old.estate, &new.estate);
    let label = |read: &crate::store::Read| report::SnapshotLabel {
        file: read.origin.clone(),
        captured_at: read.estate.meta.captured_at.clone(),
    };
    let sides = report::DiffSides {
        old: label(&old),
        new: label(&new),
    };
    let text = report::diff(
        &sides,
        &changes,
        format_of(&args.output),
        use_color(args.output.color),
    );
    emit(&text)?;
    Ok(if args.fail_on_regression && changes.is_regression() {
        EXIT_REGRESSION
    } else {
        0
    })
}

pub fn redact(args: &RedactArgs) -> Result<u8> {
    // Writing over the input would replace what may be the only unredacted copy.
    if same_file(&args.input, &args.out) {
        bail!(
            "--out {} is the snapshot being redacted: choose another --out, so that the \
             original is kept",
            args.out.display()
        );
    }
    let estate = load_snapshot(&args.input, None)?.estate;
    let salt = match &args.salt {
        Some(secret) => Salt::given(secret)?,
        None => Salt::random()?,
    };
    let redacted = redact::redact(&estate, &salt, &args.keep_tags)?;
    write_out(&args.out, &snapshot::to_string(&redacted.estate), true)?;
    eprintln!(
        "blastmap: wrote {} ({} resources in {}, redacted{})",
        out_name(&args.out),
        redacted.estate.resources().len(),
        crate::text::count(redacted.estate.accounts().len(), "account", "accounts"),
        if args.salt.is_some() {
            ""
        } else {
            " with a random salt: pass --salt to redact several files consistently"
        }
    );
    Ok(0)
}

pub fn merge(args: &MergeArgs) -> Result<u8> {
    // Writing over an input would lose it if the merge is not what was wanted.
    if let Some(input) = args.inputs.iter().find(|i| same_file(i, &args.out)) {
        bail!(
            "--out {} is one of the snapshots being merged: choose another --out, so that \
             the inputs are kept",
            input.display()
        );
    }
    let mut inputs = Vec::with_capacity(args.inputs.len());
    for path in &args.inputs {
        inputs.push((path.display().to_string(), snapshot::load(path)?));
    }
    let merged = crate::model::merge(inputs).context("cannot merge these snapshots")?;
    for note in &merged.notes {
        eprintln!("note: {}", crate::text::printable_lines(note));
    }
    snapshot::write_estate(&args.out, &merged.estate)?;
    eprintln!(
        "blastmap: wrote {} ({} resources in {})",
        args.out.display(),
        merged.estate.resources().len(),
        crate::text::count(merged.estate.accounts().len(), "account", "accounts"),
    );
    Ok(0)
}

/// Whether two paths name one existing file (through links, `.`, `..`, hard links).
fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    let (Ok(x), Ok(y)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        (x.dev(), x.ino()) == (y.dev(), y.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = (x, y);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(p), Ok(q)) if p == q
        )
    }
}

pub fn completions(args: &CompletionsArgs) -> Result<u8> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "blastmap", &mut script);
    emit(&String::from_utf8(script).context("the completion script is not UTF-8")?)?;
    Ok(0)
}

/// The man page, as roff: `blastmap man > blastmap.1`, or every page into a directory.
pub fn man(args: &ManArgs) -> Result<u8> {
    let Some(dir) = &args.dir else {
        return emit(&man_page(Cli::command())?).map(|()| 0);
    };
    if dir.exists() && !dir.is_dir() {
        bail!(
            "{} is not a directory: --dir names the directory to write the man pages into",
            dir.display()
        );
    }
    // DIR itself is made when missing, but not its parents: a typo in them is an
    // error, as it is for --out (a missing directory is named, never created).
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => std::path::Path::new("."),
    };
    if !dir.is_dir() && !parent.is_dir() {
        let why = if parent.exists() {
            "is not a directory"
        } else {
            "does not exist"
        };
        bail!(
            "cannot write the man pages into {}: {} {why} (--dir makes DIR, not its parents)",
            dir.display(),
            parent.display()
        );
    }
    if !dir.is_dir() {
        std::fs::create_dir(dir)
            .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
    }
    // blastmap.1, then a page per command (as clap_mangen::generate_to names them), each
    // written atomically: a page is either the old one or the new one, never half.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pending = vec![cmd];
    while let Some(cmd) = pending.pop() {
        pending.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let file = dir.join(clap_mangen::Man::new(cmd.clone()).get_filename());
        snapshot::write_atomic(&file, man_page(cmd)?.as_bytes(), false)
            .with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
    }
    Ok(0)
}

/// One man page. The after-help text (examples lined up with their comments, notes
/// already wrapped for 80 columns) is set as preformatted text (`.nf`), which roff
/// would otherwise reflow into one paragraph.
fn man_page(cmd: clap::Command) -> Result<String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut page)
        .context("cannot render the man page")?;
    let page = String::from_utf8(page).context("the man page is not UTF-8")?;
    let Some(start) = page
        .find("\n.SH EXTRA\n")
        .map(|i| i + "\n.SH EXTRA\n".len())
    else {
        return Ok(page);
    };
    let end = page[start..]
        .find("\n.SH ")
        .map_or(page.len(), |i| start + i + 1);
    let body = page[start..end].trim_end_matches('\n');
    Ok(format!(
        "{}.nf\n{body}\n.fi\n{}",
        &page[..start],
        &page[end..]
    ))
}

/// `export --format fis`: the template to the output, the prediction to standard error.
fn export_fis(args: &ExportArgs) -> Result<u8> {
    let role = args.fis.fis_role.as_deref().context(
        "--format fis needs --fis-role ARN: the IAM role FIS runs the experiment as \
         (see fis/latest/userguide/getting-started-iam-service-role.html)",
    )?;
    let a = Loaded::load(&args.source)?;
    let domains = parse_domains(&a.estate, &args.lose)?;
    let [az] = domains[..] else {
        bail!(
            "--format fis interrupts exactly one AZ: give one --lose AZ_ID (e.g. --lose use1-az4)"
        );
    };
    let paths = match args.paths.as_slice() {
        [] => None,
        ids => Some(select_paths(&a.topo, ids)?),
    };
    let request = blastmap_core::fis::FisRequest {
        az,
        account: args.fis.account.as_deref(),
        paths: paths.as_deref(),
        role_arn: role,
        duration: &args.fis.duration,
        stop_alarm: args.fis.stop_alarm.as_deref(),
    };
    let x = blastmap_core::fis::experiment(&a.estate, &a.topo, &request)?;
    let text = report::json::to_string(&x.template);
    match &args.out {
        Some(path) => snapshot::write_atomic(path, text.as_bytes(), false)?,
        None => emit(&text)?,
    }
    eprint!(
        "{}",
        report::fis::prediction(&a.report(), &x, args.fis.stop_alarm.is_none())
    );
    Ok(0)
}
