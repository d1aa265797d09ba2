//! The estate: accounts, Regions, AZs (by AZ ID) and resources, as a petgraph graph.
//!
//! Every zonal resource is keyed by `(account, region, az_id)`; AZ names are
//! per account and kept only for display
//! (docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html).

mod build;
mod consistency;
mod error;
mod graph;
mod index;
mod links;
mod resource;
mod services;
mod unique;

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

pub use build::{EstateBuilder, EstateParts};
pub use error::{Misplaced, MissingReference, ModelError, Whereabouts};
pub use graph::{Edge, EdgeKind};
pub use resource::*;
pub use services::*;
pub use unique::{UniqueMap, unique_map};

/// Index of a resource in [`Estate::resources`] (and of its graph node).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResIdx(pub u32);

impl ResIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountIdx(pub u32);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionIdx(pub u16);

/// A physical Availability Zone (an AZ ID such as `use1-az1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AzIdx(pub u16);

impl AccountIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl RegionIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
impl AzIdx {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A fault domain a what-if can lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Domain {
    Az(AzIdx),
    Region(RegionIdx),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Account {
    pub id: String,
    /// A readable name (alias or profile); the id when none is known.
    pub name: String,
    /// This account's own AZ names, per AZ.
    pub az_names: BTreeMap<AzIdx, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Az {
    /// The AZ ID, e.g. `use1-az1`.
    pub id: String,
    pub region: RegionIdx,
}

/// Where the estate came from and when.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    /// `demo`, `scan`, `synthetic`, … (free text).
    #[serde(default)]
    pub source: String,
    /// RFC 3339 capture time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The AWS service a scan reads; coverage is recorded per account, Region and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    Ec2,
    Elbv2,
    Autoscaling,
    Rds,
    Sts,
    Ecs,
    Eks,
    Lambda,
    Elasticache,
    Dynamodb,
    Route53,
    /// AWS's own name: `globalaccelerator`.
    #[serde(rename = "globalaccelerator")]
    GlobalAccelerator,
    Cloudfront,
    Backup,
}

impl Service {
    /// The service that owns resources of `kind`.
    pub fn of_kind(kind: Kind) -> Service {
        match kind {
            Kind::Vpc
            | Kind::Subnet
            | Kind::RouteTable
            | Kind::NatGateway
            | Kind::SecurityGroup
            | Kind::Instance => Service::Ec2,
            Kind::LoadBalancer | Kind::TargetGroup => Service::Elbv2,
            Kind::AutoScalingGroup => Service::Autoscaling,
            Kind::DbInstance | Kind::DbCluster => Service::Rds,
            Kind::EcsCluster | Kind::EcsService | Kind::EcsTask => Service::Ecs,
            Kind::EksCluster | Kind::EksNodegroup => Service::Eks,
            Kind::LambdaFunction => Service::Lambda,
            Kind::CacheReplicationGroup | Kind::CacheCluster | Kind::ServerlessCache => {
                Service::Elasticache
            }
            Kind::DynamodbTable => Service::Dynamodb,
            Kind::DnsRecords => Service::Route53,
            Kind::Accelerator => Service::GlobalAccelerator,
            Kind::Distribution => Service::Cloudfront,
            Kind::BackupPlan | Kind::ProtectedResource => Service::Backup,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Service::Ec2 => "ec2",
            Service::Elbv2 => "elbv2",
            Service::Autoscaling => "autoscaling",
            Service::Rds => "rds",
            Service::Sts => "sts",
            Service::Ecs => "ecs",
            Service::Eks => "eks",
            Service::Lambda => "lambda",
            Service::Elasticache => "elasticache",
            Service::Dynamodb => "dynamodb",
            Service::Route53 => "route53",
            Service::GlobalAccelerator => "globalaccelerator",
            Service::Cloudfront => "cloudfront",
            Service::Backup => "backup",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageStatus {
    Ok,
    Denied,
    Throttled,
    Error,
}

/// Whether a scan could read one service in one account and Region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub account: String,
    pub region: String,
    pub service: Service,
    pub status: CoverageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// What an overlay (or a person) declared beyond what AWS reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declared {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<DeclaredDependency>,
    /// Service name per load balancer id (overrides the `blastmap:service` tag).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_map"
    )]
    pub services: BTreeMap<String, String>,
    /// Load balancers or target groups whose targets need NAT egress to serve at all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hard_egress: Vec<String>,
    /// The disaster-recovery tier a service must reach, per service name
    /// (overrides the `blastmap:dr-tier` tag).
    #[serde(
        default,
        skip_serializing_if = "BTreeMap::is_empty",
        deserialize_with = "unique_map"
    )]
    pub dr_tiers: BTreeMap<String, DrTier>,
}

/// The disaster-recovery options of AWS's whitepaper (`../shared/domain.md` §6),
/// from the least to the most resilient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DrTier {
    /// No copy of the service outside its Region.
    None,
    /// Backups copied outside the Region: restore there (RTO hours).
    BackupRestore,
    /// Data replicated to another Region, no compute running there (tens of minutes).
    PilotLight,
    /// A second Region running, smaller or idle, behind failover (minutes).
    WarmStandby,
    /// Several Regions serving at once behind an evaluated entry point (near zero).
    ActiveActive,
}

impl DrTier {
    pub fn as_str(self) -> &'static str {
        match self {
            DrTier::None => "none",
            DrTier::BackupRestore => "backup-restore",
            DrTier::PilotLight => "pilot-light",
            DrTier::WarmStandby => "warm-standby",
            DrTier::ActiveActive => "active-active",
        }
    }

    /// For people: `warm standby`.
    pub fn label(self) -> &'static str {
        match self {
            DrTier::None => "no DR",
            DrTier::BackupRestore => "backup & restore",
            DrTier::PilotLight => "pilot light",
            DrTier::WarmStandby => "warm standby",
            DrTier::ActiveActive => "multi-site active/active",
        }
    }

    pub fn parse(text: &str) -> Option<DrTier> {
        [
            DrTier::None,
            DrTier::BackupRestore,
            DrTier::PilotLight,
            DrTier::WarmStandby,
            DrTier::ActiveActive,
        ]
        .into_iter()
        .find(|t| t.as_str() == text.trim().to_ascii_lowercase())
    }
}

impl Declared {
    /// Why a declaration in `field` cannot name a resource of `kind`, if it cannot:
    /// only these kinds start a dependency, carry a service name or have targets.
    pub fn wrong_kind(field: &str, kind: Kind) -> Option<&'static str> {
        use Kind::*;
        let (allowed, say): (&[Kind], _) = match field {
            "dependencies.from" => (
                &[
                    LoadBalancer,
                    TargetGroup,
                    AutoScalingGroup,
                    Instance,
                    EcsService,
                    LambdaFunction,
                    EksNodegroup,
                ],
                "a dependency starts at a load balancer, target group, Auto Scaling group, \
                 instance, ECS service, EKS node group or Lambda function",
            ),
            "services" => (&[LoadBalancer], "a service is named on a load balancer"),
            "hard_egress" => (
                &[LoadBalancer, TargetGroup],
                "hard egress is declared on a load balancer or target group",
            ),
            _ => return None,
        };
        (!allowed.contains(&kind)).then_some(say)
    }

    /// Drops the declarations that name a resource of a kind they cannot, and says
    /// which (`kind_of` gives a resource's kind by id; unknown ids are kept).
    pub fn retain_declarable(&mut self, kind_of: impl Fn(&str) -> Option<Kind>) -> Vec<String> {
        let mut notes = Vec::new();
        let mut fits = |field: &str, id: &str| match kind_of(id)
            .and_then(|k| Self::wrong_kind(field, k).map(|why| (k, why)))
        {
            Some((k, why)) => {
                notes.push(format!(
                    "declared {field} {id:?} ({}): {why}; left out",
                    k.label()
                ));
                false
            }
            None => true,
        };
        self.dependencies
            .retain(|d| fits("dependencies.from", &d.from));
        self.services.retain(|lb, _| fits("services", lb));
        self.hard_egress.retain(|id| fits("hard_egress", id));
        crate::text::summarised(notes)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredDependency {
    /// A load balancer, target group, Auto Scaling group or instance.
    pub from: String,
    /// The resource it depends on.
    pub to: String,
    /// A hard dependency takes the path down when it is down; a soft one degrades it.
    #[serde(default = "yes")]
    pub hard: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

/// A resource as reports name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceRef {
    pub id: String,
    pub name: String,
    /// The snapshot kind (`db_instance`).
    pub kind: &'static str,
}

/// The pseudo-Region of global services (Route 53, Global Accelerator, CloudFront):
/// no what-if can lose it, and it holds no AZ.
pub const GLOBAL_REGION: &str = "global";

/// The tag that groups load balancers into one service.
pub const SERVICE_TAG: &str = "blastmap:service";
/// The DR tier a service must reach, on any of its load balancers (`warm-standby`, …).
pub const DR_TIER_TAG: &str = "blastmap:dr-tier";
/// Tags declaring what a resource needs: ids or names, separated by spaces.
pub const DEPENDS_ON_TAG: &str = "blastmap:depends-on";
pub const DEPENDS_ON_SOFT_TAG: &str = "blastmap:depends-on-soft";
/// `hard` on a load balancer or target group: its targets cannot serve without NAT egress.
pub const EGRESS_TAG: &str = "blastmap:egress";

/// An AWS estate: accounts, Regions, AZs and resources, with their graph.
#[derive(Debug, Clone)]
pub struct Estate {
    pub meta: Meta,
    accounts: Vec<Account>,
    regions: Vec<String>,
    azs: Vec<Az>,
    resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
    pub declared: Declared,
    /// What the estate holds that AWS can report but a reader should hear about (a DB
    /// cluster without a writer, a dependency declared twice): said once, on loading.
    pub notes: Vec<String>,
    by_id: index::IdIndex,
    graph: graph::EstateGraph,
}

impl Estate {
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// How many AWS Regions the estate spans (the `global` pseudo-Region not counted).
    pub fn region_count(&self) -> usize {
        self.regions.iter().filter(|r| *r != GLOBAL_REGION).count()
    }
    pub fn azs(&self) -> &[Az] {
        &self.azs
    }
    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }
    pub fn resource(&self, idx: ResIdx) -> &Resource {
        &self.resources[idx.index()]
    }
    pub fn resource_ref(&self, idx: ResIdx) -> ResourceRef {
        let r = self.resource(idx);
        ResourceRef {
            id: r.id.clone(),
            name: r.name.clone(),
            kind: r.kind().key(),
        }
    }
    pub fn account(&self, idx: AccountIdx) -> &Account {
        &self.accounts[idx.index()]
    }
    pub fn region_name(&self, idx: RegionIdx) -> &str {
        &self.regions[idx.index()]
    }
    pub fn az(&self, idx: AzIdx) -> &Az {
        &self.azs[idx.index()]
    }
    pub fn az_id(&self, idx: AzIdx) -> &str {
        &self.azs[idx.index()].id
    }

    pub fn find(&self, id: &str) -> Option<ResIdx> {
        self.by_id.get(&self.resources, id)
    }

    pub fn az_by_id(&self, id: &str) -> Option<AzIdx> {
        self.azs
            .iter()
            .position(|az| az.id == id)
            .map(|i| AzIdx(i as u16))
    }

    pub fn region_by_name(&self, name: &str) -> Option<RegionIdx> {
        self.regions
            .iter()
            .position(|r| r == name)
            .map(|i| RegionIdx(i as u16))
    }

    /// `account`'s own name for the AZ (`us-east-1b`), when known.
    pub fn az_name(&self, account: AccountIdx, az: AzIdx) -> Option<&str> {
        self.accounts[account.index()]
            .az_names
            .get(&az)
            .map(String::as_str)
    }

    /// Every account's name for the AZ, as `(account name, az name)`.
    pub fn az_names(&self, az: AzIdx) -> Vec<(&str, &str)> {
        self.accounts
            .iter()
            .filter_map(|a| a.az_names.get(&az).map(|n| (a.name.as_str(), n.as_str())))
            .collect()
    }

    /// The fault domains a what-if can lose: every AZ (grouped by Region), then every Region.
    pub fn domains(&self) -> Vec<Domain> {
        let mut azs: Vec<AzIdx> = (0..self.azs.len()).map(|i| AzIdx(i as u16)).collect();
        azs.sort_by(|a, b| {
            let key = |x: &AzIdx| (self.region_name(self.az(*x).region), self.az_id(*x));
            key(a).cmp(&key(b))
        });
        // The `global` pseudo-Region of Route 53, Global Accelerator and CloudFront is
        // no fault domain: AWS runs their data planes outside any one Region.
        let mut regions: Vec<RegionIdx> = (0..self.regions.len())
            .map(|i| RegionIdx(i as u16))
            .filter(|r| self.region_name(*r) != GLOBAL_REGION)
            .collect();
        regions.sort_by(|a, b| self.region_name(*a).cmp(self.region_name(*b)));
        azs.into_iter()
            .map(Domain::Az)
            .chain(regions.into_iter().map(Domain::Region))
            .collect()
    }

    pub fn domain_name(&self, domain: Domain) -> &str {
        match domain {
            Domain::Az(az) => self.az_id(az),
            Domain::Region(r) => self.region_name(r),
        }
    }

    /// Parses a fault domain: an AZ ID (`use1-az1`) or a Region (`us-east-1`).
    pub fn parse_domain(&self, text: &str) -> Result<Domain, ModelError> {
        // AZ IDs and Region names are lower case: USE1-AZ4 means use1-az4.
        let lower = text.trim().to_ascii_lowercase();
        let text = lower.as_str();
        if let Some(az) = self.az_by_id(text) {
            return Ok(Domain::Az(az));
        }
        if let Some(region) = self.region_by_name(text)
            && text != GLOBAL_REGION
        {
            return Ok(Domain::Region(region));
        }
        // An AZ *name* means a different place in each account: say which.
        let meanings: Vec<String> = self
            .accounts
            .iter()
            .flat_map(|a| {
                a.az_names
                    .iter()
                    .filter(|(_, name)| name.as_str() == text)
                    .map(|(az, _)| format!("{} in {}", self.az_id(*az), a.name))
            })
            .collect();
        let known = self
            .domains()
            .into_iter()
            .map(|d| self.domain_name(d).to_string())
            .collect();
        Err(ModelError::UnknownDomain {
            given: text.to_string(),
            az_name_meanings: meanings,
            known,
        })
    }

    /// The service a load balancer belongs to: a declaration, else the `blastmap:service` tag.
    pub fn service_of(&self, lb: ResIdx) -> Option<&str> {
        let r = self.resource(lb);
        self.declared
            .services
            .get(&r.id)
            .map(String::as_str)
            .or_else(|| r.tag(SERVICE_TAG))
    }

    /// `storefront-alb → storefront-web`: a load balancer forwarding to a target group.
    pub fn forwarding_label(&self, lb: ResIdx, tg: ResIdx) -> String {
        format!("{} → {}", self.resource(lb).name, self.resource(tg).name)
    }

    /// Edges leaving `idx`, with their targets.
    pub fn edges_from(&self, idx: ResIdx) -> impl Iterator<Item = (Edge, ResIdx)> + '_ {
        self.graph.edges_from(idx)
    }

    /// Edges arriving at `idx`, with their sources.
    pub fn edges_to(&self, idx: ResIdx) -> impl Iterator<Item = (Edge, ResIdx)> + '_ {
        self.graph.edges_to(idx)
    }

    pub fn edge_count(&self) -> usize {
        self.graph.edge_count()
    }

    /// Every edge as `(from, edge, to)`.
    pub fn edges(&self) -> impl Iterator<Item = (ResIdx, Edge, ResIdx)> + '_ {
        self.graph.all_edges()
    }

    /// Coverage entries that are not `ok`.
    pub fn coverage_gaps(&self) -> impl Iterator<Item = &Coverage> {
        self.coverage
            .iter()
            .filter(|c| c.status != CoverageStatus::Ok)
    }

    /// The instances behind a target group, each once: its registered instance targets
    /// with their registered health, then the in-service instances of the Auto Scaling
    /// groups attached to it (`None`: no registration of their own).
    pub fn target_instances(&self, tg: ResIdx) -> Vec<(ResIdx, Option<TargetHealth>)> {
        let mut seen: HashSet<ResIdx> = HashSet::new();
        let mut out = Vec::new();
        if let Facts::TargetGroup(f) = &self.resource(tg).facts
            && f.target_type == TargetType::Instance
        {
            for t in &f.targets {
                if let Some(i) = self.find(&t.id)
                    && seen.insert(i)
                {
                    out.push((i, Some(t.health)));
                }
            }
        }
        let groups = self.edges_from(tg).filter(|(e, to)| {
            e.kind == EdgeKind::RoutesTo && self.resource(*to).kind() == Kind::AutoScalingGroup
        });
        for (_, asg) in groups {
            for (e, inst) in self.edges_to(asg) {
                if e.kind == EdgeKind::MemberOf
                    && self.resource(inst).kind() == Kind::Instance
                    && seen.insert(inst)
                {
                    out.push((inst, None));
                }
            }
        }
        out
    }

    /// Takes the estate apart, keeping every index (accounts, Regions, AZs and resources
    /// stay in order), so a transformed copy can be rebuilt with [`EstateBuilder::from_parts`].
    pub fn into_parts(self) -> EstateParts {
        EstateParts {
            meta: self.meta,
            accounts: self.accounts,
            regions: self.regions,
            azs: self.azs,
            resources: self.resources,
            coverage: self.coverage,
            declared: self.declared,
        }
    }

    /// Resources that are internet-facing load balancers: where user-facing paths start.
    pub fn internet_facing_load_balancers(&self) -> impl Iterator<Item = ResIdx> + '_ {
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(&r.facts, Facts::LoadBalancer(lb) if lb.is_internet_facing()))
            .map(|(i, _)| ResIdx(i as u32))
    }
}
