//! The picture the Mermaid and DOT exports draw: user-facing paths as nodes placed
//! in account → Region → AZ (regional resources at Region level), typed edges, and
//! each node's status under one what-if.
//!
//! A path is drawn load balancer → target group → targets, with the NAT gateways
//! its targets reach the internet through and the dependencies they need (drawn
//! from the target group, which stands for its targets). A dependency on another
//! load balancer is drawn with its own paths. Targets are collapsed into one node
//! per target group and AZ, or drawn one by one when a few paths are selected.

use std::collections::{BTreeMap, HashMap, HashSet};

use petgraph::graph::{DiGraph, NodeIndex};
use thiserror::Error;

use crate::model::{
    AccountIdx, AzIdx, EdgeKind, Estate, Facts, Kind, RegionIdx, ResIdx, TargetType,
};
use crate::sim::{Part, PartId, PathParts, Status, Tally, Topology, Verdict};

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

/// A node's colour: its status under the what-if, or `Lost` when it sits in a lost domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeStatus {
    Ok,
    Degraded,
    Down,
    Lost,
}

impl NodeStatus {
    pub const ALL: [NodeStatus; 4] = [
        NodeStatus::Ok,
        NodeStatus::Degraded,
        NodeStatus::Down,
        NodeStatus::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NodeStatus::Ok => "ok",
            NodeStatus::Degraded => "degraded",
            NodeStatus::Down => "down",
            NodeStatus::Lost => "lost",
        }
    }

    /// (fill, stroke) colours, shared by both exports.
    pub fn colours(self) -> (&'static str, &'static str) {
        match self {
            NodeStatus::Ok => ("#d9f2d9", "#2e7d32"),
            NodeStatus::Degraded => ("#fff0c2", "#b26a00"),
            NodeStatus::Down => ("#f9d0d0", "#c62828"),
            NodeStatus::Lost => ("#dddddd", "#555555"),
        }
    }

    fn of(status: Status, lost: bool) -> NodeStatus {
        match status {
            Status::Down if lost => NodeStatus::Lost,
            Status::Ok => NodeStatus::Ok,
            Status::Degraded => NodeStatus::Degraded,
            Status::Down => NodeStatus::Down,
        }
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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub account: AccountIdx,
    pub region: RegionIdx,
    /// `None` for a regional resource.
    pub az: Option<AzIdx>,
}

#[derive(Debug, Clone)]
pub struct DiagramNode {
    /// Unique in the diagram, letters, digits and `_` only, never a keyword.
    pub id: String,
    /// Label lines, as plain text (each format escapes them).
    pub lines: Vec<String>,
    pub status: NodeStatus,
    pub shape: Shape,
    pub place: Place,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DiagramEdge {
    pub kind: EdgeKind,
    /// Depends-on: declared rather than inferred from security groups.
    pub declared: bool,
    /// Depends-on and egress-via: losing the far end takes the near end down.
    pub hard: bool,
}

impl DiagramEdge {
    fn of(kind: EdgeKind) -> DiagramEdge {
        DiagramEdge {
            kind,
            declared: false,
            hard: true,
        }
    }

    /// `routes-to`, `depends-on (inferred)`, `depends-on (declared, soft)`, `egress-via`, …
    pub fn label(&self) -> String {
        match (self.kind, self.declared, self.hard) {
            (EdgeKind::DependsOn, false, _) => "depends-on (inferred)".to_string(),
            (EdgeKind::DependsOn, true, true) => "depends-on (declared)".to_string(),
            (EdgeKind::DependsOn, true, false) => "depends-on (declared, soft)".to_string(),
            (EdgeKind::EgressVia, _, true) => "egress-via (declared hard)".to_string(),
            (kind, _, _) => kind.label().to_string(),
        }
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
    /// "10 user-facing paths, losing use1-az4"
    pub title: String,
    pub graph: DiGraph<DiagramNode, DiagramEdge>,
    /// Accounts, each holding its Regions, each holding its AZs.
    pub groups: Vec<Group>,
}

/// How targets are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Targets {
    /// One node per target group and AZ, with a count: legible on large estates.
    PerAz,
    /// One node per target.
    OneByOne,
}

/// Draws `paths` under the verdict's scenario.
pub fn build(r: &Report, verdict: &Verdict, paths: &[usize], targets: Targets) -> Diagram {
    let mut d = Drawer {
        estate: r.estate,
        topo: r.topo,
        verdict,
        targets,
        graph: DiGraph::new(),
        nodes: HashMap::new(),
        edges: HashSet::new(),
        ids: Ids::default(),
        chains: HashMap::new(),
    };
    for &p in paths {
        d.chain(r.topo.path_part(p));
    }
    let groups = d.groups();
    Diagram {
        title: format!(
            "{}, losing {}",
            count(paths.len(), "user-facing path", "user-facing paths"),
            verdict.lost.describe(r.estate)
        ),
        graph: d.graph,
        groups,
    }
}

/// What a node stands for, so that it is drawn once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum NodeKey {
    Resource(ResIdx),
    /// A target group's targets in one AZ (`None`: outside any AZ).
    TargetsIn(ResIdx, Option<AzIdx>),
    /// A target that is not a resource (an IP address, a function), by target group and id.
    Address(ResIdx, String),
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

struct Drawer<'a> {
    estate: &'a Estate,
    topo: &'a Topology,
    verdict: &'a Verdict,
    targets: Targets,
    graph: DiGraph<DiagramNode, DiagramEdge>,
    nodes: HashMap<NodeKey, NodeIndex>,
    edges: HashSet<(NodeIndex, NodeIndex, DiagramEdge)>,
    ids: Ids,
    /// Chains drawn: part → (load balancer node, target group node).
    chains: HashMap<PartId, (NodeIndex, NodeIndex)>,
}

impl Drawer<'_> {
    fn place_of(&self, res: ResIdx) -> Place {
        let r = self.estate.resource(res);
        Place {
            account: r.account,
            region: r.region,
            az: r.az,
        }
    }

    fn is_lost(&self, place: Place) -> bool {
        self.verdict.lost.placement(place.region, place.az)
    }

    fn status_of(&self, part: PartId) -> Status {
        self.verdict.outcome(part).status
    }

    /// The node for `key`, added on first use; its id is made of `prefix` and its first
    /// line, and the AZ for a group of targets. `lines` get the status when it is not ok.
    fn node(
        &mut self,
        key: NodeKey,
        prefix: &str,
        place: Place,
        shape: Shape,
        status: NodeStatus,
        mut lines: Vec<String>,
    ) -> NodeIndex {
        if let Some(&n) = self.nodes.get(&key) {
            return n;
        }
        let id = match &key {
            NodeKey::TargetsIn(_, az) => {
                let az = az.map_or("outside_azs", |az| self.estate.az_id(az));
                self.ids.make(prefix, &format!("{}_{az}", lines[0]))
            }
            NodeKey::Resource(_) | NodeKey::Address(..) => self.ids.make(prefix, &lines[0]),
        };
        if status != NodeStatus::Ok {
            lines.push(status.as_str().to_uppercase());
        }
        let n = self.graph.add_node(DiagramNode {
            id,
            lines,
            status,
            shape,
            place,
        });
        self.nodes.insert(key, n);
        n
    }

    fn edge(&mut self, from: NodeIndex, to: NodeIndex, edge: DiagramEdge) {
        if self.edges.insert((from, to, edge)) {
            self.graph.add_edge(from, to, edge);
        }
    }

    /// A resource with no unit of its own: lost with its placement, else ok.
    fn plain(&mut self, res: ResIdx, prefix: &str, shape: Shape, detail: String) -> NodeIndex {
        let place = self.place_of(res);
        let status = if self.is_lost(place) {
            NodeStatus::Lost
        } else {
            NodeStatus::Ok
        };
        let name = self.estate.resource(res).name.clone();
        self.node(
            NodeKey::Resource(res),
            prefix,
            place,
            shape,
            status,
            vec![name, detail],
        )
    }

    fn load_balancer(&mut self, c: &PathParts) -> NodeIndex {
        let res = self.estate.resource(c.lb);
        let kind = match &res.facts {
            Facts::LoadBalancer(f) => format!(
                "{}, {}",
                f.lb_type.short(),
                if f.is_internet_facing() {
                    "internet-facing"
                } else {
                    "internal"
                }
            ),
            _ => res.kind().label().to_string(),
        };
        let lost = &self.verdict.lost;
        let alive = c.lb_azs.iter().filter(|az| !lost.az(**az)).count();
        let status = if lost.region(c.region) || (alive == 0 && !c.lb_azs.is_empty()) {
            NodeStatus::Lost
        } else if alive < c.lb_azs.len() {
            NodeStatus::Degraded
        } else {
            NodeStatus::Ok
        };
        let mut lines = vec![res.name.clone(), kind];
        if status == NodeStatus::Degraded {
            lines.push(format!("{alive} of {} nodes up", c.lb_azs.len()));
        }
        let place = self.place_of(c.lb);
        self.node(
            NodeKey::Resource(c.lb),
            "lb",
            place,
            Shape::Entry,
            status,
            lines,
        )
    }

    /// A load balancer forwarding to a target group, with its targets, egress and
    /// dependencies; drawn once per chain.
    fn chain(&mut self, unit: PartId) -> Option<(NodeIndex, NodeIndex)> {
        if let Some(&drawn) = self.chains.get(&unit) {
            return Some(drawn);
        }
        let topo = self.topo;
        let Part::Path(c) = topo.part(unit) else {
            return None;
        };
        let c = &c;
        let lb = self.load_balancer(c);
        let place = self.place_of(c.tg);
        let outcome = self.verdict.outcome(unit);
        let mut lines = vec![
            self.estate.resource(c.tg).name.clone(),
            "target group".to_string(),
        ];
        if let Some(cap) = outcome.capacity {
            lines[1] = format!("target group, {}", super::capacity_text(&cap));
        }
        let status = NodeStatus::of(outcome.status, self.is_lost(place));
        let tg = self.node(
            NodeKey::Resource(c.tg),
            "tg",
            place,
            Shape::Box,
            status,
            lines,
        );
        self.chains.insert(unit, (lb, tg));
        self.edge(lb, tg, DiagramEdge::of(EdgeKind::RoutesTo));

        let alb_targets = match &self.estate.resource(c.tg).facts {
            Facts::TargetGroup(f) => f.target_type == TargetType::Alb,
            _ => false,
        };
        if !alb_targets {
            match self.targets {
                Targets::PerAz => self.targets_per_az(c, tg),
                Targets::OneByOne => self.targets_one_by_one(c, tg),
            }
        }
        for dep in &c.dependencies {
            let Some(to) = self.dependency(dep.part) else {
                continue;
            };
            // An ALB registered as a target is forwarded to, not depended upon.
            let edge = if alb_targets && !dep.declared {
                DiagramEdge::of(EdgeKind::RoutesTo)
            } else {
                DiagramEdge {
                    kind: EdgeKind::DependsOn,
                    declared: dep.declared,
                    hard: dep.hard,
                }
            };
            self.edge(tg, to, edge);
        }
        Some((lb, tg))
    }

    fn targets_per_az(&mut self, c: &PathParts, tg: NodeIndex) {
        let tg_res = self.estate.resource(c.tg);
        let (tg_name, account, region) = (tg_res.name.clone(), tg_res.account, tg_res.region);
        let unit = c.unit.label();
        let describe = |t: &Tally| {
            let mut s = count(t.total, "target", "targets");
            if t.serving != t.total {
                s.push_str(&format!(", {} serving", t.serving));
            }
            if unit != "targets" {
                s.push_str(&format!(", {} {unit}", t.units));
            }
            s
        };
        let mut groups: Vec<(Option<AzIdx>, Tally, bool)> = (c.zones.iter())
            .map(|z| (Some(z.az), z.tally, z.enabled))
            .collect();
        if c.nonzonal.total > 0 {
            groups.push((None, c.nonzonal, true));
        }
        for (az, tally, enabled) in groups {
            let place = Place {
                account,
                region,
                az,
            };
            let status = if self.is_lost(place) {
                NodeStatus::Lost
            } else if tally.serving == 0 {
                NodeStatus::Down
            } else {
                NodeStatus::Ok
            };
            let mut lines = vec![tg_name.clone(), describe(&tally)];
            if az.is_none() {
                lines[1].push_str(", outside any AZ");
            }
            if !enabled {
                lines.push("no load balancer node in this AZ".to_string());
            }
            let n = self.node(
                NodeKey::TargetsIn(c.tg, az),
                "targets",
                place,
                Shape::Stack,
                status,
                lines,
            );
            self.edge(tg, n, DiagramEdge::of(EdgeKind::RoutesTo));
        }
        for u in &c.egress {
            let nat = self.nat(u.nat);
            for az in &u.user_azs {
                if let Some(&from) = self.nodes.get(&NodeKey::TargetsIn(c.tg, Some(*az))) {
                    self.egress(from, nat, u.hard);
                }
            }
        }
    }

    fn targets_one_by_one(&mut self, c: &PathParts, tg: NodeIndex) {
        let estate = self.estate;
        for (inst, health) in estate.target_instances(c.tg) {
            let r = estate.resource(inst);
            let Facts::Instance(f) = &r.facts else {
                continue;
            };
            let place = self.place_of(inst);
            let serves = f.is_running() && health.is_none_or(|h| h.serves());
            let status = if self.is_lost(place) {
                NodeStatus::Lost
            } else if serves {
                NodeStatus::Ok
            } else {
                NodeStatus::Down
            };
            let mut lines = vec![r.name.clone(), f.instance_type.clone()];
            if !serves {
                lines.push("not serving".to_string());
            }
            let n = self.node(
                NodeKey::Resource(inst),
                "i",
                place,
                Shape::Box,
                status,
                lines,
            );
            self.edge(tg, n, DiagramEdge::of(EdgeKind::RoutesTo));
            let subnet = f.subnet.as_deref().and_then(|s| estate.find(s));
            for (edge, nat) in subnet.into_iter().flat_map(|s| estate.edges_from(s)) {
                if edge.kind == EdgeKind::EgressVia {
                    let nat = self.nat(nat);
                    self.egress(n, nat, c.hard_egress);
                }
            }
        }
        let Facts::TargetGroup(f) = &estate.resource(c.tg).facts else {
            return;
        };
        let tg_res = estate.resource(c.tg);
        for t in &f.targets {
            let detail = match f.target_type {
                TargetType::Ip => "IP target",
                TargetType::Lambda => "Lambda function",
                TargetType::Instance if estate.find(&t.id).is_none() => "instance (not scanned)",
                TargetType::Instance | TargetType::Alb => continue,
            };
            let az = t.zonal_az().and_then(|a| estate.az_by_id(a));
            let place = Place {
                account: tg_res.account,
                region: tg_res.region,
                az,
            };
            let status = if self.is_lost(place) {
                NodeStatus::Lost
            } else if t.health.serves() {
                NodeStatus::Ok
            } else {
                NodeStatus::Down
            };
            let n = self.node(
                NodeKey::Address(c.tg, t.id.clone()),
                "target",
                place,
                Shape::Box,
                status,
                vec![t.id.clone(), detail.to_string()],
            );
            self.edge(tg, n, DiagramEdge::of(EdgeKind::RoutesTo));
        }
    }

    fn nat(&mut self, nat: ResIdx) -> NodeIndex {
        self.plain(nat, "nat", Shape::Box, "NAT gateway".to_string())
    }

    fn egress(&mut self, from: NodeIndex, nat: NodeIndex, hard: bool) {
        let edge = DiagramEdge {
            kind: EdgeKind::EgressVia,
            // Egress is hard only where an overlay declares it.
            declared: hard,
            hard,
        };
        self.edge(from, nat, edge);
    }

    /// The node a dependency unit is drawn as (a hop: its load balancer, with its chains).
    fn dependency(&mut self, unit: PartId) -> Option<NodeIndex> {
        let topo = self.topo;
        let estate = self.estate;
        let status = self.status_of(unit);
        match topo.part(unit) {
            Part::Path(_) => self.chain(unit).map(|(lb, _)| lb),
            Part::LoadBalancer { paths, .. } => {
                let mut lb = None;
                for &c in &paths {
                    if let Some((n, _)) = self.chain(c) {
                        lb = Some(n);
                    }
                }
                lb
            }
            Part::Database { db, standby, .. } => {
                let r = estate.resource(db);
                let Facts::DbInstance(f) = &r.facts else {
                    return None;
                };
                let detail = match (f.multi_az, standby) {
                    (true, Some(s)) => {
                        format!("RDS {}, Multi-AZ, standby in {}", f.engine, estate.az_id(s))
                    }
                    (true, None) => format!("RDS {}, Multi-AZ", f.engine),
                    (false, _) => format!("RDS {}, single-AZ", f.engine),
                };
                let place = self.place_of(db);
                let status = NodeStatus::of(status, self.is_lost(place));
                Some(self.node(
                    NodeKey::Resource(db),
                    "db",
                    place,
                    Shape::Database,
                    status,
                    vec![r.name.clone(), detail],
                ))
            }
            Part::Cluster {
                cluster, members, ..
            } => {
                let r = estate.resource(cluster);
                let engine = match &r.facts {
                    Facts::DbCluster(f) => f.engine.as_str(),
                    _ => "DB",
                };
                let place = self.place_of(cluster);
                let status = NodeStatus::of(status, self.is_lost(place));
                let n = self.node(
                    NodeKey::Resource(cluster),
                    "cluster",
                    place,
                    Shape::Database,
                    status,
                    vec![r.name.clone(), format!("{engine} cluster")],
                );
                for (m, writer) in members {
                    let role = if writer { "writer" } else { "reader" };
                    let member = self.plain(m, "db", Shape::Database, role.to_string());
                    self.edge(member, n, DiagramEdge::of(EdgeKind::MemberOf));
                }
                Some(n)
            }
            Part::Service { res } => {
                let r = estate.resource(res);
                let shape = match r.kind() {
                    Kind::LambdaFunction => Shape::Box,
                    _ => Shape::Database,
                };
                let place = self.place_of(res);
                let status = NodeStatus::of(status, self.is_lost(place));
                Some(self.node(
                    NodeKey::Resource(res),
                    "svc",
                    place,
                    shape,
                    status,
                    vec![r.name.clone(), r.kind().label().to_string()],
                ))
            }
            Part::Resource { res } => {
                let kind = estate.resource(res).kind();
                let shape = match kind {
                    Kind::DbInstance | Kind::DbCluster => Shape::Database,
                    _ => Shape::Box,
                };
                Some(self.plain(res, "res", shape, kind.label().to_string()))
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

#[derive(Default)]
struct Tiers {
    regional: Vec<NodeIndex>,
    azs: BTreeMap<(String, AzIdx), Vec<NodeIndex>>,
}
