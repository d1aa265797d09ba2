//! The serde side of the reader: visitors that build the estate as the JSON streams
//! by (file, accounts, coverage, resources), and the parsed form of one resource
//! line the parallel reader turns into facts.

use super::*;
/// serde_json appends " at line L column C"; we print the position up front instead.
pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A string that borrows from the input when it can.
pub(super) struct Text<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// The fields of one object already read, by their index in its field list: a key
/// seen twice is refused. A bitset, not a set of strings: one resource after another,
/// a million times.
#[derive(Default)]
pub(super) struct Seen(u32);

impl Seen {
    /// Marks field `index` (`name`) read; an error if it was read before.
    fn first<E: de::Error>(&mut self, index: usize, name: &'static str) -> Result<(), E> {
        let bit = 1u32 << index;
        if self.0 & bit != 0 {
            return Err(E::duplicate_field(name));
        }
        self.0 |= bit;
        Ok(())
    }
}

pub(super) const FILE_FIELDS: &[&str] = &[
    "schema",
    "version",
    "source",
    "captured_at",
    "description",
    "accounts",
    "coverage",
    "declared",
    "resources",
];

pub(super) struct FileSeed<'b> {
    pub(super) builder: &'b mut EstateBuilder,
    pub(super) header: &'b mut Header,
    pub(super) culprit: &'b mut Option<Element>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AccountRecord {
    id: String,
    #[serde(default)]
    name: String,
    /// Region → AZ name → AZ ID, as this account sees them.
    #[serde(default)]
    zones: UniqueMap<UniqueMap<String>>,
}

impl<'de> DeserializeSeed<'de> for FileSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a blastmap snapshot object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let b = self.builder;
        let header = self.header;
        let culprit = self.culprit;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key::<Text>()? {
            // A repeated key is an error, never "the last one wins" (nor, for lists, "append").
            if let Some(field) = FILE_FIELDS.iter().position(|f| *f == key.0) {
                seen.first(field, FILE_FIELDS[field])?;
            }
            match key.0.as_ref() {
                "schema" => {
                    header.schema = Some(map.next_value()?);
                    if !header.schema_ok() {
                        return Err(de::Error::custom("not a blastmap snapshot"));
                    }
                }
                "version" => {
                    header.version = Some(map.next_value()?);
                    if !header.version_ok() {
                        return Err(de::Error::custom("unsupported snapshot version"));
                    }
                }
                "source" => b.meta_mut().source = map.next_value()?,
                "captured_at" => b.meta_mut().captured_at = map.next_value()?,
                "description" => b.meta_mut().description = map.next_value()?,
                "accounts" => map.next_value_seed(AccountsSeed {
                    builder: b,
                    culprit: &mut *culprit,
                })?,
                "coverage" => map.next_value_seed(CoverageSeed {
                    builder: b,
                    culprit: &mut *culprit,
                })?,
                "declared" => b.declared(map.next_value::<Declared>()?),
                "resources" => map.next_value_seed(ResourcesSeed { builder: b })?,
                other => return Err(de::Error::unknown_field(other, FILE_FIELDS)),
            }
        }
        Ok(())
    }
}

/// The `accounts` list, each account once: a second entry would silently rename
/// the first (the last would win), so the file is refused where it repeats.
pub(super) struct AccountsSeed<'b> {
    builder: &'b mut EstateBuilder,
    culprit: &'b mut Option<Element>,
}

impl<'de> DeserializeSeed<'de> for AccountsSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for AccountsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of accounts")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let b = &mut *self.builder;
        let mut seen = std::collections::HashSet::new();
        while let Some(a) = seq.next_element::<AccountRecord>()? {
            let culprit = |nth| Element {
                list: "accounts",
                nth,
                fields: vec![("id", a.id.clone())],
            };
            if a.id.is_empty() {
                *self.culprit = Some(culprit(0));
                return Err(de::Error::custom(
                    "an account's \"id\" is empty: it is the account id, such as 111111111111",
                ));
            }
            if !seen.insert(a.id.clone()) {
                *self.culprit = Some(culprit(1));
                return Err(de::Error::custom(format!(
                    "account {} is listed twice in \"accounts\": readers disagree on which \
                     entry wins, so blastmap takes neither",
                    a.id
                )));
            }
            let idx = b.account(&a.id, &a.name);
            for (region, zones) in &a.zones.0 {
                if region.is_empty() {
                    return Err(de::Error::custom(format!(
                        "account {}: a Region name in \"zones\" is empty",
                        a.id
                    )));
                }
                for (name, id) in &zones.0 {
                    b.az_name(idx, region, name, id)
                        .map_err(de::Error::custom)?;
                }
            }
        }
        Ok(())
    }
}

/// The `coverage` list, one entry per account, Region and service: two would
/// contradict each other (or say the same twice), and one would win unseen.
pub(super) struct CoverageSeed<'b> {
    builder: &'b mut EstateBuilder,
    culprit: &'b mut Option<Element>,
}

impl<'de> DeserializeSeed<'de> for CoverageSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for CoverageSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of coverage entries")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut seen: std::collections::HashMap<(String, String, crate::model::Service), String> =
            std::collections::HashMap::new();
        while let Some(c) = seq.next_element::<Coverage>()? {
            let culprit = |nth| Element {
                list: "coverage",
                nth,
                fields: vec![
                    ("account", c.account.clone()),
                    ("region", c.region.clone()),
                    ("service", c.service.name().to_string()),
                ],
            };
            if c.account.is_empty() || c.region.is_empty() {
                *self.culprit = Some(culprit(0));
                return Err(de::Error::custom(
                    "a coverage entry has an empty \"account\" or \"region\"",
                ));
            }
            let status = serde_json::to_string(&c.status).unwrap_or_default();
            let key = (c.account.clone(), c.region.clone(), c.service);
            if let Some(first) = seen.insert(key, status.clone()) {
                *self.culprit = Some(culprit(1));
                return Err(de::Error::custom(format!(
                    "coverage of {} in account {}, {} is given twice ({first}, then {status}): \
                     one entry per account, Region and service",
                    c.service.name(),
                    c.account,
                    c.region
                )));
            }
            self.builder.coverage(c);
        }
        Ok(())
    }
}

pub(super) struct ResourcesSeed<'b> {
    builder: &'b mut EstateBuilder,
}

impl<'de> DeserializeSeed<'de> for ResourcesSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ResourcesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of resources")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(ResourceSeed {
                builder: &mut *self.builder,
            })?
            .is_some()
        {}
        Ok(())
    }
}

pub(super) struct ResourceSeed<'b> {
    builder: &'b mut EstateBuilder,
}

pub(super) const RESOURCE_FIELDS: &[&str] = &[
    "kind", "id", "name", "account", "region", "az", "tags", "<kind>",
];

impl<'de> DeserializeSeed<'de> for ResourceSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ResourceSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        ParsedSeed.visit_map(map)?.add_to(self.builder)
    }
}

/// A resource as read, before its account, Region and AZ are interned.
pub(super) struct Parsed<'de> {
    id: String,
    name: Option<String>,
    account: Text<'de>,
    region: Text<'de>,
    az: Option<Text<'de>>,
    tags: BTreeMap<String, String>,
    facts: Facts,
}

impl Parsed<'_> {
    /// Interns the resource's account, Region and AZ, in file order, and adds it.
    pub(super) fn add_to<E: de::Error>(self, b: &mut EstateBuilder) -> Result<(), E> {
        let (account, region, az) = b
            .place(
                &self.account.0,
                &self.region.0,
                self.az.as_ref().map(|a| a.0.as_ref()),
                &self.id,
            )
            .map_err(E::custom)?;
        b.push(Resource {
            name: self.name.unwrap_or_default(),
            id: self.id,
            account,
            region,
            az,
            tags: self.tags,
            facts: self.facts,
        });
        Ok(())
    }
}

/// The kind a `kind` value names; what it is instead, and what it may be, when not.
pub(super) fn kind_named<E: de::Error>(value: serde_json::Value) -> Result<Kind, E> {
    let all = || {
        Kind::ALL
            .iter()
            .map(|k| k.key())
            .collect::<Vec<_>>()
            .join(", ")
    };
    match &value {
        serde_json::Value::String(s) => Kind::from_key(s)
            .ok_or_else(|| E::custom(format!("unknown kind {s:?}: a kind is one of {}", all()))),
        other => Err(E::custom(format!(
            "\"kind\" is {other}: it is a string, one of {}",
            all()
        ))),
    }
}

/// Reads one resource object into a [`Parsed`], needing no builder (so many can be
/// read at once).
pub(super) struct ParsedSeed;

impl<'de> DeserializeSeed<'de> for ParsedSeed {
    type Value = Parsed<'de>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Parsed<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ParsedSeed {
    type Value = Parsed<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a resource object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parsed<'de>, A::Error> {
        let mut kind: Option<Kind> = None;
        let mut id: Option<String> = None;
        let mut name: Option<String> = None;
        let mut account: Option<Text<'de>> = None;
        let mut region: Option<Text<'de>> = None;
        let mut az: Option<Text<'de>> = None;
        let mut tags: BTreeMap<String, String> = BTreeMap::new();
        let mut facts: Option<Facts> = None;
        let mut seen = Seen::default();
        while let Some(key) = map.next_key::<Text>()? {
            // Each arm marks its field (its index in RESOURCE_FIELDS) before reading it.
            match key.0.as_ref() {
                "kind" => {
                    seen.first::<A::Error>(0, "kind")?;
                    kind = Some(kind_named(map.next_value()?)?);
                }
                "id" => {
                    seen.first::<A::Error>(1, "id")?;
                    id = Some(map.next_value()?);
                }
                "name" => {
                    seen.first::<A::Error>(2, "name")?;
                    name = Some(map.next_value()?);
                }
                "account" => {
                    seen.first::<A::Error>(3, "account")?;
                    account = Some(map.next_value()?);
                }
                "region" => {
                    seen.first::<A::Error>(4, "region")?;
                    region = Some(map.next_value()?);
                }
                "az" => {
                    seen.first::<A::Error>(5, "az")?;
                    az = map.next_value::<Option<Text>>()?;
                }
                "tags" => {
                    seen.first::<A::Error>(6, "tags")?;
                    tags = map.next_value::<UniqueMap<String>>()?.0;
                }
                other => match Kind::from_key(other) {
                    Some(k) if facts.is_none() => facts = Some(Facts::next_value_of(k, &mut map)?),
                    Some(k) if facts.as_ref().is_some_and(|f| f.kind() == k) => {
                        return Err(de::Error::duplicate_field(k.key()));
                    }
                    Some(_) => {
                        return Err(de::Error::custom(format!(
                            "a resource holds the facts of one kind only, found a second: `{other}`"
                        )));
                    }
                    None => return Err(de::Error::unknown_field(other, RESOURCE_FIELDS)),
                },
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let facts = match (facts, kind) {
            (Some(f), Some(k)) if f.kind() != k => {
                return Err(de::Error::custom(format!(
                    "resource {id} says kind `{k}` but holds `{}` facts",
                    f.kind()
                )));
            }
            (Some(f), _) => f,
            (None, Some(k)) => {
                return Err(de::Error::custom(format!(
                    "resource {id} of kind `{k}` is missing its facts under `{}`",
                    k.key()
                )));
            }
            (None, None) => {
                return Err(de::Error::custom(format!(
                    "resource {id} has neither a `kind` nor facts (one of: {})",
                    Kind::ALL
                        .iter()
                        .map(|k| k.key())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        };
        let account = account.ok_or_else(|| de::Error::missing_field("account"))?;
        let region = region.ok_or_else(|| de::Error::missing_field("region"))?;
        // Empty names would make one nameless account, Region or resource of many.
        for (field, value) in [
            ("id", id.as_str()),
            ("account", &account.0),
            ("region", &region.0),
        ] {
            if value.is_empty() {
                return Err(de::Error::custom(format!(
                    "resource {id:?} has an empty \"{field}\""
                )));
            }
        }
        Ok(Parsed {
            id,
            name,
            account,
            region,
            az,
            tags,
            facts,
        })
    }
}
