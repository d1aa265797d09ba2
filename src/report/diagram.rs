//! The picture the Mermaid and DOT exports draw: user-facing paths as nodes placed
//! in account → Region → AZ (regional resources at Region level), typed edges, and
//! each node's status under one what-if.
//!
//! **One source of truth.** Every node is coloured from the engine's own per-hop
//! answers, the ones the TUI's path detail shows ([`chain_detail`], each hop keyed by
//! its [`HopSubject`]; [`target_details`] for targets drawn one by one; [`part_hop`]
//! for a database linked to one a path needs), never by reasoning of its own. A node
//! some hops share takes the worst of them; a hop gone with the lost domains is drawn
//! lost, whatever its outcome (an Aurora cluster lost with its Region whose global
//! database fails over is lost, and the edge to the promoted cluster says why its
//! paths only degrade); a node down with nothing lost is drawn "down before the loss".
//!
//! A path is drawn load balancer → target group → targets, with the NAT gateways its
//! targets reach the internet through and what they need (from the target group for
//! what all need, from the targets that need it otherwise). A load balancer depended
//! upon is drawn with its own target groups when it is not ok (or when everything is
//! drawn); paths in a lost Region are drawn as their load balancer and target group
//! in a focused view. Targets are collapsed into one node per target group and AZ, or
//! drawn one by one when paths are selected.
//!
//! Cost: each drawn chain is detailed twice (under the loss and with nothing lost),
//! in time linear in its hops; chains to draw wait in a queue, so a chain of 10,000
//! load balancers depended upon is no deeper for the drawer than one.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use petgraph::graph::{DiGraph, NodeIndex};
use thiserror::Error;

use crate::model::{AccountIdx, AzIdx, Estate, Facts, Kind, LbType, RegionIdx, ResIdx, TargetType};
use crate::sim::{
    DependencyRef, HopDetail, HopSubject, LostDomains, Part, PartId, PathParts, Peer, Status,
    TargetDetail, TargetFate, TargetRef, Topology, Verdict, chain_detail, part_hop, target_details,
    what_if,
};

use super::Report;
use crate::text::count;

#[derive(Debug, Error)]
pub enum DiagramError {
    #[error("no user-facing path has the id {given:?}; known paths:\n  {}", known.join("\n  "))]
    UnknownPath { given: String, known: Vec<String> },
}

/// The paths named by id (`docs/json.md`), in the order given.
pub fn select_paths(topo: &Topology, ids: &[String]) -> Result<Vec<usize>, DiagramError> {
    ids.iter()
        .map(|id| {
            (topo.paths().iter())
                .position(|p| &p.id == id)
                .ok_or_else(|| DiagramError::UnknownPath {
                    given: id.clone(),
                    known: topo.paths().iter().map(|p| p.id.clone()).collect(),
                })
        })
        .collect()
}

/// The paths a loss touches: those not ok under the verdict (a path down before the
/// loss stays down, so it is among them).
pub fn touched_paths(verdict: &Verdict) -> Vec<usize> {
    (verdict.paths.iter())
        .filter(|p| p.status != Status::Ok)
        .map(|p| p.path)
        .collect()
}

/// A node's colour: its status under the what-if.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeStatus {
    Ok,
    Degraded,
    Down,
    /// Down with nothing lost too: not the loss's doing.
    DownBefore,
    /// Gone with the lost domains.
    Lost,
}

impl NodeStatus {
    pub const ALL: [NodeStatus; 5] = [
        NodeStatus::Ok,
        NodeStatus::Degraded,
        NodeStatus::Down,
        NodeStatus::DownBefore,
        NodeStatus::Lost,
    ];

    /// The class name in both formats.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Ok => "ok",
            NodeStatus::Degraded => "degraded",
            NodeStatus::Down => "down",
            NodeStatus::DownBefore => "down_before",
            NodeStatus::Lost => "lost",
        }
    }

    /// For people, with a symbol that survives printing without colour.
    pub fn label(self) -> &'static str {
        match self {
            NodeStatus::Ok => "✓ ok",
            NodeStatus::Degraded => "~ degraded",
            NodeStatus::Down => "✗ down",
            NodeStatus::DownBefore => "✗ down before the loss",
            NodeStatus::Lost => "✗ lost",
        }
    }

    /// (fill, stroke) colours, shared by both exports.
    pub fn colours(self) -> (&'static str, &'static str) {
        match self {
            NodeStatus::Ok => ("#d9f2d9", "#2e7d32"),
            NodeStatus::Degraded => ("#fff0c2", "#b26a00"),
            NodeStatus::Down => ("#f9d0d0", "#c62828"),
            NodeStatus::DownBefore => ("#eadcf2", "#6a1b9a"),
            NodeStatus::Lost => ("#dddddd", "#555555"),
        }
    }

    /// Drawn with a dashed outline: gone, or not the loss's doing.
    pub fn dashed(self) -> bool {
        matches!(self, NodeStatus::Lost | NodeStatus::DownBefore)
    }
}

/// How a node is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A load balancer.
    Entry,
    /// A target group, instance, NAT gateway, anything else.
    Box,
    /// Several targets in one node.
    Stack,
    Database,
    /// A load balancer depended upon, where it is needed: drawn again at the head of
    /// its own target groups (a picture stays as wide as one path is deep).
    Reference,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub account: AccountIdx,
    pub region: RegionIdx,
    /// `None` for a regional resource (or one spread over several AZs).
    pub az: Option<AzIdx>,
}

/// What a node stands for: the engine's hops (or targets) its status comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeSubject {
    Hop(HopSubject),
    Target(TargetRef),
}

#[derive(Debug, Clone)]
pub struct DiagramNode {
    /// Unique in the diagram, letters, digits and `_` only, never a keyword.
    pub id: String,
    /// Label lines, as plain text (each format escapes them); the last one says the
    /// status when it is not ok.
    pub lines: Vec<String>,
    pub status: NodeStatus,
    pub shape: Shape,
    pub place: Place,
    /// The hops and targets it is drawn from.
    pub subjects: Vec<NodeSubject>,
}

/// What an edge says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DiagramEdge {
    /// Traffic: load balancer → target group → targets. Structural: no label.
    Traffic,
    /// Targets need it to serve (`hard`) or serve worse without it; `holders` when only
    /// some of the targets need it (drawn from the target group).
    Needs {
        declared: bool,
        hard: bool,
        holders: Option<(u32, u32)>,
    },
    /// Internet egress through a NAT gateway (`hard`: declared needed to serve).
    Egress { hard: bool },
    /// A global database's primary and another cluster of it.
    GlobalDatabase,
    /// A read replica and its source.
    ReplicaOf,
}

impl DiagramEdge {
    /// A short label, or none where the shape of the picture says it.
    pub fn label(&self) -> Option<String> {
        match *self {
            DiagramEdge::Traffic | DiagramEdge::Egress { .. } => None,
            DiagramEdge::Needs {
                declared,
                hard,
                holders,
            } => {
                let mut s = match (declared, hard) {
                    (false, true) => "inferred",
                    (true, true) => "declared",
                    (true, false) => "soft, declared",
                    (false, false) => "soft, inferred",
                }
                .to_string();
                if let Some((n, of)) = holders {
                    s.push_str(&format!(", {n} of {of} targets"));
                }
                Some(s)
            }
            DiagramEdge::GlobalDatabase => Some("global database".to_string()),
            DiagramEdge::ReplicaOf => Some("replica of".to_string()),
        }
    }

    /// Thick: losing the far end stops the near end (declared hard).
    pub fn thick(&self) -> bool {
        matches!(
            self,
            DiagramEdge::Needs {
                declared: true,
                hard: true,
                ..
            } | DiagramEdge::Egress { hard: true }
        )
    }

    /// Dotted: needed, but not traffic.
    pub fn dotted(&self) -> bool {
        !matches!(self, DiagramEdge::Traffic) && !self.thick()
    }

    /// A link between two databases, without a direction of traffic.
    pub fn undirected(&self) -> bool {
        matches!(self, DiagramEdge::GlobalDatabase | DiagramEdge::ReplicaOf)
    }
}

/// Nodes grouped by account, then Region, then AZ.
#[derive(Debug, Clone)]
pub struct Group {
    /// Unique among node and group ids, with the same characters.
    pub id: String,
    pub title: String,
    pub nodes: Vec<NodeIndex>,
    pub children: Vec<Group>,
}

#[derive(Debug, Clone)]
pub struct Diagram {
    /// "8 of 15 user-facing paths (those the loss touches), losing use1-az4"
    pub title: String,
    pub graph: DiGraph<DiagramNode, DiagramEdge>,
    /// Accounts, each holding its Regions, each holding its AZs.
    pub groups: Vec<Group>,
    /// Said instead of a picture when there is nothing to draw.
    pub note: Option<String>,
    /// The chains drawn, and whether each was drawn whole (not collapsed to its load
    /// balancer and target group).
    pub chains: Vec<(PartId, bool)>,
}

/// How targets are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// One node per target group and AZ, with a count: legible on large estates.
    PerAz,
    /// One node per target.
    OneByOne,
}

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct View {
    pub targets: Targets,
    /// Every load balancer depended upon with its own target groups, and paths in a
    /// lost Region whole; otherwise only those that explain a verdict.
    pub everything: bool,
    /// "those the loss touches", said in the title.
    pub focused: bool,
}

/// Draws `paths` under the verdict's scenario.
pub fn build(r: &Report, verdict: &Verdict, paths: &[usize], view: View) -> Diagram {
    let baseline_owned;
    let baseline = if verdict.lost.is_empty() {
        verdict
    } else {
        baseline_owned = what_if(r.topo, &LostDomains::none(r.estate));
        &baseline_owned
    };
    let mut d = Drawer {
        estate: r.estate,
        topo: r.topo,
        verdict,
        baseline,
        view,
        graph: DiGraph::new(),
        nodes: HashMap::new(),
        states: Vec::new(),
        edges: HashSet::new(),
        ids: Ids::default(),
        queued: HashSet::new(),
        queue: VecDeque::new(),
        chains: Vec::new(),
    };
    for &p in paths {
        d.enqueue(r.topo.path_part(p));
    }
    while let Some(part) = d.queue.pop_front() {
        d.chain(part);
    }
    d.finish_statuses();
    let groups = d.groups();
    let total = r.topo.paths().len();
    let what = if view.focused {
        format!(
            "{} of {} (those the loss touches)",
            paths.len(),
            count(total, "user-facing path", "user-facing paths")
        )
    } else {
        count(paths.len(), "user-facing path", "user-facing paths")
    };
    let lost = verdict.lost.describe(r.estate);
    let note = paths
        .is_empty()
        .then(|| format!("Losing {lost} leaves every user-facing path ok: nothing to draw"));
    Diagram {
        title: format!("{what}, losing {lost}"),
        graph: d.graph,
        groups,
        note,
        chains: d.chains,
    }
}

/// What a node stands for, so that it is drawn once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum NodeKey {
    Resource(ResIdx),
    /// A target group's targets in one AZ (`None`: outside any AZ).
    TargetsIn(ResIdx, Option<AzIdx>),
    /// A target that is not a resource (an IP address), by target group and slot.
    Registration(ResIdx, u32),
    /// A load balancer depended upon whose own chains are drawn too.
    Reference(ResIdx),
}

/// Hands out ids that are safe in both formats: `[A-Za-z0-9_]`, a kind prefix, unique.
#[derive(Default)]
struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    fn make(&mut self, prefix: &str, text: &str) -> String {
        let mut base = format!("{prefix}_");
        for c in text.chars().take(48) {
            let c = if c.is_ascii_alphanumeric() { c } else { '_' };
            if !(c == '_' && base.ends_with('_')) {
                base.push(c);
            }
        }
        let base = base.trim_end_matches('_').to_string();
        let mut id = base.clone();
        let mut n = 1;
        while !self.taken.insert(id.clone()) {
            n += 1;
            id = format!("{base}_{n}");
        }
        id
    }
}

/// One hop's say on a node: its status now and with nothing lost, and whether it is gone.
#[derive(Debug, Clone, Copy)]
struct Say {
    now: Status,
    before: Status,
    lost: bool,
}

struct Drawer<'a> {
    estate: &'a Estate,
    topo: &'a Topology,
    verdict: &'a Verdict,
    baseline: &'a Verdict,
    view: View,
    graph: DiGraph<DiagramNode, DiagramEdge>,
    nodes: HashMap<NodeKey, NodeIndex>,
    /// Per node (by index), what its hops say.
    states: Vec<Vec<Say>>,
    edges: HashSet<(NodeIndex, NodeIndex, DiagramEdge)>,
    ids: Ids,
    queued: HashSet<PartId>,
    queue: VecDeque<PartId>,
    chains: Vec<(PartId, bool)>,
}

/// A hop's status with nothing lost, by subject.
fn statuses(hops: &[HopDetail]) -> HashMap<HopSubject, Status> {
    hops.iter().map(|h| (h.subject, h.status)).collect()
}

impl Drawer<'_> {
    fn enqueue(&mut self, part: PartId) {
        if self.queued.insert(part) {
            self.queue.push_back(part);
        }
    }

    fn place_of(&self, res: ResIdx) -> Place {
        let r = self.estate.resource(res);
        Place {
            account: r.account,
            region: r.region,
            az: r.az,
        }
    }

    /// The node for `key`, added on first use with an id made of `prefix` and `id_text`.
    fn node(
        &mut self,
        key: NodeKey,
        prefix: &str,
        id_text: &str,
        place: Place,
        shape: Shape,
        lines: Vec<String>,
    ) -> NodeIndex {
        if let Some(&n) = self.nodes.get(&key) {
            return n;
        }
        let id = self.ids.make(prefix, id_text);
        let n = self.graph.add_node(DiagramNode {
            id,
            lines,
            status: NodeStatus::Ok,
            shape,
            place,
            subjects: Vec::new(),
        });
        self.states.push(Vec::new());
        self.nodes.insert(key, n);
        n
    }

    /// Records what a hop (or target) says about a node.
    fn say(&mut self, n: NodeIndex, subject: NodeSubject, say: Say) {
        let node = &mut self.graph[n];
        if !node.subjects.contains(&subject) {
            node.subjects.push(subject);
        }
        self.states[n.index()].push(say);
    }

    fn say_hop(&mut self, n: NodeIndex, hop: &HopDetail, before: &HashMap<HopSubject, Status>) {
        let say = Say {
            now: hop.status,
            before: before.get(&hop.subject).copied().unwrap_or(Status::Ok),
            lost: hop.lost,
        };
        self.say(n, NodeSubject::Hop(hop.subject), say);
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, edge: DiagramEdge) {
        if from != to && self.edges.insert((from, to, edge)) {
            self.graph.add_edge(from, to, edge);
        }
    }

    /// Each node's status from what its hops say: gone if one says so, else the worst,
    /// "down before the loss" when it was down with nothing lost too.
    fn finish_statuses(&mut self) {
        for n in self.graph.node_indices() {
            let says = &self.states[n.index()];
            let status = node_status(says.iter().map(|s| (s.now, s.before, s.lost)));
            let node = &mut self.graph[n];
            node.status = status;
            if status != NodeStatus::Ok {
                node.lines.push(status.label().to_string());
            }
        }
    }

    /// A load balancer forwarding to a target group, with its targets, egress and
    /// what they need; load balancers they need that must be drawn are queued.
    fn chain(&mut self, part: PartId) {
        let topo = self.topo;
        let (Part::Path(c), Some(now)) = (
            topo.part(part),
            chain_detail(self.estate, topo, part, self.verdict),
        ) else {
            return;
        };
        let before = chain_detail(self.estate, topo, part, self.baseline)
            .map(|d| statuses(&d.hops))
            .unwrap_or_default();
        let hop_of: HashMap<HopSubject, &HopDetail> =
            now.hops.iter().map(|h| (h.subject, h)).collect();
        // A path in a lost Region, in a focused view: its load balancer and target group.
        let whole = self.view.everything
            || self.view.targets == Targets::OneByOne
            || !self.verdict.lost.region(c.region);
        self.chains.push((part, whole));

        let lb = self.load_balancer(c.lb);
        if let Some(h) = hop_of.get(&HopSubject::LoadBalancer(c.lb)) {
            self.say_hop(lb, h, &before);
            self.nodes_line(lb, h);
        }
        let tg = self.target_group(&c, hop_of.get(&HopSubject::TargetGroup(c.tg)).copied());
        if let Some(h) = hop_of.get(&HopSubject::TargetGroup(c.tg)) {
            self.say_hop(tg, h, &before);
        }
        self.edge(lb, tg, DiagramEdge::Traffic);
        if !whole {
            return;
        }
        let alb_targets = matches!(
            &self.estate.resource(c.tg).facts,
            Facts::TargetGroup(f) if f.target_type == TargetType::Alb
        );
        // Targets: per AZ from the detail's lines, or one by one.
        let mut one_by_one: Vec<(TargetDetail, NodeIndex)> = Vec::new();
        match self.view.targets {
            Targets::PerAz => {
                for h in &now.hops {
                    if let Some(n) = self.targets_hop(&c, h) {
                        self.say_hop(n, h, &before);
                        self.edge(tg, n, DiagramEdge::Traffic);
                    }
                }
            }
            Targets::OneByOne => {
                let targets = target_details(topo, part, self.verdict).unwrap_or_default();
                let base: HashMap<TargetRef, Status> = (target_details(topo, part, self.baseline)
                    .unwrap_or_default())
                .into_iter()
                .map(|t| (t.target, t.status()))
                .collect();
                for t in targets {
                    let n = self.target(&t);
                    let say = Say {
                        now: t.status(),
                        before: base.get(&t.target).copied().unwrap_or(Status::Ok),
                        lost: t.lost,
                    };
                    self.say(n, NodeSubject::Target(t.target), say);
                    self.edge(tg, n, DiagramEdge::Traffic);
                    one_by_one.push((t, n));
                }
            }
        }
        // NAT gateways, reached from the targets that use them.
        for e in &c.egress {
            let Some(h) = hop_of.get(&HopSubject::Nat(e.nat)) else {
                continue;
            };
            let nat = self.nat(e.nat);
            self.say_hop(nat, h, &before);
            let edge = DiagramEdge::Egress { hard: e.hard };
            match self.view.targets {
                Targets::PerAz => {
                    for az in &e.user_azs {
                        if let Some(&from) = self.nodes.get(&NodeKey::TargetsIn(c.tg, Some(*az))) {
                            self.edge(from, nat, edge);
                        }
                    }
                }
                Targets::OneByOne => {
                    let users: Vec<NodeIndex> = (one_by_one.iter())
                        .filter(|(t, _)| t.nat == Some(e.nat))
                        .map(|(_, n)| *n)
                        .collect();
                    for from in users {
                        self.edge(from, nat, edge);
                    }
                }
            }
        }
        // What every target needs, from the target group; what some need, from them.
        let total: u32 = (c.zones.iter().map(|z| z.tally.total)).sum::<u32>() + c.nonzonal.total;
        for d in &c.dependencies {
            let Some(h) = hop_of.get(&HopSubject::Dependency(d.part)) else {
                continue;
            };
            let to = self.dependency(d, h, &before);
            // An ALB registered as a target is forwarded to, not depended upon.
            let edge = if alb_targets && !d.declared {
                DiagramEdge::Traffic
            } else {
                needs(d, None)
            };
            self.edge(tg, to, edge);
        }
        for (k, co) in c.cohorts.iter().enumerate() {
            for d in &co.dependencies {
                let Some(h) = hop_of.get(&HopSubject::Dependency(d.part)) else {
                    continue;
                };
                let to = self.dependency(d, h, &before);
                match self.view.targets {
                    Targets::PerAz => self.edge(tg, to, needs(d, Some((co.targets, total)))),
                    Targets::OneByOne => {
                        let holders: Vec<NodeIndex> = (one_by_one.iter())
                            .filter(|(t, _)| t.cohort == Some(k as u16))
                            .map(|(_, n)| *n)
                            .collect();
                        for from in holders {
                            self.edge(from, to, needs(d, None));
                        }
                    }
                }
            }
        }
    }

    fn load_balancer(&mut self, lb: ResIdx) -> NodeIndex {
        let r = self.estate.resource(lb);
        let kind = match &r.facts {
            Facts::LoadBalancer(f) => {
                let short = match f.lb_type {
                    LbType::Application => "ALB",
                    LbType::Network => "NLB",
                    LbType::Gateway => "GWLB",
                };
                if f.is_internet_facing() {
                    short.to_string()
                } else {
                    format!("internal {short}")
                }
            }
            _ => r.kind().label().to_string(),
        };
        let place = self.place_of(lb);
        let name = r.name.clone();
        self.node(
            NodeKey::Resource(lb),
            "lb",
            &name,
            place,
            Shape::Entry,
            vec![name.clone(), kind],
        )
    }

    /// A load balancer depended upon, drawn where it is needed; it heads its own
    /// target groups elsewhere in the picture.
    fn reference(&mut self, lb: ResIdx) -> NodeIndex {
        let r = self.estate.resource(lb);
        let place = self.place_of(lb);
        let name = r.name.clone();
        self.node(
            NodeKey::Reference(lb),
            "ref",
            &name,
            place,
            Shape::Reference,
            vec![name.clone(), "its targets: see its own path".to_string()],
        )
    }

    /// "1 of 2 nodes up" on a load balancer that lost some, from its detail line (what
    /// follows, such as whether it can be zonally shifted, is for the path detail: the
    /// picture stays narrow).
    fn nodes_line(&mut self, lb: NodeIndex, hop: &HopDetail) {
        if hop.status == Status::Degraded {
            let nodes = hop.note.split(';').next().unwrap_or_default().to_string();
            let lines = &mut self.graph[lb].lines;
            if !lines.contains(&nodes) {
                lines.push(nodes);
            }
        }
    }

    fn target_group(&mut self, c: &PathParts, hop: Option<&HopDetail>) -> NodeIndex {
        let name = self.estate.resource(c.tg).name.clone();
        let mut lines = vec![name.clone(), "target group".to_string()];
        if let Some(cap) = hop
            .map(|_| self.verdict.outcome(c.part))
            .and_then(|o| o.capacity)
        {
            let unit = cap.unit.label();
            lines[1] = format!("target group · {}/{} {unit}", cap.after, cap.before);
            if cap.after_recovery != cap.after {
                lines.push(format!("{} {unit} after recovery", cap.after_recovery));
            }
        }
        let place = self.place_of(c.tg);
        self.node(
            NodeKey::Resource(c.tg),
            "tg",
            &name,
            place,
            Shape::Box,
            lines,
        )
    }

    /// The node of a per-AZ (or function) line of the detail; `None` for other lines.
    fn targets_hop(&mut self, c: &PathParts, h: &HopDetail) -> Option<NodeIndex> {
        let tg = self.estate.resource(c.tg);
        let (account, region) = (tg.account, tg.region);
        match h.subject {
            HopSubject::TargetsIn { az, .. } => {
                let tally = match az {
                    Some(az) => c
                        .zones
                        .iter()
                        .find(|z| z.az == az)
                        .map(|z| (z.tally, z.enabled)),
                    None => Some((c.nonzonal, true)),
                };
                let (tally, enabled) = tally?;
                let mut what = if tally.serving == tally.total {
                    count(tally.total as usize, "target", "targets")
                } else {
                    format!("{} of {} healthy", tally.serving, tally.total)
                };
                if c.unit == crate::sim::Unit::Vcpu {
                    what.push_str(&format!(" · {} vCPU", tally.units));
                }
                let mut lines = vec![tg.name.clone(), what];
                if az.is_none() {
                    lines.push("outside any AZ".to_string());
                }
                if !enabled {
                    lines.push("no load balancer node here".to_string());
                }
                let where_ = az.map_or("outside_azs", |az| self.estate.az_id(az));
                let id_text = format!("{}_{where_}", tg.name);
                Some(self.node(
                    NodeKey::TargetsIn(c.tg, az),
                    "targets",
                    &id_text,
                    Place {
                        account,
                        region,
                        az,
                    },
                    Shape::Stack,
                    lines,
                ))
            }
            HopSubject::Function { function, .. } => Some(self.function(function)),
            _ => None,
        }
    }

    fn function(&mut self, function: ResIdx) -> NodeIndex {
        let r = self.estate.resource(function);
        let azs: Vec<AzIdx> = match &r.facts {
            Facts::LambdaFunction(f) => f
                .azs
                .iter()
                .filter_map(|a| self.estate.az_by_id(a))
                .collect(),
            _ => Vec::new(),
        };
        // In its AZ when it has one: a function in one subnet goes with that AZ.
        let place = Place {
            account: r.account,
            region: r.region,
            az: match azs.as_slice() {
                [one] => Some(*one),
                _ => None,
            },
        };
        let where_ = match azs.as_slice() {
            [] => "Lambda function".to_string(),
            [_] => "Lambda function, one AZ".to_string(),
            many => format!("Lambda function, {} AZs", many.len()),
        };
        let name = r.name.clone();
        self.node(
            NodeKey::Resource(function),
            "fn",
            &name,
            place,
            Shape::Box,
            vec![name.clone(), where_],
        )
    }

    /// A target on its own.
    fn target(&mut self, t: &TargetDetail) -> NodeIndex {
        let estate = self.estate;
        let why = match t.fate {
            // The status line says these.
            TargetFate::Serving | TargetFate::Lost | TargetFate::NotServingBefore => None,
            other => Some(other.describe(estate)),
        };
        let n = match t.target {
            TargetRef::Resource(r) if t.function => self.function(r),
            TargetRef::Resource(r) => {
                let res = estate.resource(r);
                let detail = match &res.facts {
                    Facts::Instance(f) => f.instance_type.clone(),
                    Facts::EcsTask(_) => "ECS task".to_string(),
                    _ => res.kind().label().to_string(),
                };
                let place = self.place_of(r);
                let name = res.name.clone();
                self.node(
                    NodeKey::Resource(r),
                    "i",
                    &name,
                    place,
                    Shape::Box,
                    vec![name.clone(), detail],
                )
            }
            TargetRef::Registration { tg, slot } => {
                let tgr = estate.resource(tg);
                let (id, detail) = match &tgr.facts {
                    Facts::TargetGroup(f) => {
                        let reg = f.targets.get(slot as usize);
                        let id = reg.map_or_else(|| format!("target {slot}"), |r| r.id.clone());
                        let detail = match f.target_type {
                            TargetType::Ip => "IP target",
                            TargetType::Lambda => "Lambda target",
                            TargetType::Instance => "instance (not scanned)",
                            TargetType::Alb => "ALB target",
                        };
                        (id, detail)
                    }
                    _ => (format!("target {slot}"), "target"),
                };
                let place = Place {
                    account: tgr.account,
                    region: tgr.region,
                    az: t.az,
                };
                self.node(
                    NodeKey::Registration(tg, slot),
                    "target",
                    &id,
                    place,
                    Shape::Box,
                    vec![id.clone(), detail.to_string()],
                )
            }
        };
        if let Some(why) = why {
            let lines = &mut self.graph[n].lines;
            if !lines.contains(&why) {
                lines.push(why);
            }
        }
        n
    }

    fn nat(&mut self, nat: ResIdx) -> NodeIndex {
        let r = self.estate.resource(nat);
        let what = match r.zonal_nat_az() {
            Some(_) => "NAT gateway",
            None => "regional NAT gateway",
        };
        let place = Place {
            az: r.zonal_nat_az(),
            ..self.place_of(nat)
        };
        let name = r.name.clone();
        self.node(
            NodeKey::Resource(nat),
            "nat",
            &name,
            place,
            Shape::Box,
            vec![name.clone(), what.to_string()],
        )
    }

    /// The node a dependency is drawn as, with what its hop says; a load balancer (or
    /// target group) that is not ok, or every one when everything is drawn, is queued
    /// to be drawn with its own chains.
    fn dependency(
        &mut self,
        d: &DependencyRef,
        hop: &HopDetail,
        before: &HashMap<HopSubject, Status>,
    ) -> NodeIndex {
        let expand = self.view.everything
            || hop.status != Status::Ok
            || before.get(&hop.subject).is_some_and(|s| *s != Status::Ok);
        let n = match self.topo.part(d.part) {
            Part::Path(c) => {
                if expand {
                    self.enqueue(d.part);
                }
                self.target_group(&c, None)
            }
            Part::LoadBalancer { lb, paths } => {
                // Drawn with its chains (expanded, or heading a path drawn anyway): an
                // edge into its head would put the whole chain a path's depth to the
                // right, so the need points at a reference to it instead.
                let drawn = expand || paths.iter().any(|p| self.queued.contains(p));
                if expand {
                    for p in paths {
                        self.enqueue(p);
                    }
                }
                if drawn {
                    self.reference(lb)
                } else {
                    self.load_balancer(lb)
                }
            }
            part => self.database_or_other(part, hop.lost),
        };
        self.say_hop(n, hop, before);
        n
    }

    /// A database, cache, table, function or other resource, with its links to other
    /// databases (a global database's clusters, a replica's source) where they decide
    /// something: one side is gone (a Region lost, a failover to the other), or
    /// everything is drawn.
    fn database_or_other(&mut self, part: Part, gone: bool) -> NodeIndex {
        let (n, peers) = self.part_node(&part);
        for (peer, edge) in peers {
            let Some(p) = peer.part else { continue };
            let peer_gone = self.topo.part_gone(self.estate, p, &self.verdict.lost);
            if !(self.view.everything || gone || peer_gone) {
                continue;
            }
            let Some(m) = self.peer(p) else {
                continue;
            };
            // From the one that takes writes.
            if peer.writer {
                self.edge(m, n, edge);
            } else {
                self.edge(n, m, edge);
            }
        }
        n
    }

    /// A database linked to one drawn, with its own status (it is no hop of the path).
    fn peer(&mut self, part: PartId) -> Option<NodeIndex> {
        let now = part_hop(self.estate, self.topo, part, self.verdict);
        let before = part_hop(self.estate, self.topo, part, self.baseline);
        let (n, _) = match self.topo.part(part) {
            Part::Path(_) | Part::LoadBalancer { .. } => return None,
            p => self.part_node(&p),
        };
        let say = Say {
            now: now.status,
            before: before.status,
            lost: now.lost,
        };
        self.say(n, NodeSubject::Hop(now.subject), say);
        Some(n)
    }

    /// The node of a part that is not a chain or load balancer, and its links.
    fn part_node(&mut self, part: &Part) -> (NodeIndex, Vec<(Peer, DiagramEdge)>) {
        let estate = self.estate;
        match part {
            Part::Database {
                db,
                multi_az,
                standby,
                replica_of,
            } => {
                let r = estate.resource(*db);
                let engine = match &r.facts {
                    Facts::DbInstance(f) => f.engine.as_str(),
                    _ => "DB",
                };
                let mut lines = vec![r.name.clone()];
                let mut place = self.place_of(*db);
                if *multi_az {
                    // Its standby is elsewhere: it spans AZs, as its failover does.
                    place.az = None;
                    lines.push(format!("RDS {engine} · Multi-AZ"));
                    let primary = r.az.map_or("?", |a| estate.az_id(a));
                    lines.push(match standby {
                        Some(s) => format!("{primary}, standby {}", estate.az_id(*s)),
                        None => format!("{primary}, standby not reported"),
                    });
                } else if replica_of.is_some() {
                    lines.push(format!("RDS {engine} · read replica"));
                } else {
                    lines.push(format!("RDS {engine} · single-AZ"));
                }
                let name = r.name.clone();
                let n = self.node(
                    NodeKey::Resource(*db),
                    "db",
                    &name,
                    place,
                    Shape::Database,
                    lines,
                );
                let peers = replica_of
                    .iter()
                    .map(|p| (*p, DiagramEdge::ReplicaOf))
                    .collect();
                (n, peers)
            }
            Part::Cluster {
                cluster,
                members,
                global_peers,
            } => {
                let r = estate.resource(*cluster);
                let what = match &r.facts {
                    Facts::DbCluster(f) if f.is_multi_az_db_cluster() => "Multi-AZ DB cluster",
                    _ => "Aurora cluster",
                };
                let mut lines = vec![r.name.clone(), what.to_string()];
                let az_of = |m: &ResIdx| estate.resource(*m).az.map(|a| estate.az_id(a));
                let writer: Vec<&str> = (members.iter())
                    .filter(|(_, w)| *w)
                    .filter_map(|(m, _)| az_of(m))
                    .collect();
                let readers: Vec<&str> = (members.iter())
                    .filter(|(_, w)| !*w)
                    .filter_map(|(m, _)| az_of(m))
                    .collect();
                if !writer.is_empty() {
                    lines.push(format!("writer {}", writer.join(", ")));
                }
                match readers.as_slice() {
                    [] => {}
                    [one] => lines.push(format!("reader {one}")),
                    many if many.len() <= 3 => lines.push(format!("readers {}", many.join(", "))),
                    many => lines.push(count(many.len(), "reader", "readers")),
                }
                let place = Place {
                    az: None,
                    ..self.place_of(*cluster)
                };
                let name = r.name.clone();
                let n = self.node(
                    NodeKey::Resource(*cluster),
                    "cluster",
                    &name,
                    place,
                    Shape::Database,
                    lines,
                );
                let peers = global_peers
                    .iter()
                    .map(|p| (*p, DiagramEdge::GlobalDatabase))
                    .collect();
                (n, peers)
            }
            Part::Service { res } | Part::Resource { res } => {
                let r = estate.resource(*res);
                let (shape, what) = match &r.facts {
                    Facts::DynamodbTable(t) if !t.replicas.is_empty() => (
                        Shape::Database,
                        format!("DynamoDB global table · replica {}", t.replicas.join(", ")),
                    ),
                    Facts::DynamodbTable(_) => (Shape::Database, "DynamoDB table".to_string()),
                    Facts::CacheReplicationGroup(_) => {
                        (Shape::Database, "ElastiCache (Redis)".to_string())
                    }
                    Facts::CacheCluster(_) | Facts::ServerlessCache(_) => {
                        (Shape::Database, "ElastiCache".to_string())
                    }
                    Facts::DbInstance(_) | Facts::DbCluster(_) => {
                        (Shape::Database, r.kind().label().to_string())
                    }
                    _ if r.kind() == Kind::LambdaFunction => {
                        (Shape::Box, "Lambda function".to_string())
                    }
                    _ => (Shape::Box, r.kind().label().to_string()),
                };
                let place = self.place_of(*res);
                let name = r.name.clone();
                let prefix = match part {
                    Part::Service { .. } => "svc",
                    _ => "res",
                };
                let n = self.node(
                    NodeKey::Resource(*res),
                    prefix,
                    &name,
                    place,
                    shape,
                    vec![name.clone(), what],
                );
                (n, Vec::new())
            }
            Part::Path(_) | Part::LoadBalancer { .. } => {
                unreachable!("chains and load balancers are drawn by `dependency`")
            }
        }
    }

    /// Accounts → Regions → AZs, by name, holding the nodes in the order they were drawn.
    fn groups(&mut self) -> Vec<Group> {
        let estate = self.estate;
        let lost = &self.verdict.lost;
        let mut tree: BTreeMap<(String, AccountIdx), BTreeMap<(String, RegionIdx), Tiers>> =
            BTreeMap::new();
        for n in self.graph.node_indices() {
            let place = self.graph[n].place;
            let account = estate.account(place.account).name.clone();
            let region = estate.region_name(place.region).to_string();
            let tiers = tree
                .entry((account, place.account))
                .or_default()
                .entry((region, place.region))
                .or_default();
            match place.az {
                Some(az) => (tiers.azs.entry((estate.az_id(az).to_string(), az)))
                    .or_default()
                    .push(n),
                None => tiers.regional.push(n),
            }
        }
        let mark = |title: String, is_lost: bool| {
            if is_lost {
                format!("{title}: LOST")
            } else {
                title
            }
        };
        let mut groups = Vec::new();
        for ((account_name, account), regions) in tree {
            let a = estate.account(account);
            let account_title = if a.name == a.id {
                format!("account {}", a.id)
            } else {
                format!("account {} ({})", a.name, a.id)
            };
            let mut region_groups = Vec::new();
            for ((region_name, region), tiers) in regions {
                let mut az_groups = Vec::new();
                for ((az_id, az), nodes) in tiers.azs {
                    let title = match estate.az_name(account, az) {
                        Some(name) => format!("{az_id} ({name})"),
                        None => az_id.clone(),
                    };
                    az_groups.push(Group {
                        id: self.ids.make("az", &format!("{account_name}_{az_id}")),
                        title: mark(title, lost.az(az)),
                        nodes,
                        children: Vec::new(),
                    });
                }
                region_groups.push(Group {
                    id: self
                        .ids
                        .make("region", &format!("{account_name}_{region_name}")),
                    title: mark(region_name.clone(), lost.region(region)),
                    nodes: tiers.regional,
                    children: az_groups,
                });
            }
            groups.push(Group {
                id: self.ids.make("account", &account_name),
                title: account_title,
                nodes: Vec::new(),
                children: region_groups,
            });
        }
        groups
    }
}

fn needs(d: &DependencyRef, holders: Option<(u32, u32)>) -> DiagramEdge {
    DiagramEdge::Needs {
        declared: d.declared,
        hard: d.hard,
        holders,
    }
}

/// A node's status from what each of its hops says (now, with nothing lost, gone):
/// lost if one is gone; else the worst now, "down before the loss" when that is down
/// and it was down with nothing lost too. The rule the tests hold every node to.
pub fn node_status(says: impl IntoIterator<Item = (Status, Status, bool)>) -> NodeStatus {
    let mut worst = Status::Ok;
    let mut worst_before = Status::Ok;
    for (now, before, lost) in says {
        if lost {
            return NodeStatus::Lost;
        }
        worst = worst.max(now);
        worst_before = worst_before.max(before);
    }
    match worst {
        Status::Ok => NodeStatus::Ok,
        Status::Degraded => NodeStatus::Degraded,
        Status::Down if worst_before == Status::Down => NodeStatus::DownBefore,
        Status::Down => NodeStatus::Down,
    }
}

#[derive(Default)]
struct Tiers {
    regional: Vec<NodeIndex>,
    azs: BTreeMap<(String, AzIdx), Vec<NodeIndex>>,
}
