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

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

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

pub fn render(report: &Report) -> String {
    // The diagnostics are rendered in parallel (this is the one part of a lint run that
    // would otherwise run on one core), each as pretty JSON indented to its place, then
    // put into the frame rendered with an empty list. JSON strings hold no raw newline,
    // so indenting line by line is exact.
    let all: Vec<(&FileResult, &Diagnostic)> = report.diagnostics().collect();
    let items: Vec<String> = all
        .par_iter()
        .map(|(f, d)| {
            let text = serde_json::to_string_pretty(&diagnostic(f, d)).unwrap_or_default();
            let mut out = String::with_capacity(text.len() + text.len() / 8);
            for (i, line) in text.lines().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str("    ");
                out.push_str(line);
            }
            out
        })
        .collect();
    let frame = pretty(&frame(report));
    let marker = "\"diagnostics\": [";
    let Some(at) = frame
        .find(marker)
        .map(|i| i + marker.len())
        .filter(|_| !items.is_empty())
    else {
        return frame;
    };
    // One allocation of the final size (a megabyte of findings is common in CI).
    let size = frame.len() + items.iter().map(|i| i.len() + 2).sum::<usize>() + 4;
    let mut out = String::with_capacity(size);
    out.push_str(&frame[..at]);
    out.push('\n');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str(item);
    }
    out.push_str("\n  ");
    out.push_str(&frame[at..]);
    out
}

/// The output object without its diagnostics.
fn frame(report: &Report) -> Output<'_> {
    Output {
        version: 1,
        tool: Tool {
            name: "seguro",
            version: env!("CARGO_PKG_VERSION"),
        },
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
