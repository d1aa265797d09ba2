//! Small helpers for the sentences blastmap prints.

use std::borrow::Cow;
use std::fmt::Display;

/// `1 target`, `4 targets`: a count with its noun in the right number.
pub fn count<N: Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    if n == N::from(1) {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// The verb for a count's subject: `one` when it is 1 ("loses"), else `many` ("lose").
pub fn verb<N: PartialEq + From<u8>>(n: N, one: &'static str, many: &'static str) -> &'static str {
    if n == N::from(1) { one } else { many }
}

/// A word for a POSIX shell command line: as it is when it holds only characters no
/// shell treats specially, else in single quotes (a quote inside becomes `'\''`).
/// Characters a terminal could act on ([`is_unsafe`]) become U+FFFD.
pub fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    let clean: String = (word.chars())
        .map(|c| if is_unsafe(c) { '\u{fffd}' } else { c })
        .collect();
    if !clean.is_empty() && clean.chars().all(safe) {
        return clean;
    }
    format!("'{}'", clean.replace('\'', "'\\''"))
}

/// Characters a terminal or a reader would act on rather than show: C0 and C1
/// controls and DEL (escape sequences, carriage returns, bells), the Unicode
/// bidirectional controls that reorder what is shown (CVE-2021-42574), and the line
/// and paragraph separators.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{2028}' | '\u{2029}'
        )
}

/// What an unsafe character is shown as: its Control Pictures symbol (`␛` for ESC,
/// `␊` for a line feed), one column wide like most characters, else `�`.
fn stand_in(c: char) -> char {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
        '\u{7f}' => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// Text from outside (names and tags anyone with tagging rights can set, ids, file
/// contents) made safe to print on a terminal: every unsafe character ([`is_unsafe`])
/// shown as a visible stand-in, so `\x1b]0;…\x07` or a carriage return cannot act.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { stand_in(c) } else { c })
            .collect(),
    )
}

/// [`printable`], but line feeds stay: for messages of several lines (errors, notes).
pub fn printable_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.split('\n')
            .map(printable)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// JSON text with every unsafe character ([`is_unsafe`]) written as a `\uXXXX` escape.
/// serde_json escapes C0 controls only: DEL, C1 controls (`\u{9b}` starts an escape
/// sequence on some terminals) and bidirectional controls went out raw. Outside its
/// strings JSON holds ASCII only, so every such character is inside a string.
pub fn json_escape_unsafe(json: String) -> String {
    // Bytes that start no unsafe character rule most text out at memory speed: the
    // UTF-8 of every unsafe character but C0 and DEL starts with 0xc2, 0xd8 or 0xe2.
    let maybe = |b: &u8| (*b < 0x20 && *b != b'\n') || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe2);
    if !json.as_bytes().iter().any(maybe) || !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        if is_unsafe(c) && c != '\n' {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Notes shown one by one at most this many times; the rest are counted in one line.
pub const NOTES_SHOWN: usize = 10;

/// The first [`NOTES_SHOWN`] notes, then one line counting the rest: a file with
/// thousands of the same mistake says so in a dozen lines, not thousands.
pub fn summarised(mut notes: Vec<String>) -> Vec<String> {
    if notes.len() > NOTES_SHOWN {
        let more = notes.len() - NOTES_SHOWN;
        notes.truncate(NOTES_SHOWN);
        notes.push(format!("… and {more} more like these"));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_they_must_be() {
        assert_eq!(
            shell_quote("arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1"),
            "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/1"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(shell_quote("a\u{1b}[2Jb"), "'a\u{fffd}[2Jb'");
    }

    #[test]
    fn unsafe_characters_are_shown_not_acted_on() {
        assert_eq!(
            printable("a\x1b]0;t\x07\r\nb\u{9b}c\u{202e}d\u{7f}\t"),
            "a\u{241b}]0;t\u{2407}\u{240d}\u{240a}b\u{fffd}c\u{fffd}d\u{2421}\u{2409}"
        );
        assert!(matches!(printable("storefront-web é ✓"), Cow::Borrowed(_)));
        assert_eq!(printable_lines("one\ntwo\x1b[2J"), "one\ntwo\u{241b}[2J");
        let json = serde_json::to_string("a\u{9b}b\u{7f}\u{202e}\n").unwrap();
        let safe = json_escape_unsafe(json.clone());
        assert_eq!(safe, r#""a\u009bb\u007f\u202e\n""#);
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, serde_json::from_str::<String>(&json).unwrap());
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1usize, "target", "targets"), "1 target");
        assert_eq!(count(0u32, "target", "targets"), "0 targets");
        assert_eq!(count(4u64, "loss", "losses"), "4 losses");
        assert_eq!(verb(1usize, "loses", "lose"), "loses");
        assert_eq!(verb(2usize, "loses", "lose"), "lose");
    }
}
