//! Property tests on generated hostile input, on stable Rust: the snapshot reader and
//! the overlay parser are fed mutations of real files (the demo, a generated estate,
//! an overlay): flipped bytes, truncations, repeated keys and lines, deep nesting, huge
//! numbers, control characters, invalid UTF-8, references swapped for other ids…; and
//! the demo mutated as JSON values (another type, a field removed, a resource
//! repeated, dropped or moved), which stays JSON and reaches the model and engine.
//! For each input:
//!
//! - nothing panics (an abort, such as a stack overflow, ends the run: the case being
//!   run is written first to `fuzz-current` in the target's temporary directory);
//! - memory stays bounded: the peak heap growth is at most 64 times the input plus
//!   32 MB;
//! - the parallel reader and the one-pass reader agree (the same estate, or the same
//!   error), and so do reading from bytes and reading the file;
//! - an estate that loads also goes through the engine (topology, the matrix of every
//!   single loss, findings) and through writing and reading again unchanged.
//!
//! Deterministic: `BLASTMAP_FUZZ_SEED` (default 1) and `BLASTMAP_FUZZ_ITERATIONS`
//! (default 500 per input) choose the cases; `BLASTMAP_FUZZ_START` replays from an
//! iteration (as `fuzz-current` names it). A long run:
//!
//!     BLASTMAP_FUZZ_ITERATIONS=200000 BLASTMAP_FUZZ_SEED=7 \
//!       nice cargo test --release -p blastmap-core --test fuzz -- --nocapture

use std::alloc::{GlobalAlloc, Layout, System};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use blastmap_core::analysis::Analysis;
use blastmap_core::model::Estate;
use blastmap_core::overlay;
use blastmap_core::snapshot::{self, SnapshotError};
use blastmap_core::synth::{SynthConfig, generate};
use serde_json::Value;

const DEMO_JSON: &str = include_str!("../../../assets/demo-estate.json");

const OVERLAY: &str = r#"# A declared world.
hard_egress = ["checkout-web", "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/checkout-web/ab0008f67afd9a07"]

[accounts]
"111111111111" = "shop-prod"
"222222222222" = "payments"

[services]
"storefront-alb" = "storefront"
"search-alb" = "search"

[[dependency]]
from = "storefront-web"
to = "orders-db"
note = "order writes"

[[dependency]]
from = "checkout-web"
to = "ledger-db"
hard = false
"#;

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

/// Cases where the parallel reader took the text and was compared with the one-pass
/// reader (the rest it leaves to it: another layout, or any error while parsing).
static PARALLEL_COMPARED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// One case at a time: the peak is process-wide.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(default)
}

/// xorshift64*: the same cases on every machine.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // splitmix64 of the seed: nearby seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() >> 16) as usize % n.max(1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// Strings quoted in `text` (`"…"`), as byte ranges including the quotes.
fn strings(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'"' {
            let start = i;
            i += 1;
            while i < text.len() && text[i] != b'"' {
                i += if text[i] == b'\\' { 2 } else { 1 };
            }
            if i < text.len() {
                out.push((start, i + 1));
            }
        }
        i += 1;
    }
    out
}

/// Byte ranges of the runs of digits in `text`.
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let start = i;
            while i < text.len() && text[i].is_ascii_digit() {
                i += 1;
            }
            out.push((start, i));
        }
        i += 1;
    }
    out
}

fn lines(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in text.iter().enumerate() {
        if *b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push((start, text.len()));
    }
    out
}

/// Things a hostile file holds, as bytes to put somewhere.
const SNIPPETS: &[&[u8]] = &[
    b"null",
    b"true",
    b"{}",
    b"[]",
    b"\"\"",
    b"-0",
    b"1e999999",
    b"-1",
    b"18446744073709551616",
    b"4294967296",
    b"65536",
    b"0.5",
    b"\"\\u0000\"",
    b"\"\\ud800\"",
    b"\"\x1b[2J\x07\r\n\"",
    b"\"\\u001b]0;x\\u0007\"",
    b"\"\xc2\x9b31m\"",
    b"\"\xe2\x80\xae\"",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\"use1-az1\"",
    b"\"us-east-1a\"",
    b"\"all\"",
    b"\"eu-west-1\"",
    b"\"111111111111\"",
    b"\"nat-404\"",
    b"\"kind\": \"vpc\", ",
    b"\"az\": null, ",
    b"\"tags\": {\"a\": \"b\", \"a\": \"c\"}, ",
    b"\"main\": true, ",
    b"\"writer\": true",
    b"\"min\": 9, \"desired\": 1, \"max\": 0",
    b", \"extra\": 1",
    b"\n",
    b"\t",
    b"\\",
    b"\"",
    b",",
    b":",
];

/// A mutation of `base`: a few edits of the kinds hostile files hold.
fn mutate(base: &[u8], rng: &mut Rng, toml: bool) -> Vec<u8> {
    let mut text = base.to_vec();
    let edits = 1 + rng.below(4);
    for _ in 0..edits {
        if text.is_empty() {
            text.extend_from_slice(rng.pick(SNIPPETS));
            continue;
        }
        let at = rng.below(text.len());
        match rng.below(16) {
            // Flip a bit, or set a byte.
            0 => text[at] ^= 1 << rng.below(8),
            1 => text[at] = rng.next() as u8,
            // Truncate.
            2 => text.truncate(at),
            // Insert a snippet.
            3 | 4 => {
                let s: &[u8] = rng.pick(SNIPPETS);
                text.splice(at..at, s.iter().copied());
            }
            // Repeat, drop or swap lines (a repeated key or resource, another order).
            5 => {
                let ls = lines(&text);
                let (a, b) = rng.pick(&ls);
                let line = text[a..b].to_vec();
                text.splice(a..a, line);
            }
            6 => {
                let ls = lines(&text);
                let (a, b) = rng.pick(&ls);
                text.drain(a..b);
            }
            7 => {
                let ls = lines(&text);
                if ls.len() > 2 {
                    let (x, y) = (rng.pick(&ls), rng.pick(&ls));
                    let (first, second) = if x.0 < y.0 { (x, y) } else { (y, x) };
                    if first.1 <= second.0 {
                        let a = text[first.0..first.1].to_vec();
                        let b = text[second.0..second.1].to_vec();
                        text.splice(second.0..second.1, a);
                        text.splice(first.0..first.1, b);
                    }
                }
            }
            // Replace a string with another from the file: ids where names were, a
            // dangling or cross-kind reference, a kind where a Region was.
            8 | 9 => {
                let ss = strings(&text);
                if ss.len() > 1 {
                    let (a, b) = rng.pick(&ss);
                    let (c, d) = rng.pick(&ss);
                    let other = text[c..d].to_vec();
                    text.splice(a..b, other);
                }
            }
            // Control characters, escapes and wide characters inside a string.
            10 => {
                let ss = strings(&text);
                if let Some((a, b)) = (!ss.is_empty()).then(|| rng.pick(&ss)) {
                    let inside = a + 1 + rng.below(b - a - 1);
                    let c: &[u8] = rng.pick(&[
                        &b"\x1b"[..],
                        b"\\u001b",
                        b"\\n",
                        b"\r",
                        b"\x07",
                        b"\\u0000",
                        "é".as_bytes(),
                        "\u{202e}".as_bytes(),
                        "\u{9b}".as_bytes(),
                        b"\\\"",
                        b"|<img src=x>*_`",
                    ]);
                    text.splice(inside..inside, c.iter().copied());
                }
            }
            // Huge, negative or fractional numbers.
            11 => {
                let ns = numbers(&text);
                if let Some((a, b)) = (!ns.is_empty()).then(|| rng.pick(&ns)) {
                    let n: Vec<u8> = match rng.below(4) {
                        0 => "9".repeat(1 + rng.below(400)).into_bytes(),
                        1 => b"0".to_vec(),
                        2 => format!("{}", rng.next()).into_bytes(),
                        _ => b"1.5e3".to_vec(),
                    };
                    text.splice(a..b, n);
                }
            }
            // Deep nesting.
            12 => {
                let deepest = if rng.chance(10) { 100_000 } else { 300 };
                let depth = 1 + rng.below(deepest);
                let (open, close): (&[u8], &[u8]) = match (toml, rng.below(2)) {
                    (false, 0) => (b"[", b"]"),
                    (false, _) => (b"{\"a\":", b"}"),
                    (true, 0) => (b"[", b"]"),
                    (true, _) => (b"{a=", b"}"),
                };
                let mut nest = open.repeat(depth);
                if rng.chance(70) {
                    nest.extend_from_slice(b"1");
                    nest.extend(close.repeat(depth));
                }
                text.splice(at..at, nest);
            }
            // A key given twice: a line's first `"key": value,` repeated in place.
            13 => {
                let ls = lines(&text);
                let (a, b) = rng.pick(&ls);
                let line = &text[a..b];
                if let Some(colon) = line.iter().position(|c| *c == b':')
                    && let Some(comma) = line[colon..].iter().position(|c| *c == b',')
                {
                    let start = line[..colon].iter().rposition(|c| *c == b'{' || *c == b' ');
                    let start = start.map_or(0, |s| s + 1);
                    let pair = line[start..colon + comma + 1].to_vec();
                    let at = a + start;
                    text.splice(at..at, pair.into_iter().chain(*b" "));
                }
            }
            // Whitespace that JSON does not allow, or a lot of it.
            14 => {
                let ws: &[u8] = rng.pick(&[&b"\x0c"[..], "\u{a0}".as_bytes(), b"\x00"]);
                text.splice(at..at, ws.iter().copied());
            }
            // A large repeated block: bounded memory must hold for big inputs too.
            _ => {
                let ls = lines(&text);
                let (a, b) = rng.pick(&ls);
                let block = text[a..b].repeat(1 + rng.below(200));
                text.splice(a..a, block);
            }
        }
    }
    text
}

/// Every string in `v`, once each: ids, names, AZs, kinds to move elsewhere.
fn string_pool(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|i| string_pool(i, out)),
        Value::Object(map) => map.values().for_each(|i| string_pool(i, out)),
        _ => {}
    }
}

/// Every place in `v` as a JSON pointer, and which of them hold a number or a flag:
/// mutations pick among them evenly, so a field deep in one resource is as likely as
/// a top-level one.
fn places(v: &Value, at: &mut String, all: &mut Vec<String>, scalars: &mut Vec<String>) {
    all.push(at.clone());
    if v.is_number() || v.is_boolean() {
        scalars.push(at.clone());
    }
    let len = at.len();
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                at.push('/');
                at.push_str(&k.replace('~', "~0").replace('/', "~1"));
                places(child, at, all, scalars);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                at.push_str(&format!("/{i}"));
                places(child, at, all, scalars);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// The places of a document, computed once.
struct Places {
    all: Vec<String>,
    scalars: Vec<String>,
}

impl Places {
    fn of(v: &Value) -> Places {
        let (mut all, mut scalars) = (Vec::new(), Vec::new());
        places(v, &mut String::new(), &mut all, &mut scalars);
        Places { all, scalars }
    }
}

/// A number or flag the rules may read: small counts most often (0 to 4), else an
/// extreme, else anything.
fn any_scalar(rng: &mut Rng, pool: &[String]) -> Value {
    match rng.below(4) {
        0 | 1 => Value::from(rng.below(5)),
        2 => Value::from(rng.pick(&[u32::MAX as i64, u32::MAX as i64 + 1, -1, 65_536])),
        _ => any_value(rng, pool),
    }
}

/// A value of any JSON type, from `pool` when a string.
fn any_value(rng: &mut Rng, pool: &[String]) -> Value {
    match rng.below(10) {
        0 => Value::Null,
        1 => Value::Bool(rng.chance(50)),
        2 => Value::from(rng.pick(&[0i64, 1, -1, 2, 3, 65_535, 65_536, i64::MAX])),
        3 => Value::from(rng.pick(&[0.5f64, 1e300, -0.0])),
        4 => Value::Array(vec![Value::from(pool[rng.below(pool.len())].as_str())]),
        5 => Value::Object(Default::default()),
        6 => Value::from(""),
        _ => Value::from(pool[rng.below(pool.len())].as_str()),
    }
}

/// The snapshot as blastmap writes it (one resource a line, resources last), so that
/// the parallel reader takes it too.
fn blastmap_layout(doc: &Value) -> String {
    let Value::Object(map) = doc else {
        return doc.to_string();
    };
    let mut out = String::from("{\n");
    for (k, v) in map.iter().filter(|(k, _)| *k != "resources") {
        out.push_str(&format!("{}: {},\n", Value::from(k.as_str()), v));
    }
    let resources: Vec<String> = match map.get("resources") {
        Some(Value::Array(items)) => items.iter().map(Value::to_string).collect(),
        Some(other) => vec![other.to_string()],
        None => Vec::new(),
    };
    out.push_str("\"resources\": [\n");
    out.push_str(&resources.join(",\n"));
    out.push_str("\n]\n}\n");
    out
}

/// A mutation that keeps the JSON valid: a value of another type or from elsewhere in
/// the file, a field removed, a resource repeated, dropped or moved, a reference
/// pointing at another resource: estates the model must refuse cleanly, or load.
fn mutate_value(base: &Value, places: &Places, pool: &[String], rng: &mut Rng) -> Vec<u8> {
    let mut doc = base.clone();
    for _ in 0..1 + rng.below(3) {
        match rng.below(8) {
            0 | 1 => {
                let at = places.all[rng.below(places.all.len())].clone();
                let value = any_value(rng, pool);
                if let Some(place) = doc.pointer_mut(&at) {
                    *place = value;
                }
            }
            2 => {
                // An object that loses one of its keys (the pointer's last step).
                let at = places.all[rng.below(places.all.len())].clone();
                if let Some((parent, key)) = at.rsplit_once('/')
                    && let Some(Value::Object(map)) = doc.pointer_mut(parent)
                {
                    map.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
            }
            3 => {
                if let Some(items) = doc.get_mut("resources").and_then(Value::as_array_mut)
                    && !items.is_empty()
                {
                    let i = rng.below(items.len());
                    let copy = items[i].clone();
                    let j = rng.below(items.len());
                    items.insert(j, copy);
                }
            }
            4 => {
                if let Some(items) = doc.get_mut("resources").and_then(Value::as_array_mut)
                    && !items.is_empty()
                {
                    let i = rng.below(items.len());
                    items.remove(i);
                }
            }
            5 => {
                if let Some(items) = doc.get_mut("resources").and_then(Value::as_array_mut)
                    && items.len() > 1
                {
                    let (i, j) = (rng.below(items.len()), rng.below(items.len()));
                    items.swap(i, j);
                }
            }
            _ => {
                // Numbers and flags the rules read: capacities, counts, days, writers.
                let at = places.scalars[rng.below(places.scalars.len())].clone();
                let value = any_scalar(rng, pool);
                if let Some(place) = doc.pointer_mut(&at) {
                    *place = value;
                }
            }
        }
    }
    blastmap_layout(&doc).into_bytes()
}

/// Two answers that must agree: the same estate, or the same error.
fn agree(what: &str, a: &Result<Estate, SnapshotError>, b: &Result<Estate, SnapshotError>) {
    match (a, b) {
        (Ok(x), Ok(y)) => same_estate(what, x, y),
        (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string(), "{what}"),
        (Ok(_), Err(e)) => panic!("{what}: only the second refused it: {e}"),
        (Err(e), Ok(_)) => panic!("{what}: only the first refused it: {e}"),
    }
}

fn same_estate(what: &str, a: &Estate, b: &Estate) {
    assert_eq!(a.resources(), b.resources(), "{what}: resources");
    assert_eq!(a.accounts(), b.accounts(), "{what}: accounts");
    assert_eq!(a.regions(), b.regions(), "{what}: regions");
    assert_eq!(a.azs(), b.azs(), "{what}: azs");
    assert_eq!(a.coverage, b.coverage, "{what}: coverage");
    assert_eq!(a.declared, b.declared, "{what}: declared");
    assert_eq!(a.meta, b.meta, "{what}: meta");
    assert_eq!(a.notes, b.notes, "{what}: notes");
    let edges = |e: &Estate| e.edges().collect::<Vec<_>>();
    assert_eq!(edges(a), edges(b), "{what}: edges");
}

/// Runs `case`, checking it neither panics nor grows the heap past the bound.
fn guarded(what: &str, input_len: usize, case: impl FnOnce()) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    if let Err(panic) = catch_unwind(AssertUnwindSafe(case)) {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        panic!("{what}: panicked: {message}");
    }
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    let bound = 64 * input_len + (32 << 20);
    assert!(
        peak <= bound,
        "{what}: the heap grew by {peak} bytes for {input_len} bytes of input (bound {bound})"
    );
}

/// Where the case being run is written first, so that an abort can be replayed.
fn note_current(what: &str) {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-current");
    let _ = std::fs::write(file, what);
}

fn snapshot_case(text: &[u8], what: &str, analyse: bool, dir: &std::path::Path, n: u64) {
    guarded(what, text.len(), || {
        let from_bytes = snapshot::from_slice(text, "fuzz.json");
        if let Ok(s) = std::str::from_utf8(text) {
            let (parallel, one_pass) = snapshot::both_readers(s, "fuzz.json");
            if let Some(parallel) = &parallel {
                PARALLEL_COMPARED.fetch_add(1, Ordering::Relaxed);
                agree(
                    &format!("{what}: parallel vs one pass"),
                    parallel,
                    &one_pass,
                );
            }
            // from_slice sniffs the start first and checks UTF-8: where it gets as far
            // as parsing, it answers as the one-pass reader does.
            if let (Ok(a), Ok(b)) = (&from_bytes, &one_pass) {
                same_estate(&format!("{what}: from_slice vs one pass"), a, b);
            }
        }
        // Now and then through a file, as `--snapshot` reads it.
        if n.is_multiple_of(16) {
            let file = dir.join("case.json");
            std::fs::write(&file, text).expect("the temporary directory takes a file");
            let from_file = snapshot::load(&file);
            let origin = file.display().to_string();
            agree(
                &format!("{what}: file vs bytes"),
                &from_file,
                &snapshot::from_slice(text, &origin),
            );
        }
        if let Ok(estate) = from_bytes {
            // Written and read again: the same estate.
            let again = snapshot::to_string(&estate);
            let back = snapshot::from_slice(again.as_bytes(), "again.json")
                .unwrap_or_else(|e| panic!("{what}: a written estate is refused: {e}"));
            same_estate(&format!("{what}: written and read again"), &estate, &back);
            if analyse {
                let a = Analysis::new(estate).with_findings();
                let _ = a.findings().len();
            }
        }
    });
}

fn overlay_case(
    text: &[u8],
    what: &str,
    names: &[(String, Option<String>)],
    dir: &std::path::Path,
    n: u64,
) {
    guarded(what, text.len(), || {
        let parsed = std::str::from_utf8(text).ok().map(overlay::parse);
        if n.is_multiple_of(16) {
            let file = dir.join("case.toml");
            std::fs::write(&file, text).expect("the temporary directory takes a file");
            let loaded = overlay::load(&file);
            if let Some(parsed) = &parsed {
                assert_eq!(
                    loaded.as_ref().ok(),
                    parsed.as_ref().ok(),
                    "{what}: the file reads as its text parses"
                );
            }
        }
        if let Some(Ok(o)) = parsed {
            let mut resolver = overlay::Names::new(
                names
                    .iter()
                    .map(|(id, name)| (id.as_str(), name.as_deref())),
            );
            let declared = o.resolve(&mut resolver);
            assert!(
                resolver.notes.len() <= blastmap_core::text::NOTES_SHOWN + 1,
                "{what}"
            );
            let _ = declared;
        }
    });
}

#[test]
fn hostile_snapshots_and_overlays_neither_panic_nor_blow_up_and_both_readers_agree() {
    let seed = env("BLASTMAP_FUZZ_SEED", 1);
    let iterations = env("BLASTMAP_FUZZ_ITERATIONS", 500);
    let start = env("BLASTMAP_FUZZ_START", 0);
    let analyse_every = env("BLASTMAP_FUZZ_ANALYSE_EVERY", 4).max(1);
    let dir = tempfile::tempdir().unwrap();
    let generated = snapshot::to_string(&generate(&SynthConfig {
        resources: 300,
        seed: 11,
        ..Default::default()
    }));
    let demo = snapshot::from_slice(DEMO_JSON.as_bytes(), "demo").unwrap();
    let names: Vec<(String, Option<String>)> = (demo.resources().iter())
        .map(|r| (r.id.clone(), Some(r.name.clone())))
        .collect();
    let bases: [(&str, &[u8], bool); 4] = [
        ("demo", DEMO_JSON.as_bytes(), false),
        ("generated", generated.as_bytes(), false),
        ("overlay", OVERLAY.as_bytes(), true),
        ("demo, as JSON values", DEMO_JSON.as_bytes(), false),
    ];
    let demo_value: Value = serde_json::from_str(DEMO_JSON).unwrap();
    let demo_places = Places::of(&demo_value);
    let mut pool = Vec::new();
    string_pool(&demo_value, &mut pool);
    pool.sort();
    pool.dedup();
    let started = std::time::Instant::now();
    let mut loaded = [0u64; 4];
    for n in start..iterations {
        for (b, (base_name, base, toml)) in bases.iter().enumerate() {
            let mut rng = Rng::new(seed.wrapping_mul(1_000_003).wrapping_add(n * 4 + b as u64));
            let text = if b == 3 {
                mutate_value(&demo_value, &demo_places, &pool, &mut rng)
            } else {
                mutate(base, &mut rng, *toml)
            };
            let what = format!("seed {seed} iteration {n} {base_name}");
            note_current(&what);
            if *toml {
                overlay_case(&text, &what, &names, dir.path(), n);
            } else {
                let analyse = n.is_multiple_of(analyse_every);
                snapshot_case(&text, &what, analyse, dir.path(), n);
                if snapshot::from_slice(&text, "x").is_ok() {
                    loaded[b] += 1;
                }
            }
        }
    }
    eprintln!(
        "fuzz: seed {seed}, iterations {start}..{iterations} over 4 inputs in {:.1?}; \
         mutated snapshots that still loaded: demo {}, generated {}, demo as values {}; \
         the parallel reader took {} and agreed",
        started.elapsed(),
        loaded[0],
        loaded[1],
        loaded[3],
        PARALLEL_COMPARED.load(Ordering::Relaxed)
    );
}
