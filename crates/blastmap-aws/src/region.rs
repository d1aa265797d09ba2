//! One account in one Region: every service read at once, then placed on AZ IDs
//! with the account's own mapping.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use aws_types::SdkConfig;

use super::call::{CallFailure, Caller, Scheduler, coverage_of};
use super::readonly::ReadOnly;
use super::{
    Counters, ScanEvent, UnitFailure, UnitState, arczonalshift, autoscaling, backup, clients,
    cloudfront, dynamodb, ec2, ecs, eks, elasticache, elbv2, globalaccelerator, lambda, rds,
    route53,
};
use blastmap_core::model::{Coverage, Facts, GLOBAL_REGION, Service};

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
    /// The global cap; each (account, Region, service) unit gets a caller of its own.
    pub scheduler: Arc<Scheduler>,
    /// The unit of every STS call: they all spend the scanning credentials' quota.
    pub sts: Arc<Caller>,
    pub guard: ReadOnly,
    pub events: tokio::sync::mpsc::UnboundedSender<ScanEvent>,
    pub(crate) counters: Counters,
}

impl ScanContext {
    /// Reports a unit's state; a closed receiver (nobody watching) is not an error.
    pub fn unit(&self, account: &str, region: &str, service: Service, state: UnitState) {
        self.counters.on_unit(state);
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
pub const REGIONAL_SERVICES: [Service; 11] = [
    Service::Ec2,
    Service::Elbv2,
    Service::Autoscaling,
    Service::Rds,
    Service::Ecs,
    Service::Eks,
    Service::Lambda,
    Service::Elasticache,
    Service::Dynamodb,
    Service::Backup,
    Service::ArcZonalShift,
];

/// The global services, read once per account (in the `global` pseudo-Region).
pub const GLOBAL_SERVICES: [Service; 3] = [
    Service::Route53,
    Service::Cloudfront,
    Service::GlobalAccelerator,
];

/// One account in one Region (or `global`), where read services are recorded.
struct Unit<'a> {
    ctx: &'a ScanContext,
    account: &'a str,
    label: &'a str,
    region: &'a str,
}

impl Unit<'_> {
    /// Reports a service done and records its coverage and resources.
    fn record(
        &self,
        out: &mut RegionRead,
        service: Service,
        failures: Vec<CallFailure>,
        found: Vec<Found>,
    ) {
        let (status, message) = coverage_of(&failures);
        let unreachable = !failures.is_empty() && failures.iter().all(|f| f.unreachable.is_some());
        let state = if unreachable {
            UnitState::Failed(UnitFailure::Unreachable)
        } else {
            UnitState::Done(status)
        };
        self.ctx.unit(self.label, self.region, service, state);
        out.coverage.push(Coverage {
            account: self.account.to_string(),
            region: self.region.to_string(),
            service,
            status,
            message,
        });
        out.found.extend(found);
    }
}

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
    // Each service of this account and Region is a unit with limits of its own.
    let unit = |service: Service| ctx.scheduler.unit(service.name());
    let guard = &ctx.guard.for_account(&account_id);
    let (ec2, elbv2, autoscaling, rds, ecs, eks, lambda, elasticache, dynamodb, backup, arc) = tokio::join!(
        ec2::read(
            unit(Service::Ec2),
            clients::ec2(&config, &account_id, &region, guard)
        ),
        elbv2::read(
            unit(Service::Elbv2),
            clients::elbv2(&config, &account_id, &region, guard)
        ),
        autoscaling::read(
            unit(Service::Autoscaling),
            clients::autoscaling(&config, &account_id, &region, guard)
        ),
        rds::read(
            unit(Service::Rds),
            clients::rds(&config, &account_id, &region, guard)
        ),
        ecs::read(
            unit(Service::Ecs),
            clients::ecs(&config, &account_id, &region, guard)
        ),
        eks::read(
            unit(Service::Eks),
            clients::eks(&config, &account_id, &region, guard)
        ),
        lambda::read(
            unit(Service::Lambda),
            clients::lambda(&config, &account_id, &region, guard)
        ),
        elasticache::read(
            unit(Service::Elasticache),
            clients::elasticache(&config, &account_id, &region, guard)
        ),
        dynamodb::read(
            unit(Service::Dynamodb),
            clients::dynamodb(&config, &account_id, &region, guard)
        ),
        backup::read(
            unit(Service::Backup),
            clients::backup(&config, &account_id, &region, guard)
        ),
        arczonalshift::read(
            unit(Service::ArcZonalShift),
            clients::arczonalshift(&config, &account_id, &region, guard)
        ),
    );
    let place = Placement::new(&ec2.data.zones, &ec2.data.subnets);
    let mut out = RegionRead {
        region: region.clone(),
        zones: ec2.data.zones.clone(),
        ..Default::default()
    };
    let unit = Unit {
        ctx: &ctx,
        account: &account_id,
        label: &label,
        region: &region,
    };
    let record =
        |out: &mut RegionRead, service, failures, found| unit.record(out, service, failures, found);
    let mut failures = ec2.failures;
    let found = ec2::resources(&ec2.data, &place, &mut failures);
    record(&mut out, Service::Ec2, failures, found);
    let mut failures = elbv2.failures;
    let mut found = elbv2::resources(elbv2.data, &place, &mut failures);
    // Zonal autoshift and practice runs come from ARC, matched by load balancer ARN.
    arczonalshift::apply(&arc.data, &mut found);
    record(&mut out, Service::Elbv2, failures, found);
    record(&mut out, Service::ArcZonalShift, arc.failures, Vec::new());
    // ECS and EKS name Auto Scaling groups by name or ARN: resolved to the groups' ids.
    let groups = autoscaling::GroupIds::new(&autoscaling.data);
    let mut failures = autoscaling.failures;
    let found = autoscaling::resources(autoscaling.data, &place, &mut failures);
    record(&mut out, Service::Autoscaling, failures, found);
    let mut failures = rds.failures;
    let found = rds::resources(rds.data, &place, &mut failures);
    record(&mut out, Service::Rds, failures, found);
    let mut failures = ecs.failures;
    let found = ecs::resources(&ecs.data, &place, &groups, &mut failures);
    record(&mut out, Service::Ecs, failures, found);
    let found = eks::resources(&eks.data, &groups);
    record(&mut out, Service::Eks, eks.failures, found);
    let mut failures = lambda.failures;
    let found = lambda::resources(lambda.data, &place, &mut failures);
    record(&mut out, Service::Lambda, failures, found);
    let mut failures = elasticache.failures;
    let found = elasticache::resources(&elasticache.data, &place, &mut failures);
    record(&mut out, Service::Elasticache, failures, found);
    let found = dynamodb::resources(dynamodb.data, &region);
    record(&mut out, Service::Dynamodb, dynamodb.failures, found);
    // Last: backup selections resolve against everything else read here.
    let mut failures = backup.failures;
    let found = backup::resources(backup.data, &account_id, &region, &out.found, &mut failures);
    record(&mut out, Service::Backup, failures, found);
    out
}

/// The Region a partition's global services (Route 53, CloudFront) are signed for.
fn global_home(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "cn-northwest-1"
    } else if region.starts_with("us-gov-") {
        "us-gov-west-1"
    } else {
        "us-east-1"
    }
}

/// Reads one account's global services, once: Route 53, CloudFront, and (in the `aws`
/// partition, the only one that has it) Global Accelerator. `home` is a Region of the
/// account, which says its partition.
pub async fn read_global(
    ctx: Arc<ScanContext>,
    config: SdkConfig,
    account_id: String,
    label: String,
    home: String,
) -> RegionRead {
    let region = GLOBAL_REGION.to_string();
    let signing = global_home(&home);
    let with_accelerator = signing == "us-east-1";
    for service in GLOBAL_SERVICES {
        if service != Service::GlobalAccelerator || with_accelerator {
            ctx.unit(&label, &region, service, UnitState::Running);
        }
    }
    // Each global service of this account is a unit with limits of its own.
    let unit = |service: Service| ctx.scheduler.unit(service.name());
    let guard = &ctx.guard.for_account(&account_id);
    let accelerators = async {
        if with_accelerator {
            let client = clients::globalaccelerator(
                &config,
                &account_id,
                globalaccelerator::API_REGION,
                guard,
            );
            Some(globalaccelerator::read(unit(Service::GlobalAccelerator), client).await)
        } else {
            None
        }
    };
    let (route53, cloudfront, accelerators) = tokio::join!(
        route53::read(
            unit(Service::Route53),
            clients::route53(&config, &account_id, signing, guard)
        ),
        cloudfront::read(
            unit(Service::Cloudfront),
            clients::cloudfront(&config, &account_id, signing, guard)
        ),
        accelerators,
    );
    let mut out = RegionRead {
        region: region.clone(),
        ..Default::default()
    };
    let unit = Unit {
        ctx: &ctx,
        account: &account_id,
        label: &label,
        region: &region,
    };
    let record =
        |out: &mut RegionRead, service, failures, found| unit.record(out, service, failures, found);
    let mut failures = route53.failures;
    let found = route53::resources(route53.data, &mut failures);
    record(&mut out, Service::Route53, failures, found);
    let found = cloudfront::resources(cloudfront.data);
    record(&mut out, Service::Cloudfront, cloudfront.failures, found);
    if let Some(accelerators) = accelerators {
        let found = globalaccelerator::resources(accelerators.data);
        record(
            &mut out,
            Service::GlobalAccelerator,
            accelerators.failures,
            found,
        );
    }
    out
}
