//! The call log: an SDK interceptor on every client blastmap builds that records
//! each attempt of each AWS call as a `tracing` event (target `blastmap::aws`):
//! account, Region, service, operation, attempt, latency, HTTP status and error
//! code. It never looks at the request, so no credential, signature or token can
//! reach it; nothing is recorded unless a subscriber listens (`--log-file`, `RUST_LOG`).

use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Headers;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

/// The target of every call event, for `RUST_LOG=blastmap::aws=debug`.
pub const TARGET: &str = "blastmap::aws";

/// How much of an error answer is searched for its code.
const ERROR_BODY_SCAN: usize = 64 * 1024;

/// The interceptor: one per client, naming the account and Region it calls.
#[derive(Debug, Clone)]
pub struct CallLog {
    account: String,
    region: String,
}

impl CallLog {
    /// `account` is the account id, or the profile or role when the id is not known yet.
    pub fn new(account: &str, region: &str) -> CallLog {
        CallLog {
            account: account.to_string(),
            region: region.to_string(),
        }
    }
}

/// When the current attempt started (kept in the attempt's config bag).
#[derive(Debug, Clone, Copy)]
struct AttemptStart(Instant);

impl Storable for AttemptStart {
    type Storer = StoreReplace<Self>;
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "blastmap-call-log"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state()
            .store_put(AttemptStart(Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !tracing::enabled!(target: TARGET, tracing::Level::INFO) {
            return Ok(());
        }
        let latency_ms = cfg
            .load::<AttemptStart>()
            .map_or(0, |s| s.0.elapsed().as_millis() as u64);
        let attempt = cfg.load::<RequestAttempts>().map_or(1, |a| a.attempts());
        let (service, operation) = cfg
            .load::<Metadata>()
            .map_or(("?", "?"), |m| (m.service(), m.name()));
        let status = context.response().map(|r| r.status().as_u16());
        let failed = matches!(context.output_or_error(), Some(Err(_)));
        let outcome = match context.output_or_error() {
            Some(Err(e)) if e.is_timeout_error() => Some("timeout"),
            Some(Err(e)) if e.is_connector_error() => Some("unreachable"),
            _ => None,
        };
        let code = context
            .response()
            .filter(|r| !r.status().is_success())
            .and_then(|r| error_code(r.headers(), r.body().bytes().unwrap_or_default()));
        let code = code.as_deref().or(outcome).unwrap_or("-");
        let status = status.map_or("-".to_string(), |s| s.to_string());
        if failed || code != "-" {
            tracing::warn!(
                target: TARGET,
                account = %self.account,
                region = %self.region,
                service,
                operation,
                attempt,
                latency_ms,
                status = %status,
                error = code,
                "AWS call failed"
            );
        } else {
            tracing::info!(
                target: TARGET,
                account = %self.account,
                region = %self.region,
                service,
                operation,
                attempt,
                latency_ms,
                status = %status,
                "AWS call"
            );
        }
        Ok(())
    }
}

/// The error code of an AWS error answer: from the `x-amzn-query-error` or
/// `x-amzn-ErrorType` header, else the XML `<Code>` (EC2, query and S3 protocols),
/// else the JSON `__type` or `code`. Only `[A-Za-z0-9._-]`, at most 64 characters:
/// the answer is outside text, and it goes into a log line.
pub fn error_code(headers: &Headers, body: &[u8]) -> Option<String> {
    let from_header = headers
        .get("x-amzn-query-error")
        .and_then(|v| v.split(';').next())
        .or_else(|| {
            headers
                .get("x-amzn-errortype")
                .and_then(|v| v.split(':').next())
        });
    if let Some(code) = from_header.and_then(clean) {
        return Some(code);
    }
    let body = &body[..body.len().min(ERROR_BODY_SCAN)];
    let text = String::from_utf8_lossy(body);
    if let Some(code) = between(&text, "<Code>", "</Code>").and_then(clean) {
        return Some(code);
    }
    let json = json_string_field(&text, "__type").or_else(|| json_string_field(&text, "code"))?;
    // `com.amazonaws.ecs#ClusterNotFoundException` → the name after `#`.
    clean(json.rsplit('#').next().unwrap_or(json))
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// The value of `"name": "value"` at the first place it appears (no escapes needed:
/// a code that has them is not a code).
fn json_string_field<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let key = format!("\"{name}\"");
    let rest = text[text.find(&key)? + key.len()..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start().strip_prefix('"')?;
    Some(&rest[..rest.find('"')?])
}

fn clean(code: &str) -> Option<String> {
    let code = code.trim();
    let ok = !code.is_empty()
        && code.len() <= 64
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> Headers {
        let mut h = Headers::new();
        for (k, v) in pairs {
            h.insert(*k, *v);
        }
        h
    }

    #[test]
    fn error_codes_are_found_in_every_protocol_shape() {
        let none = headers(&[]);
        let ec2 = b"<Response><Errors><Error><Code>UnauthorizedOperation</Code>\
                    <Message>no</Message></Error></Errors></Response>";
        assert_eq!(
            error_code(&none, ec2).as_deref(),
            Some("UnauthorizedOperation")
        );
        let s3 = b"<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code></Error>";
        assert_eq!(error_code(&none, s3).as_deref(), Some("NoSuchKey"));
        let json = br#"{"__type": "com.amazonaws.ecs#ClusterNotFoundException","message":"x"}"#;
        assert_eq!(
            error_code(&none, json).as_deref(),
            Some("ClusterNotFoundException")
        );
        let rest = headers(&[("x-amzn-errortype", "AccessDeniedException:http://x/")]);
        assert_eq!(
            error_code(&rest, b"{}").as_deref(),
            Some("AccessDeniedException")
        );
        let query = headers(&[("x-amzn-query-error", "Throttling;Sender")]);
        assert_eq!(error_code(&query, b"").as_deref(), Some("Throttling"));
    }

    #[test]
    fn an_error_code_that_is_not_a_plain_word_is_not_logged() {
        let none = headers(&[]);
        let forged = b"<Code>AccessDenied\nlevel=INFO fake line</Code>";
        assert_eq!(error_code(&none, forged), None);
        assert_eq!(error_code(&none, b"not an error body"), None);
        let long = format!("<Code>{}</Code>", "A".repeat(65));
        assert_eq!(error_code(&none, long.as_bytes()), None);
    }
}
