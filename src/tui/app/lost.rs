//! Editing the lost set: `:lose`, `:restore`, `space`, `a`, `x`, `:clear` and `u`
//! all go through the engine's [`LostDomains`], whose rules say what an edit did;
//! this file only words it, keeps a short history for `u`, and notes the change so
//! that the simulation's answer can be announced with it.

use crate::model::{Domain, NamedDomain};
use crate::sim::{Lose, LostDomains, Restore};
use crate::tui::action::Effect;

use super::{App, Screen};

/// Changes `u` can undo.
pub const HISTORY: usize = 20;

impl App {
    /// The domains lost, in the order they were lost (none before an estate).
    pub fn lost_domains(&self) -> &[Domain] {
        self.lost.as_ref().map_or(&[], |l| l.in_order())
    }

    /// Makes `lost` the scenario and asks for its simulation; `said` is the change,
    /// announced with the simulation's answer.
    pub(super) fn set_lost(&mut self, lost: LostDomains, said: String) -> Vec<Effect> {
        if let Some(before) = self.lost.replace(lost)
            && Some(&before) != self.lost.as_ref()
        {
            self.remember(before);
        }
        self.change = Some(said);
        self.simulate()
    }

    /// Keeps the lost set as it was before a change, for `u`.
    fn remember(&mut self, before: LostDomains) {
        if self.history.len() == HISTORY {
            self.history.remove(0);
        }
        self.history.push(before);
    }

    /// Asks for the simulation of the lost set as it is; an older result is dropped.
    pub(super) fn simulate(&mut self) -> Vec<Effect> {
        let Some(lost) = self.lost.clone() else {
            return Vec::new();
        };
        self.generation += 1;
        self.simulating = true;
        vec![Effect::Simulate {
            generation: self.generation,
            lost,
        }]
    }

    /// Loses each domain, saying which were lost (and what an AZ name meant in its
    /// account) and which already were.
    pub(in crate::tui) fn lose(&mut self, named: Vec<NamedDomain>) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.clone()) else {
            return Vec::new();
        };
        let before = lost.clone();
        let mut lost = lost;
        let mut ds: Vec<NamedDomain> = Vec::new();
        for d in named {
            if !ds.iter().any(|x| x.domain == d.domain) {
                ds.push(d);
            }
        }
        // An AZ named with its Region in one command is lost with it, wherever
        // in the command the Region comes.
        let mut with_regions = lost.clone();
        for d in ds.iter().filter(|d| matches!(d.domain, Domain::Region(_))) {
            with_regions.lose(d.domain);
        }
        let (mut added, mut already) = (Vec::new(), Vec::new());
        let mut first_added = None;
        for d in &ds {
            // What an AZ name meant in its account: "use1-az4 (us-east-1a in shop-prod)".
            let name = match &d.az_name {
                Some((a, az_name)) => format!(
                    "{} ({az_name} in {})",
                    engine.estate.domain_name(d.domain),
                    engine.estate.account(*a).name
                ),
                None => engine.estate.domain_name(d.domain).to_string(),
            };
            let outcome = match with_regions.lose(d.domain) {
                Lose::WithRegion(r) => Lose::WithRegion(r),
                _ => lost.lose(d.domain),
            };
            match outcome {
                Lose::Lost => {
                    first_added.get_or_insert((d.domain, d.az_name.as_ref().map(|(a, _)| *a)));
                    added.push(name)
                }
                Lose::AlreadyLost => already.push(name),
                Lose::WithRegion(r) => {
                    already.push(format!("{name} (with {})", engine.estate.region_name(r)))
                }
            }
        }
        let said = said("lost", &added, "already lost", &already);
        self.flash(said.clone(), added.is_empty());
        if added.is_empty() {
            return Vec::new();
        }
        self.lost = Some(lost);
        self.remember(before);
        self.change = Some(said);
        // `:lose` on Fault domains: the cursor goes to what was lost, to see it
        // marked (not when it is there already, as after `space`).
        if let Some((d, account)) = first_added
            && self.screen == Screen::Domains
            && self.domains.selected_domain() != Some(d)
        {
            self.domains.select_domain(d, account);
        }
        self.simulate()
    }

    /// Restores each domain, saying which were restored, which were not lost,
    /// and which stay lost with their Region.
    pub(in crate::tui) fn restore(&mut self, mut ds: Vec<Domain>) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.clone()) else {
            return Vec::new();
        };
        let before = lost.clone();
        let mut lost = lost;
        ds.sort();
        ds.dedup();
        // Regions first: what an AZ's answer says is what stays lost after the
        // whole command.
        let mut outcomes = vec![Restore::NotLost; ds.len()];
        for regions in [true, false] {
            for (i, &d) in ds.iter().enumerate() {
                if matches!(d, Domain::Region(_)) == regions {
                    outcomes[i] = lost.restore(d);
                }
            }
        }
        let (mut restored, mut not_lost, mut with_region) = (Vec::new(), Vec::new(), Vec::new());
        for (&d, outcome) in ds.iter().zip(outcomes) {
            let name = engine.estate.domain_name(d);
            match outcome {
                Restore::Restored => restored.push(name.to_string()),
                Restore::StillLostWithRegion(r) => restored.push(format!(
                    "{name} (still lost with {})",
                    engine.estate.region_name(r)
                )),
                Restore::LostWithRegion(r) => {
                    let r = engine.estate.region_name(r);
                    with_region.push(format!(
                        "{name} is lost with {r}: :restore {r} brings it back"
                    ))
                }
                Restore::NotLost => not_lost.push(name.to_string()),
            }
        }
        let mut message = said("restored", &restored, "not lost", &not_lost);
        for m in with_region {
            if !message.is_empty() {
                message.push_str("; ");
            }
            message.push_str(&m);
        }
        self.flash(message.clone(), restored.is_empty());
        if restored.is_empty() {
            return Vec::new();
        }
        self.lost = Some(lost);
        self.remember(before);
        self.change = Some(message);
        self.simulate()
    }

    /// `:restore` alone: the domain lost last.
    pub(in crate::tui) fn restore_last(&mut self) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.clone()) else {
            self.flash("nothing is lost", false);
            return Vec::new();
        };
        let Some(d) = lost.last() else {
            self.flash("nothing is lost", false);
            return Vec::new();
        };
        let mut after = lost;
        after.restore(d);
        let said = format!("restored {}", engine.estate.domain_name(d));
        self.flash(said.clone(), false);
        self.set_lost(after, said)
    }

    /// `space`: loses the selected AZ or Region, or restores it.
    pub(super) fn toggle_loss(&mut self) -> Vec<Effect> {
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        let domain = match self.screen {
            Screen::Domains => self.domains.selected_domain(),
            Screen::Matrix => self.matrix.selected_domain(&engine),
            _ => None,
        };
        match domain {
            Some(d) if self.lost.as_ref().is_some_and(|l| l.contains(d)) => self.restore(vec![d]),
            Some(d) => self.lose(vec![NamedDomain {
                domain: d,
                az_name: None,
            }]),
            None if self.screen == Screen::Domains && self.domains.selected_is_global() => {
                self.flash(
                    "global (Route 53, Global Accelerator, CloudFront) is no fault domain: AWS runs it outside any one Region",
                    true,
                );
                Vec::new()
            }
            None => {
                self.flash("select an AZ or a Region to lose", true);
                Vec::new()
            }
        }
    }

    /// `a` on the Matrix: the selected column's loss, alone.
    pub(super) fn apply_column(&mut self) -> Vec<Effect> {
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        let Some(d) = self.matrix.selected_domain(&engine) else {
            return Vec::new();
        };
        let mut lost = LostDomains::none(&engine.estate);
        lost.lose(d);
        if self.lost.as_ref() == Some(&lost) {
            self.flash(
                format!(
                    "{} alone is already the scenario",
                    engine.estate.domain_name(d)
                ),
                false,
            );
            return Vec::new();
        }
        let said = format!("applied: lost {} alone", engine.estate.domain_name(d));
        self.flash(format!("{said} (u undoes)"), false);
        self.set_lost(lost, said)
    }

    /// `x` and `:clear`: nothing lost.
    pub(super) fn clear_losses(&mut self) -> Vec<Effect> {
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        if self.lost_domains().is_empty() {
            self.flash("nothing is lost", false);
            return Vec::new();
        }
        self.flash("restored every AZ and Region (u undoes)", false);
        self.set_lost(
            LostDomains::none(&engine.estate),
            "restored every AZ and Region".to_string(),
        )
    }

    /// `R` and `:runbook`: what to do now for the domains lost.
    pub(in crate::tui) fn open_runbook(&mut self) -> Vec<Effect> {
        match &self.lost {
            Some(lost) if !lost.is_empty() => vec![Effect::Runbook { lost: lost.clone() }],
            _ => {
                self.flash(
                    "nothing is lost: the runbook says what to do for a loss (:lose ACCOUNT AZ-NAME, or space on an AZ)",
                    false,
                );
                Vec::new()
            }
        }
    }

    /// `u`: the lost set as it was before its last change.
    pub(in crate::tui) fn undo(&mut self) -> Vec<Effect> {
        let (Some(engine), Some(previous)) = (self.engine.clone(), self.history.pop()) else {
            self.flash("nothing to undo", false);
            return Vec::new();
        };
        let now = previous.describe(&engine.estate);
        self.lost = Some(previous);
        let said = format!("undone: lost {now}");
        self.flash(said.clone(), false);
        self.change = Some(said);
        self.simulate()
    }
}

/// "lost use1-az1; use1-az2 is already lost": what a command did, and what it did not.
fn said(done: &str, did: &[String], not: &str, skipped: &[String]) -> String {
    let mut parts = Vec::new();
    if !did.is_empty() {
        parts.push(format!("{done} {}", did.join(", ")));
    }
    if !skipped.is_empty() {
        let verb = if skipped.len() == 1 { "is" } else { "are" };
        parts.push(format!("{} {verb} {not}", skipped.join(", ")));
    }
    parts.join("; ")
}
