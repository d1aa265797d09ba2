//! Making one AWS call: a permit from the in-flight bound, then a verdict a
//! coverage entry can hold (ok, denied, throttled, error) when it fails.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_async::future::pagination_stream::PaginationStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;

use crate::model::CoverageStatus;

/// Error codes AWS services use for throttling (after the SDK's own retries gave up).
const THROTTLING_CODES: &[&str] = &[
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
}

impl CallFailure {
    /// Classifies an SDK error: a service answer by its code, anything else as an error.
    pub fn from_sdk<E, R>(operation: &'static str, err: &SdkError<E, R>) -> CallFailure
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let code = err.code().map(str::to_string);
        let status = match code.as_deref() {
            Some(c) if DENIED_CODES.contains(&c) => CoverageStatus::Denied,
            Some(c) if THROTTLING_CODES.contains(&c) => CoverageStatus::Throttled,
            _ => CoverageStatus::Error,
        };
        let message = match (&code, err.message()) {
            (Some(code), Some(msg)) => format!("{code}: {msg}"),
            (Some(code), None) => code.clone(),
            _ => match err {
                SdkError::TimeoutError(_) => "timed out".to_string(),
                _ => DisplayErrorContext(err).to_string(),
            },
        };
        CallFailure {
            operation,
            status,
            code,
            message,
        }
    }

    /// A failure found while making sense of answers (not an AWS error).
    pub fn unplaced(operation: &'static str, message: String) -> CallFailure {
        CallFailure {
            operation,
            status: CoverageStatus::Error,
            code: None,
            message,
        }
    }

    /// `Operation: message`, the form coverage messages use.
    pub fn describe(&self) -> String {
        format!("{}: {}", self.operation, self.message)
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

/// Shared by every call of a scan: the bound on requests in flight and the call count.
#[derive(Debug)]
pub struct Caller {
    in_flight: Semaphore,
    calls: Arc<AtomicU64>,
}

impl Caller {
    pub fn new(max_in_flight: usize, calls: Arc<AtomicU64>) -> Caller {
        Caller {
            in_flight: Semaphore::new(max_in_flight.max(1)),
            calls,
        }
    }

    /// API calls sent so far (every page counts; refused operations do not).
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// Sends one request once a permit is free.
    pub async fn call<T, E, R>(
        &self,
        operation: &'static str,
        request: impl Future<Output = Result<T, SdkError<E, R>>>,
    ) -> Result<T, CallFailure>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug,
    {
        let _permit = self.in_flight.acquire().await;
        request
            .await
            .map_err(|e| CallFailure::from_sdk(operation, &e))
    }

    /// Reads the next page of a paginated operation once a permit is free.
    pub async fn page<T, E>(
        &self,
        operation: &'static str,
        stream: &mut Pages<T, E>,
    ) -> Option<Result<T, CallFailure>>
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let _permit = self.in_flight.acquire().await;
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
    fn no_failures_is_ok_without_a_message() {
        assert_eq!(coverage_of(&[]), (CoverageStatus::Ok, None));
    }
}
