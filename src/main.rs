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
    let result = match &cli.command {
        Some(Command::Config) => commands::config(&config),
        Some(Command::Scan(args)) => commands::scan(args),
        Some(Command::WhatIf(args)) => commands::what_if(args),
        Some(Command::Matrix(args)) => commands::matrix(args),
        Some(Command::Check(args)) => commands::check(args),
        Some(Command::Findings(args)) => commands::findings(args),
        Some(Command::Runbook(args)) => commands::runbook(args),
        Some(Command::Backups(args)) => commands::backups(args),
        Some(Command::Export(args)) => commands::export(args),
        Some(Command::Diff(args)) => commands::diff(args),
        Some(Command::Redact(args)) => commands::redact(args),
        Some(Command::Completions(args)) => commands::completions(args),
        Some(Command::Man(args)) => commands::man(args),
        Some(Command::Demo) => tui::run(tui::Start::Demo).map(|_| 0).map_err(Into::into),
        Some(Command::Open { file: Some(file) }) => tui::run(tui::Start::Snapshot(file.clone()))
            .map(|_| 0)
            .map_err(Into::into),
        Some(Command::Open { file: None }) => Err(anyhow::anyhow!(
            "open needs a snapshot FILE (or set snapshot = \"...\" in the config file: blastmap config)"
        )),
        None => tui::run(tui::Start::Live(commands::scan_config(&cli.live)))
            .map(|_| 0)
            .map_err(Into::into),
    };
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
