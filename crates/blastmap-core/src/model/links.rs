//! Every reference between resources resolved once: the graph's edges, and the
//! references that point at nothing (unless a coverage gap excuses them).

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use super::graph::{Edge, EdgeKind};
use super::index::IdIndex;
use super::{
    Account, Az, Coverage, CoverageStatus, Declared, Facts, Kind, Misplaced, MissingReference,
    Resource, Service, TargetType,
};

/// The edges the references make, and the references that resolve to nothing.
pub(super) struct Links {
    pub edges: Vec<(u32, u32, Edge)>,
    pub missing: Vec<MissingReference>,
    pub misplaced: Vec<Misplaced>,
}

/// What the builder knows, borrowed.
pub(super) struct Sources<'a> {
    pub resources: &'a [Resource],
    pub accounts: &'a [Account],
    pub regions: &'a [String],
    pub azs: &'a [Az],
    pub coverage: &'a [Coverage],
    pub declared: &'a Declared,
    pub index: &'a IdIndex,
}

/// How a resolved reference joins the graph.
#[derive(Clone, Copy)]
enum Join {
    /// An edge from the referring resource to the referenced one.
    Out(Edge),
    /// An edge from the referenced resource to the referring one.
    In(Edge),
    /// Checked only.
    None,
    /// An edge when the referenced resource is in the estate; nothing (and no error)
    /// when it is not: references that may point outside what a scan reads.
    Optional(Edge),
}

const fn edge(kind: EdgeKind) -> Join {
    Join::Out(Edge::of(kind))
}

const fn edge_in(kind: EdgeKind) -> Join {
    Join::In(Edge::of(kind))
}

/// Resources resolved per parallel task: small enough to balance, big enough to matter.
const CHUNK: usize = 16_384;

pub(super) fn resolve(s: &Sources) -> Links {
    let gaps: HashSet<(&str, &str, Service)> = s
        .coverage
        .iter()
        .filter(|c| c.status != CoverageStatus::Ok)
        .map(|c| (c.account.as_str(), c.region.as_str(), c.service))
        .collect();
    // Each resource's references resolve on their own: chunks in parallel, joined in order.
    let parts: Vec<Links> = s
        .resources
        .par_chunks(CHUNK)
        .enumerate()
        .map(|(c, chunk)| resolve_chunk(s, &gaps, c * CHUNK, chunk))
        .collect();
    let mut links = Links {
        edges: Vec::with_capacity(parts.iter().map(|p| p.edges.len()).sum::<usize>() * 5 / 4),
        missing: Vec::new(),
        misplaced: Vec::new(),
    };
    for part in parts {
        links.edges.extend(part.edges);
        links.missing.extend(part.missing);
        links.misplaced.extend(part.misplaced);
    }
    declared(s, &mut links);
    egress(s, &mut links.edges);
    task_targets(s, &mut links.edges);
    entry_points(s, &mut links.edges);
    inferred_dependencies(s, &mut links.edges);
    links
}

/// Entry point → each load balancer it sends users to, in any account of the scan:
/// Route 53 alias targets and CloudFront origins by DNS name, Global Accelerator
/// endpoints by ARN. The edge's slot says which member (record, endpoint, origin) it
/// is. Members pointing at nothing the scan read are left out: they may be outside it.
fn entry_points(s: &Sources, edges: &mut Vec<(u32, u32, Edge)>) {
    let mut by_dns: HashMap<String, u32> = HashMap::default();
    for (i, r) in s.resources.iter().enumerate() {
        if let Facts::LoadBalancer(lb) = &r.facts
            && let Some(d) = &lb.dns_name
        {
            by_dns.insert(super::dns_key(d), i as u32);
        }
    }
    let mut join = |from: usize, to: Option<u32>, slot: usize| {
        if let Some(to) = to {
            let e = Edge {
                target_slot: Some(slot as u32),
                ..Edge::of(EdgeKind::RoutesTo)
            };
            edges.push((from as u32, to, e));
        }
    };
    for (i, r) in s.resources.iter().enumerate() {
        match &r.facts {
            Facts::DnsRecords(d) => {
                for (k, m) in d.members.iter().enumerate() {
                    join(i, by_dns.get(&super::dns_key(&m.target)).copied(), k);
                }
            }
            Facts::Accelerator(a) => {
                let endpoints = a.endpoint_groups.iter().flat_map(|g| &g.endpoints);
                for (k, ep) in endpoints.enumerate() {
                    let lb = s.index.get(s.resources, &ep.id).map(|t| t.0);
                    join(
                        i,
                        lb.filter(|t| s.resources[*t as usize].kind() == Kind::LoadBalancer),
                        k,
                    );
                }
            }
            Facts::Distribution(d) => {
                for (k, o) in d.origins.iter().enumerate() {
                    join(i, by_dns.get(&super::dns_key(&o.domain)).copied(), k);
                }
            }
            _ => {}
        }
    }
}

/// Target group → the ECS task behind each `ip` target, matched by private address in
/// the same account and Region: an awsvpc task registers its ENI's address.
fn task_targets(s: &Sources, edges: &mut Vec<(u32, u32, Edge)>) {
    let mut by_ip: HashMap<(u32, u16, &str), u32> = HashMap::default();
    for (i, r) in s.resources.iter().enumerate() {
        if let Facts::EcsTask(t) = &r.facts {
            for ip in &t.ips {
                by_ip.insert((r.account.0, r.region.0, ip.as_str()), i as u32);
            }
        }
    }
    if by_ip.is_empty() {
        return;
    }
    for (i, r) in s.resources.iter().enumerate() {
        let Facts::TargetGroup(tg) = &r.facts else {
            continue;
        };
        if tg.target_type != TargetType::Ip {
            continue;
        }
        for (slot, t) in tg.targets.iter().enumerate() {
            if let Some(&task) = by_ip.get(&(r.account.0, r.region.0, t.id.as_str())) {
                let e = Edge {
                    target_slot: Some(slot as u32),
                    ..Edge::of(EdgeKind::RoutesTo)
                };
                edges.push((i as u32, task, e));
            }
        }
    }
}

/// Long on purpose: one pass over a chunk of resources, one arm per kind that holds
/// references; splitting it per kind would re-walk the chunk once per kind.
fn resolve_chunk(
    s: &Sources,
    gaps: &HashSet<(&str, &str, Service)>,
    first: usize,
    chunk: &[Resource],
) -> Links {
    let mut links = Links {
        edges: Vec::with_capacity(chunk.len() * 3),
        missing: Vec::new(),
        misplaced: Vec::new(),
    };
    use EdgeKind::*;
    for (i, r) in chunk.iter().enumerate() {
        let from = (first + i) as u32;
        let account = s.accounts[r.account.index()].id.as_str();
        let region = s.regions[r.region.index()].as_str();
        let mut link = |field: &'static str, to: &str, kinds: &[Kind], join: Join| {
            let found = s
                .index
                .get(s.resources, to)
                .filter(|t| kinds.contains(&s.resources[t.index()].kind()));
            // What a resource refers to is in its Region (AWS references do not cross
            // Regions), and a resource in a subnet is in that subnet's AZ.
            if let Some(t) = found {
                let other = &s.resources[t.index()];
                let why = if other.region != r.region {
                    Some(format!(
                        "{} is in {region}, {} in {}",
                        r.id,
                        other.id,
                        s.regions[other.region.index()]
                    ))
                } else {
                    match (r.az, other.az) {
                        (Some(a), Some(b)) if a != b && other.kind() == Kind::Subnet => {
                            Some(format!(
                                "{} is in {}, its subnet {} in {}",
                                r.id,
                                s.azs[a.index()].id,
                                other.id,
                                s.azs[b.index()].id
                            ))
                        }
                        _ => None,
                    }
                };
                if let Some(why) = why {
                    links.misplaced.push(Misplaced {
                        from: r.id.clone(),
                        field,
                        to: to.to_string(),
                        why,
                    });
                }
            }
            match (found, join) {
                (Some(t), Join::Out(e) | Join::Optional(e)) => links.edges.push((from, t.0, e)),
                (None, Join::Optional(_)) => {}
                (Some(t), Join::In(e)) => links.edges.push((t.0, from, e)),
                (Some(_), Join::None) => {}
                (None, _) => {
                    // Missing data from a service the scan could not read is a gap, not an error.
                    let excused = kinds
                        .iter()
                        .any(|k| gaps.contains(&(account, region, Service::of_kind(*k))));
                    if !excused {
                        links.missing.push(MissingReference {
                            from: r.id.clone(),
                            field,
                            to: to.to_string(),
                        });
                    }
                }
            }
        };
        let sg = &[Kind::SecurityGroup];
        let subnet = &[Kind::Subnet];
        match &r.facts {
            Facts::Vpc(_) => {}
            Facts::SecurityGroup(g) => {
                if let Some(x) = &g.vpc {
                    link("vpc", x, &[Kind::Vpc], Join::None);
                }
            }
            Facts::Subnet(x) => link("vpc", &x.vpc, &[Kind::Vpc], edge(PlacedIn)),
            Facts::RouteTable(rt) => {
                link("vpc", &rt.vpc, &[Kind::Vpc], edge(PlacedIn));
                for x in &rt.subnets {
                    link("subnets", x, subnet, edge_in(MemberOf));
                }
                for route in rt.routes.iter().filter(|r| r.target.starts_with("nat-")) {
                    // Only the default route makes the table a way out through the NAT.
                    let join = if route.destination == "0.0.0.0/0" {
                        edge(RoutesTo)
                    } else {
                        Join::None
                    };
                    link("routes", &route.target, &[Kind::NatGateway], join);
                }
            }
            Facts::NatGateway(n) => {
                if let Some(x) = &n.subnet {
                    link("subnet", x, subnet, edge(PlacedIn));
                }
                if let Some(x) = &n.vpc {
                    link("vpc", x, &[Kind::Vpc], Join::None);
                }
            }
            Facts::LoadBalancer(lb) => {
                for tg in lb.forwarded_target_groups() {
                    link("listeners", tg, &[Kind::TargetGroup], edge(RoutesTo));
                }
                for x in lb.zones.iter().filter_map(|z| z.subnet.as_deref()) {
                    link("zones", x, subnet, edge(PlacedIn));
                }
                for x in &lb.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::TargetGroup(tg) => {
                let kind = match tg.target_type {
                    TargetType::Instance => Kind::Instance,
                    TargetType::Alb => Kind::LoadBalancer,
                    TargetType::Lambda => Kind::LambdaFunction,
                    // IP targets are matched to ECS tasks by address: `task_targets`.
                    TargetType::Ip => continue,
                };
                for (slot, t) in tg.targets.iter().enumerate() {
                    // The slot says which registration (and so which health) the edge is.
                    let e = Edge {
                        target_slot: Some(slot as u32),
                        ..Edge::of(RoutesTo)
                    };
                    // A function may be outside what the scan read (snapshot version 1
                    // had no functions at all): linked when it is there.
                    let join = if tg.target_type == TargetType::Lambda {
                        Join::Optional(e)
                    } else {
                        Join::Out(e)
                    };
                    link("targets", &t.id, &[kind], join);
                }
            }
            Facts::Instance(inst) => {
                if let Some(x) = &inst.subnet {
                    link("subnet", x, subnet, edge(PlacedIn));
                }
                for x in &inst.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::AutoScalingGroup(asg) => {
                for x in &asg.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
                for x in &asg.instances {
                    link("instances", x, &[Kind::Instance], edge_in(MemberOf));
                }
                for x in &asg.target_groups {
                    link("target_groups", x, &[Kind::TargetGroup], edge_in(RoutesTo));
                }
            }
            Facts::DbInstance(db) => {
                if let Some(x) = &db.cluster {
                    link("cluster", x, &[Kind::DbCluster], edge(MemberOf));
                }
                for x in &db.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::DbCluster(c) => {
                for m in &c.members {
                    link("members", &m.instance, &[Kind::DbInstance], Join::None);
                }
                for x in &c.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::EcsCluster(c) => {
                let asgs = c.capacity_providers.iter();
                for x in asgs.filter_map(|p| p.auto_scaling_group.as_deref()) {
                    link(
                        "capacity_providers",
                        x,
                        &[Kind::AutoScalingGroup],
                        Join::None,
                    );
                }
            }
            Facts::EcsService(svc) => {
                link("cluster", &svc.cluster, &[Kind::EcsCluster], edge(MemberOf));
                for x in &svc.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
                for x in &svc.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
                for x in &svc.target_groups {
                    link("target_groups", x, &[Kind::TargetGroup], edge_in(RoutesTo));
                }
                if let Some(x) = &svc.auto_scaling_group {
                    link(
                        "auto_scaling_group",
                        x,
                        &[Kind::AutoScalingGroup],
                        edge(PlacedIn),
                    );
                }
            }
            Facts::EcsTask(t) => {
                link("cluster", &t.cluster, &[Kind::EcsCluster], Join::None);
                if let Some(x) = &t.service {
                    link("service", x, &[Kind::EcsService], edge(MemberOf));
                }
                if let Some(x) = &t.subnet {
                    link("subnet", x, subnet, edge(PlacedIn));
                }
                if let Some(x) = &t.instance {
                    link("instance", x, &[Kind::Instance], edge(PlacedIn));
                }
            }
            Facts::EksCluster(c) => {
                for x in &c.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
            }
            Facts::EksNodegroup(ng) => {
                link("cluster", &ng.cluster, &[Kind::EksCluster], edge(MemberOf));
                for x in &ng.auto_scaling_groups {
                    link(
                        "auto_scaling_groups",
                        x,
                        &[Kind::AutoScalingGroup],
                        edge_in(MemberOf),
                    );
                }
                for x in &ng.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
            }
            Facts::LambdaFunction(f) => {
                for x in &f.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
                for x in &f.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::CacheReplicationGroup(g) => {
                for x in &g.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::CacheCluster(c) => {
                for x in &c.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            Facts::ServerlessCache(c) => {
                for x in &c.subnets {
                    link("subnets", x, subnet, edge(PlacedIn));
                }
                for x in &c.security_groups {
                    link("security_groups", x, sg, edge(MemberOf));
                }
            }
            // Entry points name load balancers by DNS name or ARN: `entry_points`.
            // Backups name what they protect by ARN, which may be outside the scan (an
            // EBS volume): the engine looks them up (`sim::backups`).
            Facts::DynamodbTable(_)
            | Facts::DnsRecords(_)
            | Facts::Accelerator(_)
            | Facts::Distribution(_)
            | Facts::BackupPlan(_)
            | Facts::ProtectedResource(_) => {}
        }
    }
    links
}

/// Declared dependencies become edges; every id a declaration names must exist,
/// and be of a kind that declaration can name.
fn declared(s: &Sources, links: &mut Links) {
    let mut find = |field: &'static str, id: &str| {
        let found = s.index.get(s.resources, id);
        match found {
            None => links.missing.push(MissingReference {
                from: "declared".to_string(),
                field,
                to: id.to_string(),
            }),
            Some(t) => {
                let kind = s.resources[t.index()].kind();
                if let Some(why) = Declared::wrong_kind(field, kind) {
                    links.misplaced.push(Misplaced {
                        from: "declared".to_string(),
                        field,
                        to: id.to_string(),
                        why: format!("{}, but {why}", kind.label()),
                    });
                }
            }
        }
        found
    };
    let mut edges = Vec::new();
    for d in &s.declared.dependencies {
        let (from, to) = (
            find("dependencies.from", &d.from),
            find("dependencies.to", &d.to),
        );
        if let (Some(from), Some(to)) = (from, to) {
            let e = Edge {
                declared: true,
                hard: d.hard,
                ..Edge::of(EdgeKind::DependsOn)
            };
            edges.push((from.0, to.0, e));
        }
    }
    for lb in s.declared.services.keys() {
        find("services", lb);
    }
    for id in &s.declared.hard_egress {
        find("hard_egress", id);
    }
    links.edges.extend(edges);
}

/// Subnet → the NAT gateway behind its route table's default route. A subnet without
/// an explicit association uses its VPC's main route table.
fn egress(s: &Sources, edges: &mut Vec<(u32, u32, Edge)>) {
    let is = |i: u32, k: Kind| s.resources[i as usize].kind() == k;
    let mut explicit: HashMap<u32, u32> = HashMap::default();
    let mut main_of_vpc: HashMap<u32, u32> = HashMap::default();
    let mut nat_of_table: HashMap<u32, u32> = HashMap::default();
    let mut vpc_of_subnet: Vec<(u32, u32)> = Vec::new();
    for &(from, to, e) in edges.iter() {
        match e.kind {
            EdgeKind::MemberOf if is(to, Kind::RouteTable) => {
                explicit.insert(from, to);
            }
            EdgeKind::PlacedIn if is(from, Kind::RouteTable) => {
                if matches!(&s.resources[from as usize].facts, Facts::RouteTable(rt) if rt.main) {
                    main_of_vpc.insert(to, from);
                }
            }
            EdgeKind::PlacedIn if is(from, Kind::Subnet) => vpc_of_subnet.push((from, to)),
            EdgeKind::RoutesTo if is(from, Kind::RouteTable) => {
                nat_of_table.insert(from, to);
            }
            _ => {}
        }
    }
    for (subnet, vpc) in vpc_of_subnet {
        let table = explicit
            .get(&subnet)
            .or_else(|| main_of_vpc.get(&vpc))
            .copied();
        if let Some(nat) = table.and_then(|t| nat_of_table.get(&t)) {
            edges.push((subnet, *nat, Edge::of(EdgeKind::EgressVia)));
        }
    }
}

/// Security-group inference: an instance depends on a database or internal load
/// balancer whose security group admits one of the instance's groups. Self-references
/// and default groups admit everything: they say nothing about use. A read replica
/// admits what its source admits by default, and paths write to the source: a replica
/// is a dependency only of instances its groups admit and its source's do not
/// (`../shared/domain.md` §2).
fn inferred_dependencies(s: &Sources, edges: &mut Vec<(u32, u32, Edge)>) {
    let kind = |i: u32| s.resources[i as usize].kind();
    let replica_source = |i: u32| match &s.resources[i as usize].facts {
        Facts::DbInstance(db) => db
            .read_replica_source
            .as_deref()
            .and_then(|src| s.index.get(s.resources, src))
            .map(|r| r.0),
        _ => None,
    };
    let guards = |i: u32| match &s.resources[i as usize].facts {
        Facts::DbInstance(db) => db.cluster.is_none(),
        Facts::DbCluster(_)
        | Facts::CacheReplicationGroup(_)
        | Facts::CacheCluster(_)
        | Facts::ServerlessCache(_) => true,
        Facts::LoadBalancer(lb) => !lb.is_internet_facing(),
        _ => false,
    };
    // Sources of replicas: what they admit decides whether a replica is needed.
    let sources: HashSet<u32> = (0..s.resources.len() as u32)
        .filter_map(replica_source)
        .collect();
    // Source group → resources whose groups admit it.
    let mut admitted_by: HashMap<u32, Vec<u32>> = HashMap::default();
    let mut memberships: Vec<(u32, u32)> = Vec::new();
    for &(from, to, e) in edges.iter() {
        if e.kind != EdgeKind::MemberOf || kind(to) != Kind::SecurityGroup {
            continue;
        }
        // What carries groups and can be a target: instances, ECS services (their
        // tasks), Lambda functions.
        if matches!(
            kind(from),
            Kind::Instance | Kind::EcsService | Kind::LambdaFunction
        ) {
            memberships.push((from, to));
        }
        if !guards(from) && !sources.contains(&from) {
            continue;
        }
        let Facts::SecurityGroup(group) = &s.resources[to as usize].facts else {
            continue;
        };
        for source in &group.ingress_from {
            let Some(src) = s.index.get(s.resources, source) else {
                continue;
            };
            let admits_everything = src.0 == to
                || matches!(&s.resources[src.index()].facts, Facts::SecurityGroup(g) if g.is_default());
            if !admits_everything {
                let list = admitted_by.entry(src.0).or_default();
                if !list.contains(&from) {
                    list.push(from);
                }
            }
        }
    }
    let mut pairs: Vec<(u32, u32)> = memberships
        .iter()
        .flat_map(|&(inst, group)| {
            admitted_by
                .get(&group)
                .into_iter()
                .flatten()
                .filter(move |&&g| g != inst)
                .map(move |&g| (inst, g))
        })
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let admits: HashSet<(u32, u32)> = pairs.iter().copied().collect();
    pairs.retain(|&(inst, g)| {
        guards(g) && replica_source(g).is_none_or(|source| !admits.contains(&(inst, source)))
    });
    edges.extend(
        pairs
            .into_iter()
            .map(|(inst, g)| (inst, g, Edge::of(EdgeKind::DependsOn))),
    );
}
