//! Invariants on generated input: reading, building and matching never panic, and the
//! matcher's answers agree with each other.

use seguro_context::{MatchInfo, Matcher, gopath, ignorefile};

/// A small deterministic generator (no external crate needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }

    fn text(&mut self, items: &[&str], max: usize) -> String {
        let n = (self.next() as usize) % (max + 1);
        (0..n).map(|_| self.pick(items)).collect()
    }
}

const PATTERN_BITS: &[&str] = &[
    "a",
    "b",
    "/",
    "*",
    "**",
    "?",
    "[",
    "]",
    "^",
    "-",
    "\\",
    "!",
    ".",
    "..",
    " ",
    "{",
    "}",
    "(",
    ")",
    "|",
    "$",
    "+",
    "\\d",
    "\\Q",
    "\\E",
    "\\p{L}",
    "[:alpha:]",
    "é",
    "\u{FEFF}",
    "#",
    "\n",
    "\r",
];
const PATH_BITS: &[&str] = &["a", "b", "/", ".", "*", "[", "]", "d", "7", "é", " ", "-"];

#[test]
fn never_panics() {
    let mut g = Lcg(0x5eed);
    for _ in 0..8_000 {
        let text = g.text(PATTERN_BITS, 12);
        let patterns = ignorefile::read(&text);
        let _ = ignorefile::try_read(&text);
        let _ = gopath::filepath_match(&text, &g.text(PATH_BITS, 8));
        let _ = gopath::clean(&text);
        let Ok(m) = Matcher::new(&patterns) else {
            continue;
        };
        for _ in 0..4 {
            let path = g.text(PATH_BITS, 10);
            let _ = m.matches(&path);
            let _ = m.matches_exact(&path);
            let whole = m.matches_or_parent_matches(&path);
            let no_context = m
                .matches_using_parent_results(&path, &MatchInfo::default())
                .map(|(b, _)| b);
            // Without parent information the incremental form is the plain one.
            assert_eq!(whole, no_context, "{patterns:?} {path:?}");
        }
    }
}

#[test]
fn incremental_equals_plain_without_exceptions() {
    // With no `!` exception, deciding from the parent's results gives the same answer as
    // testing every ancestor.
    let mut g = Lcg(42);
    let bits = ["a", "b", "*", "**", "?", "/", "[ab]", "c"];
    for _ in 0..5_000 {
        let patterns: Vec<String> = (0..1 + g.next() % 3).map(|_| g.text(&bits, 5)).collect();
        let Ok(m) = Matcher::new(&patterns) else {
            continue;
        };
        let segs: Vec<String> = (0..1 + g.next() % 4)
            .map(|_| g.text(&["a", "b", "c"], 2))
            .filter(|s| !s.is_empty())
            .collect();
        if segs.is_empty() {
            continue;
        }
        let mut info = MatchInfo::default();
        let mut prefix = String::new();
        for (i, s) in segs.iter().enumerate() {
            if i > 0 {
                prefix.push('/');
            }
            prefix.push_str(s);
            let Ok((got, next)) = m.matches_using_parent_results(&prefix, &info) else {
                break;
            };
            assert_eq!(
                Ok(got),
                m.matches_or_parent_matches(&prefix),
                "{patterns:?} {prefix}"
            );
            info = next;
        }
    }
}
