//! Time and memory budgets for the worst shapes a snapshot or overlay can describe:
//! deep declared chains, cycles, dense layers, wide fan-out, many Regions. Each is
//! analysed whole (topology, the matrix of every single loss, findings, one what-if)
//! and must stay within generous bounds (a debug build on a shared 2-core machine):
//! what a quadratic or exponential step would blow through by orders of magnitude.
//! The benchmarks in crates/blastmap-bench measure the same shapes in release.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use blastmap_core::analysis::Analysis;
use blastmap_core::model::Estate;
use blastmap_core::sim::{LostDomains, backup_inventory, service_summaries, what_if};
use blastmap_core::synth::shapes::{fan, layered, lb_chain, services_on_a_chain};
use blastmap_core::synth::{SynthConfig, generate};

/// Counts live heap bytes and their peak.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One budget at a time: the peak is process-wide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Analyses the estate built by `shape`; returns the time taken and the peak heap
/// growth (beyond what was live before), the estate's own bytes included.
fn measure(shape: impl FnOnce() -> Estate) -> (Duration, usize) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let estate = shape();
    let a = Analysis::new(estate).with_findings();
    let az = a.estate.parse_domain("use1-az1").unwrap();
    let v = what_if(&a.topo, &LostDomains::new(&a.estate, &[az]));
    assert_eq!(v.paths.len(), a.topo.paths().len());
    // A Region loss: every service's entry point, data recovery and DR tier.
    let region = a.estate.parse_domain("us-east-1").unwrap();
    let v = what_if(&a.topo, &LostDomains::new(&a.estate, &[region]));
    assert_eq!(
        service_summaries(&a.estate, &a.topo, &v).len(),
        a.topo.services().len()
    );
    backup_inventory(&a.estate, &a.topo);
    let took = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    drop(a);
    (took, peak)
}

fn within(what: &str, (took, peak): (Duration, usize), time: Duration, megabytes: usize) {
    eprintln!("{what}: {took:?}, peak {} MB", peak / 1_000_000);
    assert!(took < time, "{what} took {took:?}; budget {time:?}");
    assert!(
        peak < megabytes * 1_000_000,
        "{what} peaked at {} MB; budget {megabytes} MB",
        peak / 1_000_000
    );
}

#[test]
fn a_ten_thousand_long_declared_chain() {
    within(
        "chain of 10,000",
        measure(|| lb_chain(10_000, 1, false)),
        Duration::from_secs(30),
        600,
    );
}

#[test]
fn a_ten_thousand_long_cycle() {
    within(
        "cycle of 10,000",
        measure(|| lb_chain(10_000, 1, true)),
        Duration::from_secs(30),
        600,
    );
}

#[test]
fn a_chain_with_two_target_groups_per_link() {
    // Doubled in time and memory per link before: 20 links ran out of memory.
    within(
        "chain of 40 × 2 target groups",
        measure(|| lb_chain(40, 2, false)),
        Duration::from_secs(5),
        100,
    );
}

#[test]
fn a_dense_layered_graph() {
    // 25 layers of 40, each depending on 10 of the next: 9,600 declared edges.
    within(
        "25 × 40 layers, fan-out 10",
        measure(|| layered(25, 40, 10)),
        Duration::from_secs(30),
        600,
    );
}

#[test]
fn wide_fan_out_both_ways() {
    within(
        "hub of 2,000",
        measure(|| fan(2_000)),
        Duration::from_secs(30),
        600,
    );
}

#[test]
fn many_regions() {
    within(
        "10,000 resources over 17 Regions",
        measure(|| {
            generate(&SynthConfig {
                resources: 10_000,
                regions: 17,
                ..Default::default()
            })
        }),
        Duration::from_secs(30),
        600,
    );
}

#[test]
fn ten_thousand_services_on_a_chain_each_with_its_data() {
    // Service i reaches the tables of every service after it: 50 million pairs.
    within(
        "10,000 services on a chain",
        measure(|| services_on_a_chain(10_000)),
        Duration::from_secs(30),
        600,
    );
}
