//! Resources of an estate and the kind-specific facts the rules need.
//!
//! Facts hold references to other resources by their snapshot id (an ARN or an
//! AWS id such as `i-0abc`) and to AZs by AZ ID; [`super::Estate`] checks
//! every reference when it is built, so the engine can resolve them freely.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::services::*;
use super::{AccountIdx, AzIdx, RegionIdx};

/// Declares the resource kinds once: the `Kind` enum, the `Facts` enum and
/// the snapshot key of each kind's facts all come from this list.
macro_rules! resource_kinds {
    ($($variant:ident => $key:literal, $label:literal;)+) => {
        /// What a resource is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Kind { $($variant,)+ }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)+];

            /// The key of this kind in snapshots and JSON (`load_balancer`).
            pub fn key(self) -> &'static str {
                match self { $(Kind::$variant => $key,)+ }
            }

            /// A short human label ("load balancer").
            pub fn label(self) -> &'static str {
                match self { $(Kind::$variant => $label,)+ }
            }

            pub fn from_key(key: &str) -> Option<Kind> {
                match key { $($key => Some(Kind::$variant),)+ _ => None }
            }
        }

        /// The kind-specific facts of a resource.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Facts { $($variant($variant),)+ }

        impl Facts {
            pub fn kind(&self) -> Kind {
                match self { $(Facts::$variant(_) => Kind::$variant,)+ }
            }

            /// Reads the facts stored under `kind`'s key from a serde map.
            pub(crate) fn next_value_of<'de, A: serde::de::MapAccess<'de>>(
                kind: Kind,
                map: &mut A,
            ) -> Result<Facts, A::Error> {
                Ok(match kind { $(Kind::$variant => Facts::$variant(map.next_value()?),)+ })
            }

            /// Writes the facts as a serde map entry under the kind's key.
            pub(crate) fn serialize_entry<M: serde::ser::SerializeMap>(&self, map: &mut M) -> Result<(), M::Error> {
                match self { $(Facts::$variant(f) => map.serialize_entry($key, f),)+ }
            }
        }
    };
}

resource_kinds! {
    Vpc => "vpc", "VPC";
    Subnet => "subnet", "subnet";
    RouteTable => "route_table", "route table";
    NatGateway => "nat_gateway", "NAT gateway";
    SecurityGroup => "security_group", "security group";
    LoadBalancer => "load_balancer", "load balancer";
    TargetGroup => "target_group", "target group";
    Instance => "instance", "EC2 instance";
    AutoScalingGroup => "auto_scaling_group", "Auto Scaling group";
    DbInstance => "db_instance", "RDS instance";
    DbCluster => "db_cluster", "DB cluster";
    EcsCluster => "ecs_cluster", "ECS cluster";
    EcsService => "ecs_service", "ECS service";
    EcsTask => "ecs_task", "ECS task";
    EksCluster => "eks_cluster", "EKS cluster";
    EksNodegroup => "eks_nodegroup", "EKS node group";
    LambdaFunction => "lambda_function", "Lambda function";
    CacheReplicationGroup => "cache_replication_group", "ElastiCache replication group";
    CacheCluster => "cache_cluster", "ElastiCache cluster";
    ServerlessCache => "serverless_cache", "ElastiCache serverless cache";
    DynamodbTable => "dynamodb_table", "DynamoDB table";
    DnsRecords => "dns_records", "Route 53 records";
    BackupPlan => "backup_plan", "AWS Backup plan";
    ProtectedResource => "protected_resource", "AWS Backup protected resource";
    Accelerator => "accelerator", "Global Accelerator";
    Distribution => "distribution", "CloudFront distribution";
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

/// One resource of the estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// Unique in the estate: an ARN, or an AWS id such as `i-0abc` / `subnet-0abc`.
    pub id: String,
    pub name: String,
    pub account: AccountIdx,
    pub region: RegionIdx,
    /// The AZ a zonal resource lives in; `None` for regional resources.
    pub az: Option<AzIdx>,
    pub tags: BTreeMap<String, String>,
    pub facts: Facts,
}

impl Resource {
    pub fn kind(&self) -> Kind {
        self.facts.kind()
    }

    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }

    /// The AZ a zonal NAT gateway lives in; `None` for a regional one (or any other kind).
    pub fn zonal_nat_az(&self) -> Option<AzIdx> {
        match &self.facts {
            Facts::NatGateway(n) if n.mode == NatMode::Zonal => self.az,
            _ => None,
        }
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub is_default: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub vpc: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub vpc: String,
    /// The VPC's main route table serves every subnet without an explicit association.
    #[serde(default, skip_serializing_if = "is_false")]
    pub main: bool,
    /// Explicitly associated subnets.
    #[serde(default)]
    pub subnets: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub destination: String,
    /// A gateway id: `nat-…`, `igw-…`, `tgw-…`, `local`, …
    pub target: String,
}

impl RouteTable {
    /// The NAT gateway id behind the default IPv4 route, if any.
    pub fn default_route_target(&self) -> Option<&str> {
        self.routes
            .iter()
            .find(|r| r.destination == "0.0.0.0/0")
            .map(|r| r.target.as_str())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NatMode {
    /// Lives in its subnet's AZ (the resource's `az`).
    #[default]
    Zonal,
    /// `AvailabilityMode = regional`: spans the Region's AZs.
    Regional,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    /// The subnet a zonal NAT gateway lives in (none for a regional one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    #[serde(default)]
    pub vpc: Option<String>,
    #[serde(default)]
    pub mode: NatMode,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    #[serde(default)]
    pub vpc: Option<String>,
    /// The group's name (`default` for a VPC's default group).
    pub group_name: String,
    /// Security groups this group allows ingress from (`UserIdGroupPairs`).
    #[serde(default)]
    pub ingress_from: Vec<String>,
}

impl SecurityGroup {
    pub fn is_default(&self) -> bool {
        self.group_name == "default"
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LbType {
    #[default]
    Application,
    Network,
    Gateway,
}

impl LbType {
    pub fn short(self) -> &'static str {
        match self {
            LbType::Application => "ALB",
            LbType::Network => "NLB",
            LbType::Gateway => "GWLB",
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scheme {
    #[default]
    InternetFacing,
    Internal,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoadBalancer {
    #[serde(rename = "type")]
    pub lb_type: LbType,
    pub scheme: Scheme,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_name: Option<String>,
    /// Enabled AZs: a load balancer node lives in each.
    pub zones: Vec<LbZone>,
    /// The `load_balancing.cross_zone.enabled` attribute. ALBs are always
    /// cross-zone at the load-balancer level whatever this says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_zone: Option<bool>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default)]
    pub listeners: Vec<Listener>,
    /// ARC zonal shift readiness (`../shared/domain.md` §10); `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zonal_shift: Option<ZonalShift>,
}

/// Whether ARC can move a load balancer's traffic away from one AZ.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZonalShift {
    /// The `zonal_shift.config.enabled` attribute: a zonal shift can be started.
    pub enabled: bool,
    /// Zonal autoshift (`ListManagedResources` `zonalAutoshiftStatus`): AWS shifts
    /// traffic away from an impaired AZ by itself. `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoshift: Option<bool>,
    /// Weekly practice runs (`practiceRunStatus`). `None` when not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice_runs: Option<bool>,
}

impl LoadBalancer {
    pub fn is_internet_facing(&self) -> bool {
        self.scheme == Scheme::InternetFacing
    }

    /// Cross-zone load balancing at the load-balancer level.
    /// ALB: always on; NLB and GWLB: off unless the attribute turns it on.
    pub fn cross_zone_enabled(&self) -> bool {
        match self.lb_type {
            LbType::Application => true,
            LbType::Network | LbType::Gateway => self.cross_zone.unwrap_or(false),
        }
    }

    /// Target groups forwarded to by any listener or rule, in order, without repeats.
    pub fn forwarded_target_groups(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for tg in self.listeners.iter().flat_map(|l| l.target_groups.iter()) {
            if !out.contains(&tg.as_str()) {
                out.push(tg);
            }
        }
        out
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LbZone {
    /// AZ ID (ELBv2 only reports the name: discovery maps it through the subnet).
    pub az: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Listener {
    #[serde(default)]
    pub port: Option<u16>,
    #[serde(default)]
    pub protocol: Option<String>,
    /// Target groups of the default action and of every rule's forward action.
    #[serde(default)]
    pub target_groups: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetType {
    #[default]
    Instance,
    Ip,
    Lambda,
    Alb,
}

/// The target group's `load_balancing.cross_zone.enabled` attribute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrossZone {
    /// `use_load_balancer_configuration`.
    #[default]
    Inherit,
    On,
    Off,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroup {
    pub target_type: TargetType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub cross_zone: CrossZone,
    #[serde(default)]
    pub targets: Vec<Target>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// An instance id, an IP address, a Lambda ARN or a load balancer ARN.
    pub id: String,
    /// AZ ID of the target; `all` (outside the VPC, Lambda) or absent means not zonal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(default)]
    pub health: TargetHealth,
}

impl Target {
    /// The AZ ID of a zonal target (`all` is not zonal).
    pub fn zonal_az(&self) -> Option<&str> {
        self.az.as_deref().filter(|az| *az != "all")
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetHealth {
    #[default]
    Healthy,
    Initial,
    Unhealthy,
    Unused,
    Draining,
    /// Health checks are disabled: the target receives traffic.
    Unavailable,
}

impl TargetHealth {
    /// Whether the target takes traffic (and so counts as capacity).
    pub fn serves(self) -> bool {
        matches!(self, TargetHealth::Healthy | TargetHealth::Unavailable)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet: Option<String>,
    pub instance_type: String,
    /// Default vCPUs of the instance type, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vcpus: Option<u32>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    #[serde(default = "running")]
    pub state: String,
}

pub(super) fn running() -> String {
    "running".to_string()
}

impl Instance {
    pub fn is_running(&self) -> bool {
        self.state == "running"
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingGroup {
    /// Subnets of `VPCZoneIdentifier`.
    #[serde(default)]
    pub subnets: Vec<String>,
    /// AZ IDs the group launches into (the AZs of its subnets).
    pub azs: Vec<String>,
    pub min: u32,
    pub desired: u32,
    pub max: u32,
    /// Instance ids of the group's in-service instances.
    #[serde(default)]
    pub instances: Vec<String>,
    #[serde(default)]
    pub target_groups: Vec<String>,
    /// `AvailabilityZoneImpairmentPolicy`; `None` when not read or not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub az_impairment: Option<AzImpairmentPolicy>,
}

/// How an Auto Scaling group behaves while one of its AZs is impaired or shifted away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzImpairmentPolicy {
    /// `ZonalShiftEnabled`: a zonal shift also stops launches into the AZ.
    pub zonal_shift: bool,
    /// `ImpairedZoneHealthCheckBehavior`: `true` for `ReplaceUnhealthy`, `false` for
    /// `IgnoreUnhealthy` (instances in the impaired AZ are left alone).
    #[serde(default)]
    pub replace_unhealthy: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbInstance {
    pub engine: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_class: Option<String>,
    #[serde(default)]
    pub multi_az: bool,
    /// AZ ID of the Multi-AZ standby (`SecondaryAvailabilityZone`), when reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_az: Option<String>,
    #[serde(default)]
    pub backup_retention_days: u32,
    /// Regions its automated backups are replicated to
    /// (`DBInstanceAutomatedBackupsReplications`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub backup_replicated_to: Vec<String>,
    #[serde(default)]
    pub deletion_protection: bool,
    /// The cluster this instance is a member of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// `ReadReplicaSourceDBInstanceIdentifier`, as a resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_replica_source: Option<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DbCluster {
    pub engine: String,
    /// `DBClusterMembers`: instance ids with the writer flag.
    #[serde(default)]
    pub members: Vec<ClusterMember>,
    #[serde(default)]
    pub backup_retention_days: u32,
    #[serde(default)]
    pub deletion_protection: bool,
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `GlobalClusterIdentifier` of an Aurora global database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_cluster: Option<String>,
}

impl DbCluster {
    pub fn is_aurora(&self) -> bool {
        self.engine.starts_with("aurora")
    }

    /// A Multi-AZ DB cluster (RDS for PostgreSQL or MySQL: a writer and two readable
    /// standbys); other clusters (Aurora, DocumentDB, Neptune) share storage across AZs.
    pub fn is_multi_az_db_cluster(&self) -> bool {
        matches!(self.engine.as_str(), "postgres" | "mysql")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterMember {
    pub instance: String,
    #[serde(default)]
    pub writer: bool,
}
