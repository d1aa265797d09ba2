//! Loading an estate (from the command line, `:open` or a live scan) and the
//! simulations of its scenarios coming back.

use std::sync::Arc;

use crate::discover::ScanEvent;
use crate::sim::{LostDomains, Verdict};
use crate::tui::action::Effect;
use crate::tui::engine::Loaded;

use super::{App, SUMMARY_FLASH_TICKS, first_line};

impl App {
    /// Shows a freshly loaded estate, with nothing lost.
    fn install(&mut self, loaded: Loaded) {
        let engine = loaded.engine;
        self.verdict = Some(loaded.baseline);
        self.lost = Some(LostDomains::none(&engine.estate));
        // Domains of another estate mean nothing here.
        self.history.clear();
        self.change = None;
        self.generation += 1;
        self.simulating = false;
        self.loading = None;
        let verdict = self.verdict.as_deref();
        self.domains.install(&engine);
        self.paths.install(&engine, verdict);
        self.matrix.install(&engine, verdict);
        self.findings.install(&engine);
        self.backups.install(&engine);
        self.engine = Some(engine);
    }

    pub(super) fn on_loaded(
        &mut self,
        generation: u64,
        result: Result<Box<Loaded>, String>,
    ) -> Vec<Effect> {
        if generation != self.load_generation {
            // Superseded (a :open after a rescan started, or the other way round).
            if self.scan_generation == Some(generation) {
                self.scanning = false;
                self.scan_generation = None;
            }
            return Vec::new();
        }
        self.scanning = false;
        self.scan_generation = None;
        self.opening = None;
        let loaded = match result {
            Ok(loaded) => loaded,
            Err(message) => {
                if self.engine.is_none() && !self.live && generation == 0 {
                    // The estate asked for on the command line cannot be read:
                    // say so on the terminal, not in an empty TUI.
                    self.fatal = Some(message);
                    self.quit = true;
                    return Vec::new();
                }
                if self.engine.is_none() {
                    self.loading = Some(message.clone());
                }
                self.flash(first_line(&message), true);
                return Vec::new();
            }
        };
        // A rescan keeps the scenario: the same domains, by name, lost again.
        let lost_names: Vec<String> = match &self.engine {
            Some(old) => self
                .lost_domains()
                .iter()
                .map(|d| old.estate.domain_name(*d).to_string())
                .collect(),
            None => Vec::new(),
        };
        let origin = loaded.engine.origin_label();
        self.install(*loaded);
        self.flash(format!("loaded {origin}"), false);
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        let lost: Vec<_> = lost_names
            .iter()
            .filter_map(|n| engine.estate.parse_domain(n).ok())
            .collect();
        if lost.is_empty() {
            Vec::new()
        } else {
            self.lost = Some(LostDomains::new(&engine.estate, &lost));
            self.simulate()
        }
    }

    pub(super) fn on_simulated(&mut self, generation: u64, verdict: Arc<Verdict>) {
        if generation != self.generation {
            return;
        }
        // The change and its answer, at once: "lost use1-az2: 4 down, 4 degraded".
        if let Some(change) = self.change.take() {
            let (ok, degraded, down) = verdict.counts();
            self.flash(
                format!("{change}: {down} down, {degraded} degraded, {ok} ok"),
                false,
            );
            self.summary_flash = SUMMARY_FLASH_TICKS;
        }
        self.verdict = Some(verdict);
        self.simulating = false;
        if let Some(engine) = self.engine.clone() {
            let verdict = self.verdict.as_deref();
            self.paths.on_verdict(&engine, verdict);
            self.matrix.reorder(&engine, verdict);
            if !self.domains.filter.is_empty() {
                // `LOST` is text the tree shows: the filter sees the new scenario.
                self.domains.rebuild(&engine, verdict.map(|v| &v.lost));
            }
        }
    }

    pub(in crate::tui) fn rescan(&mut self) -> Vec<Effect> {
        if !self.live {
            self.flash(
                "r rescans live estates only (start blastmap with AWS flags)",
                true,
            );
            return Vec::new();
        }
        if self.scanning {
            self.flash("a scan is already under way", false);
            return Vec::new();
        }
        self.scanning = true;
        self.scan_units.clear();
        self.scan_notes.clear();
        self.scan_progress = None;
        if self.engine.is_none() {
            self.loading = Some("scanning AWS (read-only)…".to_string());
        }
        let generation = self.next_load();
        self.scan_generation = Some(generation);
        vec![Effect::Rescan { generation }]
    }

    /// A new load (snapshot or scan) supersedes every earlier one.
    pub(in crate::tui) fn next_load(&mut self) -> u64 {
        self.opening = None;
        self.load_generation += 1;
        self.load_generation
    }

    pub(super) fn on_scan_event(&mut self, ev: ScanEvent) {
        match ev {
            ScanEvent::Unit {
                account,
                region,
                service,
                state,
            } => {
                self.scan_units
                    .entry((account, region))
                    .or_default()
                    .insert(service, state);
            }
            ScanEvent::Note(text) => self.scan_notes.push(text),
            ScanEvent::Progress(counts) => self.scan_progress = Some(counts),
        }
    }
}
