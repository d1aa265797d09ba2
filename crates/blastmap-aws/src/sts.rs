//! Who a scan reads as: credential sources (profiles, the default chain, roles),
//! their account ids (STS `GetCallerIdentity`), roles assumed with STS
//! `AssumeRole`, and the Regions an account has enabled (EC2 `DescribeRegions`).

use std::time::{Duration, SystemTime};

use aws_config::BehaviorVersion;
use aws_config::profile::ProfileSet;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_types::SdkConfig;
use aws_types::os_shim_internal::{Env, Fs};
use aws_types::service_config::ServiceConfigKey;

use super::call::{CallFailure, Caller};
use super::clients;
use super::error::DiscoverError;
use super::readonly::ReadOnly;

/// How every client of a scan retries and times out.
#[derive(Debug, Clone, Copy)]
pub struct CallPolicy {
    /// One attempt's time limit; the whole call (with retries) gets a few of them.
    pub call_timeout: Duration,
    pub max_attempts: u32,
}

/// A credential source the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A named profile, or the default credential chain (`None`).
    Profile(Option<String>),
    /// A role assumed from the first profile's credentials.
    Role(String),
}

impl Source {
    /// How messages name this source.
    pub fn describe(&self) -> String {
        match self {
            Source::Profile(Some(p)) => format!("profile {p}"),
            Source::Profile(None) => match std::env::var("AWS_PROFILE") {
                Ok(p) if !p.is_empty() => format!("profile {p} (AWS_PROFILE)"),
                _ => "the default credential chain".to_string(),
            },
            Source::Role(arn) => format!("role {arn}"),
        }
    }

    /// The profile whose name an account should carry, if any.
    pub fn profile_name(&self) -> Option<String> {
        match self {
            Source::Profile(Some(p)) => Some(p.clone()),
            Source::Profile(None) => std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()),
            Source::Role(_) => None,
        }
    }

    /// The account id a role ARN names (`arn:aws:iam::<account>:role/…`).
    pub fn role_account(&self) -> Option<&str> {
        match self {
            Source::Role(arn) => arn.split(':').nth(4).filter(|a| !a.is_empty()),
            Source::Profile(_) => None,
        }
    }
}

/// The profiles of the shared config and credentials files, read once to check names.
#[derive(Debug)]
pub struct Profiles {
    set: Option<ProfileSet>,
}

impl Profiles {
    pub async fn load() -> Profiles {
        // An unreadable or absent file set means "no profiles", which the SDK reports itself.
        let set = aws_config::profile::load(&Fs::real(), &Env::real(), &Default::default(), None)
            .await
            .ok();
        Profiles { set }
    }

    /// Refuses a profile name that no config or credentials file defines.
    pub fn check(&self, name: &str) -> Result<(), DiscoverError> {
        let known: Vec<String> = self
            .set
            .as_ref()
            .map(|s| s.profiles().map(str::to_string).collect())
            .unwrap_or_default();
        if known.iter().any(|k| k == name) {
            return Ok(());
        }
        Err(DiscoverError::UnknownProfile {
            profile: name.to_string(),
            known,
        })
    }

    /// Whether the profile signs in through IAM Identity Center (SSO).
    pub fn is_sso(&self, name: Option<&str>) -> bool {
        let Some(set) = &self.set else {
            return false;
        };
        let name = name.unwrap_or_else(|| set.selected_profile());
        set.get_profile(name)
            .is_some_and(|p| p.get("sso_session").is_some() || p.get("sso_start_url").is_some())
    }
}

/// The SDK configuration of a profile (or the default chain): credentials, default
/// Region, endpoint overrides from the environment, adaptive retries and timeouts.
pub async fn load_config(profile: Option<&str>, policy: CallPolicy) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(policy.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(policy.call_timeout)
                .operation_attempt_timeout(policy.call_timeout)
                .operation_timeout(policy.call_timeout * policy.max_attempts.max(1) * 2)
                .build(),
        );
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    loader.load().await
}

/// Where STS requests go when the configuration overrides the endpoint
/// (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`, a profile's `endpoint_url`), resolved
/// in the order the SDK's STS client resolves them.
pub fn sts_endpoint_override(config: &SdkConfig) -> Option<String> {
    let key = ServiceConfigKey::builder()
        .service_id("STS")
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    config
        .service_config()
        .and_then(|c| c.load_config(key))
        .or_else(|| config.endpoint_url().map(str::to_string))
}

/// The account id the configuration's credentials belong to.
pub async fn identify(
    caller: &Caller,
    guard: &ReadOnly,
    config: &SdkConfig,
    label: &str,
    region: &str,
) -> Result<String, CallFailure> {
    let client = clients::sts(config, label, region, guard);
    let out = caller
        .call("GetCallerIdentity", client.get_caller_identity().send())
        .await?;
    out.account().map(str::to_string).ok_or_else(|| {
        CallFailure::unplaced("GetCallerIdentity", "no account in the answer".into())
    })
}

/// Assumes `role_arn` with `base`'s credentials; the result reads as the role.
pub async fn assume(
    caller: &Caller,
    guard: &ReadOnly,
    base: &SdkConfig,
    region: &str,
    role_arn: &str,
) -> Result<SdkConfig, CallFailure> {
    let account = Source::Role(role_arn.to_string())
        .role_account()
        .unwrap_or("?")
        .to_string();
    let client = clients::sts(base, &account, region, guard);
    let out = caller
        .call(
            "AssumeRole",
            client
                .assume_role()
                .role_arn(role_arn)
                .role_session_name("blastmap-scan")
                .send(),
        )
        .await?;
    let Some(c) = out.credentials() else {
        return Err(CallFailure::unplaced(
            "AssumeRole",
            "no credentials in the answer".into(),
        ));
    };
    let expiry = SystemTime::try_from(*c.expiration()).ok();
    let credentials = Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        expiry,
        "blastmap-assume-role",
    );
    Ok(base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .build())
}

/// The Regions the account has enabled (opted-in Regions only).
pub async fn enabled_regions(
    caller: &Caller,
    guard: &ReadOnly,
    config: &SdkConfig,
    account: &str,
    region: &str,
) -> Result<Vec<String>, CallFailure> {
    let client = clients::ec2(config, account, region, guard);
    let out = caller
        .call("DescribeRegions", client.describe_regions().send())
        .await?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    Ok(regions)
}

/// Codes that say the credentials themselves were refused.
const REJECTED: &[&str] = &[
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "UnrecognizedClientException",
    "AuthFailure",
    "InvalidAccessKeyId",
];
/// Codes that say the credentials were good once and have expired.
const EXPIRED: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "TokenRefreshRequired",
];

/// What to tell the user when a source's identity cannot be read, if it is about
/// credentials at all (else the failure is an ordinary coverage gap).
pub fn credential_problem(
    source: &Source,
    sso: bool,
    failure: &CallFailure,
) -> Option<DiscoverError> {
    if failure.unreachable.is_some() {
        // AWS never answered: nothing is known about the credentials.
        return None;
    }
    let who = source.describe();
    let profile = source.profile_name();
    let sso_expired = || DiscoverError::ExpiredSso {
        profile: profile.clone().unwrap_or_else(|| "default".to_string()),
    };
    match failure.code.as_deref() {
        Some(code) if REJECTED.contains(&code) => Some(DiscoverError::BadCredentials {
            who,
            detail: failure.message.clone(),
        }),
        Some(code) if EXPIRED.contains(&code) => Some(if sso {
            sso_expired()
        } else {
            DiscoverError::ExpiredCredentials { who }
        }),
        Some(_) => None,
        // No answer from AWS at all: the SDK could not produce credentials to sign with.
        None if failure.message.contains("credentials") || failure.message.contains("token") => {
            Some(if sso {
                sso_expired()
            } else {
                DiscoverError::NoCredentials { who }
            })
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use blastmap_core::model::CoverageStatus;

    fn failure(code: Option<&str>, message: &str) -> CallFailure {
        CallFailure {
            operation: "GetCallerIdentity",
            status: CoverageStatus::Denied,
            code: code.map(str::to_string),
            message: message.to_string(),
            unreachable: None,
        }
    }

    #[test]
    fn credential_failures_say_what_to_run_and_permission_failures_are_gaps() {
        let prod = Source::Profile(Some("prod".into()));
        let expired = credential_problem(&prod, true, &failure(Some("ExpiredToken"), "expired"));
        assert!(
            matches!(&expired, Some(DiscoverError::ExpiredSso { profile }) if profile == "prod"),
            "{expired:?}"
        );
        let no_token = credential_problem(&prod, true, &failure(None, "failed to load token"));
        assert!(matches!(no_token, Some(DiscoverError::ExpiredSso { .. })));
        let rejected = credential_problem(
            &prod,
            false,
            &failure(Some("InvalidClientTokenId"), "invalid"),
        );
        assert!(rejected.is_some_and(|e| e.to_string().contains("aws configure")));
        let denied = credential_problem(&prod, false, &failure(Some("AccessDenied"), "no"));
        assert!(denied.is_none(), "a permission problem is a coverage gap");
        let unreachable = CallFailure {
            status: CoverageStatus::Error,
            unreachable: Some("DNS: no such host".into()),
            ..failure(None, "cannot reach AWS (DNS: no token service host)")
        };
        assert!(
            credential_problem(&prod, false, &unreachable).is_none(),
            "AWS never answered: nothing is known about the credentials"
        );
    }

    #[test]
    fn a_role_arn_names_its_account() {
        let role = Source::Role("arn:aws:iam::222222222222:role/blastmap-scan".into());
        assert_eq!(role.role_account(), Some("222222222222"));
        assert_eq!(Source::Role("not-an-arn".into()).role_account(), None);
    }
}
