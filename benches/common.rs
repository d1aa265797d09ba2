//! Generated estates shared by the benchmarks, built once per size and process.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use blastmap::model::{Domain, Estate};
use blastmap::sim::Topology;
use blastmap::snapshot;
use blastmap_core::synth::{SynthConfig, generate};

/// 1k, 10k, 100k and 1M resources.
pub const SIZES: &[usize] = &[1_000, 10_000, 100_000, 1_000_000];

// Each benchmark binary uses its own part of the fixture.
#[allow(dead_code)]
pub struct Fixture {
    pub estate: Estate,
    pub topo: Topology,
    /// The estate as snapshot JSON.
    pub json: Vec<u8>,
    /// The AZ a single what-if loses: the busiest one.
    pub az: Domain,
}

pub fn fixture(resources: usize) -> &'static Fixture {
    static CACHE: OnceLock<Mutex<HashMap<usize, &'static Fixture>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut cache = cache
        .lock()
        .expect("no benchmark panics while holding the cache");
    cache.entry(resources).or_insert_with(|| {
        let estate = generate(&SynthConfig {
            resources,
            ..Default::default()
        });
        let json = snapshot::to_string(&estate).into_bytes();
        let topo = Topology::build(&estate);
        let az = busiest_az(&estate);
        Box::leak(Box::new(Fixture {
            estate,
            topo,
            json,
            az,
        }))
    })
}

fn busiest_az(e: &Estate) -> Domain {
    let mut counts = vec![0usize; e.azs().len()];
    for r in e.resources() {
        if let Some(az) = r.az {
            counts[az.index()] += 1;
        }
    }
    let best = counts
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| **c)
        .map_or(0, |(i, _)| i);
    Domain::Az(blastmap::model::AzIdx(best as u16))
}
