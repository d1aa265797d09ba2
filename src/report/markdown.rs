//! Markdown, ready to paste into a design doc or an incident retrospective.

use crate::compare::{Change, EstateDiff, ResourceSummary};
use crate::findings::Finding;
use crate::sim::{CheckResult, Matrix, Status, Verdict};

use super::{Report, capacity_text, summary_text};
use crate::text::{count, printable};

/// Text from outside (names, ids, tags, messages that quote them) as Markdown that
/// shows it as written: every character Markdown or HTML would act on is escaped
/// (`<img onerror=…>` stays text, `*` no emphasis, `[x](y)` no link, `|` no new
/// cell), line breaks become spaces, other unsafe characters visible stand-ins
/// ([`printable`]). Every piece of outside text in this module goes through here or
/// through [`code`].
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in printable(&text.replace(['\n', '\r'], " ")).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Outside text as a code span: fenced with more backticks than it holds in a row,
/// `|` escaped (GitHub splits table cells even inside code spans).
pub fn code(text: &str) -> String {
    let text = printable(&text.replace(['\n', '\r'], " ")).replace('|', "\\|");
    let longest = (text.split(|c| c != '`').map(str::len).max()).unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    // A span that starts or ends with a backtick needs a space between it and the fence.
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

fn status(s: Status) -> String {
    match s {
        Status::Down => "**down**".to_string(),
        other => other.as_str().to_string(),
    }
}

pub(super) fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("| {} |\n", headers.join(" | "));
    out.push_str(&format!("|{}\n", "---|".repeat(headers.len())));
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

pub fn what_if(r: &Report, verdict: &Verdict, findings: &[Finding]) -> String {
    let mut out = format!(
        "## What if we lose {}\n\n{} across {}.\n\n",
        cell(&verdict.lost.describe(r.estate)),
        summary_text(verdict),
        count(verdict.paths.len(), "user-facing path", "user-facing paths")
    );
    let mut rows: Vec<(Status, Vec<String>)> = verdict
        .paths
        .iter()
        .map(|pv| {
            let reasons: Vec<String> = (super::reason_lines(r, &pv.reasons, true).iter())
                .map(|x| cell(x))
                .collect();
            (
                pv.status,
                vec![
                    status(pv.status),
                    cell(&r.path_label(pv.path)),
                    cell(r.account_name(pv.path)),
                    cell(r.region(pv.path)),
                    capacity_text(&pv.capacity),
                    reasons.join("<br>"),
                ],
            )
        })
        .collect();
    // Worst first; ties by the path label, as the TUI lists them.
    rows.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then_with(|| a[1].cmp(&b[1])));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    out.push_str(&table(
        &["Status", "Path", "Account", "Region", "Capacity", "Reasons"],
        &rows,
    ));
    if !verdict.services.is_empty() {
        out.push_str("\n### Services\n\n");
        let summaries = crate::sim::service_summaries(r.estate, r.topo, verdict);
        // Under a Region loss: what each service's data can be restored from.
        let with_data = summaries.iter().any(|s| !s.data.is_empty());
        let rows: Vec<Vec<String>> = summaries
            .into_iter()
            .zip(&verdict.services)
            .map(|(summary, s)| {
                let spec = &r.topo.services()[s.service];
                let why = match (&summary.entry_point, &summary.reason) {
                    (Some(entry), Some(reason)) => format!("{entry}: {reason}"),
                    (Some(entry), None) => entry.clone(),
                    _ => String::new(),
                };
                let mut row = vec![
                    cell(&spec.name),
                    status(s.status),
                    spec.paths.len().to_string(),
                    cell(summary.dr.tier.label()),
                    cell(&why),
                ];
                if with_data {
                    let data: Vec<String> = summary.data.iter().map(|d| d.describe()).collect();
                    row.push(cell(&data.join("; ")));
                }
                row
            })
            .collect();
        let mut headers = vec!["Service", "Status", "Paths", "DR tier", "Entry point"];
        if with_data {
            headers.push("Data in the lost Region");
        }
        out.push_str(&table(&headers, &rows));
    }
    if !findings.is_empty() {
        out.push_str("\n### Findings\n\n");
        out.push_str(&findings_table(r, findings));
    }
    out
}

fn findings_table(r: &Report, findings: &[Finding]) -> String {
    let rows: Vec<Vec<String>> = findings
        .iter()
        .map(|f| {
            let names: Vec<&str> = f
                .resources
                .iter()
                .map(|i| r.estate.resource(*i).name.as_str())
                .collect();
            vec![
                f.severity.as_str().to_string(),
                format!("`{}`", f.code),
                cell(&names.join(", ")),
                cell(&f.message),
            ]
        })
        .collect();
    table(&["Severity", "Code", "Resources", "Message"], &rows)
}

pub fn findings(r: &Report, findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "## Findings\n\nNo findings.\n".to_string();
    }
    format!("## Findings\n\n{}", findings_table(r, findings))
}

pub fn matrix(r: &Report, m: &Matrix) -> String {
    let names: Vec<String> = (m.domains.iter())
        .map(|d| cell(r.estate.domain_name(*d)))
        .collect();
    let mut headers = vec!["Path", "Account", "Region"];
    headers.extend(names.iter().map(String::as_str));
    let rows: Vec<Vec<String>> = (0..r.topo.paths().len())
        .map(|p| {
            let mut row = vec![
                cell(&r.path_label(p)),
                cell(r.account_name(p)),
                cell(r.region(p)),
            ];
            row.extend(m.row(p).iter().map(|c| status(c.status)));
            row
        })
        .collect();
    let mut out = format!(
        "## Matrix\n\nEvery single-AZ and single-Region loss × every user-facing path.\n\n{}",
        table(&headers, &rows)
    );
    if !r.topo.services().is_empty() {
        let mut headers = vec!["Service"];
        headers.extend(names.iter().map(String::as_str));
        let rows: Vec<Vec<String>> = r
            .topo
            .services()
            .iter()
            .enumerate()
            .map(|(s, spec)| {
                let mut row = vec![cell(&spec.name)];
                row.extend((0..m.domains.len()).map(|c| status(m.service_status(s, c))));
                row
            })
            .collect();
        out.push('\n');
        out.push_str(&table(&headers, &rows));
    }
    out
}

pub fn check(r: &Report, result: &CheckResult) -> String {
    let kind = result.tolerate.as_str();
    if result.passed() {
        return format!(
            "## Check ({kind}): passed\n\nNo single {kind} loss takes a user-facing path or service down.\n"
        );
    }
    let rows: Vec<Vec<String>> = result
        .offenders
        .iter()
        .map(|o| {
            let reasons: Vec<String> = (super::reason_lines(r, &o.reasons, false).iter())
                .map(|x| cell(x))
                .collect();
            vec![
                cell(r.estate.domain_name(o.domain)),
                cell(&r.subject_label(o.subject)),
                reasons.join("<br>"),
            ]
        })
        .collect();
    format!(
        "## Check ({kind}): failed\n\n{}",
        table(&["Lost", "What goes down", "Reasons"], &rows)
    )
}

/// The retrospective report: the what-if (lost domains, summary, paths with status,
/// capacity and reasons), the findings by severity, the matrix, then the backups. `blastmap export
/// --format markdown` and the TUI's `:export` write this.
pub fn report(
    r: &Report,
    verdict: &Verdict,
    findings_list: &[Finding],
    matrix_: &Matrix,
) -> String {
    let mut out = format!(
        "# blastmap report: losing {}\n\n_Estate: {}{}._\n\n",
        cell(&verdict.lost.describe(r.estate)),
        if r.estate.meta.source.is_empty() {
            "snapshot".to_string()
        } else {
            cell(&r.estate.meta.source)
        },
        r.estate
            .meta
            .captured_at
            .as_deref()
            .map(|t| format!(", captured {}", cell(t)))
            .unwrap_or_default()
    );
    out.push_str(&what_if(r, verdict, &[]));
    out.push('\n');
    out.push_str(&findings(r, findings_list).replacen("## Findings", "## Findings by severity", 1));
    out.push('\n');
    out.push_str(&matrix(r, matrix_));
    out.push('\n');
    out.push_str(&super::backups::markdown(&crate::sim::backup_inventory(
        r.estate, r.topo,
    )));
    out
}

/// A diff, for a pull request or a change review.
pub fn diff(sides: &super::DiffSides, d: &EstateDiff) -> String {
    let mut out = format!(
        "## blastmap diff\n\n{} → {}\n\n**{}**\n",
        code(&sides.old.describe()),
        code(&sides.new.describe()),
        super::diff_verdict(d)
    );
    if !d.cells.is_empty() {
        out.push_str("\n### Matrix cells\n\n");
        for c in &d.cells {
            let change = match c.change {
                Change::Worse => "**worse**",
                Change::Better => "better",
            };
            out.push_str(&format!("- {change}: {}\n", cell(&c.sentence())));
        }
    }
    let p = &d.paths;
    if !p.added.is_empty() || !p.removed.is_empty() {
        out.push_str("\n### Paths\n\n");
        for (sign, paths) in [("added", &p.added), ("removed", &p.removed)] {
            for path in paths.iter() {
                out.push_str(&format!(
                    "- {sign}: {} → {} ({}, {}): {}\n",
                    cell(&path.load_balancer),
                    cell(&path.target_group),
                    cell(&path.account_name),
                    cell(&path.region),
                    code(&path.id)
                ));
            }
        }
    }
    let f = &d.findings;
    if !f.appeared.is_empty() || !f.resolved.is_empty() || !f.changed.is_empty() {
        out.push_str("\n### Findings\n\n");
        let mut rows = Vec::new();
        for c in &f.changed {
            let names: Vec<&str> = c.new.resources.iter().map(|r| r.name.as_str()).collect();
            rows.push(vec![
                "changed".to_string(),
                c.new.severity.as_str().to_string(),
                format!("`{}`", c.code),
                cell(&names.join(", ")),
                cell(&format!("{} → {}", c.old.message, c.new.message)),
            ]);
        }
        for (sign, list) in [("appeared", &f.appeared), ("resolved", &f.resolved)] {
            for finding in list.iter() {
                let names: Vec<&str> = finding.resources.iter().map(|r| r.name.as_str()).collect();
                rows.push(vec![
                    sign.to_string(),
                    finding.severity.as_str().to_string(),
                    format!("`{}`", finding.code),
                    cell(&names.join(", ")),
                    cell(&finding.message),
                ]);
            }
        }
        out.push_str(&table(
            &["Change", "Severity", "Code", "Resources", "Message"],
            &rows,
        ));
    }
    let r = &d.resources;
    if !r.added.is_empty() || !r.removed.is_empty() || !r.changed.is_empty() {
        out.push_str("\n### Resources\n\n");
        let row = |sign: &str, res: &ResourceSummary, what: String| {
            vec![
                sign.to_string(),
                res.resource.kind.to_string(),
                cell(&res.resource.name),
                cell(&res.account),
                cell(&res.region),
                cell(res.az.as_deref().unwrap_or_default()),
                cell(&what),
            ]
        };
        let mut rows = Vec::new();
        for (sign, list) in [("added", &r.added), ("removed", &r.removed)] {
            rows.extend(list.iter().map(|res| row(sign, res, String::new())));
        }
        for c in &r.changed {
            rows.push(row("changed", &c.resource, super::fact_changes_text(c)));
        }
        out.push_str(&table(
            &[
                "Change",
                "Kind",
                "Name",
                "Account",
                "Region",
                "AZ",
                "What changed",
            ],
            &rows,
        ));
    }
    out
}
