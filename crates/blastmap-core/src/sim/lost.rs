use crate::model::{AzIdx, Domain, Estate, RegionIdx};

/// The fault domains lost in a scenario, expanded so that a lost Region loses its AZs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostDomains {
    named: Vec<Domain>,
    azs: Vec<bool>,
    regions: Vec<bool>,
}

impl LostDomains {
    /// Nothing lost: the baseline.
    pub fn none(estate: &Estate) -> Self {
        LostDomains {
            named: Vec::new(),
            azs: vec![false; estate.azs().len()],
            regions: vec![false; estate.regions().len()],
        }
    }

    pub fn new(estate: &Estate, domains: &[Domain]) -> Self {
        let mut lost = Self::none(estate);
        for &d in domains {
            lost.lose(estate, d);
        }
        lost
    }

    /// Adds a domain (no-op if it is already lost).
    pub fn lose(&mut self, estate: &Estate, domain: Domain) {
        if self.named.contains(&domain) {
            return;
        }
        self.named.push(domain);
        self.named.sort();
        self.recompute(estate);
    }

    /// Restores a domain; returns whether it was lost.
    pub fn restore(&mut self, estate: &Estate, domain: Domain) -> bool {
        let before = self.named.len();
        self.named.retain(|d| *d != domain);
        self.recompute(estate);
        before != self.named.len()
    }

    fn recompute(&mut self, estate: &Estate) {
        self.azs.iter_mut().for_each(|a| *a = false);
        self.regions.iter_mut().for_each(|r| *r = false);
        for d in &self.named {
            match *d {
                Domain::Az(az) => self.azs[az.index()] = true,
                Domain::Region(r) => self.regions[r.index()] = true,
            }
        }
        for (i, az) in estate.azs().iter().enumerate() {
            if self.regions[az.region.index()] {
                self.azs[i] = true;
            }
        }
    }

    /// The domains as the user named them, in a stable order.
    pub fn domains(&self) -> &[Domain] {
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

    /// Whether something placed in `az` (or regional, when `None`) in `region` is lost.
    pub fn placement(&self, region: RegionIdx, az: Option<AzIdx>) -> bool {
        self.region(region) || az.is_some_and(|az| self.az(az))
    }

    /// `use1-az1, eu-west-1`, or `nothing`.
    pub fn describe(&self, estate: &Estate) -> String {
        if self.named.is_empty() {
            return "nothing".to_string();
        }
        self.named
            .iter()
            .map(|d| estate.domain_name(*d))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
