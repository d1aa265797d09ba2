//! The runbook (`../shared/domain.md` §10): each verdict maps to the right action, and
//! a zonal shift that would overload the surviving AZs is never recommended.

use blastmap_core::model::*;
use blastmap_core::sim::{ShiftAdvice, Status, Topology, runbook, what_if};

use crate::fixture::{Fx, Sim};

const AZ1: &str = "use1-az1";
const AZ2: &str = "use1-az2";
const AZ3: &str = "use1-az3";

fn zonal_shift(fx: &mut Fx, lb: &str, shift: Option<ZonalShift>) {
    if let Some(r) = fx.b.find_mut(lb)
        && let Facts::LoadBalancer(f) = &mut r.facts
    {
        f.zonal_shift = shift;
    }
}

const ON: Option<ZonalShift> = Some(ZonalShift {
    enabled: true,
    autoshift: Some(false),
    practice_runs: Some(false),
});

/// `web-alb` over `per_az` targets in each of `azs`, zonal shift as given.
fn web(azs: &[&str], per_az: usize, shift: Option<ZonalShift>) -> Fx {
    let mut fx = Fx::new();
    let t = fx.fleet("web", azs, per_az, &[]);
    fx.tg("web", &t);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    zonal_shift(&mut fx, "web-alb", shift);
    fx
}

fn advice(fx: Fx, lost: &[&str]) -> (ShiftAdvice, blastmap_core::sim::Runbook) {
    let s = Sim::new(fx.build());
    let book = runbook(&s.estate, &s.topo, &s.lose(lost));
    (book.paths[0].shift.clone(), book)
}

#[test]
fn a_shift_is_recommended_when_the_other_azs_keep_half_the_capacity_or_more() {
    let (a, book) = advice(web(&[AZ1, AZ2, AZ3], 1, ON), &[AZ1]);
    assert_eq!(
        a,
        ShiftAdvice::Start {
            load_balancer: "web-alb".into(),
            away_from: AZ1.into(),
            capacity_left_percent: 66,
            autoshift: false,
        }
    );
    assert_eq!(book.shifts.len(), 1);
    assert_eq!(
        book.shifts[0].command,
        "aws arc-zonal-shift start-zonal-shift --region us-east-1 --resource-identifier web-alb --away-from use1-az1 --expires-in 2h --comment 'blastmap runbook: use1-az1 impaired'"
    );
    assert_eq!(
        book.lost[0].names,
        [("prod".to_string(), "us-east-1a".to_string())]
    );
}

#[test]
fn a_shift_that_would_overload_the_rest_is_a_warning_not_a_command() {
    // Three targets in use1-az1, one elsewhere: losing use1-az1 leaves a quarter.
    let mut fx = Fx::new();
    let mut t = fx.fleet("a", &[AZ1], 3, &[]);
    t.extend(fx.fleet("b", &[AZ2], 1, &[]));
    fx.tg("web", &t);
    fx.alb("web-alb", &[AZ1, AZ2, AZ3], &["web"]);
    zonal_shift(&mut fx, "web-alb", ON);
    let (a, book) = advice(fx, &[AZ1]);
    assert!(
        matches!(
            a,
            ShiftAdvice::WouldOverload {
                capacity_left_percent: 25,
                ..
            }
        ),
        "{a:?}"
    );
    assert!(book.shifts.is_empty());
    assert!(
        a.describe()
            .starts_with("do not shift web-alb away from use1-az1")
    );
}

#[test]
fn a_load_balancer_with_zonal_shift_off_or_unread_is_said_so() {
    let off = Some(ZonalShift::default());
    let (a, _) = advice(web(&[AZ1, AZ2, AZ3], 1, off), &[AZ1]);
    assert_eq!(
        a,
        ShiftAdvice::NotEnabled {
            load_balancer: "web-alb".into()
        }
    );
    let (a, _) = advice(web(&[AZ1, AZ2, AZ3], 1, None), &[AZ1]);
    assert_eq!(
        a,
        ShiftAdvice::Unknown {
            load_balancer: "web-alb".into()
        }
    );
}

#[test]
fn a_region_loss_or_several_azs_are_not_one_zonal_shift() {
    let (a, _) = advice(web(&[AZ1, AZ2, AZ3], 1, ON), &["us-east-1"]);
    assert_eq!(a, ShiftAdvice::RegionLost);
    let (a, _) = advice(web(&[AZ1, AZ2, AZ3], 1, ON), &[AZ1, AZ2]);
    assert_eq!(
        a,
        ShiftAdvice::SeveralAzs {
            load_balancer: "web-alb".into()
        }
    );
}

#[test]
fn recoveries_are_automatic_for_multi_az_databases_and_human_for_single_az_ones() {
    let db = |multi_az: bool| {
        let mut fx = web(&[AZ1, AZ2, AZ3], 1, ON);
        if multi_az {
            fx.rds("orders", AZ1, true, Some(AZ2), &[]);
        } else {
            fx.rds("orders", AZ1, false, None, &[]);
        }
        fx.depends("web", "orders", true);
        let s = Sim::new(fx.build());
        runbook(&s.estate, &s.topo, &s.lose(&[AZ1])).paths.remove(0)
    };
    let multi = db(true);
    assert!(multi.human.is_empty(), "{:?}", multi.human);
    assert!(
        multi.automatic[0]
            .starts_with("RDS fails orders over to its standby (typically 60–120 seconds"),
        "{:?}",
        multi.automatic
    );
    let single = db(false);
    assert_eq!(single.status, Status::Down);
    assert_eq!(single.human.len(), 1, "{:?}", single.human);
    assert!(
        single.human[0].contains(
            "aws rds restore-db-instance-to-point-in-time --region us-east-1 --source-db-instance-identifier orders --target-db-instance-identifier orders-restored --use-latest-restorable-time --availability-zone us-east-1b"
        ),
        "{}",
        single.human[0]
    );
    // The path is down, so its load balancer has nothing to shift to.
    assert_eq!(
        single.shift,
        ShiftAdvice::NothingLeft {
            load_balancer: "web-alb".into()
        }
    );
}

#[test]
fn paths_are_ordered_by_impact_and_the_ok_ones_are_listed_too() {
    let e = crate::embedded::estate().unwrap();
    let topo = Topology::build(&e);
    let az = e.parse_domain("use1-az4").unwrap();
    let v = what_if(&topo, &blastmap_core::sim::LostDomains::new(&e, &[az]));
    let book = runbook(&e, &topo, &v);
    assert_eq!(book.paths.len(), topo.paths().len());
    let statuses: Vec<Status> = book.paths.iter().map(|p| p.status).collect();
    let mut sorted = statuses.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(statuses, sorted, "worst first");
    assert_eq!(statuses[0], Status::Down);
    assert!(book.paths.iter().any(|p| p.status == Status::Ok));
}

#[test]
fn the_demo_never_recommends_a_shift_that_overloads_the_survivors() {
    let e = crate::embedded::estate().unwrap();
    let topo = Topology::build(&e);
    let mut shifted = 0;
    for d in e.domains() {
        let v = what_if(&topo, &blastmap_core::sim::LostDomains::new(&e, &[d]));
        let book = runbook(&e, &topo, &v);
        for p in &book.paths {
            if let ShiftAdvice::Start { load_balancer, .. } = &p.shift {
                shifted += 1;
                // Every path of that load balancer that still serves keeps half or more.
                for q in book
                    .paths
                    .iter()
                    .filter(|q| &q.path.load_balancer == load_balancer)
                {
                    assert!(
                        q.status == Status::Down || q.capacity.after * 2 >= q.capacity.before,
                        "{} shifted while {} keeps {}/{}",
                        load_balancer,
                        q.path.id,
                        q.capacity.after,
                        q.capacity.before
                    );
                }
            }
        }
    }
    assert!(shifted > 0, "the demo recommends some shift");
}

#[test]
fn a_region_loss_says_what_entry_points_do_and_what_data_needs_restoring() {
    let e = crate::embedded::estate().unwrap();
    let topo = Topology::build(&e);
    let region = e.parse_domain("us-east-1").unwrap();
    let v = what_if(&topo, &blastmap_core::sim::LostDomains::new(&e, &[region]));
    let book = runbook(&e, &topo, &v);
    assert!(book.shifts.is_empty(), "no zonal shift across Regions");
    let path = |lb: &str| {
        book.paths
            .iter()
            .find(|p| p.path.load_balancer == lb)
            .unwrap()
    };
    let storefront = path("storefront-alb");
    assert!(
        storefront.automatic.iter().any(|a| a.starts_with(
            "Route 53 fails storefront over from storefront-alb (us-east-1) to storefront-eu-alb (eu-west-1)"
        )),
        "{:?}",
        storefront.automatic
    );
    // auth's records are not health-evaluated: a human must take us-east-1 out.
    let auth = path("auth-alb");
    assert!(
        auth.human
            .iter()
            .any(|h| h.contains("take the lost member out of the entry point")),
        "{:?}",
        auth.human
    );
    assert!(path("payments-nlb").human.contains(
        &"ledger-db can be restored in eu-west-1 from an AWS Backup copy (RPO 3 h)".to_string()
    ));
}

#[test]
fn the_path_detail_says_whether_the_load_balancer_can_be_shifted() {
    let note = |shift: Option<ZonalShift>| {
        let s = Sim::new(web(&[AZ1, AZ2, AZ3], 1, shift).build());
        let v = s.lose(&[AZ1]);
        blastmap_core::sim::path_detail(&s.estate, &s.topo, 0, &v).hops[0]
            .note
            .clone()
    };
    assert_eq!(note(ON), "2 of 3 nodes up; zonal shift on, autoshift off");
    assert_eq!(
        note(Some(ZonalShift::default())),
        "2 of 3 nodes up; zonal shift off"
    );
    assert_eq!(note(None), "2 of 3 nodes up");
}
