//! Small helpers for the sentences blastmap prints.

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
/// Control characters, which a terminal could act on, become U+FFFD.
pub fn shell_quote(word: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c);
    let clean: String = (word.chars())
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect();
    if !clean.is_empty() && clean.chars().all(safe) {
        return clean;
    }
    format!("'{}'", clean.replace('\'', "'\\''"))
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
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1usize, "target", "targets"), "1 target");
        assert_eq!(count(0u32, "target", "targets"), "0 targets");
        assert_eq!(count(4u64, "loss", "losses"), "4 losses");
        assert_eq!(verb(1usize, "loses", "lose"), "loses");
        assert_eq!(verb(2usize, "loses", "lose"), "lose");
    }
}
