//! SG705: a label key outside Docker's key format, or in a namespace Docker reserves.

use super::labels::labels;
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;

declare_rule! {
    /// ## What it does
    /// Checks label keys against Docker's format: lower-case letters, digits, `.` and
    /// `-` (and `_`, which Red Hat's required `com.redhat.license_terms` uses); starting
    /// with a letter and ending with a letter or digit; no `..` or `--`;
    /// and not in the namespaces Docker reserves for itself (`com.docker.*`,
    /// `io.docker.*`, `org.dockerproject.*`). The labels Docker documents for Desktop
    /// extensions (`com.docker.desktop.extension.*`, `com.docker.extension.*`) are
    /// allowed. Keys built from variables are checked after expansion.
    ///
    /// ## Why it matters
    /// Label keys are matched exactly: `Version` and `version` are two labels, and the
    /// filters and templates that read them (`docker image ls --filter label=…`,
    /// registries, policy engines) miss a key written another way. Keys in the reserved
    /// namespaces can collide with what Docker itself writes.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL Description="API server" com.docker.compose.project=app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL description="API server" com.acme.project=app
    /// ```
    ///
    /// ## Fix
    /// None: renaming a key changes what the tools reading it see.
    ///
    /// ## Aliases
    /// DL3048
    ///
    /// ## References
    /// Chapter 3.1.7; Docker "Object labels" (key format recommendations).
    pub struct LabelKeyInvalid {
        code: "SG705",
        name: "label-key-invalid",
        severity: Warning,
        section: "3.1.7",
        aliases: ["DL3048"],
        fixable: None,
    }
}

/// Namespaces Docker reserves.
const RESERVED: &[&str] = &["com.docker.", "io.docker.", "org.dockerproject."];

/// Reserved-namespace keys Docker asks extension authors to set.
const DOCKER_DOCUMENTED: &[&str] = &["com.docker.desktop.extension.", "com.docker.extension."];

impl Check for LabelKeyInvalid {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, String)> = Vec::new();
        for label in labels(cx).iter() {
            let Some(key) = label.key.as_deref() else {
                continue;
            };
            if let Some(problem) = problem(key) {
                let help = if problem.starts_with("has upper-case") {
                    format!("write it in lower case: `{}`", key.to_ascii_lowercase())
                } else if problem.contains("reserves") {
                    "use your own reverse-DNS namespace (`com.acme.project`)".to_string()
                } else {
                    "use lower-case reverse-DNS keys of letters, digits, `.` and `-` (`com.acme.team`)"
                        .to_string()
                };
                found.push((label.key_span, format!("label key `{key}` {problem}"), help));
            }
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// What is wrong with a key, if anything.
fn problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("is empty".to_string());
    }
    if let Some(ns) = RESERVED.iter().find(|ns| key.starts_with(*ns))
        && !DOCKER_DOCUMENTED.iter().any(|p| key.starts_with(p))
    {
        return Some(format!("is in the namespace `{ns}*` Docker reserves"));
    }
    if key.chars().any(|c| c.is_ascii_uppercase()) {
        return Some("has upper-case letters".to_string());
    }
    if let Some(c) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_')))
    {
        return Some(format!("contains {}", describe(c)));
    }
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("does not start with a letter".to_string());
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("does not end with a letter or digit".to_string());
    }
    if key.contains("..") || key.contains("--") {
        return Some("has consecutive separators (`..` or `--`)".to_string());
    }
    None
}

fn describe(c: char) -> String {
    if c.is_whitespace() {
        "a space".to_string()
    } else {
        format!("`{c}`")
    }
}

#[cfg(test)]
mod tests {
    use super::problem;
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn problems() {
        assert_eq!(problem("maintainer"), None);
        assert_eq!(problem("org.opencontainers.image.source"), None);
        assert_eq!(problem("io.k8s.display-name"), None);
        assert_eq!(problem("com.docker.desktop.extension.api.version"), None);
        assert_eq!(problem("com.docker.extension.screenshots"), None);
        assert_eq!(
            problem("Description").as_deref(),
            Some("has upper-case letters")
        );
        assert_eq!(problem("com.redhat.license_terms"), None);
        assert_eq!(problem("my/label").as_deref(), Some("contains `/`"));
        assert_eq!(
            problem("1abc").as_deref(),
            Some("does not start with a letter")
        );
        assert_eq!(
            problem("abc.").as_deref(),
            Some("does not end with a letter or digit")
        );
        assert_eq!(
            problem("a..b").as_deref(),
            Some("has consecutive separators (`..` or `--`)")
        );
        assert_eq!(
            problem("io.docker.x").as_deref(),
            Some("is in the namespace `io.docker.*` Docker reserves")
        );
    }

    #[test]
    fn fires() {
        fail(
            "SG705",
            &[
                "FROM a\nLABEL Description=x\n",
                "FROM a\nlabel com.docker.compose.project=x\n",
                "FROM a\nLABEL \"my label\"=x\n",
                "FROM a\nLABEL org.dockerproject.x y\n",
                "FROM a\nARG P=Acme\nLABEL ${P}.team=x\n",
                "FROM a\nLABEL a=1 \\\n  B=2\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG705",
            &[
                "FROM a\nLABEL maintainer=\"Jane <j@x>\"\n",
                "FROM a\nLABEL \"org.opencontainers.image.title\"=\"App\"\n",
                "FROM a\nLABEL description This Is A Value\n",
                "FROM a\nLABEL ${UNSET}.x=1\n",
                "FROM a\nLABEL com.docker.desktop.extension.api.version=\">= 0.2.3\"\n",
                "FROM a\nENV Description=x\n",
            ],
        );
    }

    #[test]
    fn message() {
        let d = check("SG705", "FROM a\nLABEL Version=1\n");
        assert_eq!(d[0].message, "label key `Version` has upper-case letters");
        assert_eq!(
            d[0].help.as_deref(),
            Some("write it in lower case: `version`")
        );
    }
}
