//! The CI gate: does any single loss of a kind take a user-facing path (or a service,
//! where paths form one) down?

use crate::model::Domain;

use super::{Matrix, Reason, Status, Topology};

/// Which single losses the estate must survive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    Az,
    Region,
}

impl Tolerance {
    pub fn as_str(self) -> &'static str {
        match self {
            Tolerance::Az => "az",
            Tolerance::Region => "region",
        }
    }

    fn covers(self, d: Domain) -> bool {
        matches!(
            (self, d),
            (Tolerance::Az, Domain::Az(_)) | (Tolerance::Region, Domain::Region(_))
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// A path that belongs to no service.
    Path(usize),
    Service(usize),
}

/// One thing that goes down under one loss.
#[derive(Debug, Clone)]
pub struct Offender {
    pub subject: Subject,
    pub domain: Domain,
    /// The reasons its paths went down.
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone)]
pub struct CheckResult {
    pub tolerate: Tolerance,
    pub offenders: Vec<Offender>,
}

impl CheckResult {
    pub fn passed(&self) -> bool {
        self.offenders.is_empty()
    }
}

/// Lists every service, and every path outside a service, that some single loss of
/// the tolerated kind takes down. A service survives while any of its paths does.
pub fn check(topo: &Topology, matrix: &Matrix, tolerate: Tolerance) -> CheckResult {
    let mut offenders = Vec::new();
    for (col, &domain) in matrix.domains.iter().enumerate() {
        if !tolerate.covers(domain) {
            continue;
        }
        let down_services: Vec<usize> = (0..topo.services().len())
            .filter(|&s| matrix.service_status(s, col) == Status::Down)
            .collect();
        let down_paths: Vec<usize> = topo
            .paths()
            .iter()
            .enumerate()
            .filter(|(p, spec)| {
                spec.service.is_none() && matrix.cell(*p, col).status == Status::Down
            })
            .map(|(p, _)| p)
            .collect();
        if down_services.is_empty() && down_paths.is_empty() {
            continue;
        }
        let down_reasons = |p: usize| matrix.down_reasons(p, col).to_vec();
        for s in down_services {
            // Paths of one service often go down for the same reason: say it once.
            let mut reasons: Vec<Reason> = Vec::new();
            for r in topo.services()[s]
                .paths
                .iter()
                .flat_map(|&p| down_reasons(p))
            {
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
            offenders.push(Offender {
                subject: Subject::Service(s),
                domain,
                reasons,
            });
        }
        for p in down_paths {
            offenders.push(Offender {
                subject: Subject::Path(p),
                domain,
                reasons: down_reasons(p),
            });
        }
    }
    CheckResult {
        tolerate,
        offenders,
    }
}
