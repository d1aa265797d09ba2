//! The fault-domain tree: (account | service) → Region → AZ → kind → resources,
//! flattened into rows. Rebuilt only when the grouping, filter or expansion changes.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::{AccountIdx, AzIdx, Domain, EdgeKind, Estate, Facts, Kind, ResIdx, Resource};
use crate::sim::Topology;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    RegionAz,
    AccountRegionAz,
    Service,
}

impl Grouping {
    pub fn next(self) -> Grouping {
        match self {
            Grouping::RegionAz => Grouping::AccountRegionAz,
            Grouping::AccountRegionAz => Grouping::Service,
            Grouping::Service => Grouping::RegionAz,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grouping::RegionAz => "Region › AZ",
            Grouping::AccountRegionAz => "account › Region › AZ",
            Grouping::Service => "service › Region › AZ",
        }
    }
}

const NONE_TOP: u32 = u32::MAX;
const REGIONAL: u16 = u16::MAX;
const NO_KIND: u8 = u8::MAX;

/// A node's identity across rebuilds (ranks, not indices, so it sorts for display).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeKey {
    pub top: u32,
    pub region: u16,
    pub az: u16,
    pub kind: u8,
    pub level: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// An account or a service (index into `DomainTree::tops`).
    Top(u32),
    Region(crate::model::RegionIdx),
    Az(crate::model::AzIdx),
    /// Regional resources of a Region.
    Regional,
    Kind(Kind),
    Resource(ResIdx),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeRow {
    pub key: NodeKey,
    pub depth: u8,
    pub kind: RowKind,
    pub count: usize,
    pub expanded: bool,
    /// The AZ or Region this row belongs to (what `space` loses).
    pub domain: Option<Domain>,
    /// The account whose AZ names to show, under an account.
    pub account: Option<crate::model::AccountIdx>,
}

/// Sort keys (ranks) for Regions and AZs, and kind numbers.
struct Ranks {
    region: Vec<u16>,
    region_by_rank: Vec<crate::model::RegionIdx>,
    az: Vec<u16>,
    az_by_rank: Vec<crate::model::AzIdx>,
    /// The rank of the `global` pseudo-Region (entry points), which no what-if loses.
    global: Option<u16>,
}

impl Ranks {
    fn new(e: &Estate) -> Ranks {
        let mut regions: Vec<usize> = (0..e.regions().len()).collect();
        regions.sort_by(|a, b| e.regions()[*a].cmp(&e.regions()[*b]));
        let mut region = vec![0u16; regions.len()];
        for (rank, &r) in regions.iter().enumerate() {
            region[r] = rank as u16;
        }
        let mut azs: Vec<usize> = (0..e.azs().len()).collect();
        azs.sort_by(|a, b| e.azs()[*a].id.cmp(&e.azs()[*b].id));
        let mut az = vec![0u16; azs.len()];
        for (rank, &a) in azs.iter().enumerate() {
            az[a] = rank as u16;
        }
        let global = e
            .region_by_name(crate::model::GLOBAL_REGION)
            .map(|r| region[r.index()]);
        Ranks {
            global,
            region,
            region_by_rank: regions
                .iter()
                .map(|&r| crate::model::RegionIdx(r as u16))
                .collect(),
            az,
            az_by_rank: azs.iter().map(|&a| crate::model::AzIdx(a as u16)).collect(),
        }
    }
}

fn kind_rank(k: Kind) -> u8 {
    Kind::ALL.iter().position(|x| *x == k).unwrap_or(0) as u8
}

/// What `/` asks of the tree: a resource shows when its own text matches, or the
/// text of a row above it does (its account or service, Region, AZ with every
/// account's name for it, kind), so every word the tree shows finds its row.
pub struct TreeFilter<'a> {
    /// Lower-cased; empty keeps everything.
    pub text: String,
    /// Each resource's lower-cased text (`Engine::resource_text`).
    pub resource_text: &'a [String],
    /// What a domain's row shows besides its label (its impact, `LOST`).
    pub domain_note: &'a dyn Fn(Domain) -> String,
}

impl TreeFilter<'_> {
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// The tree for one grouping and filter.
pub struct DomainTree {
    pub grouping: Grouping,
    /// Labels of top-level nodes (accounts or services), by top index.
    pub tops: Vec<String>,
    groups: BTreeMap<NodeKey, Vec<ResIdx>>,
    counts: HashMap<NodeKey, usize>,
    ranks: Ranks,
    pub rows: Vec<TreeRow>,
    /// Resources on no user-facing path (service grouping leaves them out).
    pub unlisted: usize,
}

impl DomainTree {
    /// Groups the resources that pass `keep`.
    pub fn build(
        estate: &Estate,
        topo: &Topology,
        grouping: Grouping,
        filter: &TreeFilter,
    ) -> DomainTree {
        let ranks = Ranks::new(estate);
        let (tops, membership): (Vec<String>, Option<HashMap<ResIdx, Vec<u32>>>) = match grouping {
            Grouping::RegionAz => (Vec::new(), None),
            Grouping::AccountRegionAz => (
                estate.accounts().iter().map(|a| a.name.clone()).collect(),
                None,
            ),
            Grouping::Service => {
                let (labels, members) = service_membership(estate, topo);
                (labels, Some(members))
            }
        };
        let mut groups: BTreeMap<NodeKey, Vec<ResIdx>> = BTreeMap::new();
        let mut unlisted = 0;
        // Whether a row above a resource matches: each node looked at once.
        let mut node_matches: HashMap<NodeKey, bool> = HashMap::new();
        let mut above_matches = |k: NodeKey| {
            (0..4u8).any(|level| {
                let node = truncate(k, level);
                *node_matches.entry(node).or_insert_with(|| {
                    let label = node_text(estate, grouping, &tops, &ranks, node, filter);
                    label.to_lowercase().contains(&filter.text)
                })
            })
        };
        for (i, r) in estate.resources().iter().enumerate() {
            let idx = ResIdx(i as u32);
            let key = |top: u32| NodeKey {
                top,
                region: ranks.region[r.region.index()],
                az: r.az.map_or(REGIONAL, |a| ranks.az[a.index()]),
                kind: kind_rank(r.kind()),
                level: 3,
            };
            let own = filter.is_empty()
                || filter
                    .resource_text
                    .get(i)
                    .is_some_and(|t| t.contains(&filter.text));
            let mut place = |k: NodeKey| {
                if own || above_matches(k) {
                    groups.entry(k).or_default().push(idx);
                }
            };
            match grouping {
                Grouping::RegionAz => place(key(NONE_TOP)),
                Grouping::AccountRegionAz => place(key(r.account.0)),
                Grouping::Service => match membership.as_ref().and_then(|m| m.get(&idx)) {
                    Some(services) => {
                        for &s in services {
                            place(key(s));
                        }
                    }
                    None => unlisted += 1,
                },
            }
        }
        let mut counts: HashMap<NodeKey, usize> = HashMap::new();
        for (k, v) in &groups {
            for level in 0..4u8 {
                *counts.entry(truncate(*k, level)).or_default() += v.len();
            }
        }
        DomainTree {
            grouping,
            tops,
            groups,
            counts,
            ranks,
            rows: Vec::new(),
            unlisted,
        }
    }

    /// Whether a node is open: Regions and AZs start open, accounts, services and kinds
    /// closed (all open while filtering); `toggled` flips a node from its default.
    pub fn is_expanded(key: NodeKey, toggled: &HashSet<NodeKey>, filtering: bool) -> bool {
        let default = filtering || key.level == 1 || key.level == 2;
        default != toggled.contains(&key)
    }

    /// Flattens the tree into the rows to show.
    pub fn flatten(&mut self, toggled: &HashSet<NodeKey>, filtering: bool) {
        let open = |k: NodeKey| Self::is_expanded(k, toggled, filtering);
        let has_top = self.grouping != Grouping::RegionAz;
        let base: u8 = if has_top { 1 } else { 0 };
        let mut rows = Vec::new();
        let (mut last_top, mut last_region, mut last_az) = (None, None, None);
        for (k, members) in &self.groups {
            let (top_k, region_k, az_k, kind_k) = (
                truncate(*k, 0),
                truncate(*k, 1),
                truncate(*k, 2),
                truncate(*k, 3),
            );
            let region = self.ranks.region_by_rank[k.region as usize];
            // Route 53, Global Accelerator and CloudFront run outside any one Region:
            // nothing under `global` is a domain `space` can lose.
            let loseable = self.ranks.global != Some(k.region);
            let domain = if k.az == REGIONAL {
                Domain::Region(region)
            } else {
                Domain::Az(self.ranks.az_by_rank[k.az as usize])
            };
            let account = (self.grouping == Grouping::AccountRegionAz)
                .then_some(crate::model::AccountIdx(k.top));
            let row =
                |key: NodeKey, depth: u8, kind: RowKind, count: usize, domain: Option<Domain>| {
                    TreeRow {
                        key,
                        depth,
                        kind,
                        count,
                        expanded: open(key),
                        domain: domain.filter(|_| loseable),
                        account,
                    }
                };
            if has_top && last_top != Some(top_k) {
                last_top = Some(top_k);
                (last_region, last_az) = (None, None);
                rows.push(row(
                    top_k,
                    0,
                    RowKind::Top(k.top),
                    self.counts[&top_k],
                    None,
                ));
            }
            if has_top && !open(top_k) {
                continue;
            }
            if last_region != Some(region_k) {
                last_region = Some(region_k);
                last_az = None;
                let d = Some(Domain::Region(region));
                rows.push(row(
                    region_k,
                    base,
                    RowKind::Region(region),
                    self.counts[&region_k],
                    d,
                ));
            }
            if !open(region_k) {
                continue;
            }
            if last_az != Some(az_k) {
                last_az = Some(az_k);
                let kind = match domain {
                    Domain::Az(az) => RowKind::Az(az),
                    Domain::Region(_) => RowKind::Regional,
                };
                rows.push(row(az_k, base + 1, kind, self.counts[&az_k], Some(domain)));
            }
            if !open(az_k) {
                continue;
            }
            let kind = Kind::ALL[k.kind as usize];
            rows.push(row(
                kind_k,
                base + 2,
                RowKind::Kind(kind),
                members.len(),
                Some(domain),
            ));
            if open(kind_k) {
                for &r in members {
                    let mut leaf = row(*k, base + 3, RowKind::Resource(r), 1, Some(domain));
                    leaf.expanded = false;
                    rows.push(leaf);
                }
            }
        }
        self.rows = rows;
    }

    /// Whether a row is in the `global` pseudo-Region, which no what-if loses.
    pub fn is_global(&self, row: &TreeRow) -> bool {
        self.ranks.global == Some(row.key.region)
    }

    /// The ancestors to open so that `res` shows, if it is in this tree.
    /// The nodes above `d`'s row that may be closed (its account or service, and
    /// its Region), under `account` when the tree is grouped by account.
    pub fn ancestors_of(&self, d: Domain, account: Option<AccountIdx>) -> Vec<NodeKey> {
        let is_d = |k: &&NodeKey| match d {
            Domain::Az(az) => k.az != REGIONAL && self.ranks.az_by_rank[k.az as usize] == az,
            Domain::Region(r) => self.ranks.region_by_rank[k.region as usize] == r,
        };
        let by_account = self.grouping == Grouping::AccountRegionAz;
        let mut keys = self.groups.keys().filter(is_d);
        let key = (keys.clone())
            .find(|k| !by_account || account.is_none_or(|a| k.top == a.0))
            .or_else(|| keys.next());
        match key {
            Some(k) if self.grouping == Grouping::RegionAz => vec![truncate(*k, 1)],
            Some(k) => vec![truncate(*k, 0), truncate(*k, 1)],
            None => Vec::new(),
        }
    }

    pub fn path_to(&self, res: ResIdx) -> Option<[NodeKey; 4]> {
        self.groups
            .iter()
            .find(|(_, members)| members.contains(&res))
            .map(|(k, _)| {
                [
                    truncate(*k, 0),
                    truncate(*k, 1),
                    truncate(*k, 2),
                    truncate(*k, 3),
                ]
            })
    }
}

/// The text of the row of `node` (a truncated key), with its domain's note: what
/// the filter matches for the rows above a resource.
fn node_text(
    e: &Estate,
    grouping: Grouping,
    tops: &[String],
    ranks: &Ranks,
    node: NodeKey,
    filter: &TreeFilter,
) -> String {
    let region = || ranks.region_by_rank.get(node.region as usize).copied();
    match node.level {
        0 if grouping == Grouping::RegionAz => String::new(),
        0 if grouping == Grouping::AccountRegionAz => {
            let a = e.account(AccountIdx(node.top));
            format!("{} ({})", a.name, a.id)
        }
        0 => tops.get(node.top as usize).cloned().unwrap_or_default(),
        1 => match region() {
            Some(r) => format!(
                "{} {}",
                e.region_name(r),
                (filter.domain_note)(Domain::Region(r))
            ),
            None => String::new(),
        },
        2 if node.az == REGIONAL => "regional (no AZ)".to_string(),
        2 => match ranks.az_by_rank.get(node.az as usize) {
            Some(&az) => {
                let account =
                    (grouping == Grouping::AccountRegionAz).then_some(AccountIdx(node.top));
                format!(
                    "{} {}",
                    az_label(e, az, account),
                    (filter.domain_note)(Domain::Az(az))
                )
            }
            None => String::new(),
        },
        _ => Kind::ALL
            .get(node.kind as usize)
            .map_or(String::new(), |k| k.label().to_string()),
    }
}

/// The key of a node's ancestor at `level` (0 top, 1 Region, 2 AZ, 3 kind).
fn truncate(k: NodeKey, level: u8) -> NodeKey {
    NodeKey {
        top: k.top,
        region: if level >= 1 { k.region } else { u16::MAX },
        az: if level >= 2 { k.az } else { u16::MAX - 1 },
        kind: if level >= 3 { k.kind } else { NO_KIND },
        level,
    }
}

/// For the service grouping: which services' paths reach each resource
/// (load balancers, target groups, targets, groups, dependencies, NAT gateways).
fn service_membership(
    estate: &Estate,
    topo: &Topology,
) -> (Vec<String>, HashMap<ResIdx, Vec<u32>>) {
    let mut labels: Vec<String> = topo.services().iter().map(|s| s.name.clone()).collect();
    let mut top_of_lb: HashMap<ResIdx, u32> = HashMap::new();
    for p in topo.paths() {
        let top = match p.service {
            Some(s) => s as u32,
            None => *top_of_lb.entry(p.lb).or_insert_with(|| {
                labels.push(format!("{} (no service tag)", estate.resource(p.lb).name));
                (labels.len() - 1) as u32
            }),
        };
        top_of_lb.insert(p.lb, top);
    }
    let mut members: HashMap<ResIdx, Vec<u32>> = HashMap::new();
    for (&lb, &top) in &top_of_lb {
        let mut seen: HashSet<ResIdx> = HashSet::new();
        let mut stack = vec![lb];
        while let Some(r) = stack.pop() {
            if !seen.insert(r) {
                continue;
            }
            let entry = members.entry(r).or_default();
            if !entry.contains(&top) {
                entry.push(top);
            }
            for (e, to) in estate.edges_from(r) {
                match e.kind {
                    EdgeKind::RoutesTo | EdgeKind::DependsOn | EdgeKind::EgressVia => {
                        stack.push(to)
                    }
                    // Through an instance's subnet to its NAT gateway, not the subnet itself.
                    EdgeKind::PlacedIn if estate.resource(r).kind() == Kind::Instance => {
                        for (e2, nat) in estate.edges_from(to) {
                            if e2.kind == EdgeKind::EgressVia {
                                stack.push(nat);
                            }
                        }
                    }
                    _ => {}
                }
            }
            // Members of groups and clusters reached.
            if matches!(
                estate.resource(r).kind(),
                Kind::AutoScalingGroup | Kind::DbCluster
            ) {
                for (e, from) in estate.edges_to(r) {
                    if e.kind == EdgeKind::MemberOf {
                        stack.push(from);
                    }
                }
            }
        }
    }
    (labels, members)
}

/// A row's text as the tree shows it (without its count, impact or marks).
pub fn row_label(e: &Estate, tree: &DomainTree, row: &TreeRow) -> String {
    match row.kind {
        RowKind::Top(i) => match row.account {
            Some(a) => format!("{} ({})", e.account(a).name, e.account(a).id),
            None => tree.tops.get(i as usize).cloned().unwrap_or_default(),
        },
        RowKind::Region(r) => e.region_name(r).to_string(),
        RowKind::Az(az) => az_label(e, az, row.account),
        RowKind::Regional => "regional (no AZ)".to_string(),
        RowKind::Kind(k) => k.label().to_string(),
        RowKind::Resource(r) => resource_label(e.resource(r)),
    }
}

/// `use1-az1 (shop-prod: us-east-1c, …)`, or under an account its own name only.
fn az_label(e: &Estate, az: AzIdx, account: Option<AccountIdx>) -> String {
    let names: Vec<String> = match account {
        Some(a) => e
            .az_name(a, az)
            .map(|n| n.to_string())
            .into_iter()
            .collect(),
        None => e
            .az_names(az)
            .into_iter()
            .map(|(acct, name)| format!("{acct}: {name}"))
            .collect(),
    };
    if names.is_empty() {
        e.az_id(az).to_string()
    } else {
        format!("{} ({})", e.az_id(az), names.join(", "))
    }
}

/// A resource's row: its name, id (when it differs) and its telling fact.
pub fn resource_label(r: &Resource) -> String {
    let fact = match &r.facts {
        Facts::Instance(i) => i.instance_type.clone(),
        Facts::LoadBalancer(lb) => format!(
            "{} {}{}",
            lb.lb_type.short(),
            if lb.is_internet_facing() {
                "internet-facing"
            } else {
                "internal"
            },
            zonal_shift_text(lb.zonal_shift)
        ),
        Facts::DbInstance(db) => format!(
            "{}{}",
            db.engine,
            if db.multi_az { ", Multi-AZ" } else { "" }
        ),
        Facts::DbCluster(c) => format!(
            "{}, {}",
            c.engine,
            crate::text::count(c.members.len(), "member", "members")
        ),
        Facts::AutoScalingGroup(a) => format!("desired {} of {}..{}", a.desired, a.min, a.max),
        Facts::NatGateway(n) => format!("{:?}", n.mode).to_lowercase(),
        _ => String::new(),
    };
    // The telling fact before the id: an ARN would push it off the screen.
    match (r.name == r.id, fact.is_empty()) {
        (true, _) => format!("{}  {fact}", r.name),
        (false, true) => format!("{}  {}", r.name, r.id),
        (false, false) => format!("{}  {fact}  {}", r.name, r.id),
    }
}

/// `, zonal shift on, autoshift off`: whether ARC can move the load balancer's
/// traffic away from a bad AZ (`../shared/domain.md` §10); nothing when not read.
fn zonal_shift_text(z: Option<crate::model::ZonalShift>) -> String {
    match z {
        None => String::new(),
        Some(z) if !z.enabled => ", zonal shift off".to_string(),
        Some(z) => match z.autoshift {
            Some(true) => ", zonal shift on, autoshift on".to_string(),
            Some(false) => ", zonal shift on, autoshift off".to_string(),
            None => ", zonal shift on".to_string(),
        },
    }
}
