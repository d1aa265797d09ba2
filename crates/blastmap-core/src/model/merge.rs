//! One estate from several: per-OU or per-pipeline scans joined into the picture of
//! the whole organization (`blastmap merge`).
//!
//! An account read by more than one input is taken whole from the newest capture
//! (its resources, AZ names and coverage), never mixed: two captures of one account
//! disagree wherever it changed in between. AZ IDs are the same place in every
//! account, so every input must put each AZ ID in the same Region.

use std::collections::{HashMap, HashSet};

use crate::text::printable;

use super::{Account, AccountIdx, Coverage, Declared, Estate, EstateBuilder, Meta, ModelError};

/// The merged estate, and what the user should know about how it was made.
#[derive(Debug)]
pub struct Merged {
    pub estate: Estate,
    pub notes: Vec<String>,
}

/// Merges `inputs` (each with a name for messages, e.g. its path). An account found in
/// several goes to the newest capture (the later input when captures tie or are
/// unknown); a resource id found in two accounts' reads (a VPC shared through RAM) is
/// kept once, from the first input that has it.
pub fn merge(inputs: Vec<(String, Estate)>) -> Result<Merged, ModelError> {
    let mut notes = Vec::new();
    // Which input each account is taken from, and every input that holds it.
    let mut owner: HashMap<String, usize> = HashMap::new();
    let mut holders: Vec<(String, Vec<usize>)> = Vec::new();
    let mut held_at: HashMap<String, usize> = HashMap::new();
    for (i, (_, estate)) in inputs.iter().enumerate() {
        for id in account_ids(estate) {
            match owner.get(id) {
                Some(&j) => {
                    let keep = if newer(&inputs[j].1, estate) { j } else { i };
                    owner.insert(id.to_string(), keep);
                    holders[held_at[id]].1.push(i);
                }
                None => {
                    owner.insert(id.to_string(), i);
                    held_at.insert(id.to_string(), holders.len());
                    holders.push((id.to_string(), vec![i]));
                }
            }
        }
    }
    // One note per account found in several inputs, naming them all.
    for (id, list) in holders.iter().filter(|(_, l)| l.len() > 1) {
        let names: Vec<&str> = list.iter().map(|&i| inputs[i].0.as_str()).collect();
        let (last, rest) = names.split_last().expect("two or more");
        notes.push(format!(
            "account {} is in {} and {last}: the newer capture, {}, is kept",
            printable(id),
            rest.join(", "),
            inputs[owner[id]].0
        ));
    }
    let oldest = inputs
        .iter()
        .filter_map(|(_, e)| e.meta.captured_at.clone())
        .min_by_key(|t| instant(t).unwrap_or(i128::MAX));
    let mut b = EstateBuilder::new(Meta {
        source: "merge".to_string(),
        captured_at: oldest,
        description: Some(format!(
            "merged from {}",
            inputs
                .iter()
                .map(|(name, _)| name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    });
    let mut declared = Declared::default();
    let mut seen: HashSet<String> = HashSet::new();
    let mut shared = 0usize;
    for (i, (name, estate)) in inputs.into_iter().enumerate() {
        let mine = |id: &str| owner.get(id) == Some(&i);
        let parts = estate.into_parts();
        let mut accounts: Vec<Option<AccountIdx>> = Vec::with_capacity(parts.accounts.len());
        for Account {
            id,
            name: account_name,
            az_names,
        } in &parts.accounts
        {
            if !mine(id) {
                accounts.push(None);
                continue;
            }
            let idx = b.account(id, account_name);
            for (az, zone_name) in az_names {
                let az = &parts.azs[az.index()];
                let region = &parts.regions[az.region.index()];
                b.az_name(idx, region, zone_name, &az.id)
                    .map_err(|e| in_input(&name, e))?;
            }
            accounts.push(Some(idx));
        }
        for mut r in parts.resources {
            let Some(Some(account)) = accounts.get(r.account.index()).copied() else {
                continue;
            };
            if !seen.insert(r.id.clone()) {
                shared += 1;
                continue;
            }
            let region = b.region(&parts.regions[r.region.index()]);
            r.az = match r.az {
                Some(az) => {
                    let az = &parts.azs[az.index()];
                    Some(
                        b.az(&az.id, region, &r.id)
                            .map_err(|e| in_input(&name, e))?,
                    )
                }
                None => None,
            };
            r.account = account;
            r.region = region;
            b.push(r);
        }
        for c in parts.coverage {
            if mine(&c.account) {
                b.coverage(c);
            }
        }
        merge_declared(&mut declared, parts.declared);
    }
    if shared > 0 {
        notes.push(format!(
            "{shared} resource id(s) were read in more than one account (VPCs or subnets \
             shared through RAM): kept once"
        ));
    }
    b.declared(declared);
    Ok(Merged {
        estate: b.build()?,
        notes,
    })
}

/// Says which input an error came from.
fn in_input(name: &str, e: ModelError) -> ModelError {
    match e {
        ModelError::AzInTwoRegions {
            az,
            first,
            second,
            resource,
        } => ModelError::AzInTwoRegions {
            az,
            first,
            second,
            resource: format!("{resource}, in {name}"),
        },
        other => other,
    }
}

/// Every account an estate speaks for: read, or only named by its coverage.
fn account_ids(estate: &Estate) -> Vec<&str> {
    let mut ids: Vec<&str> = estate.accounts().iter().map(|a| a.id.as_str()).collect();
    let known: HashSet<&str> = ids.iter().copied().collect();
    let mut extra: Vec<&str> = estate
        .coverage
        .iter()
        .map(|c: &Coverage| c.account.as_str())
        .filter(|a| !known.contains(a))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    ids.extend(extra);
    ids
}

/// Whether `a` was captured after `b` (an unknown capture time counts as older).
fn newer(a: &Estate, b: &Estate) -> bool {
    let at = |e: &Estate| e.meta.captured_at.as_deref().and_then(instant);
    match (at(a), at(b)) {
        (Some(x), Some(y)) => x > y,
        (Some(_), None) => true,
        _ => false,
    }
}

/// An RFC 3339 time (`2026-11-29T21:05:00.5Z`, `…+02:00`) as nanoseconds since
/// 1970, for ordering only; `None` if it is not one.
fn instant(t: &str) -> Option<i128> {
    let b = t.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |s: &str| -> Option<i64> {
        s.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| s.parse().ok())?
    };
    let (y, mo, d) = (num(&t[0..4])?, num(&t[5..7])?, num(&t[8..10])?);
    let (h, mi, s) = (num(&t[11..13])?, num(&t[14..16])?, num(&t[17..19])?);
    let rest = &t[19..];
    let (frac, zone) = match rest.strip_prefix('.') {
        Some(r) => {
            let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
            let digits = &r[..end.min(9)];
            let nanos = num(digits)? * 10i64.pow(9 - digits.len() as u32);
            (nanos, &r[end..])
        }
        None => (0, rest),
    };
    let offset = match zone {
        "Z" | "z" => 0,
        z if z.len() == 6 && matches!(&z[..1], "+" | "-") && &z[3..4] == ":" => {
            let m = num(&z[1..3])? * 60 + num(&z[4..6])?;
            if z.starts_with('-') { -m } else { m }
        }
        _ => return None,
    };
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60 + s - offset * 60;
    Some(secs as i128 * 1_000_000_000 + frac as i128)
}

/// Declarations of every input: lists joined without repeats, the later input's
/// value where two name the same key.
fn merge_declared(into: &mut Declared, from: Declared) {
    for d in from.dependencies {
        if !into.dependencies.contains(&d) {
            into.dependencies.push(d);
        }
    }
    for h in from.hard_egress {
        if !into.hard_egress.contains(&h) {
            into.hard_egress.push(h);
        }
    }
    into.services.extend(from.services);
    into.dr_tiers.extend(from.dr_tiers);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot;

    fn estate(captured: &str, account: &str, zones: &str, resources: &[&str]) -> Estate {
        let text = format!(
            r#"{{"schema": "blastmap.snapshot", "version": 1, "source": "scan", "captured_at": "{captured}",
"accounts": [{{"id": "{account}", "name": "acct-{account}", "zones": {zones}}}],
"resources": [{}]}}"#,
            resources.join(",\n")
        );
        snapshot::from_slice(text.as_bytes(), "test").unwrap()
    }

    fn vpc(id: &str, account: &str) -> String {
        format!(
            r#"{{"kind": "vpc", "id": "{id}", "account": "{account}", "region": "us-east-1", "vpc": {{}}}}"#
        )
    }

    const ZONES: &str = r#"{"us-east-1": {"us-east-1a": "use1-az1"}}"#;

    #[test]
    fn two_accounts_become_one_estate_with_both() {
        let a = estate("2026-01-01T00:00:00Z", "1", ZONES, &[&vpc("vpc-a", "1")]);
        let b = estate("2026-01-02T00:00:00Z", "2", ZONES, &[&vpc("vpc-b", "2")]);
        let m = merge(vec![("a".into(), a), ("b".into(), b)]).unwrap();
        let ids: Vec<&str> = m.estate.accounts().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["1", "2"]);
        assert_eq!(m.estate.resources().len(), 2);
        assert!(m.notes.is_empty(), "{:?}", m.notes);
        // The merge is as old as its oldest part.
        assert_eq!(
            m.estate.meta.captured_at.as_deref(),
            Some("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn the_newer_capture_of_an_account_wins_whole_and_is_said() {
        let old = estate("2026-01-01T10:00:00Z", "1", ZONES, &[&vpc("vpc-old", "1")]);
        // Earlier in UTC than it looks: 11:00+02:00 is 09:00Z, older than `old`.
        let older = estate(
            "2026-01-01T11:00:00+02:00",
            "1",
            ZONES,
            &[&vpc("vpc-x", "1")],
        );
        let new = estate(
            "2026-01-01T10:00:00.5Z",
            "1",
            ZONES,
            &[&vpc("vpc-new", "1")],
        );
        let m = merge(vec![
            ("old.json".into(), old),
            ("new.json".into(), new),
            ("older.json".into(), older),
        ])
        .unwrap();
        let ids: Vec<&str> = m.estate.resources().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["vpc-new"]);
        assert_eq!(m.notes.len(), 1, "{:?}", m.notes);
        assert!(
            m.notes[0].contains(
                "account 1 is in old.json, new.json and older.json: the newer capture, new.json"
            ),
            "{:?}",
            m.notes
        );
    }

    #[test]
    fn an_az_id_in_two_regions_is_refused() {
        let a = estate("2026-01-01T00:00:00Z", "1", ZONES, &[&vpc("vpc-a", "1")]);
        let b = estate(
            "2026-01-01T00:00:00Z",
            "2",
            r#"{"eu-west-1": {"eu-west-1a": "use1-az1"}}"#,
            &[&vpc("vpc-b", "2")],
        );
        let err = merge(vec![("a".into(), a), ("b".into(), b)])
            .unwrap_err()
            .to_string();
        assert!(err.contains("use1-az1"), "{err}");
        assert!(err.contains("in b"), "{err}");
    }

    #[test]
    fn capture_times_order_across_offsets_and_fractions() {
        let t = |s| instant(s).unwrap();
        assert_eq!(t("1970-01-01T00:00:00Z"), 0);
        assert!(t("2026-11-29T21:00:00.5Z") > t("2026-11-29T21:00:00Z"));
        assert_eq!(t("2026-11-29T23:00:00+02:00"), t("2026-11-29T21:00:00Z"));
        assert!(instant("yesterday").is_none());
        assert!(instant("2026-11-29T21:00:00").is_none());
    }
}
