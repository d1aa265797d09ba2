//! Lambda functions (`../shared/domain.md` §8). A function outside any VPC is
//! regional: no AZ loss touches it. A VPC function keeps serving while one of its
//! subnets' AZs survives, and is lost when all are. As an ALB `lambda` target it is
//! the target; declared, it is a dependency.
//! (lambda/latest/dg/security-resilience.html)

use crate::model::{AzIdx, Estate, Facts, RegionIdx, ResIdx};
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason, az_list};
use crate::sim::topology::{Compiler, UnitIdx};
use crate::sim::{LostDomains, Status};

use super::rds::down_with_region;
use super::target_group::TargetEntry;
use super::{Rule, Unit};

/// A function as a target: spread over its subnets' AZs (none: regional).
pub(crate) fn target(c: &Compiler, function: ResIdx, registered_serves: bool) -> TargetEntry {
    TargetEntry {
        az: None,
        serves: registered_serves,
        vcpus: None,
        instance: None,
        target: Some(function),
        owner: Some(function),
        subnet: None,
        spread: azs(c, function),
        task: false,
        slot: None,
    }
}

/// The AZs of a VPC function's subnets, sorted.
fn azs(c: &Compiler, function: ResIdx) -> Vec<AzIdx> {
    let Facts::LambdaFunction(f) = &c.estate.resource(function).facts else {
        return Vec::new();
    };
    let mut azs: Vec<AzIdx> = f.azs.iter().filter_map(|a| c.az(a)).collect();
    azs.sort_unstable();
    azs.dedup();
    azs
}

/// A function lost with every AZ of its subnets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionCause {
    pub function: ResIdx,
    pub azs: Vec<AzIdx>,
}

impl FunctionCause {
    pub(crate) fn describe(&self, estate: &Estate) -> String {
        format!(
            "Lambda function {} lost every AZ of its subnets ({}): it cannot run",
            estate.resource(self.function).name,
            az_list(estate, &self.azs)
        )
    }
}

/// A function something depends on.
#[derive(Debug, Clone)]
pub struct Function {
    pub(crate) res: ResIdx,
    pub(crate) region: RegionIdx,
    pub(crate) azs: Vec<AzIdx>,
}

pub(crate) fn compile(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let r = c.estate.resource(res);
    let azs = azs(c, res);
    let mut touches = vec![c.key_region(r.region)];
    touches.extend(azs.iter().map(|&a| c.key_az(a)));
    let unit = Function {
        res,
        region: r.region,
        azs,
    };
    Some(c.push(Unit::Function(unit), touches))
}

impl Rule for Function {
    fn evaluate<'a>(
        &self,
        lost: &LostDomains,
        _needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        if lost.region(self.region) {
            return down_with_region(self.res, self.region);
        }
        if !self.azs.is_empty() && self.azs.iter().all(|a| lost.az(*a)) {
            let cause = FunctionCause {
                function: self.res,
                azs: self.azs.clone(),
            };
            return Outcome::from_reasons(
                vec![Reason::new(Status::Down, Cause::Function(cause))],
                None,
            );
        }
        Outcome::ok()
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        let what = if self.azs.is_empty() {
            "Lambda function".to_string()
        } else {
            format!("Lambda function, {} AZs", self.azs.len())
        };
        (estate.resource(self.res).name.clone(), what)
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.res)
    }

    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        lost.region(self.region) || (!self.azs.is_empty() && self.azs.iter().all(|a| lost.az(*a)))
    }
}
