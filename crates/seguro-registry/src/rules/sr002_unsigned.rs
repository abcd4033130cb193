//! SR002: no valid signature covers the digest the tag resolves to.

use super::{Check, report};
use crate::publish::{Facts, Signature};
use seguro_linter::Diagnostic;

declare_registry_rule! {
    /// ## What it does
    /// Flags a published image that has no valid cosign signature on the digest its tag
    /// resolves to. With `--key`, a signature must verify with that public key and cover
    /// exactly that digest; without a key, a signature tag (`sha256-<hex>.sig`) must at
    /// least exist.
    ///
    /// ## Why it matters
    /// A signature is how consumers know an image comes from you and was not swapped in
    /// the registry. An unsigned image cannot be checked before deployment, and a
    /// signature that does not verify (another key, another digest, altered bytes) is worse
    /// than none if nobody notices. Docker Content Trust is retired; cosign-compatible
    /// signatures are what admission controllers check.
    ///
    /// ## Example
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// signature absent
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2   # after `seguro sign --key cosign.key ghcr.io/acme/app:v1.4.2`
    /// signature valid
    /// ```
    ///
    /// ## Aliases
    /// CIS-DI-0005 (dockle: content trust).
    ///
    /// ## References
    /// Chapter section 3.2.2 (signing images); cosign's signature format.
    pub struct Unsigned {
        code: "SR002",
        name: "unsigned",
        severity: Error,
        section: "3.2.2",
        aliases: ["CIS-DI-0005"],
        fixable: None,
    }
}

impl Check for Unsigned {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        let help = "sign the pushed digest: `seguro sign --key cosign.key <reference>`, then \
                    check it with `seguro verify --key cosign.pub <reference>`";
        let message = match &facts.signature {
            None | Some(Signature::Valid { .. } | Signature::Unverified { .. }) => return,
            Some(Signature::Absent { tag }) => format!(
                "no signature for {}: the registry has no `{tag}` tag",
                facts.digest
            ),
            Some(Signature::Invalid { kind, problems }) => {
                let first = problems.first().map_or(String::new(), |p| format!(": {p}"));
                format!(
                    "no valid signature by the given key for {} ({kind}){first}",
                    facts.digest
                )
            }
        };
        out.push(report(&Self::META, facts, Some("signature"), message, help));
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RegistryRule as _;
    use crate::rules::example::facts;

    fn fires(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        super::Unsigned.check(&facts(text).unwrap(), &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn cases() {
        let base = "reference ghcr.io/acme/app:1.0.0\n";
        assert!(fires(&format!("{base}signature valid")).is_empty());
        assert!(fires(&format!("{base}signature unverified")).is_empty());
        let absent = fires(&format!("{base}signature absent"));
        assert!(absent[0].contains("no signature"), "{absent:?}");
        let invalid = fires(&format!("{base}signature invalid"));
        assert!(invalid[0].contains("other key"), "{invalid:?}");
    }
}
