//! A tolerant, linear shell tokenizer: words, operators and here-document bodies with byte ranges.
//!
//! It never fails: unterminated quotes or substitutions end at the end of the input and are
//! recorded in [`Lexed::problems`]. It is used to pre-check scripts before brush-parser sees
//! them, to split scripts brush rejects, and to find the parts of a word.

/// Deepest nesting of `$( … )`, backticks and parentheses the lexer follows.
pub(crate) const MAX_DEPTH: usize = 48;

/// One token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A word, `start..end`.
    Word(usize, usize),
    /// An operator, `start..end` (the text says which).
    Op(usize, usize),
    /// An unquoted newline at this byte.
    Newline(usize),
}

/// A here-document found by the lexer.
#[derive(Clone, Debug)]
pub(crate) struct HereDoc {
    /// Range of the delimiter word after `<<`.
    pub(crate) delim: (usize, usize),
    /// Range of the body (without the terminator line).
    pub(crate) body: (usize, usize),
    /// Whether the delimiter was quoted (no expansion in the body).
    pub(crate) quoted: bool,
}

/// Result of lexing a text.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lexed {
    pub(crate) toks: Vec<Tok>,
    pub(crate) heredocs: Vec<HereDoc>,
    /// Things that make the script suspicious for a full parser.
    pub(crate) problems: Vec<&'static str>,
    /// `(` operators never closed.
    pub(crate) unclosed_parens: usize,
    /// Deepest nesting seen (parentheses, substitutions, compound-command keywords).
    pub(crate) max_depth: usize,
}

/// Bytes with no meaning to the word scanner: neither a metacharacter nor the start of
/// a quote, escape, expansion or parenthesised form.
static PLAIN: [bool; 256] = {
    let mut t = [true; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if is_meta(b) || matches!(b, b'\\' | b'\'' | b'"' | b'`' | b'$') {
            t[c] = false;
        }
        c += 1;
    }
    t
};

/// Whether `b` ends a word when unquoted.
pub(crate) const fn is_meta(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

/// Scanner state shared by the helpers: problems and depth are recorded here.
pub(crate) struct Scan<'a> {
    pub(crate) b: &'a [u8],
    pub(crate) problems: Vec<&'static str>,
    pub(crate) max_depth: usize,
}

impl<'a> Scan<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Self {
            b: s.as_bytes(),
            problems: Vec::new(),
            max_depth: 0,
        }
    }

    fn problem(&mut self, p: &'static str) {
        if !self.problems.contains(&p) {
            self.problems.push(p);
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.b.get(i).copied().unwrap_or(0)
    }

    /// `i` is just after an opening `'`; returns the index after the closing one.
    pub(crate) fn skip_single(&mut self, mut i: usize) -> usize {
        while i < self.b.len() {
            if self.b[i] == b'\'' {
                return i + 1;
            }
            i += 1;
        }
        self.problem("unterminated single quote");
        i
    }

    /// `i` is just after `$'`; returns the index after the closing `'`.
    pub(crate) fn skip_ansi(&mut self, mut i: usize) -> usize {
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'\'' => return i + 1,
                _ => i += 1,
            }
        }
        self.problem("unterminated $' quote");
        self.b.len()
    }

    /// `i` is just after an opening `"`; returns the index after the closing one.
    pub(crate) fn skip_double(&mut self, mut i: usize, depth: usize) -> usize {
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                b'`' => i = self.skip_backtick(i + 1, depth + 1),
                // `$'` and `$"` are not special inside double quotes
                b'$' if matches!(self.at(i + 1), b'(' | b'{' | b'[') => {
                    i = self.skip_dollar(i, depth + 1)
                }
                _ => i += 1,
            }
        }
        self.problem("unterminated double quote");
        self.b.len()
    }

    /// `i` is just after an opening backtick; returns the index after the closing one.
    pub(crate) fn skip_backtick(&mut self, mut i: usize, depth: usize) -> usize {
        self.max_depth = self.max_depth.max(depth);
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => return i + 1,
                _ => i += 1,
            }
        }
        self.problem("unterminated backquote");
        self.b.len()
    }

    /// `i` is at a `$`; returns the index after the expansion (or after the `$`).
    pub(crate) fn skip_dollar(&mut self, i: usize, depth: usize) -> usize {
        match self.at(i + 1) {
            b'(' => {
                if self.at(i + 2) == b'(' {
                    self.skip_parens(i + 3, depth, 2)
                } else {
                    self.skip_parens(i + 2, depth, 1)
                }
            }
            b'{' => self.skip_brace(i + 2, depth),
            b'\'' => self.skip_ansi(i + 2),
            b'"' => self.skip_double(i + 2, depth),
            b'[' => self.skip_until(i + 2, b']'),
            _ => i + 1,
        }
    }

    fn skip_until(&mut self, mut i: usize, end: u8) -> usize {
        while i < self.b.len() {
            if self.b[i] == end {
                return i + 1;
            }
            i += 1;
        }
        self.problem("unterminated expansion");
        self.b.len()
    }

    /// `i` is just after `${`; returns the index after the matching `}`.
    pub(crate) fn skip_brace(&mut self, mut i: usize, depth: usize) -> usize {
        self.max_depth = self.max_depth.max(depth);
        if depth > MAX_DEPTH {
            self.problem("nesting too deep");
            return self.b.len();
        }
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'}' => return i + 1,
                b'\'' => i = self.skip_single(i + 1),
                b'"' => i = self.skip_double(i + 1, depth),
                b'`' => i = self.skip_backtick(i + 1, depth + 1),
                b'$' => i = self.skip_dollar(i, depth + 1),
                _ => i += 1,
            }
        }
        self.problem("unterminated ${");
        self.b.len()
    }

    /// `i` is just after `$(` (or `$((` with `open` = 2, or `<(`); returns the index after
    /// the matching `)`s.
    pub(crate) fn skip_parens(&mut self, mut i: usize, depth: usize, open: usize) -> usize {
        self.max_depth = self.max_depth.max(depth);
        if depth > MAX_DEPTH {
            self.problem("nesting too deep");
            return self.b.len();
        }
        let mut level = open;
        let mut word_start = true;
        while i < self.b.len() {
            let c = self.b[i];
            match c {
                b'\\' => {
                    i += 2;
                    word_start = false;
                    continue;
                }
                b'\'' => i = self.skip_single(i + 1),
                b'"' => i = self.skip_double(i + 1, depth),
                b'`' => i = self.skip_backtick(i + 1, depth + 1),
                b'$' => i = self.skip_dollar(i, depth + 1),
                b'#' if word_start && open == 1 => {
                    while i < self.b.len() && self.b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'(' => {
                    level += 1;
                    i += 1;
                }
                b')' => {
                    level -= 1;
                    i += 1;
                    if level == 0 {
                        return i;
                    }
                }
                _ => i += 1,
            }
            word_start = is_meta(c);
        }
        self.problem("unterminated $(");
        self.b.len()
    }

    /// Scans one word starting at `i` (not at a metacharacter); returns its end.
    pub(crate) fn word_end(&mut self, mut i: usize) -> usize {
        let start = i;
        while i < self.b.len() {
            // Most bytes of a word are plain: skip them with one table lookup each.
            while self.b.get(i).is_some_and(|&c| PLAIN[c as usize]) {
                i += 1;
            }
            let Some(&c) = self.b.get(i) else { break };
            match c {
                b'\\' => {
                    i += 2;
                    continue;
                }
                b'\'' => i = self.skip_single(i + 1),
                b'"' => i = self.skip_double(i + 1, 1),
                b'`' => i = self.skip_backtick(i + 1, 1),
                b'$' => i = self.skip_dollar(i, 1),
                // process substitution at word start, extglob and array values
                b'(' if i > start
                    && matches!(self.b[i - 1], b'@' | b'!' | b'+' | b'*' | b'?' | b'=') =>
                {
                    i = self.skip_parens(i + 1, 1, 1);
                }
                b'<' | b'>' if i == start && self.at(i + 1) == b'(' => {
                    i = self.skip_parens(i + 2, 1, 1);
                }
                _ if is_meta(c) => break,
                _ => i += 1,
            }
        }
        i.min(self.b.len())
    }
}

const OPS: &[&str] = &[
    "<<<", "<<-", "&>>", ";;&", "&&", "||", ";;", ";&", "|&", "<<", ">>", "<&", ">&", "<>", ">|",
    "&>", "&", "|", ";", "<", ">", "(", ")",
];

/// Tokenizes `s`.
pub(crate) fn lex(s: &str) -> Lexed {
    let mut sc = Scan::new(s);
    let b = sc.b;
    let mut out = Lexed::default();
    let mut i = 0;
    let mut pending: Vec<(usize, usize, bool)> = Vec::new(); // delimiter range, strip tabs
    let mut depth = 0usize;
    let mut kw_depth = 0usize;
    let mut kw_max = 0usize;
    let mut at_word_start = true;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => {
                i += 1;
                at_word_start = true;
            }
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' => {
                out.toks.push(Tok::Newline(i));
                i += 1;
                at_word_start = true;
                for (ds, de, strip) in pending.drain(..) {
                    i = read_heredoc(s, i, (ds, de), strip, &mut out.heredocs, &mut sc.problems);
                }
            }
            b'#' if at_word_start => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            _ if is_meta(c) && !((c == b'<' || c == b'>') && b.get(i + 1) == Some(&b'(')) => {
                let op = OPS
                    .iter()
                    .find(|op| b[i..].starts_with(op.as_bytes()))
                    .copied()
                    .unwrap_or(";");
                let end = i + op.len().max(1);
                out.toks.push(Tok::Op(i, end));
                match op {
                    "(" => {
                        depth += 1;
                        sc.max_depth = sc.max_depth.max(depth);
                    }
                    ")" => depth = depth.saturating_sub(1),
                    "<<" | "<<-" => {
                        // the delimiter word follows
                        let mut j = end;
                        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                            j += 1;
                        }
                        if j < b.len() && !is_meta(b[j]) {
                            let we = sc.word_end(j);
                            pending.push((j, we, op == "<<-"));
                            out.toks.push(Tok::Word(j, we));
                            i = we;
                            at_word_start = false;
                            continue;
                        }
                    }
                    _ => {}
                }
                i = end;
                at_word_start = true;
            }
            _ => {
                let end = sc.word_end(i).max(i + 1);
                match s.get(i..end) {
                    Some("if" | "while" | "until" | "for" | "case" | "select" | "{") => {
                        kw_depth += 1;
                        kw_max = kw_max.max(kw_depth);
                    }
                    Some("fi" | "done" | "esac" | "}") => kw_depth = kw_depth.saturating_sub(1),
                    _ => {}
                }
                out.toks.push(Tok::Word(i, end.min(b.len())));
                i = end;
                at_word_start = false;
            }
        }
    }
    if !pending.is_empty() {
        sc.problem("here-document without body");
    }
    out.unclosed_parens = depth;
    out.max_depth = sc.max_depth.max(depth).max(kw_max);
    out.problems = sc.problems;
    out
}

/// Reads a here-document body starting at `i` (line start); returns the index after the
/// terminator line.
fn read_heredoc(
    s: &str,
    i: usize,
    delim: (usize, usize),
    strip: bool,
    docs: &mut Vec<HereDoc>,
    problems: &mut Vec<&'static str>,
) -> usize {
    let raw = s.get(delim.0..delim.1).unwrap_or("");
    let quoted = raw.contains(['\'', '"', '\\']);
    let word: String = raw
        .chars()
        .filter(|c| !matches!(c, '\'' | '"' | '\\'))
        .collect();
    let mut pos = i;
    while pos < s.len() {
        let line_end = s[pos..].find('\n').map_or(s.len(), |k| pos + k);
        let line = &s[pos..line_end];
        let line = if strip {
            line.trim_start_matches('\t')
        } else {
            line
        };
        if line == word || line.trim_end_matches('\r') == word {
            docs.push(HereDoc {
                delim,
                body: (i, pos),
                quoted,
            });
            return (line_end + 1).min(s.len());
        }
        pos = line_end + 1;
    }
    if !problems.contains(&"unterminated here-document") {
        problems.push("unterminated here-document");
    }
    docs.push(HereDoc {
        delim,
        body: (i, s.len()),
        quoted,
    });
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<&str> {
        lex(s)
            .toks
            .iter()
            .map(|t| match *t {
                Tok::Word(a, b) | Tok::Op(a, b) => &s[a..b],
                Tok::Newline(_) => "\\n",
            })
            .collect()
    }

    #[test]
    fn splits_words_and_operators() {
        assert_eq!(
            words("a 'b && c' \"d|e\"&&f||g;h|i"),
            [
                "a", "'b && c'", "\"d|e\"", "&&", "f", "||", "g", ";", "h", "|", "i"
            ]
        );
        assert_eq!(words("x=$(a | b) y"), ["x=$(a | b)", "y"]);
        assert_eq!(
            words("echo `a|b` c # comment | x\nd"),
            ["echo", "`a|b`", "c", "\\n", "d"]
        );
        assert_eq!(
            words("bash <(curl x) 2>&1"),
            ["bash", "<(curl x)", "2", ">&", "1"]
        );
        assert_eq!(words("a#b c"), ["a#b", "c"]);
    }

    #[test]
    fn dollar_before_closing_quote() {
        assert_eq!(
            words("x=\"$$\"; a '{ b }'"),
            ["x=\"$$\"", ";", "a", "'{ b }'"]
        );
    }

    #[test]
    fn heredocs() {
        let s = "cat <<EOF >f\nhello | x\nEOF\necho done";
        let l = lex(s);
        assert_eq!(l.heredocs.len(), 1);
        let (a, b) = l.heredocs[0].body;
        assert_eq!(&s[a..b], "hello | x\n");
        assert!(words(s).contains(&"done"));
        assert!(!words(s).contains(&"hello"));
    }

    #[test]
    fn tolerates_garbage() {
        for s in [
            "'", "\"", "$(", "${", "`", "((((", "))))", "<<", "\\", "é$(é",
        ] {
            let l = lex(s);
            for t in &l.toks {
                if let Tok::Word(a, b) | Tok::Op(a, b) = *t {
                    assert!(s.get(a..b).is_some(), "{s:?}");
                }
            }
        }
        assert_eq!(lex("((a").unclosed_parens, 2);
    }
}
