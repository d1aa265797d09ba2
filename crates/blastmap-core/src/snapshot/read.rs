use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::model::{
    Coverage, Declared, Estate, EstateBuilder, Facts, Kind, Meta, Resource, UniqueMap, Whereabouts,
};

use super::{SCHEMA, SUPPORTED_VERSIONS, SnapshotError};

mod seeds;
use seeds::*;

/// Files from this size on are mapped rather than copied into memory.
const MAP_FROM: u64 = 16 << 20;

/// The most read from what is not a regular file (a pipe, a device), which may never
/// end: about three times what a million resources take (360 MB).
pub(crate) const STREAM_LIMIT: u64 = 1 << 30;

/// Reads a snapshot file into an estate.
pub fn load(path: &Path) -> Result<Estate, SnapshotError> {
    let read_error = |error| SnapshotError::Read {
        path: path.to_path_buf(),
        error,
    };
    let origin = path.display().to_string();
    let opened = crate::input::open(path).map_err(read_error)?;
    // Refused on its first bytes: `/dev/zero`, a binary or a sparse 2 GB file is not
    // read whole to say so.
    if let Some(error) = not_an_object(&opened.head, opened.ended, &origin) {
        return Err(error);
    }
    // A large snapshot (360 MB at a million resources) is parsed straight from the
    // page cache: copying it first costs a quarter of a second and as much memory.
    // (Some file systems cannot map: the file is read instead.)
    if opened.regular_len.is_some_and(|n| n >= MAP_FROM)
        && let Some(map) = opened.map()
    {
        return from_slice(&map, &origin);
    }
    match opened.read_all(STREAM_LIMIT).map_err(read_error)? {
        Ok(bytes) => from_slice(&bytes, &origin),
        Err(crate::input::TooLarge) => Err(SnapshotError::TooLarge {
            path: origin,
            limit: crate::input::size_text(STREAM_LIMIT),
        }),
    }
}

/// What a file that is not JSON text of an object is, from its first bytes (`ended`:
/// they are the whole file); `None` when it starts like an object, or when they are
/// all whitespace and more follows (the rest is read within the usual bounds).
fn not_an_object(head: &[u8], ended: bool, origin: &str) -> Option<SnapshotError> {
    let is_json_space = |b: &u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
    let found = |what: &str| {
        Some(SnapshotError::NotAnObject {
            path: origin.to_string(),
            found: what.to_string(),
        })
    };
    let Some(at) = head.iter().position(|b| !is_json_space(b)) else {
        return match (ended, head.is_empty()) {
            (true, true) => found("an empty file"),
            (true, false) => found("only whitespace"),
            (false, _) => None,
        };
    };
    let start = &head[at..];
    let literal = [&b"true"[..], b"false", b"null"]
        .iter()
        .any(|l| start.starts_with(l));
    // The first character, when the bytes start one (a head may end inside one).
    let first = start
        .utf8_chunks()
        .next()
        .and_then(|c| c.valid().chars().next());
    match (start[0], first) {
        (b'{', _) => None,
        (b'[', _) => found("a JSON array"),
        (b'"', _) => found("a JSON string"),
        (b'0'..=b'9' | b'-', _) => found("a JSON number"),
        // `not json` starts with an n too.
        _ if literal => found("a JSON literal (true, false or null)"),
        (_, Some('\u{feff}')) => found(
            "text starting with a byte order mark (U+FEFF), which JSON does not allow: \
             save it without one",
        ),
        (_, Some(c)) if !c.is_control() => found(&format!("text starting with {c:?}, not JSON")),
        (b, _) => found(&format!(
            "binary data (its first byte that is not a space is 0x{b:02x}), not JSON text"
        )),
    }
}

/// Parses snapshot JSON; `origin` names it in messages (a path, `demo`, …).
pub fn from_slice(bytes: &[u8], origin: &str) -> Result<Estate, SnapshotError> {
    // Not JSON text of an object at all: say what the file is, not where parsing stopped.
    if let Some(error) = not_an_object(bytes, true, origin) {
        return Err(error);
    }
    // UTF-8 checked once for the whole file, not string by string while parsing.
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let before = &bytes[..e.valid_up_to()];
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            // What precedes the bad byte is valid UTF-8: count its characters.
            let column = std::str::from_utf8(&before[line_start..])
                .map_or(before.len() - line_start, |s| s.chars().count())
                + 1;
            return Err(SnapshotError::Syntax {
                path: origin.to_string(),
                line,
                column,
                message: "invalid UTF-8: a snapshot is JSON text".to_string(),
            });
        }
    };
    if text.len() >= PARALLEL_FROM
        && let Some(estate) = in_parallel(text, origin)
    {
        return estate;
    }
    sequentially(text, origin)
}

/// The parallel reader and the one-pass reader on the same text, whatever its size,
/// for tests that check they agree (the first is `None` where the parallel reader
/// leaves the text to the one-pass reader, as it does for any layout or parse error).
#[doc(hidden)]
pub fn both_readers(
    text: &str,
    origin: &str,
) -> (
    Option<Result<Estate, SnapshotError>>,
    Result<Estate, SnapshotError>,
) {
    (in_parallel(text, origin), sequentially(text, origin))
}

/// Files from this size on are parsed on every core when they have the layout
/// blastmap writes (one resource per line, resources last).
const PARALLEL_FROM: usize = 8 << 20;

/// One pass over the whole text, resources and all.
fn sequentially(text: &str, origin: &str) -> Result<Estate, SnapshotError> {
    let position = |e: &serde_json::Error| (e.line(), char_column(text, e.line(), e.column()));
    let syntax = |e: &serde_json::Error| {
        let (line, column) = position(e);
        SnapshotError::Syntax {
            path: origin.to_string(),
            line,
            column,
            message: explain_expected_value(text, e.line(), e.column())
                .unwrap_or_else(|| strip_position(&e.to_string())),
        }
    };
    // One pass: the header is checked as it is read (writers put it first), and the
    // parse stops at a foreign schema or an unknown version, where it is.
    let mut header = Header::default();
    let mut builder = new_builder(text);
    let mut culprit = None;
    let parsed = parse_file(text, &mut builder, &mut header, &mut culprit);
    let mut at = parsed
        .as_ref()
        .err()
        .filter(|_| header.is_bad())
        .map(position);
    // A file that failed before its header was read: read just the header, so that a
    // newer or foreign file gets the right message rather than a syntax error.
    if parsed.is_err() && (header.schema.is_none() || header.version.is_none()) {
        header = Header::default();
        match read_header(text, &mut header) {
            Err(e) if header.is_bad() => at = Some(position(&e)),
            Err(e) => return Err(syntax(&e)),
            Ok(()) => {}
        }
    }
    header.check(origin, at.unwrap_or_else(|| object_start(text)))?;
    parsed.map_err(|e| {
        let mut err = syntax(&e);
        // A refused list element: where it starts, not where the reader stopped.
        let start = (culprit.as_ref())
            .and_then(|c| element_start(text, c))
            .and_then(|slice| offset_in(text, slice));
        if let (SnapshotError::Syntax { line, column, .. }, Some(offset)) = (&mut err, start) {
            (*line, *column) = line_column(text, offset);
        }
        err
    })?;
    build(builder, origin, text)
}

/// Line and column of the `{` that opens the document.
fn object_start(text: &str) -> (usize, usize) {
    let at = text.find('{').unwrap_or(0);
    line_column(text, at)
}

/// Line and column (in characters, from 1) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// serde_json says only "expected value" where an enum's name is wanted and something
/// else is written (`"kind": null`): which key, and what was found instead.
fn explain_expected_value(text: &str, line: usize, byte_column: usize) -> Option<String> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?;
    let at = byte_column.checked_sub(1)?;
    let rest = line_text.get(at..)?;
    let found = match rest.as_bytes().first()? {
        b'n' if rest.starts_with("null") => "null",
        b't' if rest.starts_with("true") => "true",
        b'f' if rest.starts_with("false") => "false",
        b'0'..=b'9' | b'-' => "a number",
        b'[' => "a list",
        b'{' => "an object",
        _ => return None,
    };
    let key = line_text[..at]
        .trim_end()
        .strip_suffix(':')?
        .trim_end()
        .strip_suffix('"')?;
    let key = &key[key.rfind('"')? + 1..];
    Some(format!(
        "\"{key}\" takes one of its names as a string, and {found} is not one"
    ))
}

/// serde_json counts columns in bytes; editors count characters (`é` is two bytes).
fn char_column(text: &str, line: usize, byte_column: usize) -> usize {
    let start = match line {
        0 | 1 => 0,
        n => match text.match_indices('\n').nth(n - 2) {
            Some((i, _)) => i + 1,
            None => return byte_column,
        },
    };
    // Characters starting before the byte column (serde may stop inside one).
    text.get(start..).map_or(byte_column, |rest| {
        rest.char_indices()
            .take_while(|(i, _)| *i < byte_column)
            .count()
    })
}

fn new_builder(text: &str) -> EstateBuilder {
    let mut builder = EstateBuilder::new(Meta::default());
    // Written snapshots take about 350 bytes a resource: growing the list once, not twenty times.
    builder.reserve(text.len() / 400);
    builder
}

/// Parses the whole file into `builder`; `culprit` says what a refused list element
/// was, when the parse stopped at one.
fn parse_file(
    text: &str,
    builder: &mut EstateBuilder,
    header: &mut Header,
    culprit: &mut Option<Element>,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    FileSeed {
        builder,
        header,
        culprit,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
}

fn build(builder: EstateBuilder, origin: &str, text: &str) -> Result<Estate, SnapshotError> {
    builder.build().map_err(|error| SnapshotError::Model {
        path: origin.to_string(),
        at: error
            .whereabouts()
            .and_then(|w| locate(text, &w))
            .map(|offset| line_column(text, offset)),
        error: Box::new(error),
    })
}

/// An element of a top-level list (`accounts`, `coverage`, `resources`): the `nth`
/// (from 0) whose string `fields` have these values.
struct Element {
    list: &'static str,
    nth: usize,
    fields: Vec<(&'static str, String)>,
}

/// Where `element` starts in `text` (a byte offset), as `text` holds it. Read again
/// only when there is an error to place: serde places an error where its reader is,
/// after what is wrong.
fn element_start<'t>(text: &'t str, element: &Element) -> Option<&'t str> {
    use serde_json::value::RawValue;
    #[derive(Deserialize)]
    struct Outline<'a> {
        #[serde(borrow, default)]
        accounts: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        coverage: Vec<&'a RawValue>,
        #[serde(borrow, default)]
        declared: Option<&'a RawValue>,
        #[serde(borrow, default)]
        resources: Vec<&'a RawValue>,
    }
    let outline: Outline = serde_json::from_str(text).ok()?;
    let list = match element.list {
        "accounts" => outline.accounts,
        "coverage" => outline.coverage,
        "declared" => return outline.declared.map(|d| d.get()),
        _ => outline.resources,
    };
    let fits = |raw: &&RawValue| {
        let Ok(serde_json::Value::Object(o)) = serde_json::from_str(raw.get()) else {
            return false;
        };
        (element.fields.iter()).all(|(k, v)| o.get(*k).and_then(|x| x.as_str()) == Some(v))
    };
    list.into_iter()
        .filter(fits)
        .nth(element.nth)
        .map(|r| r.get())
}

/// The byte offset of `slice`, which borrows from `text`.
fn offset_in(text: &str, slice: &str) -> Option<usize> {
    (slice.as_ptr() as usize).checked_sub(text.as_ptr() as usize)
}

/// Where in `text` the thing a model error is about is written (a byte offset): the
/// key or value named, inside the resource (or the `declared` section) named; else
/// that resource's start.
fn locate(text: &str, w: &Whereabouts) -> Option<usize> {
    let element = Element {
        list: if w.resource == "declared" {
            "declared"
        } else {
            "resources"
        },
        nth: w.nth,
        fields: vec![("id", w.resource.to_string())],
    };
    let slice = element_start(text, &element)?;
    let start = offset_in(text, slice)?;
    let json = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let key_at = w.key.and_then(|key| {
        let quoted = json(key);
        slice
            .match_indices(&quoted)
            .map(|(i, _)| i)
            .find(|&i| slice[i + quoted.len()..].trim_start().starts_with(':'))
    });
    let from = key_at.unwrap_or(0);
    let value_at = w
        .value
        .and_then(|v| slice[from..].find(&json(v)).map(|i| from + i));
    Some(start + value_at.or(key_at).unwrap_or(0))
}

/// Where a written snapshot's resources start: its last field, one per line.
const RESOURCES_OPEN: &str = "\n\"resources\": [\n";
const RESOURCES_CLOSE: &str = "\n]\n}";

/// The text as blastmap writes it, parsed with the resources split across cores:
/// the rest of the file first (as `"resources": []`), then every resource line on
/// its own, then each interned in file order, so the estate is the one
/// [`sequentially`] builds. `None` when the layout differs or anything fails to
/// parse: [`sequentially`] then reads it and says precisely where it is wrong.
fn in_parallel(text: &str, origin: &str) -> Option<Result<Estate, SnapshotError>> {
    // Only JSON's whitespace may follow: `trim_end` would also take Unicode spaces,
    // which the one-pass reader rightly refuses.
    let body_end = text
        .trim_end_matches([' ', '\t', '\n', '\r'])
        .strip_suffix(RESOURCES_CLOSE)?
        .len();
    // Raw newlines never occur inside JSON strings: this is a key at a line start.
    let body_start = text.find(RESOURCES_OPEN)? + RESOURCES_OPEN.len();
    if body_start >= body_end {
        return None;
    }
    let body = &text[body_start..body_end];
    let resources: Vec<Vec<Parsed>> = pieces(body)
        .par_iter()
        .map(|&(piece, last)| parse_lines(piece, last))
        .collect::<Option<Vec<_>>>()?;
    // The head parses as a whole file only if the cut was at the top level.
    let head = format!("{}]}}", &text[..body_start]);
    let mut header = Header::default();
    let mut builder = new_builder(text);
    parse_file(&head, &mut builder, &mut header, &mut None).ok()?;
    header.check(origin, (1, 1)).ok()?;
    for r in resources.into_iter().flatten() {
        r.add_to::<serde_json::Error>(&mut builder).ok()?;
    }
    Some(build(builder, origin, text))
}

/// `body` cut at line ends into pieces for the cores, each with whether it is the last.
fn pieces(body: &str) -> Vec<(&str, bool)> {
    let n = (body.len() / (1 << 20)).clamp(1, 256);
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..=n {
        let end = if k == n {
            body.len()
        } else {
            // A byte offset may fall inside a character: look for the newline in bytes.
            let at = (body.len() * k / n).max(start);
            match body.as_bytes()[at..].iter().position(|&b| b == b'\n') {
                Some(i) => at + i + 1,
                None => body.len(),
            }
        };
        if end > start {
            out.push((&body[start..end], end == body.len()));
        }
        start = end;
        if start == body.len() {
            break;
        }
    }
    out
}

/// Each line of `piece` a resource followed by a comma (but the file's last).
fn parse_lines(piece: &str, last: bool) -> Option<Vec<Parsed<'_>>> {
    let lines: Vec<&str> = piece
        .strip_suffix('\n')
        .unwrap_or(piece)
        .split('\n')
        .collect();
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let line = if last && i + 1 == lines.len() {
            *line
        } else {
            line.strip_suffix(',')?
        };
        let mut de = serde_json::Deserializer::from_str(line);
        let parsed = ParsedSeed.deserialize(&mut de).ok()?;
        de.end().ok()?;
        out.push(parsed);
    }
    Some(out)
}

/// The `schema` and `version` of a file, as far as they were read.
#[derive(Debug, Default, Deserialize)]
struct Header {
    schema: Option<serde_json::Value>,
    version: Option<serde_json::Value>,
}

impl Header {
    fn schema_ok(&self) -> bool {
        matches!(&self.schema, Some(serde_json::Value::String(s)) if s == SCHEMA)
    }

    fn version_ok(&self) -> bool {
        self.version
            .as_ref()
            .and_then(|v| v.as_u64())
            .is_some_and(|v| v <= u32::MAX as u64 && SUPPORTED_VERSIONS.contains(&(v as u32)))
    }

    /// A schema or version was read and is not one this build reads.
    fn is_bad(&self) -> bool {
        (self.schema.is_some() && !self.schema_ok())
            || (self.version.is_some() && !self.version_ok())
    }

    /// `at`: where the version is written (where a bad one stopped the parse).
    fn check(&self, origin: &str, at: (usize, usize)) -> Result<(), SnapshotError> {
        if !self.schema_ok() {
            return Err(SnapshotError::NotASnapshot {
                path: origin.to_string(),
                found: self.schema.as_ref().map(|v| v.to_string()),
            });
        }
        let (line, column) = at;
        match &self.version {
            _ if self.version_ok() => Ok(()),
            Some(v) => match v.as_u64() {
                Some(version) => Err(SnapshotError::UnsupportedVersion {
                    path: origin.to_string(),
                    line,
                    column,
                    version,
                }),
                None => Err(SnapshotError::Syntax {
                    path: origin.to_string(),
                    line,
                    column,
                    message: format!(
                        "\"version\" is {v}: it is a whole number, such as \"version\": 1"
                    ),
                }),
            },
            None => Err(SnapshotError::Syntax {
                path: origin.to_string(),
                line,
                column,
                message: "missing \"version\": a snapshot says which version it is, such as \
                          \"version\": 1"
                    .to_string(),
            }),
        }
    }
}

/// Reads `schema` and `version` alone, stopping (with the position) at a bad one.
fn read_header(text: &str, header: &mut Header) -> Result<(), serde_json::Error> {
    struct HeaderSeed<'h>(&'h mut Header);
    impl<'de> DeserializeSeed<'de> for HeaderSeed<'_> {
        type Value = ();
        fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    impl<'de> Visitor<'de> for HeaderSeed<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a blastmap snapshot object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<Text>()? {
                match key.0.as_ref() {
                    "schema" => self.0.schema = Some(map.next_value()?),
                    "version" => self.0.version = Some(map.next_value()?),
                    _ => {
                        map.next_value::<de::IgnoredAny>()?;
                    }
                }
                if self.0.is_bad() {
                    return Err(de::Error::custom("not a snapshot this blastmap reads"));
                }
            }
            Ok(())
        }
    }
    let mut de = serde_json::Deserializer::from_str(text);
    HeaderSeed(header).deserialize(&mut de)
}

#[cfg(test)]
mod tests {
    use crate::demo::DEMO_JSON;

    /// The demo snapshot with `insert` put right after the first occurrence of `after`.
    fn demo_with(after: &str, insert: &str) -> String {
        let at = DEMO_JSON.find(after).expect("the demo holds it") + after.len();
        format!("{}{insert}{}", &DEMO_JSON[..at], &DEMO_JSON[at..])
    }

    fn error_of(text: &str) -> String {
        match super::from_slice(text.as_bytes(), "demo.json") {
            Ok(_) => panic!("read as a snapshot"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn error_columns_count_characters_not_bytes() {
        // Three é (two bytes each) before the error: an editor puts it 3 columns earlier.
        let text = demo_with(
            r#""tags": {"Name": "orders-db""#,
            r#", "x": "ééé", "zzz": 1"#,
        );
        let err = error_of(&text);
        let line = text[..text.find("\"zzz\"").unwrap()].lines().count();
        let line_text = text.lines().nth(line - 1).unwrap();
        let col = line_text[..line_text.find("\"zzz\"").unwrap()]
            .chars()
            .count();
        // serde reports the column where it stopped: within the value after "zzz".
        let at = err.split(':').nth(2).unwrap().parse::<usize>().unwrap();
        assert!(
            (col + 1..=col + 8).contains(&at),
            "column {at}, the key starts at {}: {err}",
            col + 1
        );
    }

    #[test]
    fn an_error_at_a_wide_character_is_placed_by_characters() {
        // serde stops inside the `é` after `"x": `: still the column an editor shows.
        let text = demo_with(r#""tags": {"Name": "orders-db""#, r#", "y": "ééé", "x": é"#);
        let err = error_of(&text);
        let line_no: usize = err.split(':').nth(1).unwrap().parse().unwrap();
        let col: usize = err.split(':').nth(2).unwrap().parse().unwrap();
        let line = text.lines().nth(line_no - 1).unwrap();
        let expected = line[..line.find(r#""x": é"#).unwrap()].chars().count() + 6;
        assert_eq!(col, expected, "{err}");
    }

    #[test]
    fn a_key_given_twice_in_tags_zones_or_services_is_refused() {
        let tags = demo_with(r#""tags": {"Name": "orders-db""#, r#", "Name": "other""#);
        let err = error_of(&tags);
        assert!(err.contains("key \"Name\" given twice"), "{err}");
        assert!(
            err.starts_with("demo.json:"),
            "with its line and column: {err}"
        );
        let zones = demo_with(
            r#""us-east-1c": "use1-az1""#,
            r#", "us-east-1c": "use1-az2""#,
        );
        let err = error_of(&zones);
        assert!(err.contains("key \"us-east-1c\" given twice"), "{err}");
        let services = DEMO_JSON.replacen(
            r#""declared": {"#,
            r#""declared": {"services": {"a": "x", "a": "y"}, "#,
            1,
        );
        assert_ne!(services, DEMO_JSON);
        let err = error_of(&services);
        assert!(err.contains("key \"a\" given twice"), "{err}");
    }

    #[test]
    fn only_true_false_and_null_are_called_literals() {
        for (text, what) in [
            ("not json", "text starting with 'n', not JSON"),
            ("fals", "text starting with 'f', not JSON"),
            ("this is text", "text starting with 't', not JSON"),
            ("  null\n", "a JSON literal (true, false or null)"),
            ("true", "a JSON literal (true, false or null)"),
            ("false", "a JSON literal (true, false or null)"),
        ] {
            let err = error_of(text);
            assert!(
                err.starts_with(&format!(
                    "demo.json is not a blastmap snapshot: it is {what}"
                )),
                "{text:?}: {err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_file_that_never_ends_is_refused_on_its_first_bytes() {
        use crate::input::tests::{endless_fifo, within_seconds};
        let dir = tempfile::tempdir().unwrap();
        // 4 KB of NUL bytes, then held open: it never ends.
        let fifo = endless_fifo(dir.path(), &[0; 4096], b"");
        let err = within_seconds(move || super::load(&fifo).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("binary data"), "{err}");
        assert!(err.contains("0x00"), "{err}");
        // As `/dev/zero` is.
        let err = within_seconds(|| super::load(std::path::Path::new("/dev/zero")).map(|_| ()))
            .unwrap_err()
            .to_string();
        assert!(err.contains("binary data"), "{err}");
    }

    #[test]
    fn a_large_sparse_file_is_refused_without_reading_it() {
        let dir = tempfile::tempdir().unwrap();
        let sparse = dir.path().join("sparse.json");
        // Large enough to be mapped; a hole reads as zeros.
        let file = std::fs::File::create(&sparse).unwrap();
        file.set_len(64 << 20).unwrap();
        let err = super::load(&sparse).map(|_| ()).unwrap_err().to_string();
        assert!(
            err.contains("is not a blastmap snapshot: it is binary data"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_snapshot_through_a_pipe_loads() {
        use crate::input::tests::within_seconds;
        // `blastmap open <(zcat estate.json.gz)`: a pipe, read up to its end.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let writer = fifo.clone();
        std::thread::spawn(move || std::fs::write(writer, DEMO_JSON));
        let estate = within_seconds(move || super::load(&fifo)).unwrap();
        assert!(estate.resources().len() > 100);
    }

    #[test]
    fn a_byte_order_mark_and_control_characters_are_named() {
        let err = error_of("\u{feff}{}");
        assert!(err.contains("byte order mark"), "{err}");
        let err = error_of("\u{1b}[31m{}");
        assert!(err.contains("binary data"), "{err}");
        assert!(err.contains("0x1b"), "{err}");
        let err = error_of("\u{a0}{}");
        assert!(err.contains("text starting with '\\u{a0}'"), "{err}");
    }

    #[test]
    fn the_demo_loads_as_it_is() {
        assert!(super::from_slice(DEMO_JSON.as_bytes(), "demo.json").is_ok());
    }

    #[test]
    fn a_repeated_top_level_key_is_refused_with_its_name_and_place() {
        // A second `declared` would silently drop the real one's dependencies.
        let declared_line = DEMO_JSON
            .lines()
            .position(|l| l.starts_with("\"declared\""));
        let err = error_of(&demo_with("\n\"declared\": ", "{},\n\"declared\": "));
        assert!(err.contains("duplicate field `declared`"), "{err}");
        let line = declared_line.unwrap() + 2;
        assert!(err.starts_with(&format!("demo.json:{line}:")), "{err}");
        // A second `resources` would append to the first.
        let text =
            DEMO_JSON.trim_end().strip_suffix('}').unwrap().to_string() + ",\"resources\": []}";
        let err = error_of(&text);
        assert!(err.contains("duplicate field `resources`"), "{err}");
        let err = error_of(&demo_with("\"version\": 2,", "\"version\": 2,"));
        assert!(err.contains("duplicate field `version`"), "{err}");
    }

    #[test]
    fn a_repeated_resource_key_is_refused_with_its_name() {
        const ACCOUNT: &str = "\"name\": \"shop-use1-public-a\", \"account\": \"111111111111\", ";
        const TAGS: &str = "\"tags\": {\"Name\": \"shop-use1-public-a\"}, ";
        for (after, insert, key) in [
            ("\"az\": \"use1-az4\", ", "\"az\": \"use1-az6\", ", "az"),
            (
                "\"id\": \"subnet-755a4926d701e5a16\", ",
                "\"id\": \"subnet-1\", ",
                "id",
            ),
            ("{\"kind\": \"subnet\", ", "\"kind\": \"subnet\", ", "kind"),
            (
                "\"name\": \"shop-use1-public-a\", ",
                "\"name\": \"x\", ",
                "name",
            ),
            (ACCOUNT, "\"account\": \"1\", ", "account"),
            (
                &format!("{ACCOUNT}\"region\": \"us-east-1\", "),
                "\"region\": \"us-east-1\", ",
                "region",
            ),
            (TAGS, "\"tags\": {}, ", "tags"),
            (
                "\"cidr\": \"10.10.0.0/24\"}",
                ", \"subnet\": {\"vpc\": \"vpc-e0c6a7e1e105b65b8\", \"cidr\": \"10.10.0.0/24\"}",
                "subnet",
            ),
        ] {
            let err = error_of(&demo_with(after, insert));
            assert!(
                err.contains(&format!("duplicate field `{key}`")),
                "{key}: {err}"
            );
            // The line of the demo's first subnet, where every insertion lands.
            let line = 1 + DEMO_JSON
                .lines()
                .position(|l| l.contains("\"shop-use1-public-a\", \"account\""))
                .expect("the demo's first subnet");
            assert!(
                err.starts_with(&format!("demo.json:{line}:")),
                "{key}: {err}"
            );
        }
    }
}

#[cfg(all(test, feature = "synth"))]
mod parallel_tests {
    use super::{in_parallel, pieces, sequentially};
    use crate::model::Estate;
    use crate::synth::{SynthConfig, generate};

    fn same(a: &Estate, b: &Estate) {
        assert_eq!(a.resources(), b.resources());
        assert_eq!(a.accounts(), b.accounts());
        assert_eq!(a.regions(), b.regions());
        assert_eq!(a.azs(), b.azs());
        assert_eq!(a.coverage, b.coverage);
        assert_eq!(a.declared, b.declared);
        assert_eq!(a.meta, b.meta);
        let edges = |e: &Estate| e.edges().collect::<Vec<_>>();
        assert_eq!(edges(a), edges(b));
    }

    #[test]
    fn resources_read_on_every_core_make_the_estate_one_pass_makes() {
        let estate = generate(&SynthConfig {
            resources: 20_000,
            seed: 3,
            ..Default::default()
        });
        let text = crate::snapshot::to_string(&estate);
        let body = text.len() - text.find("\"resources\"").unwrap();
        assert!(
            pieces(&text[text.len() - body..]).len() > 4,
            "several pieces"
        );
        let fast = in_parallel(&text, "synth")
            .expect("the layout blastmap writes")
            .unwrap();
        same(&fast, &sequentially(&text, "synth").unwrap());
        let demo = crate::snapshot::to_string(&crate::demo::estate().unwrap());
        let fast = in_parallel(&demo, "demo").unwrap().unwrap();
        same(&fast, &sequentially(&demo, "demo").unwrap());
    }

    #[test]
    fn pieces_cut_at_line_ends_whatever_the_characters() {
        // Two-byte characters everywhere: a byte offset often falls inside one.
        let body = format!("{},\n", "é".repeat(999)).repeat(2_000);
        let body = body.trim_end_matches(",\n");
        let cut = pieces(body);
        assert!(cut.len() > 1);
        assert_eq!(cut.iter().map(|(p, _)| *p).collect::<String>(), body);
        assert!(cut.last().unwrap().1 && cut.iter().filter(|(_, last)| *last).count() == 1);
    }

    #[test]
    fn other_layouts_and_any_error_are_left_to_the_one_pass_reader() {
        let text = crate::snapshot::to_string(&crate::demo::estate().unwrap());
        // Pretty-printed: resources over many lines.
        let value: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert!(in_parallel(&serde_json::to_string_pretty(&value).unwrap(), "x").is_none());
        // A broken resource, a missing comma, an AZ in two Regions: all read again in one
        // pass, which says where.
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.len() - 5;
        for broken in [
            lines[at].replacen("\"id\"", "\"idd\"", 1),
            lines[at].trim_end_matches(',').to_string(),
        ] {
            let mut copy = lines.clone();
            copy[at] = &broken;
            assert!(in_parallel(&copy.join("\n"), "x").is_none(), "{broken}");
        }
        // Only JSON whitespace may follow the document.
        for tail in ["\u{c}", "\u{a0}", "\u{3000}", "x"] {
            let trailing = format!("{text}{tail}");
            assert!(in_parallel(&trailing, "x").is_none(), "{tail:?}");
            assert!(sequentially(&trailing, "x").is_err(), "{tail:?}");
        }
        let moved = text.replacen("\"az\":\"euw1-az1\"", "\"az\":\"use1-az1\"", 1);
        assert_ne!(moved, text);
        assert!(in_parallel(&moved, "x").is_none());
        assert!(sequentially(&moved, "x").is_err());
    }
}
