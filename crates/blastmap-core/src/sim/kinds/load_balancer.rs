//! Load balancers (ELBv2): a node in each enabled AZ, cross-zone or not
//! (`../shared/domain.md` §4), and a load balancer depended upon as a hop.
//!
//! - ALB: cross-zone always on at the load-balancer level; NLB and GWLB off unless
//!   the attribute says so; the target group's attribute overrides either.
//! - Every enabled AZ lost: nothing is left to take traffic (`down`).
//! - A lost node whose AZ had no targets of its own costs no capacity: a note.
//!
//! (elasticloadbalancing/latest/application/disable-cross-zone.html,
//! network/target-group-cross-zone.html)

use crate::model::{AccountIdx, AzIdx, CrossZone, Estate, Facts, ResIdx};
use crate::sim::detail::HopDetail;
use crate::sim::evaluate::Outcome;
use crate::sim::reason::{Cause, Reason, az_list};
use crate::sim::topology::{Compiler, UnitIdx, target_groups_of};
use crate::sim::{LostDomains, Status};

use super::Rule;
use super::target_group::Chain;

/// Why a load balancer's nodes matter to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LbCause {
    /// Every enabled AZ is lost: no node is left.
    AllNodesLost { lb: ResIdx, azs: Vec<AzIdx> },
    /// A node lost while the targets it served are gone too or served elsewhere.
    NodeLost { lb: ResIdx, az: AzIdx },
}

impl LbCause {
    pub(crate) fn culprit(&self) -> ResIdx {
        match self {
            LbCause::AllNodesLost { lb, .. } | LbCause::NodeLost { lb, .. } => *lb,
        }
    }

    pub(crate) fn describe(&self, estate: &Estate) -> String {
        match self {
            LbCause::AllNodesLost { lb, azs } => format!(
                "every enabled AZ of {} is lost ({}): no load balancer node is left",
                estate.resource(*lb).name,
                az_list(estate, azs)
            ),
            LbCause::NodeLost { lb, az } => format!(
                "{} lost its node in {}; the surviving nodes take its traffic at no capacity cost",
                estate.resource(*lb).name,
                estate.az_id(*az)
            ),
        }
    }
}

/// Whether a load balancer forwarding to a target group balances across AZs.
pub(crate) fn cross_zone(estate: &Estate, lb: ResIdx, tg: ResIdx) -> Option<bool> {
    let (Facts::LoadBalancer(lbf), Facts::TargetGroup(tgf)) =
        (&estate.resource(lb).facts, &estate.resource(tg).facts)
    else {
        return None;
    };
    Some(match tgf.cross_zone {
        CrossZone::On => true,
        CrossZone::Off => false,
        CrossZone::Inherit => lbf.cross_zone_enabled(),
    })
}

/// The AZs a load balancer has a node in, sorted.
pub(crate) fn node_azs(c: &Compiler, lb: ResIdx) -> Vec<AzIdx> {
    let Facts::LoadBalancer(f) = &c.estate.resource(lb).facts else {
        return Vec::new();
    };
    let mut azs: Vec<AzIdx> = f.zones.iter().filter_map(|z| c.az(&z.az)).collect();
    azs.sort_unstable();
    azs.dedup();
    azs
}

/// Nodes of a chain's load balancer that survive `lost`.
pub(crate) fn nodes_alive(c: &Chain, lost: &LostDomains) -> usize {
    c.lb_azs.iter().filter(|a| !lost.az(**a)).count()
}

/// The reasons a chain's load balancer nodes give under `lost`; true when no node is left.
pub(crate) fn node_reasons(
    c: &Chain,
    lost: &LostDomains,
    alive: usize,
    reasons: &mut Vec<Reason>,
) -> bool {
    if alive == 0 && !c.lb_azs.is_empty() {
        reasons.push(Reason::new(
            Status::Down,
            Cause::LoadBalancer(LbCause::AllNodesLost {
                lb: c.lb,
                azs: c.lb_azs.clone(),
            }),
        ));
        return true;
    }
    for &az in c.lb_azs.iter().filter(|a| lost.az(**a)) {
        let had_targets = c.zones.iter().any(|z| z.az == az && z.tally.serving > 0);
        if !had_targets {
            reasons.push(Reason::new(
                Status::Ok,
                Cause::LoadBalancer(LbCause::NodeLost { lb: c.lb, az }),
            ));
        }
    }
    false
}

/// The path detail's first lines: the load balancer, then a line per node.
pub(crate) fn detail(estate: &Estate, c: &Chain, lost: &LostDomains, hops: &mut Vec<HopDetail>) {
    let lb = estate.resource(c.lb);
    let lb_kind = match &lb.facts {
        Facts::LoadBalancer(f) => f.lb_type.short(),
        _ => "load balancer",
    };
    let region_lost = lost.region(c.region);
    // A lost Region takes every AZ in it, whether or not each AZ is named.
    let az_lost = |az: AzIdx| region_lost || lost.az(az);
    let alive = c.lb_azs.iter().filter(|a| !az_lost(**a)).count();
    hops.push(HopDetail {
        depth: 0,
        label: format!(
            "{} ({lb_kind}, internet-facing, cross-zone {})",
            lb.name,
            if c.cross_zone { "on" } else { "off" }
        ),
        status: if region_lost || alive == 0 {
            Status::Down
        } else if alive < c.lb_azs.len() {
            Status::Degraded
        } else {
            Status::Ok
        },
        note: format!("{} of {} nodes up", alive, c.lb_azs.len()),
    });
    let mut lb_azs = c.lb_azs.clone();
    lb_azs.sort_by_key(|a| estate.az_id(*a));
    for az in lb_azs {
        let down = az_lost(az);
        hops.push(HopDetail {
            depth: 1,
            label: format!("node in {}", az_label(estate, lb.account, az)),
            status: if down { Status::Down } else { Status::Ok },
            note: if down { "lost" } else { "up" }.to_string(),
        });
    }
}

/// `use1-az1 (us-east-1a)`: an AZ ID with the account's own name for it.
pub(crate) fn az_label(estate: &Estate, account: AccountIdx, az: AzIdx) -> String {
    match estate.az_name(account, az) {
        Some(name) => format!("{} ({name})", estate.az_id(az)),
        None => estate.az_id(az).to_string(),
    }
}

/// A load balancer depended upon (an internal ALB, another service's NLB): as good
/// as the worst of its own chains, with their own dependencies.
#[derive(Debug, Clone)]
pub struct Hop {
    pub(crate) lb: ResIdx,
    pub(crate) chains: Vec<UnitIdx>,
}

/// Compiles a load balancer depended upon; a dependency cycle is cut where it closes.
pub(crate) fn compile_hop(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    if !c.in_progress.insert(res) {
        return None;
    }
    let chains: Vec<UnitIdx> = target_groups_of(c.estate, res)
        .into_iter()
        .filter_map(|tg| c.chain(res, tg))
        .collect();
    c.in_progress.remove(&res);
    if chains.is_empty() {
        return Some(super::placed::compile(c, res));
    }
    let touches = chains
        .iter()
        .flat_map(|&ch| c.touches_of(ch).iter().copied())
        .collect();
    Some(c.push(super::Unit::Hop(Hop { lb: res, chains }), touches))
}

impl Rule for Hop {
    fn evaluate<'a>(
        &self,
        _lost: &LostDomains,
        needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        let mut reasons = Vec::new();
        for &c in &self.chains {
            let o = needed(c);
            let said = |r: &&Reason| r.effect != Status::Ok || r.is_assumption();
            reasons.extend(o.reasons.iter().filter(said).cloned());
        }
        if reasons.is_empty() {
            return Outcome::ok();
        }
        Outcome::from_reasons(reasons, None)
    }

    fn named(&self, estate: &Estate) -> (String, String) {
        let r = estate.resource(self.lb);
        let what = match &r.facts {
            Facts::LoadBalancer(lb) if !lb.is_internet_facing() => "internal load balancer",
            _ => "load balancer",
        };
        (r.name.clone(), what.to_string())
    }

    fn depended(&self) -> Option<ResIdx> {
        Some(self.lb)
    }

    fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
        out.extend(self.chains.iter().map(|&c| (c, true)));
    }
}
