//! The Mermaid and DOT exports: structure, escaping, statuses, Graphviz's own reading,
//! and snapshots of the demo estate's diagrams.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Command, Stdio};

use blastmap::demo;
use blastmap::model::{Estate, LbType, Scheme};
use blastmap::report::diagram::{self, Diagram, Group, NodeStatus, Targets};
use blastmap::report::{self, DiagramFormat, Report, dot, mermaid};
use blastmap::sim::{self, LostDomains, Topology, Verdict};

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

    /// Every path collapsed, or the paths named, target by target.
    fn diagram(&self, lose: &[&str], paths: &[&str]) -> Diagram {
        let verdict = self.verdict(lose);
        if paths.is_empty() {
            let all: Vec<usize> = (0..self.topo.paths().len()).collect();
            diagram::build(&self.report(), &verdict, &all, Targets::PerAz)
        } else {
            let ids: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
            let selected = diagram::select_paths(&self.topo, &ids).unwrap();
            diagram::build(&self.report(), &verdict, &selected, Targets::OneByOne)
        }
    }

    fn export(&self, lose: &[&str], paths: &[&str], format: DiagramFormat) -> String {
        let verdict = self.verdict(lose);
        let ids: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        let selected = (!ids.is_empty()).then(|| diagram::select_paths(&self.topo, &ids).unwrap());
        report::diagram(&self.report(), &verdict, selected.as_deref(), format)
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

/// What a Mermaid parser checks, and what this export promises: one flowchart; nested
/// account → Region → AZ subgraphs, balanced; safe, unique ids; quoted labels; edges
/// between declared nodes; every node in a status class. Returns (nodes, edges).
fn check_mermaid(text: &str) -> (usize, usize) {
    let mut lines = text.lines().filter(|l| !l.trim_start().starts_with("%%"));
    assert_eq!(lines.next(), Some("flowchart LR"));
    let mut depth = 0usize;
    let mut max_depth = 0;
    let mut nodes: HashSet<String> = HashSet::new();
    let mut groups: HashSet<String> = HashSet::new();
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut class_defs: HashSet<String> = HashSet::new();
    let mut classed: HashMap<String, usize> = HashMap::new();
    for line in lines {
        let t = line.trim();
        if let Some(rest) = t.strip_prefix("subgraph ") {
            let (id, title) = rest.split_once(' ').expect("a subgraph has a title");
            let prefix = ["account_", "region_", "az_"][depth.min(2)];
            assert!(id.starts_with(prefix), "level {} subgraph {id}", depth + 1);
            assert!(is_safe_id(id) && groups.insert(id.to_string()), "{line}");
            assert!(title.starts_with('[') && title.ends_with(']'), "{line}");
            assert_quoted(&title[1..title.len() - 1], line);
            depth += 1;
            max_depth = max_depth.max(depth);
        } else if t == "end" {
            assert!(depth > 0, "unbalanced end");
            depth -= 1;
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
            && let Some(arrow) = ["-->|", "-.->|", "==>|"]
                .iter()
                .find(|a| rest.starts_with(**a))
        {
            let rest = &rest[arrow.len()..];
            let (label, to) = rest.rsplit_once("| ").expect("an edge label ends with |");
            assert_quoted(label, line);
            edges.push((from.to_string(), to.to_string()));
        } else {
            let end = t
                .find(['[', '('])
                .unwrap_or_else(|| panic!("not a node: {line}"));
            let (id, shape) = t.split_at(end);
            assert!(depth >= 2, "node {id} outside a Region: {line}");
            assert!(is_safe_id(id), "unsafe id {id:?}");
            assert!(
                !groups.contains(id) && nodes.insert(id.to_string()),
                "duplicate id {id}"
            );
            let label = shape
                .trim_start_matches(['[', '('])
                .trim_end_matches([']', ')']);
            assert_quoted(label, line);
        }
    }
    assert_eq!(depth, 0, "every subgraph is closed");
    assert_eq!(max_depth, 3, "account → Region → AZ");
    for (from, to) in &edges {
        assert!(
            nodes.contains(from) && nodes.contains(to),
            "edge {from} → {to}"
        );
    }
    for class in ["ok", "degraded", "down", "lost"] {
        assert!(class_defs.contains(class), "classDef {class}");
    }
    for n in &nodes {
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
        let text = s.export(lose, &[], DiagramFormat::Mermaid);
        let (nodes, edges) = check_mermaid(&text);
        assert!(nodes > 40 && edges > 40, "{nodes} nodes, {edges} edges");
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
    let gvid_of: HashMap<String, u64> = (objects.iter())
        .filter(|o| !o["name"].as_str().unwrap().starts_with("cluster_"))
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
        assert_graphviz_clusters_match(&s.diagram(lose, paths), &graph);
    }
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

#[test]
fn nodes_are_coloured_by_their_status_under_the_what_if() {
    use NodeStatus as N;
    let s = Scene::demo();
    let expected: &[(&str, &str, &str, NodeStatus)] = &[
        ("use1-az4", "checkout-web", "target group", N::Down),
        ("use1-az4", "checkout-web", "3 targets", N::Lost),
        ("use1-az4", "checkout-web", "1 target", N::Ok),
        ("use1-az4", "shop-use1-nat-a", "NAT gateway", N::Lost),
        ("use1-az4", "checkout-alb", "ALB", N::Degraded),
        ("use1-az4", "catalog-aurora", "aurora", N::Degraded),
        ("use1-az4", "storefront-web", "target group", N::Degraded),
        ("use1-az4", "ledger-db", "RDS", N::Ok),
        ("use1-az2", "ledger-db", "RDS", N::Lost),
        ("use1-az2", "payments-api", "target group", N::Down),
        ("us-east-1", "checkout-alb", "ALB", N::Lost),
        // It reads auth-tokens, a global table: served from its eu-west-1 replica.
        ("us-east-1", "auth-eu", "target group", N::Degraded),
        // Its Aurora global primary is in us-east-1: writes wait for a promotion.
        (
            "us-east-1",
            "storefront-eu-web",
            "target group",
            N::Degraded,
        ),
    ];
    for &(lose, first, second, status) in expected {
        let d = s.diagram(&[lose], &[]);
        assert_eq!(
            node_status(&d, first, second),
            status,
            "{first} ({second}…) losing {lose}"
        );
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

    // Nothing lost: only targets that serve nothing are not ok.
    let calm = s.diagram(&[], &[]);
    for n in calm.graph.node_weights() {
        let idle = n.lines.iter().any(|l| l.contains(", 0 serving"));
        let expected = if idle {
            NodeStatus::Down
        } else {
            NodeStatus::Ok
        };
        assert_eq!(n.status, expected, "{:?}", n.lines);
    }
}

#[test]
fn without_path_targets_collapse_to_one_node_per_target_group_and_az() {
    let s = Scene::demo();
    let d = s.diagram(&[], &[]);
    let web: Vec<&Vec<String>> = (d.graph.node_weights())
        .filter(|n| n.lines[0] == "storefront-web" && n.lines[1].contains(" target"))
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
    let d = s.diagram(&["use1-az4"], &[CHECKOUT]);
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
        "ledger-db",
        "orders-db",
    ] {
        assert!(names.contains(name), "{name} in {names:?}");
    }
    assert!(
        !names.contains("storefront-alb"),
        "other paths are left out"
    );
    let labels: Vec<String> = d.graph.edge_weights().map(|e| e.label()).collect();
    for label in [
        "routes-to",
        "depends-on (declared)",
        "depends-on (inferred)",
        "egress-via (declared hard)",
    ] {
        assert!(labels.iter().any(|l| l == label), "{label} in {labels:?}");
    }
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
