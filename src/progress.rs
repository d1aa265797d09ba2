//! Scan progress on stderr: one line per account and Region (indicatif), notes,
//! and the summary of what could not be read.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::discover::{ScanEvent, ScanOutcome, UnitState};
use crate::model::{CoverageStatus, Estate, Service};
use crate::text::{count, printable, printable_lines, verb};

/// Shows scan events as they come.
pub struct ScanProgress {
    multi: Option<MultiProgress>,
    notes: bool,
    bars: HashMap<(String, String), UnitsBar>,
}

/// The units of one account and Region, and the bar that shows them.
struct UnitsBar {
    bar: ProgressBar,
    states: BTreeMap<Service, UnitState>,
}

impl ScanProgress {
    /// `bars`: draw progress bars (a terminal); `notes`: print notes as they come.
    pub fn new(bars: bool, notes: bool) -> ScanProgress {
        ScanProgress {
            multi: bars.then(|| MultiProgress::with_draw_target(ProgressDrawTarget::stderr())),
            notes,
            bars: HashMap::new(),
        }
    }

    pub fn on(&mut self, event: ScanEvent) {
        match event {
            ScanEvent::Note(text) => {
                if !self.notes {
                    return;
                }
                // Notes quote names and tags: shown, never acted on by the terminal.
                let text = printable_lines(&text);
                match &self.multi {
                    // Printed above the bars, so they do not tear.
                    Some(m) => {
                        let _ = m.println(format!("note: {text}"));
                    }
                    None => eprintln!("note: {text}"),
                }
            }
            ScanEvent::Unit {
                account,
                region,
                service,
                state,
            } => {
                let Some(multi) = &self.multi else {
                    return;
                };
                let entry = self
                    .bars
                    .entry((account.clone(), region.clone()))
                    .or_insert_with(|| {
                        let bar = multi.add(ProgressBar::new(0));
                        bar.set_style(
                            ProgressStyle::with_template(
                                "{spinner} {prefix:<32} {pos}/{len} {wide_msg}",
                            )
                            .unwrap_or_else(|_| ProgressStyle::default_bar()),
                        );
                        bar.set_prefix(printable(&format!("{account} {region}")).into_owned());
                        bar.enable_steady_tick(Duration::from_millis(120));
                        UnitsBar {
                            bar,
                            states: BTreeMap::new(),
                        }
                    });
                entry.states.insert(service, state);
                let done = entry.states.values().filter(|s| s.is_done()).count();
                entry.bar.set_length(entry.states.len() as u64);
                entry.bar.set_position(done as u64);
                entry.bar.set_message(describe_units(&entry.states));
                if done == entry.states.len() {
                    entry.bar.finish();
                }
            }
        }
    }

    /// Removes the bars (the summary follows in plain text).
    pub fn clear(&self) {
        if let Some(m) = &self.multi {
            let _ = m.clear();
        }
    }
}

/// `ec2 ok · elbv2 … · rds denied`
fn describe_units(states: &BTreeMap<Service, UnitState>) -> String {
    states
        .iter()
        .map(|(service, state)| {
            let state = match state {
                UnitState::Pending => "·",
                UnitState::Running => "…",
                UnitState::Done(s) => status_word(*s),
                UnitState::Failed(f) => f.label(),
            };
            format!("{} {state}", service.name())
        })
        .collect::<Vec<_>>()
        .join("  ")
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

/// One line on what a scan read.
pub fn scan_summary(outcome: &ScanOutcome) -> String {
    let e = &outcome.estate;
    format!(
        "scanned {} in {}: {}, {}, {:.1}s",
        count(e.accounts().len(), "account", "accounts"),
        count(e.region_count(), "Region", "Regions"),
        count(e.resources().len(), "resource", "resources"),
        count(outcome.api_calls, "API call", "API calls"),
        outcome.elapsed.as_secs_f64()
    )
}
