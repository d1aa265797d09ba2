//! Writes a synthetic estate snapshot for benchmarks and scale tests.
//!
//!     cargo run --release --example synth -- --resources 100000 --out /tmp/estate-100k.json

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use blastmap_core::snapshot;
use blastmap_core::synth::{SynthConfig, generate};

const USAGE: &str = "usage: synth --resources N [--seed S] [--accounts A] [--regions R] --out FILE";

fn parse() -> Result<(SynthConfig, PathBuf), String> {
    let mut cfg = SynthConfig::default();
    let mut out = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.to_string());
        }
        let value = args
            .next()
            .ok_or(format!("{flag} needs a value\n{USAGE}"))?;
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("{flag}: {value:?} is not a number"))
        };
        match flag.as_str() {
            "--resources" => cfg.resources = number()? as usize,
            "--seed" => cfg.seed = number()?,
            "--accounts" => cfg.accounts = Some(number()? as usize),
            "--regions" => cfg.regions = number()? as usize,
            "--out" => out = Some(PathBuf::from(&value)),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok((cfg, out.ok_or(format!("--out is required\n{USAGE}"))?))
}

fn main() -> ExitCode {
    let (cfg, out) = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let estate = generate(&cfg);
    if let Err(e) = snapshot::write_estate(&out, &estate) {
        eprintln!("{e}");
        return ExitCode::from(2);
    }
    eprintln!(
        "wrote {}: {} resources, {} accounts, {} Regions, {} AZs in {:.1?}",
        out.display(),
        estate.resources().len(),
        estate.accounts().len(),
        estate.regions().len(),
        estate.azs().len(),
        started.elapsed()
    );
    ExitCode::SUCCESS
}
