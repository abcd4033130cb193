//! The line parser: BuildKit's `frontend/dockerfile/parser`, reproduced with spans.
//!
//! Lines are read as BuildKit's scanner reads them (line endings kept for heredoc
//! bodies), parser directives are taken from the top, continuation lines are joined
//! (comment and empty lines inside a continuation skipped), each instruction line is
//! split into keyword, flags and arguments by the same per-instruction line parsers,
//! and heredoc bodies are attached to RUN/COPY/ADD. Where BuildKit stops at the first
//! error, this parser records it and goes on, so every problem is reported.

use crate::ast::{
    Arg, Directive, Dockerfile, ErrorStage, Flag, Heredoc, Instruction, Kind, ParseError, SourceMap,
};
use crate::json_array::{JsonArrayError, parse_json_array};
use crate::lex::{EmptyEnv, Lexer};
use crate::span::Span;
use std::ops::Range;

/// BuildKit's scanner refuses lines longer than this (bufio.MaxScanTokenSize - 1).
pub const MAX_LINE: usize = 65_535;

/// Argument words with their byte ranges in the instruction text.
type Words = Vec<(String, Range<usize>)>;

const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// Parses a Dockerfile. Never fails and never panics; see [`Dockerfile::errors`].
pub fn parse(src: &str) -> Dockerfile {
    let mut p = Parser {
        src,
        pos: 0,
        line_no: 0,
        escape: '\\',
        directives_done: false,
        out: Dockerfile {
            escape: '\\',
            ..Dockerfile::default()
        },
    };
    p.run();
    p.out.escape = p.escape;
    crate::validate::validate(&mut p.out);
    p.out
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    line_no: u32,
    escape: char,
    directives_done: bool,
    out: Dockerfile,
}

/// One physical line: its text with the line ending, and where it starts.
#[derive(Clone, Copy)]
struct RawLine<'a> {
    text: &'a str,
    start: usize,
}

impl<'a> RawLine<'a> {
    /// The line without trailing `\r`/`\n` characters (Go's `TrimRight(s, "\r\n")`).
    fn trimmed(self) -> &'a str {
        trim_line_end(self.text)
    }
    fn end_without_newline(self) -> usize {
        self.start + self.trimmed().len()
    }
}

impl<'a> Parser<'a> {
    fn next_line(&mut self) -> Option<RawLine<'a>> {
        if self.pos >= self.src.len() {
            return None;
        }
        let rest = &self.src[self.pos..];
        let len = memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |i| i + 1);
        let line = RawLine {
            text: &rest[..len],
            start: self.pos,
        };
        self.pos += len;
        let content = line.text.strip_suffix('\n').unwrap_or(line.text);
        if content.len() > MAX_LINE {
            self.error(
                ErrorStage::Parser,
                format!("dockerfile line greater than max allowed size of {MAX_LINE}"),
                Span::new(line.start, line.start + content.len()),
            );
        }
        Some(line)
    }

    fn offset_of(&self, piece: &str) -> usize {
        piece.as_ptr() as usize - self.src.as_ptr() as usize
    }

    fn error(&mut self, stage: ErrorStage, message: String, span: Span) {
        self.out.errors.push(ParseError {
            message,
            span,
            stage,
        });
    }

    fn run(&mut self) {
        let mut comments: Vec<String> = Vec::new();
        while let Some(first) = self.next_line() {
            let mut text = first.text;
            if self.line_no == 0 {
                text = text.strip_prefix('\u{feff}').unwrap_or(text);
            }
            if is_comment(text) {
                let after_first = text.char_indices().nth(1).map_or("", |(i, _)| &text[i..]);
                let comment = after_first.trim();
                if comment.is_empty() {
                    comments.clear();
                } else {
                    comments.push(comment.to_string());
                }
            }
            let token = trim_start(trim_line_end(text));
            if !self.directives_done && self.read_directive(token, first) {
                comments.pop();
            }
            let token = if is_comment(token) { "" } else { token };
            self.line_no += 1;
            let start_line = self.line_no;
            let (piece, mut end_of_line) = trim_continuation(token, self.escape);
            if end_of_line && piece.is_empty() {
                continue;
            }
            let mut joined = String::from(piece);
            // Instructions that continue usually do so over several lines.
            let mut map = SourceMap::with_capacity(if end_of_line { 1 } else { 8 });
            map.push(0, self.offset_of(token));
            let mut last_end = first.end_without_newline();
            let mut empty_continuation = false;
            while !end_of_line {
                let Some(next) = self.next_line() else { break };
                let token = next.trimmed();
                if !self.directives_done {
                    self.read_directive(token, next);
                }
                self.line_no += 1;
                last_end = next.end_without_newline();
                if is_comment(next.text) {
                    continue;
                }
                if is_blank(token) {
                    empty_continuation = true;
                    continue;
                }
                let (piece, eol) = trim_continuation(token, self.escape);
                end_of_line = eol;
                map.push(joined.len(), next.start);
                joined.push_str(piece);
            }
            let start = self.offset_of(token);
            if empty_continuation {
                self.out.warnings.push(ParseError {
                    message: format!("Empty continuation line found in: {joined}"),
                    span: Span::new(start, last_end),
                    stage: ErrorStage::Parser,
                });
            }
            let node = new_node(joined, 0, map, self.escape, start_line);
            let mut inst = match node {
                Ok(inst) => inst,
                Err(message) => {
                    self.error(ErrorStage::Parser, message, Span::new(start, last_end));
                    comments.clear();
                    continue;
                }
            };
            inst.comments = std::mem::take(&mut comments);
            if can_contain_heredoc(&inst) && contains_heredoc_operator(&inst.original) {
                match heredocs_from_line(&inst.original) {
                    Ok(docs) => {
                        for mut doc in docs {
                            let body_start = self.pos;
                            let mut terminated = false;
                            while let Some(line) = self.next_line() {
                                self.line_no += 1;
                                last_end = line.end_without_newline();
                                let mut candidate = line.trimmed();
                                if doc.chomp {
                                    candidate = candidate.trim_start_matches('\t');
                                }
                                if candidate == doc.name {
                                    terminated = true;
                                    doc.span = Span::new(body_start, line.start);
                                    break;
                                }
                                doc.content.push_str(line.text);
                            }
                            if !terminated {
                                doc.span = Span::new(body_start, self.pos);
                                self.error(
                                    ErrorStage::Parser,
                                    "unterminated heredoc".to_string(),
                                    Span::new(start, last_end),
                                );
                            }
                            inst.heredocs.push(doc);
                        }
                    }
                    Err(message) => {
                        self.error(ErrorStage::Parser, message, Span::new(start, last_end))
                    }
                }
            }
            inst.span = Span::new(start, last_end.max(start));
            inst.end_line = self.line_no;
            if let Some(child) = inst.onbuild.as_mut() {
                child.end_line = self.line_no;
                child.heredocs = inst.heredocs.clone();
            }
            self.out.instructions.push(inst);
        }
        if self.out.instructions.is_empty() && self.out.errors.is_empty() {
            let at = self.src.len();
            self.error(
                ErrorStage::Parser,
                "file with no instructions".to_string(),
                Span::new(at, at),
            );
        }
    }

    /// Feeds a line to the directive reader while directives may still come (callers check
    /// `directives_done` first, the cheap common case); `true` when it was a directive.
    fn read_directive(&mut self, token: &'a str, line: RawLine<'a>) -> bool {
        let Some((name, value)) = match_directive(token) else {
            self.directives_done = true;
            return false;
        };
        let name = name.to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives_done = true;
            return false;
        }
        let span = Span::new(line.start, line.end_without_newline());
        if self.out.directives.iter().any(|d| d.name == name) {
            self.error(
                ErrorStage::Parser,
                format!("only one {name} parser directive can be used"),
                span,
            );
            return false;
        }
        if name == "escape" {
            match value {
                "\\" | "`" => self.escape = value.chars().next().unwrap_or('\\'),
                _ => {
                    self.error(
                        ErrorStage::Parser,
                        format!("invalid escape token '{value}' does not match ` or \\"),
                        span,
                    );
                    return false;
                }
            }
        }
        self.out.directives.push(Directive {
            name,
            value: value.to_string(),
            line: self.line_no + 1,
            span,
        });
        true
    }
}

/// BuildKit's directive syntax: `#` then `name = value` (name `[a-zA-Z][a-zA-Z0-9]*`).
pub(crate) fn match_directive(line: &str) -> Option<(&str, &str)> {
    match_directive_with(line, "#")
}

pub(crate) fn match_directive_with<'l>(line: &'l str, comment: &str) -> Option<(&'l str, &'l str)> {
    let rest = line.strip_prefix(comment)?.trim_start();
    let name_len = rest
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
        .map_or(rest.len(), |(i, _)| i);
    if name_len == 0 {
        return None;
    }
    let (name, after) = rest.split_at(name_len);
    let after = after.trim_start_matches(is_re2_space);
    let value = after.strip_prefix('=')?.trim_start_matches(is_re2_space);
    let value = value.trim_end_matches(is_re2_space);
    if value.is_empty() || value.contains('\n') {
        return None;
    }
    Some((name, value))
}

/// A directive found by [`detect_syntax`] or [`parse_directive`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundDirective {
    /// The value up to its first space (`docker/dockerfile:1`).
    pub value: String,
    /// The whole value.
    pub cmdline: String,
    /// 1-based line.
    pub line: u32,
}

/// BuildKit's `DetectSyntax`: `# syntax=`, else `// syntax=`, else a JSON `{"syntax": …}`.
pub fn detect_syntax(src: &str) -> Option<FoundDirective> {
    find_directive("syntax", src, true)
}

/// BuildKit's `ParseDirective(key)`: only the `#` form.
pub fn parse_directive(key: &str, src: &str) -> Option<FoundDirective> {
    find_directive(key, src, false)
}

fn find_directive(key: &str, src: &str, any_format: bool) -> Option<FoundDirective> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let (src, first_line) = match src.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") => (rest, 1),
        None if src.starts_with("#!") => ("", 1),
        _ => (src, 0),
    };
    let found = |value: &str, line: u32| FoundDirective {
        value: value.split(' ').next().unwrap_or("").to_string(),
        cmdline: value.to_string(),
        line,
    };
    let comments: &[&str] = if any_format { &["#", "//"] } else { &["#"] };
    for comment in comments {
        let mut seen: Vec<String> = Vec::new();
        for (i, line) in src.lines().enumerate() {
            let Some((name, value)) = match_directive_with(line, comment) else {
                break;
            };
            let name = name.to_ascii_lowercase();
            if !matches!(name.as_str(), "syntax" | "escape" | "check") || seen.contains(&name) {
                break;
            }
            if name == key {
                return Some(found(value, first_line + i as u32 + 1));
            }
            seen.push(name);
        }
    }
    if any_format
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str(src)
        && let Some(serde_json::Value::String(v)) = map.get(key)
    {
        return Some(FoundDirective {
            value: v.clone(),
            cmdline: v.clone(),
            line: first_line,
        });
    }
    None
}

/// RE2's `\s`: `[\t\n\f\r ]`.
fn is_re2_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{c}' | '\r' | ' ')
}

/// `s` without trailing `\r`/`\n` characters.
fn trim_line_end(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\r' | b'\n') {
        end -= 1;
    }
    &s[..end]
}

/// ASCII whitespace, the characters of `char::is_whitespace` below 128.
fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `str::trim_start`, with a byte loop over the ASCII whitespace that usually is all there
/// is to remove; a non-ASCII character after it is left to `str::trim_start`.
fn trim_start(s: &str) -> &str {
    let skip = s
        .bytes()
        .position(|b| !is_ascii_space(b))
        .unwrap_or(s.len());
    let rest = &s[skip..];
    match rest.as_bytes().first() {
        Some(b) if !b.is_ascii() => rest.trim_start(),
        _ => rest,
    }
}

/// `str::trim_end`, in the same way as [`trim_start`].
fn trim_end(s: &str) -> &str {
    let keep = s
        .bytes()
        .rposition(|b| !is_ascii_space(b))
        .map_or(0, |at| at + 1);
    // `keep` follows the last byte of a character: a non-space, or the end.
    let head = &s[..keep];
    match head.as_bytes().last() {
        Some(b) if !b.is_ascii() => head.trim_end(),
        _ => head,
    }
}

/// `str::trim`.
fn trim(s: &str) -> &str {
    trim_end(trim_start(s))
}

/// A line whose first non-whitespace character is `#`.
fn is_comment(line: &str) -> bool {
    first_non_space(line) == Some('#')
}

/// A line of whitespace only (or empty).
fn is_blank(line: &str) -> bool {
    first_non_space(line).is_none()
}

/// The first character that is not (Unicode) whitespace, as `trim_start` finds it, with
/// a byte loop over the ASCII whitespace that usually comes first.
fn first_non_space(line: &str) -> Option<char> {
    let bytes = line.as_bytes();
    let skip = bytes.iter().position(|&b| !is_ascii_space(b))?;
    match bytes[skip] {
        b if b.is_ascii() => Some(char::from(b)),
        _ => line[skip..].trim_start().chars().next(),
    }
}

/// Removes a trailing line-continuation token; `true` when the line does not continue.
fn trim_continuation(line: &str, escape: char) -> (&str, bool) {
    let bytes = line.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    if let Ok(escape) = u8::try_from(escape)
        && escape.is_ascii()
    {
        // An ASCII token is one byte, and no byte of a multi-byte character equals it.
        let Some(at) = end.checked_sub(1).filter(|&at| bytes[at] == escape) else {
            return (line, true);
        };
        return match at.checked_sub(1).map(|before| bytes[before]) {
            None => ("", false),
            Some(b) if b == escape => (line, true),
            Some(_) => (&line[..at], false),
        };
    }
    let body = &line[..end];
    let Some(before) = body.strip_suffix(escape) else {
        return (line, true);
    };
    match before.chars().next_back() {
        None => ("", false),
        Some(c) if c == escape => (line, true),
        Some(_) => (before, false),
    }
}

/// Go's `unicode.IsSpace` applied to a single byte read as a rune (Latin-1).
fn is_latin1_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ' | 0x85 | 0xa0)
}

/// The separator BuildKit splits words on: `[\t\v\f\r ]+`.
fn is_token_space(c: char) -> bool {
    matches!(c, '\t' | '\u{b}' | '\u{c}' | '\r' | ' ')
}

/// [`is_token_space`] for one byte. The separators are ASCII, so a byte scan finds exactly
/// the characters a character scan would, and cuts next to them are character boundaries.
fn is_token_space_byte(b: u8) -> bool {
    b.is_ascii() && is_token_space(char::from(b))
}

fn ceil_boundary(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i.min(s.len())
}

/// Builds one instruction from a joined line. `base` is the line's offset within the
/// outer instruction's joined text (non-zero for an ONBUILD trigger). The line becomes the
/// instruction's `original` and the map its `map`, without copies.
fn new_node(
    original: String,
    base: usize,
    map: SourceMap,
    escape: char,
    start_line: u32,
) -> Result<Instruction, String> {
    let line = original.as_str();
    let trimmed = trim(line);
    let t0 = line.len() - trim_start(line).len();
    let cmd_len = trimmed
        .bytes()
        .position(is_token_space_byte)
        .unwrap_or(trimmed.len());
    let keyword = &trimmed[..cmd_len];
    let after_cmd = &trimmed.as_bytes()[cmd_len..];
    let gap = after_cmd
        .iter()
        .take_while(|&&b| is_token_space_byte(b))
        .count();
    let rest_off = t0 + cmd_len + gap;
    let rest = &line[rest_off.min(line.len())..t0 + trimmed.len()];

    let abs = |r: Range<usize>| map.span(base + r.start, base + r.end);
    let (flags, args_start) = if cmd_len < trimmed.len() {
        extract_builder_flags(rest)
    } else {
        (Vec::new(), rest.len())
    };
    let flags = flags
        .into_iter()
        .map(|(text, r)| {
            let body = text.strip_prefix("--").unwrap_or(&text);
            let (name, value) = match body.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (body.to_string(), None),
            };
            Flag {
                text,
                name,
                value,
                span: abs(rest_off + r.start..rest_off + ceil_boundary(rest, r.end)),
            }
        })
        .collect();
    let args_raw = &rest[args_start..];
    let args_trim = trim(args_raw);
    let args_off = rest_off + args_start + (args_raw.len() - trim_start(args_raw).len());

    let kind = Kind::from_keyword(keyword);
    let mut json = false;
    let mut onbuild = None;
    let pieces: Vec<(String, Range<usize>)> = match kind {
        Kind::Add | Kind::Copy | Kind::Volume => match parse_json_array(args_trim) {
            Ok(items) => {
                json = true;
                items.into_iter().map(|j| (j.value, j.range)).collect()
            }
            Err(JsonArrayError::NotStringArray) => return Err(NOT_STRING_ARRAY.to_string()),
            Err(JsonArrayError::NotJson) => split_whitespace_delimited(args_trim),
        },
        Kind::Arg => parse_words(args_trim, escape),
        Kind::Cmd | Kind::Entrypoint | Kind::Run | Kind::Shell => {
            let (p, j) = parse_maybe_json(args_trim)?;
            json = j;
            p
        }
        Kind::Env | Kind::Label => parse_name_val(args_trim, kind.name(), escape)?,
        Kind::Expose | Kind::From => split_whitespace_delimited(args_trim),
        Kind::Healthcheck => {
            let (p, j) = parse_health_config(args_trim)?;
            json = j;
            p
        }
        Kind::Maintainer | Kind::Stopsignal | Kind::User | Kind::Workdir => {
            if args_trim.is_empty() {
                Vec::new()
            } else {
                vec![(args_trim.to_string(), 0..args_trim.len())]
            }
        }
        Kind::Onbuild => {
            if !args_trim.is_empty() {
                let trigger = args_trim.to_string();
                let mut child =
                    new_node(trigger, base + args_off, map.clone(), escape, start_line)?;
                child.map = map.shifted(base + args_off);
                onbuild = Some(Box::new(child));
            }
            Vec::new()
        }
        Kind::Unknown => vec![(String::new(), 0..0)],
    };
    let args = pieces
        .into_iter()
        .map(|(value, r)| {
            let raw = args_off + r.start..args_off + r.end;
            Arg {
                span: abs(raw.clone()),
                raw: Some(raw),
                value,
            }
        })
        .collect();
    let keyword_span = abs(t0..t0 + cmd_len);
    Ok(Instruction {
        kind,
        keyword: keyword.to_string(),
        keyword_span,
        span: keyword_span,
        start_line,
        end_line: start_line,
        original,
        flags,
        args,
        json,
        heredocs: Vec::new(),
        onbuild,
        comments: Vec::new(),
        map,
    })
}

/// Whether `line` contains `<<` (what a heredoc opener needs), without setting up a
/// substring searcher for such a short needle.
fn contains_heredoc_operator(line: &str) -> bool {
    let bytes = line.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|at| bytes.get(at + 1) == Some(&b'<'))
}

fn can_contain_heredoc(inst: &Instruction) -> bool {
    let target = match (&inst.kind, &inst.onbuild) {
        (Kind::Onbuild, Some(child)) => child.as_ref(),
        _ => inst,
    };
    matches!(target.kind, Kind::Run | Kind::Copy | Kind::Add) && !target.json
}

/// BuildKit's `extractBuilderFlags`: leading `--flag[=value]` words (quotes and
/// backslashes processed byte by byte), and where the arguments start.
fn extract_builder_flags(line: &str) -> (Vec<(String, Range<usize>)>, usize) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let b = line.as_bytes();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut word_start = 0;
    let mut quote = 0u8;
    let mut blank_ok = false;
    let mut pos = 0;
    while pos <= b.len() {
        let ch = b.get(pos).copied().unwrap_or(0);
        if phase == Phase::Spaces {
            if pos == b.len() {
                break;
            }
            if is_latin1_space(ch) {
                pos += 1;
                continue;
            }
            if ch != b'-' || b.get(pos + 1) != Some(&b'-') {
                return (words, ceil_boundary(line, pos));
            }
            phase = Phase::Word;
            word_start = pos;
        }
        if pos == b.len() {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push((word, word_start..pos));
            }
            break;
        }
        if phase == Phase::Word {
            if is_latin1_space(ch) {
                phase = Phase::Spaces;
                if word == "--" {
                    return (words, ceil_boundary(line, pos));
                }
                if blank_ok || !word.is_empty() {
                    words.push((std::mem::take(&mut word), word_start..pos));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if ch == b'\'' || ch == b'"' {
                quote = ch;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            let mut c = ch;
            if ch == b'\\' {
                if pos + 1 == b.len() {
                    pos += 1;
                    continue;
                }
                pos += 1;
                c = b[pos];
            }
            word.push(c as char);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if ch == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        let mut c = ch;
        if ch == b'\\' {
            if pos + 1 == b.len() {
                phase = Phase::Word;
                pos += 1;
                continue;
            }
            pos += 1;
            c = b[pos];
        }
        word.push(c as char);
        pos += 1;
    }
    (words, line.len())
}

/// `[\t\v\f\r ]+`-separated words with their ranges; nothing for an empty text.
fn split_whitespace_delimited(rest: &str) -> Vec<(String, Range<usize>)> {
    if rest.is_empty() {
        return Vec::new();
    }
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !is_token_space_byte(bytes[i]) {
            i += 1;
            continue;
        }
        out.push((rest[start..i].to_string(), start..i));
        i += 1;
        while i < bytes.len() && is_token_space_byte(bytes[i]) {
            i += 1;
        }
        start = i;
    }
    out.push((rest[start..].to_string(), start..rest.len()));
    out
}

/// BuildKit's `parseWords`: words split on unquoted whitespace, quotes and escapes kept.
///
/// Every character of a word is kept (quotes and escape tokens included) except an escape
/// token at the very end of the text, so each word is the slice of `rest` from its first
/// character to the whitespace (or the end) that ends it, without that final escape token.
/// The scan only has to find where words end: outside quotes at (Unicode) whitespace not
/// preceded by the escape token; inside quotes whitespace does not count, and in single
/// quotes neither does the escape token.
pub fn parse_words(rest: &str, escape: char) -> Vec<(String, Range<usize>)> {
    let escape_byte = u8::try_from(escape).ok().filter(u8::is_ascii);
    let len = rest.len();
    let mut words = Vec::new();
    let mut pos = 0;
    loop {
        while pos < len {
            let ch = char_at(rest, pos);
            if !ch.is_whitespace() {
                break;
            }
            pos += ch.len_utf8();
        }
        if pos == len {
            break;
        }
        let start = pos;
        // BuildKit's `blankOK`: a word with quotes is kept even when empty (as quotes are
        // kept here, such a word never is).
        let mut blank_ok = false;
        let mut quote: Option<char> = None;
        // Width of a final escape token, which is not part of the word.
        let mut dropped = 0;
        while pos < len {
            // Most bytes are ASCII characters with no meaning here: step over them.
            let b = rest.as_bytes()[pos];
            let plain = match quote {
                None => b.is_ascii() && !is_ascii_space(b) && b != b'\'' && b != b'"',
                Some(q) => b.is_ascii() && char::from(b) != q,
            };
            if plain && Some(b) != escape_byte {
                pos += 1;
                continue;
            }
            let ch = char_at(rest, pos);
            let width = ch.len_utf8();
            let escapes = match quote {
                None => {
                    if ch.is_whitespace() {
                        break;
                    }
                    if ch == '\'' || ch == '"' {
                        quote = Some(ch);
                        blank_ok = true;
                    }
                    ch == escape
                }
                Some(q) => {
                    if ch == q {
                        quote = None;
                    }
                    ch == escape && q != '\''
                }
            };
            pos += width;
            if escapes {
                if pos == len {
                    dropped = width;
                    break;
                }
                // The escaped character is kept whatever it is.
                pos += char_at(rest, pos).len_utf8();
            }
        }
        let word = &rest[start..pos - dropped];
        if blank_ok || !word.is_empty() {
            words.push((word.to_string(), start..pos));
        }
    }
    words
}

/// The character starting at byte `pos` of `text` (a character boundary before the end).
fn char_at(text: &str, pos: usize) -> char {
    match text.as_bytes()[pos] {
        b if b.is_ascii() => char::from(b),
        _ => text[pos..].chars().next().unwrap_or('\0'),
    }
}

/// ENV/LABEL: `key value` (legacy) or `k=v ...`, as key, value, separator triples.
fn parse_name_val(
    rest: &str,
    key: &str,
    escape: char,
) -> Result<Vec<(String, Range<usize>)>, String> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.0.contains('=') {
        let parts = split_whitespace_once(rest);
        let Some((k, v)) = parts else {
            return Err(format!("{key} must have two arguments"));
        };
        let sep = k.end..k.end;
        return Ok(vec![
            (rest[k.clone()].to_string(), k),
            (rest[v.clone()].to_string(), v),
            (String::new(), sep),
        ]);
    }
    let mut out = Vec::with_capacity(words.len() * 3);
    for (word, r) in words {
        let Some(eq) = word.find('=') else {
            return Err(format!(
                "Syntax error - can't find = in {}. Must be of the form: name=value",
                crate::dump::go_quote(&word)
            ));
        };
        // Quotes and escapes are kept in words, so the word is a verbatim slice.
        let k = r.start..r.start + eq;
        let v = r.start + eq + 1..r.end;
        out.push((word[..eq].to_string(), k));
        out.push((word[eq + 1..].to_string(), v));
        out.push(("=".to_string(), r.start + eq..r.start + eq + 1));
    }
    Ok(out)
}

/// Go's `reWhitespace.Split(rest, 2)`: the first word and everything after the gap.
fn split_whitespace_once(rest: &str) -> Option<(Range<usize>, Range<usize>)> {
    let i = rest.find(is_token_space)?;
    let after = &rest[i..];
    let j = i + (after.len() - after.trim_start_matches(is_token_space).len());
    Some((0..i, j..rest.len()))
}

/// RUN/CMD/ENTRYPOINT/SHELL: a JSON string array, else the whole text as one node.
fn parse_maybe_json(rest: &str) -> Result<(Words, bool), String> {
    if rest.is_empty() {
        return Ok((Vec::new(), false));
    }
    match parse_json_array(rest) {
        Ok(items) => Ok((
            items.into_iter().map(|j| (j.value, j.range)).collect(),
            true,
        )),
        Err(JsonArrayError::NotStringArray) => Err(NOT_STRING_ARRAY.to_string()),
        Err(JsonArrayError::NotJson) => Ok((vec![(rest.to_string(), 0..rest.len())], false)),
    }
}

/// HEALTHCHECK: the type word, then the rest as for CMD.
fn parse_health_config(rest: &str) -> Result<(Words, bool), String> {
    let b = rest.as_bytes();
    let mut sep = 0;
    while sep < b.len() && !is_latin1_space(b[sep]) {
        sep += 1;
    }
    let mut next = sep;
    while next < b.len() && is_latin1_space(b[next]) {
        next += 1;
    }
    if sep == 0 {
        return Ok((Vec::new(), false));
    }
    let sep = ceil_boundary(rest, sep);
    let next = ceil_boundary(rest, next.max(sep));
    let (cmd, json) = parse_maybe_json(&rest[next..])?;
    let mut out = vec![(rest[..sep].to_string(), 0..sep)];
    out.extend(
        cmd.into_iter()
            .map(|(v, r)| (v, next + r.start..next + r.end)),
    );
    Ok((out, json))
}

/// Heredoc openers in an instruction line (BuildKit's `heredocsFromLine`).
pub fn heredocs_from_line(line: &str) -> Result<Vec<Heredoc>, String> {
    let lexer = Lexer {
        raw_quotes: true,
        raw_escapes: true,
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    let words = lexer.process_words(line, &EmptyEnv).unwrap_or_default();
    let mut docs = Vec::new();
    for word in words {
        if let Some(doc) = parse_heredoc(&word)? {
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// One word as a heredoc opener (`<<EOF`, `<<-'EOF'`, `3<<EOF`, `<< EOF`).
pub fn parse_heredoc(word: &str) -> Result<Option<Heredoc>, String> {
    let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let Some(after) = word[digits..].strip_prefix("<<") else {
        return Ok(None);
    };
    let (chomp, after) = match after.strip_prefix('-') {
        Some(a) => (true, a),
        None => (false, after),
    };
    let rest = after.trim_start_matches(is_re2_space);
    if rest.contains('<') || rest.is_empty() {
        return Ok(None);
    }
    let fd = word[..digits].parse::<u32>().unwrap_or(0);
    let mut lexer = Lexer {
        skip_unset_env: true,
        ..Lexer::new('\\')
    };
    let words = lexer
        .process_words(rest, &EmptyEnv)
        .map_err(|e| e.to_string())?;
    if words.len() != 1 {
        return Ok(None);
    }
    lexer.raw_quotes = true;
    let raw = lexer
        .process_words(rest, &EmptyEnv)
        .map_err(|e| e.to_string())?;
    if raw.len() != words.len() {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {rest}"
        ));
    }
    let quotes = |s: &str| s.chars().filter(|&c| c == '\'' || c == '"').count();
    Ok(Some(Heredoc {
        expand: quotes(&words[0]) == quotes(&raw[0]),
        name: words.into_iter().next().unwrap_or_default(),
        file_descriptor: fd,
        chomp,
        content: String::new(),
        span: Span::default(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuation_rules() {
        assert_eq!(trim_continuation("a \\", '\\'), ("a ", false));
        assert_eq!(trim_continuation("a \\  \t", '\\'), ("a ", false));
        assert_eq!(trim_continuation("\\ ", '\\'), ("", false));
        assert_eq!(trim_continuation("a\\\\", '\\'), ("a\\\\", true));
        assert_eq!(trim_continuation("a `", '`'), ("a ", false));
        assert_eq!(trim_continuation("a \\", '`'), ("a \\", true));
    }

    #[test]
    fn flags_are_split_like_buildkit() {
        let (flags, at) = extract_builder_flags("--a=1 --b=\"x y\" -- c d");
        let names: Vec<_> = flags.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["--a=1", "--b=x y"]);
        assert_eq!(&"--a=1 --b=\"x y\" -- c d"[at..].trim(), &"c d");
    }

    #[test]
    fn words_keep_quotes() {
        let w: Vec<_> = parse_words("foo bar 'abc xyz' \"a b\"", '\\')
            .into_iter()
            .map(|w| w.0)
            .collect();
        assert_eq!(w, ["foo", "bar", "'abc xyz'", "\"a b\""]);
    }

    #[test]
    fn spans_map_across_continuations() {
        let src = "FROM a\nRUN echo one \\\n  && echo two\n";
        let df = parse(src);
        let run = &df.instructions[1];
        assert_eq!(run.original, "RUN echo one   && echo two");
        let two = run.original.find("two").unwrap();
        let span = run.original_span(two, two + 3);
        assert_eq!(&src[span.range()], "two");
        assert_eq!(&src[run.span.range()], "RUN echo one \\\n  && echo two");
        assert_eq!((run.start_line, run.end_line), (2, 3));
        assert_eq!(&src[run.args[0].span.range()], "echo one \\\n  && echo two");
    }

    #[test]
    fn errors_do_not_stop_the_parse() {
        let df = parse("FROM a\nCMD [\"a\", 1]\nENV X\nRUN ok\n");
        let msgs: Vec<_> = df.parser_errors().map(|e| e.message.as_str()).collect();
        assert_eq!(msgs.len(), 2, "{msgs:?}");
        assert_eq!(df.instructions.len(), 2);
    }
}
