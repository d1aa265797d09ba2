//! An estate with everything the TUI shows that does not depend on the scenario,
//! computed once when the estate is loaded (off the draw loop).

use std::path::PathBuf;
use std::sync::Arc;

use crate::analysis::Analysis;
use crate::model::{Domain, Estate};
use crate::sim::backups::Rpo;
use crate::sim::{DataProtection, LostDomains, Topology, Verdict, backup_inventory};

/// Where the estate shown came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Demo,
    Snapshot(PathBuf),
    /// A live scan, with its local time `HH:MM:SS`.
    Live {
        scanned_at: String,
    },
}

/// The analysis (estate, topology, matrix, findings: `Deref`s to it), with what the
/// screens index once per estate.
pub struct Engine {
    pub analysis: Analysis,
    pub origin: Origin,
    /// Lower-cased text each path is filtered on: names, id, load balancer tags.
    pub path_text: Vec<String>,
    /// Each path as shown: "load balancer → target group".
    pub path_label: Vec<String>,
    /// Each path's place in the order of its label.
    pub path_rank: Vec<usize>,
    /// Width of the longest of them.
    pub longest_path_label: usize,
    /// Where a path is, for paths whose label another path shares (the same service
    /// in two Regions or accounts): its Region, or account and Region.
    pub path_where: Vec<Option<String>>,
    /// Every piece of data some path needs, with its copies (the Backups screen).
    pub backups: Vec<DataProtection>,
    /// Lower-cased text each piece of data is filtered on.
    pub backup_text: Vec<String>,
    /// The data worst first: nothing outside its Region (no copy at all first),
    /// then the oldest copy outside it; stale backups before fresh ones; by name.
    pub backups_worst: Vec<usize>,
}

impl Engine {
    pub fn new(estate: Estate, origin: Origin) -> Engine {
        let analysis = Analysis::new(estate).with_findings();
        let (estate, topo) = (&analysis.estate, &analysis.topo);
        let path_text = topo
            .paths()
            .iter()
            .map(|p| {
                let lb = estate.resource(p.lb);
                let tg = estate.resource(p.tg);
                let mut text = format!("{} {} {} {} {}", p.id, lb.name, tg.name, lb.id, tg.id);
                for (k, v) in lb.tags.iter().chain(tg.tags.iter()) {
                    text.push_str(&format!(" {k}={v}"));
                }
                text.to_lowercase()
            })
            .collect();
        let path_label: Vec<String> = topo
            .paths()
            .iter()
            .map(|p| estate.forwarding_label(p.lb, p.tg))
            .collect();
        // Sorting by label once here keeps re-sorting per scenario to integer compares.
        let mut by_label: Vec<usize> = (0..path_label.len()).collect();
        by_label.sort_by(|a, b| path_label[*a].cmp(&path_label[*b]).then(a.cmp(b)));
        let path_where = where_when_shared(estate, topo, &path_label, &by_label);
        let mut path_rank = vec![0; path_label.len()];
        for (rank, p) in by_label.into_iter().enumerate() {
            path_rank[p] = rank;
        }
        let longest_path_label = path_label
            .iter()
            .map(|l| unicode_width::UnicodeWidthStr::width(l.as_str()))
            .max()
            .unwrap_or(20);
        let backups = backup_inventory(estate, topo);
        let backup_text = backups.iter().map(backup_filter_text).collect();
        let backups_worst = worst_first(&backups);
        Engine {
            backups,
            backup_text,
            backups_worst,
            analysis,
            origin,
            path_text,
            path_label,
            path_rank,
            longest_path_label,
            path_where,
        }
    }

    /// A path's label, with where it is when another path has the same label.
    pub fn path_label_placed(&self, p: usize) -> String {
        match &self.path_where[p] {
            Some(w) => format!("{} ({w})", self.path_label[p]),
            None => self.path_label[p].clone(),
        }
    }

    /// Evaluates a scenario.
    pub fn simulate(&self, lost: &[Domain]) -> Verdict {
        self.what_if(&LostDomains::new(&self.estate, lost))
    }

    /// "demo estate", "snapshot estate.json", "live, scanned 14:02:11", with the capture time.
    pub fn origin_label(&self) -> String {
        let captured = self
            .estate
            .meta
            .captured_at
            .as_deref()
            .map(|t| format!(" (captured {})", readable_time(t)))
            .unwrap_or_default();
        match &self.origin {
            Origin::Demo => format!("demo estate{captured}"),
            Origin::Snapshot(p) => format!(
                "snapshot {}{captured}",
                p.file_name().map_or_else(
                    || p.display().to_string(),
                    |n| n.to_string_lossy().into_owned()
                )
            ),
            Origin::Live { scanned_at } => format!("live, scanned {scanned_at}"),
        }
    }

    /// The origin in a few characters, for narrow terminals.
    pub fn origin_short(&self) -> String {
        match &self.origin {
            Origin::Demo => "demo".to_string(),
            Origin::Snapshot(p) => p.file_name().map_or_else(
                || p.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            ),
            Origin::Live { scanned_at } => format!("live {scanned_at}"),
        }
    }
}

impl std::ops::Deref for Engine {
    type Target = Analysis;

    fn deref(&self) -> &Analysis {
        &self.analysis
    }
}

/// What the Backups filter matches: names, id, kind, Regions, services, copies.
fn backup_filter_text(d: &DataProtection) -> String {
    let mut text = format!(
        "{} {} {} {} {}",
        d.name,
        d.id,
        d.kind.label(),
        d.kind.key(),
        d.region
    );
    for s in &d.services {
        text.push(' ');
        text.push_str(s);
    }
    for c in &d.copies {
        text.push_str(&format!(" {} {}", c.region, c.how.label()));
    }
    if d.after_region_loss.is_none() {
        text.push_str(" no copy outside");
    }
    if d.stale.is_some() {
        text.push_str(" stale");
    }
    text.to_lowercase()
}

/// Indices of `rows`, worst first (as `blastmap backups` lists them).
fn worst_first(rows: &[DataProtection]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| {
        let d = &rows[i];
        let rpo = d.after_region_loss.as_ref().map(|c| c.rpo);
        (
            rpo.is_some(),
            std::cmp::Reverse(rpo.unwrap_or(Rpo::Seconds)),
            !d.copies.is_empty(),
            d.stale.is_none(),
            (&d.name, &d.region, &d.id),
        )
    });
    order
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

/// A loaded estate and its baseline verdict, ready for the app.
pub struct Loaded {
    pub engine: Arc<Engine>,
    pub baseline: Arc<Verdict>,
}

impl Loaded {
    pub fn new(estate: Estate, origin: Origin) -> Loaded {
        let engine = Engine::new(estate, origin);
        let baseline = Arc::new(engine.simulate(&[]));
        Loaded {
            engine: Arc::new(engine),
            baseline,
        }
    }
}

/// For each path whose label another path shares: its Region, or its account and
/// Region when that is not enough. `by_rank` lists the paths in label order, so
/// paths of one label are adjacent in it.
fn where_when_shared(
    estate: &Estate,
    topo: &Topology,
    label: &[String],
    by_rank: &[usize],
) -> Vec<Option<String>> {
    let n = label.len();
    let mut out = vec![None; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && label[by_rank[end]] == label[by_rank[start]] {
            end += 1;
        }
        if end - start > 1 {
            let group = &by_rank[start..end];
            let region = |p: usize| estate.region_name(topo.paths()[p].region).to_string();
            let regions: std::collections::BTreeSet<String> =
                group.iter().map(|&p| region(p)).collect();
            for &p in group {
                out[p] = Some(if regions.len() == group.len() {
                    region(p)
                } else {
                    format!(
                        "{} {}",
                        estate.account(topo.paths()[p].account).name,
                        region(p)
                    )
                });
            }
        }
        start = end;
    }
    out
}
