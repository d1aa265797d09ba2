//! Engine tests: the failure rules, the findings, snapshots. One binary, several modules.

mod demo;
mod findings;
mod fixture;
mod rules;
mod snapshot;
mod synth;
