//! The overlay: what AWS does not report, declared by a person in TOML
//! (`docs/overlay.md`): dependencies, service names, hard egress, account names.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use thiserror::Error;

use crate::model::{DEPENDS_ON_SOFT_TAG, DEPENDS_ON_TAG, Declared, DeclaredDependency, EGRESS_TAG};
use crate::text::{NOTES_SHOWN, count};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OverlayFile {
    #[serde(default)]
    accounts: BTreeMap<String, String>,
    #[serde(default)]
    services: BTreeMap<String, String>,
    #[serde(default, rename = "dependency")]
    dependencies: Vec<DependencyEntry>,
    #[serde(default)]
    hard_egress: Vec<String>,
    /// The DR tier each service must reach, by service name.
    #[serde(default)]
    dr_tiers: BTreeMap<String, crate::model::DrTier>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DependencyEntry {
    from: String,
    to: String,
    #[serde(default = "hard_by_default")]
    hard: bool,
    note: Option<String>,
}

fn hard_by_default() -> bool {
    true
}

/// A parsed overlay; its resource references are resolved once the scan is done.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Overlay {
    /// Display names per account id.
    pub account_names: BTreeMap<String, String>,
    /// Declarations as written: resources named by id or by name.
    pub declared: Declared,
}

/// An overlay file that cannot be used, with what to do about it.
#[derive(Debug, Error)]
#[error("overlay {}: {message}; fix the file (docs/overlay.md describes it)", path.display())]
pub struct OverlayError {
    pub path: std::path::PathBuf,
    pub message: String,
}

/// The largest overlay read: a person writes one (16 MiB is some 200,000 declarations).
const OVERLAY_LIMIT: u64 = 16 << 20;

/// Reads and parses an overlay file. Its first bytes are looked at before the rest is
/// read, and it is read up to [`OVERLAY_LIMIT`] only: `/dev/zero` or a binary named by
/// mistake is refused at once (`docs/overlay.md`).
pub fn load(path: &Path) -> Result<Overlay, OverlayError> {
    let fail = |message: String| OverlayError {
        path: path.to_path_buf(),
        message,
    };
    let opened = crate::input::open(path).map_err(|e| fail(format!("cannot read it: {e}")))?;
    if let Some(why) = not_text(&opened.head, opened.ended) {
        return Err(fail(why));
    }
    let bytes = match opened.read_all(OVERLAY_LIMIT) {
        Err(e) => return Err(fail(format!("cannot read it: {e}"))),
        Ok(Err(crate::input::TooLarge)) => {
            return Err(fail(format!(
                "it is larger than {}, the most an overlay may hold",
                crate::input::size_text(OVERLAY_LIMIT)
            )));
        }
        Ok(Ok(bytes)) => bytes,
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        fail(format!(
            "invalid UTF-8 at line {line}: an overlay is TOML text"
        ))
    })?;
    parse(&text).map_err(fail)
}

/// Why the first bytes of a file cannot start TOML text: a NUL (TOML allows none,
/// binaries and `/dev/zero` hold many) or bytes that are not UTF-8.
fn not_text(head: &[u8], ended: bool) -> Option<String> {
    if let Some(at) = head.iter().position(|b| *b == 0) {
        return Some(format!(
            "it holds binary data (a NUL byte at offset {at}), not TOML text"
        ));
    }
    match std::str::from_utf8(head) {
        Ok(_) => None,
        // The head may end inside a character.
        Err(e) if e.error_len().is_none() && !ended => None,
        Err(e) => Some(format!(
            "it holds binary data (a byte that is not UTF-8 at offset {}), not TOML text",
            e.valid_up_to()
        )),
    }
}

/// Parses overlay TOML; the error is the parser's message with its line.
pub fn parse(text: &str) -> Result<Overlay, String> {
    let file: OverlayFile = toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
    Ok(Overlay {
        account_names: file.accounts,
        declared: Declared {
            dependencies: file
                .dependencies
                .into_iter()
                .map(|d| DeclaredDependency {
                    from: d.from,
                    to: d.to,
                    hard: d.hard,
                    note: d.note,
                })
                .collect(),
            services: file.services,
            hard_egress: file.hard_egress,
            dr_tiers: file.dr_tiers,
        },
    })
}

/// Scanned resources by id and by name, turning references into ids; what matches
/// nothing (or several) is noted.
pub struct Names<'a> {
    ids: HashSet<&'a str>,
    by_name: BTreeMap<&'a str, Vec<&'a str>>,
    /// What could not be resolved, and why: the first [`NOTES_SHOWN`] one by one, then
    /// one line counting the rest (thousands of stale names are not thousands of lines).
    pub notes: Vec<String>,
    /// Notes past the first [`NOTES_SHOWN`], counted in the last one.
    more: usize,
}

impl<'a> Names<'a> {
    pub fn new(resources: impl Iterator<Item = (&'a str, Option<&'a str>)>) -> Names<'a> {
        let mut ids = HashSet::new();
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (id, name) in resources {
            ids.insert(id);
            if let Some(name) = name {
                by_name.entry(name).or_default().push(id);
            }
        }
        Names {
            ids,
            by_name,
            notes: Vec::new(),
            more: 0,
        }
    }

    /// Adds a note, or counts it once the first [`NOTES_SHOWN`] are there.
    fn note(&mut self, text: String) {
        if self.notes.len() < NOTES_SHOWN {
            self.notes.push(text);
            return;
        }
        self.more += 1;
        let summary = format!(
            "… and {} like these: fix or remove them in the overlay or the tags",
            count(self.more, "more reference", "more references")
        );
        if self.more == 1 {
            self.notes.push(summary);
        } else if let Some(last) = self.notes.last_mut() {
            *last = summary;
        }
    }

    /// The id `reference` means: itself if it is an id, else the one resource of
    /// that name. `whose` says where the reference was written, for the note.
    fn find(&mut self, reference: &str, whose: &dyn Fn() -> String) -> Option<String> {
        if self.ids.contains(reference) {
            return Some(reference.to_string());
        }
        match self.by_name.get(reference).map(Vec::as_slice) {
            Some([only]) => Some(only.to_string()),
            Some(several) => {
                let n = several.len();
                self.note(format!(
                    "{} {reference:?} names {n} resources; use one's id (ARN): left out",
                    whose()
                ));
                None
            }
            None => {
                self.note(format!(
                    "{} {reference:?} matches no scanned resource: left out",
                    whose()
                ));
                None
            }
        }
    }
}

impl Overlay {
    /// The declarations with every reference turned into a resource id.
    pub fn resolve(&self, names: &mut Names) -> Declared {
        let overlay = |field: &'static str| move || format!("overlay {field}");
        let mut declared = Declared::default();
        for d in &self.declared.dependencies {
            let (from, to) = (
                names.find(&d.from, &overlay("dependency.from")),
                names.find(&d.to, &overlay("dependency.to")),
            );
            if let (Some(from), Some(to)) = (from, to) {
                declared.dependencies.push(DeclaredDependency {
                    from,
                    to,
                    hard: d.hard,
                    note: d.note.clone(),
                });
            }
        }
        for (lb, service) in &self.declared.services {
            if let Some(lb) = names.find(lb, &overlay("services")) {
                declared.services.insert(lb, service.clone());
            }
        }
        for id in &self.declared.hard_egress {
            if let Some(id) = names.find(id, &overlay("hard_egress")) {
                declared.hard_egress.push(id);
            }
        }
        // Services are named, not resources: nothing to resolve.
        declared.dr_tiers = self.declared.dr_tiers.clone();
        declared
    }
}

/// Declarations written as tags on the resources themselves (`docs/overlay.md`):
/// `blastmap:depends-on` and `blastmap:depends-on-soft` list what a resource needs
/// (ids or names, separated by spaces: AWS tag values cannot hold commas), and
/// `blastmap:egress` = `hard` marks targets that cannot serve without NAT egress.
/// `resources` are `(id, name, tags)`.
pub fn from_tags<'a>(
    resources: impl Iterator<Item = (&'a str, &'a str, &'a BTreeMap<String, String>)>,
    names: &mut Names,
) -> Declared {
    let mut declared = Declared::default();
    for (id, name, tags) in resources {
        for (key, hard) in [(DEPENDS_ON_TAG, true), (DEPENDS_ON_SOFT_TAG, false)] {
            let Some(value) = tags.get(key) else { continue };
            let whose = || format!("tag {key} on {name}");
            for reference in value.split_whitespace() {
                if let Some(to) = names.find(reference, &whose) {
                    declared.dependencies.push(DeclaredDependency {
                        from: id.to_string(),
                        to,
                        hard,
                        note: Some(format!("tag {key}")),
                    });
                }
            }
        }
        match tags.get(EGRESS_TAG).map(|v| v.trim()) {
            None => {}
            Some(v) if v.eq_ignore_ascii_case("hard") => declared.hard_egress.push(id.to_string()),
            Some(v) if v.eq_ignore_ascii_case("soft") => {}
            Some(other) => names.note(format!(
                "tag {EGRESS_TAG} on {name} is {other:?}; it takes hard or soft: ignored"
            )),
        }
    }
    declared
}

/// What `extra` declares that `into` does not yet: the overlay's word comes first.
pub fn merge(into: &mut Declared, extra: Declared) {
    for d in extra.dependencies {
        if !into
            .dependencies
            .iter()
            .any(|e| e.from == d.from && e.to == d.to)
        {
            into.dependencies.push(d);
        }
    }
    for (lb, service) in extra.services {
        into.services.entry(lb).or_insert(service);
    }
    for id in extra.hard_egress {
        if !into.hard_egress.contains(&id) {
            into.hard_egress.push(id);
        }
    }
    for (service, tier) in extra.dr_tiers {
        into.dr_tiers.entry(service).or_insert(tier);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OVERLAY: &str = r#"
hard_egress = ["checkout-web"]

[accounts]
"222222222222" = "shop-eu"

[services]
"arn:lb/storefront" = "storefront"

[[dependency]]
from = "storefront-web"
to = "orders-db"
note = "writes orders"

[[dependency]]
from = "storefront-web"
to = "search"
hard = false
"#;

    fn resources() -> Vec<(&'static str, Option<&'static str>)> {
        vec![
            ("arn:lb/storefront", Some("storefront-alb")),
            ("arn:tg/storefront-web", Some("storefront-web")),
            ("arn:tg/checkout-web", Some("checkout-web")),
            ("arn:db/orders", Some("orders-db")),
            ("arn:db/search-a", Some("search")),
            ("arn:db/search-b", Some("search")),
        ]
    }

    #[test]
    fn names_resolve_to_ids_and_ambiguous_names_are_left_out_with_a_note() {
        let overlay = parse(OVERLAY).unwrap();
        assert_eq!(overlay.account_names["222222222222"], "shop-eu");
        let mut names = Names::new(resources().into_iter());
        let declared = overlay.resolve(&mut names);
        let notes = names.notes;
        assert_eq!(
            declared.dependencies,
            vec![DeclaredDependency {
                from: "arn:tg/storefront-web".into(),
                to: "arn:db/orders".into(),
                hard: true,
                note: Some("writes orders".into()),
            }]
        );
        assert_eq!(declared.services["arn:lb/storefront"], "storefront");
        assert_eq!(
            declared.hard_egress,
            vec!["arn:tg/checkout-web".to_string()]
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains("\"search\" names 2 resources"),
            "{notes:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_never_ends_or_holds_binary_is_refused_at_once() {
        use crate::input::tests::{endless_fifo, within_seconds};
        let dir = tempfile::tempdir().unwrap();
        let fifo = endless_fifo(dir.path(), &[0; 4096], b"");
        let err = within_seconds(move || load(&fifo).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("binary data (a NUL byte at offset 0)"),
            "{err}"
        );
        let err = within_seconds(|| load(Path::new("/dev/zero")).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("binary data"), "{err}");
        let err = within_seconds(|| load(Path::new("/dev/urandom")).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("binary data"), "{err}");
        // Text for ever: read up to the limit, then refused.
        let fifo = endless_fifo(dir.path(), b"", b"# a comment\n");
        let err = within_seconds(move || load(&fifo).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("larger than 16 MiB"), "{err}");
    }

    #[test]
    fn an_overlay_too_large_is_refused_and_one_with_a_bad_byte_names_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        std::fs::write(&big, "# a comment\n".repeat(1_500_000)).unwrap();
        let err = load(&big).unwrap_err().to_string();
        assert!(err.contains("larger than 16 MiB"), "{err}");
        let bad = dir.path().join("bad.toml");
        let mut text = "# a comment\n".repeat(1_000).into_bytes();
        text.extend_from_slice(b"x = \"\xff\"\n");
        std::fs::write(&bad, text).unwrap();
        let err = load(&bad).unwrap_err().to_string();
        assert!(err.contains("invalid UTF-8 at line 1001"), "{err}");
        let good = dir.path().join("good.toml");
        std::fs::write(&good, OVERLAY).unwrap();
        assert_eq!(load(&good).unwrap(), parse(OVERLAY).unwrap());
    }

    #[test]
    fn thousands_of_unresolved_names_are_summarised_not_listed() {
        let deps: String = (0..5_000)
            .map(|i| format!("[[dependency]]\nfrom = \"web-{i}\"\nto = \"db-{i}\"\n"))
            .collect();
        let overlay = parse(&deps).unwrap();
        let mut names = Names::new(resources().into_iter());
        let declared = overlay.resolve(&mut names);
        assert!(declared.dependencies.is_empty());
        assert_eq!(
            names.notes.len(),
            NOTES_SHOWN + 1,
            "{:?}",
            &names.notes[..12.min(names.notes.len())]
        );
        assert!(names.notes[0].contains("\"web-0\" matches no scanned resource"));
        assert_eq!(
            names.notes[NOTES_SHOWN],
            "… and 9990 more references like these: fix or remove them in the overlay or the tags"
        );
    }

    #[test]
    fn a_typo_in_a_key_is_refused_with_its_line() {
        let err = parse("[[dependency]]\nfrom = \"a\"\ntoo = \"b\"\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("too"), "{err}");
    }

    #[test]
    fn tags_declare_dependencies_and_hard_egress_and_the_overlay_wins_a_clash() {
        let tagged = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let web = tagged(&[
            (DEPENDS_ON_TAG, "orders-db  arn:db/search-a"),
            (DEPENDS_ON_SOFT_TAG, "nowhere"),
            (EGRESS_TAG, "HARD"),
        ]);
        let lb = tagged(&[(EGRESS_TAG, "sometimes")]);
        let mut names = Names::new(resources().into_iter());
        let from_tags = from_tags(
            [
                ("arn:tg/storefront-web", "storefront-web", &web),
                ("arn:lb/storefront", "storefront-alb", &lb),
            ]
            .into_iter(),
            &mut names,
        );
        let pairs: Vec<(&str, &str, bool)> = from_tags
            .dependencies
            .iter()
            .map(|d| (d.from.as_str(), d.to.as_str(), d.hard))
            .collect();
        assert_eq!(
            pairs,
            vec![
                ("arn:tg/storefront-web", "arn:db/orders", true),
                ("arn:tg/storefront-web", "arn:db/search-a", true),
            ]
        );
        assert_eq!(from_tags.hard_egress, vec!["arn:tg/storefront-web"]);
        assert!(
            names.notes.iter().any(|n| n
                == "tag blastmap:depends-on-soft on storefront-web \"nowhere\" matches no scanned resource: left out"),
            "{:?}",
            names.notes
        );
        assert!(
            names.notes.iter().any(|n| n.contains("takes hard or soft")),
            "{:?}",
            names.notes
        );
        // The overlay said orders-db is a note-carrying hard dependency: it stays as written.
        let overlay = parse(OVERLAY).unwrap();
        let mut declared = overlay.resolve(&mut names);
        merge(&mut declared, from_tags);
        let orders: Vec<&DeclaredDependency> = declared
            .dependencies
            .iter()
            .filter(|d| d.to == "arn:db/orders")
            .collect();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].note.as_deref(), Some("writes orders"));
        assert_eq!(declared.dependencies.len(), 2);
        assert_eq!(declared.hard_egress.len(), 2);
    }
}
