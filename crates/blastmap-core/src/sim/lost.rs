//! The fault domains a scenario loses, and the rules of editing them: a lost
//! Region loses its AZs, so an AZ can be lost with its Region without being named.

use crate::model::{AzIdx, Domain, Estate, RegionIdx};

/// The fault domains lost in a scenario, expanded so that a lost Region loses its AZs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostDomains {
    /// As the user named them, in the order they were lost.
    named: Vec<Domain>,
    /// The same, sorted: the order reports print them in.
    sorted: Vec<Domain>,
    azs: Vec<bool>,
    regions: Vec<bool>,
    /// Each AZ's Region (from the estate), to tell what an AZ is lost with.
    region_of: Vec<RegionIdx>,
}

/// What losing a domain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lose {
    Lost,
    AlreadyLost,
    /// An AZ whose Region is already lost: nothing changes.
    WithRegion(RegionIdx),
}

/// What restoring a domain did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Restore {
    Restored,
    /// Restored as named, but an AZ whose Region stays lost is still lost with it.
    StillLostWithRegion(RegionIdx),
    NotLost,
    /// An AZ lost only with its Region: restoring the Region brings it back.
    LostWithRegion(RegionIdx),
}

impl LostDomains {
    /// Nothing lost: the baseline.
    pub fn none(estate: &Estate) -> Self {
        LostDomains {
            named: Vec::new(),
            sorted: Vec::new(),
            azs: vec![false; estate.azs().len()],
            regions: vec![false; estate.regions().len()],
            region_of: estate.azs().iter().map(|az| az.region).collect(),
        }
    }

    pub fn new(estate: &Estate, domains: &[Domain]) -> Self {
        let mut lost = Self::none(estate);
        for &d in domains {
            lost.insert(d);
        }
        lost.recompute();
        lost
    }

    fn insert(&mut self, d: Domain) -> bool {
        if self.named.contains(&d) {
            return false;
        }
        self.named.push(d);
        true
    }

    /// Adds a domain and says what that did.
    pub fn lose(&mut self, domain: Domain) -> Lose {
        if self.named.contains(&domain) {
            return Lose::AlreadyLost;
        }
        if let Some(r) = self.lost_with_region(domain) {
            return Lose::WithRegion(r);
        }
        self.insert(domain);
        self.recompute();
        Lose::Lost
    }

    /// Restores a domain and says what that did.
    pub fn restore(&mut self, domain: Domain) -> Restore {
        let before = self.named.len();
        self.named.retain(|d| *d != domain);
        let removed = before != self.named.len();
        self.recompute();
        match (removed, self.lost_with_region(domain)) {
            (true, None) => Restore::Restored,
            (true, Some(r)) => Restore::StillLostWithRegion(r),
            (false, Some(r)) => Restore::LostWithRegion(r),
            (false, None) => Restore::NotLost,
        }
    }

    /// The Region an AZ is lost with, when that Region is lost (named or not, the AZ).
    pub fn lost_with_region(&self, domain: Domain) -> Option<RegionIdx> {
        let Domain::Az(az) = domain else { return None };
        let region = *self.region_of.get(az.index())?;
        self.regions[region.index()].then_some(region)
    }

    /// The domain lost last, if any.
    pub fn last(&self) -> Option<Domain> {
        self.named.last().copied()
    }

    fn recompute(&mut self) {
        self.sorted = self.named.clone();
        self.sorted.sort();
        self.azs.iter_mut().for_each(|a| *a = false);
        self.regions.iter_mut().for_each(|r| *r = false);
        for d in &self.named {
            match *d {
                Domain::Az(az) => self.azs[az.index()] = true,
                Domain::Region(r) => self.regions[r.index()] = true,
            }
        }
        for (i, region) in self.region_of.iter().enumerate() {
            if self.regions[region.index()] {
                self.azs[i] = true;
            }
        }
    }

    /// The domains as the user named them, in a stable (sorted) order.
    pub fn domains(&self) -> &[Domain] {
        &self.sorted
    }

    /// The domains in the order they were lost.
    pub fn in_order(&self) -> &[Domain] {
        &self.named
    }

    pub fn is_empty(&self) -> bool {
        self.named.is_empty()
    }

    /// Whether the AZ is lost, directly or with its Region.
    pub fn az(&self, az: AzIdx) -> bool {
        self.azs[az.index()]
    }

    pub fn region(&self, region: RegionIdx) -> bool {
        self.regions[region.index()]
    }

    /// Whether a domain is lost, directly or (an AZ) with its Region.
    pub fn contains(&self, d: Domain) -> bool {
        match d {
            Domain::Az(az) => self.az(az),
            Domain::Region(r) => self.region(r),
        }
    }

    /// Whether something placed in `az` (or regional, when `None`) in `region` is lost.
    pub fn placement(&self, region: RegionIdx, az: Option<AzIdx>) -> bool {
        self.region(region) || az.is_some_and(|az| self.az(az))
    }

    /// `use1-az1, eu-west-1`, or `nothing`.
    pub fn describe(&self, estate: &Estate) -> String {
        if self.sorted.is_empty() {
            return "nothing".to_string();
        }
        self.sorted
            .iter()
            .map(|d| estate.domain_name(*d))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn estate() -> Estate {
        crate::demo::estate().expect("the demo loads")
    }

    #[test]
    fn an_az_lost_with_its_region_is_said_so_and_restoring_the_region_brings_it_back() {
        let e = estate();
        let az = e.parse_domain("use1-az4").unwrap();
        let region = e.parse_domain("us-east-1").unwrap();
        let mut lost = LostDomains::none(&e);
        assert_eq!(lost.lose(region), Lose::Lost);
        assert!(lost.contains(az));
        assert!(matches!(lost.lose(az), Lose::WithRegion(_)));
        assert!(matches!(lost.restore(az), Restore::LostWithRegion(_)));
        assert_eq!(lost.restore(region), Restore::Restored);
        assert!(!lost.contains(az));
        assert_eq!(lost.restore(region), Restore::NotLost);
    }

    #[test]
    fn domains_keep_the_order_they_were_lost_in_and_print_in_one_order() {
        let e = estate();
        let a = e.parse_domain("use1-az6").unwrap();
        let b = e.parse_domain("use1-az1").unwrap();
        let mut lost = LostDomains::none(&e);
        lost.lose(a);
        lost.lose(b);
        assert_eq!(lost.in_order(), &[a, b]);
        assert_eq!(lost.last(), Some(b));
        // Printed in one order whatever the order of loss.
        assert_eq!(
            lost.describe(&e),
            LostDomains::new(&e, &[b, a]).describe(&e)
        );
        assert_eq!(lost, LostDomains::new(&e, &[a, b]));
    }
}
