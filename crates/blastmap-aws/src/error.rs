use thiserror::Error;

use blastmap_core::model::ModelError;
use blastmap_core::overlay::OverlayError;

/// Why a scan produced no estate: each says what to run next.
#[derive(Debug, Error)]
pub enum DiscoverError {
    #[error(
        "profile {profile:?} is not in your AWS config or credentials files{}; \
         check the name, or create it with `aws configure --profile {profile}`",
        if known.is_empty() { String::new() } else { format!(" (known: {})", known.join(", ")) }
    )]
    UnknownProfile { profile: String, known: Vec<String> },

    #[error(
        "the AWS SSO session of profile {profile} has expired or was never started: \
         run `aws sso login --profile {profile}`, then scan again"
    )]
    ExpiredSso { profile: String },

    #[error(
        "AWS rejected the credentials of {who} ({detail}): fix them with `aws configure`, \
         or pick other credentials with --profile NAME"
    )]
    BadCredentials { who: String, detail: String },

    #[error(
        "the credentials of {who} have expired: refresh them (re-run whatever issued them, \
         e.g. `aws sso login`), then scan again"
    )]
    ExpiredCredentials { who: String },

    #[error(
        "no AWS credentials found for {who}: run `aws configure` or `aws sso login`, \
         set AWS_PROFILE, or pass --profile NAME"
    )]
    NoCredentials { who: String },

    #[error(
        "no Region to scan: pass --region REGION (or --all-regions), or set AWS_REGION \
         or a region in your AWS profile"
    )]
    NoRegion,

    #[error(
        "role ARN {arn:?} is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): fix --role-arn"
    )]
    BadRoleArn { arn: String },

    #[error("{flag} {value:?} is not {expected}")]
    BadOrgFlag {
        flag: &'static str,
        value: String,
        expected: &'static str,
    },

    #[error(
        "--ou {ous}: not an organizational unit or root of this organization ({detail}); \
         list them with `aws organizations list-organizational-units-for-parent`"
    )]
    UnknownOu { ous: String, detail: String },

    #[error("cannot list the accounts of the organization as {who} ({detail}): {advice}")]
    OrganizationUnlisted {
        who: String,
        detail: String,
        advice: &'static str,
    },

    #[error(
        "{scope} has no ACTIVE account to scan (after --exclude-account): check --ou and \
         --exclude-account"
    )]
    EmptyOrganization { scope: String },

    #[error("{0}")]
    Overlay(#[from] OverlayError),

    #[error(
        "cannot reach {target} ({cause}): check the network connection and any proxy \
         (HTTPS_PROXY), or AWS_ENDPOINT_URL if it is set, then scan again"
    )]
    Unreachable { target: String, cause: String },

    #[error("nothing could be read: {gaps}; {advice}")]
    NothingRead { gaps: String, advice: &'static str },

    #[error(
        "the scan read {scanned} but found no load balancers, instances or databases to model; \
         scan the accounts and Regions that hold your workloads (--profile, --role-arn, --region)"
    )]
    NoResources { scanned: String },

    #[error("the scanned estate is inconsistent: {0}")]
    Model(#[from] ModelError),
}

/// Exit code for input the user must fix.
pub const EXIT_BAD_INPUT: u8 = 2;
/// Exit code when a scan read nothing it could model.
pub const EXIT_NOTHING_READ: u8 = 3;

impl DiscoverError {
    /// The process exit code `blastmap scan` ends with on this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            DiscoverError::UnknownProfile { .. }
            | DiscoverError::NoRegion
            | DiscoverError::BadRoleArn { .. }
            | DiscoverError::BadOrgFlag { .. }
            | DiscoverError::UnknownOu { .. }
            | DiscoverError::Overlay(_) => EXIT_BAD_INPUT,
            DiscoverError::ExpiredSso { .. }
            | DiscoverError::BadCredentials { .. }
            | DiscoverError::ExpiredCredentials { .. }
            | DiscoverError::NoCredentials { .. }
            | DiscoverError::Unreachable { .. }
            | DiscoverError::NothingRead { .. }
            | DiscoverError::NoResources { .. }
            | DiscoverError::OrganizationUnlisted { .. }
            | DiscoverError::EmptyOrganization { .. }
            | DiscoverError::Model(_) => EXIT_NOTHING_READ,
        }
    }
}
