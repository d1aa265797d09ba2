//! The overlay: what AWS does not report, declared by a person in TOML
//! (`docs/overlay.md`): dependencies, service names, hard egress, account names.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::error::DiscoverError;
use crate::model::{Declared, DeclaredDependency};

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

/// Reads and parses an overlay file.
pub fn load(path: &Path) -> Result<Overlay, DiscoverError> {
    let text = std::fs::read_to_string(path).map_err(|e| DiscoverError::Overlay {
        path: path.to_path_buf(),
        message: format!("cannot read it: {e}"),
    })?;
    parse(&text).map_err(|message| DiscoverError::Overlay {
        path: path.to_path_buf(),
        message,
    })
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
        },
    })
}

impl Overlay {
    /// The declarations with every reference turned into a resource id. A reference
    /// is an id, or a name that exactly one resource carries; what matches nothing
    /// (or several) is left out, with a note saying so.
    pub fn resolve<'a>(
        &self,
        resources: impl Iterator<Item = (&'a str, Option<&'a str>)>,
    ) -> (Declared, Vec<String>) {
        let mut ids: BTreeMap<&str, ()> = BTreeMap::new();
        let mut by_name: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (id, name) in resources {
            ids.insert(id, ());
            if let Some(name) = name {
                by_name.entry(name).or_default().push(id);
            }
        }
        let mut notes = Vec::new();
        let mut find = |reference: &str, field: &str| -> Option<String> {
            if ids.contains_key(reference) {
                return Some(reference.to_string());
            }
            match by_name.get(reference).map(Vec::as_slice) {
                Some([only]) => Some(only.to_string()),
                Some(several) => {
                    notes.push(format!(
                        "overlay {field} {reference:?} names {} resources; use one's id (ARN): left out",
                        several.len()
                    ));
                    None
                }
                None => {
                    notes.push(format!(
                        "overlay {field} {reference:?} matches no scanned resource: left out"
                    ));
                    None
                }
            }
        };
        let mut declared = Declared::default();
        for d in &self.declared.dependencies {
            let (from, to) = (
                find(&d.from, "dependency.from"),
                find(&d.to, "dependency.to"),
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
            if let Some(lb) = find(lb, "services") {
                declared.services.insert(lb, service.clone());
            }
        }
        for id in &self.declared.hard_egress {
            if let Some(id) = find(id, "hard_egress") {
                declared.hard_egress.push(id);
            }
        }
        (declared, notes)
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
        let (declared, notes) = overlay.resolve(resources().into_iter());
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

    #[test]
    fn a_typo_in_a_key_is_refused_with_its_line() {
        let err = parse("[[dependency]]\nfrom = \"a\"\ntoo = \"b\"\n").unwrap_err();
        assert!(err.contains("line 3"), "{err}");
        assert!(err.contains("too"), "{err}");
    }
}
