//! Diagnostics, severities and fixes (edits with an applicability).

use seguro_dockerfile::Span;
use serde::Serialize;
use std::fmt;

/// How serious a finding is; `Off` disables a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses `error|warning|info|style|off` (hadolint's `ignore`/`none` mean off).
    pub fn parse(s: &str) -> Option<Severity> {
        Some(match s.to_ascii_lowercase().as_str() {
            "error" => Severity::Error,
            "warning" | "warn" => Severity::Warning,
            "info" => Severity::Info,
            "style" => Severity::Style,
            "off" | "none" | "ignore" => Severity::Off,
            _ => return None,
        })
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a fix may be applied without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Applied by `--fix`: cannot change what the image does.
    Safe,
    /// Applied only with `--unsafe-fixes`.
    Unsafe,
    /// Shown, never applied.
    DisplayOnly,
}

/// Replace `span` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub span: Span,
    pub replacement: String,
}

/// A fix: sorted, non-overlapping edits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }

    pub fn new(
        title: impl Into<String>,
        applicability: Applicability,
        mut edits: Vec<Edit>,
    ) -> Fix {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        Fix {
            title: title.into(),
            applicability,
            edits,
        }
    }
}

/// Another place a diagnostic refers to (an earlier instruction, a file in the context).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Another file (for context findings); `None`: the same file.
    pub file: Option<String>,
    pub span: Option<Span>,
    pub message: String,
}

/// A layer of a built image, as a [`Location`] names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LayerRef {
    /// Position in the image, 0 = bottom.
    pub index: usize,
    /// The layer's digest (`sha256:<hex>`, as stored).
    pub digest: String,
}

/// Where a finding is when it is not in a text file: inside a built image (a layer, a
/// path, a config field, a history step) or in a registry (a reference, a tag, a
/// manifest). Findings with a location carry an empty [`Diagnostic::span`]; the
/// diagnostic's file is the image or registry source as the user gave it.
///
/// Every part is optional; set those that apply (JSON omits the others).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The layer the finding is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layer: Option<LayerRef>,
    /// A path in the image filesystem, absolute (`/etc/shadow`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// A field of the image config, manifest or index (`config.User`, `config.Env[2]`,
    /// `manifest.annotations`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// An index into the config's `history`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<usize>,
    /// A registry reference, tag or digest the finding is about (`ghcr.io/acme/app:1.2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl Location {
    /// `layer 3 (sha256:0123456789ab) /etc/shadow`, `config.User`, `history[4]`: how
    /// reports name the place, most specific last.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(r) = &self.reference {
            parts.push(r.clone());
        }
        if let Some(l) = &self.layer {
            let hex = l
                .digest
                .split_once(':')
                .map_or(l.digest.as_str(), |(_, h)| h);
            let short = hex.get(..12).unwrap_or(hex);
            parts.push(if short.is_empty() {
                format!("layer {}", l.index)
            } else {
                format!("layer {} (sha256:{short})", l.index)
            });
        }
        if let Some(h) = self.history {
            parts.push(format!("history[{h}]"));
        }
        if let Some(f) = &self.field {
            parts.push(f.clone());
        }
        if let Some(p) = &self.path {
            parts.push(p.clone());
        }
        parts.join(" ")
    }
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
    /// Set for findings outside a text file (built images, registries); `None` for
    /// Dockerfile and build-context findings, which [`Diagnostic::span`] places.
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn set_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn set_fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    pub fn add_related(&mut self, span: Span, message: impl Into<String>) -> &mut Self {
        self.related.push(Related {
            file: None,
            span: Some(span),
            message: message.into(),
        });
        self
    }
}
