use std::process::ExitCode;

use clap::Parser;

use blastmap::cli::{Cli, Command};
use blastmap::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Command::WhatIf(args)) => commands::what_if(args),
        Some(Command::Matrix(args)) => commands::matrix(args),
        Some(Command::Check(args)) => commands::check(args),
        Some(Command::Findings(args)) => commands::findings(args),
        Some(Command::Export(args)) => commands::export(args),
        Some(Command::Diff(args)) => commands::diff(args),
        Some(Command::Redact(args)) => commands::redact(args),
        Some(Command::Completions(args)) => commands::completions(args),
        Some(Command::Man(args)) => commands::man(args),
        None => {
            eprintln!("blastmap: no command given; try `blastmap --help`");
            Ok(2)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
