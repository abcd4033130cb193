//! SI012: the OCI labels that trace an image to its source are missing.

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Checks that the image says where it comes from, with the OCI keys
    /// `org.opencontainers.image.source`, `.version`, `.revision` and `.created`, as
    /// config labels or manifest annotations (either counts), and reports the missing ones
    /// in one finding. Empty values count as missing.
    ///
    /// The required set comes from `[labels] required = […]` in `seguro.toml` when the
    /// configuration has one (the same list SG702 uses for Dockerfiles).
    ///
    /// ## Why it matters
    /// When a vulnerability is announced, the questions are "which images run that code,
    /// and what commit were they built from?". Labels answer them from the image alone;
    /// scanners, registries (GitHub links packages to repositories through `source`) and
    /// provenance tools read them.
    ///
    /// ## Example
    /// ```text
    /// config Labels=org.opencontainers.image.version=1.4.2
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config Labels=org.opencontainers.image.source=https://github.com/acme/app
    /// config Labels=org.opencontainers.image.version=1.4.2
    /// config Labels=org.opencontainers.image.revision=6f1e0b7c2a9d4e5f8a3b1c0d9e8f7a6b5c4d3e2f
    /// config Labels=org.opencontainers.image.created=2026-11-28T10:00:00Z
    /// ```
    ///
    /// ## Fix
    /// None: add them when building (`docker buildx build --label
    /// org.opencontainers.image.revision=$(git rev-parse HEAD) …`, or `LABEL` in the
    /// Dockerfile with build arguments).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// OCI image spec, annotations; chapter 3.1.7.
    pub struct LabelsMissing {
        code: "SI012",
        name: "labels-missing",
        severity: Info,
        section: "3.1.7",
        aliases: [],
        fixable: None,
    }
}

/// The labels required when the configuration names none.
pub const DEFAULT_REQUIRED: &[&str] = &[
    "org.opencontainers.image.source",
    "org.opencontainers.image.version",
    "org.opencontainers.image.revision",
    "org.opencontainers.image.created",
];

impl Check for LabelsMissing {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let required: Vec<&str> = if cx.config.required_labels.is_empty() {
            DEFAULT_REQUIRED.to_vec()
        } else {
            cx.config
                .required_labels
                .iter()
                .map(String::as_str)
                .collect()
        };
        let has = |key: &str| {
            let set = |v: Option<&String>| v.is_some_and(|v| !v.trim().is_empty());
            set(cx.image.config.labels.get(key)) || set(cx.image.annotations.get(key))
        };
        let missing: Vec<&str> = required.into_iter().filter(|k| !has(k)).collect();
        if missing.is_empty() {
            return;
        }
        let list = missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let at = cx.at_field("config.Labels");
        cx.report(
            format!(
                "the image does not say where it comes from: missing label{} {list}",
                if missing.len() == 1 { "" } else { "s" }
            ),
            at,
        )
        .set_help(
            "add the OCI labels at build time (`--label org.opencontainers.image.revision=…`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::check;
    use crate::rules::example::example_image;
    use crate::rules::test_support::{fire, one, quiet};
    use seguro_linter::Config;

    const ALL: &str = "config Labels=org.opencontainers.image.source=https://github.com/acme/app\nconfig Labels=org.opencontainers.image.version=1.0\nconfig Labels=org.opencontainers.image.revision=abc\n";

    #[test]
    fn fires() {
        fire(
            "SI012",
            &[
                "",
                ALL,
                &format!("{ALL}config Labels=org.opencontainers.image.created="),
            ],
        );
        let d = one("SI012", ALL);
        assert!(
            d.message.contains("`org.opencontainers.image.created`"),
            "{}",
            d.message
        );
        assert!(!d.message.contains("revision"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI012",
            &[
                &format!(
                    "{ALL}config Labels=org.opencontainers.image.created=2026-01-01T00:00:00Z"
                ),
                &format!("{ALL}annotation org.opencontainers.image.created=2026-01-01T00:00:00Z"),
            ],
        );
    }

    #[test]
    fn configured_required_labels() {
        let img = example_image("config Labels=team=core").unwrap();
        let mut config = Config {
            select: Some(vec!["SI012"]),
            required_labels: vec!["team".into()],
            ..Config::default()
        };
        assert!(check(&img, &config).is_empty());
        config.required_labels = vec!["owner".into()];
        assert_eq!(check(&img, &config).len(), 1);
    }
}
