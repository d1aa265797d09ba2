//! Engine benchmarks at 1k, 10k, 100k and 1M resources (`docs/performance.md`).
//!
//!     cargo bench --bench engine

mod common;

use blastmap_core::findings;
use blastmap_core::sim::{LostDomains, Matrix, Topology, what_if};
use blastmap_core::snapshot;
use common::{SIZES, fixture};
use divan::Bencher;

fn main() {
    divan::main();
}

/// Snapshot file bytes → estate (parse, intern, check references, build the graph).
#[divan::bench(args = SIZES, max_time = 10)]
fn snapshot_load(bencher: Bencher, resources: usize) {
    let f = fixture(resources);
    bencher.bench(|| snapshot::from_slice(&f.json, "bench").expect("loads"));
}

/// Estate → topology (done once per estate, before any scenario).
#[divan::bench(args = SIZES, max_time = 10)]
fn topology_build(bencher: Bencher, resources: usize) {
    let f = fixture(resources);
    bencher.bench(|| Topology::build(&f.estate));
}

/// One what-if: the busiest AZ lost.
#[divan::bench(args = SIZES, max_time = 10)]
fn what_if_one_az(bencher: Bencher, resources: usize) {
    let f = fixture(resources);
    let lost = LostDomains::new(&f.estate, &[f.az]);
    bencher.bench(|| what_if(&f.topo, &lost));
}

/// Every single-AZ and single-Region loss × every path.
#[divan::bench(args = SIZES, max_time = 10)]
fn matrix_full(bencher: Bencher, resources: usize) {
    let f = fixture(resources);
    bencher.bench(|| Matrix::build(&f.estate, &f.topo));
}

/// Every finding rule, given the matrix.
#[divan::bench(args = SIZES, max_time = 10)]
fn findings_all(bencher: Bencher, resources: usize) {
    let f = fixture(resources);
    let matrix = Matrix::build(&f.estate, &f.topo);
    bencher.bench(|| findings::analyze(&f.estate, &f.topo, &matrix));
}
