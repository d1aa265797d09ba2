use std::process::ExitCode;

use clap::Parser;

use blastmap::cli::{Cli, Command};
use blastmap::commands;
use blastmap::tui;

fn main() -> ExitCode {
    let mut cli = Cli::parse();
    let config = match blastmap::config::load()
        .and_then(|c| c.apply(&mut cli.command, &mut cli.live).map(|_| c))
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let tui = matches!(
        cli.command,
        None | Some(Command::Demo) | Some(Command::Open { .. })
    );
    let rust_log = std::env::var("RUST_LOG").ok();
    let sink = blastmap::logging::sink(cli.log_file.as_deref(), rust_log.as_deref(), tui);
    if let Err(e) = blastmap::logging::init(&sink, rust_log.as_deref()) {
        eprintln!("error: {e:#}");
        return ExitCode::from(2);
    }
    let result = match &cli.command {
        Some(Command::Config) => commands::config(&config),
        Some(Command::Scan(args)) => commands::scan(args),
        Some(Command::WhatIf(args)) => commands::what_if(args),
        Some(Command::Matrix(args)) => commands::matrix(args),
        Some(Command::Check(args)) => commands::check(args),
        Some(Command::Findings(args)) => commands::findings(args),
        Some(Command::Runbook(args)) => commands::runbook(args),
        Some(Command::Backups(args)) => commands::backups(args),
        Some(Command::Brief(args)) => commands::brief(args),
        Some(Command::Export(args)) => commands::export(args),
        Some(Command::Diff(args)) => commands::diff(args),
        Some(Command::Redact(args)) => commands::redact(args),
        Some(Command::Merge(args)) => commands::merge(args),
        Some(Command::Completions(args)) => commands::completions(args),
        Some(Command::Man(args)) => commands::man(args),
        Some(Command::Demo) => tui::run(tui::Start::Demo).map(|_| 0).map_err(Into::into),
        Some(Command::Open {
            file: Some(file),
            at,
        }) => open(file, at.as_deref()),
        Some(Command::Open { file: None, .. }) => Err(anyhow::anyhow!(
            "open needs a snapshot FILE (or set snapshot = \"...\" in the config file: blastmap config)"
        )),
        None => tui::run(tui::Start::Live(commands::scan_config(&cli.live)))
            .map(|_| 0)
            .map_err(Into::into),
    };
    if tui && sink == blastmap::logging::Sink::Off && rust_log.is_some_and(|v| !v.is_empty()) {
        eprintln!(
            "blastmap: RUST_LOG is set, but the TUI never logs to its terminal: add \
             --log-file FILE to keep a log"
        );
    }
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // Errors quote file contents, names and ids: shown, never acted on.
            eprintln!(
                "error: {}",
                blastmap::text::printable_lines(&format!("{e:#}"))
            );
            ExitCode::from(commands::exit_code_of(&e))
        }
    }
}

/// `blastmap open`: an `--at` that cannot be a time is refused before the TUI starts.
fn open(file: &std::path::Path, at: Option<&str>) -> anyhow::Result<u8> {
    if let Some(at) = at {
        blastmap::store::parse_at(at)?;
        if !blastmap::store::is_s3(file) {
            anyhow::bail!(
                "--at picks among the snapshots under an s3:// prefix, and {} is a file",
                file.display()
            );
        }
    }
    tui::run(tui::Start::Snapshot(
        file.to_path_buf(),
        at.map(str::to_string),
    ))?;
    Ok(0)
}
