//! Shannon entropy and character-class measures used to tell random secrets from words.

/// Shannon entropy of `s` in bits per byte: `-Σ p(b)·log2 p(b)` over its byte histogram.
///
/// `0.0` for an empty or one-symbol string; at most `log2(len)` (so an 8-byte string tops out
/// at 3.0) and at most 8.0. Random base64 of 40 characters measures about 4.8, random hex of
/// 32 about 3.8, English words 2.5–3.3.
pub fn shannon(s: &str) -> f64 {
    shannon_bytes(s.as_bytes())
}

/// [`shannon`] over raw bytes.
pub fn shannon_bytes(b: &[u8]) -> f64 {
    if b.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &c in b {
        counts[c as usize] += 1;
    }
    let n = b.len() as f64;
    let mut h = 0.0;
    for &c in counts.iter() {
        if c > 0 {
            let p = c as f64 / n;
            h -= p * p.log2();
        }
    }
    h
}

/// How many of the four ASCII classes (lower-case, upper-case, digit, other printable) occur
/// in `s`. Non-ASCII bytes count as "other".
pub fn char_classes(s: &str) -> u8 {
    let (mut lo, mut up, mut di, mut ot) = (false, false, false, false);
    for &c in s.as_bytes() {
        match c {
            b'a'..=b'z' => lo = true,
            b'A'..=b'Z' => up = true,
            b'0'..=b'9' => di = true,
            _ => ot = true,
        }
    }
    lo as u8 + up as u8 + di as u8 + ot as u8
}

/// `true` when `s` is mostly (≥ 60 % of its adjacent pairs) an ascending or descending run of
/// consecutive characters (`abcdefgh`, `12345678`, `zyxw`), or one character repeated
/// (`xxxxxxxx`): fillers, not secrets.
pub fn is_sequential_or_repeated(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 4 {
        return false;
    }
    let pairs = b.len() - 1;
    let mut asc = 0usize;
    let mut desc = 0usize;
    let mut same = 0usize;
    for w in b.windows(2) {
        let (x, y) = (w[0].to_ascii_lowercase(), w[1].to_ascii_lowercase());
        if y == x.wrapping_add(1) {
            asc += 1;
        } else if x == y.wrapping_add(1) {
            desc += 1;
        } else if x == y {
            same += 1;
        }
    }
    let best = asc.max(desc).max(same);
    best * 10 >= pairs * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_bounds() {
        assert_eq!(shannon(""), 0.0);
        assert_eq!(shannon("aaaa"), 0.0);
        assert!((shannon("abcdefgh") - 3.0).abs() < 1e-9);
        assert!((shannon("ab") - 1.0).abs() < 1e-9);
    }

    #[test]
    fn classes() {
        assert_eq!(char_classes("abc"), 1);
        assert_eq!(char_classes("aB3!"), 4);
        assert_eq!(char_classes(""), 0);
    }

    #[test]
    fn sequences() {
        assert!(is_sequential_or_repeated("abcdefghijk"));
        assert!(is_sequential_or_repeated("123456789"));
        assert!(is_sequential_or_repeated("xxxxxxxx"));
        assert!(is_sequential_or_repeated("zyxwvu"));
        assert!(!is_sequential_or_repeated("q8Zr2LmK"));
    }
}
