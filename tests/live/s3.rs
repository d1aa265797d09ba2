//! Snapshots kept in moto's S3: `scan --out s3://…` writes a time-stamped,
//! encrypted, private object and a `latest` pointer; `--snapshot s3://…` reads
//! the newest, `--at` an older one, `diff` compares two; a denied bucket, a
//! missing one and objects that are not snapshots are one clear sentence each;
//! the snapshot policy lists exactly the S3 operations sent.

use std::collections::BTreeSet;
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use serde_json::Value;

use crate::harness::{Sandbox, fixture_flags, moto};
use crate::proxy::{Fault, Proxy};

/// A bucket of its own in moto, and a client the test checks it with.
struct Bucket {
    name: String,
    client: aws_sdk_s3::Client,
    runtime: tokio::runtime::Runtime,
}

impl Bucket {
    fn new() -> Bucket {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "blastmap-test-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .endpoint_url(&moto().url)
            .force_path_style(true)
            .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
            .build();
        let client = aws_sdk_s3::Client::from_conf(config);
        runtime
            .block_on(client.create_bucket().bucket(&name).send())
            .expect("create the bucket");
        Bucket {
            name,
            client,
            runtime,
        }
    }

    fn url(&self, prefix: &str) -> String {
        format!("s3://{}/{prefix}", self.name)
    }

    /// Every key under `prefix`, in S3's order.
    fn keys(&self, prefix: &str) -> Vec<String> {
        let out = self
            .runtime
            .block_on(
                self.client
                    .list_objects_v2()
                    .bucket(&self.name)
                    .prefix(prefix)
                    .send(),
            )
            .expect("list the bucket");
        out.contents()
            .iter()
            .filter_map(|o| o.key().map(str::to_string))
            .collect()
    }

    fn put(&self, key: &str, body: &[u8]) {
        self.runtime
            .block_on(
                self.client
                    .put_object()
                    .bucket(&self.name)
                    .key(key)
                    .body(ByteStream::from(body.to_vec()))
                    .send(),
            )
            .expect("put an object");
    }

    fn get(&self, key: &str) -> Vec<u8> {
        let out = self
            .runtime
            .block_on(self.client.get_object().bucket(&self.name).key(key).send())
            .expect("get an object");
        assert_eq!(
            out.server_side_encryption(),
            Some(&ServerSideEncryption::Aes256),
            "{key} is not encrypted with SSE-S3"
        );
        self.runtime
            .block_on(out.body.collect())
            .expect("read the body")
            .to_vec()
    }

    /// The grantee URIs of an object's ACL (set for public or all-AWS-users grants).
    fn public_grants(&self, key: &str) -> Vec<String> {
        let acl = self
            .runtime
            .block_on(
                self.client
                    .get_object_acl()
                    .bucket(&self.name)
                    .key(key)
                    .send(),
            )
            .expect("read the object's ACL");
        acl.grants()
            .iter()
            .filter_map(|g| g.grantee()?.uri().map(str::to_string))
            .collect()
    }
}

fn run(sandbox: &Sandbox, endpoint: &str, args: &[&str]) -> Output {
    sandbox.run(endpoint, args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// The domains of the matrix of the snapshot these arguments name.
fn domains(sandbox: &Sandbox, snapshot_args: &[&str]) -> Vec<String> {
    let mut args = vec!["matrix", "--format", "json"];
    args.extend_from_slice(snapshot_args);
    let m = json(&run(sandbox, &moto().url, &args));
    m["domains"]
        .as_array()
        .expect("domains")
        .iter()
        .map(|d| d.as_str().expect("a name").to_string())
        .collect()
}

/// What `blastmap` says on stderr when it fails with exit 2.
fn refusal(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(2), "{}", stderr(out));
    let err = stderr(out);
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn snapshots_in_s3_are_written_listed_read_at_a_time_and_diffed() {
    let bucket = Bucket::new();
    let sandbox = Sandbox::new();
    let url = bucket.url("team/");
    // First only us-east-1 of the first account; then the whole fixture.
    let first = run(
        &sandbox,
        &moto().url,
        &["scan", "--region", "us-east-1", "--out", &url],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    // `--at` works to the second: the two must not share one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let mut args: Vec<String> = vec!["scan".into(), "--quiet".into()];
    args.extend(fixture_flags());
    args.extend(["--out".into(), url.clone()]);
    let second = sandbox.run(&moto().url, &args);
    assert!(second.status.success(), "{}", stderr(&second));

    let keys = bucket.keys("team/");
    let snapshots: Vec<&String> = keys
        .iter()
        .filter(|k| k.starts_with("team/snapshots/") && k.ends_with("Z.json"))
        .collect();
    assert_eq!(snapshots.len(), 2, "{keys:?}");
    assert_eq!(keys.len(), 3, "two snapshots and the pointer: {keys:?}");
    assert!(keys.contains(&"team/latest".to_string()), "{keys:?}");
    let (old_key, new_key) = (snapshots[0].clone(), snapshots[1].clone());
    assert!(
        stderr(&first).contains(&format!("wrote s3://{}/{old_key}", bucket.name)),
        "{}",
        stderr(&first)
    );
    // Encrypted (checked by `get`), never public, and each object a whole snapshot.
    for key in [&old_key, &new_key, &"team/latest".to_string()] {
        assert!(
            bucket.public_grants(key).is_empty(),
            "{key} has a public grant"
        );
    }
    let stored: Value = serde_json::from_slice(&bucket.get(&new_key)).expect("JSON");
    assert_eq!(stored["schema"], "blastmap.snapshot");
    let pointer: Value = serde_json::from_slice(&bucket.get("team/latest")).expect("JSON");
    assert_eq!(pointer["key"], new_key.as_str());

    // The prefix reads the newest: both Regions.
    let newest = domains(&sandbox, &["--snapshot", &url]);
    assert!(newest.contains(&"eu-west-1".to_string()), "{newest:?}");
    // --at the first one's time (from its key) reads the first: us-east-1 only.
    let stamp = &old_key["team/snapshots/".len()..old_key.len() - ".json".len()];
    let at = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &stamp[0..4],
        &stamp[4..6],
        &stamp[6..8],
        &stamp[9..11],
        &stamp[11..13],
        &stamp[13..15]
    );
    let older = domains(&sandbox, &["--snapshot", &url, "--at", &at]);
    assert!(!older.contains(&"eu-west-1".to_string()), "{older:?}");
    assert!(older.contains(&"us-east-1".to_string()), "{older:?}");
    // The same snapshot by its own URL.
    let by_key = domains(&sandbox, &["--snapshot", &bucket.url(&old_key)]);
    assert_eq!(by_key, older);
    // Nothing was taken before 2001.
    let none = moto_refusal(&sandbox, &url, &["--at", "2001-01-01T00:00Z"]);
    assert!(
        none.contains("was taken at or before 2001-01-01T00:00:00Z"),
        "{none}"
    );

    // diff: the older against the newest, both from S3.
    let d = json(&run(
        &sandbox,
        &moto().url,
        &["diff", &url, &url, "--old-at", &at, "--format", "json"],
    ));
    assert_eq!(d["old"]["file"], bucket.url(&old_key).as_str());
    assert_eq!(d["new"]["file"], bucket.url(&new_key).as_str());
    let added = d["resources"]["added"].as_array().expect("added");
    assert!(
        added.iter().any(|r| r["region"] == "eu-west-1"),
        "the second scan added eu-west-1: {d}"
    );
}

/// Runs `matrix --snapshot url EXTRA` against moto and returns its refusal.
fn moto_refusal(sandbox: &Sandbox, url: &str, extra: &[&str]) -> String {
    let mut args = vec!["matrix", "--snapshot", url];
    args.extend_from_slice(extra);
    refusal(&run(sandbox, &moto().url, &args))
}

#[test]
fn objects_that_are_not_snapshots_are_refused_like_bad_files() {
    let bucket = Bucket::new();
    let sandbox = Sandbox::new();
    bucket.put("odd/notes.json", b"[1, 2, 3]");
    let err = moto_refusal(&sandbox, &bucket.url("odd/notes.json"), &[]);
    assert!(
        err.contains(&format!(
            "{} is not a blastmap snapshot: it is a JSON array",
            bucket.url("odd/notes.json")
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A listed "snapshot" that is not one, reached through the newest of a prefix.
    bucket.put("junk/snapshots/20260101T000000.000Z.json", b"not json");
    let err = moto_refusal(&sandbox, &bucket.url("junk/"), &[]);
    assert!(err.contains("is not a blastmap snapshot"), "{err}");
    assert!(
        err.contains("junk/snapshots/20260101T000000.000Z.json"),
        "{err}"
    );
    // A pointer that is not one, and a pointer out of its prefix.
    bucket.put("bad/latest", b"{\"hello\": 1}");
    let err = moto_refusal(&sandbox, &bucket.url("bad/"), &[]);
    assert!(err.contains("is not a blastmap snapshot pointer"), "{err}");
    bucket.put(
        "elsewhere/latest",
        br#"{"schema":"blastmap.snapshot-pointer","version":1,"key":"odd/notes.json","captured_at":"2026-01-01T00:00:00Z"}"#,
    );
    let err = moto_refusal(&sandbox, &bucket.url("elsewhere/"), &[]);
    assert!(err.contains("which is not a snapshot under"), "{err}");
    // An empty prefix says how to fill it.
    let err = moto_refusal(&sandbox, &bucket.url("empty/"), &[]);
    assert!(err.contains("no blastmap snapshot under"), "{err}");
    assert!(err.contains("blastmap scan --out"), "{err}");
}

#[test]
fn a_denied_or_missing_bucket_is_one_clear_sentence() {
    let bucket = Bucket::new();
    let sandbox = Sandbox::new();
    let url = bucket.url("team/");
    let denied = Proxy::faulting(&moto().url, "GetObject", Fault::AccessDenied);
    let err = refusal(&run(
        &sandbox,
        &denied.url,
        &["findings", "--snapshot", &url],
    ));
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("access denied to"), "{err}");
    assert!(err.contains("s3:GetObject"), "{err}");
    assert!(err.contains("assets/iam-policy-snapshots.json"), "{err}");

    // Writing: the scan is read, the write is refused, the sentence names PutObject.
    let denied = Proxy::faulting(&moto().url, "PutObject", Fault::AccessDenied);
    let out = run(
        &sandbox,
        &denied.url,
        &["scan", "--quiet", "--region", "us-east-1", "--out", &url],
    );
    let err = refusal(&out);
    assert!(err.contains("access denied to"), "{err}");
    assert!(err.contains("s3:PutObject"), "{err}");
    assert!(bucket.keys("team/").is_empty());

    let err = moto_refusal(&sandbox, "s3://blastmap-no-such-bucket-here/x/", &[]);
    assert!(
        err.contains("bucket blastmap-no-such-bucket-here does not exist"),
        "{err}"
    );
    let err = refusal(&run(
        &sandbox,
        "http://127.0.0.1:9",
        &["matrix", "--snapshot", "s3://Not_A_Bucket/x/"],
    ));
    assert!(err.contains("is not an S3 snapshot location"), "{err}");
}

#[test]
fn the_snapshot_policy_lists_exactly_the_s3_operations_sent() {
    let bucket = Bucket::new();
    let sandbox = Sandbox::new();
    let url = bucket.url("team/");
    let proxy = Proxy::start(&moto().url);
    let out = run(
        &sandbox,
        &proxy.url,
        &["scan", "--quiet", "--region", "us-east-1", "--out", &url],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let read = run(
        &sandbox,
        &proxy.url,
        &["matrix", "--snapshot", &url, "--at", "2100-01-01T00:00Z"],
    );
    assert!(read.status.success(), "{}", stderr(&read));
    let read = run(&sandbox, &proxy.url, &["matrix", "--snapshot", &url]);
    assert!(read.status.success(), "{}", stderr(&read));
    let sent: BTreeSet<String> = proxy
        .distinct_operations()
        .into_iter()
        .filter(|op| op.starts_with("s3:"))
        .collect();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/iam-policy-snapshots.json"
    );
    let policy: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the policy")).expect("JSON");
    let mut actions = BTreeSet::new();
    for statement in policy["Statement"].as_array().expect("statements") {
        assert_eq!(statement["Effect"], "Allow");
        for a in statement["Action"].as_array().expect("actions") {
            actions.insert(a.as_str().expect("an action").to_string());
        }
    }
    assert_eq!(sent, actions);
}
