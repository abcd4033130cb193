//! `--format json`: the object of design/cli-contract.md (`version`, `tool`,
//! `diagnostics`, `summary`). Structs, not `json!`, so keys keep the contract's order.

use super::{FileResult, Report};
use rayon::prelude::*;
use seguro_linter::diagnostic::Location;
use seguro_linter::{Applicability, Diagnostic, Severity, registry};
use serde::Serialize;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: Tool,
    diagnostics: Vec<Json<'a>>,
    summary: Summary,
}

/// The `tool` object of every JSON report.
#[derive(Clone, Copy, Serialize)]
pub struct Tool {
    name: &'static str,
    version: &'static str,
}

/// This program, as JSON reports name it.
pub const TOOL: Tool = Tool {
    name: "seguro",
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    styles: usize,
    fixable: usize,
    fixed: usize,
}

/// One diagnostic, as the contract spells it. A finding in a built image or a registry
/// has no line: `line`, `column`, `end_line` and `end_column` are `null` and `location`
/// says where it is (`{"layer": {"index": 2, "digest": "sha256:…"}, "path":
/// "/etc/shadow"}`, `{"field": "config.User"}`, `{"history": 4, …}`); other findings
/// have no `location` key.
#[derive(Serialize)]
pub struct Json<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    aliases: &'static [&'static str],
    help: Option<&'a str>,
    fix: Option<JsonFix<'a>>,
    related: Vec<JsonRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    location: Option<&'a Location>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    title: &'a str,
    applicability: &'static str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    content: &'a str,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    file: &'a str,
    /// `null` for a place in another file (only the file is known).
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

#[derive(Serialize)]
struct Stat {
    code: &'static str,
    name: &'static str,
    count: usize,
    fixable: usize,
}

/// Diagnostics rendered per parallel task: enough that a task's work dwarfs rayon's
/// scheduling (one task per diagnostic rendered the corpus about a third slower; 16 to
/// 256 made no difference), few enough that a few hundred findings still spread over
/// every core.
const CHUNK: usize = 64;

pub fn render(report: &Report) -> String {
    // The diagnostics are rendered in parallel (this is the one part of a lint run that
    // would otherwise run on one core), a chunk at a time, straight into one buffer per
    // chunk at their final indentation, then put into the frame rendered with an empty
    // list.
    let all: Vec<(&FileResult, &Diagnostic)> = report.diagnostics().collect();
    let chunks: Vec<String> = all.par_chunks(CHUNK).map(render_chunk).collect();
    let frame = pretty(&frame(report));
    let marker = "\"diagnostics\": [";
    let Some(at) = frame
        .find(marker)
        .map(|i| i + marker.len())
        .filter(|_| !chunks.is_empty())
    else {
        return frame;
    };
    // One allocation of the final size (a megabyte of findings is common in CI).
    let size = frame.len() + chunks.iter().map(|c| c.len() + 1).sum::<usize>() + 3;
    let mut out = String::with_capacity(size);
    out.push_str(&frame[..at]);
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(chunk);
    }
    out.push_str("\n  ");
    out.push_str(&frame[at..]);
    out
}

/// The items of the `diagnostics` array for `chunk`, each on a new line, separated by
/// commas, as `serde_json::to_string_pretty` would place them at depth 2 of the output.
fn render_chunk(chunk: &[(&FileResult, &Diagnostic)]) -> String {
    // Most findings take 600 to 1000 bytes: rarely a growth for a chunk.
    let mut out = String::with_capacity(chunk.len() * 1024);
    for (i, (f, d)) in chunk.iter().enumerate() {
        line_break(&mut out, i > 0, 2);
        diagnostic(f, d).write(Slot {
            out: &mut out,
            depth: 2,
        });
    }
    out
}

/// The output object without its diagnostics.
fn frame(report: &Report) -> Output<'_> {
    Output {
        version: 1,
        tool: TOOL,
        diagnostics: Vec::new(),
        summary: Summary {
            files: report.files.len(),
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            infos: report.count(Severity::Info),
            styles: report.count(Severity::Style),
            fixable: report.fixable(),
            fixed: report.fixed(),
        },
    }
}

pub fn pretty(value: &impl Serialize) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".to_string());
    s.push('\n');
    s
}

pub fn applicability(a: Applicability) -> &'static str {
    match a {
        Applicability::Safe => "safe",
        Applicability::Unsafe => "unsafe",
        Applicability::DisplayOnly => "display-only",
    }
}

/// One diagnostic as the contract's object.
pub fn diagnostic<'a>(file: &'a FileResult, d: &'a Diagnostic) -> Json<'a> {
    let r = file.range(d.span);
    let fix = d.fix.as_ref().map(|fix| JsonFix {
        title: &fix.title,
        applicability: applicability(fix.applicability),
        edits: fix
            .edits
            .iter()
            .map(|e| {
                let r = file.range(e.span);
                JsonEdit {
                    line: r.line,
                    column: r.column,
                    end_line: r.end_line,
                    end_column: r.end_column,
                    content: &e.replacement,
                }
            })
            .collect(),
    });
    let related = d
        .related
        .iter()
        .map(|rel| {
            let at = match (&rel.file, rel.span) {
                (None, Some(span)) => Some(file.position(span.start)),
                _ => None,
            };
            JsonRelated {
                file: rel.file.as_deref().unwrap_or(&file.name),
                line: at.map(|p| p.0),
                column: at.map(|p| p.1),
                message: &rel.message,
            }
        })
        .collect();
    let placed = d.location.is_none();
    Json {
        code: d.code,
        name: d.name,
        severity: d.severity.as_str(),
        message: &d.message,
        file: &file.name,
        line: placed.then_some(r.line),
        column: placed.then_some(r.column),
        end_line: placed.then_some(r.end_line),
        end_column: placed.then_some(r.end_column),
        aliases: registry::by_code(d.code).map_or(&[][..], |m| m.aliases),
        help: d.help.as_deref(),
        fix,
        related,
        location: d.location.as_ref(),
    }
}

/// `--statistics --format json`: `[{code, name, count, fixable}]`.
pub fn statistics(report: &Report) -> String {
    let rows: Vec<Stat> = report
        .statistics()
        .into_iter()
        .map(|(code, name, count, fixable)| Stat {
            code,
            name,
            count,
            fixable,
        })
        .collect();
    pretty(&rows)
}

// A pretty JSON writer for the diagnostic shapes above, byte-identical to
// `serde_json::to_string_pretty` (two-space indent, `": "` after keys, `[]` for an empty
// array, `null` for `None`). Going through serde's `PrettyFormatter` and re-indenting
// its output cost more than the rest of the report; CI runs report thousands of
// findings. The tests hold every shape to serde_json's output.

impl Json<'_> {
    /// Writes this diagnostic with the keys, in the order, of its derived `Serialize`.
    fn write(&self, slot: Slot<'_>) {
        let mut o = slot.object();
        o.key("code").str(self.code);
        o.key("name").str(self.name);
        o.key("severity").str(self.severity);
        o.key("message").str(self.message);
        o.key("file").str(self.file);
        o.key("line").opt_num(self.line);
        o.key("column").opt_num(self.column);
        o.key("end_line").opt_num(self.end_line);
        o.key("end_column").opt_num(self.end_column);
        o.key("aliases")
            .array(self.aliases, |s, alias| s.str(alias));
        o.key("help").opt_str(self.help);
        match &self.fix {
            Some(fix) => fix.write(o.key("fix")),
            None => o.key("fix").null(),
        }
        o.key("related").array(&self.related, |s, r| r.write(s));
        // Rare (image and registry findings) and of many optional shapes: serde renders it.
        if let Some(location) = self.location {
            o.key("location").serialized(location);
        }
        o.end();
    }
}

impl JsonFix<'_> {
    fn write(&self, slot: Slot<'_>) {
        let mut o = slot.object();
        o.key("title").str(self.title);
        o.key("applicability").str(self.applicability);
        o.key("edits").array(&self.edits, |s, e| e.write(s));
        o.end();
    }
}

impl JsonEdit<'_> {
    fn write(&self, slot: Slot<'_>) {
        let mut o = slot.object();
        o.key("line").num(self.line);
        o.key("column").num(self.column);
        o.key("end_line").num(self.end_line);
        o.key("end_column").num(self.end_column);
        o.key("content").str(self.content);
        o.end();
    }
}

impl JsonRelated<'_> {
    fn write(&self, slot: Slot<'_>) {
        let mut o = slot.object();
        o.key("file").str(self.file);
        o.key("line").opt_num(self.line);
        o.key("column").opt_num(self.column);
        o.key("message").str(self.message);
        o.end();
    }
}

/// Where one value goes: the buffer, positioned where the value starts, and the depth of
/// that line (the value's closing bracket goes at this depth, its members one deeper).
struct Slot<'o> {
    out: &'o mut String,
    depth: usize,
}

impl<'o> Slot<'o> {
    fn str(self, s: &str) {
        push_escaped(self.out, s);
    }

    fn opt_str(self, s: Option<&str>) {
        match s {
            Some(s) => self.str(s),
            None => self.null(),
        }
    }

    fn num(self, n: u32) {
        push_u32(self.out, n);
    }

    fn opt_num(self, n: Option<u32>) {
        match n {
            Some(n) => self.num(n),
            None => self.null(),
        }
    }

    fn null(self) {
        self.out.push_str("null");
    }

    /// An object; write its members with [`Object::key`], then [`Object::end`] it.
    fn object(self) -> Object<'o> {
        self.out.push('{');
        Object {
            out: self.out,
            depth: self.depth,
            empty: true,
        }
    }

    /// An array of `items`, each written by `each` into its slot.
    fn array<T>(self, items: &[T], mut each: impl FnMut(Slot<'_>, &T)) {
        if items.is_empty() {
            self.out.push_str("[]");
            return;
        }
        self.out.push('[');
        for (i, item) in items.iter().enumerate() {
            line_break(self.out, i > 0, self.depth + 1);
            each(
                Slot {
                    out: self.out,
                    depth: self.depth + 1,
                },
                item,
            );
        }
        line_break(self.out, false, self.depth);
        self.out.push(']');
    }

    /// `value` as serde_json pretty-prints it, its lines indented to this depth. JSON
    /// strings hold no raw newline, so indenting line by line is exact.
    fn serialized(self, value: &impl Serialize) {
        let text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".to_string());
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                line_break(self.out, false, self.depth);
            }
            self.out.push_str(line);
        }
    }
}

/// An object being written (its `{` already is).
struct Object<'o> {
    out: &'o mut String,
    depth: usize,
    empty: bool,
}

impl Object<'_> {
    /// Starts the member `name` (a plain identifier: written unescaped); its value goes
    /// into the returned slot.
    fn key(&mut self, name: &str) -> Slot<'_> {
        line_break(self.out, !self.empty, self.depth + 1);
        self.empty = false;
        self.out.push('"');
        self.out.push_str(name);
        self.out.push_str("\": ");
        Slot {
            out: self.out,
            depth: self.depth + 1,
        }
    }

    fn end(self) {
        if !self.empty {
            line_break(self.out, false, self.depth);
        }
        self.out.push('}');
    }
}

/// A comma if `comma`, a line break, then two spaces per level of `depth` (serde_json's
/// `PrettyFormatter`): what precedes every member, array item and closing bracket, so
/// written with one copy.
fn line_break(out: &mut String, comma: bool, depth: usize) {
    const BREAK: &str = ",\n                        ";
    let from = usize::from(!comma);
    match BREAK.get(from..2 + 2 * depth) {
        Some(text) => out.push_str(text),
        None => {
            out.push_str(&BREAK[from..2]);
            out.extend(std::iter::repeat_n(' ', 2 * depth));
        }
    }
}

/// `n` in decimal.
fn push_u32(out: &mut String, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// `s` as a JSON string, escaped exactly as serde_json does: `"` and `\` backslashed,
/// control characters as `\b \f \n \r \t` or else `\u00xx` (lowercase hex), everything
/// else (`/`, DEL, non-ASCII) as is.
fn push_escaped(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    while let Some(i) = next_escape(bytes, start) {
        // Only ASCII bytes are escaped, so `start..i` is on character boundaries.
        out.push_str(&s[start..i]);
        start = i + 1;
        match bytes[i] {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            b => {
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 0xf)]));
            }
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether JSON must escape the byte `b`.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// The index of the first byte at or after `from` that JSON must escape. Most strings
/// have none: they are skipped eight bytes at a time, which is most of what escaping
/// costs.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Whether some byte of `w` is below `n` (at most 128), the classic bit trick: a high
    // bit the byte lacked appears only in a byte below `n` (borrows only run upwards
    // from such a byte), so the yes/no answer is exact.
    let has_below = |w: u64, n: u8| w.wrapping_sub(ONES * u64::from(n)) & !w & HIGHS != 0;
    let has_byte = |w: u64, b: u8| has_below(w ^ (ONES * u64::from(b)), 1);
    let mut at = from;
    while let Some(word) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        if has_below(w, 0x20) || has_byte(w, b'"') || has_byte(w, b'\\') {
            break;
        }
        at += 8;
    }
    bytes[at..]
        .iter()
        .position(|&b| needs_escape(b))
        .map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use seguro_dockerfile::Span;
    use seguro_linter::diagnostic::{Edit, Fix, LayerRef, Related};

    /// Every byte serde_json escapes, and some it leaves alone.
    const AWKWARD: &str = "q\"b\\s/ \u{0}\u{1}\u{7}\u{8}\t\n\u{b}\u{c}\r\u{e}\u{1f} \u{7f} é 🦀";

    fn finding(code: &'static str, span: (usize, usize)) -> Diagnostic {
        Diagnostic {
            code,
            name: "some-rule",
            severity: Severity::Warning,
            message: format!("message {AWKWARD}"),
            span: Span::new(span.0, span.1),
            help: None,
            fix: None,
            related: Vec::new(),
            location: None,
        }
    }

    /// Findings of every shape: with and without help, aliases, fix (with no, one and
    /// several edits), related places and image locations (empty or not).
    fn report() -> Report {
        let text = "FROM ubuntu\nMAINTAINER é \"x\"\nADD a.txt /a\n".to_string();
        let plain = finding("SG999", (0, 4));
        let mut helped = finding("SG101", (5, 11));
        helped.set_help(format!("help {AWKWARD}"));
        let mut fixed = finding("SG701", (12, 30));
        fixed.set_fix(Fix::safe(
            format!("title {AWKWARD}"),
            vec![Edit {
                span: Span::new(12, 30),
                replacement: format!("LABEL {AWKWARD}"),
            }],
        ));
        let mut edits = finding("SG501", (31, 34));
        edits.set_fix(Fix::new(
            "two",
            Applicability::Unsafe,
            vec![
                Edit {
                    span: Span::new(31, 34),
                    replacement: "COPY".into(),
                },
                Edit {
                    span: Span::new(40, 40),
                    replacement: String::new(),
                },
            ],
        ));
        let mut none = finding("SG501", (31, 34));
        none.set_fix(Fix::new("none", Applicability::DisplayOnly, Vec::new()));
        let mut related = finding("SG201", (0, 11));
        related.add_related(Span::new(12, 22), format!("here {AWKWARD}"));
        related.related.push(Related {
            file: Some(format!("other/{AWKWARD}")),
            span: None,
            message: "there".into(),
        });
        let mut image = finding("SG999", (0, 0));
        image.location = Some(Location {
            layer: Some(LayerRef {
                index: 2,
                digest: "sha256:0123".into(),
            }),
            path: Some(format!("/etc/{AWKWARD}")),
            field: Some("config.User".into()),
            history: Some(4),
            reference: Some("ghcr.io/acme/app:1.2".into()),
        });
        let mut empty_location = finding("SG999", (0, 0));
        empty_location.location = Some(Location::default());
        let file = FileResult::new(
            format!("dir/{AWKWARD}/Dockerfile"),
            text,
            vec![plain, helped, fixed, edits, none, related],
        );
        let image = FileResult::new("img.tar".into(), String::new(), vec![image, empty_location]);
        let clean = FileResult::new("clean".into(), "FROM scratch\n".into(), Vec::new());
        Report {
            files: vec![file, image, clean],
            unsafe_fixes: false,
            fix_mode: false,
            statistics: false,
            styled: false,
        }
    }

    /// The renderer as it was, all serde: each diagnostic pretty-printed, indented and
    /// spliced into the frame.
    fn reference(report: &Report) -> String {
        let mut output = frame(report);
        output.diagnostics = report
            .diagnostics()
            .map(|(f, d)| diagnostic(f, d))
            .collect();
        pretty(&output)
    }

    #[test]
    fn matches_serde_json_byte_for_byte() {
        let report = report();
        assert_eq!(render(&report), reference(&report));
    }

    #[test]
    fn matches_serde_json_across_chunks_and_without_findings() {
        let mut report = report();
        let file = &mut report.files[0];
        let copies: Vec<Diagnostic> = (0..CHUNK * 2 + 1)
            .map(|i| file.diagnostics[i % file.diagnostics.len()].clone())
            .collect();
        file.diagnostics = copies;
        assert_eq!(render(&report), reference(&report));
        for file in &mut report.files {
            file.diagnostics.clear();
        }
        assert_eq!(render(&report), reference(&report));
    }

    #[test]
    fn escapes_like_serde_json() {
        let all: String = (0u8..0x80).map(char::from).chain(AWKWARD.chars()).collect();
        let mut out = String::new();
        push_escaped(&mut out, &all);
        assert_eq!(out, serde_json::to_string(&all).unwrap());
    }

    #[test]
    fn escapes_at_every_offset_like_serde_json() {
        // Each escaped byte at each place of an eight-byte word, after ASCII and after
        // multi-byte characters (whose bytes are all >= 0x80).
        for prefix in ["", "a", "abcdefg", "é", "ééé", "🦀🦀", "\u{7f}\u{80}\u{ff}"] {
            for pad in 0..17 {
                for special in ['"', '\\', '\u{0}', '\u{1f}', '\n', 'x'] {
                    let s = format!("{prefix}{}{special}{prefix}", "z".repeat(pad));
                    let mut out = String::new();
                    push_escaped(&mut out, &s);
                    assert_eq!(out, serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn line_breaks_at_any_depth() {
        for depth in 0..20 {
            for comma in [false, true] {
                let mut out = String::new();
                line_break(&mut out, comma, depth);
                let expected = format!("{}\n{}", if comma { "," } else { "" }, "  ".repeat(depth));
                assert_eq!(out, expected);
            }
        }
    }

    #[test]
    fn numbers_like_serde_json() {
        for n in [0, 1, 9, 10, 99, 100, 12345, u32::MAX] {
            let mut out = String::new();
            push_u32(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }
}
