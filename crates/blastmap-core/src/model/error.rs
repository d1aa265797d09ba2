use std::fmt;

use thiserror::Error;

/// Why an estate could not be built, or a name could not be resolved in it.
#[derive(Debug, Error)]
pub enum ModelError {
    #[error("the estate holds no resources: scan an account that has some, or try --demo")]
    Empty,

    #[error("resource id {id:?} appears more than once")]
    DuplicateId { id: String },

    #[error("{}", missing_message(.0))]
    MissingReferences(Vec<MissingReference>),

    #[error("{}", misplaced_message(.0))]
    Misplaced(Vec<Misplaced>),

    #[error(
        "AZ {az} is placed in Region {first} by one resource and in {second} by another ({resource})"
    )]
    AzInTwoRegions {
        az: String,
        first: String,
        second: String,
        resource: String,
    },

    #[error("{}", unknown_domain_message(.given, .az_name_meanings, .known))]
    UnknownDomain {
        given: String,
        az_name_meanings: Vec<String>,
        known: Vec<String>,
    },

    #[error(
        "resource {resource} names the AZ {given:?}, an AZ name; snapshots use AZ IDs, which are the same place in every account{}",
        meaning.as_ref().map(|m| format!(" (in this account {given} is {m})")).unwrap_or_default()
    )]
    AzNameNotId {
        resource: String,
        given: String,
        meaning: Option<String>,
    },

    #[error(
        "resource {resource} names the AZ {az}, which account {account} does not have in {region} (it has {})",
        known.join(", ")
    )]
    AzNotInAccount {
        resource: String,
        az: String,
        account: String,
        region: String,
        known: Vec<String>,
    },

    #[error("resource {resource} ({kind}) is zonal but has no \"az\"")]
    ZonalWithoutAz { resource: String, kind: String },

    #[error("{what} {value:?} is not valid: {why}")]
    Invalid {
        what: String,
        value: String,
        why: String,
    },

    #[error(
        "the estate names {count} {what}, more than the {max} blastmap can tell apart; \
         AWS has a few hundred: is the file generated wrongly?"
    )]
    TooMany {
        what: &'static str,
        count: usize,
        max: usize,
    },

    /// Facts of one resource that AWS never reports together.
    #[error("resource {resource}: {why}")]
    Impossible {
        resource: String,
        /// The fact (snapshot key) that says it.
        field: &'static str,
        why: String,
    },
}

/// Where in a snapshot the thing an error is about is written: the resource (the
/// `nth` with that id, from 0; `declared` for the declarations), and in it the key
/// or string value to point at, when there is one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Whereabouts<'a> {
    pub resource: &'a str,
    pub nth: usize,
    pub key: Option<&'a str>,
    pub value: Option<&'a str>,
}

impl ModelError {
    /// Where the (first) thing this error is about is written, for a reader that
    /// can say at which line and column.
    pub fn whereabouts(&self) -> Option<Whereabouts<'_>> {
        let at = |resource, key, value| Whereabouts {
            resource,
            nth: 0,
            key,
            value,
        };
        match self {
            // The second resource with the id is the one to remove.
            ModelError::DuplicateId { id } => Some(Whereabouts {
                nth: 1,
                ..at(id, None, None)
            }),
            ModelError::MissingReferences(refs) => (refs.first())
                .map(|r| at(&r.from, Some(declared_key(&r.from, r.field)), Some(&r.to))),
            ModelError::Misplaced(refs) => (refs.first())
                .map(|r| at(&r.from, Some(declared_key(&r.from, r.field)), Some(&r.to))),
            ModelError::AzInTwoRegions { resource, az, .. } => Some(at(resource, None, Some(az))),
            ModelError::AzNameNotId {
                resource, given, ..
            } => Some(at(resource, None, Some(given))),
            ModelError::AzNotInAccount { resource, az, .. } => Some(at(resource, None, Some(az))),
            ModelError::ZonalWithoutAz { resource, .. } => Some(at(resource, None, None)),
            ModelError::Impossible {
                resource, field, ..
            } => Some(at(resource, Some(field), None)),
            ModelError::Empty
            | ModelError::UnknownDomain { .. }
            | ModelError::Invalid { .. }
            | ModelError::TooMany { .. } => None,
        }
    }
}

/// The key a reference is written under: `dependencies` for `dependencies.from`.
fn declared_key<'a>(from: &str, field: &'a str) -> &'a str {
    match from {
        "declared" => field.split('.').next().unwrap_or(field),
        _ => field,
    }
}

/// A reference from one resource to an id that is not in the estate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingReference {
    pub from: String,
    pub field: &'static str,
    pub to: String,
}

impl fmt::Display for MissingReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}) -> {}", self.from, self.field, self.to)
    }
}

/// A reference between resources that cannot be where the file puts them: a
/// subnet in another Region, an instance in another AZ than its subnet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misplaced {
    pub from: String,
    pub field: &'static str,
    pub to: String,
    pub why: String,
}

impl fmt::Display for Misplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) -> {}: {}",
            self.from, self.field, self.to, self.why
        )
    }
}

fn misplaced_message(refs: &[Misplaced]) -> String {
    listed(
        format!(
            "{} resources that cannot be joined that way:",
            crate::text::count(refs.len(), "reference joins", "references join")
        ),
        refs,
        "a scan never writes these: fix the resources or declarations named, or scan again",
    )
}

fn missing_message(refs: &[MissingReference]) -> String {
    listed(
        format!(
            "{} at resources that are not in the estate:",
            crate::text::count(refs.len(), "reference points", "references point")
        ),
        refs,
        "add the missing resources, or fix the ids that point at them",
    )
}

/// References shown at most in this number; the rest are counted.
const SHOWN: usize = 10;

/// `head`, the first references one a line, how many more, then what to do.
fn listed(head: String, refs: &[impl fmt::Display], advice: &str) -> String {
    let mut out = head;
    for r in refs.iter().take(SHOWN) {
        // One line each, whatever the ids hold.
        out.push_str(&format!("\n  {}", crate::text::printable(&r.to_string())));
    }
    if refs.len() > SHOWN {
        out.push_str(&format!("\n  … and {} more", refs.len() - SHOWN));
    }
    out.push('\n');
    out.push_str(advice);
    out
}

fn unknown_domain_message(given: &str, az_name_meanings: &[String], known: &[String]) -> String {
    let mut out = format!("{given:?} is not an AZ ID or Region of this estate");
    if !az_name_meanings.is_empty() {
        out.push_str(&format!(
            ": it is an AZ name, and AZ names differ per account ({}); name the AZ ID instead",
            az_name_meanings.join(", ")
        ));
    }
    out.push_str(&format!("\nknown domains: {}", known.join(", ")));
    out
}
