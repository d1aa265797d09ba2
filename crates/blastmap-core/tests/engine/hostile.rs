//! Hostile shapes (issue: "no exponential blow-up"): declared dependencies that
//! chain, loop and layer must cost time linear in nodes + edges, and give the
//! answer `docs/engine.md` promises. Bounds here are generous (a debug build on a
//! shared 2-core machine); the benchmarks in crates/blastmap-bench measure.

use std::time::{Duration, Instant};

use blastmap_core::analysis::Analysis;
use blastmap_core::model::Domain;
use blastmap_core::sim::{LostDomains, Status, what_if};
use blastmap_core::synth::shapes::{layered, lb_chain};

/// Builds the analysis (topology, matrix, findings) and one what-if, within `budget`.
fn analyse_within(estate: blastmap_core::model::Estate, budget: Duration) -> Analysis {
    let start = Instant::now();
    let a = Analysis::new(estate).with_findings();
    let lost = LostDomains::new(&a.estate, &[a.estate.parse_domain("use1-az1").unwrap()]);
    let _ = what_if(&a.topo, &lost);
    let took = start.elapsed();
    assert!(took < budget, "took {took:?}, budget {budget:?}");
    a
}

#[test]
fn a_chain_of_declared_dependencies_costs_linear_time() {
    // 24 links with two target groups each doubled per link before (2^24 reasons).
    analyse_within(lb_chain(24, 2, false), Duration::from_secs(5));
}

#[test]
fn a_ten_thousand_long_chain_is_compiled_without_deep_recursion() {
    let a = analyse_within(lb_chain(10_000, 1, false), Duration::from_secs(60));
    assert_eq!(a.topo.paths().len(), 10_000);
}

#[test]
fn a_dense_layered_graph_costs_linear_time() {
    analyse_within(layered(12, 8, 3), Duration::from_secs(10));
}

#[test]
fn a_cycle_costs_linear_time() {
    analyse_within(lb_chain(24, 2, true), Duration::from_secs(5));
}

/// The status of lb-`i`'s first path when every AZ but `keep` is lost: nothing of it
/// can serve in the lost AZs, and the surviving one still serves.
fn status_of(a: &Analysis, lost: &[&str], lb: &str) -> Status {
    let domains: Vec<Domain> = lost
        .iter()
        .map(|d| a.estate.parse_domain(d).unwrap())
        .collect();
    let v = what_if(&a.topo, &LostDomains::new(&a.estate, &domains));
    let p = (a.topo.paths().iter())
        .position(|p| a.estate.resource(p.lb).name == lb)
        .unwrap();
    v.paths[p].status
}

#[test]
fn a_node_on_a_cycle_is_down_when_the_cycle_is_down() {
    // lb-0 → lb-1 → lb-2 → lb-0. Nothing lost: all up. Every AZ lost: all down,
    // and a cycle does not make one of them look up because its edge was cut.
    let a = Analysis::new(lb_chain(3, 1, true));
    for lb in ["lb-0", "lb-1", "lb-2"] {
        assert_eq!(status_of(&a, &[], lb), Status::Ok, "{lb}");
        assert_eq!(
            status_of(&a, &["use1-az1", "use1-az2", "use1-az3"], lb),
            Status::Down,
            "{lb}"
        );
        assert_eq!(status_of(&a, &["use1-az1"], lb), Status::Degraded, "{lb}");
    }
}

#[test]
fn a_dependency_on_a_cycle_member_that_is_down_takes_every_member_down() {
    // lb-0 → lb-1 → lb-0, and lb-1 also depends on lb-2, whose targets are all in use1-az3.
    let estate = blastmap_core::synth::shapes::cycle_with_a_tail();
    let a = Analysis::new(estate);
    for lb in ["lb-0", "lb-1"] {
        assert_eq!(status_of(&a, &["use1-az3"], lb), Status::Down, "{lb}");
        assert_eq!(status_of(&a, &["use1-az1"], lb), Status::Degraded, "{lb}");
    }
}

#[test]
fn reasons_through_a_long_chain_stay_short() {
    let a = Analysis::new(lb_chain(50, 2, false));
    let v = what_if(
        &a.topo,
        &LostDomains::new(&a.estate, &[a.estate.parse_domain("use1-az1").unwrap()]),
    );
    for p in &v.paths {
        assert!(p.reasons.len() <= 16, "{} reasons", p.reasons.len());
        for r in &p.reasons {
            let text = r.describe(&a.estate);
            assert!(text.len() < 600, "{text}");
        }
    }
}
