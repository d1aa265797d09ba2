//! An estate with everything the engine answers that does not depend on a
//! scenario: its topology, the matrix of every single loss, and the findings.
//! Built once; the command line and the TUI both start from it.

use std::sync::OnceLock;

use crate::findings::{self, Finding};
use crate::model::Estate;
use crate::sim::{self, LostDomains, Matrix, Topology, Verdict};

pub struct Analysis {
    pub estate: Estate,
    pub topo: Topology,
    pub matrix: Matrix,
    /// Computed on first use: not every answer needs them.
    findings: OnceLock<Vec<Finding>>,
}

impl Analysis {
    /// Compiles the estate and evaluates every single-AZ and single-Region loss
    /// (the matrix's columns on every core).
    pub fn new(estate: Estate) -> Analysis {
        let topo = Topology::build(&estate);
        let matrix = Matrix::build(&estate, &topo);
        Analysis {
            estate,
            topo,
            matrix,
            findings: OnceLock::new(),
        }
    }

    /// Every finding, sorted by severity then code (the rules run on every core).
    pub fn findings(&self) -> &[Finding] {
        self.findings
            .get_or_init(|| findings::analyze(&self.estate, &self.topo, &self.matrix))
    }

    /// The findings computed now, on whatever thread calls this (e.g. while loading).
    pub fn with_findings(self) -> Analysis {
        let _ = self.findings();
        self
    }

    /// One scenario's verdict.
    pub fn what_if(&self, lost: &LostDomains) -> Verdict {
        sim::what_if(&self.topo, lost)
    }
}
