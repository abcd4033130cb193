//! `--format human`: a code frame per finding (annotate-snippets), then a footer.

use super::{FileResult, Report, mask_secrets};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use seguro_dockerfile::Span;
use seguro_linter::diagnostic::Location;
use seguro_linter::{Applicability, Diagnostic, Severity};
use std::fmt::Write;

/// A frame never shows more lines than this.
const MAX_FRAME_LINES: u32 = 8;

pub fn render(report: &Report) -> String {
    let renderer = if report.styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for (file, d) in report.diagnostics() {
        out.push_str(&renderer.render(&[diagnostic(report, file, d)]));
        out.push_str("\n\n");
    }
    out.push_str(&footer(report));
    out
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Style | Severity::Off => Level::INFO.with_name("style"),
    }
}

/// The lines `[first, last]` a span is shown on (a span ending right after a line break
/// ends on the line before), at most [`MAX_FRAME_LINES`].
fn frame_lines(file: &FileResult, span: Span) -> (u32, u32) {
    let first = file.position(span.start).0;
    let mut end = span.end;
    if end > span.start && file.text.as_bytes().get(end as usize - 1) == Some(&b'\n') {
        end -= 1;
    }
    let last = file.position(end).0.max(first);
    (first, last.min(first + MAX_FRAME_LINES - 1))
}

/// The text of lines `[first, last]` (secrets masked) and the span mapped into it.
fn frame(file: &FileResult, span: Span) -> (u32, String, std::ops::Range<usize>) {
    let (first, last) = frame_lines(file, span);
    let start = file.index.line_start(first).unwrap_or(0) as usize;
    let end = file
        .index
        .line_start(last + 1)
        .map_or(file.text.len(), |e| e as usize);
    let chunk = file.text.get(start..end).unwrap_or("");
    let chunk = chunk.strip_suffix('\n').unwrap_or(chunk);
    let chunk = chunk.strip_suffix('\r').unwrap_or(chunk);
    let (masked, map) = mask_secrets(chunk);
    let clamp = |o: u32| (o as usize).saturating_sub(start).min(chunk.len());
    let (a, b) = (map(clamp(span.start)), map(clamp(span.end)));
    (first, masked, a..b.max(a))
}

/// A finding in an image or a registry: the message, then one line naming the source and
/// the place (`--> app.tar:layer 2 (sha256:0123456789ab) /etc/shadow`), no code frame.
fn located<'a>(file: &'a FileResult, d: &'a Diagnostic, at: &Location) -> Group<'a> {
    let place = at.describe();
    let mut origin = Origin::path(file.name.as_str());
    if !place.is_empty() {
        origin = origin.section(place);
    }
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code)
        .element(origin);
    for rel in &d.related {
        let text = match &rel.file {
            Some(other) => format!("{other}: {}", rel.message),
            None => rel.message.clone(),
        };
        group = group.element(Level::NOTE.message(text));
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    group
}

fn diagnostic<'a>(report: &Report, file: &'a FileResult, d: &'a Diagnostic) -> Group<'a> {
    if let Some(at) = &d.location {
        return located(file, d, at);
    }
    let (first, source, range) = frame(file, d.span);
    let mut snippet = Snippet::source(source)
        .line_start(first as usize)
        .path(file.name.as_str())
        .annotation(AnnotationKind::Primary.span(range).label(d.name));
    let mut notes = Vec::new();
    for rel in &d.related {
        match (&rel.file, rel.span) {
            (None, Some(span)) if frame_lines(file, span).0 == first => {
                let (_, _, r) = frame(file, span);
                snippet =
                    snippet.annotation(AnnotationKind::Context.span(r).label(rel.message.as_str()));
            }
            (None, Some(span)) => {
                let (line, source, r) = frame(file, span);
                notes.push(
                    Snippet::source(source)
                        .line_start(line as usize)
                        .path(file.name.as_str())
                        .annotation(AnnotationKind::Context.span(r).label(rel.message.as_str())),
                );
            }
            _ => {}
        }
    }
    let mut group = level(d.severity)
        .primary_title(d.message.as_str())
        .id(d.code)
        .element(snippet);
    for n in notes {
        group = group.element(n);
    }
    for rel in &d.related {
        match (&rel.file, rel.span) {
            (Some(other), _) => {
                group = group.element(Level::NOTE.message(format!("{other}: {}", rel.message)));
            }
            (None, None) => group = group.element(Level::NOTE.message(rel.message.as_str())),
            _ => {}
        }
    }
    if let Some(help) = &d.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    if let Some(fix) = &d.fix {
        let how = match fix.applicability {
            Applicability::Safe => "safe, `--fix`",
            Applicability::Unsafe if report.unsafe_fixes => "unsafe, `--fix`",
            Applicability::Unsafe => "unsafe, `--fix --unsafe-fixes`",
            Applicability::DisplayOnly => "suggestion, review it",
        };
        group = group.element(
            Level::NOTE
                .with_name("fix")
                .message(format!("{} ({how})", fix.title)),
        );
    }
    group
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn footer(report: &Report) -> String {
    let mut out = String::new();
    let noun = report.files.first().map_or("file", |f| f.noun);
    let files = if report.files.iter().all(|f| f.noun == noun) {
        plural(report.files.len(), noun, &format!("{noun}s"))
    } else {
        plural(report.files.len(), "input", "inputs")
    };
    let total = report.diagnostics().count();
    if report.fix_mode && report.fixed() > 0 {
        let _ = writeln!(
            out,
            "Fixed {}.",
            plural(report.fixed(), "finding", "findings")
        );
    }
    if total == 0 {
        let _ = writeln!(out, "All checks passed ({files}).");
        return out;
    }
    let mut parts = Vec::new();
    for (sev, one, many) in [
        (Severity::Error, "error", "errors"),
        (Severity::Warning, "warning", "warnings"),
        (Severity::Info, "info", "infos"),
        (Severity::Style, "style", "style"),
    ] {
        let n = report.count(sev);
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let _ = writeln!(
        out,
        "Found {} ({}) in {files}.",
        plural(total, "finding", "findings"),
        parts.join(", ")
    );
    let fixable = report.fixable();
    if fixable > 0 {
        let _ = writeln!(
            out,
            "{} fixable with `seguro lint --fix`.",
            plural(fixable, "finding is", "findings are")
        );
    }
    let hidden = report.unsafe_only();
    if hidden > 0 {
        let _ = writeln!(
            out,
            "{hidden} more {} with `--unsafe-fixes`.",
            if hidden == 1 { "fix" } else { "fixes" }
        );
    }
    out
}

/// `--statistics`: one line per rule.
pub fn statistics(report: &Report) -> String {
    let stats = report.statistics();
    let mut out = String::new();
    for (code, name, count, fixable) in &stats {
        let mark = if *fixable > 0 { "[*]" } else { "   " };
        let _ = writeln!(out, "{count:>6}  {code:<6} {mark} {name}");
    }
    if stats.is_empty() {
        out.push_str("No findings.\n");
    }
    out
}
