//! Targets one by one (`target_details`), what each hop is about (`HopSubject`), and
//! whether it is gone: what a picture of a path is drawn from. Each target's fate must
//! agree with its AZ's line in the path detail and with the path's capacity.

use std::collections::{HashMap, HashSet};

use crate::embedded as demo;
use blastmap_core::model::{Domain, Estate, Facts, ResIdx, TargetType};
use blastmap_core::sim::{
    HopSubject, LostDomains, Part, PartId, Status, TargetDetail, TargetFate, TargetRef, Topology,
    Unit, Verdict, chain_detail, path_detail, target_details, what_if,
};
use blastmap_core::synth::{SynthConfig, generate};

/// Nothing lost, then each single AZ and Region, then the first two AZs together.
fn scenarios(e: &Estate) -> Vec<Vec<Domain>> {
    let mut out = vec![Vec::new()];
    let domains = e.domains();
    out.extend(domains.iter().map(|d| vec![*d]));
    out.push(domains.iter().take(2).copied().collect());
    out
}

/// Every chain something is drawn from: the paths', and the load balancers' they depend on.
fn chains(topo: &Topology) -> Vec<PartId> {
    let mut out: Vec<PartId> = (0..topo.paths().len()).map(|p| topo.path_part(p)).collect();
    let mut seen: HashSet<PartId> = out.iter().copied().collect();
    let mut i = 0;
    while i < out.len() {
        if let Part::Path(c) = topo.part(out[i]) {
            for d in c
                .dependencies
                .iter()
                .chain(c.cohorts.iter().flat_map(|k| &k.dependencies))
            {
                let inner = match topo.part(d.part) {
                    Part::LoadBalancer { paths, .. } => paths,
                    Part::Path(_) => vec![d.part],
                    _ => Vec::new(),
                };
                out.extend(inner.into_iter().filter(|p| seen.insert(*p)));
            }
        }
        i += 1;
    }
    out
}

fn units_of(e: &Estate, t: &TargetDetail, unit: Unit) -> u64 {
    match (unit, t.target) {
        (Unit::Vcpu, TargetRef::Resource(r)) => match &e.resource(r).facts {
            Facts::Instance(i) => i.vcpus.unwrap_or(0) as u64,
            _ => 0,
        },
        _ => 1,
    }
}

/// The status the targets of one AZ line give together: down when none of those
/// healthy before serves, degraded when some cannot (or serve without egress).
fn together(now: &[TargetDetail], before: &[TargetDetail]) -> Status {
    let healthy: Vec<&TargetDetail> = (now.iter().zip(before))
        .filter(|(_, b)| !matches!(b.fate, TargetFate::NotServingBefore | TargetFate::NoTraffic))
        .map(|(n, _)| n)
        .collect();
    if healthy.is_empty() || healthy.iter().all(|t| t.status() == Status::Down) {
        Status::Down
    } else if healthy.iter().any(|t| t.status() != Status::Ok) {
        Status::Degraded
    } else {
        Status::Ok
    }
}

fn check_estate(e: &Estate) -> usize {
    let topo = Topology::build(e);
    let baseline = what_if(&topo, &LostDomains::none(e));
    let chains = chains(&topo);
    let mut checked = 0;
    for lose in scenarios(e) {
        let verdict = what_if(&topo, &LostDomains::new(e, &lose));
        for &part in &chains {
            checked += check_chain(e, &topo, part, &verdict, &baseline);
        }
    }
    checked
}

fn check_chain(e: &Estate, topo: &Topology, part: PartId, v: &Verdict, base: &Verdict) -> usize {
    let Part::Path(c) = topo.part(part) else {
        unreachable!("chains only")
    };
    let detail = chain_detail(e, topo, part, v).unwrap();
    let now = target_details(topo, part, v).unwrap();
    let before = target_details(topo, part, base).unwrap();
    assert_eq!(now.len(), before.len());
    let label = e.forwarding_label(c.lb, c.tg);
    let lost = v.lost.describe(e);
    // Every hop is about something else.
    let mut subjects = HashSet::new();
    for h in &detail.hops {
        assert!(subjects.insert(h.subject), "{label}: {:?} twice", h.subject);
    }
    let mut checked = 0;
    for h in &detail.hops {
        let (of_hop, of_before): (Vec<TargetDetail>, Vec<TargetDetail>) = match h.subject {
            HopSubject::TargetsIn { az, .. } => (now.iter().zip(&before))
                .filter(|(t, _)| t.az == az && !t.function)
                .map(|(n, b)| (*n, *b))
                .unzip(),
            HopSubject::Function { function, .. } => (now.iter().zip(&before))
                .filter(|(t, _)| t.target == TargetRef::Resource(function))
                .map(|(n, b)| (*n, *b))
                .unzip(),
            _ => continue,
        };
        if of_hop.is_empty() {
            // An inner ALB's nodes (`alb` targets) are not drawn one by one.
            continue;
        }
        let disabled = of_hop
            .iter()
            .all(|t| matches!(before_fate(t, &of_before), TargetFate::NoTraffic));
        let expected = if disabled {
            Status::Ok
        } else {
            together(&of_hop, &of_before)
        };
        assert_eq!(
            h.status, expected,
            "{label}, losing {lost}: {} ({}) against its targets {:?}",
            h.label, h.note, of_hop
        );
        assert_eq!(
            h.lost,
            of_hop.iter().all(|t| t.lost),
            "{label}, losing {lost}: {}",
            h.label
        );
        checked += 1;
    }
    // The targets that serve are the path's capacity.
    let alb = matches!(&e.resource(c.tg).facts, Facts::TargetGroup(f) if f.target_type == TargetType::Alb);
    if !alb {
        let serving: u64 = (now.iter())
            .filter(|t| t.fate.serves())
            .map(|t| units_of(e, t, c.unit))
            .sum();
        let capacity = v.outcome(part).capacity.unwrap();
        assert_eq!(serving, capacity.after, "{label}, losing {lost}: {now:?}");
    }
    checked
}

fn before_fate(t: &TargetDetail, before: &[TargetDetail]) -> TargetFate {
    before
        .iter()
        .find(|b| b.target == t.target)
        .map_or(TargetFate::Serving, |b| b.fate)
}

#[test]
fn each_target_agrees_with_its_az_line_and_the_path_capacity_on_the_demo() {
    let checked = check_estate(&demo::estate().unwrap());
    assert!(checked > 300, "{checked} hops checked");
}

#[test]
fn each_target_agrees_with_its_az_line_and_the_path_capacity_on_generated_estates() {
    for seed in [1, 7] {
        let e = generate(&SynthConfig {
            resources: 2_500,
            seed,
            ..Default::default()
        });
        let checked = check_estate(&e);
        assert!(checked > 1_000, "seed {seed}: {checked} hops checked");
    }
}

fn find(e: &Estate, name: &str) -> ResIdx {
    ResIdx(e.resources().iter().position(|r| r.name == name).unwrap() as u32)
}

fn scene(lose: &str) -> (Estate, Topology, Verdict) {
    let e = demo::estate().unwrap();
    let topo = Topology::build(&e);
    let d = e.parse_domain(lose).unwrap();
    let v = what_if(&topo, &LostDomains::new(&e, &[d]));
    (e, topo, v)
}

fn path(topo: &Topology, id: &str) -> usize {
    topo.paths().iter().position(|p| p.id == id).unwrap()
}

#[test]
fn checkout_4_cannot_serve_without_its_hard_nat_egress() {
    let (e, topo, v) = scene("use1-az4");
    let p = path(&topo, "111111111111/us-east-1/checkout-alb/checkout-web");
    let targets = target_details(&topo, topo.path_part(p), &v).unwrap();
    let fate: HashMap<&str, TargetFate> = (targets.iter())
        .map(|t| match t.target {
            TargetRef::Resource(r) => (e.resource(r).name.as_str(), t.fate),
            TargetRef::Registration { .. } => unreachable!("instances"),
        })
        .collect();
    let nat = find(&e, "shop-use1-nat-a");
    assert_eq!(fate["checkout-4"], TargetFate::EgressLostHard(nat));
    assert_eq!(fate["checkout-4"].status(), Status::Down);
    for lost in ["checkout-1", "checkout-2", "checkout-3"] {
        assert_eq!(fate[lost], TargetFate::Lost, "{lost}");
    }
}

#[test]
fn a_database_is_gone_only_when_nothing_of_it_is_left_to_fail_over_to() {
    let hop = |lose: &str, path_id: &str, db: &str| {
        let (e, topo, v) = scene(lose);
        let p = path(&topo, path_id);
        let part = topo.part_of(find(&e, db)).unwrap();
        let d = path_detail(&e, &topo, p, &v);
        let h = (d.hops.into_iter())
            .find(|h| h.subject == HopSubject::Dependency(part))
            .unwrap_or_else(|| panic!("{db} in {path_id}'s detail"));
        (h.status, h.lost)
    };
    let storefront = "111111111111/us-east-1/storefront-alb/storefront-web";
    // Lost with its Region, though its global database fails over to eu-west-1.
    assert_eq!(
        hop("us-east-1", storefront, "catalog-aurora"),
        (Status::Degraded, true)
    );
    // Multi-AZ: its primary's AZ lost, it fails over: failed over, not gone.
    assert_eq!(
        hop(
            "use1-az6",
            "111111111111/us-east-1/storefront-alb/storefront-api",
            "orders-db"
        ),
        (Status::Degraded, false)
    );
    // Single-AZ, lost with its AZ.
    assert_eq!(
        hop(
            "use1-az1",
            "111111111111/us-east-1/search-alb/search",
            "search-db"
        ),
        (Status::Down, true)
    );
}

#[test]
fn a_global_database_knows_its_other_clusters_and_how_they_fare() {
    let (e, topo, v) = scene("us-east-1");
    let aurora = topo.part_of(find(&e, "catalog-aurora")).unwrap();
    let Part::Cluster { global_peers, .. } = topo.part(aurora) else {
        panic!("catalog-aurora is a cluster");
    };
    let eu = find(&e, "catalog-eu");
    let peer = global_peers
        .iter()
        .find(|p| p.res == eu)
        .expect("catalog-eu");
    assert!(!peer.writer);
    let hop = blastmap_core::sim::part_hop(&e, &topo, peer.part.unwrap(), &v);
    // Reads go on in eu-west-1; writes wait for its promotion.
    assert_eq!(
        (hop.status, hop.lost),
        (Status::Degraded, false),
        "{}",
        hop.note
    );
}
