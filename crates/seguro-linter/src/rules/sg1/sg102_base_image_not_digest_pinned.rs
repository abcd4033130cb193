//! SG102: FROM an image that is not pinned by digest (off by default).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds FROM lines whose image (after resolving ARG defaults) carries no
    /// `@sha256:` digest. `scratch`, earlier stages and references that depend on an ARG
    /// without a default are not reported. Off by default: enable it where builds must
    /// be reproducible (`extend-select = ["SG102"]`).
    ///
    /// ## Why it matters
    /// A tag is a pointer the registry owner can move: `python:3.12-slim` is rebuilt
    /// every few weeks and a compromised registry account can repoint any tag. Only a
    /// digest names exactly one image, which is what reproducible builds and OpenSSF
    /// Scorecard's `Pinned-Dependencies` ask for. Keep the tag next to it so humans and
    /// update bots know what it is.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30
    /// ```
    ///
    /// ## Fix
    /// None: the digest has to be looked up in the registry
    /// (`docker buildx imagetools inspect python:3.12-slim`).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-1357; chapter 3.1.1, 3.2.1.
    pub struct BaseImageNotDigestPinned {
        code: "SG102",
        name: "base-image-not-digest-pinned",
        severity: Off,
        section: "3.1.1",
        aliases: [],
        fixable: None,
    }
}

impl Check for BaseImageNotDigestPinned {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (stage, _, image) in super::fixed_base_images(cx) {
            if image.digest.is_none() {
                found.push((stage.base_span, image.familiar_string()));
            }
        }
        for (span, image) in found {
            cx.report(span, format!("`{image}` is not pinned by digest"))
                .set_help(format!(
                    "append the digest: `{image}@sha256:<digest>` (see `docker buildx imagetools inspect {image}`)"
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG102",
            &[
                "FROM python:3.12-slim\n",
                "FROM ubuntu\n",
                "ARG V=3.20\nFROM alpine:$V AS a\nFROM a\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG102",
            &[
                "FROM python:3.12-slim@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30\n",
                "FROM scratch\n",
                "FROM alpine@sha256:2e863c44b718727c860746568e1d54afd13b2fa71b160f5cd9058fc436217b30 AS a\nFROM a\n",
                "ARG IMAGE\nFROM $IMAGE\n",
            ],
        );
    }
}
