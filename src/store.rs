//! Where a snapshot lives: a local file, or S3 (`s3://bucket/prefix/`, see
//! `docs/scheduled-scans.md`). Every command that reads a snapshot, and `scan
//! --out`, go through here.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result, bail};
use time::OffsetDateTime;

use crate::discover::snapshots::{self, Encryption, Listed, S3Location};
use crate::discover::sts::{self, CallPolicy};
use crate::model::Estate;
use crate::snapshot;

/// S3 calls move whole snapshots: minutes, not the seconds a Describe call gets.
const S3_POLICY: CallPolicy = CallPolicy {
    call_timeout: Duration::from_secs(300),
    max_attempts: 3,
};

/// Whether `path` names an S3 location rather than a file.
pub fn is_s3(path: &Path) -> bool {
    path.to_str().is_some_and(S3Location::is_s3)
}

/// The S3 location `path` names (it starts with `s3://`).
fn location(path: &Path) -> Result<S3Location> {
    let text = path
        .to_str()
        .context("an s3:// location must be UTF-8 text")?;
    Ok(S3Location::parse(text)?)
}

/// A snapshot read, and what to call it in messages.
pub struct Read {
    pub estate: Estate,
    /// The file, or the S3 object read (`s3://bucket/prefix/snapshots/TIME.json`).
    pub origin: String,
}

/// Reads the snapshot `path` names: a file, an S3 object, or the newest snapshot
/// under an S3 prefix (with `at`, the last one taken at or before it).
pub fn load(path: &Path, at: Option<&str>) -> Result<Read> {
    if !is_s3(path) {
        if at.is_some() {
            bail!(
                "--at picks among the snapshots under an s3:// prefix, and {} is a file",
                path.display()
            );
        }
        return Ok(Read {
            estate: snapshot::load(path)?,
            origin: path.display().to_string(),
        });
    }
    let at = at.map(parse_at).transpose()?;
    let location = location(path)?;
    let fetched = block_on(async {
        let config = sts::load_config(None, S3_POLICY).await;
        snapshots::get(&config, "default", &location, at).await
    })??;
    let estate = snapshot::from_slice(&fetched.bytes, &fetched.url)?;
    Ok(Read {
        estate,
        origin: fetched.url,
    })
}

/// `--at` as a time.
pub fn parse_at(text: &str) -> Result<OffsetDateTime> {
    snapshots::parse_time(text).map_err(|e| anyhow::anyhow!("--at {e}"))
}

/// Writes the estate to `path`: a file (atomically, mode 0600), or a new time-stamped
/// object under an S3 prefix, encrypted with `kms_key` (SSE-KMS) or else SSE-S3, as
/// `profile` (else the default credentials). Returns where it went.
pub fn write(
    path: &Path,
    estate: &Estate,
    kms_key: Option<&str>,
    profile: Option<&str>,
) -> Result<String> {
    if !is_s3(path) {
        if kms_key.is_some() {
            bail!("--kms-key is for --out s3://…: a local snapshot is a file of mode 0600");
        }
        snapshot::write_estate(path, estate)?;
        return Ok(path.display().to_string());
    }
    let location = location(path)?;
    let taken = estate
        .meta
        .captured_at
        .as_deref()
        .and_then(|t| snapshots::parse_time(t).ok())
        .unwrap_or_else(OffsetDateTime::now_utc);
    let encryption = match kms_key {
        Some(key) => Encryption::Kms(key.to_string()),
        None => Encryption::S3Managed,
    };
    let body = snapshot::to_string(estate).into_bytes();
    let written = block_on(async {
        let config = sts::load_config(profile, S3_POLICY).await;
        snapshots::put(
            &config,
            profile.unwrap_or("default"),
            &location,
            body,
            taken,
            &encryption,
        )
        .await
    })??;
    Ok(written.url)
}

/// The snapshots under an S3 prefix, oldest first.
pub fn list(path: &Path) -> Result<Vec<Listed>> {
    let location = location(path)?;
    Ok(block_on(async {
        let config = sts::load_config(None, S3_POLICY).await;
        snapshots::list(&config, "default", &location).await
    })??)
}

/// Runs `future` to its end: on the runtime of the calling thread when it has one
/// (the TUI's blocking tasks), else on a runtime of its own.
fn block_on<F: Future>(future: F) -> Result<F::Output> {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => Ok(handle.block_on(future)),
        Err(_) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            Ok(runtime.block_on(future))
        }
    }
}
