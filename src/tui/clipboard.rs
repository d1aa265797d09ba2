//! Copying to the clipboard through the terminal: OSC 52, which works over SSH and,
//! with `set -g set-clipboard on`, through tmux. A terminal that refuses it says
//! nothing, so the TUI always says how to get the text otherwise (`:brief FILE`).

/// The most a terminal is asked to take: several refuse longer sequences.
pub const MAX_BYTES: usize = 64 * 1024;

/// The OSC 52 sequence that puts `text` on the clipboard (`c`), or `None` when it
/// is longer than [`MAX_BYTES`].
pub fn osc52(text: &str) -> Option<String> {
    (text.len() <= MAX_BYTES).then(|| format!("\x1b]52;c;{}\x07", base64(text.as_bytes())))
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{base64, osc52};

    #[test]
    fn base64_matches_rfc_4648_test_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded, "{plain}");
        }
    }

    #[test]
    fn the_sequence_carries_only_base64_and_refuses_what_is_too_long() {
        let seq = osc52("use1-az4 → \x1b[31m").unwrap();
        assert!(seq.starts_with("\x1b]52;c;") && seq.ends_with('\x07'));
        // Nothing from the text reaches the terminal raw.
        assert_eq!(seq.matches('\x1b').count(), 1);
        assert!(osc52(&"x".repeat(super::MAX_BYTES + 1)).is_none());
    }
}
