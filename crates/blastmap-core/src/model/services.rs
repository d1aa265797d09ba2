//! Facts of the compute and data services beyond EC2 (`../shared/domain.md` §8):
//! ECS, EKS, Lambda, ElastiCache, DynamoDB. Snapshot version 2.

use serde::{Deserialize, Serialize};

use super::resource::running;

/// An ECS cluster: where services run. Its capacity providers name the Auto Scaling
/// groups that give EC2-launch-type tasks their instances.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsCluster {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capacity_providers: Vec<CapacityProvider>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityProvider {
    pub name: String,
    /// The Auto Scaling group behind it (an ARN or name as the scan resolved it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling_group: Option<String>,
}

/// Where an ECS service's tasks run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LaunchType {
    /// AWS runs the tasks: capacity in any surviving AZ of its subnets.
    #[default]
    Fargate,
    /// On the cluster's container instances (EC2): bounded by what they can hold.
    Ec2,
    /// On servers outside AWS (ECS Anywhere): not placed in an AZ.
    External,
}

/// An ECS service: a recovery actor like an Auto Scaling group. The scheduler keeps
/// `desired` tasks running, relaunching lost ones in its surviving subnets' AZs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsService {
    /// The cluster's id (ARN).
    pub cluster: String,
    #[serde(default)]
    pub launch_type: LaunchType,
    pub desired: u32,
    #[serde(default)]
    pub running: u32,
    /// Subnets of `networkConfiguration.awsvpcConfiguration`.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// AZ IDs of those subnets: where the scheduler places and relaunches tasks.
    #[serde(default)]
    pub azs: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// Target groups its tasks register in (`loadBalancers[].targetGroupArn`).
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// For the EC2 launch type: the Auto Scaling group its container instances are in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling_group: Option<String>,
}

/// A running ECS task, placed in its AZ (`Task.availabilityZone`, or its ENI's subnet).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsTask {
    pub cluster: String,
    /// The service that started it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    /// Private IPv4 addresses of its network interface: how `ip` targets name it.
    #[serde(default)]
    pub ips: Vec<String>,
    /// For the EC2 launch type: the instance it runs on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// `lastStatus` in lower case (`running`, `pending`, `stopped`, …).
    #[serde(default = "running")]
    pub state: String,
}

impl EcsTask {
    pub fn is_running(&self) -> bool {
        self.state == "running"
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksCluster {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
}

/// An EKS managed node group: its nodes are the instances of its Auto Scaling groups.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksNodegroup {
    /// The cluster's id (ARN).
    pub cluster: String,
    /// Its Auto Scaling groups (`resources.autoScalingGroups`).
    #[serde(default)]
    pub auto_scaling_groups: Vec<String>,
    #[serde(default)]
    pub subnets: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaFunction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// `VpcConfig.SubnetIds`: empty for a function outside any VPC.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// AZ IDs of those subnets: a VPC function serves while one of them survives.
    #[serde(default)]
    pub azs: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
}

/// A Redis OSS or Valkey replication group: one or more shards (node groups), each a
/// primary and its replicas.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheReplicationGroup {
    pub engine: String,
    /// `AutomaticFailover` is `enabled`: a replica is promoted when a primary is lost.
    pub automatic_failover: bool,
    #[serde(default)]
    pub multi_az: bool,
    #[serde(default)]
    pub cluster_mode: bool,
    /// `NodeGroups`.
    pub shards: Vec<CacheShard>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `SnapshotRetentionLimit`: days of automatic backups (0: none).
    #[serde(default)]
    pub snapshot_retention_days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheShard {
    pub id: String,
    /// `NodeGroupMembers`.
    pub members: Vec<CacheMember>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheMember {
    /// The member's cache cluster id.
    pub node: String,
    /// AZ ID (`PreferredAvailabilityZone`, mapped to its ID).
    pub az: String,
    /// `CurrentRole` is `primary`.
    #[serde(default)]
    pub primary: bool,
}

/// A cache cluster outside any replication group: Memcached (nodes spread over AZs,
/// each holding a share of the keys), or a single Redis node.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheCluster {
    pub engine: String,
    pub nodes: Vec<CacheNode>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub snapshot_retention_days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CacheNode {
    pub id: String,
    /// AZ ID.
    pub az: String,
}

/// A serverless cache: spread over the Region's AZs by AWS, lost only with the Region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerlessCache {
    pub engine: String,
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
}

/// A DynamoDB table: regional, replicated across AZs; a global table has replicas in
/// other Regions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DynamodbTable {
    /// Regions of its global-table replicas (its own Region not included).
    #[serde(default)]
    pub replicas: Vec<String>,
    #[serde(default)]
    pub point_in_time_recovery: bool,
    #[serde(default)]
    pub deletion_protection: bool,
}

/// How Route 53 chooses among records of one name and type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Routing {
    #[default]
    Simple,
    Failover,
    Latency,
    Weighted,
    Geolocation,
    Multivalue,
}

/// Route 53 records sharing one name and type in one hosted zone: one entry point
/// (`../shared/domain.md` §9). Global: in the `global` pseudo-Region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsRecords {
    /// The hosted zone's id.
    pub zone: String,
    #[serde(default)]
    pub private_zone: bool,
    /// The record name (`shop.example.com`), lower case, no trailing dot.
    pub record_name: String,
    /// `A`, `AAAA`, `CNAME`.
    pub record_type: String,
    #[serde(default)]
    pub routing: Routing,
    pub members: Vec<DnsMember>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailoverRole {
    Primary,
    Secondary,
}

/// One record of the set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsMember {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_identifier: Option<String>,
    /// An alias target's DNS name (matched to a load balancer's), or the record's value.
    pub target: String,
    /// `AliasTarget.EvaluateTargetHealth`.
    #[serde(default)]
    pub evaluate_target_health: bool,
    /// `HealthCheckId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<FailoverRole>,
    /// Latency routing: the record's Region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<u32>,
    /// Geolocation routing: the location code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl DnsMember {
    /// Whether Route 53 can see this member fail and move traffic away from it.
    pub fn evaluated(&self) -> bool {
        self.evaluate_target_health || self.health_check.is_some()
    }
}

/// A Global Accelerator: endpoint groups per Region. It health-checks its
/// endpoints and sends traffic to healthy ones, in other groups if need be.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accelerator {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    pub endpoint_groups: Vec<EndpointGroup>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointGroup {
    pub region: String,
    /// `TrafficDialPercentage`, 0 to 100.
    #[serde(default = "full_dial")]
    pub traffic_dial: u8,
    pub endpoints: Vec<AcceleratorEndpoint>,
}

fn full_dial() -> u8 {
    100
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AcceleratorEndpoint {
    /// A load balancer's ARN (or another endpoint's id).
    pub id: String,
    #[serde(default = "default_weight")]
    pub weight: u32,
}

fn default_weight() -> u32 {
    128
}

/// A CloudFront distribution: origins, and origin groups that fail over from a
/// primary to a secondary origin, for reads only (GET, HEAD, OPTIONS).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distribution {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain: Option<String>,
    /// Alternate domain names (CNAMEs).
    #[serde(default)]
    pub aliases: Vec<String>,
    pub origins: Vec<Origin>,
    #[serde(default)]
    pub origin_groups: Vec<OriginGroup>,
    /// The origin or origin group the default cache behaviour sends to.
    pub default_target: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Origin {
    pub id: String,
    /// Its domain name (matched to a load balancer's DNS name).
    pub domain: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OriginGroup {
    pub id: String,
    pub primary: String,
    pub secondary: String,
    /// Status codes that make CloudFront try the secondary.
    #[serde(default)]
    pub failover_status_codes: Vec<u16>,
}

/// A DNS name as load balancers and alias targets compare: lower case, no trailing
/// dot, no `dualstack.` prefix.
pub fn dns_key(name: &str) -> String {
    let lower = name.trim().trim_end_matches('.').to_ascii_lowercase();
    lower
        .strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(lower)
}

/// An AWS Backup plan (`../shared/domain.md` §11): its rules' schedules and the
/// Regions they copy recovery points to, and the resources it selects.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupPlan {
    pub rules: Vec<BackupRule>,
    /// Resources it protects (ARNs), as its selections resolve.
    #[serde(default)]
    pub resources: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BackupRule {
    pub name: String,
    /// `ScheduleExpression` (`cron(0 5 ? * * *)`, `rate(12 hours)`).
    #[serde(default)]
    pub schedule: Option<String>,
    /// How often it runs, in hours, when known otherwise than from `schedule` (which
    /// [`BackupRule::interval_hours`] reads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_hours: Option<u32>,
    /// Regions of the vaults its copy actions copy to.
    #[serde(default)]
    pub copy_regions: Vec<String>,
}

impl BackupRule {
    /// How often the rule runs, in hours: `every_hours`, else read from the schedule.
    pub fn interval_hours(&self) -> Option<u32> {
        self.every_hours
            .or_else(|| self.schedule.as_deref().and_then(schedule_hours))
    }
}

/// The longest gap between two runs of an AWS Backup schedule expression, in hours
/// (rounded up to a whole hour): `rate(12 hours)`, `rate(1 day)`, `cron(0 5 ? * * *)`
/// (daily), `cron(0 */6 * * ? *)`, `cron(0 5 ? * SUN *)` (weekly), `cron(0 5 1 * ? *)`
/// (monthly, counted as 31 days). `None` when it is neither.
/// (aws-backup/latest/devguide/creating-a-backup-plan.html)
pub fn schedule_hours(expr: &str) -> Option<u32> {
    let expr = expr.trim();
    if let Some(body) = expr.strip_prefix("rate(").and_then(|b| b.strip_suffix(')')) {
        let (n, unit) = body.trim().split_once(' ')?;
        let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
        return match unit.trim().trim_end_matches('s') {
            "minute" => Some(n.div_ceil(60)),
            "hour" => Some(n),
            "day" => n.checked_mul(24),
            _ => None,
        };
    }
    let body = expr.strip_prefix("cron(")?.strip_suffix(')')?;
    let fields: Vec<&str> = body.split_whitespace().collect();
    let [_minute, hour, dom, _month, dow, ..] = fields[..] else {
        return None;
    };
    let any = |f: &str| f == "*" || f == "?";
    // Days between runs: every day, some days of the week, or a day of the month.
    let days = if any(dom) && any(dow) {
        1
    } else if !any(dow) {
        let per_week = dow
            .split(',')
            .map(|d| match d.split_once('-') {
                Some(_) => 5,
                None => 1,
            })
            .sum::<u32>()
            .clamp(1, 7);
        7u32.div_ceil(per_week)
    } else {
        31
    };
    if days > 1 {
        return Some(days * 24);
    }
    // Within a day: every hour, every k hours, or at listed hours.
    if any(hour) {
        return Some(1);
    }
    if let Some((_, step)) = hour.split_once('/') {
        return step.parse().ok().filter(|k| *k > 0);
    }
    let mut hours: Vec<u32> = hour
        .split(',')
        .map(|h| h.parse().ok().filter(|h| *h < 24))
        .collect::<Option<_>>()?;
    hours.sort_unstable();
    hours.dedup();
    let first = *hours.first()?;
    let gaps = hours.windows(2).map(|w| w[1] - w[0]);
    gaps.chain([first + 24 - hours[hours.len() - 1]]).max()
}

/// A resource AWS Backup holds recovery points of, with the newest one per Region
/// (its own and every copy).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProtectedResource {
    /// The protected resource's ARN.
    pub resource: String,
    pub recovery_points: Vec<RecoveryPoint>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoveryPoint {
    pub region: String,
    /// RFC 3339 creation time of the newest recovery point there.
    pub created_at: String,
    /// The plan that made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::schedule_hours;

    #[test]
    fn backup_schedules_give_the_longest_gap_between_runs() {
        assert_eq!(schedule_hours("rate(12 hours)"), Some(12));
        assert_eq!(schedule_hours("rate(1 day)"), Some(24));
        assert_eq!(schedule_hours("rate(90 minutes)"), Some(2));
        assert_eq!(schedule_hours("cron(0 5 ? * * *)"), Some(24));
        assert_eq!(schedule_hours("cron(0 */6 * * ? *)"), Some(6));
        assert_eq!(schedule_hours("cron(0 1,13 ? * * *)"), Some(12));
        assert_eq!(schedule_hours("cron(0 2,6 ? * * *)"), Some(20));
        assert_eq!(schedule_hours("cron(0 5 ? * SUN *)"), Some(168));
        assert_eq!(schedule_hours("cron(0 5 ? * MON-FRI *)"), Some(48));
        assert_eq!(schedule_hours("cron(0 5 1 * ? *)"), Some(744));
        assert_eq!(schedule_hours("cron(0 * ? * * *)"), Some(1));
        for bad in [
            "",
            "rate(0 hours)",
            "rate(3 weeks)",
            "cron(0 5)",
            "cron(0 25 ? * * *)",
            "daily",
        ] {
            assert_eq!(schedule_hours(bad), None, "{bad}");
        }
    }
}
