//! Anything depended upon that has no rule of its own: lost with its AZ, or with
//! its Region when it is regional.

use crate::model::{AzIdx, Estate, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason};
use crate::sim::topology::{Compiler, UnitIdx};
use crate::sim::{LostDomains, Status};

use super::{Rule, Unit};

#[derive(Debug, Clone)]
pub struct Placed {
    pub(crate) res: ResIdx,
    pub(crate) region: RegionIdx,
    pub(crate) az: Option<AzIdx>,
}

/// A resource lost with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacedCause {
    pub res: ResIdx,
    pub az: Option<AzIdx>,
    pub region: RegionIdx,
}

impl PlacedCause {
    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let place = self.az.map_or_else(
            || estate.region_name(self.region).to_string(),
            |a| estate.az_id(a).to_string(),
        );
        format!(
            "{} ({}) is lost in {place}",
            estate.resource(self.res).name,
            estate.resource(self.res).kind().label()
        )
    }
}

pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> UnitIdx {
    let r = c.estate.resource(res);
    let mut touches = vec![c.key_region(r.region)];
    touches.extend(r.az.map(|a| c.key_az(a)));
    let unit = Placed {
        res,
        region: r.region,
        az: r.az,
    };
    c.push(Unit::Placed(unit), touches)
}

impl Rule for Placed {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        if !lost.placement(self.region, self.az) {
            return Outcome::ok();
        }
        let cause = PlacedCause {
            res: self.res,
            az: self.az,
            region: self.region,
        };
        Outcome::from_reasons(vec![Reason::new(Status::Down, Cause::Placed(cause))], None)
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        let r = estate.resource(self.res);
        (r.name.clone(), r.kind().label().to_string())
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.res)
    }
}
