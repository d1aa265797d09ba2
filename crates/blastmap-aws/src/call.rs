//! Making one AWS call: permits from its unit's limits and the scan's global cap
//! (`schedule.rs`), then a verdict a coverage entry can hold (ok, denied, throttled,
//! error) when it fails.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use blastmap_core::model::CoverageStatus;

use super::readonly::Tally;
use super::schedule::{self, GatePermit, Limits, PriorityGate, TokenBucket};

/// Error codes AWS services use for throttling (after the SDK's own retries gave up).
pub(crate) const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "RequestThrottled",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "EC2ThrottledException",
    "PriorRequestNotComplete",
];

/// Error codes that mean "these credentials may not do this here".
const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
    "AuthFailure",
    "OptInRequired",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "UnrecognizedClientException",
];

/// The pages of a paginated operation, as the SDK's paginators stream them.
pub type Pages<T, E> = PaginationStream<Result<T, SdkError<E, HttpResponse>>>;

/// One failed call: which operation, and what coverage should say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    pub operation: &'static str,
    pub status: CoverageStatus,
    /// The AWS error code, when the service answered with one.
    pub code: Option<String>,
    pub message: String,
    /// Set when AWS was never reached (DNS, connection, time limit): the short cause,
    /// e.g. `DNS: failed to lookup address information`.
    pub unreachable: Option<String>,
}

impl CallFailure {
    /// Classifies an SDK error: a service answer by its code, anything else as an error.
    pub fn from_sdk<E, R>(operation: &'static str, err: &SdkError<E, R>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let code = err.code().map(str::to_string);
        let status = match code.as_deref() {
            Some(c) if DENIED_CODES.contains(&c) => CoverageStatus::Denied,
            Some(c) if THROTTLING_CODES.contains(&c) => CoverageStatus::Throttled,
            _ => CoverageStatus::Error,
        };
        let unreachable = unreachable_cause(err);
        let message = match (&code, err.message(), &unreachable) {
            (Some(code), Some(msg), _) => format!("{code}: {msg}"),
            (Some(code), None, _) => code.clone(),
            (None, _, Some(cause)) => format!("cannot reach AWS ({cause})"),
            (None, _, None) => error_chain(err),
        };
        CallFailure {
            operation,
            status,
            code,
            message,
            unreachable,
        }
    }

    /// A failure found while making sense of answers (not an AWS error).
    pub fn unplaced(operation: &'static str, message: String) -> CallFailure {
        CallFailure {
            operation,
            status: CoverageStatus::Error,
            code: None,
            message,
            unreachable: None,
        }
    }

    /// `Operation: message`, the form coverage messages use.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.operation, self.message)
    }
}

/// Why a request got no answer at all, in a few words: `DNS: …`, `network: …` or
/// `timeout: …`; `None` when AWS answered, or the request failed for another reason.
fn unreachable_cause<E, R>(err: &SdkError<E, R>) -> Option<String>
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let kind = match err {
        SdkError::TimeoutError(_) => "timeout",
        SdkError::DispatchFailure(d) if d.is_timeout() => "timeout",
        SdkError::DispatchFailure(d) if d.is_io() => {
            // hyper names a failed lookup "dns error" somewhere down the chain.
            if causes(err).any(|e| e.to_string().starts_with("dns error")) {
                "DNS"
            } else {
                "network"
            }
        }
        _ => return None,
    };
    let root = causes(err)
        .last()
        .map(|e| e.to_string())
        .unwrap_or_default();
    // The SDK's "operation attempt timeout (single attempt) occurred after 20s".
    if let (true, Some((_, after))) = (kind == "timeout", root.rsplit_once(" occurred after ")) {
        return Some(format!("timeout: no answer within {after}"));
    }
    Some(format!("{kind}: {}", plain(&root)))
}

/// The error and each of its sources, outermost first.
fn causes<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(err), |e| e.source())
}

/// `outer: inner: root` from each cause's Display (never Debug), each said once.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in causes(err) {
        let text = e.to_string();
        if !text.is_empty() && !parts.last().is_some_and(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// `Connection refused (os error 111)` → `connection refused`: reads on in a sentence,
/// and the OS error number adds nothing for the reader.
fn plain(text: &str) -> String {
    let text = match text.rfind(" (os error ") {
        Some(i) if text.ends_with(')') => &text[..i],
        _ => text,
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        // Lower-case a capitalised word, not an acronym (`DNS`).
        (Some(first), Some(second)) if first.is_uppercase() && second.is_lowercase() => first
            .to_lowercase()
            .chain(text[first.len_utf8()..].chars())
            .collect(),
        _ => text.to_string(),
    }
}

/// What a unit (one service in one account and Region) read, and what it could not.
#[derive(Debug, Default)]
pub struct Outcome<T> {
    pub data: T,
    pub failures: Vec<CallFailure>,
}

/// The value of a call that worked; a failed call is recorded and gives the empty value.
pub fn or_record<U: Default>(failures: &mut Vec<CallFailure>, result: Result<U, CallFailure>) -> U {
    result.unwrap_or_else(|f| {
        failures.push(f);
        U::default()
    })
}

/// The status and message coverage records for a list of failures.
pub fn coverage_of(failures: &[CallFailure]) -> (CoverageStatus, Option<String>) {
    let rank = |s: CoverageStatus| match s {
        CoverageStatus::Denied => 0,
        CoverageStatus::Throttled => 1,
        CoverageStatus::Error => 2,
        CoverageStatus::Ok => 3,
    };
    let Some(worst) = failures.iter().map(|f| f.status).min_by_key(|s| rank(*s)) else {
        return (CoverageStatus::Ok, None);
    };
    let mut lines: Vec<String> = Vec::new();
    for f in failures {
        let line = f.describe();
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    (worst, Some(lines.join("; ")))
}

/// Shared by every call of a scan: the global cap on requests in flight, served by
/// priority, and what the calls cost.
#[derive(Debug)]
pub struct Scheduler {
    global: Arc<PriorityGate>,
    tally: Arc<Tally>,
}

impl Scheduler {
    pub fn new(max_in_flight: usize, tally: Arc<Tally>) -> Arc<Scheduler> {
        Arc::new(Scheduler {
            global: PriorityGate::new(max_in_flight),
            tally,
        })
    }

    /// The caller of one (account, Region, service) unit, with the service's limits.
    pub fn unit(self: &Arc<Self>, service: &'static str) -> Arc<Caller> {
        self.unit_with(service, schedule::limits(service))
    }

    pub fn unit_with(self: &Arc<Self>, service: &'static str, limits: Limits) -> Arc<Caller> {
        Arc::new(Caller {
            scheduler: self.clone(),
            service,
            in_flight: PriorityGate::new(limits.in_flight),
            buckets: Mutex::new(Vec::new()),
            limits,
        })
    }
}

/// Makes the calls of one (account, Region, service) unit: each waits for the unit's
/// in-flight limit, its token bucket, then the scan's global cap.
#[derive(Debug)]
pub struct Caller {
    scheduler: Arc<Scheduler>,
    service: &'static str,
    in_flight: Arc<PriorityGate>,
    /// Token buckets by operation (`*` when the unit shares one).
    buckets: Mutex<Vec<(&'static str, TokenBucket)>>,
    limits: Limits,
}

/// The permits one request holds while it is sent (and retried).
struct Permits {
    _unit: GatePermit,
    _global: GatePermit,
}

impl Caller {
    /// API calls sent so far by the whole scan (every page counts; refused operations do not).
    pub fn calls(&self) -> u64 {
        self.scheduler.tally.calls()
    }

    async fn permits(&self, operation: &'static str) -> Permits {
        let priority = schedule::priority(self.service, operation);
        let unit = self.in_flight.acquire(priority).await;
        let wait = {
            let key = if self.limits.per_operation {
                operation
            } else {
                "*"
            };
            let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
            let i = match buckets.iter().position(|(k, _)| *k == key) {
                Some(i) => i,
                None => {
                    let b = TokenBucket::new(self.limits.burst, self.limits.per_second);
                    buckets.push((key, b));
                    buckets.len() - 1
                }
            };
            buckets[i].1.reserve(Instant::now())
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        let global = self.scheduler.global.acquire(priority).await;
        Permits {
            _unit: unit,
            _global: global,
        }
    }

    /// Sends one request once its permits are free.
    pub async fn call<T, E, R>(
        &self,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, CallFailure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let _permits = self.permits(operation).await;
        request
            .await
            .map_err(|e| CallFailure::from_sdk(operation, &e))
    }

    /// Reads the next page of a paginated operation once its permits are free.
    pub async fn page<T, E>(
        &self,
        operation: &'static str,
        stream: &mut Pages<T, E>,
    ) -> Option<Result<T, CallFailure>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permits = self.permits(operation).await;
        let page = stream.next().await?;
        Some(page.map_err(|e| CallFailure::from_sdk(operation, &e)))
    }

    /// Reads every page of a paginated operation, one permit per page.
    pub async fn pages<T, E>(
        &self,
        operation: &'static str,
        mut stream: Pages<T, E>,
    ) -> Result<Vec<T>, CallFailure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let mut pages = Vec::new();
        while let Some(page) = self.page(operation, &mut stream).await {
            pages.push(page?);
        }
        Ok(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(status: CoverageStatus, operation: &'static str) -> CallFailure {
        CallFailure {
            operation,
            status,
            code: None,
            message: "m".to_string(),
            unreachable: None,
        }
    }

    #[test]
    fn coverage_takes_the_worst_failure_and_names_each_operation() {
        let (status, message) = coverage_of(&[
            failure(CoverageStatus::Error, "DescribeVpcs"),
            failure(CoverageStatus::Denied, "DescribeNatGateways"),
            failure(CoverageStatus::Error, "DescribeVpcs"),
        ]);
        assert_eq!(status, CoverageStatus::Denied);
        assert_eq!(
            message.as_deref(),
            Some("DescribeVpcs: m; DescribeNatGateways: m")
        );
    }

    #[test]
    fn os_errors_read_as_words_in_a_sentence() {
        assert_eq!(
            plain("Connection refused (os error 111)"),
            "connection refused"
        );
        assert_eq!(plain("DNS lookup failed"), "DNS lookup failed");
        assert_eq!(plain(""), "");
    }

    #[test]
    fn an_error_chain_says_each_cause_once_without_debug() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl std::fmt::Display for Layer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Layer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|l| l as _)
            }
        }
        let err = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "io error: refused",
                Some(Box::new(Layer("refused", None))),
            ))),
        );
        assert_eq!(error_chain(&err), "dispatch failure: io error: refused");
    }

    #[test]
    fn no_failures_is_ok_without_a_message() {
        assert_eq!(coverage_of(&[]), (CoverageStatus::Ok, None));
    }
}
