//! SG103: an image pulled from a registry outside `trusted-registries`.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::reference::{ImageRef, split_registry_glob_match};
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// When `trusted-registries` is configured, finds every image the build pulls from
    /// another registry: FROM lines (after resolving ARG defaults), `COPY --from=<image>`
    /// and `RUN --mount=…,from=<image>`. Stage names and `scratch` are not images.
    /// Patterns are `host`, `*.host`, `host/path/*` or `host/path` (see
    /// `seguro_dockerfile::reference::split_registry_glob_match`); images without a
    /// registry are Docker Hub's (`docker.io`). Without the setting the rule is silent.
    ///
    /// ## Why it matters
    /// An organisation that mirrors and scans its base images only gets the benefit if
    /// builds pull from the mirror. An image from anywhere else bypasses that review.
    ///
    /// ## Example
    /// ```dockerfile
    /// # seguro.toml: trusted-registries = ["registry.example.com"]
    /// FROM docker.io/library/alpine:3.20
    /// COPY --from=ghcr.io/acme/tools:1.2 /bin/tool /usr/local/bin/tool
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # seguro.toml: trusted-registries = ["registry.example.com"]
    /// FROM registry.example.com/library/alpine:3.20
    /// COPY --from=registry.example.com/acme/tools:1.2 /bin/tool /usr/local/bin/tool
    /// ```
    ///
    /// ## Fix
    /// None: the mirrored name of an image is specific to each organisation.
    ///
    /// ## Aliases
    /// DL3026
    ///
    /// ## References
    /// CWE-829 (inclusion of functionality from untrusted control sphere); chapter
    /// 3.1.1, 3.2.3.
    pub struct UntrustedRegistry {
        code: "SG103",
        name: "untrusted-registry",
        severity: Error,
        section: "3.1.1",
        aliases: ["DL3026"],
        fixable: None,
    }
}

impl Check for UntrustedRegistry {
    fn run(&self, cx: &mut Checker<'_>) {
        let trusted = &cx.config.trusted_registries;
        if trusted.iter().all(|p| p.trim().is_empty()) {
            return;
        }
        let mut images: Vec<(Span, String)> = Vec::new();
        for stage in &cx.model.stages {
            if let Base::Image(name) = &stage.base {
                images.push((stage.base_span, name.clone()));
            }
        }
        for (i, inst) in cx.instructions() {
            let from_values: Vec<(Span, &str)> = match inst.kind {
                Kind::Copy => inst
                    .flags
                    .iter()
                    .filter(|f| f.name == "from")
                    .filter_map(|f| Some((f.span, f.value.as_deref()?)))
                    .collect(),
                Kind::Run => inst
                    .flags
                    .iter()
                    .filter(|f| f.name == "mount")
                    .filter_map(|f| Some((f.span, mount_from(f.value.as_deref()?)?)))
                    .collect(),
                _ => continue,
            };
            for (span, raw) in from_values {
                let Some(expanded) = cx.model.expand(raw, i) else {
                    continue;
                };
                let value = expanded.value;
                let stage_ref = cx.model.stage_by_name(&value).is_some_and(|s| {
                    // A number names a stage only when it is an earlier one.
                    value.parse::<usize>().is_err() || s.from_index < i
                });
                if !expanded.unresolved.is_empty()
                    || stage_ref
                    || value.eq_ignore_ascii_case("scratch")
                {
                    continue;
                }
                images.push((span, value));
            }
        }
        let mut found = Vec::new();
        for (span, name) in images {
            let Ok(image) = ImageRef::parse_normalized(&name) else {
                continue;
            };
            if trusted.iter().any(|p| split_registry_glob_match(p, &image)) {
                continue;
            }
            found.push((span, image.familiar_string(), image.domain));
        }
        let list = trusted.join(", ");
        for (span, image, registry) in found {
            cx.report(
                span,
                format!("`{image}` comes from `{registry}`, which is not a trusted registry"),
            )
            .set_help(format!(
                "pull it through a trusted registry ({list}), or add `{registry}` to `trusted-registries`"
            ));
        }
    }
}

/// The `from=` of a `--mount` value (`type=cache,from=img,target=/x`).
fn mount_from(value: &str) -> Option<&str> {
    value
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("from"))
        .map(|(_, v)| v.trim().trim_matches('"'))
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::diagnostic::Diagnostic;
    use crate::lint::{Options, lint};
    use crate::rules::test_support::pass;

    fn check(trusted: &[&str], src: &str) -> Vec<Diagnostic> {
        let config = Config {
            select: Some(vec!["SG103"]),
            trusted_registries: trusted.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        };
        lint("Dockerfile", src, &config, Options::default())
    }

    const TRUSTED: &[&str] = &["registry.example.com", "*.corp.example", "ghcr.io/acme/*"];

    #[test]
    fn fires() {
        for src in [
            "FROM alpine:3.20\n",
            "FROM docker.io/library/alpine:3.20\n",
            "FROM ghcr.io/evil/app:1\n",
            "FROM ghcr.io/acme-evil/app:1\n",
            "ARG BASE=quay.io/x/y:1\nFROM $BASE\n",
            "FROM registry.example.com/a:1\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n",
            "FROM registry.example.com/a:1\nRUN --mount=type=bind,from=quay.io/x/y:1,target=/x true\n",
            "FROM registry.example.com:5000/a:1\n",
        ] {
            assert!(!check(TRUSTED, src).is_empty(), "should fire on:\n{src}");
        }
    }

    #[test]
    fn quiet() {
        for src in [
            "FROM registry.example.com/a:1\n",
            "FROM mirror.corp.example/library/alpine:3.20\n",
            "FROM ghcr.io/acme/app:1\nFROM ghcr.io/acme/team/app:1\n",
            "FROM scratch\n",
            "FROM registry.example.com/a:1 AS build\nFROM build\nCOPY --from=build /a /a\nCOPY --from=0 /a /b\n",
            "FROM registry.example.com/a:1 AS Build\nRUN --mount=from=build,target=/x true\n",
            "ARG IMG\nFROM registry.example.com/a:1\nCOPY --from=$IMG /a /a\n",
            "FROM $UNKNOWN\n",
        ] {
            let d = check(TRUSTED, src);
            assert!(d.is_empty(), "should stay quiet on:\n{src}\n{d:#?}");
        }
        // Without the setting the rule says nothing.
        pass("SG103", &["FROM evil.example/x:1\n"]);
    }

    #[test]
    fn docker_hub_patterns() {
        let hub = &["docker.io"];
        assert!(check(hub, "FROM alpine:3.20\nFROM user/app:1\n").is_empty());
        assert_eq!(
            check(&["docker.io/library/*"], "FROM user/app:1\n").len(),
            1
        );
    }

    #[test]
    fn doc_example_with_the_setting() {
        // The Example needs `trusted-registries`; check it here with the setting.
        let examples = super::UntrustedRegistry::META.doc_examples("Example");
        let trusted = &["registry.example.com"];
        assert_eq!(examples.len(), 2);
        assert_eq!(check(trusted, &examples[0]).len(), 2);
        assert!(check(trusted, &examples[1]).is_empty());
    }
}
