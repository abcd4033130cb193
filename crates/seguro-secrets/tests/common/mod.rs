//! Helpers shared by the integration tests: fake-but-well-formed tokens built at run time (so
//! the test sources hold no secret-looking literal) and finding accessors.
#![allow(dead_code)]

use seguro_secrets::{Confidence, Finding, Kind, scan};

pub const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
pub const UPPER_DIGITS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
pub const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
pub const B64URL: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
pub const HEX: &[u8] = b"0123456789abcdef";

/// A small deterministic PRNG (xorshift64*).
pub struct Rng(pub u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// `n` pseudo-random characters of `alphabet`, reproducible from `seed`.
pub fn rand(seed: u64, n: usize, alphabet: &[u8]) -> String {
    let mut r = Rng::new(seed);
    (0..n)
        .map(|_| alphabet[r.below(alphabet.len())] as char)
        .collect()
}

/// Builds a fake token: `prefix` + random body.
pub fn fake(prefix: &str, n: usize, alphabet: &[u8], seed: u64) -> String {
    format!("{prefix}{}", rand(seed, n, alphabet))
}

/// The values of the findings of `kind` in `text`.
pub fn values(text: &str, kind: Kind) -> Vec<String> {
    scan(text)
        .into_iter()
        .filter(|f| f.kind == kind)
        .map(|f| text[f.span].to_string())
        .collect()
}

/// The single finding of `text`, panicking with the list otherwise.
pub fn one(text: &str) -> Finding {
    let v = scan(text);
    assert_eq!(v.len(), 1, "expected one finding in {text:?}, got {v:?}");
    v.into_iter().next().unwrap()
}

/// Asserts `text` has exactly one finding, of `kind`, whose value is `value`.
pub fn assert_one(text: &str, kind: Kind, value: &str) -> Confidence {
    let f = one(text);
    assert_eq!(f.kind, kind, "kind in {text:?}");
    assert_eq!(&text[f.span.clone()], value, "value in {text:?}");
    f.confidence
}

/// Asserts `text` has no finding.
pub fn assert_none(text: &str) {
    let v = scan(text);
    assert!(
        v.is_empty(),
        "expected no finding in {text:?}, got {:?}",
        v.iter()
            .map(|f| (f.kind, &text[f.span.clone()]))
            .collect::<Vec<_>>()
    );
}

/// A PEM private key block with a random body of `lines` lines of 64 characters.
pub fn pem(label: &str, lines: usize, seed: u64) -> String {
    let mut s = format!("-----BEGIN {label}-----\n");
    for i in 0..lines {
        s.push_str(&rand(seed + i as u64, 64, B64));
        s.push('\n');
    }
    s.push_str(&format!("-----END {label}-----"));
    s
}

/// base64url without padding.
pub fn b64url(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let n = chunk.len();
        let v = (chunk[0] as u32) << 16
            | (*chunk.get(1).unwrap_or(&0) as u32) << 8
            | *chunk.get(2).unwrap_or(&0) as u32;
        for i in 0..=n {
            out.push(B64URL[((v >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Standard base64 with padding.
pub fn b64std(data: &[u8]) -> String {
    let mut s: String = b64url(data)
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    while !s.len().is_multiple_of(4) {
        s.push('=');
    }
    s
}

/// A JWT with the given header and payload JSON and a random signature.
pub fn jwt(header: &str, payload: &str, seed: u64) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.as_bytes()),
        b64url(payload.as_bytes()),
        rand(seed, 43, B64URL)
    )
}
