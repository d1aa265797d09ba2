//! EC2 instances as targets: placed in their AZ, serving while running and
//! registered healthy (`../shared/domain.md` §4: unhealthy or unused targets
//! contribute no capacity even before a loss), counted in vCPUs when known.

use crate::model::{Facts, ResIdx};
use crate::sim::topology::Compiler;

use super::target_group::TargetEntry;

/// An instance as a target; `registered_serves` is its registration's health (true for
/// an Auto Scaling group's in-service member, which has no registration of its own).
pub(crate) fn target(c: &Compiler, inst: ResIdx, registered_serves: bool) -> TargetEntry {
    let r = c.estate.resource(inst);
    let (running, vcpus, subnet) = match &r.facts {
        Facts::Instance(i) => (i.is_running(), i.vcpus, i.subnet.as_deref()),
        _ => (false, None, None),
    };
    TargetEntry {
        az: r.az,
        serves: registered_serves && running,
        vcpus,
        instance: Some(inst),
        target: Some(inst),
        owner: Some(inst),
        subnet: subnet.and_then(|s| c.estate.find(s)),
        spread: Vec::new(),
        task: false,
        slot: None,
    }
}
