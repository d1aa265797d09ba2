//! Building an [`Estate`]: interning accounts, Regions and AZ IDs, checking
//! every reference, then deriving the graph.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;

use super::consistency;

mod number;
use super::graph::EstateGraph;
use super::index::IdIndex;
use super::links::{self, Links, Sources};
use super::{
    Account, AccountIdx, Az, AzIdx, Coverage, Declared, Estate, Facts, Meta, MissingReference,
    ModelError, NatMode, RegionIdx, ResIdx, Resource,
};

/// Everything an estate holds but its derived graph and lookups: what
/// [`Estate::into_parts`] gives and [`EstateBuilder::from_parts`] takes.
/// Resources refer to accounts, Regions and AZs by their index in these lists.
#[derive(Debug, Clone)]
pub struct EstateParts {
    pub meta: Meta,
    pub accounts: Vec<Account>,
    pub regions: Vec<String>,
    pub azs: Vec<Az>,
    pub resources: Vec<Resource>,
    pub coverage: Vec<Coverage>,
    pub declared: Declared,
}

/// Collects accounts, AZ mappings and resources, then checks and links them.
#[derive(Debug, Default)]
pub struct EstateBuilder {
    meta: Meta,
    accounts: Vec<Account>,
    // Looked up once or more per resource while reading: a fast hash, not SipHash.
    account_by_id: foldhash::HashMap<String, AccountIdx>,
    regions: Vec<String>,
    region_by_name: foldhash::HashMap<String, RegionIdx>,
    azs: Vec<Az>,
    az_by_id: foldhash::HashMap<String, AzIdx>,
    resources: Vec<Resource>,
    coverage: Vec<Coverage>,
    declared: Declared,
}

impl EstateBuilder {
    pub fn new(meta: Meta) -> Self {
        EstateBuilder {
            meta,
            ..Default::default()
        }
    }

    /// A builder holding `parts` as they are; `build` checks them again.
    pub fn from_parts(parts: EstateParts) -> Self {
        EstateBuilder {
            account_by_id: (parts.accounts.iter().enumerate())
                .map(|(i, a)| (a.id.clone(), AccountIdx(i as u32)))
                .collect(),
            region_by_name: (parts.regions.iter().enumerate())
                .map(|(i, r)| (r.clone(), RegionIdx(i as u16)))
                .collect(),
            az_by_id: (parts.azs.iter().enumerate())
                .map(|(i, a)| (a.id.clone(), AzIdx(i as u16)))
                .collect(),
            meta: parts.meta,
            accounts: parts.accounts,
            regions: parts.regions,
            azs: parts.azs,
            resources: parts.resources,
            coverage: parts.coverage,
            declared: parts.declared,
        }
    }

    /// Declares an account (or renames one already seen).
    pub fn account(&mut self, id: &str, name: &str) -> AccountIdx {
        let idx = self.account_idx(id);
        if !name.is_empty() {
            self.accounts[idx.index()].name = name.to_string();
        }
        idx
    }

    /// The index of an account, declaring it (named by its id) if it is new.
    pub fn account_idx(&mut self, id: &str) -> AccountIdx {
        if let Some(&idx) = self.account_by_id.get(id) {
            return idx;
        }
        let idx = AccountIdx(self.accounts.len() as u32);
        self.accounts.push(Account {
            id: id.to_string(),
            name: id.to_string(),
            az_names: BTreeMap::new(),
        });
        self.account_by_id.insert(id.to_string(), idx);
        idx
    }

    pub fn region(&mut self, name: &str) -> RegionIdx {
        if let Some(&idx) = self.region_by_name.get(name) {
            return idx;
        }
        let idx = RegionIdx(self.regions.len() as u16);
        self.regions.push(name.to_string());
        self.region_by_name.insert(name.to_string(), idx);
        idx
    }

    /// Interns an AZ ID in `region`; an AZ ID claimed by two Regions is an error.
    pub fn az(&mut self, id: &str, region: RegionIdx, by: &str) -> Result<AzIdx, ModelError> {
        if id.is_empty() {
            return Err(ModelError::Invalid {
                what: format!("the AZ of {by}"),
                value: id.to_string(),
                why: "an AZ ID such as use1-az1 is required".to_string(),
            });
        }
        if let Some(&idx) = self.az_by_id.get(id) {
            let az = &self.azs[idx.index()];
            if az.region != region {
                return Err(ModelError::AzInTwoRegions {
                    az: id.to_string(),
                    first: self.regions[az.region.index()].clone(),
                    second: self.regions[region.index()].clone(),
                    resource: by.to_string(),
                });
            }
            return Ok(idx);
        }
        let Ok(n) = u16::try_from(self.azs.len()) else {
            return Err(ModelError::TooMany {
                what: "AZs",
                count: self.azs.len() + 1,
                max: usize::from(u16::MAX),
            });
        };
        let idx = AzIdx(n);
        self.azs.push(Az {
            id: id.to_string(),
            region,
        });
        self.az_by_id.insert(id.to_string(), idx);
        Ok(idx)
    }

    /// Records that `account` calls AZ `az_id` of `region` by `az_name`.
    pub fn az_name(
        &mut self,
        account: AccountIdx,
        region: &str,
        az_name: &str,
        az_id: &str,
    ) -> Result<AzIdx, ModelError> {
        let region = self.region(region);
        let by = format!(
            "the AZ mapping of account {}",
            self.accounts[account.index()].id
        );
        let az = self.az(az_id, region, &by)?;
        self.accounts[account.index()]
            .az_names
            .insert(az, az_name.to_string());
        Ok(az)
    }

    /// Makes room for `additional` more resources.
    pub fn reserve(&mut self, additional: usize) {
        self.resources.reserve(additional);
    }

    /// Adds a resource whose account, Region and AZ are already interned.
    pub fn push(&mut self, resource: Resource) -> ResIdx {
        let idx = ResIdx(self.resources.len() as u32);
        self.resources.push(resource);
        idx
    }

    /// Adds a resource named by strings: account id, Region name and AZ ID.
    pub fn add(
        &mut self,
        id: &str,
        name: &str,
        account: &str,
        region: &str,
        az: Option<&str>,
        facts: Facts,
    ) -> Result<ResIdx, ModelError> {
        let (account, region, az) = self.place(account, region, az, id)?;
        Ok(self.push(Resource {
            id: id.to_string(),
            name: name.to_string(),
            account,
            region,
            az,
            tags: BTreeMap::new(),
            facts,
        }))
    }

    /// Interns where resource `id` is: its account, Region and (if zonal) AZ ID.
    pub fn place(
        &mut self,
        account: &str,
        region: &str,
        az: Option<&str>,
        id: &str,
    ) -> Result<(AccountIdx, RegionIdx, Option<AzIdx>), ModelError> {
        let account = self.account_idx(account);
        let region = self.region(region);
        let az = match az {
            Some(az) => Some(self.az(az, region, id)?),
            None => None,
        };
        Ok((account, region, az))
    }

    /// Sets a tag on a resource already added.
    pub fn tag(&mut self, idx: ResIdx, key: &str, value: &str) {
        self.resources[idx.index()]
            .tags
            .insert(key.to_string(), value.to_string());
    }

    /// The facts of a resource already added.
    pub fn facts_mut(&mut self, idx: ResIdx) -> &mut Facts {
        &mut self.resources[idx.index()].facts
    }

    /// A resource already added, by id (a linear scan: for overlays and tests).
    pub fn find_mut(&mut self, id: &str) -> Option<&mut Resource> {
        self.resources.iter_mut().find(|r| r.id == id)
    }

    /// Every resource added so far, as `(id, name)`.
    pub fn resources_named(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.resources.iter().map(|r| {
            (
                r.id.as_str(),
                Some(r.name.as_str()).filter(|n| !n.is_empty()),
            )
        })
    }

    /// Every resource added so far, as `(id, kind)`.
    pub fn resources_kinds(&self) -> impl Iterator<Item = (&str, super::Kind)> {
        self.resources.iter().map(|r| (r.id.as_str(), r.kind()))
    }

    /// Every resource added so far that has tags, as `(id, name, tags)`.
    pub fn resources_tagged(
        &self,
    ) -> impl Iterator<Item = (&str, &str, &BTreeMap<String, String>)> {
        self.resources
            .iter()
            .filter(|r| !r.tags.is_empty())
            .map(|r| (r.id.as_str(), r.name.as_str(), &r.tags))
    }

    pub fn coverage(&mut self, coverage: Coverage) {
        self.coverage.push(coverage);
    }

    pub fn declared(&mut self, declared: Declared) {
        self.declared = declared;
    }

    pub fn declared_mut(&mut self) -> &mut Declared {
        &mut self.declared
    }

    pub fn meta_mut(&mut self) -> &mut Meta {
        &mut self.meta
    }

    /// References to resources the builder does not hold, which no coverage gap
    /// excuses (what `build` would refuse).
    pub fn missing_references(&self) -> Vec<MissingReference> {
        let Ok(index) = IdIndex::build(&self.resources) else {
            return Vec::new();
        };
        self.links(&index).missing
    }

    /// Removes a reference from a resource's facts, for a live scan that saw the
    /// estate change between two calls. Returns false for references that cannot
    /// go (a subnet's or route table's VPC).
    pub fn drop_reference(&mut self, missing: &MissingReference) -> bool {
        let Some(r) = self.resources.iter_mut().find(|r| r.id == missing.from) else {
            return false;
        };
        let to = missing.to.as_str();
        let keep = |id: &String| id != to;
        match (&mut r.facts, missing.field) {
            (Facts::RouteTable(rt), "subnets") => rt.subnets.retain(keep),
            (Facts::RouteTable(rt), "routes") => rt.routes.retain(|route| route.target != to),
            (Facts::NatGateway(n), "subnet") => n.subnet = None,
            (Facts::NatGateway(n), "vpc") => n.vpc = None,
            (Facts::SecurityGroup(g), "vpc") => g.vpc = None,
            (Facts::LoadBalancer(lb), "listeners") => lb
                .listeners
                .iter_mut()
                .for_each(|l| l.target_groups.retain(keep)),
            (Facts::LoadBalancer(lb), "zones") => lb
                .zones
                .iter_mut()
                .filter(|z| z.subnet.as_deref() == Some(to))
                .for_each(|z| z.subnet = None),
            (Facts::LoadBalancer(lb), "security_groups") => lb.security_groups.retain(keep),
            (Facts::TargetGroup(tg), "targets") => tg.targets.retain(|t| t.id != to),
            (Facts::Instance(i), "subnet") => i.subnet = None,
            (Facts::Instance(i), "security_groups") => i.security_groups.retain(keep),
            (Facts::AutoScalingGroup(g), "subnets") => g.subnets.retain(keep),
            (Facts::AutoScalingGroup(g), "instances") => g.instances.retain(keep),
            (Facts::AutoScalingGroup(g), "target_groups") => g.target_groups.retain(keep),
            (Facts::DbInstance(db), "cluster") => db.cluster = None,
            (Facts::DbInstance(db), "security_groups") => db.security_groups.retain(keep),
            (Facts::DbCluster(c), "members") => c.members.retain(|m| m.instance != to),
            (Facts::DbCluster(c), "security_groups") => c.security_groups.retain(keep),
            (Facts::EcsService(svc), "subnets") => svc.subnets.retain(keep),
            (Facts::EcsService(svc), "security_groups") => svc.security_groups.retain(keep),
            (Facts::EcsService(svc), "target_groups") => svc.target_groups.retain(keep),
            (Facts::EcsService(svc), "auto_scaling_group") => svc.auto_scaling_group = None,
            (Facts::EcsTask(t), "service") => t.service = None,
            (Facts::EcsTask(t), "subnet") => t.subnet = None,
            (Facts::EcsTask(t), "instance") => t.instance = None,
            (Facts::EksNodegroup(ng), "auto_scaling_groups") => ng.auto_scaling_groups.retain(keep),
            (Facts::LambdaFunction(f), "security_groups") => f.security_groups.retain(keep),
            (Facts::CacheReplicationGroup(g), "security_groups") => g.security_groups.retain(keep),
            (Facts::CacheCluster(c), "security_groups") => c.security_groups.retain(keep),
            (Facts::ServerlessCache(c), "security_groups") => c.security_groups.retain(keep),
            _ => return false,
        }
        true
    }

    /// Checks every reference and AZ, then derives the graph.
    pub fn build(mut self) -> Result<Estate, ModelError> {
        if self.resources.is_empty() {
            return Err(ModelError::Empty);
        }
        for r in self.resources.iter_mut().filter(|r| r.name.is_empty()) {
            r.name = r.id.clone();
        }
        let by_id = IdIndex::build(&self.resources)
            .map_err(|id| ModelError::DuplicateId { id: id.to_string() })?;
        self.intern_fact_azs()?;
        // Regions and AZs are numbered in 16 bits; AWS has a few hundred of either.
        // Counted after the AZs named only in facts (load balancer zones, targets) are in.
        for (what, count) in [("Regions", self.regions.len()), ("AZs", self.azs.len())] {
            if count > usize::from(u16::MAX) {
                return Err(ModelError::TooMany {
                    what,
                    count,
                    max: usize::from(u16::MAX),
                });
            }
        }
        self.number_by_name();
        self.check_azs()?;
        self.check_facts()?;
        let mut notes = consistency::declared_once(&mut self.declared);
        let links = self.links(&by_id);
        if !links.missing.is_empty() {
            return Err(ModelError::MissingReferences(links.missing));
        }
        if !links.misplaced.is_empty() {
            return Err(ModelError::Misplaced(links.misplaced));
        }
        notes.extend(consistency::check(&self.resources, &self.azs, &by_id)?);
        let graph = EstateGraph::from_edges(self.resources.len(), &links.edges);
        Ok(Estate {
            meta: self.meta,
            accounts: self.accounts,
            regions: self.regions,
            azs: self.azs,
            resources: self.resources,
            coverage: self.coverage,
            declared: self.declared,
            notes,
            by_id,
            graph,
        })
    }

    /// Every AZ a resource names must be an AZ ID, and one its account has in that
    /// Region when the snapshot says which AZs the account has.
    /// Facts no real resource has, which would make answers contradict themselves.
    fn check_facts(&self) -> Result<(), ModelError> {
        let zero_vcpus = self
            .resources
            .par_iter()
            .find_first(|r| matches!(&r.facts, Facts::Instance(i) if i.vcpus == Some(0)));
        match zero_vcpus {
            Some(r) => Err(ModelError::Invalid {
                what: format!("the vcpus of {}", r.id),
                value: "0".to_string(),
                why: "an instance has at least 1 vCPU; leave vcpus out when it is not known"
                    .to_string(),
            }),
            None => Ok(()),
        }
    }

    fn check_azs(&self) -> Result<(), ModelError> {
        // Per account and Region, the AZs the account's mapping lists.
        let mut known: HashMap<(AccountIdx, RegionIdx), Vec<AzIdx>> = HashMap::new();
        for (a, account) in self.accounts.iter().enumerate() {
            for &az in account.az_names.keys() {
                known
                    .entry((AccountIdx(a as u32), self.azs[az.index()].region))
                    .or_default()
                    .push(az);
            }
        }
        // Each resource checks on its own: in parallel, the first error in file order wins.
        match self
            .resources
            .par_iter()
            .find_map_first(|r| self.check_resource_azs(r, &known).err())
        {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn check_resource_azs(
        &self,
        r: &Resource,
        known: &HashMap<(AccountIdx, RegionIdx), Vec<AzIdx>>,
    ) -> Result<(), ModelError> {
        let mut named: Vec<&str> = Vec::new();
        if let Some(az) = r.az {
            named.push(&self.azs[az.index()].id);
        }
        named.extend(fact_azs(&r.facts));
        let account = &self.accounts[r.account.index()];
        let region = &self.regions[r.region.index()];
        for name in named {
            // AZ names read `us-east-1b`; AZ IDs `use1-az2`.
            if name.starts_with(region.as_str()) {
                let meaning = account
                    .az_names
                    .iter()
                    .find(|(_, n)| n.as_str() == name)
                    .map(|(az, _)| self.azs[az.index()].id.clone());
                return Err(ModelError::AzNameNotId {
                    resource: r.id.clone(),
                    given: name.to_string(),
                    meaning,
                });
            }
            let Some(list) = known.get(&(r.account, r.region)) else {
                continue;
            };
            let listed = self.az_by_id.get(name).is_some_and(|az| list.contains(az));
            if !listed {
                let mut ids: Vec<String> = list
                    .iter()
                    .map(|az| self.azs[az.index()].id.clone())
                    .collect();
                ids.sort();
                return Err(ModelError::AzNotInAccount {
                    resource: r.id.clone(),
                    az: name.to_string(),
                    account: account.id.clone(),
                    region: region.clone(),
                    known: ids,
                });
            }
        }
        Ok(())
    }

    /// Every AZ ID named inside facts must sit in the resource's Region.
    fn intern_fact_azs(&mut self) -> Result<(), ModelError> {
        // Resources look on their own (in parallel, in file order); the few AZs not yet
        // known are then interned (or refused) one by one, in that order.
        let known = &self.az_by_id;
        let azs = &self.azs;
        let per_resource: Vec<(&Resource, Vec<&str>)> = self
            .resources
            .par_iter()
            .map(|r| -> Result<Option<(&Resource, Vec<&str>)>, ModelError> {
                let zonal_kind = match &r.facts {
                    Facts::Subnet(_)
                    | Facts::Instance(_)
                    | Facts::DbInstance(_)
                    | Facts::EcsTask(_) => true,
                    Facts::NatGateway(n) => n.mode == NatMode::Zonal,
                    _ => false,
                };
                if zonal_kind && r.az.is_none() {
                    return Err(ModelError::ZonalWithoutAz {
                        resource: r.id.clone(),
                        kind: r.kind().key().to_string(),
                    });
                }
                // Known AZs in the right Region need nothing.
                let fine = |az: &&str| {
                    known
                        .get(*az)
                        .is_some_and(|&i| azs[i.index()].region == r.region)
                };
                let unknown: Vec<&str> = fact_azs(&r.facts).filter(|az| !fine(az)).collect();
                Ok((!unknown.is_empty()).then_some((r, unknown)))
            })
            .filter_map(Result::transpose)
            // Collected in order first, so the error reported is the first in the file.
            .collect::<Vec<_>>()
            .into_iter()
            .collect::<Result<Vec<_>, ModelError>>()?;
        let named: Vec<(String, RegionIdx, String)> = per_resource
            .into_iter()
            .flat_map(|(r, unknown)| {
                unknown
                    .into_iter()
                    .map(move |az| (az.to_string(), r.region, r.id.clone()))
            })
            .collect();
        for (az, region, by) in named {
            self.az(&az, region, &by)?;
        }
        Ok(())
    }

    fn links(&self, index: &IdIndex) -> Links {
        links::resolve(&Sources {
            resources: &self.resources,
            accounts: &self.accounts,
            regions: &self.regions,
            azs: &self.azs,
            coverage: &self.coverage,
            declared: &self.declared,
            index,
        })
    }
}

/// The AZ IDs a resource's facts name (beyond its own `az`).
fn fact_azs(facts: &Facts) -> Box<dyn Iterator<Item = &str> + '_> {
    match facts {
        Facts::LoadBalancer(lb) => Box::new(lb.zones.iter().map(|z| z.az.as_str())),
        Facts::TargetGroup(tg) => Box::new(tg.targets.iter().filter_map(|t| t.zonal_az())),
        Facts::AutoScalingGroup(asg) => Box::new(asg.azs.iter().map(String::as_str)),
        Facts::DbInstance(db) => Box::new(db.secondary_az.iter().map(String::as_str)),
        Facts::EcsService(svc) => Box::new(svc.azs.iter().map(String::as_str)),
        Facts::LambdaFunction(f) => Box::new(f.azs.iter().map(String::as_str)),
        Facts::CacheReplicationGroup(g) => {
            Box::new((g.shards.iter().flat_map(|s| &s.members)).map(|m| m.az.as_str()))
        }
        Facts::CacheCluster(c) => Box::new(c.nodes.iter().map(|n| n.az.as_str())),
        _ => Box::new(std::iter::empty()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AutoScalingGroup, Instance};

    #[test]
    fn a_reference_to_a_resource_that_appeared_mid_scan_can_be_dropped() {
        let mut b = EstateBuilder::new(Meta::default());
        let instance = Facts::Instance(Instance {
            instance_type: "t3.large".into(),
            state: "running".into(),
            ..Default::default()
        });
        b.add("i-1", "", "111", "us-east-1", Some("use1-az1"), instance)
            .unwrap();
        let group = Facts::AutoScalingGroup(AutoScalingGroup {
            azs: vec!["use1-az1".into()],
            instances: vec!["i-1".into(), "i-launched-meanwhile".into()],
            ..Default::default()
        });
        b.add("asg", "", "111", "us-east-1", None, group).unwrap();
        let missing = b.missing_references();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].to, "i-launched-meanwhile");
        assert!(b.drop_reference(&missing[0]));
        let estate = b.build().expect("consistent once the reference is gone");
        let Facts::AutoScalingGroup(g) = &estate.resource(estate.find("asg").unwrap()).facts else {
            panic!("not a group");
        };
        assert_eq!(g.instances, ["i-1"]);
    }
}
