//! SG702: a label the configuration requires is missing from the final image.

use super::labels::labels;
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Reports each label listed in the configuration (`[labels] required = [...]` in
    /// `seguro.toml`) that no LABEL of the final image sets: the final stage's own LABELs
    /// and those of the stages it is built `FROM`. Without that setting the rule reports
    /// nothing.
    ///
    /// ## Why it matters
    /// Labels such as `org.opencontainers.image.source` and `.revision` tie an image to
    /// the code it was built from; registries, scanners and incident responders read them.
    /// A label set in a build stage that the final image is not built from does not reach
    /// the image. Labels added by the base image or by `docker build --label` are not
    /// visible here: leave those keys out of `required`.
    ///
    /// ## Example
    /// With `required = ["org.opencontainers.image.source"]`:
    /// ```dockerfile
    /// # seguro.toml: labels = { required = ["org.opencontainers.image.source"] }
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.title="app"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # seguro.toml: labels = { required = ["org.opencontainers.image.source"] }
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Fix
    /// None: the value is the author's to give.
    ///
    /// ## Aliases
    /// DL3049
    ///
    /// ## References
    /// Chapter 3.1.7.
    pub struct LabelRequired {
        code: "SG702",
        name: "label-required",
        severity: Warning,
        section: "3.1.7",
        aliases: ["DL3049"],
        fixable: None,
    }
}

impl Check for LabelRequired {
    fn run(&self, cx: &mut Checker<'_>) {
        if cx.config.required_labels.is_empty() {
            return;
        }
        let Some(stage) = cx.final_stage() else {
            return;
        };
        let Some(from) = cx.df.instructions.get(stage.from_index) else {
            return;
        };
        let span = Span {
            start: from.keyword_span.start,
            end: stage.base_span.end.max(from.keyword_span.end),
        };
        let in_image: HashSet<usize> = cx.final_image_instructions().into_iter().collect();
        let all = labels(cx);
        let present: HashSet<&str> = all
            .iter()
            .filter(|l| in_image.contains(&l.index))
            .filter_map(|l| l.key.as_deref())
            .collect();
        let mut found = Vec::new();
        for key in &cx.config.required_labels {
            if present.contains(key.as_str()) {
                continue;
            }
            let elsewhere = all
                .iter()
                .find(|l| l.key.as_deref() == Some(key.as_str()))
                .and_then(|l| cx.model.stage_of(l.index));
            let help = match elsewhere {
                Some(s) => format!(
                    "`{key}` is set in stage {}, which the final image is not built from; set it in the final stage",
                    s.name.clone().unwrap_or_else(|| s.index.to_string())
                ),
                None => format!("add `LABEL {key}=…` to the final stage"),
            };
            found.push((format!("the final image has no label `{key}`"), help));
        }
        for (message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::diagnostic::Diagnostic;
    use crate::lint::{Options, lint};
    use crate::rules::test_support::pass;

    fn check_with(required: &[&str], target: Option<&str>, src: &str) -> Vec<Diagnostic> {
        let config = Config {
            select: Some(vec!["SG702"]),
            required_labels: required.iter().map(|s| s.to_string()).collect(),
            ..Config::default()
        };
        lint(
            "Dockerfile",
            src,
            &config,
            Options {
                target,
                ..Options::default()
            },
        )
    }

    const SOURCE: &str = "org.opencontainers.image.source";

    #[test]
    fn fires() {
        for src in [
            "FROM a\n",
            "FROM a\nLABEL org.opencontainers.image.title=x\n",
            // Set in a build stage only.
            "FROM a AS build\nLABEL org.opencontainers.image.source=https://x\nFROM b\n",
            "from a\nlabel org.opencontainers.image.sources=https://x\n",
        ] {
            let d = check_with(&[SOURCE], None, src);
            assert_eq!(d.len(), 1, "{src}");
            assert!(d[0].message.contains(SOURCE));
        }
        let d = check_with(
            &[SOURCE, "org.opencontainers.image.revision"],
            None,
            "FROM a\n",
        );
        assert_eq!(d.len(), 2);
        // --target builds the first stage, which lacks the label.
        let d = check_with(
            &[SOURCE],
            Some("build"),
            "FROM a AS build\nFROM build\nLABEL org.opencontainers.image.source=x\n",
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn quiet() {
        for src in [
            "FROM a\nLABEL org.opencontainers.image.source=https://x\n",
            "FROM a\nLABEL \"org.opencontainers.image.source\"=\"https://x\"\n",
            "FROM a\nLABEL org.opencontainers.image.source https://x\n",
            "FROM a\nARG SRC\nLABEL org.opencontainers.image.source=$SRC\n",
            // Inherited through FROM <stage>.
            "FROM a AS base\nLABEL org.opencontainers.image.source=https://x\nFROM base\nRUN x\n",
            "FROM a\nLABEL a=1 \\\n  org.opencontainers.image.source=https://x\n",
        ] {
            let d = check_with(&[SOURCE], None, src);
            assert!(d.is_empty(), "{src}: {d:#?}");
        }
        // Nothing configured: nothing reported.
        pass("SG702", &["FROM a\n", "FROM a\nLABEL x=y\n"]);
    }

    #[test]
    fn help_names_the_stage() {
        let d = check_with(
            &[SOURCE],
            None,
            "FROM a AS build\nLABEL org.opencontainers.image.source=https://x\nFROM b\n",
        );
        assert!(d[0].help.as_deref().unwrap_or("").contains("stage build"));
    }
}
