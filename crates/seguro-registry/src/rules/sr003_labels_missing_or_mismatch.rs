//! SR003: the image's OCI labels are missing or disagree with the tag.

use super::sr001_tag_not_versioned::semver_like;
use super::{Check, report};
use crate::publish::Facts;
use seguro_linter::Diagnostic;

/// Labels every published image should carry.
pub const REQUIRED: [&str; 4] = [
    "org.opencontainers.image.version",
    "org.opencontainers.image.source",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.created",
];

declare_registry_rule! {
    /// ## What it does
    /// Flags a published image whose config lacks the OCI labels
    /// `org.opencontainers.image.version`, `.source`, `.revision` and `.created` (manifest
    /// annotations count too), or whose `version` label differs from the tag (a leading `v`
    /// of the tag is ignored).
    ///
    /// ## Why it matters
    /// These labels tie a running image back to its release, its source repository and the
    /// commit it was built from, which is what incident response, SBOM tools and
    /// vulnerability scanners need. A version label that disagrees with the tag means the
    /// image was retagged or built from the wrong commit.
    ///
    /// ## Example
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// label org.opencontainers.image.version=1.4.1
    /// ```
    ///
    /// ## Use instead
    /// ```text
    /// reference ghcr.io/acme/app:v1.4.2
    /// label org.opencontainers.image.version=1.4.2
    /// label org.opencontainers.image.source=https://github.com/acme/app
    /// label org.opencontainers.image.revision=3f9c2ab1e0d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8
    /// label org.opencontainers.image.created=2026-11-28T10:00:00Z
    /// ```
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter section 3.1.7 (metadata); OCI image-spec annotations.
    pub struct LabelsMissingOrMismatch {
        code: "SR003",
        name: "labels-missing-or-mismatch",
        severity: Warning,
        section: "3.1.7",
        aliases: [],
        fixable: None,
    }
}

impl Check for LabelsMissingOrMismatch {
    fn run(&self, facts: &Facts, out: &mut Vec<Diagnostic>) {
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|k| facts.labels.get(*k).is_none_or(|v| v.trim().is_empty()))
            .collect();
        if !missing.is_empty() {
            out.push(report(
                &Self::META,
                facts,
                Some("config.Labels"),
                format!(
                    "the image lacks the label{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", ")
                ),
                "set them at build time, e.g. `docker buildx build --label \
                 org.opencontainers.image.version=1.4.2 --label \
                 org.opencontainers.image.revision=$(git rev-parse HEAD) …`",
            ));
        }
        let (Some(tag), Some(version)) = (facts.tag(), facts.labels.get(REQUIRED[0])) else {
            return;
        };
        if !semver_like(tag) || version.trim().is_empty() {
            return;
        }
        let bare = tag.strip_prefix(['v', 'V']).unwrap_or(tag);
        if version != bare && version != tag {
            out.push(report(
                &Self::META,
                facts,
                Some("config.Labels"),
                format!(
                    "label org.opencontainers.image.version is `{version}` but the tag is `{tag}`"
                ),
                "build the release from the tagged commit and set the version label from the tag",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::RegistryRule as _;
    use crate::rules::example::facts;

    fn fires(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        super::LabelsMissingOrMismatch.check(&facts(text).unwrap(), &mut out);
        out.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn cases() {
        assert!(fires("reference ghcr.io/acme/app:v2.0.0").is_empty());
        let only_version =
            fires("reference ghcr.io/acme/app:2.0.0\nlabel org.opencontainers.image.version=2.0.0");
        assert_eq!(only_version.len(), 1);
        assert!(only_version[0].contains("labels org.opencontainers.image.source, org.opencontainers.image.revision, org.opencontainers.image.created"), "{only_version:?}");
        let both =
            fires("reference ghcr.io/acme/app:2.0.0\nlabel org.opencontainers.image.version=1.9.9");
        assert_eq!(both.len(), 2, "{both:?}");
        assert!(both[1].contains("`1.9.9` but the tag is `2.0.0`"));
        // The version label may keep the `v`.
        let v = "reference ghcr.io/acme/app:v2.0.0\nlabel org.opencontainers.image.version=v2.0.0\n\
                 label org.opencontainers.image.source=s\nlabel org.opencontainers.image.revision=r\n\
                 label org.opencontainers.image.created=c";
        assert!(fires(v).is_empty());
        // No version comparison for a tag that is not SemVer (SR001 reports the tag).
        let latest = fires(
            "reference ghcr.io/acme/app:latest\nlabel org.opencontainers.image.version=1.0.0\n\
                 label org.opencontainers.image.source=s\nlabel org.opencontainers.image.revision=r\n\
                 label org.opencontainers.image.created=c",
        );
        assert!(latest.is_empty(), "{latest:?}");
    }
}
