//! SR004: anonymous pulls work on a repository meant to be private, or fail on one meant
//! to be public.

use super::{Check, report};
use crate::publish::{Facts, Visibility};
use seguro_linter::Diagnostic;

declare_registry_rule! {
    /// ## What it does
    /// With `--expect-visibility private`, flags a repository that an anonymous client can
    /// pull from; with `--expect-visibility public`, one that refuses anonymous pulls. The
    /// probe asks for the manifest without credentials, takes an anonymous token when the
    /// registry offers one, and lets only the retried manifest request decide (a token
    /// endpoint that hands out a token grants nothing by itself).
    ///
    /// ## Why it matters
    /// A private image made public leaks whatever is inside it (code, internal hostnames,
    /// forgotten secrets) to anyone; a public image that needs credentials breaks every
    /// user's pull. Registry permissions drift (a repository created by a push inherits
    /// the namespace default), so check them where the image is published.
    ///
    /// ## Example
    /// ```text
    /// reference registry.example.com/internal/billing:v3.1.0
    /// anonymous allowed
    /// expect-visibility private
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference registry.example.com/internal/billing:v3.1.0
    /// anonymous denied
    /// expect-visibility private
    /// ```
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter section 3.2.3 (registries); OCI distribution-spec and the registry token
    /// authentication specification.
    pub struct VisibilityMismatch {
        code: "SR004",
        name: "visibility-mismatch",
        severity: Error,
        section: "3.2.3",
        aliases: [],
        fixable: None,
    }
}

impl Check for VisibilityMismatch {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        let (Some(expected), Some(anonymous)) = (facts.expect.visibility, &facts.anonymous) else {
            return;
        };
        let repo = facts.reference.name();
        let (message, help) = match (expected, anonymous.is_allowed()) {
            (Visibility::Private, true) => (
                format!(
                    "{repo} is expected to be private, but {}",
                    anonymous.describe()
                ),
                "make the repository private in the registry (or restrict anonymous pull on its namespace)",
            ),
            (Visibility::Public, false) => (
                format!(
                    "{repo} is expected to be public, but {}",
                    anonymous.describe()
                ),
                "allow anonymous pull on the repository, or publish it where users can pull it",
            ),
            _ => return,
        };
        out.push(report(&Self::META, facts, Some("access"), message, help));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RegistryRule as _;
    use crate::rules::example::facts;

    fn fires(text: &str) -> usize {
        let mut out = Vec::new();
        super::VisibilityMismatch.check(&facts(text).unwrap(), &mut out);
        out.len()
    }

    #[test]
    fn cases() {
        let r = "reference r.example/a/b:1.0.0\n";
        assert_eq!(
            fires(&format!("{r}anonymous allowed\nexpect-visibility private")),
            1
        );
        assert_eq!(
            fires(&format!("{r}anonymous denied\nexpect-visibility private")),
            0
        );
        assert_eq!(
            fires(&format!("{r}anonymous denied\nexpect-visibility public")),
            1
        );
        assert_eq!(
            fires(&format!("{r}anonymous allowed\nexpect-visibility public")),
            0
        );
        assert_eq!(fires(&format!("{r}anonymous allowed")), 0);
    }
}
