//! moto, the fixture estate, and running the real binary against them with a
//! sealed environment (dummy credentials, no real AWS, no user config files).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

use serde_json::Value;
use tempfile::TempDir;

use crate::proxy::Proxy;
use crate::recorded;

/// moto's URL and the manifest of the fixture estate created in it.
pub struct Moto {
    /// moto behind a proxy that answers what moto 5.2.5 does not serve at all
    /// (`DescribeServerlessCaches`) with hand-written responses: what the tests scan.
    pub url: String,
    pub manifest: Value,
    /// Keeps the answering proxy in front of moto alive.
    _shim: Proxy,
}

/// moto with the fixture estate, created once per test run.
pub fn moto() -> &'static Moto {
    static MOTO: OnceLock<Moto> = OnceLock::new();
    MOTO.get_or_init(|| {
        let need = |var: &str| {
            std::env::var(var).unwrap_or_else(|_| {
                panic!(
                    "{var} is not set: the live-discovery tests need moto_server. Run them with \
                     scripts/test, which installs moto into .venv and starts it on 127.0.0.1"
                )
            })
        };
        let url = need("BLASTMAP_MOTO_URL");
        let python = need("BLASTMAP_MOTO_PYTHON");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/moto_estate.py");
        let out = Command::new(&python)
            .arg(&fixture)
            .arg(&url)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {python}: {e}; run scripts/test"));
        assert!(
            out.status.success(),
            "the fixture script failed against {url}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let manifest: Value =
            serde_json::from_slice(&out.stdout).expect("the fixture prints a JSON manifest");
        let shim = Proxy::answering(&url, recorded::serverless_caches(&manifest));
        Moto {
            url: shim.url.clone(),
            manifest,
            _shim: shim,
        }
    })
}

/// Manifest value at a `/`-separated path, as a string.
pub fn id(path: &str) -> String {
    let mut v = &moto().manifest;
    for key in path.split('/') {
        v = match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        };
    }
    v.as_str()
        .unwrap_or_else(|| panic!("manifest has no string at {path}: {v}"))
        .to_string()
}

/// The AZ ID the first account calls `zone_name` (e.g. `us-east-1a`).
pub fn az(zone_name: &str) -> String {
    let region = &zone_name[..zone_name.len() - 1];
    id(&format!("az_ids/{region}/{zone_name}"))
}

/// The flags that scan the whole fixture: both Regions, the second account by role.
pub fn fixture_flags() -> Vec<String> {
    vec![
        "--region".into(),
        "us-east-1".into(),
        "--region".into(),
        "eu-west-1".into(),
        "--role-arn".into(),
        id("second_role"),
    ]
}

/// A sealed place to run the binary: its own empty AWS config files and HOME.
pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        // Under target/, so that sandboxes kept by shared scans do not litter /tmp.
        let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a temporary directory");
        for f in ["config", "credentials"] {
            std::fs::write(dir.path().join(f), "").expect("write an empty AWS file");
        }
        Sandbox { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The binary with dummy credentials, talking to `endpoint` only.
    pub fn command<S: AsRef<OsStr>>(&self, endpoint: &str, args: &[S]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_blastmap"));
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("AWS_CONFIG_FILE", self.path("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.path("credentials"))
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing-secret")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ENDPOINT_URL", endpoint)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null());
        c
    }

    pub fn run<S: AsRef<OsStr>>(&self, endpoint: &str, args: &[S]) -> Output {
        self.command(endpoint, args)
            .output()
            .expect("the binary runs")
    }

    pub fn spawn<S: AsRef<OsStr>>(&self, endpoint: &str, args: &[S]) -> Child {
        self.command(endpoint, args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts")
    }
}

/// A scan of the fixture and what came of it.
pub struct Scan {
    pub sandbox: Sandbox,
    pub output: Output,
    pub snapshot: Option<Value>,
}

impl Scan {
    pub fn out(&self) -> PathBuf {
        self.sandbox.path("estate.json")
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    pub fn snapshot(&self) -> &Value {
        self.snapshot
            .as_ref()
            .unwrap_or_else(|| panic!("the scan wrote no snapshot: {}", self.stderr()))
    }

    /// The resource with this id.
    pub fn resource(&self, id: &str) -> &Value {
        self.snapshot()["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("no resource {id} in the snapshot"))
    }

    pub fn has(&self, id: &str) -> bool {
        self.snapshot()["resources"]
            .as_array()
            .expect("resources")
            .iter()
            .any(|r| r["id"] == id)
    }

    /// Runs another command of the binary on this scan's snapshot.
    pub fn blastmap(&self, args: &[&str]) -> Output {
        let mut all: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        all.extend(["--snapshot".to_string(), self.out().display().to_string()]);
        self.sandbox.run("http://127.0.0.1:9", &all)
    }
}

/// Scans the fixture through `endpoint` with extra flags, writing `estate.json`.
pub fn scan_through(endpoint: &str, extra: &[&str]) -> Scan {
    let sandbox = Sandbox::new();
    let mut args = vec!["scan".to_string()];
    args.extend(fixture_flags());
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend([
        "--out".to_string(),
        sandbox.path("estate.json").display().to_string(),
    ]);
    let output = sandbox.run(endpoint, &args);
    let snapshot = std::fs::read(sandbox.path("estate.json"))
        .ok()
        .map(|b| serde_json::from_slice(&b).expect("the snapshot is JSON"));
    Scan {
        sandbox,
        output,
        snapshot,
    }
}

/// The clean scan of the fixture (through a recording proxy), shared by the tests.
pub struct FullScan {
    pub scan: Scan,
    pub proxy: Proxy,
}

pub fn full_scan() -> &'static FullScan {
    static FULL: OnceLock<FullScan> = OnceLock::new();
    FULL.get_or_init(|| {
        let proxy = Proxy::start(&moto().url);
        let scan = scan_through(&proxy.url, &["--quiet"]);
        assert!(
            scan.output.status.success(),
            "the scan failed: {}",
            scan.stderr()
        );
        FullScan { scan, proxy }
    })
}
