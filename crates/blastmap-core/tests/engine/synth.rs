//! The synthetic estate generator (benchmarks and scale tests rely on it).

use std::collections::BTreeSet;

use blastmap_core::findings::{self, RULES};
use blastmap_core::sim::{Matrix, Topology};
use blastmap_core::snapshot;
use blastmap_core::synth::{SynthConfig, generate};

fn config(resources: usize, seed: u64) -> SynthConfig {
    SynthConfig {
        resources,
        seed,
        ..Default::default()
    }
}

#[test]
fn the_generated_estate_loads_and_holds_every_status_and_finding() {
    let estate = generate(&config(4_000, 7));
    assert!(
        (4_000..4_200).contains(&estate.resources().len()),
        "{}",
        estate.resources().len()
    );
    // Through a snapshot file, as the benchmarks and the CLI read it.
    let loaded = snapshot::from_slice(snapshot::to_string(&estate).as_bytes(), "synth").unwrap();
    let topo = Topology::build(&loaded);
    let matrix = Matrix::build(&loaded, &topo);
    let statuses: BTreeSet<_> = (0..topo.paths().len())
        .flat_map(|p| matrix.row(p).iter().map(|c| c.status))
        .collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    let codes: BTreeSet<&str> = findings::analyze(&loaded, &topo, &matrix)
        .iter()
        .map(|f| f.code)
        .collect();
    for rule in RULES {
        assert!(codes.contains(rule.code), "{} never occurs", rule.code);
    }
    assert!(loaded.accounts().len() >= 3 && loaded.region_count() == 3);
}

#[test]
fn the_generator_is_deterministic_from_its_seed() {
    let a = snapshot::to_string(&generate(&config(1_500, 3)));
    let b = snapshot::to_string(&generate(&config(1_500, 3)));
    let c = snapshot::to_string(&generate(&config(1_500, 4)));
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn evaluating_only_what_a_loss_touches_agrees_with_evaluating_everything() {
    use blastmap_core::model::Domain;
    use blastmap_core::sim::{LostDomains, what_if, what_if_exhaustive};
    for seed in [1, 2, 3] {
        let estate = generate(&config(2_500, seed));
        let topo = Topology::build(&estate);
        let domains = estate.domains();
        let mut scenarios: Vec<Vec<Domain>> = domains.iter().map(|d| vec![*d]).collect();
        for (i, a) in domains.iter().enumerate() {
            for b in &domains[i + 1..] {
                scenarios.push(vec![*a, *b]);
            }
        }
        for lost in scenarios {
            let lost = LostDomains::new(&estate, &lost);
            let (fast, full) = (what_if(&topo, &lost), what_if_exhaustive(&topo, &lost));
            assert_eq!(
                fast.paths,
                full.paths,
                "seed {seed}, losing {}",
                lost.describe(&estate)
            );
            assert_eq!(fast.services, full.services);
            assert_eq!(fast.evaluation.outcomes, full.evaluation.outcomes);
        }
    }
}
