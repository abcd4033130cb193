//! SR006: the tag no longer points to the digest it was published with.

use super::{Check, report};
use crate::publish::Facts;
use seguro_linter::Diagnostic;

declare_registry_rule! {
    /// ## What it does
    /// With `--expect-digest sha256:…`, flags a tag that now resolves to another manifest
    /// digest (hashed from the manifest bytes the registry serves, not taken from its
    /// headers).
    ///
    /// ## Why it matters
    /// A release tag must be immutable: if it moved, someone pushed over it (a rebuild, a
    /// mistake, or an attacker with push rights), and whatever was signed, scanned and
    /// approved is no longer what users pull. Record the digest when you publish and check
    /// it later, or deploy by digest.
    ///
    /// ## Example
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// digest sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
    /// expect-digest sha256:4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// digest sha256:4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c
    /// expect-digest sha256:4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c
    /// ```
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter section 3.2.1 (tags).
    pub struct TagMoved {
        code: "SR006",
        name: "tag-moved",
        severity: Error,
        section: "3.2.1",
        aliases: [],
        fixable: None,
    }
}

impl Check for TagMoved {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        let Some(expected) = &facts.expect.digest else {
            return;
        };
        if *expected == facts.digest {
            return;
        }
        out.push(report(
            &Self::META,
            facts,
            Some("digest"),
            format!("{} now resolves to {}, not the expected {expected}", facts.display(), facts.digest),
            "find out who pushed over the tag; make release tags immutable in the registry and deploy by digest",
        ));
    }
}
