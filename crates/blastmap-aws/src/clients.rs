//! SDK clients for one account in one Region, each carrying the read-only guard and
//! the call log, and retrying in a partition of its own when the guard names the
//! account.

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
            let builder = $sdk::config::Builder::from(config)
                .region(Region::new(region.to_string()))
                .interceptor(guard.clone())
                .interceptor(CallLog::new(account, region));
            let builder = match guard.retry_partition(stringify!($name), region) {
                Some(partition) => builder.retry_partition(partition),
                None => builder,
            };
            $sdk::Client::from_conf(builder.build())
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
    /// AWS Organizations, read-only: the accounts to scan.
    organizations => aws_sdk_organizations;
    /// Route 53, read-only (a global service: one endpoint per partition).
    route53 => aws_sdk_route53;
    /// CloudFront, read-only (global).
    cloudfront => aws_sdk_cloudfront;
    /// Global Accelerator, read-only (its API lives only in us-west-2).
    globalaccelerator => aws_sdk_globalaccelerator;
    /// AWS Backup, read-only.
    backup => aws_sdk_backup;
    /// ARC zonal shift, read-only.
    arczonalshift => aws_sdk_arczonalshift;
    /// AWS Health, read-only (for `what-if --health-event`, not for scans).
    health => aws_sdk_health;
}
