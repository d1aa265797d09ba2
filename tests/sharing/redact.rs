//! Redaction: every answer of a redacted estate is the original's up to renaming,
//! and nothing identifying survives in the file.

use blastmap::compare as diff;
use blastmap::demo;
use blastmap::findings;
use blastmap::model::{Domain, Estate, Facts, SERVICE_TAG, TargetType};
use blastmap::sim::{self, LostDomains, Matrix, Topology};
use blastmap::snapshot::{
    self,
    redact::{self, Redaction, Salt},
};

/// A generated estate (`blastmap::synth`) in three accounts and two Regions.
fn generated(seed: u64, resources: usize) -> Estate {
    blastmap_core::synth::generate(&blastmap_core::synth::SynthConfig {
        resources,
        seed,
        accounts: Some(3),
        regions: 2,
    })
}

fn redacted(estate: &Estate, salt: &str, keep_tags: &[&str]) -> Redaction {
    let keep: Vec<String> = keep_tags.iter().map(|k| k.to_string()).collect();
    redact::redact(estate, &Salt::given(salt).unwrap(), &keep).unwrap()
}

/// `text` with every pseudonym put back (longest first: an ARN's pseudonym holds an
/// account's).
/// Puts the originals back in place of pseudonyms (longest pseudonym first).
struct Restorer {
    matcher: aho_corasick::AhoCorasick,
    originals: Vec<String>,
}

impl Restorer {
    fn new(r: &Redaction) -> Restorer {
        let (pseudonyms, originals): (Vec<&String>, Vec<String>) =
            r.originals.iter().map(|(p, o)| (p, o.clone())).unzip();
        let matcher = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(pseudonyms)
            .expect("pseudonyms make a matcher");
        Restorer { matcher, originals }
    }

    fn restore(&self, text: &str) -> String {
        self.matcher.replace_all(text, &self.originals)
    }
}

/// The losses to compare under: nothing, every single domain, and neighbouring pairs.
fn scenarios(e: &Estate) -> Vec<Vec<Domain>> {
    let domains = e.domains();
    let mut out = vec![Vec::new()];
    out.extend(domains.iter().map(|d| vec![*d]));
    out.extend(domains.windows(2).map(|w| w.to_vec()));
    out
}

/// Redaction keeps every index, so path `p` of the original is the redacted path with
/// the same load balancer and target group.
fn assert_same_answers_up_to_renaming(original: &Estate, r: &Redaction) {
    let red = &r.estate;
    let restorer = Restorer::new(r);
    let restore = |_: &Redaction, text: &str| restorer.restore(text);
    assert_eq!(original.resources().len(), red.resources().len());
    assert_eq!(original.azs(), red.azs(), "AZ IDs and Regions stay");
    assert_eq!(original.regions(), red.regions());
    let (t1, t2) = (Topology::build(original), Topology::build(red));
    assert_eq!(t1.paths().len(), t2.paths().len());
    assert!(!t1.paths().is_empty());
    let twin: Vec<usize> = (t1.paths().iter())
        .map(|p| {
            (t2.paths().iter())
                .position(|q| q.lb == p.lb && q.tg == p.tg)
                .unwrap_or_else(|| panic!("path {} has no redacted twin", p.id))
        })
        .collect();
    for (p, &q) in twin.iter().enumerate() {
        assert_eq!(restore(r, &t2.paths()[q].id), t1.paths()[p].id);
        let service =
            |t: &Topology, p: usize| t.paths()[p].service.map(|s| t.services()[s].name.clone());
        assert_eq!(
            service(&t2, q).map(|s| restore(r, &s)),
            service(&t1, p),
            "path {} keeps its service",
            t1.paths()[p].id
        );
    }
    assert_eq!(t1.services().len(), t2.services().len());

    for lost in scenarios(original) {
        let v1 = sim::what_if(&t1, &LostDomains::new(original, &lost));
        let v2 = sim::what_if(&t2, &LostDomains::new(red, &lost));
        for (p, &q) in twin.iter().enumerate() {
            let (a, b) = (&v1.paths[p], &v2.paths[q]);
            let what = format!(
                "path {} losing {}",
                t1.paths()[p].id,
                v1.lost.describe(original)
            );
            assert_eq!(a.status, b.status, "{what}");
            assert_eq!(a.capacity, b.capacity, "{what}");
            // Reasons name resources and AZs by index, which redaction keeps.
            assert_eq!(a.reasons, b.reasons, "{what}");
            let text: Vec<String> = b
                .reasons
                .iter()
                .map(|x| restore(r, &x.describe(red)))
                .collect();
            let expected: Vec<String> = a.reasons.iter().map(|x| x.describe(original)).collect();
            assert_eq!(text, expected, "{what}");
        }
        for s in &v1.services {
            let name = &t1.services()[s.service].name;
            let twin_status = (v2.services.iter())
                .find(|x| &restore(r, &t2.services()[x.service].name) == name)
                .map(|x| x.status);
            assert_eq!(twin_status, Some(s.status), "service {name}");
        }
    }

    let (m1, m2) = (Matrix::build(original, &t1), Matrix::build(red, &t2));
    assert_eq!(m1.domains, m2.domains);
    for (p, &q) in twin.iter().enumerate() {
        assert_eq!(m1.row(p), m2.row(q), "matrix row of {}", t1.paths()[p].id);
    }

    let key = |f: &findings::Finding, text: String| {
        let mut res = f.resources.clone();
        res.sort();
        (f.code, f.severity, res, text)
    };
    let mut f1: Vec<_> = (findings::analyze(original, &t1, &m1).iter())
        .map(|f| key(f, f.message.clone()))
        .collect();
    let mut f2: Vec<_> = (findings::analyze(red, &t2, &m2).iter())
        .map(|f| key(f, restore(r, &f.message)))
        .collect();
    f1.sort();
    f2.sort();
    assert!(!f1.is_empty());
    let only1: Vec<_> = f1.iter().filter(|f| !f2.contains(f)).collect();
    let only2: Vec<_> = f2.iter().filter(|f| !f1.contains(f)).collect();
    assert!(
        only1.is_empty() && only2.is_empty(),
        "findings differ:\n  only in the original: {only1:?}\n  only in the redacted: {only2:?}"
    );
}

/// Every string of the estate that could identify it: what a redacted file must not hold.
fn identifying_strings(e: &Estate, kept_tags: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in e.accounts() {
        out.push(a.id.clone());
        out.push(a.name.clone());
    }
    for r in e.resources() {
        out.push(r.id.clone());
        out.push(r.name.clone());
        for (k, v) in &r.tags {
            if !kept_tags.contains(&k.as_str()) {
                out.push(v.clone());
            }
        }
        match &r.facts {
            Facts::LoadBalancer(lb) => out.extend(lb.dns_name.clone()),
            Facts::Vpc(v) => out.extend(v.cidr.clone()),
            Facts::Subnet(s) => out.extend(s.cidr.clone()),
            Facts::TargetGroup(tg) if tg.target_type == TargetType::Ip => {
                out.extend(tg.targets.iter().map(|t| t.id.clone()))
            }
            Facts::SecurityGroup(sg) if !sg.is_default() => out.push(sg.group_name.clone()),
            _ => {}
        }
    }
    out.extend(e.declared.services.values().cloned());
    out.extend(
        e.declared
            .dependencies
            .iter()
            .filter_map(|d| d.note.clone()),
    );
    out.sort();
    out.dedup();
    out
}

fn assert_nothing_leaks(original: &Estate, r: &Redaction, kept_tags: &[&str]) {
    let text = snapshot::to_string(&r.estate);
    let secrets = identifying_strings(original, kept_tags);
    assert!(secrets.len() > 50, "{} strings to look for", secrets.len());
    let leaked: Vec<&String> = secrets
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(leaked.is_empty(), "left in the redacted file: {leaked:?}");
    // And the file reads back as a snapshot.
    snapshot::from_slice(text.as_bytes(), "redacted").unwrap();
}

#[test]
fn the_redacted_demo_estate_answers_like_the_original_up_to_renaming() {
    let demo = demo::estate().unwrap();
    assert_same_answers_up_to_renaming(&demo, &redacted(&demo, "demo-salt", &[]));
}

#[test]
fn a_redacted_generated_estate_answers_like_the_original_up_to_renaming() {
    for seed in [7, 2026] {
        let estate = generated(seed, 1_500);
        assert!(estate.resources().len() > 300);
        assert_same_answers_up_to_renaming(&estate, &redacted(&estate, "gen-salt", &["team"]));
    }
}

#[test]
fn no_account_id_name_arn_address_or_tag_value_survives_redaction() {
    let demo = demo::estate().unwrap();
    assert_nothing_leaks(&demo, &redacted(&demo, "demo-salt", &[]), &[]);
    let estate = generated(7, 1_500);
    assert_nothing_leaks(
        &estate,
        &redacted(&estate, "gen-salt", &["team"]),
        &["team"],
    );
}

#[test]
fn kept_tags_keep_their_values_and_services_still_group() {
    let estate = generated(7, 1_500);
    let r = redacted(&estate, "gen-salt", &["team"]);
    let values = |e: &Estate, key: &str| -> Vec<String> {
        e.resources()
            .iter()
            .filter_map(|x| x.tag(key).map(String::from))
            .collect()
    };
    assert!(!values(&estate, "team").is_empty());
    assert_eq!(values(&estate, "team"), values(&r.estate, "team"));
    // Tag keys stay; the service tag's values are pseudonyms shared with declared services.
    assert_eq!(
        values(&estate, SERVICE_TAG).len(),
        values(&r.estate, SERVICE_TAG).len()
    );
    let declared: Vec<&String> = r.estate.declared.services.values().collect();
    let tagged = values(&r.estate, SERVICE_TAG);
    assert!(
        tagged.iter().all(|v| v.starts_with("service-")),
        "{tagged:?}"
    );
    assert!(
        tagged.iter().any(|t| declared.contains(&t)),
        "a service named by a tag in one Region and declared in another still groups"
    );
}

#[test]
fn the_same_salt_gives_the_same_pseudonyms_and_another_salt_does_not() {
    let demo = demo::estate().unwrap();
    let a = snapshot::to_string(&redacted(&demo, "one", &[]).estate);
    let b = snapshot::to_string(&redacted(&demo, "one", &[]).estate);
    let c = snapshot::to_string(&redacted(&demo, "two", &[]).estate);
    assert_eq!(a, b);
    assert_ne!(a, c);
    let random = |_| {
        let r = redact::redact(&demo, &Salt::random().unwrap(), &[]).unwrap();
        r.estate.accounts()[0].id.clone()
    };
    assert_ne!(random(1), random(2));
}

#[test]
fn two_snapshots_redacted_with_one_salt_still_diff_like_the_originals() {
    let old = generated(7, 600);
    let mut parts = old.clone().into_parts();
    // The new snapshot turns backups off on every database.
    for r in &mut parts.resources {
        match &mut r.facts {
            Facts::DbInstance(db) => db.backup_retention_days = 0,
            Facts::DbCluster(c) => c.backup_retention_days = 0,
            _ => {}
        }
    }
    let new = blastmap::model::EstateBuilder::from_parts(parts)
        .build()
        .unwrap();
    let plain = diff::diff(&old, &new);
    assert!(!plain.resources.changed.is_empty());
    let (ro, rn) = (redacted(&old, "shared", &[]), redacted(&new, "shared", &[]));
    let hidden = diff::diff(&ro.estate, &rn.estate);
    assert_eq!(
        hidden.resources.changed.len(),
        plain.resources.changed.len()
    );
    assert_eq!(hidden.cells.len(), plain.cells.len());
    assert_eq!(
        hidden.findings.appeared.len(),
        plain.findings.appeared.len()
    );
    assert!(hidden.resources.added.is_empty() && hidden.resources.removed.is_empty());
}

#[test]
fn redaction_keeps_the_aws_vocabulary_the_rules_read() {
    let demo = demo::estate().unwrap();
    let r = redacted(&demo, "demo-salt", &[]);
    let mut nat_routes = 0;
    let mut default_groups = 0;
    for (before, after) in demo.resources().iter().zip(r.estate.resources()) {
        assert_eq!(before.kind(), after.kind());
        assert_eq!(before.az, after.az);
        match (&before.facts, &after.facts) {
            (Facts::RouteTable(x), Facts::RouteTable(y)) => {
                for (a, b) in x.routes.iter().zip(&y.routes) {
                    assert_eq!(a.target.starts_with("nat-"), b.target.starts_with("nat-"));
                    if a.destination == "0.0.0.0/0" {
                        assert_eq!(b.destination, "0.0.0.0/0");
                        nat_routes += usize::from(b.target.starts_with("nat-"));
                    }
                }
            }
            (Facts::SecurityGroup(x), Facts::SecurityGroup(y)) => {
                assert_eq!(x.is_default(), y.is_default());
                default_groups += usize::from(y.is_default());
            }
            (Facts::Instance(x), Facts::Instance(y)) => {
                assert_eq!(
                    (&x.instance_type, x.vcpus, &x.state),
                    (&y.instance_type, y.vcpus, &y.state)
                );
            }
            (Facts::DbInstance(x), Facts::DbInstance(y)) => {
                assert_eq!(
                    (&x.engine, x.multi_az, &x.secondary_az),
                    (&y.engine, y.multi_az, &y.secondary_az)
                );
            }
            _ => {}
        }
    }
    assert!(nat_routes > 0 && default_groups > 0);
}

#[test]
fn a_kept_service_tag_keeps_declared_service_names_too() {
    // The demo with storefront-eu-alb's service declared rather than tagged: one
    // service, storefront, named both ways.
    let demo = demo::estate().unwrap();
    let mut parts = demo.into_parts();
    let lb = (parts.resources.iter_mut())
        .find(|r| r.name == "storefront-eu-alb")
        .expect("the demo has storefront-eu-alb");
    let service = lb.tags.remove(SERVICE_TAG).expect("tagged in the demo");
    parts.declared.services.insert(lb.id.clone(), service);
    let estate = blastmap::model::EstateBuilder::from_parts(parts)
        .build()
        .unwrap();
    let r = redacted(&estate, "demo-salt", &[SERVICE_TAG]);
    assert_eq!(
        r.estate.declared.services.values().collect::<Vec<_>>(),
        ["storefront"],
        "the declared name is kept like the tag's value"
    );
    assert_same_answers_up_to_renaming(&estate, &r);
}
