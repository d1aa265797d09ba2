//! Snapshots kept in S3. `--out s3://bucket/prefix/` stores each scan as
//! `prefix/snapshots/<UTC time>.json`, server-side encrypted, then points the
//! small `prefix/latest` object at it; reading a prefix follows `latest` (or,
//! with `--at`, takes the last snapshot taken at or before a time from a listing).
//!
//! The writer's client is the only one blastmap builds whose guard lets a write
//! through, and the only write it makes is `PutObject` of those two objects. It
//! never sets an ACL: objects are as private as the bucket. Every read is bounded:
//! a snapshot object by [`MAX_SNAPSHOT_BYTES`], the pointer by a few kilobytes, a
//! listing by [`MAX_LISTED`] keys.

use std::fmt;
use std::sync::Arc;

use aws_sdk_s3::Client;
use aws_sdk_s3::config::{Region, RequestChecksumCalculation};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use aws_types::SdkConfig;
use aws_types::service_config::ServiceConfigKey;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use super::call::CallFailure;
use super::log::CallLog;
use super::readonly::{ReadOnly, Tally};

/// The largest snapshot object read (a million resources is about 360 MB).
pub const MAX_SNAPSHOT_BYTES: u64 = 1 << 30;
/// The largest `latest` pointer read.
const MAX_POINTER_BYTES: u64 = 16 << 10;
/// The most snapshot keys a listing reads.
pub const MAX_LISTED: usize = 100_000;
const POINTER_SCHEMA: &str = "blastmap.snapshot-pointer";
/// Where under the prefix the snapshots are (what a lifecycle rule expires).
pub const SNAPSHOTS_DIR: &str = "snapshots/";
/// The pointer at the newest snapshot, under the prefix.
pub const LATEST: &str = "latest";
/// The Region asked when the configuration names none (S3 answers for any bucket).
const DEFAULT_REGION: &str = "us-east-1";

/// A snapshot location in S3: a prefix, or one snapshot object (a key ending `.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Location {
    pub bucket: String,
    /// Empty, or ending with `/`.
    pub prefix: String,
    /// The snapshot object named, when the URL names one.
    pub object: Option<String>,
}

impl S3Location {
    /// Whether `text` is meant as an S3 location.
    pub fn is_s3(text: &str) -> bool {
        text.starts_with("s3://")
    }

    /// `s3://bucket/prefix/` (a prefix, the slash optional) or `s3://bucket/key.json`.
    pub fn parse(url: &str) -> Result<S3Location, StoreError> {
        let bad = |why: &str| StoreError::BadUrl {
            url: url.to_string(),
            why: why.to_string(),
        };
        let rest = url
            .strip_prefix("s3://")
            .ok_or_else(|| bad("it does not start with s3://"))?;
        let (bucket, path) = rest.split_once('/').unwrap_or((rest, ""));
        let bucket_ok = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
            && bucket.starts_with(|c: char| c.is_ascii_alphanumeric())
            && bucket.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !bucket_ok {
            return Err(bad(
                "the bucket name must be 3 to 63 lower-case letters, digits, dots or hyphens",
            ));
        }
        if path.len() > 900 || path.chars().any(char::is_control) || path.starts_with('/') {
            return Err(bad(
                "the prefix must be at most 900 characters, without control characters or a \
                 leading slash",
            ));
        }
        if path.ends_with(".json") {
            // `p/snapshots/T.json` belongs to prefix `p/`.
            let dir = path.rfind('/').map_or("", |i| &path[..=i]);
            let prefix = dir.strip_suffix(SNAPSHOTS_DIR).unwrap_or(dir).to_string();
            return Ok(S3Location {
                bucket: bucket.to_string(),
                prefix,
                object: Some(path.to_string()),
            });
        }
        let prefix = if path.is_empty() || path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        Ok(S3Location {
            bucket: bucket.to_string(),
            prefix,
            object: None,
        })
    }

    /// The URL of an object of this bucket.
    pub fn url_of(&self, key: &str) -> String {
        format!("s3://{}/{key}", self.bucket)
    }
}

impl fmt::Display for S3Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.object {
            Some(key) => write!(f, "s3://{}/{key}", self.bucket),
            None => write!(f, "s3://{}/{}", self.bucket, self.prefix),
        }
    }
}

/// How a stored snapshot is encrypted at rest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Encryption {
    /// SSE-S3 (AES-256, keys managed by S3).
    S3Managed,
    /// SSE-KMS with this key (id, ARN or alias).
    Kms(String),
}

/// What went wrong with a snapshot in S3, in one sentence that says what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("{url} is not an S3 snapshot location: {why} (expected s3://BUCKET/PREFIX/)")]
    BadUrl { url: String, why: String },

    #[error(
        "access denied to {url} ({code}): the credentials blastmap runs with need {needs} \
         there (assets/iam-policy-snapshots.json)"
    )]
    Denied {
        url: String,
        code: String,
        needs: &'static str,
    },

    #[error("bucket {bucket} does not exist: check the bucket name in {url}")]
    NoBucket { bucket: String, url: String },

    #[error(
        "bucket {bucket} is in Region {region}, and blastmap asked {asked}: set \
         AWS_REGION={region} (or the profile's region) and run again"
    )]
    WrongRegion {
        bucket: String,
        region: String,
        asked: String,
    },

    #[error("{url} does not exist")]
    NoObject { url: String },

    #[error("no blastmap snapshot under {url}: `blastmap scan --out {url}` writes one")]
    Empty { url: String },

    #[error("no snapshot under {url} was taken at or before {at}: the first one is from {first}")]
    NoneBefore {
        url: String,
        at: String,
        first: String,
    },

    #[error(
        "{url} is {size} bytes, more than the {max} bytes a snapshot may be: it is not a \
         blastmap snapshot",
        max = MAX_SNAPSHOT_BYTES
    )]
    TooLarge { url: String, size: u64 },

    #[error(
        "{url} is not a blastmap snapshot pointer ({why}); `blastmap scan --out s3://…` \
         writes it, or name a snapshot object (…/snapshots/TIME.json) instead"
    )]
    BadPointer { url: String, why: String },

    #[error(
        "more than {MAX_LISTED} snapshots under {url}: expire old ones with an S3 lifecycle \
         rule (docs/scheduled-scans.md) or use a narrower prefix"
    )]
    TooMany { url: String },

    #[error(
        "--out takes an S3 prefix (s3://BUCKET/PREFIX/), not an object ({url}): blastmap \
         names each snapshot by the time it was taken"
    )]
    OutIsObject { url: String },

    #[error("--at picks among the snapshots under a prefix: {url} names one object")]
    AtWithObject { url: String },

    #[error("cannot {action} {url}: {message}")]
    Failed {
        action: &'static str,
        url: String,
        message: String,
    },
}

/// What a request needed, for the message a denial gets.
#[derive(Debug, Clone, Copy)]
enum Need {
    Get,
    List,
    Put,
}

impl Need {
    fn permission(self) -> &'static str {
        match self {
            Need::Get => "s3:GetObject (and kms:Decrypt for SSE-KMS objects)",
            Need::List => "s3:ListBucket",
            Need::Put => "s3:PutObject (and kms:GenerateDataKey for SSE-KMS)",
        }
    }

    fn action(self) -> &'static str {
        match self {
            Need::Get => "read",
            Need::List => "list",
            Need::Put => "write",
        }
    }
}

/// Turns an SDK error into the sentence for `url`.
fn classify<E>(
    err: &SdkError<E, HttpResponse>,
    url: &str,
    need: Need,
    client: &Client,
) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let failure = CallFailure::from_sdk("S3", err);
    let bucket_region = err
        .raw_response()
        .and_then(|r| r.headers().get("x-amz-bucket-region"))
        .map(str::to_string);
    let asked = client
        .config()
        .region()
        .map_or_else(|| DEFAULT_REGION.to_string(), |r| r.to_string());
    let bucket = url
        .trim_start_matches("s3://")
        .split('/')
        .next()
        .unwrap_or_default()
        .to_string();
    let status = err.raw_response().map(|r| r.status().as_u16());
    match failure.code.as_deref() {
        Some("NoSuchBucket") => StoreError::NoBucket {
            bucket,
            url: url.to_string(),
        },
        Some("NoSuchKey") => StoreError::NoObject {
            url: url.to_string(),
        },
        Some(
            "PermanentRedirect"
            | "AuthorizationHeaderMalformed"
            | "IllegalLocationConstraintException",
        ) if bucket_region.as_deref().is_some_and(|r| r != asked) => StoreError::WrongRegion {
            bucket,
            region: bucket_region.unwrap_or_default(),
            asked,
        },
        Some(code)
            if code == "AccessDenied"
                || code == "AllAccessDisabled"
                || code.starts_with("KMS.")
                || code == "InvalidAccessKeyId"
                || code == "SignatureDoesNotMatch"
                || code == "ExpiredToken" =>
        {
            StoreError::Denied {
                url: url.to_string(),
                code: code.to_string(),
                needs: need.permission(),
            }
        }
        // An answer without an error body still has its status.
        None if status == Some(403) => StoreError::Denied {
            url: url.to_string(),
            code: "403 Forbidden".to_string(),
            needs: need.permission(),
        },
        None if status == Some(301) && bucket_region.is_some() => StoreError::WrongRegion {
            bucket,
            region: bucket_region.unwrap_or_default(),
            asked,
        },
        _ => StoreError::Failed {
            action: need.action(),
            url: url.to_string(),
            message: failure.message,
        },
    }
}

/// The S3 endpoint configured for tests or S3-compatible stores, if any: then
/// buckets are addressed by path (`http://host/bucket/key`), not by host name.
fn endpoint_override(config: &SdkConfig) -> Option<String> {
    let key = ServiceConfigKey::builder()
        .service_id("S3")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    config
        .service_config()
        .and_then(|c| c.load_config(key))
        .or_else(|| config.endpoint_url().map(str::to_string))
}

/// The S3 client: the read-only guard, or the writer's, and the call log.
fn client(config: &SdkConfig, label: &str, guard: ReadOnly) -> Client {
    let region = config
        .region()
        .map_or_else(|| DEFAULT_REGION.to_string(), |r| r.to_string());
    Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .region(Region::new(region.clone()))
            .force_path_style(endpoint_override(config).is_some())
            // A plain body with its length, which every S3-compatible store accepts;
            // the checksum S3 requires on some operations is still sent.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .interceptor(guard)
            .interceptor(CallLog::new(label, &region))
            .build(),
    )
}

fn reader(config: &SdkConfig, label: &str) -> Client {
    client(config, label, ReadOnly::new(Arc::new(Tally::default())))
}

/// The key time format: `20261120T093000.123Z`, which sorts as time does.
const KEY_TIME: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second].[subsecond digits:3]Z");

/// The key a snapshot taken at `taken` is stored under.
pub fn snapshot_key(prefix: &str, taken: OffsetDateTime) -> String {
    let utc = taken.to_offset(time::UtcOffset::UTC);
    let stamp = utc.format(KEY_TIME).unwrap_or_default();
    format!("{prefix}{SNAPSHOTS_DIR}{stamp}.json")
}

/// When the snapshot under `key` was taken, if `key` is one blastmap wrote.
pub fn taken_of(prefix: &str, key: &str) -> Option<OffsetDateTime> {
    let stamp = key
        .strip_prefix(prefix)?
        .strip_prefix(SNAPSHOTS_DIR)?
        .strip_suffix(".json")?;
    time::PrimitiveDateTime::parse(stamp, KEY_TIME)
        .ok()
        .map(|t| t.assume_utc())
}

/// `2026-11-20T09:30Z`, `2026-11-20T09:30:00Z`, any RFC 3339 time, or a date (its start, UTC).
pub fn parse_time(text: &str) -> Result<OffsetDateTime, String> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(t);
    }
    let minutes = format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    if let Ok(t) = time::PrimitiveDateTime::parse(text, minutes) {
        return Ok(t.assume_utc());
    }
    let minutes_offset =
        format_description!("[year]-[month]-[day]T[hour]:[minute][offset_hour]:[offset_minute]");
    if let Ok(t) = OffsetDateTime::parse(text, minutes_offset) {
        return Ok(t);
    }
    if let Ok(d) = time::Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(d.midnight().assume_utc());
    }
    Err(format!(
        "{text:?} is not a time: use UTC like 2026-11-20T09:30Z, or RFC 3339 with an offset \
         (2026-11-20T10:30:00+01:00)"
    ))
}

/// RFC 3339, to the second, for messages.
pub fn show_time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The `latest` object: which snapshot is the newest.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Pointer {
    schema: String,
    version: u32,
    key: String,
    captured_at: String,
}

/// A snapshot stored by [`put`].
#[derive(Debug, Clone)]
pub struct Written {
    pub url: String,
    pub key: String,
}

/// Stores `body` (snapshot JSON taken at `taken`) under `location`, then points
/// `latest` at it. `label` names the credentials in the call log.
pub async fn put(
    config: &SdkConfig,
    label: &str,
    location: &S3Location,
    body: Vec<u8>,
    taken: OffsetDateTime,
    encryption: &Encryption,
) -> Result<Written, StoreError> {
    if location.object.is_some() {
        return Err(StoreError::OutIsObject {
            url: location.to_string(),
        });
    }
    let writer = client(
        config,
        label,
        ReadOnly::snapshot_writer(Arc::new(Tally::default())),
    );
    let key = snapshot_key(&location.prefix, taken);
    let url = location.url_of(&key);
    put_object(&writer, location, &key, body, encryption)
        .await
        .map_err(|e| classify(&e, &url, Need::Put, &writer))?;
    let pointer = Pointer {
        schema: POINTER_SCHEMA.to_string(),
        version: 1,
        key: key.clone(),
        captured_at: show_time(taken),
    };
    let latest = format!("{}{LATEST}", location.prefix);
    let pointer = serde_json::to_vec_pretty(&pointer).unwrap_or_default();
    put_object(&writer, location, &latest, pointer, encryption)
        .await
        .map_err(|e| classify(&e, &location.url_of(&latest), Need::Put, &writer))?;
    Ok(Written { url, key })
}

async fn put_object(
    writer: &Client,
    location: &S3Location,
    key: &str,
    body: Vec<u8>,
    encryption: &Encryption,
) -> Result<(), SdkError<aws_sdk_s3::operation::put_object::PutObjectError, HttpResponse>> {
    let request = writer
        .put_object()
        .bucket(&location.bucket)
        .key(key)
        .content_type("application/json")
        .body(ByteStream::from(body));
    let request = match encryption {
        Encryption::S3Managed => request.server_side_encryption(ServerSideEncryption::Aes256),
        Encryption::Kms(key_id) => request
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(key_id),
    };
    request.send().await.map(|_| ())
}

/// A snapshot read from S3.
#[derive(Debug)]
pub struct Fetched {
    pub bytes: Vec<u8>,
    /// The object's URL.
    pub url: String,
    /// When it was taken (from its key), if blastmap named it.
    pub taken: Option<OffsetDateTime>,
}

/// Reads the snapshot `location` names: the object, else the newest under the
/// prefix, else (with `at`) the last one taken at or before `at`.
pub async fn get(
    config: &SdkConfig,
    label: &str,
    location: &S3Location,
    at: Option<OffsetDateTime>,
) -> Result<Fetched, StoreError> {
    let s3 = reader(config, label);
    if let Some(key) = &location.object {
        if at.is_some() {
            return Err(StoreError::AtWithObject {
                url: location.to_string(),
            });
        }
        return fetch(&s3, location, key, MAX_SNAPSHOT_BYTES).await;
    }
    if let Some(at) = at {
        let listed = list_with(&s3, location).await?;
        let Some(first) = listed.first() else {
            return Err(StoreError::Empty {
                url: location.to_string(),
            });
        };
        // To the second, as times are shown: `--at` the first one's time finds it.
        let to_second = |t: OffsetDateTime| t.replace_nanosecond(0).unwrap_or(t);
        let Some(chosen) = listed.iter().rev().find(|l| to_second(l.taken) <= at) else {
            return Err(StoreError::NoneBefore {
                url: location.to_string(),
                at: show_time(at),
                first: show_time(first.taken),
            });
        };
        return fetch(&s3, location, &chosen.key, MAX_SNAPSHOT_BYTES).await;
    }
    let latest = format!("{}{LATEST}", location.prefix);
    let pointer_url = location.url_of(&latest);
    match get_bounded(&s3, location, &latest, MAX_POINTER_BYTES).await {
        Ok(bytes) => {
            let bad = |why: String| StoreError::BadPointer {
                url: pointer_url.clone(),
                why,
            };
            let pointer: Pointer =
                serde_json::from_slice(&bytes).map_err(|e| bad(format!("{e}")))?;
            if pointer.schema != POINTER_SCHEMA || pointer.version != 1 {
                return Err(bad(format!(
                    "schema {:?} version {}, expected {POINTER_SCHEMA:?} version 1",
                    pointer.schema, pointer.version
                )));
            }
            // The pointer is outside text: it may only name a snapshot of its own prefix.
            if taken_of(&location.prefix, &pointer.key).is_none() {
                return Err(bad(format!(
                    "it names {:?}, which is not a snapshot under {location}",
                    pointer.key
                )));
            }
            fetch(&s3, location, &pointer.key, MAX_SNAPSHOT_BYTES).await
        }
        // No pointer (never written, or deleted): the newest listed snapshot.
        Err(StoreError::NoObject { .. }) => {
            let listed = list_with(&s3, location).await?;
            match listed.last() {
                Some(newest) => fetch(&s3, location, &newest.key, MAX_SNAPSHOT_BYTES).await,
                None => Err(StoreError::Empty {
                    url: location.to_string(),
                }),
            }
        }
        Err(e) => Err(e),
    }
}

async fn fetch(
    s3: &Client,
    location: &S3Location,
    key: &str,
    max: u64,
) -> Result<Fetched, StoreError> {
    let bytes = get_bounded(s3, location, key, max).await?;
    Ok(Fetched {
        bytes,
        url: location.url_of(key),
        taken: taken_of(&location.prefix, key),
    })
}

/// An object's bytes, refused past `max` (by its length, and while it streams).
async fn get_bounded(
    s3: &Client,
    location: &S3Location,
    key: &str,
    max: u64,
) -> Result<Vec<u8>, StoreError> {
    let url = location.url_of(key);
    let out = s3
        .get_object()
        .bucket(&location.bucket)
        .key(key)
        .send()
        .await
        .map_err(|e| classify(&e, &url, Need::Get, s3))?;
    let too_large = |size: u64| StoreError::TooLarge {
        url: url.clone(),
        size,
    };
    let length = out.content_length().unwrap_or(0).max(0) as u64;
    if length > max {
        return Err(too_large(length));
    }
    let mut bytes = Vec::with_capacity(length as usize);
    let mut body = out.body;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| StoreError::Failed {
            action: "read",
            url: url.clone(),
            message: e.to_string(),
        })?;
        if (bytes.len() + chunk.len()) as u64 > max {
            return Err(too_large((bytes.len() + chunk.len()) as u64));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// One stored snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: String,
    pub url: String,
    pub taken: OffsetDateTime,
    pub size: u64,
}

/// The snapshots under a prefix, oldest first (other objects are left out).
pub async fn list(
    config: &SdkConfig,
    label: &str,
    location: &S3Location,
) -> Result<Vec<Listed>, StoreError> {
    list_with(&reader(config, label), location).await
}

async fn list_with(s3: &Client, location: &S3Location) -> Result<Vec<Listed>, StoreError> {
    let url = location.to_string();
    let mut pages = s3
        .list_objects_v2()
        .bucket(&location.bucket)
        .prefix(format!("{}{SNAPSHOTS_DIR}", location.prefix))
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    let mut seen = 0usize;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, &url, Need::List, s3))?;
        for object in page.contents() {
            seen += 1;
            if seen > MAX_LISTED {
                return Err(StoreError::TooMany { url });
            }
            let Some(key) = object.key() else { continue };
            let Some(taken) = taken_of(&location.prefix, key) else {
                continue;
            };
            listed.push(Listed {
                key: key.to_string(),
                url: location.url_of(key),
                taken,
                size: object.size().unwrap_or(0).max(0) as u64,
            });
        }
    }
    listed.sort_by(|a, b| a.taken.cmp(&b.taken).then_with(|| a.key.cmp(&b.key)));
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_urls_name_a_prefix_or_one_snapshot() {
        let p = S3Location::parse("s3://team-bucket/blastmap/prod").unwrap();
        assert_eq!(
            (p.bucket.as_str(), p.prefix.as_str(), p.object.as_deref()),
            ("team-bucket", "blastmap/prod/", None)
        );
        assert_eq!(p.to_string(), "s3://team-bucket/blastmap/prod/");
        let root = S3Location::parse("s3://team-bucket").unwrap();
        assert_eq!(root.prefix, "");
        let one = S3Location::parse("s3://b-1/x/snapshots/20261120T093000.000Z.json").unwrap();
        assert_eq!(one.prefix, "x/");
        assert_eq!(
            one.object.as_deref(),
            Some("x/snapshots/20261120T093000.000Z.json")
        );
        for bad in [
            "s3://",
            "s3://UPPER/x/",
            "s3://a/x/",
            "s3://-bucket/x",
            "s3://bucket//x",
            "s3://bucket/a\nb/",
        ] {
            assert!(S3Location::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn keys_carry_the_time_and_sort_as_it_does() {
        let t = parse_time("2026-11-20T09:30Z").unwrap();
        let key = snapshot_key("p/", t);
        assert_eq!(key, "p/snapshots/20261120T093000.000Z.json");
        assert_eq!(taken_of("p/", &key), Some(t));
        assert_eq!(taken_of("q/", &key), None);
        assert_eq!(taken_of("p/", "p/snapshots/notes.json"), None);
        assert_eq!(taken_of("p/", "p/latest"), None);
        let later = snapshot_key("p/", parse_time("2026-11-20T10:30:00+00:00").unwrap());
        assert!(key < later);
    }

    #[test]
    fn at_takes_utc_minutes_offsets_and_dates() {
        let utc = parse_time("2026-11-20T09:30Z").unwrap();
        assert_eq!(parse_time("2026-11-20T10:30+01:00").unwrap(), utc);
        assert_eq!(parse_time("2026-11-20T09:30:00Z").unwrap(), utc);
        assert_eq!(
            parse_time("2026-11-20").unwrap(),
            parse_time("2026-11-20T00:00Z").unwrap()
        );
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2026-13-01").is_err());
    }
}
