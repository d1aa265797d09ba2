//! Scan progress on stderr: one summary line (accounts done, calls a second, gaps,
//! time left) whatever the number of accounts, notes above it, and the summary of
//! what could not be read.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::discover::{ScanCounts, ScanEvent, ScanOutcome};
use crate::model::{CoverageStatus, Estate};
use crate::text::{count, printable, printable_lines, verb};

/// Shows scan events as they come.
pub struct ScanProgress {
    line: Option<ProgressBar>,
    notes: bool,
}

impl ScanProgress {
    /// `line`: draw the summary line (a terminal); `notes`: print notes as they come.
    pub fn new(line: bool, notes: bool) -> ScanProgress {
        let line = line.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message("scanning…");
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        ScanProgress { line, notes }
    }

    pub fn on(&mut self, event: ScanEvent) {
        match event {
            ScanEvent::Note(text) => {
                if !self.notes {
                    return;
                }
                // Notes quote names and tags: shown, never acted on by the terminal.
                let text = printable_lines(&text);
                match &self.line {
                    // Printed above the line, so it does not tear.
                    Some(line) => line.println(format!("note: {text}")),
                    None => eprintln!("note: {text}"),
                }
            }
            ScanEvent::Progress(counts) => {
                if let Some(line) = &self.line {
                    line.set_message(summary_line(&counts));
                }
            }
            // Per-unit states are for the TUI; one line says enough here.
            ScanEvent::Unit { .. } => {}
        }
    }

    /// Removes the line (the summary follows in plain text).
    pub fn clear(&self) {
        if let Some(line) = &self.line {
            line.finish_and_clear();
        }
    }
}

/// `312/1,000 accounts · 2,431 calls/s · 3 gaps · 4m 10s left`, plus retries and
/// throttles when there were any.
pub fn summary_line(c: &ScanCounts) -> String {
    let total = if c.accounts_known {
        thousands(c.accounts as u64)
    } else {
        format!("{}+", thousands(c.accounts as u64))
    };
    let mut line = format!(
        "{}/{total} accounts · {} calls/s · {}",
        thousands(c.accounts_done as u64),
        thousands(c.calls_per_second().round() as u64),
        match c.gaps {
            0 => "no gaps".to_string(),
            n => count(n, "gap", "gaps"),
        }
    );
    if c.throttled > 0 || c.retries > 0 {
        line.push_str(&format!(
            " · {} throttled, {} retried",
            thousands(c.throttled),
            thousands(c.retries)
        ));
    }
    match c.eta() {
        Some(eta) if c.accounts_done < c.accounts || !c.accounts_known => {
            line.push_str(&format!(" · {} left", duration(eta)));
        }
        _ => {}
    }
    line
}

/// `1,234,567`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `45s`, `4m 10s`, `1h 02m`.
fn duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m {:02}s", s / 60, s % 60),
        _ => format!("{}h {:02}m", s / 3600, (s % 3600) / 60),
    }
}

fn status_word(status: CoverageStatus) -> &'static str {
    match status {
        CoverageStatus::Ok => "ok",
        CoverageStatus::Denied => "denied",
        CoverageStatus::Throttled => "throttled",
        CoverageStatus::Error => "error",
    }
}

/// The coverage gaps, one line each, or nothing when everything was read.
pub fn gap_summary(estate: &Estate) -> Option<String> {
    let gaps: Vec<String> = estate
        .coverage_gaps()
        .map(|c| {
            let account = estate
                .accounts()
                .iter()
                .find(|a| a.id == c.account)
                .map_or(c.account.as_str(), |a| a.name.as_str());
            // A snapshot's coverage entries are text like any other in the file.
            let line = format!(
                "  {account} {} {}: {} — {}",
                c.region,
                c.service.name(),
                status_word(c.status),
                c.message.as_deref().unwrap_or("no detail")
            );
            printable(&line).into_owned()
        })
        .collect();
    if gaps.is_empty() {
        return None;
    }
    Some(format!(
        "{}: {} not read, which is not the same as empty:\n{}",
        count(gaps.len(), "coverage gap", "coverage gaps"),
        verb(gaps.len(), "this was", "these were"),
        gaps.join("\n")
    ))
}

/// One line on what a scan read, and what it cost.
pub fn scan_summary(outcome: &ScanOutcome) -> String {
    let e = &outcome.estate;
    format!(
        "scanned {} in {}: {}, {} ({} retried, {} throttled), {:.1}s",
        count(e.accounts().len(), "account", "accounts"),
        count(e.region_count(), "Region", "Regions"),
        count(e.resources().len(), "resource", "resources"),
        count(outcome.api_calls, "API call", "API calls"),
        outcome.retries,
        outcome.throttled,
        outcome.elapsed.as_secs_f64()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_says_accounts_pace_gaps_and_time_left() {
        let c = ScanCounts {
            accounts: 1000,
            accounts_known: true,
            accounts_started: 400,
            accounts_done: 312,
            units: 400 * 17 * 9,
            units_done: 312 * 17 * 9,
            gaps: 3,
            calls: 243_100,
            retries: 12,
            throttled: 10,
            elapsed: Duration::from_secs(100),
        };
        let line = summary_line(&c);
        assert!(
            line.starts_with(
                "312/1,000 accounts · 2,431 calls/s · 3 gaps · 10 throttled, 12 retried · "
            ),
            "{line}"
        );
        // 312 of 1,000 accounts' worth of units in 100 s: 688 more take about 220 s.
        assert!(line.ends_with("3m 40s left"), "{line}");
        let listing = ScanCounts {
            accounts: 40,
            accounts_known: false,
            ..Default::default()
        };
        assert_eq!(
            summary_line(&listing),
            "0/40+ accounts · 0 calls/s · no gaps"
        );
    }

    #[test]
    fn durations_and_counts_read_at_a_glance() {
        assert_eq!(duration(Duration::from_secs(45)), "45s");
        assert_eq!(duration(Duration::from_secs(250)), "4m 10s");
        assert_eq!(duration(Duration::from_secs(3720)), "1h 02m");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
    }
}
