//! What the resources say about each other, checked once every reference resolves.
//! Facts AWS never reports together are refused (`docs/snapshot.md`, "What is
//! refused"): a resource tied to two VPCs, an instance in two Auto Scaling groups, two
//! main route tables in a VPC, a DB cluster with two writers, min > desired, a Multi-AZ
//! standby in the primary's AZ. Facts AWS can report but a reader should hear about
//! become notes (a DB cluster without a writer, a dependency declared twice).

use foldhash::{HashMap, HashMapExt};

use super::index::IdIndex;
use super::{Az, Declared, DeclaredDependency, Facts, Misplaced, ModelError, Resource};
use crate::text::{count, summarised};

/// Refuses what no AWS estate holds; returns the notes for what AWS can report.
pub(super) fn check(
    resources: &[Resource],
    azs: &[Az],
    index: &IdIndex,
) -> Result<Vec<String>, ModelError> {
    let find = |id: &str| index.get(resources, id).map(|i| &resources[i.index()]);
    within_bounds(resources, azs)?;
    let misplaced: Vec<Misplaced> = [
        one_vpc_each(resources, &find),
        one_group_each(resources, &find),
        one_main_table_each(resources, &find),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !misplaced.is_empty() {
        return Err(ModelError::Misplaced(misplaced));
    }
    Ok(summarised(clusters_without_a_writer(resources)))
}

/// One resource's facts out of the bounds AWS keeps them in.
fn within_bounds(resources: &[Resource], azs: &[Az]) -> Result<(), ModelError> {
    let impossible = |r: &Resource, field, why: String| {
        Err(ModelError::Impossible {
            resource: r.id.clone(),
            field,
            why,
        })
    };
    for r in resources {
        match &r.facts {
            // autoscaling/ec2/userguide/asg-capacity-limits.html
            Facts::AutoScalingGroup(g) if !(g.min <= g.desired && g.desired <= g.max) => {
                let field = if g.min > g.desired { "min" } else { "max" };
                return impossible(
                    r,
                    field,
                    format!(
                        "min {}, desired {}, max {}: an Auto Scaling group keeps min ≤ desired ≤ max",
                        g.min, g.desired, g.max
                    ),
                );
            }
            Facts::DbCluster(c) if c.members.iter().filter(|m| m.writer).count() > 1 => {
                let writers: Vec<&str> = (c.members.iter())
                    .filter(|m| m.writer)
                    .map(|m| m.instance.as_str())
                    .collect();
                return impossible(
                    r,
                    "members",
                    format!(
                        "{} are marked writer ({}): a DB cluster has one writer at a time",
                        count(writers.len(), "member", "members"),
                        writers.join(", ")
                    ),
                );
            }
            // AmazonRDS/latest/UserGuide/Concepts.MultiAZSingleStandby.html
            Facts::DbInstance(db)
                if db.secondary_az.is_some()
                    && db.secondary_az.as_deref() == r.az.map(|a| azs[a.index()].id.as_str()) =>
            {
                return impossible(
                    r,
                    "secondary_az",
                    format!(
                        "its Multi-AZ standby is in {}, the primary's own AZ: AWS puts the \
                         standby in another AZ",
                        db.secondary_az.as_deref().unwrap_or_default()
                    ),
                );
            }
            _ => {}
        }
    }
    Ok(())
}

/// VPCs are where subnets, security groups, NAT gateways and route tables live: what
/// a resource ties together through them is in one VPC (a route table serves its own
/// VPC's subnets, an instance's security groups are its subnet's VPC's, …).
fn one_vpc_each<'r>(
    resources: &'r [Resource],
    find: &dyn Fn(&str) -> Option<&'r Resource>,
) -> Vec<Misplaced> {
    // The VPC a referenced resource is in, when the file says.
    let vpc_of = |id: &str| -> Option<&'r str> {
        let other = find(id)?;
        match &other.facts {
            Facts::Vpc(_) => Some(&other.id),
            Facts::Subnet(s) => Some(&s.vpc),
            Facts::SecurityGroup(g) => g.vpc.as_deref(),
            Facts::RouteTable(t) => Some(&t.vpc),
            Facts::NatGateway(n) => n
                .vpc
                .as_deref()
                .or_else(|| n.subnet.as_deref().and_then(|s| vpc_of_subnet(find, s))),
            _ => None,
        }
    };
    let mut out = Vec::new();
    for r in resources {
        // (field, referenced id) pairs that each name a VPC, the first one wins.
        let mut refs: Vec<(&'static str, &str)> = Vec::new();
        match &r.facts {
            Facts::RouteTable(t) => {
                refs.push(("vpc", &t.vpc));
                refs.extend(t.subnets.iter().map(|s| ("subnets", s.as_str())));
                refs.extend(
                    (t.routes.iter())
                        .filter(|route| route.target.starts_with("nat-"))
                        .map(|route| ("routes", route.target.as_str())),
                );
            }
            Facts::NatGateway(n) => {
                refs.extend(n.vpc.as_deref().map(|v| ("vpc", v)));
                refs.extend(n.subnet.as_deref().map(|s| ("subnet", s)));
            }
            Facts::Instance(i) => {
                refs.extend(i.subnet.as_deref().map(|s| ("subnet", s)));
                refs.extend(
                    i.security_groups
                        .iter()
                        .map(|g| ("security_groups", g.as_str())),
                );
            }
            Facts::LoadBalancer(lb) => {
                refs.extend(
                    (lb.zones.iter())
                        .filter_map(|z| z.subnet.as_deref())
                        .map(|s| ("zones", s)),
                );
                refs.extend(
                    lb.security_groups
                        .iter()
                        .map(|g| ("security_groups", g.as_str())),
                );
            }
            Facts::DbInstance(db) => {
                refs.extend(
                    db.security_groups
                        .iter()
                        .map(|g| ("security_groups", g.as_str())),
                );
            }
            Facts::DbCluster(c) => {
                refs.extend(
                    c.security_groups
                        .iter()
                        .map(|g| ("security_groups", g.as_str())),
                );
            }
            _ => continue,
        }
        let mut first: Option<(&str, &str)> = None;
        for (field, id) in refs {
            // A `vpc` field names the VPC itself.
            let vpc = if field == "vpc" { Some(id) } else { vpc_of(id) };
            let Some(vpc) = vpc else { continue };
            match first {
                None => first = Some((id, vpc)),
                Some((by, seen)) if seen != vpc => {
                    out.push(Misplaced {
                        from: r.id.clone(),
                        field,
                        to: id.to_string(),
                        why: if by == seen {
                            format!("{} is in {seen}, {id} in {vpc}", r.id)
                        } else {
                            format!("{by} is in {seen}, {id} in {vpc}: one resource is in one VPC")
                        },
                    });
                    break;
                }
                Some(_) => {}
            }
        }
    }
    out
}

fn vpc_of_subnet<'r>(find: &dyn Fn(&str) -> Option<&'r Resource>, id: &str) -> Option<&'r str> {
    match &find(id)?.facts {
        Facts::Subnet(s) => Some(&s.vpc),
        _ => None,
    }
}

/// An instance is in one Auto Scaling group at most, and a DB instance in one
/// cluster, which agrees with the instance's own `cluster`.
fn one_group_each<'r>(
    resources: &'r [Resource],
    find: &dyn Fn(&str) -> Option<&'r Resource>,
) -> Vec<Misplaced> {
    let mut out = Vec::new();
    let mut group_of: HashMap<&str, &str> = HashMap::new();
    let mut cluster_of: HashMap<&str, &str> = HashMap::new();
    for r in resources {
        match &r.facts {
            Facts::AutoScalingGroup(g) => {
                for i in &g.instances {
                    match group_of.insert(i, &r.id) {
                        Some(other) if other != r.id => out.push(Misplaced {
                            from: r.id.clone(),
                            field: "instances",
                            to: i.clone(),
                            why: format!(
                                "{i} is in Auto Scaling group {other} too: an instance belongs to one group at most"
                            ),
                        }),
                        _ => {}
                    }
                }
            }
            Facts::DbCluster(c) => {
                for m in &c.members {
                    let says = match find(&m.instance).map(|i| &i.facts) {
                        Some(Facts::DbInstance(db)) => db.cluster.as_deref(),
                        _ => None,
                    };
                    let why = match (cluster_of.insert(&m.instance, &r.id), says) {
                        (Some(other), _) if other != r.id => Some(format!(
                            "{} is a member of DB cluster {other} too: an instance is in one cluster at most",
                            m.instance
                        )),
                        (_, Some(own)) if own != r.id => {
                            Some(format!("{} says it is in DB cluster {own}", m.instance))
                        }
                        _ => None,
                    };
                    if let Some(why) = why {
                        out.push(Misplaced {
                            from: r.id.clone(),
                            field: "members",
                            to: m.instance.clone(),
                            why,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// A VPC has one main route table.
fn one_main_table_each<'r>(
    resources: &'r [Resource],
    _find: &dyn Fn(&str) -> Option<&'r Resource>,
) -> Vec<Misplaced> {
    let mut main_of: HashMap<&str, &str> = HashMap::new();
    let mut out = Vec::new();
    for r in resources {
        if let Facts::RouteTable(t) = &r.facts
            && t.main
        {
            match main_of.insert(&t.vpc, &r.id) {
                Some(other) if other != r.id => out.push(Misplaced {
                    from: r.id.clone(),
                    field: "vpc",
                    to: t.vpc.clone(),
                    why: format!(
                        "{} has main route table {other} too, and both say `main`: a VPC has one",
                        t.vpc
                    ),
                }),
                _ => {}
            }
        }
    }
    out
}

/// A DB cluster none of whose members is its writer: AWS reports one while it fails
/// over, and a cluster can have no instance at all. A secondary cluster of a global
/// database has no writer by design: no note.
fn clusters_without_a_writer(resources: &[Resource]) -> Vec<String> {
    (resources.iter())
        .filter_map(|r| match &r.facts {
            Facts::DbCluster(c)
                if c.global_cluster.is_none() && !c.members.iter().any(|m| m.writer) =>
            {
                Some(format!(
                    "DB cluster {} has no writer ({}, none marked writer): read during a \
                     failover, or without its instances? Paths that need it are down in \
                     every scenario",
                    r.id,
                    count(c.members.len(), "member", "members")
                ))
            }
            _ => None,
        })
        .collect()
}

/// The same dependency declared more than once (an overlay and a tag, a hard and a
/// soft one) is kept once: hard if any says hard, which is the reading that does not
/// hide a risk, with the first note given. Returns what was merged, as notes.
pub(super) fn declared_once(declared: &mut Declared) -> Vec<String> {
    let mut kept: Vec<DeclaredDependency> = Vec::with_capacity(declared.dependencies.len());
    let mut at: HashMap<(String, String), usize> = HashMap::new();
    let mut notes = Vec::new();
    for d in declared.dependencies.drain(..) {
        let key = (d.from.clone(), d.to.clone());
        match at.get(&key) {
            None => {
                at.insert(key, kept.len());
                kept.push(d);
            }
            Some(&i) => {
                let first = &mut kept[i];
                let how = match (first.hard, d.hard) {
                    (true, true) => "twice as hard: kept once",
                    (false, false) => "twice as soft: kept once",
                    _ => "both hard and soft: kept as hard",
                };
                notes.push(format!(
                    "declared dependency {} -> {} is given {how}",
                    d.from, d.to
                ));
                first.hard |= d.hard;
                if first.note.is_none() {
                    first.note = d.note;
                }
            }
        }
    }
    declared.dependencies = kept;
    summarised(notes)
}
