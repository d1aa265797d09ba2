//! Every single-AZ and single-Region loss × every user-facing path.

use rayon::prelude::*;

use crate::model::{Domain, Estate};

use super::evaluate::{evaluate_units, service_verdicts};
use super::{LostDomains, Reason, Status, Topology};

/// One path under one single-domain loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub status: Status,
    /// Capacity right after the loss.
    pub after: u64,
}

#[derive(Debug, Clone)]
pub struct Matrix {
    pub domains: Vec<Domain>,
    /// Row-major: path × domain.
    cells: Vec<Cell>,
    /// Row-major: service × domain.
    services: Vec<Status>,
    /// Per column, in path order: the reasons of each path that goes down.
    down_reasons: Vec<Vec<(usize, Vec<Reason>)>>,
}

impl Matrix {
    /// Evaluates every domain of the estate, columns in parallel. Each column
    /// re-evaluates only the units that touch its domain.
    pub fn build(estate: &Estate, topo: &Topology) -> Matrix {
        Self::for_domains(estate, topo, estate.domains())
    }

    pub fn for_domains(estate: &Estate, topo: &Topology, domains: Vec<Domain>) -> Matrix {
        type Column = (Vec<Cell>, Vec<Status>, Vec<(usize, Vec<Reason>)>);
        let columns: Vec<Column> = domains
            .par_iter()
            .map(|&d| {
                let lost = LostDomains::new(estate, &[d]);
                let changed = evaluate_units(topo, &lost, topo.units_touching(d));
                let mut down = Vec::new();
                let cells: Vec<Cell> = topo
                    .paths
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let o = changed
                            .get(&p.chain)
                            .unwrap_or(&topo.baseline[p.chain as usize]);
                        if o.status == Status::Down {
                            let why = o.reasons.iter().filter(|r| r.effect == Status::Down);
                            down.push((i, why.cloned().collect()));
                        }
                        Cell {
                            status: o.status,
                            after: o.capacity.map_or(0, |c| c.after),
                        }
                    })
                    .collect();
                let services = service_verdicts(topo, |p| cells[p].status)
                    .into_iter()
                    .map(|s| s.status)
                    .collect();
                (cells, services, down)
            })
            .collect();
        let n = domains.len();
        let mut cells = vec![
            Cell {
                status: Status::Ok,
                after: 0
            };
            topo.paths.len() * n
        ];
        let mut services = vec![Status::Ok; topo.services.len() * n];
        let mut down_reasons = Vec::with_capacity(n);
        for (col, (column, svc, down)) in columns.into_iter().enumerate() {
            down_reasons.push(down);
            for (row, cell) in column.into_iter().enumerate() {
                cells[row * n + col] = cell;
            }
            for (row, st) in svc.into_iter().enumerate() {
                services[row * n + col] = st;
            }
        }
        Matrix {
            domains,
            cells,
            services,
            down_reasons,
        }
    }

    /// Why a path is down when a column's domain is lost (empty if it is not down).
    pub fn down_reasons(&self, path: usize, col: usize) -> &[Reason] {
        let column = &self.down_reasons[col];
        match column.binary_search_by_key(&path, |(p, _)| *p) {
            Ok(i) => &column[i].1,
            Err(_) => &[],
        }
    }

    pub fn cell(&self, path: usize, col: usize) -> Cell {
        self.cells[path * self.domains.len() + col]
    }

    /// The cells of one path, one per domain.
    pub fn row(&self, path: usize) -> &[Cell] {
        let n = self.domains.len();
        &self.cells[path * n..(path + 1) * n]
    }

    pub fn service_status(&self, service: usize, col: usize) -> Status {
        self.services[service * self.domains.len() + col]
    }
}
