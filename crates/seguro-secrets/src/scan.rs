//! The scanner: one Aho-Corasick anchor pass, a verifier per anchor, then overlap resolution.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

use crate::{Confidence, Finding, Kind, assign, providers};

/// Which verifier an anchor runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Aws,
    Github,
    Gitlab,
    Slack,
    SlackHook,
    Stripe,
    Npm,
    Pypi,
    Google,
    Pem,
    Sas,
    Jwt,
    Url,
    /// A word that names a secret (`pass`, `token`, `key` …): assignment verifier.
    Word,
    /// `mysql`/`mariadb` client: `-pVALUE`.
    Mysql,
    /// `docker login -p VALUE`.
    Login,
}

/// Anchors, matched ASCII case-insensitively; verifiers re-check the exact case where the
/// format is case-sensitive. Leftmost-first: no anchor may be a prefix of another one that
/// should also fire at the same place.
const ANCHORS: &[(&str, Anchor)] = &[
    ("akia", Anchor::Aws),
    ("asia", Anchor::Aws),
    ("abia", Anchor::Aws),
    ("acca", Anchor::Aws),
    ("ghp_", Anchor::Github),
    ("gho_", Anchor::Github),
    ("ghu_", Anchor::Github),
    ("ghs_", Anchor::Github),
    ("ghr_", Anchor::Github),
    ("github_pat_", Anchor::Github),
    ("glpat-", Anchor::Gitlab),
    ("glptt-", Anchor::Gitlab),
    ("gldt-", Anchor::Gitlab),
    ("glrt-", Anchor::Gitlab),
    ("xoxa-", Anchor::Slack),
    ("xoxb-", Anchor::Slack),
    ("xoxp-", Anchor::Slack),
    ("xoxr-", Anchor::Slack),
    ("hooks.slack.com/", Anchor::SlackHook),
    ("sk_live_", Anchor::Stripe),
    ("rk_live_", Anchor::Stripe),
    ("npm_", Anchor::Npm),
    ("pypi-ageichlwas5vcmc", Anchor::Pypi),
    ("aiza", Anchor::Google),
    ("-----begin ", Anchor::Pem),
    ("sig=", Anchor::Sas),
    ("eyj", Anchor::Jwt),
    ("://", Anchor::Url),
    ("pass", Anchor::Word),
    ("pwd", Anchor::Word),
    ("psw", Anchor::Word),
    ("pword", Anchor::Word),
    ("secret", Anchor::Word),
    ("token", Anchor::Word),
    ("key", Anchor::Word),
    ("auth", Anchor::Word),
    ("credential", Anchor::Word),
    ("creds", Anchor::Word),
    ("_pat", Anchor::Word),
    ("mysql", Anchor::Mysql),
    ("mariadb", Anchor::Mysql),
    ("login", Anchor::Login),
];

/// The anchors, matched case-sensitively on an ASCII-lower-cased copy of the text (same
/// byte offsets): a case-sensitive automaton can use aho-corasick's vectorised prefilter,
/// an ASCII-case-insensitive one cannot, and Dockerfiles are full of `key`, `auth`, `://`.
static AUTOMATON: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(AhoCorasickKind::DFA))
        .build(ANCHORS.iter().map(|(p, _)| p))
        .expect("anchor automaton builds")
});

/// Scanner state shared by the verifiers.
pub(crate) struct Ctx<'t> {
    pub text: &'t str,
    pub b: &'t [u8],
    pub out: Vec<Finding>,
    /// Start of the last identifier the assignment verifier looked at, so `SECRET_KEY`
    /// (two anchors) is judged once.
    pub last_ident_start: usize,
    /// Last search for `-----END `: where it started and what it found (`None`: no END
    /// line anywhere after that point). Keeps key-block verification linear.
    pub pem_end_cache: Option<(usize, Option<usize>)>,
    /// End of the last command whose arguments were parsed (`mysql`, `docker login`), so
    /// client names among those arguments do not parse them again.
    pub cmd_args_until: usize,
}

impl<'t> Ctx<'t> {
    /// Position of the first `-----END ` at or after `from`.
    pub fn next_pem_end(&mut self, from: usize) -> Option<usize> {
        if let Some((searched_from, found)) = self.pem_end_cache
            && from >= searched_from
            && found.is_none_or(|p| from <= p)
        {
            return found;
        }
        let found = crate::providers::find(&self.b[from..], b"-----END ").map(|p| from + p);
        self.pem_end_cache = Some((from, found));
        found
    }

    pub fn push(&mut self, kind: Kind, start: usize, end: usize, confidence: Confidence) {
        debug_assert!(self.text.is_char_boundary(start) && self.text.is_char_boundary(end));
        if start < end && self.text.is_char_boundary(start) && self.text.is_char_boundary(end) {
            self.out.push(Finding {
                kind,
                span: start..end,
                confidence,
            });
        }
    }
}

/// Finds every secret value in `text`.
///
/// Findings are sorted by span start and never overlap: when a provider-format finding and
/// a generic one ([`Kind::is_generic`]) overlap, the provider one is kept; otherwise the
/// longer span (then the higher confidence) wins. See the crate documentation for what is
/// recognised and the thresholds used.
///
/// Linear in the length of `text`; never panics.
pub fn scan(text: &str) -> Vec<Finding> {
    let mut ctx = Ctx {
        text,
        b: text.as_bytes(),
        out: Vec::new(),
        last_ident_start: usize::MAX,
        pem_end_cache: None,
        cmd_args_until: 0,
    };
    let n = text.len();
    let lower = text.to_ascii_lowercase();
    let mut pos = 0;
    while pos < n {
        let Some(m) = AUTOMATON.find(Input::new(&lower).span(pos..n)) else {
            break;
        };
        let (s, e) = (m.start(), m.end());
        let resume = match ANCHORS[m.pattern().as_usize()].1 {
            Anchor::Aws => providers::aws(&mut ctx, s),
            Anchor::Github => providers::github(&mut ctx, s),
            Anchor::Gitlab => providers::gitlab(&mut ctx, s, e),
            Anchor::Slack => providers::slack(&mut ctx, s),
            Anchor::SlackHook => providers::slack_hook(&mut ctx, s, e),
            Anchor::Stripe => providers::stripe(&mut ctx, s, e),
            Anchor::Npm => providers::npm(&mut ctx, s, e),
            Anchor::Pypi => providers::pypi(&mut ctx, s, e),
            Anchor::Google => providers::google(&mut ctx, s),
            Anchor::Pem => providers::pem(&mut ctx, s, e),
            Anchor::Sas => providers::sas(&mut ctx, s, e),
            Anchor::Jwt => providers::jwt(&mut ctx, s),
            Anchor::Url => providers::url(&mut ctx, s, e),
            Anchor::Word => assign::word(&mut ctx, s, e),
            Anchor::Mysql => assign::mysql(&mut ctx, s, e),
            Anchor::Login => assign::docker_login(&mut ctx, s, e),
        };
        pos = resume.max(e);
    }
    resolve(ctx.out)
}

/// Sorts findings and removes overlaps (see [`scan`]).
fn resolve(mut v: Vec<Finding>) -> Vec<Finding> {
    if v.len() < 2 {
        return v;
    }
    v.sort_by(|a, b| {
        a.span
            .start
            .cmp(&b.span.start)
            .then(b.span.end.cmp(&a.span.end))
    });
    let mut out: Vec<Finding> = Vec::with_capacity(v.len());
    for f in v {
        if let Some(last) = out.last_mut()
            && f.span.start < last.span.end
        {
            if better(&f, last) {
                *last = f;
            }
            continue;
        }
        out.push(f);
    }
    out
}

/// `true` when `a` should replace the overlapping `b`.
fn better(a: &Finding, b: &Finding) -> bool {
    match (a.kind.is_generic(), b.kind.is_generic()) {
        (false, true) => true,
        (true, false) => false,
        _ => {
            let (la, lb) = (a.span.len(), b.span.len());
            la > lb || (la == lb && a.confidence > b.confidence)
        }
    }
}

// ---- byte helpers shared by the verifiers ----

/// End of the run of bytes satisfying `pred` starting at `i`, stopping after `max` bytes.
pub(crate) fn run_end(b: &[u8], i: usize, max: usize, pred: impl Fn(u8) -> bool) -> usize {
    let lim = b.len().min(i.saturating_add(max));
    let mut j = i;
    while j < lim && pred(b[j]) {
        j += 1;
    }
    j
}

/// Start of the run of bytes satisfying `pred` ending at `i` (exclusive), at most `max`.
pub(crate) fn run_start(b: &[u8], i: usize, max: usize, pred: impl Fn(u8) -> bool) -> usize {
    let lim = i.saturating_sub(max);
    let mut j = i;
    while j > lim && pred(b[j - 1]) {
        j -= 1;
    }
    j
}

pub(crate) fn is_alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

pub(crate) fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

pub(crate) fn is_b64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

pub(crate) fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// Byte before `i`, or a space at the start of the text.
pub(crate) fn before(b: &[u8], i: usize) -> u8 {
    if i == 0 { b' ' } else { b[i - 1] }
}

/// Byte at `i`, or a space past the end.
pub(crate) fn at(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(b' ')
}

/// How far [`line_start`] and [`line_end`] look: verifiers never need more of a line, and the
/// bound keeps the scan linear on text without newlines.
pub(crate) const LINE_LOOK: usize = 1024;

/// Start of the line containing `i`, or a char boundary at most [`LINE_LOOK`] bytes back.
pub(crate) fn line_start(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let lo = i.saturating_sub(LINE_LOOK);
    match b[lo..i].iter().rposition(|&c| c == b'\n') {
        Some(p) => lo + p + 1,
        None => ceil_boundary(text, lo),
    }
}

/// End of the line containing `i` (the index of its `\n`, or the text length), or a char
/// boundary at most [`LINE_LOOK`] bytes ahead.
pub(crate) fn line_end(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let hi = b.len().min(i.saturating_add(LINE_LOOK));
    match b[i..hi].iter().position(|&c| c == b'\n') {
        Some(p) => i + p,
        None => floor_boundary(text, hi),
    }
}

/// Smallest char boundary of `text` that is `>= i`.
pub(crate) fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// Largest char boundary of `text` that is `<= i`.
pub(crate) fn floor_boundary(text: &str, mut i: usize) -> usize {
    if i >= text.len() {
        return text.len();
    }
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_are_lowercase_and_unique() {
        let mut seen = std::collections::HashSet::new();
        for (p, _) in ANCHORS {
            assert_eq!(*p, p.to_ascii_lowercase());
            assert!(seen.insert(*p), "{p}");
        }
    }

    #[test]
    fn resolve_prefers_specific() {
        let g = Finding {
            kind: Kind::SecretAssignment,
            span: 0..10,
            confidence: Confidence::High,
        };
        let s = Finding {
            kind: Kind::GithubToken,
            span: 0..10,
            confidence: Confidence::High,
        };
        assert_eq!(resolve(vec![g.clone(), s.clone()]), vec![s.clone()]);
        assert_eq!(resolve(vec![s.clone(), g]), vec![s]);
    }
}
