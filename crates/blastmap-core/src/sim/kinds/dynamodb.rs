//! DynamoDB tables (`../shared/domain.md` §8): regional and replicated across AZs, so
//! no AZ loss touches a table. A Region loss takes it down unless it is a global
//! table with a replica in a surviving Region, which keeps serving reads and writes
//! (`degraded`: what was not yet replicated out of the lost Region is at risk).
//! Tables have no security groups: only declarations make a path depend on one.

use crate::model::{Estate, Facts, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason};
use crate::sim::topology::{Compiler, UnitIdx};
use crate::sim::{LostDomains, Status};

use super::rds::down_with_region;
use super::{Rule, Unit};

#[derive(Debug, Clone)]
pub struct Table {
    pub(crate) res: ResIdx,
    pub(crate) region: RegionIdx,
    /// Its replicas' Regions: the estate's own (which a what-if can lose), by index,
    /// and by name (a Region the estate does not hold survives every what-if).
    pub(crate) replicas: Vec<(Option<RegionIdx>, String)>,
}

/// A table served from a replica after its Region is lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCause {
    pub table: ResIdx,
    pub region: RegionIdx,
    /// The surviving replica's Region.
    pub to: String,
}

impl TableCause {
    pub(crate) fn describe(&self, estate: &Estate) -> String {
        format!(
            "{} is lost with {}: its global table keeps serving from the replica in {} (writes not yet replicated out of {} are at risk)",
            estate.resource(self.table).name,
            estate.region_name(self.region),
            self.to,
            estate.region_name(self.region)
        )
    }
}

pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let estate = c.estate;
    let r = estate.resource(res);
    let Facts::DynamodbTable(t) = &r.facts else {
        return Some(super::placed::compile(c, res));
    };
    let replicas: Vec<(Option<RegionIdx>, String)> = (t.replicas.iter())
        .filter(|n| **n != estate.region_name(r.region))
        .map(|name| (estate.region_by_name(name), name.clone()))
        .collect();
    let mut touches = vec![c.key_region(r.region)];
    touches.extend(
        replicas
            .iter()
            .filter_map(|(reg, _)| reg.map(|reg| c.key_region(reg))),
    );
    let unit = Table {
        res,
        region: r.region,
        replicas,
    };
    Some(c.push(Unit::Table(unit), touches))
}

impl Rule for Table {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        if !lost.region(self.region) {
            return Outcome::ok();
        }
        let surviving = (self.replicas.iter()).find(|(reg, _)| reg.is_none_or(|r| !lost.region(r)));
        match surviving {
            None => down_with_region(self.res, self.region),
            Some((_, to)) => Outcome::from_reasons(
                vec![Reason::new(
                    Status::Degraded,
                    Cause::Table(TableCause {
                        table: self.res,
                        region: self.region,
                        to: to.clone(),
                    }),
                )],
                None,
            ),
        }
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        let what = if self.replicas.is_empty() {
            "DynamoDB table".to_string()
        } else {
            let names: Vec<&str> = self.replicas.iter().map(|(_, n)| n.as_str()).collect();
            format!("DynamoDB global table, replicas in {}", names.join(", "))
        };
        (estate.resource(self.res).name.clone(), what)
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.res)
    }
}
