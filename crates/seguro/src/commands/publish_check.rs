//! `seguro publish-check REF`: checks an image where it is published (tag policy,
//! signature, labels, who can pull it, transport, tag drift) with the `SR` rules of
//! seguro-registry; exit 1 on findings of warning or worse, 2 when the registry cannot be
//! read.

use crate::cli::{Format, PublishCheckArgs, VisibilityArg};
use crate::report::{FileResult, Report};
use seguro_linter::{Diagnostic, Severity};
use seguro_registry::publish::{self, Expectations, Facts, Signature, Visibility};
use seguro_registry::{AnonymousPull, Options};
use seguro_sign::PublicKey;
use serde::Serialize;
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;

pub fn run(args: &PublishCheckArgs) -> Result<ExitCode, String> {
    let key = match &args.key {
        Some(path) => Some(PublicKey::from_file(path)?),
        None => None,
    };
    let options = Options {
        insecure_registries: args.insecure_registry.clone(),
        ..Options::default()
    };
    let expect = Expectations {
        visibility: args.expect_visibility.map(|v| match v {
            VisibilityArg::Private => Visibility::Private,
            VisibilityArg::Public => Visibility::Public,
        }),
        digest: args.expect_digest.clone(),
    };
    let facts = publish::gather(&args.reference, &options, key.as_ref(), expect)
        .map_err(|e| format!("{}: {e}", args.reference))?;
    let mut diagnostics = publish::check(&facts);
    diagnostics.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(b.code)));
    let text = match args.format {
        Format::Human => human(&facts, &diagnostics),
        Format::Json => json(&facts, &diagnostics)?,
        // The other machine formats go through the renderers `lint` and `image` use.
        other => {
            let mut result =
                FileResult::new(args.reference.clone(), String::new(), diagnostics.clone());
            result.noun = "image";
            let report = Report {
                files: vec![result],
                unsafe_fixes: false,
                fix_mode: false,
                statistics: false,
                styled: false,
            };
            report.render(other)
        }
    };
    std::io::stdout()
        .lock()
        .write_all(text.as_bytes())
        .map_err(|e| format!("writing output: {e}"))?;
    let failing = diagnostics.iter().any(|d| d.severity >= Severity::Warning);
    Ok(if failing {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn signature_word(facts: &Facts) -> String {
    match &facts.signature {
        None => "not checked".into(),
        Some(Signature::Absent { .. }) => "none".into(),
        Some(Signature::Unverified { tag }) => format!("present ({tag}), not verified (no --key)"),
        Some(Signature::Valid { valid, total }) => format!("valid ({valid} of {total})"),
        Some(Signature::Invalid { kind, .. }) => format!("invalid ({kind})"),
    }
}

fn anonymous_word(anonymous: Option<&AnonymousPull>) -> Option<&'static str> {
    anonymous.map(|a| match a {
        AnonymousPull::Allowed { .. } => "allowed",
        AnonymousPull::AllowedTagMissing => "allowed-tag-missing",
        AnonymousPull::Denied { .. } => "denied",
        AnonymousPull::NotFoundOrDenied { .. } => "not-found-or-denied",
    })
}

fn human(facts: &Facts, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} -> {} ({})",
        facts.display(),
        facts.digest,
        facts.media_type
    );
    let _ = writeln!(out, "  signature: {}", signature_word(facts));
    if let Some(anonymous) = &facts.anonymous {
        let _ = writeln!(out, "  {}", anonymous.describe());
    }
    for d in diagnostics {
        let _ = writeln!(out, "{}[{}] {}: {}", d.severity, d.code, d.name, d.message);
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
    }
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let _ = writeln!(
        out,
        "{} finding{} ({} error, {} warning, {} info)",
        diagnostics.len(),
        if diagnostics.len() == 1 { "" } else { "s" },
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out
}

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    tool: crate::report::json::Tool,
    reference: String,
    registry: &'a str,
    digest: &'a str,
    media_type: &'a str,
    signature: String,
    anonymous_pull: Option<&'static str>,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    summary: Summary,
}

/// The contract's diagnostic object; a registry finding has no line or column, and says
/// where it is in `location`.
#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    file: String,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
    aliases: &'static [&'static str],
    help: Option<&'a str>,
    fix: Option<()>,
    related: Vec<()>,
    location: Option<&'a seguro_linter::diagnostic::Location>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    fixable: usize,
}

fn json(facts: &Facts, diagnostics: &[Diagnostic]) -> Result<String, String> {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let output = Output {
        version: 1,
        tool: crate::report::json::TOOL,
        reference: facts.display(),
        registry: &facts.endpoint.domain,
        digest: &facts.digest,
        media_type: &facts.media_type,
        signature: match &facts.signature {
            None => "not-checked".into(),
            Some(Signature::Absent { .. }) => "absent".into(),
            Some(Signature::Unverified { .. }) => "unverified".into(),
            Some(Signature::Valid { .. }) => "valid".into(),
            Some(Signature::Invalid { .. }) => "invalid".into(),
        },
        anonymous_pull: anonymous_word(facts.anonymous.as_ref()),
        diagnostics: diagnostics
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code,
                name: d.name,
                severity: d.severity.as_str(),
                message: &d.message,
                file: facts.display(),
                line: None,
                column: None,
                end_line: None,
                end_column: None,
                aliases: seguro_linter::registry::find(d.code).map_or(&[], |m| m.aliases),
                help: d.help.as_deref(),
                fix: None,
                related: Vec::new(),
                location: d.location.as_ref(),
            })
            .collect(),
        summary: Summary {
            files: 1,
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            fixable: 0,
        },
    };
    let mut text = serde_json::to_string_pretty(&output).map_err(|e| e.to_string())?;
    text.push('\n');
    Ok(text)
}
