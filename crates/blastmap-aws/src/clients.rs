//! SDK clients for one account in one Region, each carrying the read-only guard
//! and the call log.

use aws_types::SdkConfig;
use aws_types::region::Region;

use super::log::CallLog;
use super::readonly::ReadOnly;

macro_rules! guarded_client {
    ($(#[$doc:meta] $name:ident => $sdk:ident;)+) => {$(
        #[$doc]
        /// `account` names the account in the call log (its id, or the profile or role
        /// while the id is not known).
        pub fn $name(
            config: &SdkConfig,
            account: &str,
            region: &str,
            guard: &ReadOnly,
        ) -> $sdk::Client {
            $sdk::Client::from_conf(
                $sdk::config::Builder::from(config)
                    .region(Region::new(region.to_string()))
                    .interceptor(guard.clone())
                    .interceptor(CallLog::new(account, region))
                    .build(),
            )
        }
    )+};
}

guarded_client! {
    /// EC2, read-only.
    ec2 => aws_sdk_ec2;
    /// Elastic Load Balancing v2, read-only.
    elbv2 => aws_sdk_elasticloadbalancingv2;
    /// Auto Scaling, read-only.
    autoscaling => aws_sdk_autoscaling;
    /// RDS, read-only.
    rds => aws_sdk_rds;
    /// ECS, read-only.
    ecs => aws_sdk_ecs;
    /// EKS, read-only.
    eks => aws_sdk_eks;
    /// Lambda, read-only.
    lambda => aws_sdk_lambda;
    /// ElastiCache, read-only.
    elasticache => aws_sdk_elasticache;
    /// DynamoDB, read-only.
    dynamodb => aws_sdk_dynamodb;
    /// STS, read-only (plus `AssumeRole`).
    sts => aws_sdk_sts;
}
