//! Mermaid itself (mermaid-cli in headless Chromium) renders every demo export and the
//! Markdown report's diagrams, under nothing lost and every single loss: none may fail
//! to parse, and a focused view (what a loss touches, or one path) may be no wider
//! than [`FOCUSED_MAX_WIDTH`] at Mermaid's own size, so that at a page's width (about
//! 900 px on GitHub) its labels stay readable.
//!
//! `scripts/test` installs Chromium (Debian) and mermaid-cli (npm) and points this test
//! at them with `BLASTMAP_MMDC` and `BLASTMAP_PUPPETEER_CONFIG`.

use std::path::{Path, PathBuf};
use std::process::Command;

use blastmap::demo;
use blastmap::report::{self, DiagramFormat, Report, markdown};
use blastmap_core::findings;
use blastmap_core::sim::{LostDomains, Matrix, Topology, what_if};

/// Widest a focused view may be, in px at Mermaid's default font (16 px): at 900 px
/// across, its labels are then at least 10 px high.
const FOCUSED_MAX_WIDTH: f64 = 1_400.0;

/// mermaid-cli and its browser configuration, or a failure saying how to get them.
fn mmdc() -> (PathBuf, PathBuf) {
    let missing = |what: &str| -> ! {
        panic!(
            "{what}: this test renders the diagrams with Mermaid itself. Run scripts/test, \
             which installs Chromium (Debian package chromium) and mermaid-cli (npm \
             @mermaid-js/mermaid-cli) and sets BLASTMAP_MMDC and BLASTMAP_PUPPETEER_CONFIG"
        )
    };
    let var = |name: &str| {
        std::env::var_os(name)
            .map(PathBuf::from)
            .unwrap_or_else(|| missing(&format!("{name} is not set")))
    };
    let (bin, config) = (var("BLASTMAP_MMDC"), var("BLASTMAP_PUPPETEER_CONFIG"));
    for p in [&bin, &config] {
        if !p.is_file() {
            missing(&format!("{} does not exist", p.display()));
        }
    }
    (bin, config)
}

struct Rendered {
    name: String,
    text: String,
    focused: bool,
}

/// Every diagram a user of the demo can get: each export under nothing lost and every
/// single loss (focused, and --all), each path on its own under use1-az4 and
/// us-east-1, and the report's diagrams.
fn demo_diagrams() -> Vec<Rendered> {
    let estate = demo::estate().unwrap();
    let topo = Topology::build(&estate);
    let matrix = Matrix::build(&estate, &topo);
    let found = findings::analyze(&estate, &topo, &matrix);
    let r = Report {
        estate: &estate,
        topo: &topo,
    };
    let mut out: Vec<Rendered> = Vec::new();
    let mut push = |name: String, text: String, focused: bool| {
        if !out.iter().any(|o| o.text == text) {
            out.push(Rendered {
                name,
                text,
                focused,
            });
        }
    };
    let mut losses: Vec<Option<blastmap_core::model::Domain>> = vec![None];
    losses.extend(estate.domains().into_iter().map(Some));
    for lose in losses {
        let lost = LostDomains::new(&estate, &lose.into_iter().collect::<Vec<_>>());
        let name = lost.describe(&estate);
        let verdict = what_if(&topo, &lost);
        let focused = !lost.is_empty();
        for all in [false, true] {
            let text = report::diagram(&r, &verdict, None, all, DiagramFormat::Mermaid).unwrap();
            push(
                format!("export losing {name}, all: {all}"),
                text,
                focused && !all,
            );
        }
        let md = markdown::report(&r, &verdict, &found, &matrix);
        for (i, block) in md.split("```mermaid\n").skip(1).enumerate() {
            let text = block.split("```").next().unwrap().to_string();
            push(
                format!("report losing {name}, diagram {}", i + 1),
                text,
                true,
            );
        }
        if ["use1-az4", "us-east-1"].contains(&name.as_str()) {
            for (p, spec) in topo.paths().iter().enumerate() {
                let text = report::diagram(&r, &verdict, Some(&[p]), false, DiagramFormat::Mermaid)
                    .unwrap();
                push(format!("{} losing {name}", spec.id), text, true);
            }
        }
    }
    out
}

/// The width Mermaid gave a diagram (its `viewBox`).
fn width(svg: &str) -> f64 {
    let view_box = svg
        .split("viewBox=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an SVG with a viewBox");
    view_box.split_whitespace().nth(2).unwrap().parse().unwrap()
}

fn run(mmdc: &Path, config: &Path, input: &Path, output: &Path) -> Result<(), String> {
    let out = Command::new(mmdc)
        .arg("--quiet")
        .arg("-p")
        .arg(config)
        .arg("-i")
        .arg(input)
        .arg("-o")
        .arg(output)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", mmdc.display()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn mermaid_renders_every_demo_diagram_and_focused_views_fit_a_page() {
    let (mmdc, config) = mmdc();
    let diagrams = demo_diagrams();
    assert!(diagrams.len() > 30, "{} diagrams", diagrams.len());
    // The pictures stay in BLASTMAP_RENDER_OUT when it is set, to be looked at.
    let temp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("BLASTMAP_RENDER_OUT") {
        Some(d) => {
            let d = PathBuf::from(d);
            std::fs::create_dir_all(&d).unwrap();
            d
        }
        None => temp.path().to_path_buf(),
    };
    // A few browsers, one per core: mermaid-cli renders each block of a Markdown file,
    // block j of chunk c to out{c}-{j+1}.svg.
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let per = diagrams.len().div_ceil(cores.clamp(1, 4));
    let chunks: Vec<&[Rendered]> = diagrams.chunks(per).collect();
    let runs: Vec<_> = (chunks.iter().enumerate())
        .map(|(c, chunk)| {
            let mut md = String::new();
            for d in *chunk {
                md.push_str(&format!("```mermaid\n{}```\n\n", d.text));
            }
            let input = dir.join(format!("chunk-{c}.md"));
            std::fs::write(&input, &md).unwrap();
            let (mmdc, config, output) =
                (mmdc.clone(), config.clone(), dir.join(format!("out{c}.md")));
            std::thread::spawn(move || run(&mmdc, &config, &input, &output))
        })
        .collect();
    let errors: Vec<String> = (runs.into_iter())
        .filter_map(|r| r.join().unwrap().err())
        .collect();
    if !errors.is_empty() {
        // Find which: each on its own.
        let mut failed = Vec::new();
        for (i, d) in diagrams.iter().enumerate() {
            let one = dir.join(format!("one-{i}.mmd"));
            std::fs::write(&one, &d.text).unwrap();
            if let Err(e) = run(&mmdc, &config, &one, &dir.join(format!("one-{i}.svg"))) {
                failed.push(format!("{}: {e}\n{}", d.name, d.text));
            }
        }
        panic!(
            "Mermaid failed ({}); diagrams it cannot draw:\n{}",
            errors.join("; "),
            failed.join("\n\n")
        );
    }
    let mut too_wide = Vec::new();
    let mut widest: f64 = 0.0;
    for (i, d) in diagrams.iter().enumerate() {
        let svg = dir.join(format!("out{}-{}.svg", i / per, i % per + 1));
        let svg = std::fs::read_to_string(svg)
            .unwrap_or_else(|e| panic!("no picture of {}: {e}", d.name));
        assert!(
            !svg.contains("aria-roledescription=\"error\"") && !svg.contains("Syntax error"),
            "Mermaid drew an error for {}",
            d.name
        );
        let w = width(&svg);
        if d.focused {
            widest = widest.max(w);
            if w > FOCUSED_MAX_WIDTH {
                too_wide.push(format!("{}: {w:.0} px", d.name));
            }
        }
    }
    assert!(
        too_wide.is_empty(),
        "focused views wider than {FOCUSED_MAX_WIDTH} px:\n{}",
        too_wide.join("\n")
    );
    eprintln!(
        "rendered {} diagrams in {}; the widest focused view is {widest:.0} px",
        diagrams.len(),
        dir.display()
    );
}
