//! SG704: `org.label-schema.*` labels, replaced by the OCI annotation keys.

use super::labels::labels;
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::Span;
use std::collections::HashSet;

declare_rule! {
    /// ## What it does
    /// Finds labels in the `org.label-schema.*` namespace and names the
    /// `org.opencontainers.image.*` key that replaces each one.
    ///
    /// ## Why it matters
    /// Label Schema was frozen when the OCI image specification took its keys over;
    /// registries, scanners and SBOM tools read the OCI keys (`source`, `revision`,
    /// `created`…) to link an image to its code. Keys in the old namespace are mostly
    /// ignored. The mapping used: `build-date`→`created`, `name`→`title`,
    /// `description`→`description`, `usage`→`documentation`, `url`→`url`,
    /// `vcs-url`→`source`, `vcs-ref`→`revision`, `vendor`→`vendor`, `version`→`version`,
    /// `license`→`licenses`. `schema-version`, `docker.*` and `rkt.*` have no OCI
    /// counterpart: remove them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.label-schema.vcs-url="https://github.com/acme/app"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.source="https://github.com/acme/app"
    /// ```
    ///
    /// ## Fix
    /// Safe: renames the key to its OCI counterpart, keeping the value, when there is one
    /// and the file does not already set that OCI key. It changes only metadata, never
    /// what the image runs; a tool that still reads the old key loses it.
    ///
    /// ## Aliases
    /// —
    ///
    /// ## References
    /// Chapter 3.1.7; OCI image-spec annotations (`annotations.md`, "Back-compatibility
    /// with Label Schema").
    pub struct LabelSchemaDeprecated {
        code: "SG704",
        name: "label-schema-deprecated",
        severity: Info,
        section: "3.1.7",
        aliases: [],
        fixable: Sometimes,
    }
}

const LEGACY: &str = "org.label-schema.";
const OCI: &str = "org.opencontainers.image.";

/// Label Schema key (after `org.label-schema.`) → OCI key (after
/// `org.opencontainers.image.`).
const MAPPING: &[(&str, &str)] = &[
    ("build-date", "created"),
    ("name", "title"),
    ("description", "description"),
    ("usage", "documentation"),
    ("url", "url"),
    ("vcs-url", "source"),
    ("vcs-ref", "revision"),
    ("vendor", "vendor"),
    ("version", "version"),
    ("license", "licenses"),
];

impl Check for LabelSchemaDeprecated {
    fn run(&self, cx: &mut Checker<'_>) {
        let all = labels(cx);
        let set: HashSet<&str> = all.iter().filter_map(|l| l.key.as_deref()).collect();
        let mut found: Vec<(Span, String, String, Option<Edit>)> = Vec::new();
        for label in all.iter() {
            let Some(key) = label.key.as_deref() else {
                continue;
            };
            let Some(suffix) = key.strip_prefix(LEGACY) else {
                continue;
            };
            let Some(oci) = MAPPING
                .iter()
                .find(|(old, _)| *old == suffix)
                .map(|(_, new)| format!("{OCI}{new}"))
            else {
                found.push((
                    label.key_span,
                    format!("`{key}` is a Label Schema key with no OCI counterpart"),
                    "remove it; Label Schema is superseded by the OCI annotations".to_string(),
                    None,
                ));
                continue;
            };
            let already = set.contains(oci.as_str());
            let raw = cx.src.get(label.key_span.range()).unwrap_or_default();
            let edit = match (already, raw.find(key)) {
                (false, Some(at)) if !raw.contains('$') && raw.matches(key).count() == 1 => {
                    let start = label.key_span.start + at as u32;
                    Some(Edit {
                        span: Span {
                            start,
                            end: start + key.len() as u32,
                        },
                        replacement: oci.clone(),
                    })
                }
                _ => None,
            };
            let help = if already {
                format!("`{oci}` is already set: remove this label")
            } else {
                format!("use `{oci}`")
            };
            found.push((
                label.key_span,
                format!("`{key}` is a deprecated Label Schema key"),
                help,
                edit,
            ));
        }
        for (span, message, help, edit) in found {
            let d = cx.report(span, message).set_help(help);
            if let Some(edit) = edit {
                let title = format!("Rename to `{}`", edit.replacement);
                d.set_fix(Fix::safe(title, vec![edit]));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG704",
            &[
                "FROM a\nLABEL org.label-schema.vcs-ref=abc1234\n",
                "FROM a\nlabel \"org.label-schema.name\"=\"app\"\n",
                "FROM a\nLABEL org.label-schema.schema-version=1.0\n",
                "FROM a\nLABEL org.label-schema.description my app\n",
                "FROM a\nARG NS=org.label-schema\nLABEL ${NS}.url=https://x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG704",
            &[
                "FROM a\nLABEL org.opencontainers.image.source=https://x\n",
                "FROM a\nLABEL com.example.label-schema.x=1\n",
                "FROM a\nLABEL description=\"org.label-schema.name\"\n",
                "FROM a\n# LABEL org.label-schema.name=x\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG704",
            &[
                (
                    "FROM a\nLABEL org.label-schema.vcs-url=\"https://x\" \\\n      org.label-schema.build-date=$DATE\n",
                    "FROM a\nLABEL org.opencontainers.image.source=\"https://x\" \\\n      org.opencontainers.image.created=$DATE\n",
                ),
                (
                    "FROM a\nLABEL \"org.label-schema.name\"=app\n",
                    "FROM a\nLABEL \"org.opencontainers.image.title\"=app\n",
                ),
                (
                    "FROM a\nLABEL org.label-schema.version 1.0\n",
                    "FROM a\nLABEL org.opencontainers.image.version 1.0\n",
                ),
                // No counterpart, OCI key already set, key from a variable: left alone.
                (
                    "FROM a\nLABEL org.label-schema.schema-version=1.0\n",
                    "FROM a\nLABEL org.label-schema.schema-version=1.0\n",
                ),
                (
                    "FROM a\nLABEL org.label-schema.url=x org.opencontainers.image.url=x\n",
                    "FROM a\nLABEL org.label-schema.url=x org.opencontainers.image.url=x\n",
                ),
                (
                    "FROM a\nARG NS=org.label-schema\nLABEL ${NS}.url=https://x\n",
                    "FROM a\nARG NS=org.label-schema\nLABEL ${NS}.url=https://x\n",
                ),
            ],
        );
    }

    #[test]
    fn message() {
        let d = check("SG704", "FROM a\nLABEL org.label-schema.vcs-ref=abc1234\n");
        assert_eq!(
            d[0].message,
            "`org.label-schema.vcs-ref` is a deprecated Label Schema key"
        );
        assert_eq!(
            d[0].help.as_deref(),
            Some("use `org.opencontainers.image.revision`")
        );
    }
}
