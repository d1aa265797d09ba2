//! Names the commit `blastmap --version` was built from (`BLASTMAP_COMMIT`): the short
//! hash, `-dirty` when the work tree had changes, or `unknown` outside a git checkout
//! (a crate tarball). No dependency: `git` when it is there.

use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn main() {
    let commit = git(&["rev-parse", "--short=12", "HEAD"]).filter(|c| !c.is_empty());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    let name = match commit {
        Some(c) if dirty => format!("{c}-dirty"),
        Some(c) => c,
        None => "unknown".to_string(),
    };
    println!("cargo:rustc-env=BLASTMAP_COMMIT={name}");
    // Again after a commit or a checkout (HEAD moves), not on every build.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        println!("cargo:rerun-if-changed={dir}/HEAD");
        if let Some(head) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={dir}/{head}");
        }
        println!("cargo:rerun-if-changed={dir}/index");
    }
    // And when the sources change, so that `-dirty` follows them.
    for path in ["build.rs", "src", "crates", "assets", "Cargo.toml"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
