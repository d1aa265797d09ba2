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

use crate::model::{AccountIdx, AzIdx, CrossZone, Estate, Facts, RegionIdx, ResIdx};
use crate::sim::detail::{HopDetail, HopSubject};
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

/// Reasons a load balancer depended upon keeps (the worst first): what its chains say
/// beyond that is theirs to say, on their own paths.
const SAID_BY_HOP: usize = 8;

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
        subject: HopSubject::LoadBalancer(c.lb),
        lost: lost_entirely(c.region, &c.lb_azs, lost),
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
        note: format!(
            "{} of {} nodes up{}",
            alive,
            c.lb_azs.len(),
            zonal_shift_note(&lb.facts)
        ),
    });
    let mut lb_azs = c.lb_azs.clone();
    lb_azs.sort_by_key(|a| estate.az_id(*a));
    for az in lb_azs {
        let down = az_lost(az);
        hops.push(HopDetail {
            subject: HopSubject::LbNode { lb: c.lb, az },
            lost: down,
            depth: 1,
            label: format!("node in {}", az_label(estate, lb.account, az)),
            status: if down { Status::Down } else { Status::Ok },
            note: if down { "lost" } else { "up" }.to_string(),
        });
    }
}

/// Whether a load balancer with nodes in `azs` is gone: its Region lost, or every node.
pub(crate) fn lost_entirely(region: RegionIdx, azs: &[AzIdx], lost: &LostDomains) -> bool {
    lost.region(region) || (!azs.is_empty() && azs.iter().all(|a| lost.az(*a)))
}

/// `; zonal shift on, autoshift on`: whether ARC can move the load balancer's
/// traffic away from an AZ (`../shared/domain.md` §10); nothing when not read.
fn zonal_shift_note(facts: &Facts) -> String {
    let Facts::LoadBalancer(f) = facts else {
        return String::new();
    };
    match f.zonal_shift {
        None => String::new(),
        Some(z) if !z.enabled => "; zonal shift off".to_string(),
        Some(z) => match z.autoshift {
            Some(true) => "; zonal shift on, autoshift on".to_string(),
            Some(false) => "; zonal shift on, autoshift off".to_string(),
            None => "; zonal shift on".to_string(),
        },
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
    pub(crate) region: RegionIdx,
    /// The AZs it has a node in.
    pub(crate) azs: Vec<AzIdx>,
}

/// Compiles a load balancer depended upon: a hop over its chains (each evaluated on
/// its own), or just the load balancer when it forwards nowhere.
pub(crate) fn compile_hop(c: &mut Compiler, res: ResIdx) -> Option<UnitIdx> {
    let chains: Vec<UnitIdx> = target_groups_of(c.estate, res)
        .into_iter()
        .filter_map(|tg| c.chain(res, tg))
        .collect();
    if c.pending() {
        return None;
    }
    if chains.is_empty() {
        return Some(super::placed::compile(c, res));
    }
    let hop = Hop {
        lb: res,
        chains,
        region: c.estate.resource(res).region,
        azs: node_azs(c, res),
    };
    // It touches what its chains touch (added once everything is compiled).
    Some(c.push(super::Unit::Hop(hop), Vec::new()))
}

impl Rule for Hop {
    fn evaluate<'a>(
        &self,
        _lost: &LostDomains,
        needed: &impl Fn(UnitIdx) -> &'a Outcome,
    ) -> Outcome {
        // The chains' reasons, each once: two target groups behind one load balancer
        // often share theirs (its dependencies), and a hop says a few, the worst.
        // At most that many of each status are kept, so a load balancer with thousands
        // of target groups costs a constant per reason.
        let mut reasons: Vec<Reason> = Vec::new();
        for &c in &self.chains {
            let o = needed(c);
            let said = |r: &&Reason| r.effect != Status::Ok || r.is_assumption();
            for r in o.reasons.iter().filter(said) {
                let alike = reasons.iter().filter(|k| k.effect == r.effect).count();
                if alike < SAID_BY_HOP && !reasons.contains(r) {
                    reasons.push(r.clone());
                }
            }
        }
        if reasons.is_empty() {
            return Outcome::ok();
        }
        let mut o = Outcome::from_reasons(reasons, None);
        o.reasons.truncate(SAID_BY_HOP);
        o
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

    fn gone(&self, _estate: &Estate, lost: &LostDomains) -> bool {
        lost_entirely(self.region, &self.azs, lost)
    }

    fn needs(&self, out: &mut Vec<(UnitIdx, bool)>) {
        out.extend(self.chains.iter().map(|&c| (c, true)));
    }

    fn resolve_refs(&mut self, resolve: &dyn Fn(UnitIdx) -> Option<UnitIdx>) {
        self.chains = self.chains.iter().filter_map(|&c| resolve(c)).collect();
    }
}
