//! The read-only guard: an SDK interceptor on every client a scan builds. It
//! refuses any operation that is not `Describe*`, `List*` or `Get*` (plus STS
//! `AssumeRole`) before the request is serialized, so nothing that could change
//! an estate ever leaves the process. It also counts the calls it lets through,
//! their attempts and how many AWS throttled, and names the account a client reads
//! so that each (account, Region, service) retries and rate-limits on its own.
//!
//! The one exception is the client that writes the snapshot the user asked to keep
//! in S3 (`--out s3://…`): its guard also lets `PutObject` through, and no other
//! client ever gets that guard.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_sts::config::retry::RetryPartition;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
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

/// What the calls of a scan cost: requests, attempts, and attempts AWS throttled.
#[derive(Debug, Default)]
pub struct Tally {
    calls: AtomicU64,
    attempts: AtomicU64,
    throttled: AtomicU64,
}

impl Tally {
    /// Requests sent (each page counts once; refused operations do not).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Attempts beyond the first of each request.
    pub fn retries(&self) -> u64 {
        self.attempts
            .load(Ordering::Relaxed)
            .saturating_sub(self.calls())
    }

    /// Attempts AWS answered with a throttling error.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}

/// The interceptor: refuses what is not read-only, counts what it lets through.
#[derive(Debug, Clone)]
pub struct ReadOnly {
    tally: Arc<Tally>,
    /// The account the client reads, when the scan knows it.
    account: Option<Arc<str>>,
    /// Writes let through as well: none, except in the snapshot writer's client.
    writes: &'static [&'static str],
}

impl ReadOnly {
    pub fn new(tally: Arc<Tally>) -> ReadOnly {
        ReadOnly {
            tally,
            account: None,
            writes: &[],
        }
    }

    /// The guard of the S3 client that stores a snapshot: reads, and `PutObject`.
    pub fn snapshot_writer(tally: Arc<Tally>) -> ReadOnly {
        ReadOnly {
            tally,
            account: None,
            writes: SNAPSHOT_WRITES,
        }
    }

    /// What the calls it let through cost.
    pub fn tally(&self) -> &Tally {
        &self.tally
    }

    /// The same guard for the clients of one account.
    pub fn for_account(&self, account: &str) -> ReadOnly {
        ReadOnly {
            tally: self.tally.clone(),
            account: Some(account.into()),
            writes: self.writes,
        }
    }

    /// A retry partition of the account's own for `service` in `region`. The SDK's
    /// default partition is per service and Region, shared by every account: one
    /// throttled account would slow the adaptive rate of all the others and spend
    /// their retry quota. Its state lives in the clients and goes with them.
    pub fn retry_partition(&self, service: &str, region: &str) -> Option<RetryPartition> {
        let account = self.account.as_deref()?;
        Some(RetryPartition::custom(format!("blastmap-{service}-{region}-{account}")).build())
    }
}

/// Whether an error answer is AWS throttling (any protocol: the code is in the body or
/// the `x-amzn-ErrorType` header).
fn is_throttling(status: u16, error_type: Option<&str>, body: &[u8]) -> bool {
    if status < 400 {
        return false;
    }
    let codes = crate::call::THROTTLING_CODES;
    if let Some(t) = error_type {
        let code = t.split([':', '#']).next().unwrap_or(t);
        if codes.contains(&code) {
            return true;
        }
    }
    // Enough of the body to hold the code, in the XML or JSON error shapes.
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]);
    codes.iter().any(|c| {
        head.contains(&format!("<Code>{c}</Code>"))
            || head.contains(&format!("\"{c}\""))
            || head.contains(&format!("#{c}\""))
    })
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
        self.tally.calls.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.tally.attempts.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(response) = context.response() {
            let error_type = response.headers().get("x-amzn-errortype");
            let body = response.body().bytes().unwrap_or_default();
            if is_throttling(response.status().as_u16(), error_type, body) {
                self.tally.throttled.fetch_add(1, Ordering::Relaxed);
            }
        }
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
            // Entry points, zonal shift, backups, Health.
            "ListHostedZones",
            "ListResourceRecordSets",
            "ListDistributions",
            "ListEndpointGroups",
            "ListManagedResources",
            "GetBackupSelection",
            "ListRecoveryPointsByBackupVault",
            "DescribeEventDetailsForOrganization",
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
            "ChangeResourceRecordSets",
            "UpdateHealthCheck",
            "CreateInvalidation",
            "UpdateEndpointGroup",
            "StartZonalShift",
            "UpdateZonalAutoshiftConfiguration",
            "UpdatePracticeRunConfiguration",
            "StartBackupJob",
            "DeleteRecoveryPoint",
            "EnableHealthServiceAccessForOrganization",
        ] {
            assert!(!is_read_only(op), "{op}");
        }
        assert!(
            !is_read_only("PutObject"),
            "only the snapshot writer may put"
        );
    }

    #[test]
    fn throttling_answers_are_told_apart_in_every_protocol() {
        let ec2 = b"<Response><Errors><Error><Code>RequestLimitExceeded</Code></Error></Errors></Response>";
        assert!(is_throttling(503, None, ec2));
        let query = b"<ErrorResponse><Error><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>";
        assert!(is_throttling(400, None, query));
        let json =
            br#"{"__type":"com.amazonaws.ecs#ThrottlingException","message":"Rate exceeded"}"#;
        assert!(is_throttling(400, None, json));
        assert!(is_throttling(
            429,
            Some("TooManyRequestsException:http://x"),
            b"{}"
        ));
        let denied = b"<ErrorResponse><Error><Code>AccessDenied</Code></Error></ErrorResponse>";
        assert!(!is_throttling(403, None, denied));
        assert!(
            !is_throttling(200, None, query),
            "only an error answer counts"
        );
    }
}
