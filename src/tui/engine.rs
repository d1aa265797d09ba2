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
    /// What each matrix column (one single loss) does to the paths.
    pub column_impact: Vec<ColumnImpact>,
    /// The matrix's columns, worst loss first (down, then degraded, then capacity lost).
    pub columns_by_impact: Vec<usize>,
    /// Each resource's lower-cased text as the domains tree shows it (name, id, kind,
    /// what its row says), with its account, Region, AZ and tags: what `/` matches.
    pub resource_text: Vec<String>,
}

/// What one loss (a matrix column) does: paths down and degraded, and the capacity
/// lost, as the sum over paths of the fraction each lost.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ColumnImpact {
    pub down: usize,
    pub degraded: usize,
    pub capacity_lost: f64,
}

impl ColumnImpact {
    /// `3 down, 2 degraded`, or `all ok`.
    pub fn describe(&self) -> String {
        match (self.down, self.degraded) {
            (0, 0) => "all ok".to_string(),
            (d, 0) => format!("{d} down"),
            (0, g) => format!("{g} degraded"),
            (d, g) => format!("{d} down, {g} degraded"),
        }
    }
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
                // Every text a row shows: names, account, Region (and the id, tags).
                let account = estate.account(p.account);
                let mut text = format!(
                    "{} {} {} {} {} {} {} {}",
                    p.id,
                    lb.name,
                    tg.name,
                    lb.id,
                    tg.id,
                    account.name,
                    account.id,
                    estate.region_name(p.region)
                );
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
        let (column_impact, columns_by_impact) = impact(&analysis);
        let resource_text = estate
            .resources()
            .iter()
            .map(|r| resource_filter_text(estate, r))
            .collect();
        let backups = backup_inventory(estate, topo);
        let backup_text = backups.iter().map(backup_filter_text).collect();
        let backups_worst = worst_first(&backups);
        Engine {
            column_impact,
            columns_by_impact,
            resource_text,
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

    /// The matrix column of a single-AZ or single-Region loss.
    pub fn column_of(&self, d: Domain) -> Option<usize> {
        self.matrix.domains.iter().position(|x| *x == d)
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

/// Each matrix column's impact, and the columns worst first. Linear in the matrix.
fn impact(a: &Analysis) -> (Vec<ColumnImpact>, Vec<usize>) {
    let n = a.matrix.domains.len();
    let mut out = vec![ColumnImpact::default(); n];
    for p in 0..a.topo.paths().len() {
        let before = a.topo.baseline(p).capacity.map_or(0, |c| c.before);
        for (c, cell) in a.matrix.row(p).iter().enumerate() {
            match cell.status {
                crate::sim::Status::Down => out[c].down += 1,
                crate::sim::Status::Degraded => out[c].degraded += 1,
                crate::sim::Status::Ok => {}
            }
            if before > 0 {
                out[c].capacity_lost += before.saturating_sub(cell.after) as f64 / before as f64;
            }
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|x, y| {
        let (a, b) = (&out[*x], &out[*y]);
        (b.down, b.degraded)
            .cmp(&(a.down, a.degraded))
            .then(b.capacity_lost.total_cmp(&a.capacity_lost))
            .then(x.cmp(y))
    });
    (out, order)
}

/// What `/` matches of a resource in the domains tree: what its row shows, and
/// where it is.
fn resource_filter_text(e: &Estate, r: &crate::model::Resource) -> String {
    let account = e.account(r.account);
    let mut text = format!(
        "{} {} {} {} {} {} {}",
        super::tree::resource_label(r),
        r.kind().label(),
        r.kind().key(),
        account.name,
        account.id,
        e.region_name(r.region),
        r.az.map_or("", |az| e.az_id(az))
    );
    if let Some(name) = r.az.and_then(|az| e.az_name(r.account, az)) {
        text.push(' ');
        text.push_str(name);
    }
    for (k, v) in &r.tags {
        text.push_str(&format!(" {k}={v}"));
    }
    text.to_lowercase()
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

pub use crate::report::brief::readable_time;

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
