//! Logs for what a summary cannot explain (`--log-file FILE`, `RUST_LOG`), off
//! by default. Every AWS call is one line (target `blastmap::aws`: account,
//! Region, operation, attempt, latency, error code). The TUI never logs to the
//! terminal it draws on: without `--log-file` it logs nothing.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context as _, Result};
use tracing::Level;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::filter_fn;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// What is logged when `RUST_LOG` is not set: blastmap's own events, each AWS call.
pub const DEFAULT_FILTER: &str = "blastmap=info";

/// Where the log goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    Off,
    File(PathBuf),
    Stderr,
}

/// `--log-file` wins; else `RUST_LOG` logs to standard error, except in the TUI.
pub fn sink(log_file: Option<&Path>, rust_log: Option<&str>, tui: bool) -> Sink {
    match (log_file, rust_log.filter(|v| !v.trim().is_empty())) {
        (Some(path), _) => Sink::File(path.to_path_buf()),
        (None, Some(_)) if !tui => Sink::Stderr,
        _ => Sink::Off,
    }
}

/// Starts logging to `sink`, with `RUST_LOG` (else [`DEFAULT_FILTER`]) choosing what.
pub fn init(sink: &Sink, rust_log: Option<&str>) -> Result<()> {
    let filter = match rust_log.filter(|v| !v.trim().is_empty()) {
        Some(v) => EnvFilter::try_new(v).map_err(|e| {
            anyhow::anyhow!(
                "RUST_LOG={v:?} is not a valid log filter ({e}): try RUST_LOG=blastmap=debug"
            )
        })?,
        None => EnvFilter::new(DEFAULT_FILTER),
    };
    // The SDK's own debug and trace events print whole requests and answers (session
    // tokens, the credentials AssumeRole returns): other crates stop at INFO,
    // whatever RUST_LOG asks for.
    let cap =
        filter_fn(|meta| meta.target().starts_with("blastmap") || *meta.level() <= Level::INFO);
    match sink {
        Sink::Off => {}
        Sink::Stderr => {
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(filter)
                .with_filter(cap);
            tracing_subscriber::registry().with(layer).try_init()?;
        }
        Sink::File(path) => {
            let file = open_log(path)?;
            let layer = tracing_subscriber::fmt::layer()
                .with_writer(Mutex::new(file))
                .with_filter(filter)
                .with_filter(cap);
            tracing_subscriber::registry().with(layer).try_init()?;
        }
    }
    Ok(())
}

/// Appends to the log (created with mode 0600: it names accounts and resources).
fn open_log(path: &Path) -> Result<std::fs::File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    options
        .open(path)
        .with_context(|| format!("cannot open the log file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logs_are_off_unless_asked_for() {
        assert_eq!(sink(None, None, false), Sink::Off);
        assert_eq!(sink(None, Some(""), false), Sink::Off);
        assert_eq!(sink(None, Some("debug"), false), Sink::Stderr);
        let file = Path::new("scan.log");
        assert_eq!(sink(Some(file), None, false), Sink::File(file.into()));
    }

    #[test]
    fn the_tui_never_logs_to_its_terminal() {
        assert_eq!(sink(None, Some("debug"), true), Sink::Off);
        let file = Path::new("tui.log");
        assert_eq!(
            sink(Some(file), Some("debug"), true),
            Sink::File(file.into())
        );
    }
}
