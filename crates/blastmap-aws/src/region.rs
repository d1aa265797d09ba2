//! One account in one Region: every service read at once, then placed on AZ IDs
//! with the account's own mapping.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_types::SdkConfig;

use super::call::{CallFailure, Caller, coverage_of};
use super::readonly::ReadOnly;
use super::{
    ScanEvent, UnitFailure, UnitState, autoscaling, clients, dynamodb, ec2, ecs, eks, elasticache,
    elbv2, lambda, rds,
};
use blastmap_core::model::{Coverage, Facts, Service};

/// A resource read in one account and Region, before it joins the estate.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: String,
    pub name: Option<String>,
    /// AZ ID of a zonal resource.
    pub az: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub facts: Facts,
}

/// A resource's identity, waiting for its facts.
pub struct Named {
    id: String,
    name: Option<String>,
    az: Option<String>,
    tags: BTreeMap<String, String>,
}

impl Named {
    pub fn new(
        id: &str,
        name: Option<String>,
        az: Option<String>,
        tags: BTreeMap<String, String>,
    ) -> Named {
        Named {
            id: id.to_string(),
            name,
            az,
            tags,
        }
    }

    pub fn facts(self, facts: Facts) -> Found {
        Found {
            id: self.id,
            name: self.name,
            az: self.az,
            tags: self.tags,
            facts,
        }
    }
}

/// Resolves AZ names and subnets to AZ IDs with one account's own mapping in one Region.
#[derive(Debug, Default)]
pub struct Placement {
    by_name: HashMap<String, String>,
    by_subnet: HashMap<String, String>,
}

impl Placement {
    pub fn new(zones: &[(String, String)], subnets: &[aws_sdk_ec2::types::Subnet]) -> Placement {
        let by_name: HashMap<String, String> = zones.iter().cloned().collect();
        let by_subnet = subnets
            .iter()
            .filter_map(|s| {
                let az = s
                    .availability_zone_id()
                    .map(str::to_string)
                    .or_else(|| by_name.get(s.availability_zone()?).cloned())?;
                Some((s.subnet_id()?.to_string(), az))
            })
            .collect();
        Placement { by_name, by_subnet }
    }

    /// The AZ ID this account calls `name`.
    pub fn az_of_name(&self, name: Option<&str>) -> Option<String> {
        self.by_name.get(name?).cloned()
    }

    pub fn az_of_subnet(&self, subnet: &str) -> Option<&str> {
        self.by_subnet.get(subnet).map(String::as_str)
    }

    /// A subnet's AZ ID, else the AZ ID of the zone name reported beside it.
    pub fn az_of(&self, subnet: Option<&str>, zone_name: Option<&str>) -> Option<String> {
        subnet
            .and_then(|s| self.az_of_subnet(s))
            .map(str::to_string)
            .or_else(|| self.az_of_name(zone_name))
    }

    /// The failure recorded for a resource whose AZ cannot be resolved.
    pub fn unplaced(&self, operation: &'static str, what: &str, id: &str) -> CallFailure {
        CallFailure::unplaced(
            operation,
            format!(
                "{what} {id} left out: its AZ is not in the account's AZ mapping or subnets \
                 (were DescribeAvailabilityZones and DescribeSubnets readable?)"
            ),
        )
    }
}

/// Everything shared by the calls of one scan.
#[derive(Debug)]
pub struct ScanContext {
    pub caller: Arc<Caller>,
    pub guard: ReadOnly,
    pub events: tokio::sync::mpsc::UnboundedSender<ScanEvent>,
}

impl ScanContext {
    /// Reports a unit's state; a closed receiver (nobody watching) is not an error.
    pub fn unit(&self, account: &str, region: &str, service: Service, state: UnitState) {
        let _ = self.events.send(ScanEvent::Unit {
            account: account.to_string(),
            region: region.to_string(),
            service,
            state,
        });
    }

    pub fn note(&self, text: String) {
        let _ = self.events.send(ScanEvent::Note(text));
    }
}

/// The services read in every account and Region.
pub const REGIONAL_SERVICES: [Service; 9] = [
    Service::Ec2,
    Service::Elbv2,
    Service::Autoscaling,
    Service::Rds,
    Service::Ecs,
    Service::Eks,
    Service::Lambda,
    Service::Elasticache,
    Service::Dynamodb,
];

/// What one account in one Region gave.
#[derive(Debug, Default)]
pub struct RegionRead {
    pub region: String,
    /// The account's AZ name → AZ ID mapping here.
    pub zones: Vec<(String, String)>,
    pub found: Vec<Found>,
    pub coverage: Vec<Coverage>,
}

/// Reads one account (`account_id`, shown as `label`) in one Region.
pub async fn read(
    ctx: Arc<ScanContext>,
    config: SdkConfig,
    account_id: String,
    label: String,
    region: String,
) -> RegionRead {
    for service in REGIONAL_SERVICES {
        ctx.unit(&label, &region, service, UnitState::Running);
    }
    let caller = ctx.caller.clone();
    let guard = &ctx.guard;
    let (ec2, elbv2, autoscaling, rds, ecs, eks, lambda, elasticache, dynamodb) = tokio::join!(
        ec2::read(
            caller.clone(),
            clients::ec2(&config, &account_id, &region, guard)
        ),
        elbv2::read(
            caller.clone(),
            clients::elbv2(&config, &account_id, &region, guard)
        ),
        autoscaling::read(
            caller.clone(),
            clients::autoscaling(&config, &account_id, &region, guard)
        ),
        rds::read(
            caller.clone(),
            clients::rds(&config, &account_id, &region, guard)
        ),
        ecs::read(
            caller.clone(),
            clients::ecs(&config, &account_id, &region, guard)
        ),
        eks::read(
            caller.clone(),
            clients::eks(&config, &account_id, &region, guard)
        ),
        lambda::read(
            caller.clone(),
            clients::lambda(&config, &account_id, &region, guard)
        ),
        elasticache::read(
            caller.clone(),
            clients::elasticache(&config, &account_id, &region, guard)
        ),
        dynamodb::read(
            caller.clone(),
            clients::dynamodb(&config, &account_id, &region, guard)
        ),
    );
    let place = Placement::new(&ec2.data.zones, &ec2.data.subnets);
    let mut out = RegionRead {
        region: region.clone(),
        zones: ec2.data.zones.clone(),
        ..Default::default()
    };
    let mut record = |service: Service, failures: Vec<CallFailure>, found: Vec<Found>| {
        let (status, message) = coverage_of(&failures);
        let unreachable = !failures.is_empty() && failures.iter().all(|f| f.unreachable.is_some());
        let state = if unreachable {
            UnitState::Failed(UnitFailure::Unreachable)
        } else {
            UnitState::Done(status)
        };
        ctx.unit(&label, &region, service, state);
        out.coverage.push(Coverage {
            account: account_id.clone(),
            region: region.clone(),
            service,
            status,
            message,
        });
        out.found.extend(found);
    };
    let mut failures = ec2.failures;
    let found = ec2::resources(&ec2.data, &place, &mut failures);
    record(Service::Ec2, failures, found);
    let mut failures = elbv2.failures;
    let found = elbv2::resources(elbv2.data, &place, &mut failures);
    record(Service::Elbv2, failures, found);
    // ECS and EKS name Auto Scaling groups by name or ARN: resolved to the groups' ids.
    let groups = autoscaling::GroupIds::new(&autoscaling.data);
    let mut failures = autoscaling.failures;
    let found = autoscaling::resources(autoscaling.data, &place, &mut failures);
    record(Service::Autoscaling, failures, found);
    let mut failures = rds.failures;
    let found = rds::resources(rds.data, &place, &mut failures);
    record(Service::Rds, failures, found);
    let mut failures = ecs.failures;
    let found = ecs::resources(&ecs.data, &place, &groups, &mut failures);
    record(Service::Ecs, failures, found);
    let found = eks::resources(&eks.data, &groups);
    record(Service::Eks, eks.failures, found);
    let mut failures = lambda.failures;
    let found = lambda::resources(lambda.data, &place, &mut failures);
    record(Service::Lambda, failures, found);
    let mut failures = elasticache.failures;
    let found = elasticache::resources(&elasticache.data, &place, &mut failures);
    record(Service::Elasticache, failures, found);
    let found = dynamodb::resources(dynamodb.data, &region);
    record(Service::Dynamodb, dynamodb.failures, found);
    out
}
