//! SG005: a suppression comment that suppresses nothing.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Reports suppression comments (`# seguro: ignore=…`, `# hadolint ignore=…`,
    /// `# trivy:ignore:…`, `#checkov:skip=…`, `# check=skip=…`) that silence no finding.
    /// Runs only when selected or with `--report-unused-pragmas`.
    ///
    /// ## Why it matters
    /// A stale ignore hides the next real problem on that line and tells readers a risk
    /// was accepted that no longer exists.
    ///
    /// ## Example
    /// ```dockerfile
    /// # seguro.toml: extend-select = ["SG202"]
    /// FROM alpine:3.20
    /// # seguro: ignore=SG202
    /// RUN apk add --no-cache curl=8.9.1-r0
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # seguro.toml: extend-select = ["SG202"]
    /// FROM alpine:3.20
    /// RUN apk add --no-cache curl=8.9.1-r0
    /// ```
    ///
    /// ## Fix
    /// None: removing a comment is left to the author.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// `design/cli-contract.md`, Pragmas.
    pub struct UnusedPragma {
        code: "SG005",
        name: "unused-pragma",
        severity: Off,
        section: "3.1",
        aliases: [],
        fixable: None,
    }
}

impl Check for UnusedPragma {
    /// The work happens after every other rule ran (see `lint.rs`), since only then is it
    /// known which pragmas were used.
    fn run(&self, _cx: &mut Checker<'_>) {}
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::{Options, lint};

    /// SG005 judges a pragma only against rules that run, so these select SG202 too.
    fn unused(src: &str) -> usize {
        let config = Config {
            select: Some(vec!["SG005", "SG202"]),
            ..Config::default()
        };
        lint("Dockerfile", src, &config, Options::default())
            .iter()
            .filter(|d| d.code == "SG005")
            .count()
    }

    #[test]
    fn fires() {
        assert_eq!(unused("FROM a\n# seguro: ignore=SG202\nRUN ls\n"), 1);
        assert_eq!(
            unused("# hadolint global ignore=DL3004\nFROM a\nRUN ls\n"),
            1
        );
        assert_eq!(
            unused("FROM a\n# seguro: ignore=sudo\nRUN ls\nRUN sudo ls\n"),
            1
        );
    }

    #[test]
    fn quiet() {
        assert_eq!(unused("FROM a\n# seguro: ignore=SG202\nRUN sudo ls\n"), 0);
        // Rules seguro does not have (or that do not run) cannot be judged.
        assert_eq!(unused("FROM a\n# hadolint ignore=DL3059\nRUN ls\n"), 0);
        assert_eq!(unused("FROM a\n# seguro: ignore=SG303\nRUN ls\n"), 0);
        assert_eq!(unused("FROM a\n# just a comment\nRUN ls\n"), 0);
    }
}
