//! Masking never shows more than documented: a property test over random strings, and
//! `mask_in` over texts with findings.

mod common;

use common::*;
use seguro_secrets::{Confidence, Finding, Kind, MASK, mask, mask_in, scan};

/// Pieces random strings are built from: provider prefixes, armour lines, ASCII, multi-byte
/// characters, separators.
const PIECES: &[&str] = &[
    "ghp_",
    "github_pat_",
    "AKIA",
    "xoxb-",
    "glpat-",
    "sk_live_",
    "npm_",
    "pypi-",
    "AIza",
    "eyJ",
    "-----BEGIN ",
    "RSA PRIVATE KEY",
    "-----",
    "\n",
    "a",
    "Z",
    "7",
    "/",
    "=",
    "*",
    "é",
    "€",
    "𝄞",
    "日本",
    " ",
    "****",
];

fn random_string(r: &mut Rng) -> String {
    let n = r.below(24);
    let mut s = String::new();
    for _ in 0..n {
        if r.below(3) == 0 {
            s.push_str(PIECES[r.below(PIECES.len())]);
        } else {
            s.push(ALNUM[r.below(ALNUM.len())] as char);
        }
    }
    s
}

/// The documented invariant: `mask(s)` is a prefix of `s` followed by `****`, and the prefix
/// is at most a quarter of `s`'s characters, and at most 4 characters unless it is a
/// provider prefix or a key armour line.
fn check(s: &str) {
    let m = mask(s);
    assert!(m.ends_with(MASK), "{s:?} -> {m:?}");
    let shown = &m[..m.len() - MASK.len()];
    assert!(s.starts_with(shown), "{s:?} -> {m:?}");
    let (shown_n, total) = (shown.chars().count(), s.chars().count());
    assert!(
        shown_n * 4 <= total,
        "{s:?} -> {m:?}: shows {shown_n} of {total}"
    );
    if shown_n > 4 {
        let armour = shown.starts_with("-----BEGIN ") && shown.ends_with("-----");
        let prefix = [
            "github_pat_",
            "sk_live_",
            "rk_live_",
            "glpat-",
            "glptt-",
            "xoxb-",
            "pypi-",
        ]
        .contains(&shown);
        assert!(armour || prefix, "{s:?} -> {m:?}");
    }
    if total < 16 {
        // Short values: only a provider prefix may show, and only within 25 %.
        assert!(shown.is_empty() || shown_n * 4 <= total);
    }
}

#[test]
fn mask_property_random_strings() {
    let mut r = Rng::new(2024);
    for _ in 0..20_000 {
        check(&random_string(&mut r));
    }
}

#[test]
fn mask_property_real_shapes() {
    for i in 0..200u64 {
        for s in [
            fake("ghp_", 36, ALNUM, i),
            fake("AKIA", 16, UPPER_DIGITS, i),
            fake("xoxb-", 40, ALNUM, i),
            rand(i, (i % 40) as usize, B64),
            pem("RSA PRIVATE KEY", (i % 5) as usize, i),
            jwt(r#"{"alg":"HS256"}"#, r#"{"a":1}"#, i),
        ] {
            check(&s);
        }
    }
}

#[test]
fn mask_edges() {
    for s in [
        "",
        "a",
        "ab",
        "ghp_",
        "ghp_a",
        "AKIA",
        "-----BEGIN ",
        "é",
        "𝄞𝄞𝄞𝄞",
    ] {
        check(s);
        assert_eq!(mask(s), MASK, "{s:?}");
    }
    // Exactly 16 characters: 4 shown (25 %).
    assert_eq!(mask("abcdefghijklmnop"), "abcd****");
    // 15 characters: nothing shown.
    assert_eq!(mask("abcdefghijklmno"), MASK);
}

#[test]
fn mask_in_hides_every_finding() {
    let gh = fake("ghp_", 36, ALNUM, 1);
    let pw = rand(2, 20, ALNUM);
    let key = pem("OPENSSH PRIVATE KEY", 4, 3);
    let text = format!(
        "ENV GITHUB_TOKEN={gh}\nRUN git clone https://ci:{pw}@git.corp.io/r.git\nCOPY <<EOF /k\n{key}\nEOF\n"
    );
    let f = scan(&text);
    assert_eq!(f.len(), 3, "{f:?}");
    let masked = mask_in(&text, &f);
    assert!(!masked.contains(&gh));
    assert!(!masked.contains(&pw));
    assert!(!masked.contains(&key[40..]));
    assert!(masked.contains("ENV GITHUB_TOKEN=ghp_****\n"));
    assert!(masked.contains(&format!("https://ci:{}****@git.corp.io", &pw[..4])));
    assert!(masked.contains("-----BEGIN OPENSSH PRIVATE KEY-----****\nEOF"));
    // Nothing to mask: unchanged.
    assert_eq!(mask_in("FROM scratch\n", &[]), "FROM scratch\n");
}

#[test]
fn mask_in_tolerates_bad_spans() {
    let text = "é secret é";
    let bogus = |span: std::ops::Range<usize>| Finding {
        kind: Kind::SecretAssignment,
        span,
        confidence: Confidence::Medium,
    };
    // Out of range, not on a char boundary, empty, reversed: ignored.
    #[allow(clippy::reversed_empty_ranges)]
    let f = [bogus(0..100), bogus(1..3), bogus(3..3), bogus(5..4)];
    assert_eq!(mask_in(text, &f), text);
    // Overlapping spans are merged.
    let f = [bogus(3..9), bogus(5..12)];
    assert_eq!(mask_in(text, &f), "é ****");
}
