//! `scan` never panics, keeps spans on char boundaries inside the text, returns sorted
//! disjoint findings, and stays linear on adversarial input.

mod common;

use std::time::{Duration, Instant};

use common::*;
use seguro_secrets::{
    arg_env_is_secret, mask, mask_in, scan, scan_file_content, secret_file_kind, secret_like_name,
    value_is_plainly_public,
};

fn check_invariants(text: &str) {
    let f = scan(text);
    for x in &f {
        assert!(x.span.start < x.span.end, "{x:?}");
        assert!(x.span.end <= text.len(), "{x:?}");
        assert!(text.is_char_boundary(x.span.start) && text.is_char_boundary(x.span.end));
    }
    for w in f.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "{f:?}");
    }
    let _ = mask_in(text, &f);
}

/// Fragments that drive every verifier down its paths, mixed with multi-byte characters.
const FRAGMENTS: &[&str] = &[
    "AKIA",
    "ASIA",
    "ghp_",
    "github_pat_",
    "glpat-",
    "xoxb-",
    "hooks.slack.com/",
    "services/T",
    "/B",
    "sk_live_",
    "npm_",
    "pypi-AgEIcHlwaS5vcmc",
    "AIza",
    "-----BEGIN ",
    "PRIVATE KEY",
    "-----END ",
    "-----",
    "sig=",
    "sv=",
    "eyJ",
    ".",
    "://",
    "@",
    ":",
    "=",
    "\"",
    "'",
    "\\",
    "\\n",
    "\n",
    " ",
    "\t",
    "$",
    "{",
    "}",
    "(",
    ")",
    "password",
    "PASSWORD",
    "secret",
    "token",
    "_KEY",
    "api",
    "auth",
    "Authorization",
    "Bearer ",
    "Basic ",
    "mysql",
    " -p",
    "docker",
    " login",
    "echo ",
    "|",
    "chpasswd",
    "ENV ",
    "machine ",
    "login ",
    "AccountKey",
    "é",
    "€",
    "𝄞",
    "\u{200b}",
    "\u{feff}",
    "A",
    "z",
    "0",
    "+",
    "/",
    "-",
    "_",
];

fn random_text(r: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for _ in 0..n {
        match r.below(4) {
            0 => s.push_str(&rand(r.next(), 1 + r.below(40), B64)),
            _ => s.push_str(FRAGMENTS[r.below(FRAGMENTS.len())]),
        }
    }
    s
}

#[test]
fn random_fragment_soup() {
    let mut r = Rng::new(7);
    for _ in 0..3_000 {
        let n = r.below(60);
        let t = random_text(&mut r, n);
        check_invariants(&t);
    }
}

#[test]
fn random_bytes_lossy_and_raw() {
    let mut r = Rng::new(11);
    for _ in 0..2_000 {
        let n = r.below(300);
        let bytes: Vec<u8> = (0..n).map(|_| (r.next() >> 24) as u8).collect();
        let lossy = String::from_utf8_lossy(&bytes);
        check_invariants(&lossy);
        let max = r.below(n + 1);
        for f in scan_file_content(&bytes, max) {
            assert!(f.span.end <= max.min(bytes.len()));
        }
    }
}

#[test]
fn every_prefix_and_suffix_of_secret_texts() {
    let text = format!(
        "ENV A={} B={}\nRUN curl -H \"Authorization: Bearer {}\" https://u:{}@h.io/ && mysql -p{}\n{}\n{}é\n",
        fake("ghp_", 36, ALNUM, 1),
        fake("AKIA", 16, UPPER_DIGITS, 2),
        rand(3, 30, ALNUM),
        rand(4, 20, ALNUM),
        rand(5, 20, ALNUM),
        pem("RSA PRIVATE KEY", 3, 6),
        jwt(r#"{"alg":"RS256"}"#, r#"{"sub":"é"}"#, 7),
    );
    for (i, _) in text.char_indices() {
        check_invariants(&text[..i]);
        check_invariants(&text[i..]);
    }
}

#[test]
fn other_entry_points_never_panic() {
    let mut r = Rng::new(13);
    for _ in 0..3_000 {
        let n = r.below(20);
        let t = random_text(&mut r, n);
        let _ = mask(&t);
        let _ = secret_file_kind(&t);
        let _ = secret_like_name(&t);
        let _ = value_is_plainly_public(&t);
        let _ = arg_env_is_secret(&t, Some(&t));
        let _ = arg_env_is_secret(&t, None);
    }
}

/// Each adversarial text (256 KiB) must scan in well under the limit even in a debug build
/// on a loaded machine: every verifier looks at a bounded window (or, for key blocks,
/// reuses its END search), so the cost is linear; a quadratic verifier would take minutes.
#[test]
fn adversarial_inputs_stay_linear() {
    let mb = 1 << 18;
    let cases: Vec<String> = vec![
        "-----BEGIN RSA PRIVATE KEY-----".repeat(mb / 31),
        format!("-----BEGIN RSA PRIVATE KEY-----\n{}", "A".repeat(mb)),
        "eyJ".repeat(mb / 3),
        "eyJhbGciOiJIUzI1NiJ9.".repeat(mb / 21),
        "://".repeat(mb / 3),
        format!("a://{}", "x".repeat(mb)),
        "password x ".repeat(mb / 11),
        "PASSWORD=".repeat(mb / 9),
        "ENV password ".repeat(mb / 13),
        "AKIA".repeat(mb / 4),
        format!("AKIA{}", "B".repeat(16)).repeat(mb / 20),
        "mysql -p".repeat(mb / 8),
        "docker login -p ".repeat(mb / 16),
        "echo a:b | chpasswd ".repeat(mb / 20),
        "sig=".repeat(mb / 4),
        "key".repeat(mb / 3),
        "\"".repeat(mb),
        format!("password=\"{}", "a".repeat(mb)),
        "é".repeat(mb / 2),
        "machine login password x ".repeat(mb / 25),
    ];
    for t in cases {
        let start = Instant::now();
        check_invariants(&t);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{:?}… took {took:?}",
            &t[..t.len().min(40)]
        );
    }
}
