//! The read-only guard: an SDK interceptor on every client a scan builds. It
//! refuses any operation that is not `Describe*`, `List*` or `Get*` (plus STS
//! `AssumeRole`) before the request is serialized, so nothing that could change
//! an estate ever leaves the process. It also counts the calls it lets through.
//!
//! The one exception is the client that writes the snapshot the user asked to keep
//! in S3 (`--out s3://…`): its guard also lets `PutObject` through, and no other
//! client ever gets that guard.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use thiserror::Error;

/// Operations outside the read-only prefixes that a scan still needs.
const ALSO_ALLOWED: &[&str] = &["AssumeRole"];

/// What the snapshot writer may do besides reading: store the snapshot object.
const SNAPSHOT_WRITES: &[&str] = &["PutObject"];

/// Whether `operation` (an API operation name such as `DescribeInstances`) only reads.
pub fn is_read_only(operation: &str) -> bool {
    ["Describe", "List", "Get"]
        .iter()
        .any(|prefix| operation.starts_with(prefix))
        || ALSO_ALLOWED.contains(&operation)
}

/// The error a refused operation fails with (inside the SDK's construction failure).
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ReadOnlyViolation {
    #[error("blastmap is read-only: refused to send {service} {operation}")]
    Refused { service: String, operation: String },
    #[error("blastmap is read-only: refused an operation it could not name")]
    Unnamed,
}

/// The interceptor: refuses what is not read-only, counts what it lets through.
#[derive(Debug, Clone)]
pub struct ReadOnly {
    calls: Arc<AtomicU64>,
    /// Writes let through as well: none, except in the snapshot writer's client.
    writes: &'static [&'static str],
}

impl ReadOnly {
    pub fn new(calls: Arc<AtomicU64>) -> ReadOnly {
        ReadOnly { calls, writes: &[] }
    }

    /// The guard of the S3 client that stores a snapshot: reads, and `PutObject`.
    pub fn snapshot_writer(calls: Arc<AtomicU64>) -> ReadOnly {
        ReadOnly {
            calls,
            writes: SNAPSHOT_WRITES,
        }
    }
}

impl Intercept for ReadOnly {
    fn name(&self) -> &'static str {
        "blastmap-read-only"
    }

    // Runs once per operation (each page), after the operation's config put its
    // Metadata in the bag and before anything is serialized or sent.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(meta) = cfg.load::<Metadata>() else {
            return Err(ReadOnlyViolation::Unnamed.into());
        };
        if !is_read_only(meta.name()) && !self.writes.contains(&meta.name()) {
            return Err(ReadOnlyViolation::Refused {
                service: meta.service().to_string(),
                operation: meta.name().to_string(),
            }
            .into());
        }
        self.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pass_and_writes_do_not() {
        for op in [
            "DescribeInstances",
            "ListTagsForResource",
            "GetCallerIdentity",
            "AssumeRole",
        ] {
            assert!(is_read_only(op), "{op}");
        }
        for op in [
            "TerminateInstances",
            "CreateTags",
            "DeleteLoadBalancer",
            "ModifyDBInstance",
            "AssumeRoleWithWebIdentity",
            "SetDesiredCapacity",
        ] {
            assert!(!is_read_only(op), "{op}");
        }
        assert!(
            !is_read_only("PutObject"),
            "only the snapshot writer may put"
        );
    }
}
