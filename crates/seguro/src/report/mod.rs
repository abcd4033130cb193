//! The results of a lint run and their renderings, one module per `--format`.

mod github;
mod gitlab;
mod human;
pub mod json;
mod sarif;
mod xml;

use crate::cli::Format;
use seguro_dockerfile::{LineIndex, Span};
use seguro_linter::{Applicability, Diagnostic, Severity};

/// One linted file (or one checked image: its findings carry a
/// [`seguro_linter::diagnostic::Location`] and its `text` is empty).
pub struct FileResult {
    /// The name shown in reports (as given or found, `/`-separated).
    pub name: String,
    /// What the input is called in summaries (`file`, `image`).
    pub noun: &'static str,
    /// The text the diagnostics point into (after fixes, with `--fix`).
    pub text: String,
    pub index: LineIndex,
    pub diagnostics: Vec<Diagnostic>,
    /// Fixes applied by `--fix`.
    pub fixed: usize,
    /// Findings at or above this severity fail the run (`Off`: none do).
    pub fail_on: Severity,
}

impl FileResult {
    pub fn new(name: String, text: String, diagnostics: Vec<Diagnostic>) -> FileResult {
        let index = LineIndex::new(&text);
        FileResult {
            name,
            noun: "file",
            text,
            index,
            diagnostics,
            fixed: 0,
            fail_on: Severity::Warning,
        }
    }

    /// 1-based line and character column of a byte offset.
    pub fn position(&self, offset: u32) -> (u32, u32) {
        let lc = self.index.line_col(&self.text, offset);
        (lc.line, lc.column)
    }

    /// Start and (exclusive) end positions of a span.
    pub fn range(&self, span: Span) -> Range {
        let (line, column) = self.position(span.start);
        let (end_line, end_column) = self.position(span.end);
        Range {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text of the (1-based) line, without its line break.
    pub fn line_text(&self, line: u32) -> &str {
        let start = self.index.line_start(line).unwrap_or(0) as usize;
        let end = self
            .index
            .line_start(line + 1)
            .map_or(self.text.len(), |e| e as usize);
        self.text
            .get(start..end)
            .unwrap_or("")
            .trim_end_matches(['\n', '\r'])
    }

    pub fn failing(&self) -> bool {
        self.fail_on != Severity::Off && self.diagnostics.iter().any(|d| d.severity >= self.fail_on)
    }
}

/// A span's place: 1-based lines and character columns, end exclusive.
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Everything a renderer needs.
pub struct Report {
    pub files: Vec<FileResult>,
    /// `--unsafe-fixes`: unsafe fixes count as fixable.
    pub unsafe_fixes: bool,
    /// `--fix` was given.
    pub fix_mode: bool,
    /// `--statistics`.
    pub statistics: bool,
    /// Colours allowed (human format to a terminal).
    pub styled: bool,
}

impl Report {
    pub fn diagnostics(&self) -> impl Iterator<Item = (&FileResult, &Diagnostic)> {
        self.files
            .iter()
            .flat_map(|f| f.diagnostics.iter().map(move |d| (f, d)))
    }

    /// Whether `--fix` (with the current `--unsafe-fixes`) would apply this diagnostic's fix.
    pub fn is_fixable(&self, d: &Diagnostic) -> bool {
        d.fix.as_ref().is_some_and(|f| match f.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::DisplayOnly => false,
        })
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics()
            .filter(|(_, d)| d.severity == severity)
            .count()
    }

    pub fn fixable(&self) -> usize {
        self.diagnostics()
            .filter(|(_, d)| self.is_fixable(d))
            .count()
    }

    /// Fixes only `--unsafe-fixes` would add.
    pub fn unsafe_only(&self) -> usize {
        self.diagnostics()
            .filter(|(_, d)| {
                d.fix
                    .as_ref()
                    .is_some_and(|f| f.applicability == Applicability::Unsafe)
            })
            .count()
            * usize::from(!self.unsafe_fixes)
    }

    pub fn fixed(&self) -> usize {
        self.files.iter().map(|f| f.fixed).sum()
    }

    /// Per rule: code, name, count, fixable count; sorted by count then code.
    pub fn statistics(&self) -> Vec<(&'static str, &'static str, usize, usize)> {
        let mut stats: Vec<(&'static str, &'static str, usize, usize)> = Vec::new();
        for (_, d) in self.diagnostics() {
            let fixable = usize::from(self.is_fixable(d));
            match stats.iter_mut().find(|s| s.0 == d.code) {
                Some(s) => {
                    s.2 += 1;
                    s.3 += fixable;
                }
                None => stats.push((d.code, d.name, 1, fixable)),
            }
        }
        stats.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
        stats
    }

    /// Renders in `format`.
    pub fn render(&self, format: Format) -> String {
        if self.statistics {
            return match format {
                Format::Json => json::statistics(self),
                _ => human::statistics(self),
            };
        }
        match format {
            Format::Human => human::render(self),
            Format::Json => json::render(self),
            Format::Sarif => sarif::render(self),
            Format::Github => github::render(self),
            Format::Checkstyle => xml::checkstyle(self),
            Format::Junit => xml::junit(self),
            Format::Gitlab => gitlab::render(self),
        }
    }
}

/// Text with its secret values masked, and a function mapping a byte offset of the
/// original text to one of the masked text.
pub fn mask_secrets(text: &str) -> (String, impl Fn(usize) -> usize) {
    let mut findings = seguro_secrets::scan(text);
    findings.sort_by_key(|f| f.span.start);
    let mut masked = String::with_capacity(text.len());
    // (original start, original end, masked start, masked end)
    let mut moves: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut pos = 0;
    for f in findings {
        let (s, e) = (f.span.start, f.span.end);
        if s < pos || e > text.len() || !text.is_char_boundary(s) || !text.is_char_boundary(e) {
            continue;
        }
        masked.push_str(&text[pos..s]);
        let m = seguro_secrets::mask(&text[s..e]);
        let ms = masked.len();
        masked.push_str(&m);
        moves.push((s, e, ms, masked.len()));
        pos = e;
    }
    masked.push_str(&text[pos..]);
    let map = move |offset: usize| {
        let mut shift: isize = 0;
        for &(s, e, ms, me) in &moves {
            if offset < s {
                break;
            }
            if offset < e {
                // Inside a secret: its start, or its masked end for an end offset.
                return if offset == s { ms } else { me };
            }
            shift = me as isize - e as isize;
        }
        (offset as isize + shift).max(0) as usize
    };
    (masked, map)
}

/// `SG201` → severity score GitHub code scanning reads (`security-severity`).
pub fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.0",
        Severity::Info => "2.0",
        Severity::Style | Severity::Off => "1.0",
    }
}

/// Escapes text for XML attributes and element content (and drops characters XML 1.0
/// cannot carry).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masking_keeps_offsets_meaningful() {
        let token = "ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe".to_string();
        let text = format!("ENV A=1 T={token} B=2\n");
        let (masked, map) = mask_secrets(&text);
        assert!(!masked.contains(&token));
        assert!(masked.contains("ghp_****"));
        let b = text.find("B=2").unwrap();
        assert_eq!(&masked[map(b)..map(b) + 3], "B=2");
        assert_eq!(map(0), 0);
        let t = text.find("ghp_").unwrap();
        assert_eq!(&masked[map(t)..map(t + token.len())], "ghp_****");
    }

    #[test]
    fn xml_escapes() {
        assert_eq!(
            xml_escape("a<b & \"c\"\u{1}"),
            "a&lt;b &amp; &quot;c&quot;\u{FFFD}"
        );
    }
}
