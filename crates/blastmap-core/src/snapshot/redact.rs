//! Redaction: the same estate with every identifying string replaced by a stable
//! pseudonym, so a snapshot can be shared outside the team.
//!
//! Replaced: account IDs and names, resource IDs and names, ARNs, IP addresses,
//! CIDRs, DNS names, tag values (but those of kept keys), free-text notes and
//! coverage messages. Kept: AZ IDs and names, Regions, kinds, engines, instance
//! types, counts, ports, health, every flag the rules read, and the AWS vocabulary
//! inside ids (`subnet-`, `nat-`, an ARN's service and resource type), so every
//! what-if, matrix and finding of the redacted estate is the original's up to
//! renaming. The `blastmap:service` tag value is pseudonymised like a declared
//! service name, so services still group; keeping the tag keeps both.
//!
//! A pseudonym is a keyed hash (SHA-256 of the salt and the value): the same value
//! gets the same pseudonym everywhere in a file, and in every file redacted with
//! the same salt. Account IDs have only 10^12 values: anyone holding the salt can
//! try them all, so the salt must stay secret (a random one is thrown away).

use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::{Estate, EstateBuilder, Facts, Kind, ModelError, SERVICE_TAG, TargetType};

#[derive(Debug, Error)]
pub enum RedactError {
    #[error("the salt is empty: give a secret --salt, or none for a random one")]
    EmptySalt,

    #[error("cannot draw a random salt from the operating system: {0}")]
    Random(String),

    #[error("the redacted estate does not hold together (a bug in blastmap): {0}")]
    Rebuild(#[from] ModelError),
}

/// The key of every pseudonym.
pub struct Salt(Vec<u8>);

impl Salt {
    /// A salt given by the user, to redact several files consistently.
    pub fn given(text: &str) -> Result<Salt, RedactError> {
        if text.is_empty() {
            return Err(RedactError::EmptySalt);
        }
        Ok(Salt(text.as_bytes().to_vec()))
    }

    /// 32 random bytes from the operating system.
    pub fn random() -> Result<Salt, RedactError> {
        let mut bytes = vec![0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| RedactError::Random(e.to_string()))?;
        Ok(Salt(bytes))
    }
}

/// A redacted estate, and what each pseudonym stands for.
pub struct Redaction {
    pub estate: Estate,
    /// Pseudonym → the original it replaced.
    pub originals: BTreeMap<String, String>,
}

/// Stands in for coverage messages and notes: free text that may name anything.
pub const REDACTED_TEXT: &str = "(redacted)";

/// Redacts `estate`; tag values under `keep_tags` stay as they are.
pub fn redact(
    estate: &Estate,
    salt: &Salt,
    keep_tags: &[String],
) -> Result<Redaction, RedactError> {
    let regions = estate.regions().to_vec();
    let mut p = Pseudonyms {
        salt: &salt.0,
        regions: &regions,
        given: HashMap::new(),
        taken: HashMap::new(),
    };
    let mut parts = estate.clone().into_parts();
    parts.meta.description = Some("redacted with `blastmap redact`".to_string());
    for a in &mut parts.accounts {
        let id = p.account_id(&a.id);
        a.name = if a.name == a.id {
            id.clone()
        } else {
            p.named("account", &a.name)
        };
        a.id = id;
    }
    for c in &mut parts.coverage {
        c.account = p.account_id(&c.account);
        if c.message.is_some() {
            c.message = Some(REDACTED_TEXT.to_string());
        }
    }
    let d = &mut parts.declared;
    for dep in &mut d.dependencies {
        dep.from = p.id(&dep.from);
        dep.to = p.id(&dep.to);
        if dep.note.is_some() {
            dep.note = Some(REDACTED_TEXT.to_string());
        }
    }
    // A declared service name and a `blastmap:service` tag value name the same thing:
    // kept together or pseudonymised together, else one service would become two.
    let keep_services = keep_tags.iter().any(|k| k == SERVICE_TAG);
    d.services = std::mem::take(&mut d.services)
        .into_iter()
        .map(|(lb, service)| {
            let service = if keep_services {
                service
            } else {
                p.named("service", &service)
            };
            (p.id(&lb), service)
        })
        .collect();
    p.ids(&mut d.hard_egress);
    // A DR tier names a service: by its declared or tagged name, or by its entry
    // point's (a record name, an accelerator's or distribution's name): renamed as that is.
    let record_names: Vec<&str> = (estate.resources().iter())
        .filter_map(|r| match &r.facts {
            Facts::DnsRecords(x) => Some(x.record_name.as_str()),
            Facts::Distribution(x) => x.aliases.first().or(x.domain.as_ref()).map(String::as_str),
            _ => None,
        })
        .collect();
    let entry_names: Vec<(&str, Kind)> = (estate.resources().iter())
        .filter(|r| matches!(r.kind(), Kind::Accelerator | Kind::Distribution))
        .map(|r| (r.name.as_str(), r.kind()))
        .collect();
    d.dr_tiers = std::mem::take(&mut d.dr_tiers)
        .into_iter()
        .map(|(service, tier)| {
            let tagged = (estate.resources().iter()).any(|r| r.tag(SERVICE_TAG) == Some(&service))
                || estate.declared.services.values().any(|v| *v == service);
            let renamed = if keep_services {
                service
            } else if tagged {
                p.named("service", &service)
            } else if record_names.contains(&service.as_str()) {
                p.dns(&service)
            } else if let Some((_, kind)) = entry_names.iter().find(|(n, _)| *n == service) {
                p.named(name_prefix(*kind), &service)
            } else {
                p.named("service", &service)
            };
            (renamed, tier)
        })
        .collect();
    for r in &mut parts.resources {
        let id = p.id(&r.id);
        r.name = if r.name == r.id {
            id.clone()
        } else {
            p.named(name_prefix(r.kind()), &r.name)
        };
        r.id = id;
        for (key, value) in r.tags.iter_mut() {
            if keep_tags.contains(key) {
                continue;
            }
            *value = if key == SERVICE_TAG {
                p.named("service", value)
            } else {
                p.named("tag", value)
            };
        }
        p.facts(&mut r.facts);
    }
    let originals = p.taken.into_iter().collect();
    let estate = EstateBuilder::from_parts(parts).build()?;
    Ok(Redaction { estate, originals })
}

/// The prefix of a resource name's pseudonym: what the resource is, nothing more.
fn name_prefix(kind: Kind) -> &'static str {
    match kind {
        Kind::Vpc => "vpc",
        Kind::Subnet => "subnet",
        Kind::RouteTable => "route-table",
        Kind::NatGateway => "nat",
        Kind::SecurityGroup => "sg",
        Kind::LoadBalancer => "lb",
        Kind::TargetGroup => "tg",
        Kind::Instance => "instance",
        Kind::AutoScalingGroup => "asg",
        Kind::DbInstance => "db",
        Kind::DbCluster => "cluster",
        Kind::EcsCluster => "ecs-cluster",
        Kind::EcsService => "ecs-service",
        Kind::EcsTask => "task",
        Kind::EksCluster => "eks-cluster",
        Kind::EksNodegroup => "nodegroup",
        Kind::LambdaFunction => "function",
        Kind::CacheReplicationGroup => "cache",
        Kind::CacheCluster => "cache-cluster",
        Kind::ServerlessCache => "serverless-cache",
        Kind::DynamodbTable => "table",
        Kind::DnsRecords => "records",
        Kind::Accelerator => "accelerator",
        Kind::Distribution => "distribution",
        Kind::BackupPlan => "backup-plan",
        Kind::ProtectedResource => "protected",
    }
}

/// AWS id prefixes (`subnet-0abc`): AWS vocabulary, kept so that ids still say what they
/// are and rules that read them (`nat-` route targets) still work.
const AWS_ID_PREFIXES: &[&str] = &[
    "i", "subnet", "sg", "nat", "rtb", "vpc", "igw", "eigw", "tgw", "eni", "pl", "vpce", "pcx",
    "vgw", "cgw", "lt", "ami", "acl", "eipalloc",
];

const ARN_PARTITIONS: &[&str] = &["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b"];

/// Resource types at the start of an ARN's resource part (`targetgroup/…`).
const ARN_RESOURCE_TYPES: &[&str] = &[
    "targetgroup",
    "loadbalancer",
    "db",
    "cluster",
    "global-cluster",
    "autoScalingGroup",
    "function",
    "instance",
    "natgateway",
    "subnet",
    "security-group",
    "vpc",
    "route-table",
    "role",
];

/// Route destinations that say nothing about the estate.
const ANY_DESTINATION: &[&str] = &["0.0.0.0/0", "::/0"];

struct Pseudonyms<'a> {
    salt: &'a [u8],
    /// Regions of the estate: kept inside ARNs.
    regions: &'a [String],
    /// (shape, original) → pseudonym.
    given: HashMap<(&'static str, String), String>,
    /// pseudonym → original, to resolve the rare collision.
    taken: HashMap<String, String>,
}

impl Pseudonyms<'_> {
    /// The pseudonym of `value` in one shape, drawn once: `render` turns a digest into
    /// text; on a collision with another value the digest is drawn again with a counter.
    fn draw(
        &mut self,
        shape: &'static str,
        value: &str,
        render: impl Fn(&[u8], u32) -> String,
    ) -> String {
        if let Some(known) = self.given.get(&(shape, value.to_string())) {
            return known.clone();
        }
        let mut round: u32 = 0;
        let pseudonym = loop {
            let mut h = Sha256::new();
            h.update((self.salt.len() as u64).to_le_bytes());
            h.update(self.salt);
            h.update(value.as_bytes());
            if round > 0 {
                h.update(round.to_le_bytes());
            }
            let candidate = render(&h.finalize(), round);
            match self.taken.get(&candidate) {
                Some(other) if other != value => round += 1,
                _ => break candidate,
            }
        };
        self.taken.insert(pseudonym.clone(), value.to_string());
        self.given
            .insert((shape, value.to_string()), pseudonym.clone());
        pseudonym
    }

    /// `{prefix}-{12 hex}`: names, service names, tag values.
    fn named(&mut self, prefix: &'static str, value: &str) -> String {
        self.draw(prefix, value, |d, _| format!("{prefix}-{}", hex(&d[..6])))
    }

    fn account_id(&mut self, value: &str) -> String {
        self.named("acct", value)
    }

    /// A resource id: an ARN keeps its shape, an AWS id its prefix.
    fn id(&mut self, value: &str) -> String {
        if value.starts_with("arn:") {
            return self.arn(value);
        }
        let prefix = value
            .split_once('-')
            .map(|(p, _)| p)
            .and_then(|p| AWS_ID_PREFIXES.iter().find(|k| **k == p).copied())
            .unwrap_or("id");
        self.draw(prefix, value, |d, _| format!("{prefix}-{}", hex(&d[..9])))
    }

    fn ids(&mut self, values: &mut [String]) {
        for v in values {
            *v = self.id(v);
        }
    }

    fn arn(&mut self, arn: &str) -> String {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, partition, service, region, account, resource] = fields[..] else {
            return self.draw("id", arn, |d, _| format!("id-{}", hex(&d[..9])));
        };
        let partition = ARN_PARTITIONS
            .iter()
            .find(|p| **p == partition)
            .copied()
            .unwrap_or("aws");
        let service = if service.len() <= 32
            && service
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            service.to_string()
        } else {
            "service".to_string()
        };
        let region = if self.regions.iter().any(|r| r == region) {
            region.to_string()
        } else {
            String::new()
        };
        let account = if account.is_empty() {
            String::new()
        } else {
            self.account_id(account)
        };
        let kind = resource
            .split(['/', ':'])
            .next()
            .and_then(|k| ARN_RESOURCE_TYPES.iter().find(|t| **t == k).copied())
            .unwrap_or("resource");
        self.draw("arn", arn, |d, _| {
            format!(
                "arn:{partition}:{service}:{region}:{account}:{kind}/{}",
                hex(&d[..9])
            )
        })
    }

    /// An IP address that still reads as one, from ranges no VPC uses, so it never equals
    /// an original: 198.18.0.0/15 (benchmarking, RFC 2544; then 240.0.0.0/4) and fd00::/8.
    fn ip(&mut self, value: &str) -> String {
        match value.parse::<IpAddr>() {
            Ok(addr) => self.ip_addr(addr).to_string(),
            Err(_) => self.id(value),
        }
    }

    fn ip_addr(&mut self, addr: IpAddr) -> IpAddr {
        let drawn = match addr {
            IpAddr::V4(_) => self.draw("ipv4", &addr.to_string(), |d, round| {
                // 198.18.0.0/15 holds 131,072 addresses: an estate with more (or
                // unlucky draws) goes on in 240.0.0.0/4, reserved and never routed,
                // rather than drawing forever.
                if round < 16 {
                    let offset = u32::from_be_bytes([0, d[0] & 1, d[1], d[2]]);
                    Ipv4Addr::from(u32::from(Ipv4Addr::new(198, 18, 0, 0)) + offset).to_string()
                } else {
                    let offset = u32::from_be_bytes([d[0] & 0x0f, d[1], d[2], d[3]]);
                    Ipv4Addr::from(u32::from(Ipv4Addr::new(240, 0, 0, 0)) + offset).to_string()
                }
            }),
            IpAddr::V6(_) => self.draw("ipv6", &addr.to_string(), |d, _| {
                let mut bytes = [0u8; 16];
                bytes[0] = 0xfd;
                bytes[1..].copy_from_slice(&d[..15]);
                Ipv6Addr::from(bytes).to_string()
            }),
        };
        drawn.parse().expect("a drawn address is an address")
    }

    /// A CIDR keeps its prefix length, with a network address again; a default route
    /// stays a default route.
    fn cidr(&mut self, value: &str) -> String {
        if ANY_DESTINATION.contains(&value) {
            return value.to_string();
        }
        let parsed = (value.split_once('/'))
            .and_then(|(a, len)| Some((a.parse::<IpAddr>().ok()?, len.parse::<u32>().ok()?)));
        let Some((addr, len)) = parsed else {
            return self.id(value);
        };
        let network: IpAddr = match (self.ip_addr(addr), len) {
            (IpAddr::V4(p), 0..=32) => {
                let mask = u32::MAX.checked_shl(32 - len).unwrap_or(0);
                Ipv4Addr::from(u32::from(p) & mask).into()
            }
            (IpAddr::V6(p), 0..=128) => {
                let mask = u128::MAX.checked_shl(128 - len).unwrap_or(0);
                Ipv6Addr::from(u128::from(p) & mask).into()
            }
            _ => return self.id(value),
        };
        format!("{network}/{len}")
    }

    fn dns(&mut self, value: &str) -> String {
        // Alias targets spell a load balancer's name with `dualstack.` and a trailing
        // dot: drawn from the same key, so they still match after redaction.
        let key = crate::model::dns_key(value);
        // `.invalid` can never resolve (RFC 2606).
        self.draw("dns", &key, |d, _| format!("{}.invalid", hex(&d[..9])))
    }

    /// Long on purpose: one arm per kind, each naming the fields to pseudonymise, so that
    /// a new field is redacted (or deliberately kept) where its kind is.
    fn facts(&mut self, facts: &mut Facts) {
        let cidr = |p: &mut Self, c: &mut Option<String>| *c = c.as_deref().map(|v| p.cidr(v));
        let id = |p: &mut Self, v: &mut Option<String>| *v = v.as_deref().map(|v| p.id(v));
        match facts {
            Facts::Vpc(v) => cidr(self, &mut v.cidr),
            Facts::Subnet(s) => {
                s.vpc = self.id(&s.vpc);
                cidr(self, &mut s.cidr);
            }
            Facts::RouteTable(rt) => {
                rt.vpc = self.id(&rt.vpc);
                self.ids(&mut rt.subnets);
                for route in &mut rt.routes {
                    route.destination = self.cidr(&route.destination);
                    if route.target != "local" {
                        route.target = self.id(&route.target);
                    }
                }
            }
            Facts::NatGateway(n) => {
                id(self, &mut n.subnet);
                id(self, &mut n.vpc);
            }
            Facts::SecurityGroup(sg) => {
                id(self, &mut sg.vpc);
                if !sg.is_default() {
                    sg.group_name = self.named("group", &sg.group_name);
                }
                self.ids(&mut sg.ingress_from);
            }
            Facts::LoadBalancer(lb) => {
                lb.dns_name = lb.dns_name.as_deref().map(|d| self.dns(d));
                for z in &mut lb.zones {
                    id(self, &mut z.subnet);
                }
                self.ids(&mut lb.security_groups);
                for l in &mut lb.listeners {
                    self.ids(&mut l.target_groups);
                }
            }
            Facts::TargetGroup(tg) => {
                for t in &mut tg.targets {
                    t.id = match tg.target_type {
                        TargetType::Ip => self.ip(&t.id),
                        TargetType::Instance | TargetType::Lambda | TargetType::Alb => {
                            self.id(&t.id)
                        }
                    };
                }
            }
            Facts::Instance(i) => {
                id(self, &mut i.subnet);
                self.ids(&mut i.security_groups);
            }
            Facts::AutoScalingGroup(asg) => {
                self.ids(&mut asg.subnets);
                self.ids(&mut asg.instances);
                self.ids(&mut asg.target_groups);
            }
            Facts::BackupPlan(plan) => {
                for rule in &mut plan.rules {
                    rule.name = self.named("rule", &rule.name);
                }
                self.ids(&mut plan.resources);
            }
            Facts::ProtectedResource(p) => {
                p.resource = self.id(&p.resource);
                for rp in &mut p.recovery_points {
                    id(self, &mut rp.plan);
                }
            }
            Facts::DbInstance(db) => {
                id(self, &mut db.cluster);
                id(self, &mut db.read_replica_source);
                self.ids(&mut db.security_groups);
            }
            Facts::DbCluster(c) => {
                for m in &mut c.members {
                    m.instance = self.id(&m.instance);
                }
                self.ids(&mut c.security_groups);
                id(self, &mut c.global_cluster);
            }
            Facts::EcsCluster(c) => {
                for p in &mut c.capacity_providers {
                    p.name = self.named("capacity-provider", &p.name);
                    id(self, &mut p.auto_scaling_group);
                }
            }
            Facts::EcsService(svc) => {
                svc.cluster = self.id(&svc.cluster);
                self.ids(&mut svc.subnets);
                self.ids(&mut svc.security_groups);
                self.ids(&mut svc.target_groups);
                id(self, &mut svc.auto_scaling_group);
            }
            Facts::EcsTask(t) => {
                t.cluster = self.id(&t.cluster);
                id(self, &mut t.service);
                id(self, &mut t.subnet);
                id(self, &mut t.instance);
                // The same address as the `ip` target it registers: drawn the same way.
                for ip in &mut t.ips {
                    *ip = self.ip(ip);
                }
            }
            Facts::EksCluster(c) => self.ids(&mut c.subnets),
            Facts::EksNodegroup(ng) => {
                ng.cluster = self.id(&ng.cluster);
                self.ids(&mut ng.auto_scaling_groups);
                self.ids(&mut ng.subnets);
            }
            Facts::LambdaFunction(f) => {
                self.ids(&mut f.subnets);
                self.ids(&mut f.security_groups);
            }
            Facts::CacheReplicationGroup(g) => {
                for shard in &mut g.shards {
                    shard.id = self.named("shard", &shard.id);
                    for m in &mut shard.members {
                        m.node = self.named("cache-node", &m.node);
                    }
                }
                self.ids(&mut g.security_groups);
            }
            Facts::CacheCluster(c) => {
                for n in &mut c.nodes {
                    n.id = self.named("cache-node", &n.id);
                }
                self.ids(&mut c.security_groups);
            }
            Facts::ServerlessCache(c) => {
                self.ids(&mut c.subnets);
                self.ids(&mut c.security_groups);
            }
            Facts::DynamodbTable(_) => {}
            Facts::DnsRecords(d) => {
                d.zone = self.id(&d.zone);
                d.record_name = self.dns(&d.record_name);
                for m in &mut d.members {
                    m.target = self.dns(&m.target);
                    m.set_identifier = m.set_identifier.as_deref().map(|x| self.named("record", x));
                    id(self, &mut m.health_check);
                }
            }
            Facts::Accelerator(a) => {
                a.dns_name = a.dns_name.as_deref().map(|d| self.dns(d));
                for ep in a.endpoint_groups.iter_mut().flat_map(|g| &mut g.endpoints) {
                    ep.id = self.id(&ep.id);
                }
            }
            Facts::Distribution(d) => {
                d.domain = d.domain.as_deref().map(|x| self.dns(x));
                for a in &mut d.aliases {
                    *a = self.dns(a);
                }
                let mut renamed: Vec<(String, String)> = Vec::new();
                for o in &mut d.origins {
                    o.domain = self.dns(&o.domain);
                    let new = self.named("origin", &o.id);
                    renamed.push((std::mem::replace(&mut o.id, new.clone()), new));
                }
                for g in &mut d.origin_groups {
                    let new = self.named("origin-group", &g.id);
                    renamed.push((std::mem::replace(&mut g.id, new.clone()), new));
                }
                let rename = |x: &mut String| {
                    if let Some((_, new)) = renamed.iter().find(|(old, _)| old == x) {
                        *x = new.clone();
                    }
                };
                for g in &mut d.origin_groups {
                    rename(&mut g.primary);
                    rename(&mut g.secondary);
                }
                rename(&mut d.default_target);
            }
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_ipv4_addresses_than_the_first_range_holds_still_get_distinct_pseudonyms() {
        let regions = Vec::new();
        let mut p = Pseudonyms {
            salt: b"salt",
            regions: &regions,
            given: HashMap::new(),
            taken: HashMap::new(),
        };
        let n = 140_000u32;
        let mut seen = std::collections::HashSet::new();
        for i in 0..n {
            let original = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + i);
            let drawn = p.ip(&original.to_string());
            let addr: Ipv4Addr = drawn.parse().expect("still an IPv4 address");
            let in_first =
                (u32::from(addr) >> 17) == (u32::from(Ipv4Addr::new(198, 18, 0, 0)) >> 17);
            let in_reserved = addr.octets()[0] >= 240;
            assert!(in_first || in_reserved, "{addr} is in neither range");
            assert!(seen.insert(addr), "{addr} drawn twice");
        }
        // Redrawing gives the same pseudonym.
        assert_eq!(p.ip("10.0.0.7"), p.ip("10.0.0.7"));
    }
}
