//! Reads a regular expression in Go's RE2 syntax (as `regexp.Compile` does) and writes an
//! equivalent one for the `regex` crate.
//!
//! patternmatcher turns each `.dockerignore` pattern into a Go regexp and lets Go parse it:
//! `[`, `]` and backslash escapes from the pattern reach Go's parser untouched. The two
//! syntaxes differ in classes (`[[^/]*]` is one class in Go, a nested one here; `&&`,
//! `--`, `~~` are operators here), in the ASCII-only `\d \s \w \b` of Go, in `\Q…\E` and
//! in what is an error. So the Go text is parsed here by Go's rules and every construct is
//! written out unambiguously: literals and class members as `\x{…}`, classes as explicit
//! ranges.

/// Translates a Go regexp (flags as `regexp.Compile`: Perl syntax, one-line, `.` not
/// matching `\n`, case-sensitive) into `regex` crate syntax with the same meaning.
///
/// Returns an error text where Go's parser would reject the expression.
pub(crate) fn to_rust(go: &str) -> Result<String, String> {
    let mut p = Parser {
        s: go.chars().collect(),
        i: 0,
        out: String::with_capacity(go.len() * 2),
        depth: 0,
    };
    p.run()?;
    Ok(p.out)
}

struct Parser {
    s: Vec<char>,
    i: usize,
    out: String,
    depth: usize,
}

/// What the last item written was, for the repetition checks Go makes.
#[derive(Clone, Copy, PartialEq)]
enum Last {
    Nothing,
    Atom,
    Repeat,
}

const POSIX: &[(&str, &[(u32, u32)])] = &[
    ("alnum", &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A)]),
    ("alpha", &[(0x41, 0x5A), (0x61, 0x7A)]),
    ("ascii", &[(0x00, 0x7F)]),
    ("blank", &[(0x09, 0x09), (0x20, 0x20)]),
    ("cntrl", &[(0x00, 0x1F), (0x7F, 0x7F)]),
    ("digit", &[(0x30, 0x39)]),
    ("graph", &[(0x21, 0x7E)]),
    ("lower", &[(0x61, 0x7A)]),
    ("print", &[(0x20, 0x7E)]),
    (
        "punct",
        &[(0x21, 0x2F), (0x3A, 0x40), (0x5B, 0x60), (0x7B, 0x7E)],
    ),
    ("space", &[(0x09, 0x0D), (0x20, 0x20)]),
    ("upper", &[(0x41, 0x5A)]),
    (
        "word",
        &[(0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0x5F, 0x5F)],
    ),
    ("xdigit", &[(0x30, 0x39), (0x41, 0x46), (0x61, 0x66)]),
];

const PERL_D: &[(u32, u32)] = &[(0x30, 0x39)];
const PERL_S: &[(u32, u32)] = &[(0x09, 0x0A), (0x0C, 0x0D), (0x20, 0x20)];
const PERL_W: &[(u32, u32)] = &[(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)];

/// Go's Unicode general categories (`\pL`, `\p{Lu}` …).
const CATEGORIES: &[&str] = &[
    "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N",
    "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So",
    "Z", "Zl", "Zp", "Zs",
];

fn hex(c: u32) -> String {
    format!("\\x{{{c:X}}}")
}

fn push_ranges(out: &mut String, ranges: &[(u32, u32)]) {
    for &(lo, hi) in ranges {
        out.push_str(&hex(lo));
        if hi != lo {
            out.push('-');
            out.push_str(&hex(hi));
        }
    }
}

fn perl_class(c: char) -> Option<(&'static [(u32, u32)], bool)> {
    match c {
        'd' => Some((PERL_D, false)),
        'D' => Some((PERL_D, true)),
        's' => Some((PERL_S, false)),
        'S' => Some((PERL_S, true)),
        'w' => Some((PERL_W, false)),
        'W' => Some((PERL_W, true)),
        _ => None,
    }
}

impl Parser {
    fn peek(&self, k: usize) -> Option<char> {
        self.s.get(self.i + k).copied()
    }

    fn literal(&mut self, c: u32) {
        match char::from_u32(c) {
            Some(ch) if ch.is_ascii_alphanumeric() => self.out.push(ch),
            Some(_) => self.out.push_str(&hex(c)),
            // A surrogate can never occur in text: Go accepts it and never matches.
            None => self.out.push_str("[^\\x{0}-\\x{10FFFF}]"),
        }
    }

    fn run(&mut self) -> Result<(), String> {
        let mut last = Last::Nothing;
        while let Some(c) = self.peek(0) {
            match c {
                '(' => {
                    if self.peek(1) == Some('?') {
                        return Err("group flags are not supported".into());
                    }
                    self.i += 1;
                    self.depth += 1;
                    self.out.push_str("(?:");
                    last = Last::Nothing;
                }
                ')' => {
                    if self.depth == 0 {
                        return Err("unexpected )".into());
                    }
                    self.i += 1;
                    self.depth -= 1;
                    self.out.push(')');
                    last = Last::Atom;
                }
                '|' => {
                    self.i += 1;
                    self.out.push('|');
                    last = Last::Nothing;
                }
                '^' => {
                    self.i += 1;
                    self.out.push_str("(?:\\A)");
                    last = Last::Atom;
                }
                '$' => {
                    self.i += 1;
                    self.out.push_str("(?:\\z)");
                    last = Last::Atom;
                }
                '.' => {
                    self.i += 1;
                    self.out.push_str("[^\\n]");
                    last = Last::Atom;
                }
                '[' => {
                    self.class()?;
                    last = Last::Atom;
                }
                '*' | '+' | '?' => {
                    self.i += 1;
                    self.repeat(&c.to_string(), &mut last)?;
                }
                '{' => {
                    if let Some(found) = self.brace_repeat() {
                        let (text, len) = found?;
                        self.i += len;
                        self.repeat(&text, &mut last)?;
                    } else {
                        self.i += 1;
                        self.literal(u32::from('{'));
                        last = Last::Atom;
                    }
                }
                '\\' => {
                    if self.escape_outside()? {
                        last = Last::Atom;
                    }
                }
                _ => {
                    self.i += 1;
                    self.literal(u32::from(c));
                    last = Last::Atom;
                }
            }
        }
        if self.depth != 0 {
            return Err("missing closing )".into());
        }
        Ok(())
    }

    fn repeat(&mut self, op: &str, last: &mut Last) -> Result<(), String> {
        match *last {
            Last::Nothing => return Err(format!("missing argument to repetition operator: {op}")),
            Last::Repeat => return Err(format!("invalid nested repetition operator: {op}")),
            Last::Atom => {}
        }
        self.out.push_str(op);
        if self.peek(0) == Some('?') {
            self.i += 1;
            self.out.push('?');
        }
        *last = Last::Repeat;
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: `None` if the brace is a literal, an
    /// error for counts Go refuses (above 1000, or max below min).
    fn brace_repeat(&self) -> Option<Result<(String, usize), String>> {
        let rest: String = self.s[self.i..].iter().collect();
        let end = rest.find('}')?;
        let inner = &rest[1..end];
        let (lo, hi) = match inner.split_once(',') {
            Some((lo, hi)) => (lo, Some(hi)),
            None => (inner, None),
        };
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(lo) || hi.is_some_and(|h| !h.is_empty() && !digits(h)) {
            return None;
        }
        let count = |t: &str| t.parse::<u64>().unwrap_or(u64::MAX);
        let lo_n = count(lo);
        let hi_n = hi.filter(|h| !h.is_empty()).map(count);
        if lo_n > 1000 || hi_n.is_some_and(|h| h > 1000 || h < lo_n) {
            return Some(Err(format!("invalid repeat count: {}", &rest[..=end])));
        }
        Some(Ok((rest[..=end].to_string(), rest[..=end].chars().count())))
    }

    /// An escape outside a class. Returns whether it produced an atom.
    fn escape_outside(&mut self) -> Result<bool, String> {
        let Some(c) = self.peek(1) else {
            return Err("trailing backslash at end of expression".into());
        };
        let fixed = match c {
            'A' => Some("(?:\\A)"),
            'z' => Some("(?:\\z)"),
            'b' => Some("(?:(?-u:\\b))"),
            'B' => Some("(?:(?-u:\\B))"),
            _ => None,
        };
        if let Some(text) = fixed {
            self.i += 2;
            self.out.push_str(text);
            return Ok(true);
        }
        match c {
            'C' => Err("invalid escape sequence: \\C".into()),
            'Q' => {
                // Everything up to `\E` (or the end) is literal.
                self.i += 2;
                let mut any = false;
                while let Some(ch) = self.peek(0) {
                    if ch == '\\' && self.peek(1) == Some('E') {
                        self.i += 2;
                        break;
                    }
                    self.i += 1;
                    self.literal(u32::from(ch));
                    any = true;
                }
                Ok(any)
            }
            'p' | 'P' => {
                let item = self.unicode_class()?;
                self.out.push_str(&item);
                Ok(true)
            }
            _ => {
                if let Some((ranges, negated)) = perl_class(c) {
                    self.i += 2;
                    self.out.push_str(if negated { "[^" } else { "[" });
                    push_ranges(&mut self.out, ranges);
                    self.out.push(']');
                    return Ok(true);
                }
                let r = self.simple_escape()?;
                self.literal(r);
                Ok(true)
            }
        }
    }

    /// `\pN`, `\p{Name}`, `\PN`, `\p{^Name}` at the cursor, written as a `regex` item.
    fn unicode_class(&mut self) -> Result<String, String> {
        let mut negated = self.peek(1) == Some('P');
        let (mut name, len) = match self.peek(2) {
            None => return Err("invalid character class range: \\p".into()),
            Some('{') => {
                let rest = &self.s[self.i + 3..];
                let Some(end) = rest.iter().position(|&c| c == '}') else {
                    return Err("invalid character class range".into());
                };
                (rest[..end].iter().collect::<String>(), 3 + end + 1)
            }
            Some(c) => (c.to_string(), 3),
        };
        if let Some(stripped) = name.strip_prefix('^') {
            negated = !negated;
            name = stripped.to_string();
        }
        let known = name == "Any"
            || CATEGORIES.contains(&name.as_str())
            || (name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && name.len() > 2);
        if !known {
            return Err(format!("invalid character class range: \\p{{{name}}}"));
        }
        self.i += len;
        Ok(format!("\\{}{{{}}}", if negated { 'P' } else { 'p' }, name))
    }

    /// A single-character escape (octal, hex, C escapes, escaped punctuation).
    fn simple_escape(&mut self) -> Result<u32, String> {
        let Some(c) = self.peek(1) else {
            return Err("trailing backslash at end of expression".into());
        };
        self.i += 2;
        let bad = || Err(format!("invalid escape sequence: \\{c}"));
        let octal = |ch: Option<char>| ch.filter(|c| ('0'..='7').contains(c));
        match c {
            '1'..='7' | '0' => {
                if c != '0' && octal(self.peek(0)).is_none() {
                    return bad();
                }
                let mut r = c as u32 - '0' as u32;
                for _ in 1..3 {
                    let Some(d) = octal(self.peek(0)) else { break };
                    r = r * 8 + (d as u32 - '0' as u32);
                    self.i += 1;
                }
                Ok(r)
            }
            'x' => {
                let Some(c2) = self.peek(0) else { return bad() };
                self.i += 1;
                if c2 == '{' {
                    let mut r: u32 = 0;
                    let mut digits = 0;
                    loop {
                        let Some(d) = self.peek(0) else { return bad() };
                        self.i += 1;
                        if d == '}' {
                            break;
                        }
                        let Some(v) = d.to_digit(16) else {
                            return bad();
                        };
                        r = r * 16 + v;
                        if r > 0x10FFFF {
                            return bad();
                        }
                        digits += 1;
                    }
                    if digits == 0 {
                        return bad();
                    }
                    return Ok(r);
                }
                let x = c2.to_digit(16);
                let y = self.peek(0).and_then(|d| d.to_digit(16));
                if self.peek(0).is_some() {
                    self.i += 1;
                }
                match (x, y) {
                    (Some(x), Some(y)) => Ok(x * 16 + y),
                    _ => bad(),
                }
            }
            'a' => Ok(7),
            'f' => Ok(12),
            'n' => Ok(10),
            'r' => Ok(13),
            't' => Ok(9),
            'v' => Ok(11),
            _ if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok(u32::from(c)),
            _ => bad(),
        }
    }

    /// A bracketed class at the cursor, by Go's rules (`]` first is literal, POSIX names,
    /// `\p` groups, Perl classes, ranges, `-` literal before `]`).
    fn class(&mut self) -> Result<(), String> {
        self.i += 1;
        let mut negated = false;
        if self.peek(0) == Some('^') {
            negated = true;
            self.i += 1;
        }
        let mut items = String::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek(0) else {
                return Err("missing closing ]".into());
            };
            if c == ']' && !first {
                self.i += 1;
                break;
            }
            first = false;
            if c == '[' && self.peek(1) == Some(':') && self.s.len() - self.i > 2 {
                let rest: String = self.s[self.i + 2..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    let name = &rest[..end];
                    let (neg, bare) = match name.strip_prefix('^') {
                        Some(b) => (true, b),
                        None => (false, name),
                    };
                    let Some((_, ranges)) = POSIX.iter().find(|(n, _)| *n == bare) else {
                        return Err(format!("invalid character class range: [:{name}:]"));
                    };
                    if neg {
                        items.push_str("[^");
                        push_ranges(&mut items, ranges);
                        items.push(']');
                    } else {
                        push_ranges(&mut items, ranges);
                    }
                    self.i += 2 + name.chars().count() + 2;
                    continue;
                }
            }
            if c == '\\' && matches!(self.peek(1), Some('p' | 'P')) {
                let item = self.unicode_class()?;
                items.push_str(&item);
                continue;
            }
            if c == '\\'
                && let Some((ranges, neg)) = self.peek(1).and_then(perl_class)
            {
                self.i += 2;
                if neg {
                    items.push_str("[^");
                    push_ranges(&mut items, ranges);
                    items.push(']');
                } else {
                    push_ranges(&mut items, ranges);
                }
                continue;
            }
            let lo = self.class_char()?;
            let mut hi = lo;
            if self.peek(0) == Some('-') && self.peek(1).is_some_and(|c| c != ']') {
                self.i += 1;
                hi = self.class_char()?;
                if hi < lo {
                    return Err("invalid character class range".into());
                }
            }
            if char::from_u32(lo).is_some() && char::from_u32(hi).is_some() {
                push_ranges(&mut items, &[(lo, hi)]);
            } else if lo < 0xD800 || hi > 0xDFFF {
                // A range touching the surrogates: keep its scalar parts.
                let low = (lo, hi.min(0xD7FF));
                let high = (lo.max(0xE000), hi);
                if low.0 <= low.1 {
                    push_ranges(&mut items, &[low]);
                }
                if high.0 <= high.1 {
                    push_ranges(&mut items, &[high]);
                }
            }
        }
        if items.is_empty() {
            // Only surrogates: matches nothing (or everything when negated).
            items.push_str("\\x{0}-\\x{10FFFF}");
            negated = !negated;
        }
        self.out.push('[');
        if negated {
            self.out.push('^');
        }
        self.out.push_str(&items);
        self.out.push(']');
        Ok(())
    }

    fn class_char(&mut self) -> Result<u32, String> {
        match self.peek(0) {
            None => Err("missing closing ]".into()),
            Some('\\') => self.simple_escape(),
            Some(c) => {
                self.i += 1;
                Ok(u32::from(c))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::to_rust;

    fn m(go: &str, text: &str) -> bool {
        let rust = to_rust(go).unwrap_or_else(|e| panic!("{go}: {e}"));
        regex::Regex::new(&rust)
            .unwrap_or_else(|e| panic!("{go} -> {rust}: {e}"))
            .is_match(text)
    }

    #[test]
    fn go_class_quirks() {
        // `[*]` in a pattern becomes `[[^/]*]`: a class of `[`, `^`, `/`, starred, then `]`.
        assert!(m("^[[^/]*]$", "]"));
        assert!(m("^[[^/]*]$", "[^/]"));
        assert!(!m("^[[^/]*]$", "*"));
        assert!(m("^[(.*/)?]$", "?"));
        assert!(m("^a[b-d]e$", "ace"));
        assert!(m("^[[:alpha:]]$", "q"));
        assert!(m("^[\\]a]$", "]"));
        assert!(m("^\\d$", "7"));
        assert!(!m("^\\d$", "٣"));
        assert!(m("^\\Q[^/]*$", "[^/]*$"));
        assert!(m("^a\\.b$", "a.b"));
        assert!(!m("^a\\.b$", "axb"));
        assert!(m("^[\\p{Greek}]$", "α"));
        assert!(m("^x\\b$", "x"));
    }

    #[test]
    fn go_errors() {
        for bad in [
            "^[Local-Only]$",
            "^[a-[^/]*]$",
            "^\\e$",
            "^\\8$",
            "^[[:foo:]]$",
            "^[a$",
            "^\\C$",
            "^\\p{Nope}$",
            "^a**$",
        ] {
            let compiled = to_rust(bad).ok().and_then(|r| regex::Regex::new(&r).ok());
            assert!(compiled.is_none(), "{bad} should be rejected");
        }
    }
}
