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

/// How the report is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// The diagram draws every path, not only those the loss touches.
    pub all: bool,
}

/// The retrospective report, with the default options. `blastmap export --format
/// markdown` and the TUI's `:export` write this.
pub fn report(
    r: &Report,
    verdict: &Verdict,
    findings_list: &[Finding],
    matrix_: &Matrix,
) -> String {
    report_with(r, verdict, findings_list, matrix_, ReportOptions::default())
}

/// The retrospective report. First the loss: what was lost (each AZ's name in each
/// account), the paths it touches with a status symbol that survives printing without
/// colour, their capacity before → now → after recovery and why; then their diagram
/// (GitHub and GitLab draw ```` ```mermaid ```` blocks); then only the findings that
/// concern those paths. The whole what-if, every finding, the matrix and the backups
/// follow, at the end.
pub fn report_with(
    r: &Report,
    verdict: &Verdict,
    findings_list: &[Finding],
    matrix_: &Matrix,
    options: ReportOptions,
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
    let (ok, degraded, down) = verdict.counts();
    out.push_str(&format!(
        "**✗ {down} down · ~ {degraded} degraded · ✓ {ok} ok** across {}.\n\n",
        count(verdict.paths.len(), "user-facing path", "user-facing paths")
    ));
    out.push_str(&lost_names(r, verdict));
    let touched = super::diagram::touched_paths(verdict);
    out.push_str(&touched_table(r, verdict, &touched));
    out.push_str(&touched_services(r, verdict));
    out.push_str(&diagrams(r, verdict, &touched, options));
    out.push_str(&findings_on(r, verdict, &touched, findings_list));
    out.push_str(
        "\n---\n\n_Everything else: every path, every finding, the matrix, the backups._\n\n",
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

/// Each lost AZ's name in each account (names are per account: `us-east-1a` is not the
/// same building everywhere), and each lost Region.
fn lost_names(r: &Report, verdict: &Verdict) -> String {
    use crate::model::Domain;
    let domains = verdict.lost.domains();
    if domains.is_empty() {
        return "Nothing is lost: this is the estate as it stands.\n\n".to_string();
    }
    let rows: Vec<Vec<String>> = domains
        .iter()
        .map(|d| match *d {
            Domain::Az(az) => {
                let mut by_name: Vec<(&str, Vec<&str>)> = Vec::new();
                for (account, name) in r.estate.az_names(az) {
                    match by_name.iter_mut().find(|(n, _)| *n == name) {
                        Some((_, accounts)) => accounts.push(account),
                        None => by_name.push((name, vec![account])),
                    }
                }
                let names: Vec<String> = (by_name.iter())
                    .map(|(name, accounts)| format!("{name} in {}", accounts.join(", ")))
                    .collect();
                vec![
                    cell(&format!("AZ {}", r.estate.az_id(az))),
                    cell(&if names.is_empty() {
                        "no account names it".to_string()
                    } else {
                        names.join("; ")
                    }),
                ]
            }
            Domain::Region(region) => vec![
                cell(&format!("Region {}", r.estate.region_name(region))),
                "every AZ in it, in every account".to_string(),
            ],
        })
        .collect();
    format!("{}\n", table(&["Lost", "Its name in each account"], &rows))
}

/// `8 → 0 → 0 vCPU`: before, now, after recovery.
fn capacity_steps(c: &crate::sim::Capacity) -> String {
    format!(
        "{} → {} → {} {}",
        c.before,
        c.after,
        c.after_recovery,
        c.unit.label()
    )
}

fn touched_table(r: &Report, verdict: &Verdict, touched: &[usize]) -> String {
    let mut out = "## What the loss touches\n\n".to_string();
    if touched.is_empty() {
        out.push_str("Every user-facing path is ok: the loss takes none below ok.\n\n");
        return out;
    }
    let mut rows: Vec<(Status, Vec<String>)> = touched
        .iter()
        .map(|&p| {
            let pv = &verdict.paths[p];
            let why: Vec<String> = (pv.reasons.iter())
                .filter(|x| x.effect != Status::Ok)
                .take(3)
                .map(|x| cell(&x.describe(r.estate)))
                .collect();
            (
                pv.status,
                vec![
                    format!("{} {}", pv.status.glyph(), pv.status.as_str()),
                    cell(&r.path_label(p)),
                    cell(&format!("{} · {}", r.account_name(p), r.region(p))),
                    capacity_steps(&pv.capacity),
                    why.join("<br>"),
                ],
            )
        })
        .collect();
    rows.sort_by(|(sa, a), (sb, b)| sb.cmp(sa).then_with(|| a[1].cmp(&b[1])));
    let rows: Vec<Vec<String>> = rows.into_iter().map(|(_, r)| r).collect();
    out.push_str(&table(
        &[
            "Status",
            "Path",
            "Account · Region",
            "Capacity: before → now → after recovery",
            "Why",
        ],
        &rows,
    ));
    out.push('\n');
    out
}

/// Services the loss takes below ok, with what their entry point does about it.
fn touched_services(r: &Report, verdict: &Verdict) -> String {
    let rows: Vec<Vec<String>> = crate::sim::service_summaries(r.estate, r.topo, verdict)
        .into_iter()
        .filter(|s| s.status != Status::Ok)
        .map(|s| {
            let why = match (&s.entry_point, &s.reason) {
                (Some(entry), Some(reason)) => format!("{entry}: {reason}"),
                (Some(entry), None) => entry.clone(),
                _ => String::new(),
            };
            vec![
                format!("{} {}", s.status.glyph(), s.status.as_str()),
                cell(&s.name),
                cell(&why),
            ]
        })
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    format!(
        "Services it takes below ok:\n\n{}\n",
        table(&["Status", "Service", "Entry point"], &rows)
    )
}

/// The touched paths' Mermaid diagram; split into one per path when Mermaid would
/// refuse the whole (500 edges, 50,000 characters).
fn diagrams(r: &Report, verdict: &Verdict, touched: &[usize], options: ReportOptions) -> String {
    use super::{diagram, mermaid};
    let mut out = "## Diagram\n\n".to_string();
    if touched.is_empty() && !options.all {
        out.push_str("Nothing to draw.\n\n");
        return out;
    }
    let whole = super::picture(r, verdict, None, options.all);
    let text = mermaid::render(&whole);
    if mermaid::check_limits(&text).is_ok() {
        out.push_str(&format!("```mermaid\n{text}```\n\n"));
        return out;
    }
    out.push_str(
        "One diagram per path: together they are more than Mermaid draws (500 edges, \
         50,000 characters).\n\n",
    );
    let paths: Vec<usize> = if options.all {
        (0..r.topo.paths().len()).collect()
    } else {
        touched.to_vec()
    };
    for p in paths {
        let one = diagram::build(
            r,
            verdict,
            &[p],
            diagram::View {
                targets: diagram::Targets::PerAz,
                everything: options.all,
                focused: false,
            },
        );
        let text = mermaid::render(&one);
        out.push_str(&format!("### {}\n\n", cell(&r.path_label(p))));
        match mermaid::check_limits(&text) {
            Ok(()) => out.push_str(&format!("```mermaid\n{text}```\n\n")),
            Err(too_big) => out.push_str(&format!(
                "Not drawn: {too_big}. `blastmap export --format dot --path {}` draws it for Graphviz.\n\n",
                cell(&r.path(p).id)
            )),
        }
    }
    out
}

/// The findings about what the loss touches: those naming something drawn in the
/// focused picture (the touched paths' load balancers, target groups, targets, NAT
/// gateways, what they need, their Auto Scaling groups and ECS services), and no target
/// group it leaves out (a load balancer's other, untouched, path).
fn findings_on(r: &Report, verdict: &Verdict, touched: &[usize], all: &[Finding]) -> String {
    use crate::model::Kind;
    let mut out = "## Findings on these paths\n\n".to_string();
    let on = if touched.is_empty() {
        Default::default()
    } else {
        resources_drawn(r, verdict, &super::picture(r, verdict, None, false))
    };
    let is_tg = |res: &crate::model::ResIdx| r.estate.resource(*res).kind() == Kind::TargetGroup;
    let concerned: Vec<Finding> = (all.iter())
        .filter(|f| f.resources.iter().any(|res| on.contains(res)))
        .filter(|f| {
            f.resources
                .iter()
                .filter(|res| is_tg(res))
                .all(|res| on.contains(res))
        })
        .cloned()
        .collect();
    if concerned.is_empty() {
        out.push_str("None.\n");
    } else {
        out.push_str(&findings_table(r, &concerned));
    }
    out
}

/// The resources a picture draws, and the groups and targets of its chains drawn whole.
fn resources_drawn(
    r: &Report,
    verdict: &Verdict,
    picture: &super::diagram::Diagram,
) -> std::collections::HashSet<crate::model::ResIdx> {
    use super::diagram::NodeSubject;
    use crate::sim::{HopSubject, Part, TargetRef, target_details};
    let topo = r.topo;
    let mut out = std::collections::HashSet::new();
    for node in picture.graph.node_weights() {
        for subject in &node.subjects {
            out.insert(match *subject {
                NodeSubject::Hop(HopSubject::LoadBalancer(res))
                | NodeSubject::Hop(HopSubject::LbNode { lb: res, .. })
                | NodeSubject::Hop(HopSubject::TargetGroup(res))
                | NodeSubject::Hop(HopSubject::TargetsIn { tg: res, .. })
                | NodeSubject::Hop(HopSubject::Function { function: res, .. })
                | NodeSubject::Hop(HopSubject::Recovery(res))
                | NodeSubject::Hop(HopSubject::Nat(res))
                | NodeSubject::Target(TargetRef::Resource(res)) => res,
                NodeSubject::Hop(HopSubject::Dependency(part)) => topo.part_resource(part),
                NodeSubject::Target(TargetRef::Registration { tg, .. }) => tg,
            });
        }
    }
    for (part, whole) in &picture.chains {
        if let (true, Part::Path(c)) = (*whole, topo.part(*part)) {
            out.extend(c.recovery.iter().copied());
            for t in target_details(topo, *part, verdict).unwrap_or_default() {
                if let TargetRef::Resource(res) = t.target {
                    out.insert(res);
                }
            }
        }
    }
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
