//! The non-interactive commands: load an estate, ask the engine, print a report.

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{Context as _, Result, bail};

use crate::cli::{
    CheckArgs, ColorArg, FindingsArgs, FormatArg, LiveArgs, MatrixArgs, OutputArgs, ScanArgs,
    SeverityArg, SourceArgs, TolerateArg, WhatIfArgs,
};
use crate::discover::{self, DiscoverError, ScanConfig, ScanOutcome};
use crate::findings::{self, Severity};
use crate::model::{Domain, Estate};
use crate::progress::{self, ScanProgress};
use crate::report::{self, Format, Report};
use crate::sim::{self, LostDomains, Matrix, Tolerance, Topology};
use crate::{demo, snapshot};

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
    } else if err.downcast_ref::<Cancelled>().is_some() {
        EXIT_CANCELLED
    } else {
        discover::EXIT_BAD_INPUT
    }
}

/// Loads the estate the source flags name: the demo, a snapshot, or a live scan.
pub fn load_estate(source: &SourceArgs) -> Result<Estate> {
    if source.demo {
        return Ok(demo::estate()?);
    }
    if source.live.is_given() {
        let outcome = scan_live(&source.live, true)?;
        if let Some(gaps) = progress::gap_summary(&outcome.estate) {
            eprintln!("{gaps}");
        }
        return Ok(outcome.estate);
    }
    match &source.snapshot {
        Some(path) => Ok(snapshot::load(path)?),
        None => bail!(
            "no estate given: pass --demo to use the embedded demo estate, --snapshot FILE \
             to read one written by `blastmap scan`, or --region REGION (with --profile NAME) \
             to scan live"
        ),
    }
}

/// The scan a set of live flags asks for.
pub fn scan_config(live: &LiveArgs) -> ScanConfig {
    ScanConfig {
        profiles: live.profiles.clone(),
        role_arns: live.role_arns.clone(),
        regions: live.regions.clone(),
        all_regions: live.all_regions,
        overlay: live.overlay.clone(),
        max_in_flight: live.max_requests as usize,
        call_timeout: Duration::from_secs(live.call_timeout),
        max_attempts: live.max_attempts,
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
    let outcome = scan_live(&args.live, !args.quiet)?;
    snapshot::write_estate(&args.out, &outcome.estate)?;
    if !args.quiet {
        eprintln!(
            "{}; wrote {}",
            progress::scan_summary(&outcome),
            args.out.display()
        );
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

/// Prints a finished report; a closed pipe (`| head`) is not an error.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to standard output"),
    }
}

/// Parses `--lose` values against the estate.
pub fn parse_domains(estate: &Estate, values: &[String]) -> Result<Vec<Domain>> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .filter(|v| !v.trim().is_empty())
        .map(|v| Ok(estate.parse_domain(v)?))
        .collect()
}

pub fn what_if(args: &WhatIfArgs) -> Result<u8> {
    let estate = load_estate(&args.source)?;
    let domains = parse_domains(&estate, &args.lose)?;
    let topo = Topology::build(&estate);
    let lost = LostDomains::new(&estate, &domains);
    let verdict = sim::what_if(&topo, &lost);
    let matrix = Matrix::build(&estate, &topo);
    let found = findings::analyze(&estate, &topo, &matrix);
    let r = Report {
        estate: &estate,
        topo: &topo,
    };
    let text = report::what_if(
        &r,
        &verdict,
        &found,
        format_of(&args.output),
        use_color(args.output.color),
    );
    emit(&text)?;
    Ok(0)
}

pub fn matrix(args: &MatrixArgs) -> Result<u8> {
    let estate = load_estate(&args.source)?;
    let topo = Topology::build(&estate);
    let matrix = Matrix::build(&estate, &topo);
    let r = Report {
        estate: &estate,
        topo: &topo,
    };
    let text = report::matrix(
        &r,
        &matrix,
        format_of(&args.output),
        use_color(args.output.color),
    );
    emit(&text)?;
    Ok(0)
}

pub fn check(args: &CheckArgs) -> Result<u8> {
    let estate = load_estate(&args.source)?;
    let topo = Topology::build(&estate);
    let matrix = Matrix::build(&estate, &topo);
    let tolerate = match args.tolerate {
        TolerateArg::Az => Tolerance::Az,
        TolerateArg::Region => Tolerance::Region,
    };
    let result = sim::check(&estate, &topo, &matrix, tolerate);
    let r = Report {
        estate: &estate,
        topo: &topo,
    };
    let text = report::check(
        &r,
        &result,
        format_of(&args.output),
        use_color(args.output.color),
    );
    emit(&text)?;
    Ok(if result.passed() {
        0
    } else {
        EXIT_CHECK_FAILED
    })
}

pub fn findings(args: &FindingsArgs) -> Result<u8> {
    for code in &args.codes {
        if findings::rule(code).is_none() {
            let known: Vec<&str> = findings::RULES.iter().map(|r| r.code).collect();
            bail!(
                "unknown finding code {code:?}; known codes: {}",
                known.join(", ")
            );
        }
    }
    let estate = load_estate(&args.source)?;
    let topo = Topology::build(&estate);
    let matrix = Matrix::build(&estate, &topo);
    let min = args.severity.map(|s| match s {
        SeverityArg::High => Severity::High,
        SeverityArg::Medium => Severity::Medium,
        SeverityArg::Low => Severity::Low,
    });
    let found: Vec<_> = findings::analyze(&estate, &topo, &matrix)
        .into_iter()
        .filter(|f| min.is_none_or(|m| f.severity <= m))
        .filter(|f| args.codes.is_empty() || args.codes.iter().any(|c| c == f.code))
        .collect();
    let r = Report {
        estate: &estate,
        topo: &topo,
    };
    let text = report::findings(
        &r,
        &found,
        format_of(&args.output),
        use_color(args.output.color),
    );
    emit(&text)?;
    Ok(0)
}
