//! Mermaid flowchart of a [`Diagram`]: GitHub and GitLab render it inside a
//! ```` ```mermaid ```` block of any Markdown file.
//!
//! Ids come from [`Diagram`] already safe (letters, digits, `_`, a kind prefix, so
//! never `end` nor a leading `o`/`x` after an arrow); every label is quoted and its
//! special characters written as Mermaid entity codes.
//!
//! Sized for reading at a page's width: left to right (a path's depth is the width,
//! paths stack downwards), tight spacing, no label on traffic and egress edges (the
//! legend says what each line means), short labels on the rest.

use thiserror::Error;

use super::diagram::{Diagram, DiagramEdge, Group, NodeStatus, Shape};

/// Mermaid's default `maxTextSize`: longer diagrams are refused, not drawn.
pub const MAX_TEXT: usize = 50_000;
/// Mermaid's default `maxEdges`: diagrams with more edges are refused, not drawn.
pub const MAX_EDGES: usize = 500;

/// A diagram Mermaid would refuse to draw (GitHub and GitLab show an error instead).
#[derive(Debug, Error, PartialEq, Eq)]
#[error(
    "this Mermaid diagram has {} and {}: Mermaid draws at most {MAX_EDGES} edges \
     (maxEdges) and 50,000 characters (maxTextSize) by default, so GitHub and GitLab \
     would show an error instead of it",
    crate::text::count(*edges, "edge", "edges"),
    crate::text::count(*chars, "character", "characters")
)]
pub struct TooBig {
    pub edges: usize,
    pub chars: usize,
}

/// Whether Mermaid draws this diagram (its text and every link in it, invisible ones too).
pub fn check_limits(text: &str) -> Result<(), TooBig> {
    let edges = text.lines().filter(|l| is_link(l)).count();
    if text.len() > MAX_TEXT || edges > MAX_EDGES {
        Err(TooBig {
            edges,
            chars: text.len(),
        })
    } else {
        Ok(())
    }
}

/// A link statement as [`render`] writes them: `  a --> b`, `  a -.->|"x"| b`, `  a ~~~ b`.
fn is_link(line: &str) -> bool {
    let mut words = line.split_whitespace();
    let (Some(_), Some(arrow)) = (words.next(), words.next()) else {
        return false;
    };
    ["-->", "-.->", "==>", "-.-", "~~~"]
        .iter()
        .any(|a| arrow.starts_with(a))
}

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

/// The arrow of an edge: solid for traffic, dotted for what is needed, thick when
/// declared hard; no head on a link between databases.
fn arrow(edge: &DiagramEdge) -> &'static str {
    match (edge.thick(), edge.dotted(), edge.undirected()) {
        (true, _, _) => "==>",
        (_, true, true) => "-.-",
        (_, true, false) => "-.->",
        _ => "-->",
    }
}

/// The layout every export asks of Mermaid: tight spacing, so a path fits a page.
const INIT: &str = r#"%%{init: {"flowchart": {"nodeSpacing": 16, "rankSpacing": 16, "padding": 12, "wrappingWidth": 200}}}%%"#;

pub fn render(d: &Diagram) -> String {
    // The title names domains from the estate: a line break would end the comment.
    let mut out = format!("{INIT}\n%% blastmap: {}\nflowchart LR\n", escape(&d.title));
    legend(&mut out);
    if let Some(note) = &d.note {
        out.push_str(&format!(
            "  note_nothing[{}]\n",
            label(std::slice::from_ref(note))
        ));
    }
    for g in &d.groups {
        group(d, g, 1, &mut out);
    }
    joins(d, &mut out);
    for e in d.graph.edge_indices() {
        let Some((from, to)) = d.graph.edge_endpoints(e) else {
            continue;
        };
        let edge = &d.graph[e];
        let text = match edge.label() {
            Some(l) => format!("|\"{}\"|", escape(&l)),
            None => String::new(),
        };
        out.push_str(&format!(
            "  {} {}{} {}\n",
            d.graph[from].id,
            arrow(edge),
            text,
            d.graph[to].id
        ));
    }
    for status in NodeStatus::ALL {
        let (fill, stroke) = status.colours();
        let dash = if status.dashed() {
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
        let mut ids: Vec<&str> = (d.graph.node_weights())
            .filter(|n| n.status == status)
            .map(|n| n.id.as_str())
            .collect();
        ids.push(legend_id(status));
        out.push_str(&format!("  class {} {}\n", ids.join(","), status.as_str()));
    }
    out
}

fn legend_id(status: NodeStatus) -> &'static str {
    match status {
        NodeStatus::Ok => "legend_ok",
        NodeStatus::Degraded => "legend_degraded",
        NodeStatus::Down => "legend_down",
        NodeStatus::DownBefore => "legend_down_before",
        NodeStatus::Lost => "legend_lost",
    }
}

/// Invisible links that put every account in one layout. Mermaid lays out an account
/// with no link to another on its own and then places it in a column of the whole
/// picture, as wide as it is: the accounts linked to each other are pushed right by
/// its width. Linked, every account shares the picture's columns (load balancers,
/// target groups, targets, what they need), and the picture is as wide as one path is
/// deep. Each link goes from a load balancer no edge enters (the first column) to a
/// node an edge enters (a later one), so it moves nothing to another column.
fn joins(d: &Diagram, out: &mut String) {
    use petgraph::Direction::Incoming;
    let entered =
        |n: petgraph::graph::NodeIndex| d.graph.neighbors_directed(n, Incoming).next().is_some();
    // Each account's nodes, and which account each node is in.
    let mut account_of: std::collections::HashMap<petgraph::graph::NodeIndex, usize> =
        std::collections::HashMap::new();
    let mut nodes_of: Vec<Vec<petgraph::graph::NodeIndex>> = Vec::new();
    for (a, g) in d.groups.iter().enumerate() {
        let mut nodes = Vec::new();
        let mut stack = vec![g];
        while let Some(g) = stack.pop() {
            nodes.extend(g.nodes.iter().copied());
            stack.extend(g.children.iter());
        }
        for &n in &nodes {
            account_of.insert(n, a);
        }
        nodes_of.push(nodes);
    }
    // Accounts already linked by an edge lay out together: one component each.
    let mut component: Vec<usize> = (0..nodes_of.len()).collect();
    fn find(c: &mut [usize], mut a: usize) -> usize {
        while c[a] != a {
            c[a] = c[c[a]];
            a = c[a];
        }
        a
    }
    for e in d.graph.edge_indices() {
        let Some((x, y)) = d.graph.edge_endpoints(e) else {
            continue;
        };
        if let (Some(&a), Some(&b)) = (account_of.get(&x), account_of.get(&y)) {
            let (ra, rb) = (find(&mut component, a), find(&mut component, b));
            component[ra] = rb;
        }
    }
    // Per account: a load balancer no edge enters (the first column), and a node in
    // the second column (a target group such a load balancer sends to), else one an
    // edge enters: a link between the two is as long as the columns are apart, so
    // nothing is pulled to another column.
    let root = |n: petgraph::graph::NodeIndex| d.graph[n].shape == Shape::Entry && !entered(n);
    let second = |n: petgraph::graph::NodeIndex| d.graph.neighbors_directed(n, Incoming).any(&root);
    let pick = |nodes: &[petgraph::graph::NodeIndex]| {
        let first = nodes.iter().copied().find(|&n| root(n));
        let later = (nodes.iter().copied())
            .filter(|&n| entered(n))
            .min_by_key(|&n| (!second(n), n.index()));
        (first, later)
    };
    let picks: Vec<_> = nodes_of.iter().map(|n| pick(n)).collect();
    // The hub: an account with a first column and a second, the largest of those (the
    // legend stands in its first column, and the others align on it); each other
    // component is linked to it through its own account whose node is best placed.
    let Some(hub) = (0..picks.len())
        .filter(|&i| picks[i].0.is_some() && picks[i].1.is_some())
        .min_by_key(|&i| {
            (
                !picks[i].1.is_some_and(second),
                usize::MAX - nodes_of[i].len(),
            )
        })
    else {
        return;
    };
    let (Some(hub_root), Some(hub_later)) = picks[hub] else {
        return;
    };
    let id = |n: petgraph::graph::NodeIndex| d.graph[n].id.as_str();
    // The legend too: alone, Mermaid would lay it out apart and give it a column of
    // its own, as wide as it is; linked, its nodes stand in the first column.
    out.push_str(&format!("  legend_lines ~~~ {}\n", id(hub_later)));
    let hub_component = find(&mut component, hub);
    // Per other component, its best account to link: a second-column node first.
    let mut best: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for i in 0..picks.len() {
        let c = find(&mut component, i);
        if c == hub_component || (picks[i].0.is_none() && picks[i].1.is_none()) {
            continue;
        }
        let score = |j: usize| (!picks[j].1.is_some_and(second), picks[j].1.is_none());
        let entry = best.entry(c).or_insert(i);
        if score(i) < score(*entry) {
            *entry = i;
        }
    }
    for (_, i) in best {
        let link = match picks[i] {
            (_, Some(later)) => (hub_root, later),
            (Some(root), None) => (root, hub_later),
            (None, None) => continue,
        };
        out.push_str(&format!("  {} ~~~ {}\n", id(link.0), id(link.1)));
    }
}

/// One node per status, in its colours, and what the lines mean: a column (unlinked
/// nodes stack downwards left to right), so it widens no column of the picture.
fn legend(out: &mut String) {
    out.push_str("  subgraph legend [\"legend\"]\n    direction LR\n");
    for status in NodeStatus::ALL {
        out.push_str(&format!(
            "    {}[\"{}\"]\n",
            legend_id(status),
            escape(status.label())
        ));
    }
    out.push_str(&format!(
        "    legend_lines[\"{}\"]\n  end\n",
        escape_lines(LEGEND_LINES)
    ));
}

/// What each kind of line means, for the legend of both formats.
pub const LEGEND_LINES: &[&str] = &[
    "solid: traffic",
    "thick: needs",
    "(declared hard)",
    "dotted: needs",
    "(inferred or soft),",
    "egress, DB link",
];

fn escape_lines(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| escape(l))
        .collect::<Vec<_>>()
        .join("<br>")
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
            Shape::Reference => format!(">{text}]"),
        };
        out.push_str(&format!("{indent}  {}{shaped}\n", node.id));
    }
    for child in &g.children {
        group(d, child, depth + 1, out);
    }
    out.push_str(&format!("{indent}end\n"));
}
