//! The incident brief (`blastmap brief`, `:brief` in the TUI): about fifteen lines
//! of Markdown to paste into an incident channel. What was lost, with each lost
//! AZ's name in every account (AWS Health names AZs by the account's name); the
//! paths down and degraded, each with its capacity now and after recovery and the
//! one reason that decided it; and what the loss does across Regions (entry points
//! failing over, data a lost Region's loss restores from).

use crate::model::{Domain, Estate};
use crate::sim::{CacheCause, TargetCause};
use crate::sim::{
    Cause, ClusterCause, PathVerdict, RdsCause, Reason, Status, Verdict, service_summaries,
};

use super::Report;

/// Paths the brief lists one by one, down first; the rest are counted.
const LISTED_PATHS: usize = 8;
/// Lines of cross-Region effects it lists.
const LISTED_EFFECTS: usize = 5;
/// A reason longer than this is cut (a brief is read on a phone at 3 a.m.).
const REASON_CHARS: usize = 220;

/// The brief of `verdict`'s scenario; `origin` says where the estate came from
/// (`demo estate (captured …)`).
pub fn render(r: &Report, verdict: &Verdict, origin: &str) -> String {
    let e = r.estate;
    let lost = verdict.lost.in_order();
    let (ok, degraded, down) = verdict.counts();
    let names: Vec<&str> = lost.iter().map(|d| e.domain_name(*d)).collect();
    let mut out = format!(
        "### blastmap brief: losing {}\n",
        if names.is_empty() {
            "nothing".to_string()
        } else {
            md(&names.join(", "))
        }
    );
    out.push_str(&format!(
        "{}. **{down} down, {degraded} degraded**, {ok} ok of {} user-facing paths.\n",
        md(&capitalised(origin)),
        verdict.paths.len()
    ));
    for d in lost {
        out.push_str(&format!("{}\n", md(&where_it_is(e, *d))));
    }

    // The paths of a lost Region are down for one reason: a line per Region.
    let region_lost = |pv: &PathVerdict| verdict.lost.region(r.path(pv.path).region);
    let mut whole_regions = Vec::new();
    for &d in lost {
        let Domain::Region(region) = d else { continue };
        let labels: Vec<String> = (verdict.paths.iter())
            .filter(|pv| r.path(pv.path).region == region)
            .map(|pv| r.path_label(pv.path))
            .collect();
        if !labels.is_empty() {
            whole_regions.push(format!(
                "- every path in {} ({}), nothing left now or after recovery: {}\n",
                md(e.region_name(region)),
                labels.len(),
                md(&cut(&labels.join(", "), REASON_CHARS))
            ));
        }
    }
    let mut listed = 0;
    for status in [Status::Down, Status::Degraded] {
        let paths: Vec<&PathVerdict> = (verdict.paths.iter())
            .filter(|p| p.status == status && !region_lost(p))
            .collect();
        if paths.is_empty() && (status == Status::Degraded || whole_regions.is_empty()) {
            continue;
        }
        out.push_str(&format!(
            "\n**{}**\n",
            if status == Status::Down {
                "Down"
            } else {
                "Degraded"
            }
        ));
        if status == Status::Down {
            out.push_str(&whole_regions.concat());
        }
        let room = LISTED_PATHS.saturating_sub(listed).max(2);
        for pv in paths.iter().take(room) {
            out.push_str(&path_line(r, pv));
            listed += 1;
        }
        if paths.len() > room {
            out.push_str(&format!(
                "- … and {} more {} (blastmap what-if --lose {})\n",
                paths.len() - room,
                status.as_str(),
                md(&names.join(" --lose "))
            ));
        }
    }

    let effects = across_regions(r, verdict);
    if !effects.is_empty() {
        out.push_str("\n**Across Regions**\n");
        for line in effects.iter().take(LISTED_EFFECTS) {
            out.push_str(&format!("- {}\n", md(line)));
        }
        if effects.len() > LISTED_EFFECTS {
            out.push_str(&format!(
                "- … and {} more (blastmap what-if --lose {} --format markdown)\n",
                effects.len() - LISTED_EFFECTS,
                md(&names.join(" --lose "))
            ));
        }
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// `use1-az4 is us-east-1a in shop-prod, us-east-1c in payments-prod, …`
fn where_it_is(e: &Estate, d: Domain) -> String {
    match d {
        Domain::Az(az) => {
            let names: Vec<String> = (e.accounts().iter())
                .filter_map(|a| a.az_names.get(&az).map(|n| format!("{n} in {}", a.name)))
                .collect();
            let region = e.region_name(e.az(az).region);
            if names.is_empty() {
                format!("{} ({region}): no account here names it.", e.az_id(az))
            } else {
                format!("{} ({region}) is {}.", e.az_id(az), names.join(", "))
            }
        }
        Domain::Region(region) => {
            let mut azs: Vec<&str> = (0..e.azs().len())
                .filter(|i| e.azs()[*i].region == region)
                .map(|i| e.azs()[i].id.as_str())
                .collect();
            azs.sort();
            format!(
                "{} is a whole Region: {}.",
                e.region_name(region),
                if azs.is_empty() {
                    "no AZ of it holds a resource".to_string()
                } else {
                    format!("every AZ ({})", azs.join(", "))
                }
            )
        }
    }
}

/// `- cart-alb → cart (shop-prod, us-east-1): 0/6 targets now → 0 after recovery. …`
fn path_line(r: &Report, pv: &PathVerdict) -> String {
    let c = &pv.capacity;
    let kind = degradation_word(pv)
        .filter(|_| pv.status == Status::Degraded)
        .map(|w| format!("{w}, "))
        .unwrap_or_default();
    let reason = cut(&deciding_reasons(r.estate, pv), REASON_CHARS);
    format!(
        "- {} ({}, {}): {kind}{}/{} {} now → {} after recovery. {}\n",
        md(&r.path_label(pv.path)),
        md(r.account_name(pv.path)),
        md(r.region(pv.path)),
        c.after,
        c.before,
        c.unit.label(),
        c.after_recovery,
        md(&reason)
    )
}

/// The reasons that decided a path's status, in a line: those whose own effect is
/// the path's status (for a down path, what took it down; two at most), else the
/// first said.
pub fn deciding_reasons(e: &Estate, pv: &PathVerdict) -> String {
    let said = || pv.reasons.iter().filter(|r| r.cause != Cause::NothingLost);
    // Down paths often need two (targets lost, and the egress the rest needed).
    let most = if pv.status == Status::Down { 2 } else { 1 };
    let deciding: Vec<&Reason> = said()
        .filter(|r| r.effect == pv.status)
        .take(most)
        .collect();
    let chosen = if deciding.is_empty() {
        said().take(1).collect()
    } else {
        deciding
    };
    let sentences: Vec<String> = chosen.iter().map(|r| r.describe(e)).collect();
    sentences.join("; ")
}

/// What a degraded path lost, in a word: `capacity` (fewer targets serve),
/// `failover` (a database, cache or table fails over), `egress` (NAT egress lost),
/// `redundancy` (a standby, replica or reader lost, nothing else), or `dependency`
/// (something it needs softly is down). `None` for a path that lost nothing.
pub fn degradation_word(pv: &PathVerdict) -> Option<&'static str> {
    if pv.capacity.after < pv.capacity.before {
        return Some("capacity");
    }
    // The most telling of its reasons' kinds.
    let rank = |w: &str| match w {
        "capacity" => 0,
        "failover" => 1,
        "egress" => 2,
        "redundancy" => 3,
        _ => 4,
    };
    (pv.reasons.iter())
        .filter(|r| r.effect != Status::Ok)
        .filter_map(|r| kind_of(&r.cause))
        .min_by_key(|w| rank(w))
}

fn kind_of(cause: &Cause) -> Option<&'static str> {
    Some(match cause {
        Cause::NothingLost
        | Cause::More { .. }
        | Cause::Targets(TargetCause::Unread { .. } | TargetCause::CoverageGap { .. }) => {
            return None;
        }
        // Some targets cannot serve without it: capacity.
        Cause::Dependency {
            holders: Some(_), ..
        } => "capacity",
        Cause::Dependency { inner, .. } => match kind_of(&inner.cause) {
            Some(w @ ("failover" | "redundancy")) => w,
            _ => "dependency",
        },
        Cause::RegionLost { .. }
        | Cause::Placed(_)
        | Cause::Function(_)
        | Cause::LoadBalancer(_)
        | Cause::Targets(_) => "capacity",
        Cause::Egress(_) => "egress",
        Cause::Table(_) => "failover",
        Cause::Rds(RdsCause::Failover { .. }) => "failover",
        Cause::Rds(RdsCause::StandbyLost { .. } | RdsCause::StandbyUnknown { .. }) => "redundancy",
        Cause::Cluster(
            ClusterCause::Failover { .. }
            | ClusterCause::GlobalFailover { .. }
            | ClusterCause::GlobalPrimaryLost { .. },
        ) => "failover",
        Cause::Cluster(ClusterCause::ReadersLost { .. }) => "redundancy",
        Cause::Cache(CacheCause::Promoted { .. }) => "failover",
        Cause::Cache(CacheCause::ReplicasLost { .. }) => "redundancy",
        Cause::Cache(CacheCause::NodesLost { .. }) => "capacity",
        Cause::Rds(_) | Cause::Cluster(_) | Cause::Cache(_) => "dependency",
    })
}

/// What the loss does across Regions: each multi-Region service's entry point's
/// answer, and under a Region loss what each service's data restores from.
fn across_regions(r: &Report, verdict: &Verdict) -> Vec<String> {
    let mut lines = Vec::new();
    let summaries = service_summaries(r.estate, r.topo, verdict);
    for (s, spec) in summaries.iter().zip(r.topo.services()) {
        let mut regions: Vec<_> = spec.paths.iter().map(|&p| r.path(p).region).collect();
        regions.sort();
        regions.dedup();
        if s.status != Status::Ok
            && regions.len() > 1
            && let Some(reason) = &s.reason
        {
            lines.push(format!("{}: {}. {reason}", s.name, s.status.as_str()));
        }
    }
    // Per service, what its data in a lost Region restores from.
    for s in &summaries {
        if s.data.is_empty() {
            continue;
        }
        let each: Vec<String> = (s.data.iter())
            .map(|d| match (&d.restorable_in, d.rpo) {
                (Some(region), Some(rpo)) => {
                    format!("{} from {region} (RPO {})", d.name, rpo.describe())
                }
                _ => format!("{} lost (no copy outside {})", d.name, d.region),
            })
            .collect();
        lines.push(format!("{} data: {}", s.name, each.join("; ")));
    }
    lines
}

/// `2026-11-20T09:30:00Z` → `2026-11-20 09:30 UTC`; anything else as it is.
pub fn readable_time(t: &str) -> String {
    match (t.get(..10), t.get(11..16), t.ends_with('Z')) {
        (Some(date), Some(hm), true) if t.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {hm} UTC")
        }
        _ => t.to_string(),
    }
}

/// `text` cut to `max` characters, with an ellipsis.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// Text from the estate (names, tags: anyone who can tag can write them) made
/// inert in Markdown: control characters become visible stand-ins, and what Markdown or HTML
/// would read as markup is escaped.
pub fn md(text: &str) -> String {
    // The one Markdown escaping of the reports: HTML, Markdown syntax, and terminal
    // controls and bidi overrides as visible stand-ins.
    super::markdown::cell(text)
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn estate_text_cannot_inject_markup_or_terminal_codes() {
        assert_eq!(
            md("<img src=x onerror=alert(1)>"),
            "&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(md("a\x1b[31mb\nc"), "a\u{241b}\\[31mb c");
        assert_eq!(md("a\u{202e}b"), "a\u{fffd}b");
        assert_eq!(
            md("[x](http://e) *y* `z`"),
            "\\[x\\](http://e) \\*y\\* \\`z\\`"
        );
        assert_eq!(md("shop-prod"), "shop-prod");
    }
}
