//! The estate's graph: one node per resource, typed edges between them.

use std::collections::HashMap;

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::{Facts, ResIdx, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EdgeKind {
    /// Traffic flows along it: load balancer → target group → target, route table → NAT.
    RoutesTo,
    /// Instance → Auto Scaling group, DB instance → cluster, subnet → route table.
    MemberOf,
    /// Resource → subnet → VPC.
    PlacedIn,
    /// A target needs this resource to serve (inferred from security groups, or declared).
    DependsOn,
    /// Subnet → the NAT gateway its default route goes through.
    EgressVia,
}

impl EdgeKind {
    pub fn label(self) -> &'static str {
        match self {
            EdgeKind::RoutesTo => "routes-to",
            EdgeKind::MemberOf => "member-of",
            EdgeKind::PlacedIn => "placed-in",
            EdgeKind::DependsOn => "depends-on",
            EdgeKind::EgressVia => "egress-via",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Edge {
    pub kind: EdgeKind,
    /// For `DependsOn`: declared (overlay) rather than inferred from security groups.
    pub declared: bool,
    /// For `DependsOn`: losing it takes the path down (hard) or only degrades it (soft).
    pub hard: bool,
}

impl Edge {
    pub const fn of(kind: EdgeKind) -> Edge {
        Edge {
            kind,
            declared: false,
            hard: true,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct EstateGraph {
    graph: StableDiGraph<ResIdx, Edge, u32>,
}

impl EstateGraph {
    pub(super) fn edges_from(&self, idx: ResIdx) -> impl Iterator<Item = (Edge, ResIdx)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(idx.index()), Direction::Outgoing)
            .map(|e| (*e.weight(), self.graph[e.target()]))
    }

    pub(super) fn edges_to(&self, idx: ResIdx) -> impl Iterator<Item = (Edge, ResIdx)> + '_ {
        self.graph
            .edges_directed(NodeIndex::new(idx.index()), Direction::Incoming)
            .map(|e| (*e.weight(), self.graph[e.source()]))
    }

    pub(super) fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    pub(super) fn all_edges(&self) -> impl Iterator<Item = (ResIdx, Edge, ResIdx)> + '_ {
        (&self.graph)
            .edge_references()
            .map(|e| (self.graph[e.source()], *e.weight(), self.graph[e.target()]))
    }

    /// Derives every edge from the resources' facts and the declared dependencies.
    /// Linear in resources and references (plus the security-group fan-out).
    pub(super) fn build(
        resources: &[Resource],
        by_id: &HashMap<String, ResIdx>,
        declared: &[super::DeclaredDependency],
    ) -> EstateGraph {
        let mut graph: StableDiGraph<ResIdx, Edge, u32> =
            StableDiGraph::with_capacity(resources.len(), resources.len() * 2);
        for i in 0..resources.len() {
            graph.add_node(ResIdx(i as u32));
        }
        let node = |id: &str| by_id.get(id).map(|r| NodeIndex::new(r.index()));
        let link = |graph: &mut StableDiGraph<ResIdx, Edge, u32>,
                    from: usize,
                    to: Option<NodeIndex>,
                    edge: Edge| {
            if let Some(to) = to {
                graph.add_edge(NodeIndex::new(from), to, edge);
            }
        };
        use EdgeKind::*;

        // The main route table of each VPC serves subnets without an explicit association.
        let mut main_table: HashMap<&str, usize> = HashMap::new();
        let mut explicit_table: HashMap<&str, usize> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            if let Facts::RouteTable(rt) = &r.facts {
                if rt.main {
                    main_table.insert(rt.vpc.as_str(), i);
                }
                for s in &rt.subnets {
                    explicit_table.insert(s.as_str(), i);
                }
            }
        }

        // Security-group inference: source SG -> resources whose SG admits it.
        let mut admitted_by: HashMap<&str, Vec<usize>> = HashMap::new();
        let groups: HashMap<&str, &super::SecurityGroup> = resources
            .iter()
            .filter_map(|r| match &r.facts {
                Facts::SecurityGroup(sg) => Some((r.id.as_str(), sg)),
                _ => None,
            })
            .collect();
        let mut admit = |guarded: usize, sgs: &[String]| {
            for sg_id in sgs {
                let Some(sg) = groups.get(sg_id.as_str()) else {
                    continue;
                };
                for source in &sg.ingress_from {
                    // Self-references and default groups admit everything: they say nothing.
                    let source_is_default =
                        groups.get(source.as_str()).is_some_and(|g| g.is_default());
                    if source == sg_id || source_is_default {
                        continue;
                    }
                    let list = admitted_by.entry(source.as_str()).or_default();
                    if list.last() != Some(&guarded) {
                        list.push(guarded);
                    }
                }
            }
        };
        for (i, r) in resources.iter().enumerate() {
            match &r.facts {
                Facts::DbInstance(db) if db.cluster.is_none() => admit(i, &db.security_groups),
                Facts::DbCluster(c) => admit(i, &c.security_groups),
                Facts::LoadBalancer(lb) if !lb.is_internet_facing() => {
                    admit(i, &lb.security_groups)
                }
                _ => {}
            }
        }

        for (i, r) in resources.iter().enumerate() {
            match &r.facts {
                Facts::Vpc(_) | Facts::SecurityGroup(_) => {}
                Facts::Subnet(s) => {
                    link(&mut graph, i, node(&s.vpc), Edge::of(PlacedIn));
                    let table = explicit_table
                        .get(r.id.as_str())
                        .or_else(|| main_table.get(s.vpc.as_str()));
                    if let Some(&t) = table {
                        if explicit_table.contains_key(r.id.as_str()) {
                            link(&mut graph, i, Some(NodeIndex::new(t)), Edge::of(MemberOf));
                        }
                        if let Facts::RouteTable(rt) = &resources[t].facts
                            && let Some(nat) = rt.default_route_target().and_then(node)
                            && matches!(resources[nat.index()].facts, Facts::NatGateway(_))
                        {
                            link(&mut graph, i, Some(nat), Edge::of(EgressVia));
                        }
                    }
                }
                Facts::RouteTable(rt) => {
                    if let Some(nat) = rt.default_route_target().and_then(node)
                        && matches!(resources[nat.index()].facts, Facts::NatGateway(_))
                    {
                        link(&mut graph, i, Some(nat), Edge::of(RoutesTo));
                    }
                }
                Facts::NatGateway(n) => {
                    if let Some(s) = &n.subnet {
                        link(&mut graph, i, node(s), Edge::of(PlacedIn));
                    }
                }
                Facts::LoadBalancer(lb) => {
                    for tg in lb.forwarded_target_groups() {
                        link(&mut graph, i, node(tg), Edge::of(RoutesTo));
                    }
                    for z in &lb.zones {
                        if let Some(s) = &z.subnet {
                            link(&mut graph, i, node(s), Edge::of(PlacedIn));
                        }
                    }
                }
                Facts::TargetGroup(tg) => {
                    for t in &tg.targets {
                        link(&mut graph, i, node(&t.id), Edge::of(RoutesTo));
                    }
                }
                Facts::Instance(inst) => {
                    if let Some(s) = &inst.subnet {
                        link(&mut graph, i, node(s), Edge::of(PlacedIn));
                    }
                    let mut seen: Vec<usize> = Vec::new();
                    for sg in &inst.security_groups {
                        for &guarded in admitted_by.get(sg.as_str()).into_iter().flatten() {
                            if guarded != i && !seen.contains(&guarded) {
                                seen.push(guarded);
                                link(
                                    &mut graph,
                                    i,
                                    Some(NodeIndex::new(guarded)),
                                    Edge::of(DependsOn),
                                );
                            }
                        }
                    }
                }
                Facts::AutoScalingGroup(asg) => {
                    for tg in &asg.target_groups {
                        if let Some(tg) = node(tg) {
                            graph.add_edge(tg, NodeIndex::new(i), Edge::of(RoutesTo));
                        }
                    }
                    for inst in &asg.instances {
                        if let Some(inst) = node(inst) {
                            graph.add_edge(inst, NodeIndex::new(i), Edge::of(MemberOf));
                        }
                    }
                    for s in &asg.subnets {
                        link(&mut graph, i, node(s), Edge::of(PlacedIn));
                    }
                }
                Facts::DbInstance(db) => {
                    if let Some(c) = &db.cluster {
                        link(&mut graph, i, node(c), Edge::of(MemberOf));
                    }
                }
                Facts::DbCluster(_) => {}
            }
        }

        for d in declared {
            if let (Some(from), Some(to)) = (node(&d.from), node(&d.to)) {
                graph.add_edge(
                    from,
                    to,
                    Edge {
                        kind: DependsOn,
                        declared: true,
                        hard: d.hard,
                    },
                );
            }
        }
        EstateGraph { graph }
    }
}
