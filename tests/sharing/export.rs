//! The Mermaid and DOT exports: structure, escaping, statuses (every node against the
//! engine's own hops), focus, size limits, Graphviz's own reading, and snapshots of the
//! demo estate's diagrams.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};

use blastmap::demo;
use blastmap::model::{Estate, LbType, Scheme};
use blastmap::report::diagram::{self, Diagram, DiagramEdge, Group, NodeStatus, NodeSubject};
use blastmap::report::{self, DiagramFormat, Report, dot, mermaid};
use blastmap::sim::{
    self, HopSubject, LostDomains, Status, Topology, Verdict, chain_detail, part_hop,
    target_details,
};

use crate::fixture::Fx;

const CHECKOUT: &str = "111111111111/us-east-1/checkout-alb/checkout-web";

struct Scene {
    estate: Estate,
    topo: Topology,
}

impl Scene {
    fn demo() -> Scene {
        Scene::of(demo::estate().unwrap())
    }

    fn of(estate: Estate) -> Scene {
        let topo = Topology::build(&estate);
        Scene { estate, topo }
    }

    fn verdict(&self, lose: &[&str]) -> Verdict {
        let domains: Vec<_> = lose
            .iter()
            .map(|d| self.estate.parse_domain(d).unwrap())
            .collect();
        sim::what_if(&self.topo, &LostDomains::new(&self.estate, &domains))
    }

    fn report(&self) -> Report<'_> {
        Report {
            estate: &self.estate,
            topo: &self.topo,
        }
    }

    fn select(&self, paths: &[&str]) -> Option<Vec<usize>> {
        let ids: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        (!ids.is_empty()).then(|| diagram::select_paths(&self.topo, &ids).unwrap())
    }

    /// What the export draws: the paths named target by target; else, with a loss,
    /// what it touches (or every path, `all`).
    fn picture(&self, lose: &[&str], paths: &[&str], all: bool) -> Diagram {
        let verdict = self.verdict(lose);
        report::picture(&self.report(), &verdict, self.select(paths).as_deref(), all)
    }

    /// Every path (the whole estate).
    fn diagram(&self, lose: &[&str], paths: &[&str]) -> Diagram {
        self.picture(lose, paths, true)
    }

    fn export(&self, lose: &[&str], paths: &[&str], format: DiagramFormat) -> String {
        self.export_all(lose, paths, false, format)
    }

    fn export_all(
        &self,
        lose: &[&str],
        paths: &[&str],
        all: bool,
        format: DiagramFormat,
    ) -> String {
        let verdict = self.verdict(lose);
        report::diagram(
            &self.report(),
            &verdict,
            self.select(paths).as_deref(),
            all,
            format,
        )
        .unwrap()
    }
}

/// Words Mermaid reads as syntax where an id is expected.
const MERMAID_KEYWORDS: &[&str] = &[
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "class",
    "classDef",
    "style",
    "click",
    "linkStyle",
    "direction",
    "default",
];

fn is_safe_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() && c != 'o' && c != 'x')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !MERMAID_KEYWORDS.contains(&id)
}

/// A quoted label: nothing but entity codes between its quotes.
fn assert_quoted(label: &str, line: &str) {
    assert!(
        label.len() >= 2 && label.starts_with('"') && label.ends_with('"'),
        "unquoted label: {line}"
    );
    let inner = &label[1..label.len() - 1];
    for c in ['"', '<', '>', '`'] {
        let stray = inner.replace("<br>", "").contains(c);
        assert!(!stray, "raw {c:?} in label: {line}");
    }
}

/// What a Mermaid parser checks, and what this export promises: one flowchart after
/// its layout directive; a legend, then nested account → Region → AZ subgraphs,
/// balanced; safe, unique ids; quoted labels; edges between declared nodes; every node
/// in a status class. Returns (nodes, edges) of the picture (the legend left out).
fn check_mermaid(text: &str) -> (usize, usize) {
    let mut lines = text.lines().filter(|l| !l.trim_start().starts_with("%%"));
    assert!(text.starts_with("%%{init: "), "the layout directive first");
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut depth = 0usize;
    let mut max_depth = 0;
    let mut in_legend = false;
    let mut nodes: HashSet<String> = HashSet::new();
    let mut legend: HashSet<String> = HashSet::new();
    let mut groups: HashSet<String> = HashSet::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut class_defs: HashSet<String> = HashSet::new();
    let mut classed: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph ") {
            let (id, title) = rest.split_once(' ').expect("a subgraph has a title");
            if id == "legend" {
                assert_eq!(depth, 0, "the legend is at the top");
                in_legend = true;
            } else {
                let prefix = ["account_", "region_", "az_"][depth.min(2)];
                assert!(id.starts_with(prefix), "level {} subgraph {id}", depth + 1);
            }
            assert!(is_safe_id(id) && groups.insert(id.to_string()), "{line}");
            assert!(title.starts_with('[') && title.ends_with(']'), "{line}");
            assert_quoted(&title[1..title.len() - 1], line);
            depth += 1;
            max_depth = max_depth.max(depth);
        } else if t == "end" {
            assert!(depth > 0, "unbalanced end");
            depth -= 1;
            if depth == 0 {
                in_legend = false;
            }
        } else if t.starts_with("direction ") {
            assert!(in_legend, "only the legend sets a direction: {line}");
        } else if let Some(rest) = t.strip_prefix("classDef ") {
            class_defs.insert(rest.split(' ').next().unwrap().to_string());
        } else if let Some(rest) = t.strip_prefix("class ") {
            let (ids, class) = rest.rsplit_once(' ').unwrap();
            assert!(
                class_defs.contains(class),
                "class {class} used before classDef"
            );
            for id in ids.split(',') {
                *classed.entry(id.to_string()).or_default() += 1;
            }
        } else if let Some((from, rest)) = t.split_once(' ')
            && let Some(arrow) = ["-->", "-.->", "==>", "-.-", "~~~"]
                .iter()
                .find(|a| rest.starts_with(**a))
        {
            let rest = &rest[arrow.len()..];
            let to = match rest.strip_prefix('|') {
                Some(labelled) => {
                    let (label, to) = labelled.rsplit_once("| ").expect("a label ends with |");
                    assert_quoted(label, line);
                    to
                }
                None => rest.trim_start(),
            };
            if *arrow != "~~~" {
                edges.push((from.to_string(), to.to_string()));
            } else {
                let known = |id: &str| nodes.contains(id) || legend.contains(id);
                assert!(known(from) && known(to), "{line}");
            }
        } else {
            let end = t
                .find(['[', '(', '>'])
                .unwrap_or_else(|| panic!("not a node: {line}"));
            let (id, shape) = t.split_at(end);
            assert!(is_safe_id(id), "unsafe id {id:?}");
            if in_legend {
                assert!(
                    id.starts_with("legend_") && legend.insert(id.to_string()),
                    "{line}"
                );
            } else if id != "note_nothing" {
                assert!(depth >= 2, "node {id} outside a Region: {line}");
                assert!(
                    !groups.contains(id) && nodes.insert(id.to_string()),
                    "duplicate id {id}"
                );
            }
            let label = shape
                .trim_start_matches(['[', '(', '>'])
                .trim_end_matches([']', ')']);
            assert_quoted(label, line);
        }
    }
    assert_eq!(depth, 0, "every subgraph is closed");
    if !nodes.is_empty() {
        assert_eq!(max_depth, 3, "account → Region → AZ");
    }
    for (from, to) in &edges {
        assert!(
            nodes.contains(from) && nodes.contains(to),
            "edge {from} → {to}"
        );
    }
    for class in ["ok", "degraded", "down", "down_before", "lost"] {
        assert!(class_defs.contains(class), "classDef {class}");
        assert!(
            legend.contains(&format!("legend_{class}")),
            "legend entry {class}"
        );
    }
    for n in nodes
        .iter()
        .chain(legend.iter().filter(|l| *l != "legend_lines"))
    {
        assert_eq!(classed.get(n), Some(&1), "node {n} has one status class");
    }
    (nodes.len(), edges.len())
}

#[test]
fn the_mermaid_export_of_every_demo_path_is_well_formed() {
    let s = Scene::demo();
    for lose in [
        &[][..],
        &["use1-az4"],
        &["us-east-1"],
        &["use1-az2", "euw1-az1"],
    ] {
        let text = s.export_all(lose, &[], true, DiagramFormat::Mermaid);
        let (nodes, edges) = check_mermaid(&text);
        assert!(nodes > 40 && edges > 40, "{nodes} nodes, {edges} edges");
        check_mermaid(&s.export(lose, &[], DiagramFormat::Mermaid));
    }
    for p in s.topo.paths() {
        let text = s.export(&["use1-az4"], &[&p.id], DiagramFormat::Mermaid);
        check_mermaid(&text);
    }
}

/// An estate whose names hold everything Mermaid and DOT treat as syntax.
fn awkward_estate() -> Estate {
    let mut fx = Fx::new();
    let targets = fx.fleet("web", &["use1-az1", "use1-az2"], 1, &[]);
    fx.tg("end", &targets);
    fx.lb(
        "lb-1",
        LbType::Application,
        Scheme::InternetFacing,
        &["use1-az1", "use1-az2"],
        &["end"],
        None,
        &[],
    );
    fx.b.find_mut("lb-1").unwrap().name = "shop \"prod\" <edge> #1 & `x` \\ {a|b}".into();
    fx.b.find_mut("web-use1-az1-0").unwrap().name = "o".into();
    fx.b.find_mut("web-use1-az2-0").unwrap().name = "xenon; style end".into();
    fx.b.account("111111111111", "ops \"core\" [main]");
    fx.build()
}

#[test]
fn awkward_names_are_escaped_and_ids_sanitised_in_both_formats() {
    let s = Scene::of(awkward_estate());
    let path = s.topo.paths()[0].id.clone();
    for paths in [vec![], vec![path.as_str()]] {
        let text = s.export(&["use1-az1"], &paths, DiagramFormat::Mermaid);
        check_mermaid(&text);
        assert!(
            text.contains("shop #quot;prod#quot; #lt;edge#gt; #35;1 #amp; #96;x#96;"),
            "{text}"
        );
        assert!(text.contains("ops #quot;core#quot; [main]"), "{text}");
        let dot_text = s.export(&["use1-az1"], &paths, DiagramFormat::Dot);
        let graph = graphviz(&dot_text);
        let labels: Vec<&str> = graph["objects"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|o| o["label"].as_str())
            .collect();
        assert!(
            labels
                .iter()
                .any(|l| l.starts_with("shop \"prod\" <edge> #1 & `x` \\\\ {a|b}")),
            "{labels:?}"
        );
    }
    assert_eq!(mermaid::escape("a\"b"), "a#quot;b");
    assert_eq!(dot::escape("a\"b\\c\nd"), "a\\\"b\\\\c d");
}

/// Graphviz's own reading of a DOT text (`dot -Tjson`): it must parse without a word
/// on standard error.
fn graphviz(text: &str) -> serde_json::Value {
    let spawned = Command::new("dot")
        .arg("-Tjson")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(e) => panic!(
            "cannot run Graphviz `dot` ({e}): the DOT export is checked with it. \
             Run scripts/test, which installs it (Debian package graphviz)."
        ),
    };
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "dot rejected the export: {stderr}\n{text}"
    );
    serde_json::from_slice(&out.stdout).expect("dot -Tjson writes JSON")
}

/// Every diagram node (a DOT node named by its index) sits in the cluster of its own group.
fn assert_graphviz_clusters_match(d: &Diagram, graph: &serde_json::Value) {
    let objects = graph["objects"].as_array().unwrap();
    // The picture's nodes are named by their index; legend, titles, clusters and
    // `rank=same` groups are not.
    let drawn = |name: &str| name.parse::<usize>().is_ok();
    let gvid_of: HashMap<String, u64> = (objects.iter())
        .filter(|o| drawn(o["name"].as_str().unwrap()))
        .map(|o| {
            (
                o["name"].as_str().unwrap().to_string(),
                o["_gvid"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(gvid_of.len(), d.graph.node_count());
    let members: HashMap<&str, HashSet<u64>> = (objects.iter())
        .filter_map(|o| {
            let name = o["name"].as_str()?.strip_prefix("cluster_")?;
            if name == "legend" {
                return None;
            }
            // Titles are held too; only the picture's nodes are compared.
            let nodes = o["nodes"]
                .as_array()?
                .iter()
                .filter_map(|n| n.as_u64())
                .collect();
            Some((name, nodes))
        })
        .collect();
    // Each node is held by the clusters of its group and of the groups around it, no others.
    fn walk<'g>(g: &'g Group, around: &mut Vec<&'g str>, out: &mut HashMap<usize, Vec<&'g str>>) {
        around.push(&g.id);
        for n in &g.nodes {
            out.insert(n.index(), around.clone());
        }
        g.children.iter().for_each(|c| walk(c, around, out));
        around.pop();
    }
    let mut expected = HashMap::new();
    d.groups
        .iter()
        .for_each(|g| walk(g, &mut Vec::new(), &mut expected));
    for n in d.graph.node_indices() {
        let gvid = gvid_of[&n.index().to_string()];
        let mut held_by: Vec<&str> = (members.iter())
            .filter(|(_, nodes)| nodes.contains(&gvid))
            .map(|(name, _)| *name)
            .collect();
        held_by.sort();
        let mut want = expected[&n.index()].clone();
        want.sort();
        assert_eq!(held_by, want, "clusters holding {}", d.graph[n].id);
    }
}

#[test]
fn graphviz_reads_the_dot_export_with_account_region_and_az_clusters() {
    let s = Scene::demo();
    for (lose, paths) in [
        (&["use1-az4"][..], &[][..]),
        (&[][..], &[CHECKOUT][..]),
        (&["eu-west-1"][..], &[][..]),
    ] {
        let text = s.export(lose, paths, DiagramFormat::Dot);
        let graph = graphviz(&text);
        assert_graphviz_clusters_match(&s.picture(lose, paths, false), &graph);
    }
}

/// Numbers of a Graphviz `x,y` or `x1,y1,x2,y2` attribute.
fn numbers(attr: &serde_json::Value) -> Vec<f64> {
    attr.as_str()
        .unwrap_or_default()
        .split(',')
        .map(|x| x.parse().unwrap())
        .collect()
}

/// Points along every edge Graphviz drew (its cubic Bézier splines, sampled).
fn edge_points(graph: &serde_json::Value) -> Vec<(f64, f64, String)> {
    let mut out = Vec::new();
    for e in graph["edges"].as_array().into_iter().flatten() {
        let pts: Vec<(f64, f64)> = (e["pos"].as_str().unwrap().split_whitespace())
            .filter(|t| !t.starts_with("e,") && !t.starts_with("s,"))
            .map(|t| {
                let (x, y) = t.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect();
        let name = format!("{} -> {}", e["tail"], e["head"]);
        for w in (0..pts.len().saturating_sub(3)).step_by(3) {
            let [p0, p1, p2, p3] = [pts[w], pts[w + 1], pts[w + 2], pts[w + 3]];
            for k in 0..=40 {
                let t = k as f64 / 40.0;
                let u = 1.0 - t;
                let b = |a: f64, b: f64, c: f64, d: f64| {
                    u * u * u * a + 3.0 * u * u * t * b + 3.0 * u * t * t * c + t * t * t * d
                };
                out.push((
                    b(p0.0, p1.0, p2.0, p3.0),
                    b(p0.1, p1.1, p2.1, p3.1),
                    name.clone(),
                ));
            }
        }
    }
    out
}

#[test]
fn dot_cluster_titles_sit_in_their_cluster_and_no_edge_crosses_them() {
    let s = Scene::demo();
    let mut views: Vec<(Vec<&str>, Vec<&str>, bool)> = Vec::new();
    for lose in [&[][..], &["use1-az4"], &["us-east-1"], &["use1-az2"]] {
        views.push((lose.to_vec(), vec![], false));
        views.push((lose.to_vec(), vec![], true));
    }
    for p in s.topo.paths() {
        views.push((vec!["use1-az4"], vec![p.id.as_str()], false));
    }
    for (lose, paths, all) in views {
        let graph = graphviz(&s.export_all(&lose, &paths, all, DiagramFormat::Dot));
        let objects = graph["objects"].as_array().unwrap();
        let points = edge_points(&graph);
        let mut titles = 0;
        for o in objects {
            let Some(id) = o["name"].as_str().unwrap().strip_prefix("title_") else {
                continue;
            };
            titles += 1;
            let xy = numbers(&o["pos"]);
            let (w, h) = (
                o["width"].as_str().unwrap().parse::<f64>().unwrap() * 36.0,
                o["height"].as_str().unwrap().parse::<f64>().unwrap() * 36.0,
            );
            let cluster = (objects.iter())
                .find(|c| c["name"].as_str() == Some(&format!("cluster_{id}")))
                .unwrap();
            let bb = numbers(&cluster["bb"]);
            assert!(
                bb[0] <= xy[0] - w
                    && xy[0] + w <= bb[2]
                    && bb[1] <= xy[1] - h
                    && xy[1] + h <= bb[3],
                "title of {id} outside its cluster ({lose:?}, {paths:?})"
            );
            for (x, y, edge) in &points {
                let inside = (x - xy[0]).abs() < w - 1.0 && (y - xy[1]).abs() < h - 1.0;
                assert!(
                    !inside,
                    "edge {edge} crosses the title of {id} ({lose:?}, {paths:?}, all: {all})"
                );
            }
        }
        assert!(titles >= 3, "{titles} titles");
    }
}

/// Widest a focused DOT view may be, in points (Graphviz's own bounding box): its SVG is
/// 4/3 as many px, so at 900 px across the 10 pt labels are at least 10 px high.
const DOT_FOCUSED_MAX_WIDTH: f64 = 900.0;

#[test]
fn focused_dot_views_fit_a_page_width_under_every_single_loss() {
    let s = Scene::demo();
    let mut losses: Vec<String> = (s.estate.domains().into_iter())
        .map(|d| s.estate.domain_name(d).to_string())
        .collect();
    losses.sort();
    let mut too_wide = Vec::new();
    let mut widest: f64 = 0.0;
    let mut views = 0;
    for lose in &losses {
        let mut paths: Vec<Option<&str>> = vec![None];
        if ["use1-az4", "us-east-1"].contains(&lose.as_str()) {
            paths.extend(s.topo.paths().iter().map(|p| Some(p.id.as_str())));
        }
        for path in paths {
            let text = s.export(&[lose], path.as_slice(), DiagramFormat::Dot);
            let width = numbers(&graphviz(&text)["bb"])[2];
            widest = widest.max(width);
            views += 1;
            if width > DOT_FOCUSED_MAX_WIDTH {
                too_wide.push(format!("losing {lose}, {path:?}: {width} pt"));
            }
        }
    }
    assert!(views > 20, "{views} views");
    assert!(
        too_wide.is_empty(),
        "focused DOT views wider than {DOT_FOCUSED_MAX_WIDTH} pt (widest {widest}):\n{}",
        too_wide.join("\n")
    );
}

/// The first node whose label starts with these lines.
fn node_status(d: &Diagram, first: &str, second_starts: &str) -> NodeStatus {
    (d.graph.node_weights())
        .find(|n| {
            n.lines[0] == first && n.lines.get(1).is_some_and(|l| l.starts_with(second_starts))
        })
        .unwrap_or_else(|| panic!("no node {first} / {second_starts}…"))
        .status
}

fn node_named(d: &Diagram, first: &str) -> Option<petgraph::graph::NodeIndex> {
    d.graph
        .node_indices()
        .find(|&n| d.graph[n].lines[0] == first)
}

#[test]
fn nodes_are_coloured_by_their_status_under_the_what_if() {
    use NodeStatus as N;
    let s = Scene::demo();
    let expected: &[(&str, &str, &str, NodeStatus)] = &[
        ("use1-az4", "checkout-web", "target group", N::Down),
        ("use1-az4", "checkout-web", "3 targets", N::Lost),
        // Its hard NAT egress is lost with use1-az4: it cannot serve (issue 20).
        ("use1-az4", "checkout-web", "1 target", N::Down),
        ("use1-az4", "shop-use1-nat-a", "NAT gateway", N::Lost),
        ("use1-az4", "checkout-alb", "ALB", N::Degraded),
        ("use1-az4", "catalog-aurora", "Aurora", N::Degraded),
        ("use1-az4", "storefront-web", "target group", N::Degraded),
        ("use1-az4", "ledger-db", "RDS", N::Ok),
        ("use1-az2", "ledger-db", "RDS", N::Lost),
        ("use1-az2", "payments-api", "target group", N::Down),
        ("us-east-1", "checkout-alb", "ALB", N::Lost),
        // Lost with its Region, though its global database fails over to eu-west-1.
        ("us-east-1", "catalog-aurora", "Aurora", N::Lost),
        // Reads go on; writes wait for its promotion.
        ("us-east-1", "catalog-eu", "Aurora", N::Degraded),
        // It reads auth-tokens, a global table: served from its eu-west-1 replica.
        ("us-east-1", "auth-eu", "target group", N::Degraded),
        ("us-east-1", "auth-tokens", "DynamoDB global table", N::Lost),
        // Its Aurora global primary is in us-east-1: writes wait for a promotion.
        (
            "us-east-1",
            "storefront-eu-web",
            "target group",
            N::Degraded,
        ),
    ];
    for &(lose, first, second, status) in expected {
        for d in [s.diagram(&[lose], &[]), s.picture(&[lose], &[], false)] {
            if node_named(&d, first).is_none() && lose == "use1-az4" && first == "ledger-db" {
                continue; // payments is ok: not in the focused view
            }
            assert_eq!(
                node_status(&d, first, second),
                status,
                "{first} ({second}…) losing {lose}"
            );
        }
    }
    let region = s.diagram(&["us-east-1"], &[]);
    let titles: Vec<&str> = (region.groups.iter())
        .flat_map(|a| &a.children)
        .map(|r| r.title.as_str())
        .collect();
    assert!(
        titles.contains(&"us-east-1: LOST") && titles.contains(&"eu-west-1"),
        "{titles:?}"
    );
    // The global database's link explains why storefront-eu-web only degrades.
    for d in [region, s.picture(&["us-east-1"], &[], false)] {
        let (a, b) = (
            node_named(&d, "catalog-aurora").unwrap(),
            node_named(&d, "catalog-eu").unwrap(),
        );
        let linked = d
            .graph
            .edges_connecting(a, b)
            .any(|e| *e.weight() == DiagramEdge::GlobalDatabase);
        assert!(linked, "catalog-aurora — catalog-eu");
    }

    // Nothing lost: nothing is down because of a loss; what serves nothing is down
    // before the loss, in a style of its own.
    let calm = s.diagram(&[], &[]);
    let mut before = 0;
    for n in calm.graph.node_weights() {
        assert!(
            matches!(n.status, N::Ok | N::DownBefore),
            "{:?}: {:?}",
            n.lines,
            n.status
        );
        if n.status == N::DownBefore {
            before += 1;
            assert_eq!(n.lines.last().unwrap(), "✗ down before the loss");
        }
    }
    assert!(before >= 1, "the demo has targets that serve nothing");
    // …and stay so under a loss that does not touch them.
    let d = s.diagram(&["euw1-az3"], &[]);
    assert!(d.graph.node_weights().any(|n| n.status == N::DownBefore));
}

/// The status a node must have, recomputed from the engine: the hops (or targets) it
/// claims to stand for, in the details of the chains drawn, under the loss and with
/// nothing lost.
fn expected_status(
    s: &Scene,
    d: &Diagram,
    verdict: &Verdict,
    base: &Verdict,
    n: petgraph::graph::NodeIndex,
) -> NodeStatus {
    let node = &d.graph[n];
    let mut says: Vec<(Status, Status, bool)> = Vec::new();
    for subject in &node.subjects {
        let mut found = false;
        for (part, _) in &d.chains {
            match subject {
                NodeSubject::Hop(h) => {
                    let now = chain_detail(&s.estate, &s.topo, *part, verdict).unwrap();
                    let then = chain_detail(&s.estate, &s.topo, *part, base).unwrap();
                    if let Some(hop) = now.hops.iter().find(|x| x.subject == *h) {
                        let before = then.hops.iter().find(|x| x.subject == *h).unwrap();
                        says.push((hop.status, before.status, hop.lost));
                        found = true;
                    }
                }
                NodeSubject::Target(t) => {
                    let now = target_details(&s.topo, *part, verdict).unwrap();
                    let then = target_details(&s.topo, *part, base).unwrap();
                    if let Some(x) = now.iter().find(|x| x.target == *t) {
                        let before = then.iter().find(|y| y.target == *t).unwrap();
                        says.push((x.status(), before.status(), x.lost));
                        found = true;
                    }
                }
            }
        }
        // A database linked to one drawn: no hop of a path, its own part.
        if let (false, NodeSubject::Hop(HopSubject::Dependency(part))) = (found, subject) {
            let now = part_hop(&s.estate, &s.topo, *part, verdict);
            let then = part_hop(&s.estate, &s.topo, *part, base);
            says.push((now.status, then.status, now.lost));
            found = true;
        }
        assert!(found, "{:?}: {subject:?} is in no drawn detail", node.lines);
    }
    assert!(!says.is_empty(), "{:?} stands for nothing", node.lines);
    diagram::node_status(says)
}

#[test]
fn every_node_of_every_demo_export_has_the_status_of_its_hops_under_every_single_loss() {
    let s = Scene::demo();
    let base = s.verdict(&[]);
    let mut checked = 0;
    let mut losses: Vec<Vec<String>> = vec![Vec::new()];
    losses.extend(
        s.estate
            .domains()
            .into_iter()
            .map(|d| vec![s.estate.domain_name(d).to_string()]),
    );
    for lose in &losses {
        let lose: Vec<&str> = lose.iter().map(String::as_str).collect();
        let verdict = s.verdict(&lose);
        let mut pictures = vec![s.picture(&lose, &[], false), s.picture(&lose, &[], true)];
        for p in s.topo.paths() {
            pictures.push(s.picture(&lose, &[&p.id], false));
        }
        for d in &pictures {
            for n in d.graph.node_indices() {
                let want = expected_status(&s, d, &verdict, &base, n);
                assert_eq!(
                    d.graph[n].status, want,
                    "{:?} losing {lose:?} in {}",
                    d.graph[n].lines, d.title
                );
                checked += 1;
            }
            // Every line of a chain drawn whole is drawn (but the load balancer's
            // nodes, said on it, and recovery, said on the target group).
            for (part, _) in d.chains.iter().filter(|(_, whole)| *whole) {
                let detail = chain_detail(&s.estate, &s.topo, *part, &verdict).unwrap();
                let one_by_one = d.graph.node_weights().any(|n| {
                    n.subjects
                        .iter()
                        .any(|x| matches!(x, NodeSubject::Target(_)))
                });
                for hop in &detail.hops {
                    let drawn = match hop.subject {
                        HopSubject::LbNode { .. } | HopSubject::Recovery(_) => continue,
                        HopSubject::TargetsIn { .. } | HopSubject::Function { .. }
                            if one_by_one =>
                        {
                            continue;
                        }
                        h => d
                            .graph
                            .node_weights()
                            .any(|n| n.subjects.contains(&NodeSubject::Hop(h))),
                    };
                    assert!(
                        drawn,
                        "{} ({:?}) missing from {}",
                        hop.label, hop.subject, d.title
                    );
                }
            }
        }
    }
    assert!(checked > 2_000, "{checked} nodes checked");
}

#[test]
fn a_focused_view_draws_only_what_the_loss_touches() {
    let s = Scene::demo();
    let verdict = s.verdict(&["use1-az4"]);
    let d = s.picture(&["use1-az4"], &[], false);
    assert!(
        d.title
            .starts_with("8 of 15 user-facing paths (those the loss touches)"),
        "{}",
        d.title
    );
    let names: HashSet<&str> = d
        .graph
        .node_weights()
        .map(|n| n.lines[0].as_str())
        .collect();
    for p in &verdict.paths {
        let tg = s.estate.resource(s.topo.paths()[p.path].tg).name.as_str();
        assert_eq!(
            names.contains(tg),
            p.status != Status::Ok,
            "{tg}: {:?}",
            p.status
        );
    }
    // What a touched path needs that is ok is one node, not its own chains.
    assert!(names.contains("payments-nlb") && !names.contains("payments-api"));
    // A Region lost: its paths as their load balancer and target group.
    let d = s.picture(&["us-east-1"], &[], false);
    let names: HashSet<&str> = d
        .graph
        .node_weights()
        .map(|n| n.lines[0].as_str())
        .collect();
    assert!(names.contains("checkout-alb") && names.contains("checkout-web"));
    assert!(
        !names.contains("shop-use1-nat-a"),
        "no hop of a path lost with its Region"
    );
    // Nothing touched: a note, no picture.
    let d = s.picture(&["euw1-az3"], &[], false);
    if d.graph.node_count() == 0 {
        assert!(d.note.as_deref().unwrap().contains("nothing to draw"));
    }
}

#[test]
fn without_path_targets_collapse_to_one_node_per_target_group_and_az() {
    let s = Scene::demo();
    let d = s.diagram(&[], &[]);
    let web: Vec<&Vec<String>> = (d.graph.node_weights())
        .filter(|n| n.lines[0] == "storefront-web" && n.lines[1].contains(" target"))
        .filter(|n| !n.lines[1].starts_with("target group"))
        .map(|n| &n.lines)
        .collect();
    assert_eq!(web.len(), 3, "one node per AZ: {web:?}");
    assert!(web.iter().all(|l| l[1].starts_with("2 targets")), "{web:?}");
    assert!(
        !d.graph
            .node_weights()
            .any(|n| n.lines[0] == "storefront-web-11")
    );
    // Every path is drawn: one node per load balancer that heads one.
    let entries = (d.graph.node_weights())
        .filter(|n| n.shape == diagram::Shape::Entry)
        .count();
    assert!(entries >= 8, "{entries} load balancers");
}

#[test]
fn a_selected_path_is_drawn_target_by_target_with_what_it_depends_on() {
    let s = Scene::demo();
    let d = s.picture(&["use1-az4"], &[CHECKOUT], false);
    let names: HashSet<&str> = d
        .graph
        .node_weights()
        .map(|n| n.lines[0].as_str())
        .collect();
    for name in [
        "checkout-alb",
        "checkout-web",
        "checkout-1",
        "checkout-4",
        "shop-use1-nat-a",
        "payments-nlb",
        "orders-db",
    ] {
        assert!(names.contains(name), "{name} in {names:?}");
    }
    assert!(
        !names.contains("storefront-alb"),
        "other paths are left out"
    );
    let four = node_named(&d, "checkout-4").unwrap();
    assert_eq!(d.graph[four].status, NodeStatus::Down);
    assert!(
        d.graph[four]
            .lines
            .contains(&"no egress: shop-use1-nat-a lost".to_string()),
        "{:?}",
        d.graph[four].lines
    );
    let edges: Vec<DiagramEdge> = d.graph.edge_weights().copied().collect();
    assert!(
        edges.contains(&DiagramEdge::Egress { hard: true }),
        "{edges:?}"
    );
    let labels: Vec<String> = edges.iter().filter_map(|e| e.label()).collect();
    for label in ["declared", "inferred"] {
        assert!(labels.iter().any(|l| l == label), "{label} in {labels:?}");
    }
    // Traffic and egress say nothing: the legend does.
    assert!(
        edges
            .iter()
            .filter(|e| matches!(e, DiagramEdge::Traffic | DiagramEdge::Egress { .. }))
            .all(|e| e.label().is_none())
    );
    // Under a loss that takes payments down, its chain is drawn too: it explains checkout.
    let d = s.picture(&["use1-az2"], &[CHECKOUT], false);
    assert!(node_named(&d, "ledger-db").is_some());
}

#[test]
fn mermaid_limits_are_both_checked_and_named() {
    let few_chars_many_edges: String = (0..501).map(|i| format!("  a{i} --> b{i}\n")).collect();
    let err = mermaid::check_limits(&few_chars_many_edges).unwrap_err();
    assert_eq!(err.edges, 501);
    let msg = err.to_string();
    assert!(
        msg.contains("500 edges") && msg.contains("50,000 characters"),
        "{msg}"
    );
    let long = format!("  a --> b\n{}", "x".repeat(50_001));
    assert_eq!(mermaid::check_limits(&long).unwrap_err().edges, 1);
    assert!(mermaid::check_limits("  a --> b\n").is_ok());
}

#[test]
fn an_unknown_path_id_is_refused_with_the_known_ones() {
    let s = Scene::demo();
    let err = diagram::select_paths(&s.topo, &["nope".to_string()])
        .unwrap_err()
        .to_string();
    assert!(err.contains("\"nope\""), "{err}");
    assert!(err.contains(CHECKOUT), "{err}");
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn demo_diagrams_match_their_snapshots() {
    let s = Scene::demo();
    snapshot(
        "demo_mermaid_losing_use1_az4",
        &s.export(&["use1-az4"], &[], DiagramFormat::Mermaid),
    );
    snapshot(
        "demo_dot_losing_use1_az4",
        &s.export(&["use1-az4"], &[], DiagramFormat::Dot),
    );
    snapshot(
        "demo_mermaid_checkout_losing_use1_az4",
        &s.export(&["use1-az4"], &[CHECKOUT], DiagramFormat::Mermaid),
    );
    snapshot(
        "demo_dot_checkout_losing_use1_az4",
        &s.export(&["use1-az4"], &[CHECKOUT], DiagramFormat::Dot),
    );
}

#[test]
fn the_readme_diagram_is_the_current_export() {
    let readme = include_str!("../../README.md");
    let block = readme
        .split("```mermaid\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("README.md shows a Mermaid diagram");
    let current = Scene::demo().export(&["use1-az4"], &[CHECKOUT], DiagramFormat::Mermaid);
    assert_eq!(
        block, current,
        "README.md's diagram is stale: paste `blastmap export --demo --format mermaid \
         --lose use1-az4 --path {CHECKOUT}` into it"
    );
}
