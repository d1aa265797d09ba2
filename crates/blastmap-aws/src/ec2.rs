//! EC2: AZ mapping, VPCs, subnets, route tables, NAT gateways, security groups,
//! instances, and the vCPUs of the instance types in use.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{
    AvailabilityMode, InstanceStateName, InstanceType, NatGatewayState, RouteState, Tag,
};

use super::call::{CallFailure, Caller, Outcome, or_record};
use super::region::{Found, Named, Placement};
use blastmap_core::model::{
    Facts, Instance, NatGateway, NatMode, Route, RouteTable, SecurityGroup, Subnet, Vpc,
};

/// Instance types per `DescribeInstanceTypes` request (the API's limit).
const TYPES_PER_CALL: usize = 100;

/// What EC2 answered in one account and Region.
#[derive(Debug, Default)]
pub struct Ec2Read {
    /// AZ name → AZ ID, the account's own mapping.
    pub zones: Vec<(String, String)>,
    pub vpcs: Vec<aws_sdk_ec2::types::Vpc>,
    pub subnets: Vec<aws_sdk_ec2::types::Subnet>,
    pub route_tables: Vec<aws_sdk_ec2::types::RouteTable>,
    pub nat_gateways: Vec<aws_sdk_ec2::types::NatGateway>,
    pub security_groups: Vec<aws_sdk_ec2::types::SecurityGroup>,
    pub instances: Vec<aws_sdk_ec2::types::Instance>,
    /// Default vCPUs per instance type in use.
    pub vcpus: HashMap<String, u32>,
}

/// Reads everything at once; instance types follow the instances they describe.
pub async fn read(caller: Arc<Caller>, client: Client) -> Outcome<Ec2Read> {
    let c = &client;
    let (zones, vpcs, subnets, route_tables, nats, sgs, instances) = tokio::join!(
        caller.call(
            "DescribeAvailabilityZones",
            c.describe_availability_zones().send()
        ),
        caller.pages("DescribeVpcs", c.describe_vpcs().into_paginator().send()),
        caller.pages(
            "DescribeSubnets",
            c.describe_subnets().into_paginator().send()
        ),
        caller.pages(
            "DescribeRouteTables",
            c.describe_route_tables().into_paginator().send()
        ),
        caller.pages(
            "DescribeNatGateways",
            c.describe_nat_gateways().into_paginator().send()
        ),
        caller.pages(
            "DescribeSecurityGroups",
            c.describe_security_groups().into_paginator().send()
        ),
        caller.pages(
            "DescribeInstances",
            c.describe_instances().into_paginator().send()
        ),
    );
    let mut out = Outcome::<Ec2Read>::default();
    let f = &mut out.failures;
    let zones = or_record(f, zones.map(|z| vec![z]));
    let vpcs = or_record(f, vpcs);
    let subnets = or_record(f, subnets);
    let route_tables = or_record(f, route_tables);
    let nats = or_record(f, nats);
    let sgs = or_record(f, sgs);
    let instances = or_record(f, instances);
    out.data.zones = zones
        .iter()
        .flat_map(|z| z.availability_zones())
        .filter_map(|z| Some((z.zone_name()?.to_string(), z.zone_id()?.to_string())))
        .collect();
    out.data.vpcs = vpcs
        .into_iter()
        .flat_map(|p| p.vpcs.unwrap_or_default())
        .collect();
    out.data.subnets = subnets
        .into_iter()
        .flat_map(|p| p.subnets.unwrap_or_default())
        .collect();
    out.data.route_tables = route_tables
        .into_iter()
        .flat_map(|p| p.route_tables.unwrap_or_default())
        .collect();
    out.data.nat_gateways = nats
        .into_iter()
        .flat_map(|p| p.nat_gateways.unwrap_or_default())
        .collect();
    out.data.security_groups = sgs
        .into_iter()
        .flat_map(|p| p.security_groups.unwrap_or_default())
        .collect();
    out.data.instances = instances
        .into_iter()
        .flat_map(|p| p.reservations.unwrap_or_default())
        .flat_map(|r| r.instances.unwrap_or_default())
        .collect();

    let in_use: BTreeSet<&str> = out
        .data
        .instances
        .iter()
        .filter_map(|i| i.instance_type().map(|t| t.as_str()))
        .collect();
    let in_use: Vec<&str> = in_use.into_iter().collect();
    for chunk in in_use.chunks(TYPES_PER_CALL) {
        let request = c
            .describe_instance_types()
            .set_instance_types(Some(chunk.iter().map(|t| InstanceType::from(*t)).collect()));
        let pages = caller
            .pages("DescribeInstanceTypes", request.into_paginator().send())
            .await;
        for t in or_record(&mut out.failures, pages)
            .iter()
            .flat_map(|p| p.instance_types())
        {
            if let (Some(name), Some(vcpus)) = (
                t.instance_type(),
                t.v_cpu_info().and_then(|v| v.default_v_cpus()),
            ) {
                out.data
                    .vcpus
                    .insert(name.as_str().to_string(), vcpus.max(0) as u32);
            }
        }
    }
    out
}

/// The `Name` tag, and every tag as a map.
pub fn tags_of(tags: &[Tag]) -> (Option<String>, BTreeMap<String, String>) {
    let map: BTreeMap<String, String> = tags
        .iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect();
    (map.get("Name").cloned(), map)
}

/// Turns EC2's answers into resources; what cannot be placed is reported, not guessed.
pub fn resources(read: &Ec2Read, place: &Placement, failures: &mut Vec<CallFailure>) -> Vec<Found> {
    let mut out = Vec::new();
    for v in &read.vpcs {
        let Some(id) = v.vpc_id() else { continue };
        let (name, tags) = tags_of(v.tags());
        out.push(Named::new(id, name, None, tags).facts(Facts::Vpc(Vpc {
            cidr: v.cidr_block().map(str::to_string),
            is_default: v.is_default().unwrap_or(false),
        })));
    }
    for s in &read.subnets {
        let (Some(id), Some(vpc)) = (s.subnet_id(), s.vpc_id()) else {
            continue;
        };
        let (name, tags) = tags_of(s.tags());
        let az = s
            .availability_zone_id()
            .map(str::to_string)
            .or_else(|| place.az_of_name(s.availability_zone()));
        let Some(az) = az else {
            failures.push(place.unplaced("DescribeSubnets", "subnet", id));
            continue;
        };
        out.push(
            Named::new(id, name, Some(az), tags).facts(Facts::Subnet(Subnet {
                vpc: vpc.to_string(),
                cidr: s.cidr_block().map(str::to_string),
            })),
        );
    }
    for rt in &read.route_tables {
        let (Some(id), Some(vpc)) = (rt.route_table_id(), rt.vpc_id()) else {
            continue;
        };
        let (name, tags) = tags_of(rt.tags());
        let routes = rt
            .routes()
            .iter()
            // A blackhole route carries no traffic (its target is gone).
            .filter(|r| r.state() != Some(&RouteState::Blackhole))
            .filter_map(|r| {
                let destination = r
                    .destination_cidr_block()
                    .or(r.destination_ipv6_cidr_block())
                    .or(r.destination_prefix_list_id())?;
                let target = r
                    .nat_gateway_id()
                    .or(r.gateway_id())
                    .or(r.transit_gateway_id())
                    .or(r.vpc_peering_connection_id())
                    .or(r.egress_only_internet_gateway_id())
                    .or(r.network_interface_id())
                    .or(r.instance_id())
                    .or(r.local_gateway_id())
                    .or(r.carrier_gateway_id())
                    .or(r.core_network_arn())?;
                Some(Route {
                    destination: destination.to_string(),
                    target: target.to_string(),
                })
            })
            .collect();
        out.push(
            Named::new(id, name, None, tags).facts(Facts::RouteTable(RouteTable {
                vpc: vpc.to_string(),
                main: rt.associations().iter().any(|a| a.main() == Some(true)),
                subnets: rt
                    .associations()
                    .iter()
                    .filter_map(|a| a.subnet_id().map(str::to_string))
                    .collect(),
                routes,
            })),
        );
    }
    for n in &read.nat_gateways {
        let Some(id) = n.nat_gateway_id() else {
            continue;
        };
        // Deleted and failed NAT gateways route nothing.
        if matches!(
            n.state(),
            Some(NatGatewayState::Deleted | NatGatewayState::Deleting | NatGatewayState::Failed)
        ) {
            continue;
        }
        let (name, tags) = tags_of(n.tags());
        let regional = n.availability_mode() == Some(&AvailabilityMode::Regional);
        let az = match (regional, n.subnet_id()) {
            (true, _) => None,
            (false, Some(subnet)) => match place.az_of_subnet(subnet) {
                Some(az) => Some(az.to_string()),
                None => {
                    failures.push(place.unplaced("DescribeNatGateways", "NAT gateway", id));
                    continue;
                }
            },
            (false, None) => {
                failures.push(place.unplaced("DescribeNatGateways", "NAT gateway", id));
                continue;
            }
        };
        out.push(
            Named::new(id, name, az, tags).facts(Facts::NatGateway(NatGateway {
                subnet: if regional {
                    None
                } else {
                    n.subnet_id().map(str::to_string)
                },
                vpc: n.vpc_id().map(str::to_string),
                mode: if regional {
                    NatMode::Regional
                } else {
                    NatMode::Zonal
                },
            })),
        );
    }
    for g in &read.security_groups {
        let (Some(id), Some(group_name)) = (g.group_id(), g.group_name()) else {
            continue;
        };
        let (name, tags) = tags_of(g.tags());
        let mut ingress_from: Vec<String> = Vec::new();
        for pair in g
            .ip_permissions()
            .iter()
            .flat_map(|p| p.user_id_group_pairs())
        {
            if let Some(source) = pair.group_id()
                && !ingress_from.iter().any(|s| s == source)
            {
                ingress_from.push(source.to_string());
            }
        }
        out.push(
            Named::new(
                id,
                name.or_else(|| Some(group_name.to_string())),
                None,
                tags,
            )
            .facts(Facts::SecurityGroup(SecurityGroup {
                vpc: g.vpc_id().map(str::to_string),
                group_name: group_name.to_string(),
                ingress_from,
            })),
        );
    }
    for i in &read.instances {
        let Some(id) = i.instance_id() else { continue };
        let state = i.state().and_then(|s| s.name());
        // Terminated instances are gone; they linger in answers for an hour.
        if state == Some(&InstanceStateName::Terminated) {
            continue;
        }
        let (name, tags) = tags_of(i.tags());
        let placement = i.placement();
        let az = placement
            .and_then(|p| p.availability_zone_id())
            .map(str::to_string)
            .or_else(|| place.az_of_name(placement.and_then(|p| p.availability_zone())))
            .or_else(|| {
                i.subnet_id()
                    .and_then(|s| place.az_of_subnet(s))
                    .map(str::to_string)
            });
        let Some(az) = az else {
            failures.push(place.unplaced("DescribeInstances", "instance", id));
            continue;
        };
        let instance_type = i.instance_type().map(|t| t.as_str()).unwrap_or("unknown");
        out.push(
            Named::new(id, name, Some(az), tags).facts(Facts::Instance(Instance {
                subnet: i.subnet_id().map(str::to_string),
                instance_type: instance_type.to_string(),
                vcpus: read.vcpus.get(instance_type).copied(),
                security_groups: i
                    .security_groups()
                    .iter()
                    .filter_map(|g| g.group_id().map(str::to_string))
                    .collect(),
                state: state.map_or("unknown", |s| s.as_str()).to_string(),
            })),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use aws_sdk_ec2::types::{
        self as sdk, AvailabilityMode, NatGatewayState, Placement as SdkPlacement, RouteState,
    };

    use super::*;

    fn place() -> Placement {
        let subnet = sdk::Subnet::builder()
            .subnet_id("subnet-a")
            .availability_zone("us-east-1a")
            .build();
        Placement::new(&[("us-east-1a".into(), "use1-az4".into())], &[subnet])
    }

    fn facts_of(found: &[Found], id: &str) -> Facts {
        found
            .iter()
            .find(|f| f.id == id)
            .unwrap_or_else(|| panic!("{id} not found"))
            .facts
            .clone()
    }

    #[test]
    fn regional_nat_gateways_have_no_az_and_gone_ones_are_left_out() {
        let read = Ec2Read {
            nat_gateways: vec![
                sdk::NatGateway::builder()
                    .nat_gateway_id("nat-regional")
                    .vpc_id("vpc-1")
                    .availability_mode(AvailabilityMode::Regional)
                    .state(NatGatewayState::Available)
                    .build(),
                sdk::NatGateway::builder()
                    .nat_gateway_id("nat-zonal")
                    .subnet_id("subnet-a")
                    .state(NatGatewayState::Available)
                    .build(),
                sdk::NatGateway::builder()
                    .nat_gateway_id("nat-deleted")
                    .subnet_id("subnet-a")
                    .state(NatGatewayState::Deleted)
                    .build(),
            ],
            ..Default::default()
        };
        let mut failures = Vec::new();
        let found = resources(&read, &place(), &mut failures);
        assert!(failures.is_empty(), "{failures:?}");
        assert_eq!(found.len(), 2);
        let regional = found.iter().find(|f| f.id == "nat-regional").unwrap();
        assert_eq!(regional.az, None);
        assert!(matches!(&regional.facts, Facts::NatGateway(n) if n.mode == NatMode::Regional));
        let zonal = found.iter().find(|f| f.id == "nat-zonal").unwrap();
        assert_eq!(zonal.az.as_deref(), Some("use1-az4"));
    }

    #[test]
    fn blackhole_routes_are_dropped_and_the_main_flag_is_kept() {
        let read = Ec2Read {
            route_tables: vec![
                sdk::RouteTable::builder()
                    .route_table_id("rtb-1")
                    .vpc_id("vpc-1")
                    .associations(sdk::RouteTableAssociation::builder().main(true).build())
                    .routes(
                        sdk::Route::builder()
                            .destination_cidr_block("0.0.0.0/0")
                            .nat_gateway_id("nat-gone")
                            .state(RouteState::Blackhole)
                            .build(),
                    )
                    .routes(
                        sdk::Route::builder()
                            .destination_cidr_block("10.0.0.0/16")
                            .gateway_id("local")
                            .state(RouteState::Active)
                            .build(),
                    )
                    .build(),
            ],
            ..Default::default()
        };
        let found = resources(&read, &place(), &mut Vec::new());
        let Facts::RouteTable(rt) = facts_of(&found, "rtb-1") else {
            panic!("not a route table");
        };
        assert!(rt.main);
        assert_eq!(
            rt.routes,
            vec![Route {
                destination: "10.0.0.0/16".into(),
                target: "local".into()
            }]
        );
    }

    #[test]
    fn an_instance_is_placed_by_its_subnet_when_its_zone_name_is_unknown() {
        let read = Ec2Read {
            instances: vec![
                sdk::Instance::builder()
                    .instance_id("i-1")
                    .subnet_id("subnet-a")
                    .placement(
                        SdkPlacement::builder()
                            .availability_zone("unknown-1z")
                            .build(),
                    )
                    .build(),
                sdk::Instance::builder()
                    .instance_id("i-nowhere")
                    .placement(
                        SdkPlacement::builder()
                            .availability_zone("unknown-1z")
                            .build(),
                    )
                    .build(),
            ],
            ..Default::default()
        };
        let mut failures = Vec::new();
        let found = resources(&read, &place(), &mut failures);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].az.as_deref(), Some("use1-az4"));
        assert_eq!(failures.len(), 1, "the unplaceable instance is reported");
        assert!(failures[0].message.contains("i-nowhere"));
    }
}
