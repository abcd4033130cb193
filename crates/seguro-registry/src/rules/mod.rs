//! Registry and publishing rules (SR001–SR006): one rule per file, declared with
//! `declare_registry_rule!`, whose doc comment is the rule's documentation, as for the
//! Dockerfile (`SG`) and image (`SI`) rules.
//!
//! The rules share [`seguro_linter::RuleMeta`], [`seguro_linter::Severity`] and
//! [`seguro_linter::Diagnostic`] with the others; [`register`] adds them to
//! `seguro_linter::registry` so that `seguro rule SR001`, `seguro rules` and the docs list
//! them. A rule reads only [`Facts`]; the examples of its doc are written in the notation
//! of [`example`] and checked by a test.
//!
//! Add a rule: a new file, one `mod` line and one entry in [`RULES`].

use crate::publish::Facts;
use seguro_linter::diagnostic::Location;
use seguro_linter::{Diagnostic, RuleMeta, Severity};

/// Declares a registry rule: a unit struct, its metadata from the fields and its
/// documentation from the doc comment; the check is written as `impl Check`.
macro_rules! declare_registry_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $ty:ident { $($fields:tt)* }
    ) => {
        seguro_linter::declare_rule_meta! { $(#[doc = $doc])* pub struct $ty { $($fields)* } }

        impl $crate::rules::RegistryRule for $ty {
            fn meta(&self) -> &'static seguro_linter::RuleMeta {
                static META: seguro_linter::RuleMeta = $ty::META;
                &META
            }
            fn check(&self, facts: &$crate::publish::Facts, out: &mut Vec<seguro_linter::Diagnostic>) {
                <$ty as $crate::rules::Check>::run(self, facts, out)
            }
        }
    };
}

pub mod example;
pub mod sr001_tag_not_versioned;
pub mod sr002_unsigned;
pub mod sr003_labels_missing_or_mismatch;
pub mod sr004_visibility_mismatch;
pub mod sr005_insecure_registry;
pub mod sr006_tag_moved;

/// A registry rule: metadata plus a check over the facts of one published image.
pub trait RegistryRule: Sync + Send {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, facts: &Facts, out: &mut Vec<Diagnostic>);
}

/// The check half of a rule declared with `declare_registry_rule!`.
pub trait Check {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>);
}

/// Every registry rule, in code order.
pub static RULES: &[&dyn RegistryRule] = &[
    &sr001_tag_not_versioned::TagNotVersioned,
    &sr002_unsigned::Unsigned,
    &sr003_labels_missing_or_mismatch::LabelsMissingOrMismatch,
    &sr004_visibility_mismatch::VisibilityMismatch,
    &sr005_insecure_registry::InsecureRegistry,
    &sr006_tag_moved::TagMoved,
];

/// The metadata of every registry rule, in code order.
pub fn metas() -> Vec<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).collect()
}

/// Adds the registry rules to `seguro_linter::registry` (idempotent).
pub fn register() {
    seguro_linter::registry::register(&metas());
}

/// A finding of `meta` about the checked reference, at the rule's default severity.
pub(crate) fn report(
    meta: &'static RuleMeta,
    facts: &Facts,
    field: Option<&str>,
    message: String,
    help: &str,
) -> Diagnostic {
    report_at(meta, meta.severity, facts, field, message, help)
}

/// [`report`] at another severity.
pub(crate) fn report_at(
    meta: &'static RuleMeta,
    severity: Severity,
    facts: &Facts,
    field: Option<&str>,
    message: String,
    help: &str,
) -> Diagnostic {
    Diagnostic {
        code: meta.code,
        name: meta.name,
        severity,
        message,
        span: Default::default(),
        help: Some(help.to_owned()),
        fix: None,
        related: Vec::new(),
        location: Some(Location {
            reference: Some(facts.display()),
            field: field.map(str::to_owned),
            ..Location::default()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule's doc has the fixed headings, and its Example fires while its Use
    /// instead does not.
    #[test]
    fn doc_examples_fire_and_use_instead_does_not() {
        for rule in RULES {
            let meta = rule.meta();
            for heading in [
                "What it does",
                "Why it matters",
                "Example",
                "Use instead",
                "Aliases",
            ] {
                assert!(
                    meta.doc_section(heading).is_some(),
                    "{} lacks ## {heading}",
                    meta.code
                );
            }
            let block = |heading: &str| {
                let section = meta.doc_section(heading).unwrap();
                let start = section
                    .find("```text\n")
                    .unwrap_or_else(|| panic!("{} {heading}: no text block", meta.code));
                let body = &section[start + 8..];
                body[..body.find("```").unwrap()].to_owned()
            };
            let fired = |text: &str| {
                let facts = example::facts(text).unwrap_or_else(|e| panic!("{}: {e}", meta.code));
                let mut out = Vec::new();
                rule.check(&facts, &mut out);
                out
            };
            let bad = fired(&block("Example"));
            assert!(!bad.is_empty(), "{}: the Example does not fire", meta.code);
            assert!(bad.iter().all(|d| d.code == meta.code));
            let good = fired(&block("Use instead"));
            assert!(
                good.is_empty(),
                "{}: Use instead fires: {good:?}",
                meta.code
            );
        }
    }

    #[test]
    fn codes_are_unique_and_registered() {
        let metas = metas();
        for (i, m) in metas.iter().enumerate() {
            assert!(m.code.starts_with("SR"));
            assert!(
                metas[i + 1..]
                    .iter()
                    .all(|o| o.code != m.code && o.name != m.name)
            );
        }
        register();
        assert_eq!(
            seguro_linter::registry::find("tag-not-versioned").map(|m| m.code),
            Some("SR001")
        );
        assert_eq!(
            seguro_linter::registry::find("SR006").map(|m| m.name),
            Some("tag-moved")
        );
    }
}
