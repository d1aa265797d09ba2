//! The order of a file is not part of the estate: the same estate with its resources,
//! accounts, coverage entries and object keys in another order gives the same
//! findings in the same order, the same what-if for every single loss, and a diff
//! that finds nothing. (Lists inside a resource's facts, such as a target group's
//! targets, are kept in their order here: the engine still meets them in it.)

use blastmap_core::compare;
use blastmap_core::findings;
use blastmap_core::model::Estate;
use blastmap_core::sim::{LostDomains, Matrix, Topology, what_if};
use blastmap_core::snapshot;
use blastmap_core::synth::{SynthConfig, generate};
use serde_json::Value;

/// xorshift64*: a few shuffles, the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// JSON with every object's keys in reverse order (serde_json sorts them).
fn keys_reversed(v: &Value) -> String {
    match v {
        Value::Object(map) => {
            let fields: Vec<String> = (map.iter().rev())
                .map(|(k, v)| format!("{}: {}", Value::from(k.as_str()), keys_reversed(v)))
                .collect();
            format!("{{{}}}", fields.join(", "))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(keys_reversed).collect();
            format!("[{}]", items.join(",\n"))
        }
        other => other.to_string(),
    }
}

/// The snapshot of `estate` with its lists and keys in another order.
fn reordered(estate: &Estate, seed: u64) -> String {
    let mut doc: Value = serde_json::from_str(&snapshot::to_string(estate)).unwrap();
    let mut rng = Rng(seed | 1);
    for list in ["accounts", "coverage", "resources"] {
        if let Some(items) = doc[list].as_array_mut() {
            rng.shuffle(items);
        }
    }
    keys_reversed(&doc)
}

/// What an estate answers, as text: findings in order, then every single loss.
fn answers(estate: &Estate) -> Vec<String> {
    let topo = Topology::build(estate);
    let matrix = Matrix::build(estate, &topo);
    let mut out: Vec<String> = findings::analyze(estate, &topo, &matrix)
        .iter()
        .map(|f| {
            let ids: Vec<&str> = (f.resources.iter())
                .map(|r| estate.resource(*r).id.as_str())
                .collect();
            format!("{} {:?} {} {ids:?}", f.code, f.severity, f.message)
        })
        .collect();
    for d in estate.domains() {
        let v = what_if(&topo, &LostDomains::new(estate, &[d]));
        let mut paths: Vec<String> = (v.paths.iter())
            .map(|p| {
                // The engine lists reasons of equal weight in the order it met them (the
                // file's); reports sort them (`report::reason_lines`): compared as sets.
                let mut reasons: Vec<String> =
                    p.reasons.iter().map(|r| r.describe(estate)).collect();
                reasons.sort();
                format!(
                    "{} {:?} {:?} {reasons:?}",
                    topo.paths()[p.path].id,
                    p.status,
                    p.capacity
                )
            })
            .collect();
        paths.sort();
        out.push(format!("lose {}: {paths:#?}", estate.domain_name(d)));
    }
    out
}

fn same_answers_in_any_order(estate: &Estate, shuffles: u64) {
    let text = snapshot::to_string(estate);
    let original = snapshot::from_slice(text.as_bytes(), "original").unwrap();
    let want = answers(&original);
    for seed in 1..=shuffles {
        let other = reordered(&original, seed);
        let again = snapshot::from_slice(other.as_bytes(), "reordered").unwrap();
        let got = answers(&again);
        assert_eq!(want.len(), got.len(), "seed {seed}");
        for (w, g) in want.iter().zip(&got) {
            if w != g {
                // The first line that differs, not the whole verdict.
                let (wl, gl) = (w.lines(), g.lines());
                let (a, b) = wl.zip(gl).find(|(a, b)| a != b).unwrap_or_default();
                panic!(
                    "seed {seed}: in {}\n  was {a}\n  now {b}",
                    &w[..w.len().min(40)]
                );
            }
        }
        let d = compare::diff(&original, &again);
        assert!(d.is_empty(), "seed {seed}: {d:#?}");
    }
}

#[test]
fn the_demo_answers_the_same_whatever_the_order_of_its_file() {
    same_answers_in_any_order(&crate::embedded::estate().unwrap(), 4);
}

#[test]
fn a_generated_estate_answers_the_same_whatever_the_order_of_its_file() {
    let estate = generate(&SynthConfig {
        resources: 3_000,
        seed: 7,
        ..Default::default()
    });
    same_answers_in_any_order(&estate, 2);
}
