//! `--format sarif`: SARIF 2.1.0 with every rule's documentation in `tool.driver.rules`.

use super::{FileResult, Range, Report, security_severity};
use rayon::prelude::*;
use seguro_linter::diagnostic::Location;
use seguro_linter::{Diagnostic, RuleMeta, Severity, registry};
use serde_json::{Value, json};

/// Where the rule pages live (`docs/rules/<CODE>.md` in the repository).
const DOCS_URL: &str = "https://github.com/seguro-dev/seguro/blob/main/docs/rules";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
        Severity::Off => "none",
    }
}

fn rule(meta: &RuleMeta) -> Value {
    let markdown = meta.markdown();
    let full = meta
        .doc_section("What it does")
        .unwrap_or_else(|| meta.summary.to_string());
    let subject = match meta.code.get(..2) {
        Some("SI") => "container-image",
        Some("SR") => "registry",
        _ => "dockerfile",
    };
    let mut tags = vec![
        "security".to_string(),
        subject.to_string(),
        format!("section-{}", meta.section),
    ];
    tags.extend(meta.aliases.iter().map(|a| a.to_string()));
    let mut configuration = json!({ "level": level(meta.severity) });
    if meta.severity == Severity::Off {
        configuration = json!({ "level": "warning", "enabled": false });
    }
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": { "text": crate::commands::rules::first_sentence(meta) },
        "fullDescription": { "text": full },
        "help": { "text": markdown, "markdown": markdown },
        "helpUri": format!("{DOCS_URL}/{}.md", meta.code),
        "defaultConfiguration": configuration,
        "properties": {
            "security-severity": security_severity(match meta.severity {
                Severity::Off => Severity::Warning,
                s => s,
            }),
            "tags": tags,
        },
    })
}

/// A path as a URI reference: percent-encoded, `/`-separated; absolute paths as `file:`.
pub fn uri(path: &str) -> (String, bool) {
    let path = path.replace('\\', "/");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    let out = out.strip_prefix("./").map(str::to_string).unwrap_or(out);
    if path.starts_with('/') {
        (format!("file://{out}"), true)
    } else {
        (out, false)
    }
}

fn artifact(name: &str) -> Value {
    match uri(name) {
        (u, true) => json!({ "uri": u }),
        (u, false) => json!({ "uri": u, "uriBaseId": "%SRCROOT%" }),
    }
}

fn region(r: Range) -> Value {
    json!({
        "startLine": r.line,
        "startColumn": r.column,
        "endLine": r.end_line,
        "endColumn": r.end_column,
    })
}

/// The place of an image or registry finding: the source as the artifact (no region)
/// and a logical location naming the layer, path, field or history step; the structured
/// location is also in the result's `properties.location`.
fn located(file: &FileResult, at: &Location) -> Value {
    let kind = if at.path.is_some() {
        "resource"
    } else if at.field.is_some() {
        "property"
    } else {
        "object"
    };
    let name = at
        .path
        .clone()
        .or_else(|| at.field.clone())
        .or_else(|| at.reference.clone())
        .unwrap_or_else(|| at.describe());
    json!({
        "physicalLocation": { "artifactLocation": artifact(&file.name) },
        "logicalLocations": [{
            "name": name,
            "fullyQualifiedName": at.describe(),
            "kind": kind,
        }],
    })
}

fn result(file: &FileResult, d: &Diagnostic, index: Option<usize>) -> Value {
    let location = match &d.location {
        Some(at) => located(file, at),
        None => json!({
            "physicalLocation": {
                "artifactLocation": artifact(&file.name),
                "region": region(file.range(d.span)),
            }
        }),
    };
    let mut res = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": d.message },
        "locations": [location],
    });
    if let Some(at) = &d.location {
        res["properties"] = json!({ "location": at });
    }
    if let Some(i) = index {
        res["ruleIndex"] = json!(i);
    }
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, rel)| {
            let physical = match (&rel.file, rel.span) {
                (None, Some(span)) => json!({
                    "artifactLocation": artifact(&file.name),
                    "region": region(file.range(span)),
                }),
                (Some(other), _) => json!({ "artifactLocation": artifact(other) }),
                (None, None) => json!({ "artifactLocation": artifact(&file.name) }),
            };
            json!({ "id": i + 1, "physicalLocation": physical, "message": { "text": rel.message } })
        })
        .collect();
    if !related.is_empty() {
        res["relatedLocations"] = Value::Array(related);
    }
    if let Some(fix) = &d.fix {
        let replacements: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| {
                json!({
                    "deletedRegion": region(file.range(e.span)),
                    "insertedContent": { "text": e.replacement },
                })
            })
            .collect();
        res["fixes"] = json!([{
            "description": { "text": fix.title },
            "artifactChanges": [{
                "artifactLocation": artifact(&file.name),
                "replacements": replacements,
            }],
        }]);
    }
    res
}

pub fn render(report: &Report) -> String {
    // Rules and results are built on every core: the JSON trees are the cost of SARIF.
    let metas: Vec<&RuleMeta> = registry::metas();
    let rules: Vec<Value> = metas.par_iter().map(|m| rule(m)).collect();
    let all: Vec<(&FileResult, &Diagnostic)> = report.diagnostics().collect();
    let results: Vec<Value> = all
        .par_iter()
        .map(|(f, d)| result(f, d, metas.binary_search_by(|m| m.code.cmp(d.code)).ok()))
        .collect();
    let root = std::env::current_dir()
        .ok()
        .map(|d| {
            let (u, _) = uri(&d.to_string_lossy());
            let u = if u.starts_with("file://") {
                u
            } else {
                format!("file:///{u}")
            };
            if u.ends_with('/') { u } else { format!("{u}/") }
        })
        .unwrap_or_else(|| "file:///".to_string());
    let version = env!("CARGO_PKG_VERSION");
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "seguro",
                    "version": version,
                    "semanticVersion": version,
                    "informationUri": "https://github.com/seguro-dev/seguro",
                    "rules": rules,
                }
            },
            "invocations": [{ "executionSuccessful": true }],
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root } },
            "results": results,
        }],
    });
    super::json::pretty(&sarif)
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris() {
        assert_eq!(
            uri("a b/Dockerfile"),
            ("a%20b/Dockerfile".to_string(), false)
        );
        assert_eq!(uri("./x/Dockerfile").0, "x/Dockerfile");
        assert_eq!(
            uri("/abs/Dockerfile"),
            ("file:///abs/Dockerfile".to_string(), true)
        );
    }
}
