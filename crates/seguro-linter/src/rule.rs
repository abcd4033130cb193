//! The `Rule` trait, rule metadata, and `declare_rule!`, which turns a rule's doc
//! comment into its documentation.

use crate::checker::Checker;
use crate::diagnostic::Severity;
use serde::Serialize;

/// Whether a rule offers a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fixable {
    None,
    Sometimes,
    Always,
}

/// What a rule is, for the registry, `seguro rule`, config and SARIF.
#[derive(Debug, Serialize)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// Default severity (`Off`: runs only when selected).
    pub severity: Severity,
    /// The chapter section it serves (`3.1.2`).
    pub section: &'static str,
    pub aliases: &'static [&'static str],
    pub fixable: Fixable,
    /// One-line summary (first line of "What it does").
    pub summary: &'static str,
    /// The full Markdown documentation (the rule's doc comment).
    #[serde(skip)]
    pub doc: &'static str,
}

impl RuleMeta {
    /// The documentation as Markdown (doc-comment indentation removed).
    pub fn markdown(&self) -> String {
        self.doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// The text under a `## Heading` of the doc, without the heading.
    pub fn doc_section(&self, heading: &str) -> Option<String> {
        let doc = self.markdown();
        let marker = format!("## {heading}\n");
        let start = doc.find(&marker)? + marker.len();
        let rest = &doc[start..];
        let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
        Some(rest[..end].trim().to_string())
    }

    /// The fenced ```dockerfile blocks of a doc section, in order.
    pub fn doc_examples(&self, heading: &str) -> Vec<String> {
        self.doc_blocks(heading, "dockerfile")
    }

    /// The fenced blocks of a doc section whose info string is `lang` (```text for the
    /// image descriptions of image rules), in order.
    pub fn doc_blocks(&self, heading: &str, lang: &str) -> Vec<String> {
        let Some(section) = self.doc_section(heading) else {
            return Vec::new();
        };
        let fence = format!("```{lang}\n");
        let mut out = Vec::new();
        let mut rest = section.as_str();
        while let Some(start) = rest.find(&fence) {
            let body = &rest[start + fence.len()..];
            let Some(end) = body.find("```") else { break };
            out.push(body[..end].to_string());
            rest = &body[end + 3..];
        }
        out
    }
}

/// A lint rule: metadata plus a check over one Dockerfile.
pub trait Rule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &mut Checker<'_>);
}

/// Declares a rule: a unit struct, its metadata from the fields, and its
/// documentation from the doc comment. The check is written as `impl Check`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct Sudo {
///         code: "SG202", name: "sudo", severity: Warning, section: "3.1.2",
///         aliases: ["DL3004"], fixable: None,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident { $($fields:tt)* }
    ) => {
        $crate::declare_rule_meta! { $(#[doc = $doc])* pub struct $ty { $($fields)* } }

        impl $crate::rule::Rule for $ty {
            fn meta(&self) -> &'static $crate::rule::RuleMeta {
                static META: $crate::rule::RuleMeta = $ty::META;
                &META
            }
            fn check(&self, cx: &mut $crate::checker::Checker<'_>) {
                <$ty as $crate::rule::Check>::run(self, cx)
            }
        }
    };
}

/// The part of a rule declaration every family shares (Dockerfile `SG`, image `SI`,
/// registry `SR`): a unit struct with a `META` constant built from the fields, the doc
/// comment being the documentation. Each family's macro adds its check trait on top.
#[macro_export]
macro_rules! declare_rule_meta {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            section: $section:literal,
            aliases: [$($alias:literal),* $(,)?],
            fixable: $fix:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        pub struct $ty;

        impl $ty {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::diagnostic::Severity::$sev,
                section: $section,
                aliases: &[$($alias),*],
                fixable: $crate::rule::Fixable::$fix,
                summary: $crate::rule::first_paragraph_line(concat!($($doc, "\n"),*)),
                doc: concat!($($doc, "\n"),*),
            };
        }
    };
}

/// The check half of a rule declared with [`declare_rule!`].
pub trait Check {
    fn run(&self, cx: &mut Checker<'_>);
}

/// The first line of text after `## What it does` (for summaries), at compile time.
pub const fn first_paragraph_line(doc: &'static str) -> &'static str {
    let bytes = doc.as_bytes();
    let marker = b"## What it does\n";
    let mut i = 0;
    while i + marker.len() <= bytes.len() {
        let mut j = 0;
        while j < marker.len() && bytes[i + j] == marker[j] {
            j += 1;
        }
        if j == marker.len() {
            let mut start = i + marker.len();
            while start < bytes.len() && (bytes[start] == b' ' || bytes[start] == b'\n') {
                start += 1;
            }
            let mut end = start;
            while end < bytes.len() && bytes[end] != b'\n' {
                end += 1;
            }
            let (_, tail) = bytes.split_at(start);
            let (line, _) = tail.split_at(end - start);
            return match std::str::from_utf8(line) {
                Ok(s) => s,
                Err(_) => "",
            };
        }
        i += 1;
    }
    ""
}
