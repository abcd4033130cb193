//! SI011: the image is named with the `latest` tag (or no tag).

use crate::check::ImageChecker;
use crate::rules::Check;
use seguro_linter::diagnostic::Location;

declare_image_rule! {
    /// ## What it does
    /// Reads the names the image source gives the image (`RepoTags` of `docker save`,
    /// `org.opencontainers.image.ref.name` of an OCI layout, the tag of a registry
    /// reference) and reports those that are `latest`: `app:latest`, a name without a tag
    /// (`app`, which means `latest`), or a bare OCI ref name `latest`.
    ///
    /// A bare word without `:` or `/` in an OCI layout (`1.4.2`) is a tag, as umoci and
    /// skopeo write them; `docker save` names always carry their tag. Images without any
    /// name are not judged.
    ///
    /// ## Why it matters
    /// `latest` is not "the newest": it is whatever was pushed last under that name, and
    /// it moves. Deployments that pull it cannot say which build runs, cannot roll back to
    /// it and break when it changes. Publish an immutable version tag (`1.4.2`, a commit
    /// id) and deploy by it or by digest.
    ///
    /// ## Example
    /// ```text
    /// name registry.example.com/team/app:latest
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// name registry.example.com/team/app:1.4.2
    /// ```
    ///
    /// ## Fix
    /// None: tag the image with its version when building (`docker build -t app:1.4.2`).
    ///
    /// ## Aliases
    /// DKL-DI-0006
    ///
    /// ## References
    /// Chapter 3.2.1.
    pub struct TagLatest {
        code: "SI011",
        name: "tag-latest",
        severity: Warning,
        section: "3.2.1",
        aliases: ["DKL-DI-0006"],
        fixable: None,
    }
}

/// The tag a name carries (`None`: it has none, so `latest` is implied). A bare word
/// (no `/`, no `:`) is read as a tag.
fn tag_of(name: &str) -> Option<&str> {
    let name = name.split('@').next().unwrap_or(name);
    let last = name.rsplit('/').next().unwrap_or(name);
    match last.rsplit_once(':') {
        Some((_, tag)) => Some(tag),
        None if !name.contains('/') => Some(name),
        None => None,
    }
}

impl Check for TagLatest {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for name in &cx.image.names {
            let name = name.trim();
            if name.is_empty() || name.contains('@') {
                // Pinned by digest: immutable.
                continue;
            }
            let message = match tag_of(name) {
                Some("latest") => format!("the image is tagged `{name}`"),
                Some(_) => continue,
                None => format!("the image is named `{name}` without a tag, which means `latest`"),
            };
            found.push((name.to_string(), message));
        }
        for (name, message) in found {
            let at = Location {
                reference: Some(name),
                ..Location::default()
            };
            cx.report(format!("{message}: the tag moves with every push"), at)
                .set_help("publish and deploy an immutable version tag (`1.4.2`) or the digest");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tag_of;
    use crate::rules::test_support::{fire, quiet};

    #[test]
    fn tags() {
        assert_eq!(tag_of("app:1.0"), Some("1.0"));
        assert_eq!(tag_of("localhost:5000/app"), None);
        assert_eq!(tag_of("localhost:5000/app:2"), Some("2"));
        assert_eq!(tag_of("latest"), Some("latest"));
        assert_eq!(tag_of("docker.io/library/app"), None);
    }

    #[test]
    fn fires() {
        fire(
            "SI011",
            &[
                "name app:latest",
                "name docker.io/library/nginx:latest",
                "name localhost:5000/team/app",
                "name ghcr.io/acme/app",
                "name latest",
                "name app:1.0\nname app:latest",
            ],
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI011",
            &[
                "name app:1.4.2",
                "name localhost:5000/team/app:2026.11.28",
                "name 1.4.2",
                "name ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "name localhost:5000/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "layer\nfile /x\n",
            ],
        );
    }
}
