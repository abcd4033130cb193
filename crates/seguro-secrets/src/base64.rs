//! A small, lenient base64 decoder (standard and URL-safe alphabets, padding optional).

fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes `s` (standard or URL-safe alphabet, with or without `=` padding). `None` on any
/// other character or an impossible length. At most `limit` output bytes are produced.
pub(crate) fn decode(s: &[u8], limit: usize) -> Option<Vec<u8>> {
    let mut end = s.len();
    while end > 0 && s[end - 1] == b'=' {
        end -= 1;
    }
    let s = &s[..end];
    if s.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity((s.len() * 3 / 4).min(limit));
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for &c in s {
        let v = value(c)? as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
            if out.len() >= limit {
                break;
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes() {
        assert_eq!(decode(b"aGVsbG8=", 100).unwrap(), b"hello");
        assert_eq!(decode(b"aGVsbG8", 100).unwrap(), b"hello");
        assert_eq!(
            decode(b"eyJhbGciOiJIUzI1NiJ9", 100).unwrap(),
            br#"{"alg":"HS256"}"#
        );
        assert!(decode(b"a", 100).is_none());
        assert!(decode(b"a*bc", 100).is_none());
        assert_eq!(decode(b"aGVsbG8=", 2).unwrap(), b"he");
    }
}
