//! Worst shapes a snapshot or overlay can describe (`docs/performance.md`): the whole
//! analysis (topology, matrix, findings) of deep declared chains, cycles, dense layers
//! and wide fan-out. Allocations are counted too (divan's AllocProfiler).
//!
//!     cargo bench -p blastmap-bench --bench hostile

use blastmap_core::analysis::Analysis;
use blastmap_core::model::Estate;
use blastmap_core::synth::shapes::{fan, layered, lb_chain};
use divan::{AllocProfiler, Bencher};

#[global_allocator]
static ALLOC: AllocProfiler = AllocProfiler::system();

fn main() {
    divan::main();
}

fn analyse(bencher: Bencher, estate: Estate) {
    bencher.bench(|| Analysis::new(estate.clone()).with_findings());
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn declared_chain(bencher: Bencher, n: usize) {
    analyse(bencher, lb_chain(n, 1, false));
}

#[divan::bench(args = [1_000, 10_000], sample_count = 10)]
fn declared_cycle(bencher: Bencher, n: usize) {
    analyse(bencher, lb_chain(n, 1, true));
}

/// Two target groups per link: 2^n reasons before the fix.
#[divan::bench(args = [20, 40], sample_count = 10)]
fn chain_of_two_target_groups_each(bencher: Bencher, n: usize) {
    analyse(bencher, lb_chain(n, 2, false));
}

/// 25 layers of 40 load balancers, each depending on 10 of the next.
#[divan::bench(sample_count = 10)]
fn dense_layers(bencher: Bencher) {
    analyse(bencher, layered(25, 40, 10));
}

/// One load balancer with 2,000 target groups that 2,000 others depend on.
#[divan::bench(sample_count = 10)]
fn fan_out(bencher: Bencher) {
    analyse(bencher, fan(2_000));
}
