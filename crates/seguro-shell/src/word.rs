//! Words: the text as written, the static value after quote removal, and the substitutions inside.

use crate::lex::Scan;
use crate::span::{Span, Text};
use std::borrow::Cow;

/// One shell word (a command name, an argument, a redirect target, an assignment value).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// The word as written (for words inside `sh -c "…"` or backticks: as the inner shell
    /// sees it, after the outer quoting was removed).
    pub raw: String,
    /// The value after quote removal when it is static; `None` when the word contains a
    /// parameter expansion, a command substitution or arithmetic. Globs (`*`, `?`, `[…]`),
    /// braces and tildes are kept as written.
    pub value: Option<String>,
    /// Where the word is in the script.
    pub span: Span,
    /// Whether any part of the word was quoted or escaped.
    pub quoted: bool,
}

impl Word {
    /// The static value, or the raw text when the word is dynamic.
    #[must_use]
    pub fn text(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.raw)
    }

    /// Whether the word has a static value.
    #[must_use]
    pub fn is_static(&self) -> bool {
        self.value.is_some()
    }

    /// Whether the static value equals `s`.
    #[must_use]
    pub fn is(&self, s: &str) -> bool {
        self.value.as_deref() == Some(s)
    }

    /// The last path component of the static value (`/usr/bin/apt-get` gives `apt-get`).
    #[must_use]
    pub fn basename(&self) -> Option<&str> {
        self.value.as_deref().map(basename)
    }

    /// A word made of the bytes of `self` from byte `from` of its text on (used for
    /// attached flag values such as `-ofile` or `--output=file`).
    #[must_use]
    pub fn tail(&self, from_value: usize) -> Word {
        let value = self
            .value
            .as_deref()
            .and_then(|v| v.get(from_value..))
            .map(str::to_owned);
        // When the raw text maps byte for byte onto the span and the prefix was unquoted,
        // the tail has its own exact span; otherwise keep the whole word's span.
        let direct = self.raw.len() == self.span.len() as usize
            && self
                .value
                .as_deref()
                .is_some_and(|v| self.raw.starts_with(&v[..from_value.min(v.len())]));
        let (raw, span) = if direct && self.raw.is_char_boundary(from_value) {
            (
                self.raw[from_value..].to_owned(),
                Span::new(self.span.start + from_value as u32, self.span.end),
            )
        } else {
            (value.clone().unwrap_or_else(|| self.raw.clone()), self.span)
        };
        Word {
            raw,
            value,
            span,
            quoted: self.quoted,
        }
    }
}

/// Last path component of `s`.
#[must_use]
pub fn basename(s: &str) -> &str {
    // A byte loop: rules ask for the program name of every command many times, and
    // `rfind` goes through `memrchr`, whose set-up costs more than these short words.
    s.as_bytes()
        .iter()
        .rposition(|&b| b == b'/')
        .map_or(s, |i| &s[i + 1..])
}

/// Kind of a substitution found inside a word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SubKind {
    /// `$( … )`
    Dollar,
    /// `` ` … ` ``
    Backtick,
    /// `<( … )`
    ProcIn,
    /// `>( … )`
    ProcOut,
}

/// A substitution inside a word: its kind and its body as a text to parse.
pub(crate) struct Sub {
    pub(crate) kind: SubKind,
    pub(crate) body: Text,
}

/// What the scanner found in a word.
pub(crate) struct Scanned<'t> {
    pub(crate) word: Word,
    pub(crate) subs: Vec<Sub>,
    /// How to build the word after quote removal, expansions kept verbatim (the text a
    /// nested shell sees for `sh -c WORD`): see [`Unquoted::text`].
    pub(crate) unquoted: Unquoted<'t>,
    pub(crate) has_arith: bool,
}

/// The unquoted form of a scanned word, built on demand: only `sh -c` script words need
/// it, and its byte map costs more than the scan of the word.
pub(crate) enum Unquoted<'t> {
    /// Bytes `a..b` of the text, as they are.
    Slice(usize, usize),
    /// Pieces of the text (`local_range`, what the range stands for) up to `end`.
    Pieces(Pieces<'t>, usize),
}

impl Unquoted<'_> {
    /// The unquoted word as a text mapped back to the script.
    pub(crate) fn text(&self, text: &Text) -> Text {
        match self {
            Unquoted::Slice(a, b) => text.slice(*a, *b),
            Unquoted::Pieces(pieces, end) => {
                let refs: Vec<(usize, usize, &str)> = pieces
                    .iter()
                    .map(|(x, y, t)| (*x, *y, t.as_ref()))
                    .collect();
                text.derived(&refs, *end)
            }
        }
    }
}

/// Analyses the word at `a..b` of `text`.
pub(crate) fn scan(text: &Text, a: usize, b: usize) -> Scanned<'_> {
    scan_at(text, a, b, 0)
}

/// Deepest `${ … }` nesting searched for substitutions.
const MAX_PARAM_NESTING: usize = 8;

fn scan_at(text: &Text, a: usize, b: usize, depth: usize) -> Scanned<'_> {
    let s = &text.s;
    let b = b.min(s.len());
    let a = a.min(b);
    let bytes = s.as_bytes();
    if let Some(plain) = s.get(a..b).filter(|w| {
        !w.bytes()
            .any(|c| matches!(c, b'\\' | b'\'' | b'"' | b'$' | b'`' | b'<' | b'>'))
    }) {
        // nothing to remove or expand: the fast path
        return Scanned {
            word: Word {
                raw: plain.to_owned(),
                value: Some(plain.to_owned()),
                span: text.map_range(a, b),
                quoted: false,
            },
            subs: Vec::new(),
            unquoted: Unquoted::Slice(a, b),
            has_arith: false,
        };
    }
    let mut sc = Scan::new(s);
    let mut pieces: Pieces<'_> = Vec::new();
    let mut dynamic = false;
    let mut quoted = false;
    let mut has_arith = false;
    let mut subs = Vec::new();
    let mut lit_start = a;
    let mut i = a;

    // Flushes the literal run `lit_start..upto`.
    fn flush<'t>(pieces: &mut Pieces<'t>, s: &'t str, from: usize, to: usize) {
        if to > from
            && let Some(t) = s.get(from..to)
        {
            pieces.push((from, to, Cow::Borrowed(t)));
        }
    }

    while i < b {
        match bytes[i] {
            b'\\' => {
                flush(&mut pieces, s, lit_start, i);
                quoted = true;
                let ch_end = next_char_end(s, i + 1).min(b);
                if bytes.get(i + 1) != Some(&b'\n')
                    && let Some(t) = s.get(i + 1..ch_end)
                {
                    pieces.push((i, ch_end, Cow::Borrowed(t)));
                }
                i = ch_end.max(i + 1);
                lit_start = i;
            }
            b'\'' => {
                flush(&mut pieces, s, lit_start, i);
                quoted = true;
                let end = sc.skip_single(i + 1).min(b);
                let inner_end = if bytes.get(end.wrapping_sub(1)) == Some(&b'\'') && end > i + 1 {
                    end - 1
                } else {
                    end
                };
                flush(&mut pieces, s, i + 1, inner_end);
                i = end.max(i + 1);
                lit_start = i;
            }
            b'"' => {
                flush(&mut pieces, s, lit_start, i);
                quoted = true;
                i = scan_double(
                    text,
                    &mut sc,
                    (i + 1, b),
                    &mut pieces,
                    &mut subs,
                    (&mut dynamic, &mut has_arith),
                    depth,
                );
                lit_start = i;
            }
            b'`' => {
                flush(&mut pieces, s, lit_start, i);
                let end = sc.skip_backtick(i + 1, 1).min(b);
                subs.push(backtick_sub(text, i + 1, end, false));
                if let Some(t) = s.get(i..end) {
                    pieces.push((i, end, Cow::Borrowed(t)));
                }
                dynamic = true;
                i = end.max(i + 1);
                lit_start = i;
            }
            b'$' => {
                let end = sc.skip_dollar(i, 1).min(b);
                if end == i + 1 && !starts_param(bytes.get(i + 1).copied()) {
                    i += 1; // a literal `$`
                    continue;
                }
                flush(&mut pieces, s, lit_start, i);
                match bytes.get(i + 1) {
                    Some(b'\'') => {
                        quoted = true;
                        let inner_end = if end >= i + 3 { end - 1 } else { end };
                        let v = ansi_c(s.get(i + 2..inner_end).unwrap_or(""));
                        pieces.push((i, end, Cow::Owned(v)));
                    }
                    Some(b'"') => {
                        quoted = true;
                        i = scan_double(
                            text,
                            &mut sc,
                            (i + 2, b),
                            &mut pieces,
                            &mut subs,
                            (&mut dynamic, &mut has_arith),
                            depth,
                        );
                        lit_start = i;
                        continue;
                    }
                    _ => {
                        dynamic = true;
                        add_dollar_sub(text, i, end, &mut subs, &mut has_arith, depth);
                        if let Some(t) = s.get(i..end) {
                            pieces.push((i, end, Cow::Borrowed(t)));
                        }
                    }
                }
                i = end.max(i + 1);
                lit_start = i;
            }
            c @ (b'<' | b'>') if i == a && bytes.get(i + 1) == Some(&b'(') => {
                let end = sc.skip_parens(i + 2, 1, 1).min(b);
                let inner_end = if bytes.get(end.wrapping_sub(1)) == Some(&b')') {
                    end - 1
                } else {
                    end
                };
                subs.push(Sub {
                    kind: if c == b'<' {
                        SubKind::ProcIn
                    } else {
                        SubKind::ProcOut
                    },
                    body: text.slice(i + 2, inner_end.max(i + 2)),
                });
                if let Some(t) = s.get(i..end) {
                    pieces.push((i, end, Cow::Borrowed(t)));
                }
                dynamic = true;
                i = end.max(i + 1);
                lit_start = i;
            }
            _ => i += 1,
        }
    }
    flush(&mut pieces, s, lit_start, b);
    let value = (!dynamic).then(|| pieces.iter().map(|(_, _, t)| t.as_ref()).collect());
    let unquoted = Unquoted::Pieces(pieces, b);
    Scanned {
        word: Word {
            raw: s.get(a..b).unwrap_or("").to_owned(),
            value,
            span: text.map_range(a, b),
            quoted,
        },
        subs,
        unquoted,
        has_arith,
    }
}

fn starts_param(c: Option<u8>) -> bool {
    matches!(c, Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' | b'{' | b'(' | b'[' | b'\'' | b'"'))
}

fn next_char_end(s: &str, i: usize) -> usize {
    let mut j = i + 1;
    while j < s.len() && !s.is_char_boundary(j) {
        j += 1;
    }
    j.min(s.len())
}

fn add_dollar_sub(
    text: &Text,
    i: usize,
    end: usize,
    subs: &mut Vec<Sub>,
    has_arith: &mut bool,
    depth: usize,
) {
    let b = text.s.as_bytes();
    if b.get(i + 1) == Some(&b'(') {
        if b.get(i + 2) == Some(&b'(') {
            *has_arith = true;
        } else {
            let inner_end = if b.get(end.wrapping_sub(1)) == Some(&b')') && end > i + 2 {
                end - 1
            } else {
                end
            };
            subs.push(Sub {
                kind: SubKind::Dollar,
                body: text.slice(i + 2, inner_end),
            });
        }
    } else if b.get(i + 1) == Some(&b'{') && depth < MAX_PARAM_NESTING {
        // `${x:-$(cmd)}`: look for substitutions inside the braces
        let inner = text.slice(i + 2, end.saturating_sub(1).max(i + 2));
        let sc = scan_at(&inner, 0, inner.s.len(), depth + 1);
        subs.extend(sc.subs);
        *has_arith |= sc.has_arith;
    }
}

/// A backtick body `a..b` (without the backticks), with `\\`, `` \` `` and `\$` unescaped
/// (and `\"` inside double quotes).
fn backtick_sub(text: &Text, a: usize, b: usize, in_double: bool) -> Sub {
    let s = &text.s;
    let end = if s.as_bytes().get(b.wrapping_sub(1)) == Some(&b'`') && b > a {
        b - 1
    } else {
        b
    };
    let bytes = s.as_bytes();
    let mut pieces: Vec<(usize, usize, &str)> = Vec::new();
    let mut i = a;
    let mut lit = a;
    while i < end {
        if bytes[i] == b'\\' && matches!(bytes.get(i + 1), Some(b'\\' | b'`' | b'$'))
            || (in_double && bytes[i] == b'\\' && bytes.get(i + 1) == Some(&b'"'))
        {
            if i > lit {
                pieces.push((lit, i, &s[lit..i]));
            }
            pieces.push((i, i + 2, &s[i + 1..i + 2]));
            i += 2;
            lit = i;
        } else {
            i += 1;
        }
    }
    if end > lit
        && let Some(t) = s.get(lit..end)
    {
        pieces.push((lit, end, t));
    }
    Sub {
        kind: SubKind::Backtick,
        body: text.derived(&pieces, end),
    }
}

/// Pieces of a text: (local range, what the range stands for), borrowed from the text
/// unless an escape was decoded.
type Pieces<'t> = Vec<(usize, usize, Cow<'t, str>)>;

fn scan_double<'t>(
    text: &'t Text,
    sc: &mut Scan<'_>,
    (mut i, b): (usize, usize),
    pieces: &mut Pieces<'t>,
    subs: &mut Vec<Sub>,
    (dynamic, has_arith): (&mut bool, &mut bool),
    depth: usize,
) -> usize {
    let s = &text.s;
    let bytes = s.as_bytes();
    let mut lit = i;
    let flush = |pieces: &mut Pieces<'t>, from: usize, to: usize| {
        if to > from
            && let Some(t) = s.get(from..to)
        {
            pieces.push((from, to, Cow::Borrowed(t)));
        }
    };
    while i < b {
        match bytes[i] {
            b'"' => {
                flush(pieces, lit, i);
                return i + 1;
            }
            b'\\' if matches!(bytes.get(i + 1), Some(b'$' | b'`' | b'"' | b'\\' | b'\n')) => {
                flush(pieces, lit, i);
                if bytes[i + 1] != b'\n' {
                    pieces.push((i, i + 2, Cow::Borrowed(&s[i + 1..i + 2])));
                }
                i += 2;
                lit = i;
            }
            b'\\' => i = next_char_end(s, i + 1),
            b'`' => {
                flush(pieces, lit, i);
                let end = sc.skip_backtick(i + 1, 1).min(b);
                subs.push(backtick_sub(text, i + 1, end, true));
                if let Some(t) = s.get(i..end) {
                    pieces.push((i, end, Cow::Borrowed(t)));
                }
                *dynamic = true;
                i = end.max(i + 1);
                lit = i;
            }
            b'$' => {
                let end = sc.skip_dollar(i, 1).min(b);
                if end == i + 1 && !starts_param(bytes.get(i + 1).copied())
                    || matches!(bytes.get(i + 1), Some(b'\'' | b'"'))
                {
                    i += 1;
                    continue;
                }
                flush(pieces, lit, i);
                *dynamic = true;
                add_dollar_sub(text, i, end, subs, has_arith, depth);
                if let Some(t) = s.get(i..end) {
                    pieces.push((i, end, Cow::Borrowed(t)));
                }
                i = end.max(i + 1);
                lit = i;
            }
            _ => i += 1,
        }
    }
    flush(pieces, lit, b.min(i));
    b.min(i)
}

/// Decodes the body of a `$'…'` string (common escapes only).
fn ansi_c(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('e' | 'E') => out.push('\u{1b}'),
            Some('a') => out.push('\u{7}'),
            Some('0') => out.push('\0'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Scanned<'static> {
        // The scan borrows from its text; a test may keep it for good.
        let t: &'static Text = Box::leak(Box::new(Text::root(s)));
        scan(t, 0, s.len())
    }

    #[test]
    fn values() {
        assert_eq!(w("abc").word.value.as_deref(), Some("abc"));
        assert_eq!(w("'a b'c").word.value.as_deref(), Some("a bc"));
        assert_eq!(w("\"a\\\"b\\x\"").word.value.as_deref(), Some("a\"b\\x"));
        assert_eq!(w("a\\ b").word.value.as_deref(), Some("a b"));
        assert_eq!(w("pkg=1.*").word.value.as_deref(), Some("pkg=1.*"));
        assert_eq!(w("$'a\\nb'").word.value.as_deref(), Some("a\nb"));
        assert_eq!(w("a$").word.value.as_deref(), Some("a$"));
        assert_eq!(w("$HOME/x").word.value, None);
        assert_eq!(w("\"${A}\"").word.value, None);
        assert!(w("'x'").word.quoted);
    }

    #[test]
    fn substitutions() {
        let s = "x$(curl -s \"u\")y`echo \\`hi\\``";
        let r = w(s);
        assert_eq!(r.word.value, None);
        assert_eq!(r.subs.len(), 2);
        assert_eq!(r.subs[0].body.s, "curl -s \"u\"");
        assert_eq!(r.subs[0].body.map_range(0, 4), Span::new(3, 7));
        assert_eq!(r.subs[1].kind, SubKind::Backtick);
        assert_eq!(r.subs[1].body.s, "echo `hi`");
        let r = w("\"$(sha256sum f | cut -d' ' -f1)\"");
        assert_eq!(r.subs.len(), 1);
        assert_eq!(r.subs[0].body.s, "sha256sum f | cut -d' ' -f1");
        let r = w("<(curl x)");
        assert_eq!(r.subs[0].kind, SubKind::ProcIn);
        assert_eq!(r.subs[0].body.s, "curl x");
        let r = w("${X:-$(date)}");
        assert_eq!(r.subs[0].body.s, "date");
    }

    #[test]
    fn unquoted_text_maps_back() {
        let s = "\"apt-get install -y \\\"a b\\\"\"";
        let r = w(s);
        let unquoted = r.unquoted.text(&Text::root(s));
        assert_eq!(unquoted.s, "apt-get install -y \"a b\"");
        let sp = unquoted.map_range(19, 20);
        assert_eq!(sp.slice(s), "\\\"");
    }
}
