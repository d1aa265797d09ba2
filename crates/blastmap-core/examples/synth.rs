//! Writes a synthetic estate snapshot for benchmarks and scale tests.
//!
//!     cargo run --release -p blastmap-core --features synth --example synth -- --resources 100000 --out /tmp/estate-100k.json
//!
//! `--shape chain:N[:TGS][:cycle]` or `--shape layered:LAYERS:WIDTH:FANOUT` writes one of
//! the hostile shapes instead (declared dependencies between load balancers).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use blastmap_core::model::Estate;
use blastmap_core::snapshot;
use blastmap_core::synth::{SynthConfig, generate, shapes};

const USAGE: &str = "usage: synth (--resources N [--seed S] [--accounts A] [--regions R] | --shape chain:N[:TGS][:cycle] | --shape layered:L:W:F) --out FILE";

/// A hostile shape, from `chain:N[:TGS][:cycle]` or `layered:L:W:F`.
fn shape(spec: &str) -> Result<Estate, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let n = |i: usize, default: usize| -> Result<usize, String> {
        parts.get(i).map_or(Ok(default), |p| {
            p.parse()
                .map_err(|_| format!("--shape {spec}: {p:?} is not a number"))
        })
    };
    match parts[0] {
        "chain" => Ok(shapes::lb_chain(
            n(1, 100)?,
            n(2, 2)?,
            parts.get(3) == Some(&"cycle"),
        )),
        "layered" => Ok(shapes::layered(n(1, 10)?, n(2, 8)?, n(3, 3)?)),
        other => Err(format!("unknown shape {other:?}\n{USAGE}")),
    }
}

fn parse() -> Result<(SynthConfig, Option<String>, PathBuf), String> {
    let mut cfg = SynthConfig::default();
    let mut out = None;
    let mut shape = None;
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
            "--shape" => shape = Some(value.clone()),
            other => return Err(format!("unknown flag {other}\n{USAGE}")),
        }
    }
    Ok((
        cfg,
        shape,
        out.ok_or(format!("--out is required\n{USAGE}"))?,
    ))
}

fn main() -> ExitCode {
    let (cfg, shape_spec, out) = match parse() {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let estate = match shape_spec.as_deref().map(shape) {
        None => generate(&cfg),
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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
