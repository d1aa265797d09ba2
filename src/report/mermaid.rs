//! Mermaid flowchart of a [`Diagram`]: GitHub and GitLab render it inside a
//! ```` ```mermaid ```` block of any Markdown file.
//!
//! Ids come from [`Diagram`] already safe (letters, digits, `_`, a kind prefix, so
//! never `end` nor a leading `o`/`x` after an arrow); every label is quoted and its
//! special characters written as Mermaid entity codes.

use crate::model::EdgeKind;

use super::diagram::{Diagram, DiagramEdge, Group, NodeStatus, Shape};

/// Text for a quoted Mermaid label: `"`, `#`, `<`, `>`, `&` and `` ` `` as entity codes,
/// line breaks as spaces, other control characters as visible stand-ins.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::text::printable(&text.replace(['\n', '\r'], " ")).chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            c => out.push(c),
        }
    }
    out
}

fn label(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    format!("\"{}\"", escaped.join("<br>"))
}

/// The arrow of an edge: solid for traffic, dotted for what is needed, thick when declared.
fn arrow(edge: &DiagramEdge) -> &'static str {
    match edge.kind {
        EdgeKind::DependsOn if edge.declared && edge.hard => "==>",
        EdgeKind::DependsOn | EdgeKind::EgressVia => "-.->",
        EdgeKind::RoutesTo | EdgeKind::MemberOf | EdgeKind::PlacedIn => "-->",
    }
}

pub fn render(d: &Diagram) -> String {
    // The title names domains from the estate: a line break would end the comment.
    let mut out = format!("%% blastmap: {}\nflowchart LR\n", escape(&d.title));
    for g in &d.groups {
        group(d, g, 1, &mut out);
    }
    for e in d.graph.edge_indices() {
        let Some((from, to)) = d.graph.edge_endpoints(e) else {
            continue;
        };
        let edge = &d.graph[e];
        out.push_str(&format!(
            "  {} {}|\"{}\"| {}\n",
            d.graph[from].id,
            arrow(edge),
            escape(&edge.label()),
            d.graph[to].id
        ));
    }
    for status in NodeStatus::ALL {
        let (fill, stroke) = status.colours();
        let dash = if status == NodeStatus::Lost {
            ",stroke-dasharray:5 3"
        } else {
            ""
        };
        out.push_str(&format!(
            "  classDef {} fill:{fill},stroke:{stroke},color:#111111{dash}\n",
            status.as_str()
        ));
    }
    for status in NodeStatus::ALL {
        let ids: Vec<&str> = (d.graph.node_weights())
            .filter(|n| n.status == status)
            .map(|n| n.id.as_str())
            .collect();
        if !ids.is_empty() {
            out.push_str(&format!("  class {} {}\n", ids.join(","), status.as_str()));
        }
    }
    out
}

fn group(d: &Diagram, g: &Group, depth: usize, out: &mut String) {
    let indent = "  ".repeat(depth);
    out.push_str(&format!(
        "{indent}subgraph {} [{}]\n",
        g.id,
        label(std::slice::from_ref(&g.title))
    ));
    for &n in &g.nodes {
        let node = &d.graph[n];
        let text = label(&node.lines);
        let shaped = match node.shape {
            Shape::Entry => format!("([{text}])"),
            Shape::Box => format!("[{text}]"),
            Shape::Stack => format!("[[{text}]]"),
            Shape::Database => format!("[({text})]"),
        };
        out.push_str(&format!("{indent}  {}{shaped}\n", node.id));
    }
    for child in &g.children {
        group(d, child, depth + 1, out);
    }
    out.push_str(&format!("{indent}end\n"));
}
