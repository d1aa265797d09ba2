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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(1usize, "target", "targets"), "1 target");
        assert_eq!(count(0u32, "target", "targets"), "0 targets");
        assert_eq!(count(4u64, "loss", "losses"), "4 losses");
        assert_eq!(verb(1usize, "loses", "lose"), "loses");
        assert_eq!(verb(2usize, "loses", "lose"), "lose");
    }
}
