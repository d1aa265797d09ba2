//! Editing the lost set: `:lose`, `:restore`, `space`, `x` and `:clear` all go
//! through the engine's [`LostDomains`], whose rules say what an edit did; this
//! file only words it.

use crate::model::Domain;
use crate::sim::{Lose, LostDomains, Restore};
use crate::tui::action::Effect;

use super::{App, Screen};

impl App {
    /// The domains lost, in the order they were lost (none before an estate).
    pub fn lost_domains(&self) -> &[Domain] {
        self.lost.as_ref().map_or(&[], |l| l.in_order())
    }

    /// Makes `lost` the scenario and asks for its simulation.
    pub(super) fn set_lost(&mut self, lost: LostDomains) -> Vec<Effect> {
        self.lost = Some(lost);
        self.simulate()
    }

    /// Asks for the simulation of the lost set as it is; an older result is dropped.
    fn simulate(&mut self) -> Vec<Effect> {
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

    /// Loses each domain, saying which were lost and which already were.
    pub(in crate::tui) fn lose(&mut self, named: Vec<Domain>) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.as_mut()) else {
            return Vec::new();
        };
        let mut ds: Vec<Domain> = Vec::new();
        for d in named {
            if !ds.contains(&d) {
                ds.push(d);
            }
        }
        // An AZ named with its Region in one command is lost with it, wherever
        // in the command the Region comes.
        let mut with_regions = lost.clone();
        for &d in ds.iter().filter(|d| matches!(d, Domain::Region(_))) {
            with_regions.lose(d);
        }
        let (mut added, mut already) = (Vec::new(), Vec::new());
        for d in ds {
            let name = engine.estate.domain_name(d);
            let outcome = match with_regions.lose(d) {
                Lose::WithRegion(r) => Lose::WithRegion(r),
                _ => lost.lose(d),
            };
            match outcome {
                Lose::Lost => added.push(name.to_string()),
                Lose::AlreadyLost => already.push(name.to_string()),
                Lose::WithRegion(r) => {
                    already.push(format!("{name} (with {})", engine.estate.region_name(r)))
                }
            }
        }
        self.flash(
            said("lost", &added, "already lost", &already),
            added.is_empty(),
        );
        if added.is_empty() {
            Vec::new()
        } else {
            self.simulate()
        }
    }

    /// Restores each domain, saying which were restored, which were not lost,
    /// and which stay lost with their Region.
    pub(in crate::tui) fn restore(&mut self, mut ds: Vec<Domain>) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.as_mut()) else {
            return Vec::new();
        };
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
        self.flash(message, restored.is_empty());
        if restored.is_empty() {
            Vec::new()
        } else {
            self.simulate()
        }
    }

    /// `:restore` alone: the domain lost last.
    pub(in crate::tui) fn restore_last(&mut self) -> Vec<Effect> {
        let (Some(engine), Some(lost)) = (self.engine.clone(), self.lost.as_mut()) else {
            self.flash("nothing is lost", false);
            return Vec::new();
        };
        let Some(d) = lost.last() else {
            self.flash("nothing is lost", false);
            return Vec::new();
        };
        lost.restore(d);
        self.flash(format!("restored {}", engine.estate.domain_name(d)), false);
        self.simulate()
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
            Some(d) => self.lose(vec![d]),
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

    /// `x` and `:clear`: nothing lost.
    pub(super) fn clear_losses(&mut self) -> Vec<Effect> {
        let Some(engine) = self.engine.clone() else {
            return Vec::new();
        };
        if self.lost_domains().is_empty() {
            self.flash("nothing is lost", false);
            return Vec::new();
        }
        self.flash("restored every AZ and Region", false);
        self.set_lost(LostDomains::none(&engine.estate))
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
