//! Graphviz DOT of a [`Diagram`]: `dot -Tsvg paths.dot > paths.svg`.
//!
//! petgraph writes the node and edge statements (ids are node indices); the
//! account → Region → AZ grouping is written around them as nested
//! `subgraph cluster_…`, which name the nodes they hold.

use petgraph::dot::{Config, Dot};

use crate::model::EdgeKind;

use super::diagram::{Diagram, Group, NodeStatus, Shape};

/// Text for inside a DOT double-quoted string; line breaks as spaces, other control
/// characters as visible stand-ins.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::printable(&text.replace(['\n', '\r'], " ")).chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out
}

fn quote(text: &str) -> String {
    format!("\"{}\"", escape(text))
}

pub fn render(d: &Diagram) -> String {
    let node_attributes = |_, (_, node): (_, &super::diagram::DiagramNode)| {
        let (fill, stroke) = node.status.colours();
        let (shape, mut style) = match node.shape {
            Shape::Entry => ("box", vec!["rounded", "filled", "bold"]),
            Shape::Box => ("box", vec!["rounded", "filled"]),
            Shape::Stack => ("box3d", vec!["filled"]),
            Shape::Database => ("cylinder", vec!["filled"]),
        };
        if node.status == NodeStatus::Lost {
            style.push("dashed");
        }
        // Lines join with DOT's `\n` escape.
        let text: Vec<String> = node.lines.iter().map(|l| escape(l)).collect();
        format!(
            "label=\"{}\", shape={shape}, style=\"{}\", fillcolor=\"{fill}\", color=\"{stroke}\", class={} ",
            text.join("\\n"),
            style.join(","),
            node.status.as_str()
        )
    };
    let edge_attributes =
        |_, e: petgraph::graph::EdgeReference<'_, super::diagram::DiagramEdge>| {
            let edge = e.weight();
            let style = match edge.kind {
                EdgeKind::DependsOn if edge.declared && edge.hard => "bold",
                EdgeKind::DependsOn | EdgeKind::EgressVia => "dashed",
                EdgeKind::RoutesTo | EdgeKind::MemberOf | EdgeKind::PlacedIn => "solid",
            };
            format!("label={}, style={style} ", quote(&edge.label()))
        };
    let body = Dot::with_attr_getters(
        &d.graph,
        &[
            Config::GraphContentOnly,
            Config::NodeNoLabel,
            Config::EdgeNoLabel,
        ],
        &edge_attributes,
        &node_attributes,
    );
    let mut out = format!(
        "digraph blastmap {{\n    label={};\n    labelloc=t;\n    rankdir=LR;\n    fontname=\"Helvetica\";\n    node [fontname=\"Helvetica\", fontsize=10];\n    edge [fontname=\"Helvetica\", fontsize=9];\n",
        quote(&format!("blastmap: {}", d.title))
    );
    out.push_str(&format!("{body:?}"));
    for g in &d.groups {
        cluster(g, 1, &mut out);
    }
    out.push_str("}\n");
    out
}

fn cluster(g: &Group, depth: usize, out: &mut String) {
    let indent = "    ".repeat(depth);
    out.push_str(&format!(
        "{indent}subgraph cluster_{} {{\n{indent}    label={};\n{indent}    style=rounded;\n",
        g.id,
        quote(&g.title)
    ));
    if !g.nodes.is_empty() {
        let ids: Vec<String> = g.nodes.iter().map(|n| n.index().to_string()).collect();
        out.push_str(&format!("{indent}    {};\n", ids.join("; ")));
    }
    for child in &g.children {
        cluster(child, depth + 1, out);
    }
    out.push_str(&format!("{indent}}}\n"));
}
