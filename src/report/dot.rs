//! Graphviz DOT of a [`Diagram`]: `dot -Tsvg paths.dot > paths.svg`.
//!
//! petgraph writes the node and edge statements (ids are node indices); the
//! account → Region → AZ grouping is written around them as nested
//! `subgraph cluster_…`, which name the nodes they hold, and a legend cluster after.
//!
//! A cluster's title is a text node of its own (`title_…`), in the column of the
//! cluster's first node, not a cluster label: Graphviz routes edges around nodes but
//! straight through cluster labels, so a title drawn as a label gets crossed.

use petgraph::dot::{Config, Dot};

use super::diagram::{Diagram, DiagramEdge, DiagramNode, Group, NodeStatus, Shape};
use super::mermaid::LEGEND_LINES;

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

/// Nodes beyond which a PNG is unreadable: render SVG and zoom.
pub const LARGE: usize = 60;

fn node_style(status: NodeStatus, shape: Shape) -> (&'static str, String) {
    let (shape, mut style) = match shape {
        Shape::Entry => ("box", vec!["rounded", "filled", "bold"]),
        Shape::Box => ("box", vec!["rounded", "filled"]),
        Shape::Stack => ("box3d", vec!["filled"]),
        Shape::Database => ("cylinder", vec!["filled"]),
        Shape::Reference => ("cds", vec!["filled"]),
    };
    if status.dashed() {
        style.push("dashed");
    }
    (shape, style.join(","))
}

pub fn render(d: &Diagram) -> String {
    let node_attributes = |_, (_, node): (_, &DiagramNode)| {
        let (fill, stroke) = node.status.colours();
        let (shape, style) = node_style(node.status, node.shape);
        // Lines join with DOT's `\n` escape.
        let text: Vec<String> = node.lines.iter().map(|l| escape(l)).collect();
        format!(
            "label=\"{}\", shape={shape}, style=\"{style}\", fillcolor=\"{fill}\", color=\"{stroke}\", class={} ",
            text.join("\\n"),
            node.status.as_str()
        )
    };
    let edge_attributes = |_, e: petgraph::graph::EdgeReference<'_, DiagramEdge>| {
        let edge = e.weight();
        let style = if edge.thick() {
            "bold"
        } else if edge.dotted() {
            "dashed"
        } else {
            "solid"
        };
        let mut attrs = format!("style={style} ");
        if let Some(label) = edge.label() {
            attrs.push_str(&format!(", label={} ", quote(&label)));
        }
        if edge.undirected() {
            attrs.push_str(", dir=none ");
        }
        attrs
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
        "// blastmap: {}\n// Render as SVG (dot -Tsvg paths.dot > paths.svg): it stays sharp when zoomed.\n",
        // Names from the estate: printable, on one line (a line break ends the comment).
        crate::text::printable(&d.title.replace(['\n', '\r'], " "))
    );
    out.push_str(&format!(
        "digraph blastmap {{\n    label={};\n    labelloc=t;\n    labeljust=l;\n    rankdir=LR;\n    newrank=true;\n    nodesep=0.15;\n    ranksep=0.35;\n    fontname=\"Helvetica\";\n    node [fontname=\"Helvetica\", fontsize=10, margin=\"0.08,0.03\"];\n    edge [fontname=\"Helvetica\", fontsize=9];\n",
        quote(&format!("blastmap: {}", d.title))
    ));
    out.push_str(&format!("{body:?}"));
    if let Some(note) = &d.note {
        out.push_str(&format!(
            "    note_nothing [label={}, shape=note];\n",
            quote(note)
        ));
    }
    for g in &d.groups {
        cluster(g, 1, &mut out);
    }
    legend(&mut out);
    out.push_str("}\n");
    out
}

fn cluster(g: &Group, depth: usize, out: &mut String) {
    let indent = "    ".repeat(depth);
    // No label of its own (it would inherit the graph's): the title is a node.
    out.push_str(&format!(
        "{indent}subgraph cluster_{} {{\n{indent}    label=\"\";\n{indent}    style=rounded;\n",
        g.id
    ));
    if !g.nodes.is_empty() {
        let ids: Vec<String> = g.nodes.iter().map(|n| n.index().to_string()).collect();
        out.push_str(&format!("{indent}    {};\n", ids.join("; ")));
    }
    if let Some(first) = first_node(g) {
        out.push_str(&format!(
            "{indent}    title_{} [label={}, shape=plaintext, fontname=\"Helvetica-Bold\", fontsize=9, margin=0];\n{indent}    {{ rank=same; title_{}; {first}; }}\n",
            g.id,
            quote(&g.title),
            g.id
        ));
    }
    for child in &g.children {
        cluster(child, depth + 1, out);
    }
    out.push_str(&format!("{indent}}}\n"));
}

/// The first node a group or its subgroups hold: its title goes in that node's column.
fn first_node(g: &Group) -> Option<usize> {
    g.nodes
        .first()
        .map(|n| n.index())
        .or_else(|| g.children.iter().find_map(first_node))
}

/// One node per status in its colours, and what the lines mean.
fn legend(out: &mut String) {
    out.push_str(
        "    subgraph cluster_legend {\n        label=\"legend\";\n        labelloc=t;\n        style=rounded;\n",
    );
    for status in NodeStatus::ALL {
        let (fill, stroke) = status.colours();
        let (shape, style) = node_style(status, Shape::Box);
        out.push_str(&format!(
            "        legend_{} [label={}, shape={shape}, style=\"{style}\", fillcolor=\"{fill}\", color=\"{stroke}\"];\n",
            status.as_str(),
            quote(status.label())
        ));
    }
    let lines: Vec<String> = LEGEND_LINES.iter().map(|l| escape(l)).collect();
    out.push_str(&format!(
        "        legend_lines [label=\"{}\\l\", shape=plain];\n    }}\n",
        lines.join("\\l")
    ));
}
