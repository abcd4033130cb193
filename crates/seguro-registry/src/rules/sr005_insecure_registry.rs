//! SR005: the registry is reached over plain HTTP.

use super::{Check, report, report_at};
use crate::publish::Facts;
use seguro_linter::{Diagnostic, Severity};

declare_registry_rule! {
    /// ## What it does
    /// Flags an image published on a registry reached over plain HTTP (an
    /// `--insecure-registry`). A registry on this machine's loopback address
    /// (`localhost`, `127.0.0.1`, `::1`) is reported as info only: nobody else can pull
    /// from it, so it is a test set-up rather than a publication.
    ///
    /// ## Why it matters
    /// Without TLS, anyone on the network path can read the credentials sent to the
    /// registry and swap the image or its signature in transit; a pull by tag then gives
    /// no guarantee at all.
    ///
    /// ## Example
    /// ```text
    /// reference registry.lan:5000/acme/app:v1.4.2
    /// insecure-registry
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference registry.lan/acme/app:v1.4.2   # HTTPS, with a certificate clients trust
    /// ```
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter section 3.2.3 (registries).
    pub struct InsecureRegistry {
        code: "SR005",
        name: "insecure-registry",
        severity: Error,
        section: "3.2.3",
        aliases: [],
        fixable: None,
    }
}

impl Check for InsecureRegistry {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        if !facts.endpoint.plain_http {
            return;
        }
        let help = "serve the registry over HTTPS with a certificate clients trust";
        let host = &facts.endpoint.domain;
        out.push(if facts.endpoint.loopback {
            report_at(
                &Self::META,
                Severity::Info,
                facts,
                Some("registry"),
                format!("{host} is reached over plain HTTP (a loopback registry: only this machine can pull from it)"),
                help,
            )
        } else {
            report(&Self::META, facts, Some("registry"), format!("{host} is reached over plain HTTP"), help)
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RegistryRule as _;
    use crate::rules::example::facts;
    use seguro_linter::Severity;

    fn fires(text: &str) -> Vec<Severity> {
        let mut out = Vec::new();
        super::InsecureRegistry.check(&facts(text).unwrap(), &mut out);
        out.into_iter().map(|d| d.severity).collect()
    }

    #[test]
    fn cases() {
        assert_eq!(fires("reference ghcr.io/a/b:1.0.0"), []);
        assert_eq!(
            fires("reference reg.lan:5000/a/b:1.0.0\ninsecure-registry"),
            [Severity::Error]
        );
        assert_eq!(
            fires("reference 127.0.0.1:5000/a/b:1.0.0"),
            [Severity::Info]
        );
        assert_eq!(
            fires("reference localhost:5000/a/b:1.0.0"),
            [Severity::Info]
        );
    }
}
