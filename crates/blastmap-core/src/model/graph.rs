//! The estate's graph: one node per resource, typed edges between them.

use petgraph::Direction;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::{EdgeRef, IntoEdgeReferences};

use super::ResIdx;

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
    /// For target group → target: which registration of the group's `targets` it is.
    pub target_slot: Option<u32>,
}

impl Edge {
    pub const fn of(kind: EdgeKind) -> Edge {
        Edge {
            kind,
            declared: false,
            hard: true,
            target_slot: None,
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

    /// The graph of `nodes` resources with the given edges.
    pub(super) fn from_edges(nodes: usize, edges: &[(u32, u32, Edge)]) -> EstateGraph {
        let mut graph: StableDiGraph<ResIdx, Edge, u32> =
            StableDiGraph::with_capacity(nodes, edges.len());
        for i in 0..nodes {
            graph.add_node(ResIdx(i as u32));
        }
        for &(from, to, e) in edges {
            graph.add_edge(
                NodeIndex::new(from as usize),
                NodeIndex::new(to as usize),
                e,
            );
        }
        EstateGraph { graph }
    }
}
