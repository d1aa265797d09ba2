//! NAT gateways: a target's internet egress through its subnet's route table
//! (`../shared/domain.md` §2, §4). A zonal NAT gateway lives in its subnet's AZ;
//! losing that AZ takes egress from every subnet routed through it, in other
//! AZs too (shared fate). Regional NAT gateways span AZs. Egress is a soft
//! dependency (`degraded`) unless declared hard, when targets without it serve
//! nothing. (vpc/latest/userguide/nat-gateway-basics.html)

use crate::model::{AzIdx, EdgeKind, Estate, RegionIdx, ResIdx};
use crate::sim::detail::{HopDetail, HopSubject};
use crate::sim::reason::{Cause, Reason, az_list};
use crate::sim::topology::Compiler;
use crate::sim::{LostDomains, Status};
use crate::text::{count, verb};

use super::load_balancer::az_label;
use super::target_group::{Chain, Tally, TargetEntry};

/// Targets of a chain that reach the internet through one NAT gateway.
#[derive(Debug, Clone)]
pub(crate) struct EgressUse {
    pub nat: ResIdx,
    /// `None` for a regional NAT gateway.
    pub nat_az: Option<AzIdx>,
    pub region: RegionIdx,
    /// Declared hard: targets without egress cannot serve.
    pub hard: bool,
    /// Users per AZ.
    pub users: Vec<(AzIdx, Tally)>,
    /// Serving capacity of users that belong to a cohort, per cohort and AZ.
    pub cohort_units: Vec<(u16, AzIdx, u64)>,
}

/// Targets that lost their internet egress with a NAT gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EgressCause {
    pub nat: ResIdx,
    pub az: Option<AzIdx>,
    pub region: RegionIdx,
    pub hard: bool,
    pub targets: u32,
    pub target_azs: Vec<AzIdx>,
}

impl EgressCause {
    pub(crate) fn describe(&self, estate: &Estate) -> String {
        let place = self.az.map_or_else(
            || estate.region_name(self.region).to_string(),
            |a| estate.az_id(a).to_string(),
        );
        let consequence = match (self.hard, self.targets == 1) {
            (true, true) => "loses internet egress, which it needs to serve (declared hard)",
            (true, false) => "lose internet egress, which they need to serve (declared hard)",
            (false, _) => verb(
                self.targets,
                "loses internet egress",
                "lose internet egress",
            ),
        };
        format!(
            "NAT gateway {} in {place} is lost: {} in {} {consequence}",
            estate.resource(self.nat).name,
            count(self.targets, "target", "targets"),
            az_list(estate, &self.target_azs)
        )
    }
}

/// The NAT gateways a chain's targets (instances, tasks) reach the internet through, with
/// their users per AZ; `units_of` measures a serving target in the chain's unit. Also,
/// per entry, the egress (an index in the first list) it goes out through.
pub(crate) fn compile(
    c: &Compiler,
    entries: &[TargetEntry],
    cohort_of: &[Option<u16>],
    hard: bool,
    units_of: impl Fn(&TargetEntry) -> u64,
) -> (Vec<EgressUse>, Vec<Option<u16>>) {
    let estate = c.estate;
    let mut egress: Vec<EgressUse> = Vec::new();
    let mut egress_of: Vec<Option<u16>> = vec![None; entries.len()];
    for (i, (e, cohort)) in entries.iter().zip(cohort_of).enumerate() {
        let (Some(subnet), Some(az)) = (e.subnet, e.az) else {
            continue;
        };
        for (edge, nat) in estate.edges_from(subnet) {
            if edge.kind != EdgeKind::EgressVia {
                continue;
            }
            let at = match egress.iter().position(|u| u.nat == nat) {
                Some(at) => at,
                None => {
                    let nat_res = estate.resource(nat);
                    egress.push(EgressUse {
                        nat,
                        nat_az: nat_res.zonal_nat_az(),
                        region: nat_res.region,
                        hard,
                        users: Vec::new(),
                        cohort_units: Vec::new(),
                    });
                    egress.len() - 1
                }
            };
            // A subnet's default route names one NAT gateway: the first is its egress.
            if egress_of[i].is_none() {
                egress_of[i] = u16::try_from(at).ok();
            }
            let use_ = &mut egress[at];
            let tally = match use_.users.iter_mut().position(|(a, _)| *a == az) {
                Some(i) => &mut use_.users[i].1,
                None => {
                    use_.users.push((az, Tally::default()));
                    &mut use_.users.last_mut().expect("just pushed").1
                }
            };
            tally.add(e.serves, units_of(e));
            if let (Some(k), true) = (cohort, e.serves) {
                match (use_.cohort_units.iter_mut()).find(|(c, a, _)| c == k && *a == az) {
                    Some((_, _, units)) => *units += units_of(e),
                    None => use_.cohort_units.push((*k, az, units_of(e))),
                }
            }
        }
    }
    (egress, egress_of)
}

impl EgressUse {
    /// The domain keys it touches: where the NAT gateway lives.
    pub fn touches(&self, c: &Compiler, out: &mut Vec<u32>) {
        out.push(c.key_region(self.region));
        out.extend(self.nat_az.map(|az| c.key_az(az)));
    }

    pub fn is_lost(&self, lost: &LostDomains) -> bool {
        lost.placement(self.region, self.nat_az)
    }
}

/// Capacity in `az` that cannot serve because its hard egress is lost, leaving out
/// the cohorts in `blocked` (they cannot serve anyway: not counted twice).
pub(crate) fn hard_loss_in(c: &Chain, az: AzIdx, lost: &LostDomains, blocked: &[bool]) -> u64 {
    let mut loss = 0;
    for e in c.egress.iter().filter(|e| e.is_lost(lost)) {
        let users: u64 = (e.users.iter().filter(|(a, _)| *a == az))
            .map(|(_, tally)| tally.units)
            .sum();
        let cannot_anyway: u64 = (e.cohort_units.iter())
            .filter(|(k, a, _)| *a == az && blocked.get(*k as usize) == Some(&true))
            .map(|(_, _, units)| units)
            .sum();
        loss += users.saturating_sub(cannot_anyway);
    }
    loss
}

/// A reason per lost NAT gateway that surviving, serving targets of the chain use.
pub(crate) fn reasons(c: &Chain, lost: &LostDomains, reasons: &mut Vec<Reason>) {
    let zone_enabled = |az: AzIdx| c.zones.iter().any(|z| z.az == az && z.enabled);
    for e in c.egress.iter().filter(|e| e.is_lost(lost)) {
        let users: Vec<&(AzIdx, Tally)> = e
            .users
            .iter()
            .filter(|(az, t)| !lost.az(*az) && zone_enabled(*az) && t.serving > 0)
            .collect();
        if users.is_empty() {
            continue;
        }
        reasons.push(Reason::new(
            Status::Degraded,
            Cause::Egress(EgressCause {
                nat: e.nat,
                az: e.nat_az,
                region: e.region,
                hard: e.hard,
                targets: users.iter().map(|(_, t)| t.serving).sum(),
                target_azs: users.iter().map(|(az, _)| *az).collect(),
            }),
        ));
    }
}

/// A line per NAT gateway in a path's detail.
pub(crate) fn detail(estate: &Estate, c: &Chain, lost: &LostDomains, hops: &mut Vec<HopDetail>) {
    let region_lost = lost.region(c.region);
    for e in &c.egress {
        let nat = estate.resource(e.nat);
        let nat_lost = e.is_lost(lost);
        let users: u32 = e.users.iter().map(|(_, t)| t.total).sum();
        let label = match e.nat_az {
            None => format!(
                "egress via regional NAT gateway {} ({})",
                nat.name,
                estate.region_name(e.region)
            ),
            Some(az) => format!(
                "egress via NAT gateway {} in {}",
                nat.name,
                az_label(estate, nat.account, az)
            ),
        };
        hops.push(HopDetail {
            subject: HopSubject::Nat(e.nat),
            lost: nat_lost,
            depth: 2,
            label,
            status: match (nat_lost, e.hard || region_lost) {
                (false, _) => Status::Ok,
                (true, false) => Status::Degraded,
                (true, true) => Status::Down,
            },
            note: format!(
                "{}{} {} it{}",
                if nat_lost { "lost: " } else { "" },
                count(users, "target", "targets"),
                if nat_lost {
                    verb(users, "loses egress through", "lose egress through")
                } else {
                    verb(users, "uses", "use")
                },
                if e.hard { "; declared hard" } else { "" }
            ),
        });
    }
}
