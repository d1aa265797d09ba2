//! `blastmap runbook`: the page an on-call engineer follows when a domain goes bad
//! (`sim::runbook`): the zonal shifts to start, then each path worst first with what
//! recovers by itself and what needs a human. Table, Markdown or JSON.

use serde::Serialize;

use crate::model::Estate;
use crate::sim::{PathSteps, Runbook, ShiftAdvice, Status, Verdict};

use super::markdown::cell;
use super::table::{Paint, Style};
use super::{Format, Report, capacity_text, summary_text};
use crate::text::{count, printable};

pub fn render(r: &Report, verdict: &Verdict, format: Format, color: bool) -> String {
    let book = crate::sim::runbook(r.estate, r.topo, verdict);
    match format {
        Format::Table => text(r.estate, verdict, &book, color),
        Format::Markdown => markdown(r.estate, verdict, &book),
        Format::Json => super::json::to_string(&RunbookJson {
            schema: "blastmap.runbook/v1",
            summary: summary_text(verdict),
            runbook: &book,
        }),
    }
}

#[derive(Serialize)]
struct RunbookJson<'a> {
    schema: &'static str,
    summary: String,
    #[serde(flatten)]
    runbook: &'a Runbook,
}

/// Text from the estate on one line, every character a terminal would act on shown
/// as a visible stand-in ([`printable`]).
fn plain(s: &str) -> String {
    printable(&s.replace(['\n', '\r'], " ")).into_owned()
}

/// `use1-az4 (us-east-1d in shop-prod, us-east-1c in payments-prod)`
fn lost_text(book: &Runbook) -> String {
    let parts: Vec<String> = (book.lost.iter())
        .map(|l| {
            let names: Vec<String> = (l.names.iter())
                .map(|(account, name)| format!("{name} in {account}"))
                .collect();
            if names.is_empty() {
                l.domain.clone()
            } else {
                format!("{} ({})", l.domain, names.join(", "))
            }
        })
        .collect();
    plain(&parts.join(", "))
}

fn glyph(s: Status) -> &'static str {
    match s {
        Status::Down => "✗ down",
        Status::Degraded => "~ degraded",
        Status::Ok => "✓ ok",
    }
}

/// The advice that keeps a load balancer from being shifted, once per load balancer.
fn not_shifted(book: &Runbook) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in &book.paths {
        let keep = matches!(
            p.shift,
            ShiftAdvice::WouldOverload { .. }
                | ShiftAdvice::NotEnabled { .. }
                | ShiftAdvice::Unknown { .. }
                | ShiftAdvice::SeveralAzs { .. }
                | ShiftAdvice::NothingLeft { .. }
        );
        let line = p.shift.describe();
        if keep && !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

fn path_title(p: &PathSteps) -> String {
    format!(
        "{} → {} ({}, {})",
        p.path.load_balancer, p.path.target_group, p.path.account_name, p.path.region
    )
}

fn text(estate: &Estate, verdict: &Verdict, book: &Runbook, color: bool) -> String {
    let paint = Paint { enabled: color };
    let _ = estate;
    let mut out = format!(
        "{} losing {}\n{} across {}\n",
        paint.paint(Style::Bold, "Runbook:"),
        lost_text(book),
        summary_text(verdict),
        count(verdict.paths.len(), "user-facing path", "user-facing paths")
    );
    out.push_str(&format!(
        "\n{}\n",
        paint.paint(Style::Bold, "1. Shift traffic away now")
    ));
    if book.shifts.is_empty() {
        out.push_str("  no load balancer can be shifted safely\n");
    }
    for s in &book.shifts {
        out.push_str(&format!(
            "  # {} (account {}, {})\n  {}\n",
            plain(&s.load_balancer),
            plain(&s.account),
            plain(&s.region),
            s.command
        ));
    }
    for line in not_shifted(book) {
        out.push_str(&format!("  not shifted: {}\n", plain(&line)));
    }
    out.push_str(&format!(
        "\n{}\n",
        paint.paint(Style::Bold, "2. Path by path, worst first")
    ));
    for p in &book.paths {
        let style = match p.status {
            Status::Down => Style::Down,
            Status::Degraded => Style::Degraded,
            Status::Ok => Style::Ok,
        };
        out.push_str(&format!(
            "{:<11} {}  {}\n",
            paint.paint(style, glyph(p.status)),
            plain(&path_title(p)),
            capacity_text(&p.capacity)
        ));
        let mut say = |label: &str, text: &str| {
            out.push_str(&format!("            {label}: {}\n", plain(text)));
        };
        if let Some(why) = &p.why {
            say("why", why);
        }
        if !matches!(p.shift, ShiftAdvice::NotInLostAz) {
            say("shift", &p.shift.describe());
        }
        for a in &p.automatic {
            say("recovers by itself", a);
        }
        for h in &p.human {
            say("needs a human", h);
        }
    }
    out
}

/// A fenced code block whose fence no line of `body` can close.
fn fenced(lang: &str, body: &str) -> String {
    let longest = (body.split(|c| c != '`')).map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{lang}\n{body}{fence}\n")
}

fn markdown(estate: &Estate, verdict: &Verdict, book: &Runbook) -> String {
    let mut out = format!("# Runbook: losing {}\n\n", cell(&lost_text(book)));
    if let Some(at) = &estate.meta.captured_at {
        out.push_str(&format!(
            "_Estate captured {}: check it is recent._\n\n",
            cell(at)
        ));
    }
    out.push_str(&format!(
        "**{}** across {}.\n\n## 1. Shift traffic away now\n\n",
        summary_text(verdict),
        count(verdict.paths.len(), "user-facing path", "user-facing paths")
    ));
    if book.shifts.is_empty() {
        out.push_str("No load balancer can be shifted safely.\n\n");
    } else {
        out.push_str(&format!(
            "Each command moves one load balancer's traffic to its other AZs until it expires (`--expires-in {}`; end it sooner with `aws arc-zonal-shift cancel-zonal-shift --zonal-shift-id ID`). Run it with credentials for the account named above it.\n\n",
            crate::sim::runbook::SHIFT_EXPIRES_IN
        ));
        let mut body = String::new();
        for s in &book.shifts {
            let left = (book.paths.iter())
                .find_map(|p| match &p.shift {
                    ShiftAdvice::Start {
                        load_balancer,
                        capacity_left_percent,
                        ..
                    } if *load_balancer == s.load_balancer => Some(*capacity_left_percent),
                    _ => None,
                })
                .unwrap_or(100);
            body.push_str(&format!(
                "# {}: account {}, {}; the other AZs keep {left}% of its capacity\n{}\n",
                plain(&s.load_balancer),
                plain(&s.account),
                plain(&s.region),
                s.command
            ));
        }
        out.push_str(&fenced("sh", &body));
        out.push('\n');
    }
    let held = not_shifted(book);
    if !held.is_empty() {
        out.push_str("Not shifted:\n\n");
        for line in held {
            out.push_str(&format!("- {}\n", cell(&line)));
        }
        out.push('\n');
    }
    out.push_str("## 2. Path by path, worst first\n\n");
    let (ok, affected): (Vec<&PathSteps>, Vec<&PathSteps>) =
        book.paths.iter().partition(|p| p.status == Status::Ok);
    for p in affected {
        out.push_str(&format!(
            "### {} {}: {}\n\n",
            glyph(p.status),
            cell(&path_title(p)),
            capacity_text(&p.capacity)
        ));
        if let Some(why) = &p.why {
            out.push_str(&format!("- **Why:** {}\n", cell(why)));
        }
        if !matches!(p.shift, ShiftAdvice::NotInLostAz) {
            out.push_str(&format!("- **Shift:** {}\n", cell(&p.shift.describe())));
        }
        for a in &p.automatic {
            out.push_str(&format!("- **Recovers by itself:** {}\n", cell(a)));
        }
        for h in &p.human {
            out.push_str(&format!("- **Needs a human:** {}\n", cell(h)));
        }
        out.push('\n');
    }
    if !ok.is_empty() {
        out.push_str(&format!(
            "### ✓ ok: {}\n\n",
            count(ok.len(), "path", "paths")
        ));
        for p in ok {
            let shift = match p.shift {
                ShiftAdvice::Start { .. } => " (shift it too: see above)",
                _ => "",
            };
            out.push_str(&format!(
                "- {}: {}{shift}\n",
                cell(&path_title(p)),
                capacity_text(&p.capacity)
            ));
        }
    }
    out
}
