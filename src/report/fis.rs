//! What `export --format fis` says beside the template: what it interrupts, the
//! verdicts blastmap predicts for the experiment to confirm, and what to do before
//! running it.

use blastmap_core::fis::Experiment;

use super::{Report, capacity_text};
use crate::text::{count, printable};

/// Text from the estate on one line, every character a terminal would act on shown
/// as a visible stand-in ([`printable`]).
fn plain(s: &str) -> String {
    printable(&s.replace(['\n', '\r'], " ")).into_owned()
}

/// The lines written to standard error after the template.
pub fn prediction(r: &Report, x: &Experiment, placeholder_alarm: bool) -> String {
    let estate = r.estate;
    let account = estate.account(x.account);
    let lost = x.verdict.lost.describe(estate);
    let mut out = format!(
        "blastmap: an FIS experiment template interrupting {lost} for account {} ({}):\n",
        plain(&account.name),
        account.id
    );
    let counts: Vec<String> = (x.counts.iter())
        .map(|(action, n)| format!("{action} {n}"))
        .collect();
    out.push_str(&format!("  {}\n", counts.join(", ")));
    if !x.unfailable.is_empty() {
        let names: Vec<String> = (x.unfailable.iter())
            .map(|&d| plain(&estate.resource(d).name))
            .collect();
        out.push_str(&format!(
            "  FIS cannot fail over single-AZ databases; the subnet disruption cuts them off: {}\n",
            names.join(", ")
        ));
    }
    if !x.without_arn.is_empty() {
        let names: Vec<String> = (x.without_arn.iter())
            .map(|&d| plain(&estate.resource(d).name))
            .collect();
        out.push_str(&format!(
            "  left out, the snapshot holds no ARN for them: {}\n",
            names.join(", ")
        ));
    }
    out.push_str(&format!(
        "Prediction (blastmap what-if --lose {lost}) for {}: {}\n",
        count(x.paths.len(), "path", "paths"),
        x.summary()
    ));
    let mut paths = x.paths.clone();
    paths.sort_by_key(|&p| std::cmp::Reverse(x.verdict.paths[p].status));
    for p in paths {
        let pv = &x.verdict.paths[p];
        out.push_str(&format!(
            "  {} {:<9} {}  {}\n",
            pv.status.glyph(),
            pv.status.as_str(),
            plain(&r.path_label(p)),
            capacity_text(&pv.capacity)
        ));
    }
    out.push_str(
        "  (blastmap loses the AZ in every account; the experiment interrupts only this \
         one's resources, so paths that also need other accounts may fare better)\n",
    );
    if placeholder_alarm {
        out.push_str(
            "Before creating it: replace the stop condition's placeholder alarm with the \
             alarm that must stop the experiment (or pass --stop-alarm ARN).\n",
        );
    }
    out.push_str(
        "Then: aws fis create-experiment-template --cli-input-json file://TEMPLATE.json \
         (blastmap never runs it)\n",
    );
    out
}
