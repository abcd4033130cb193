//! SG000: what BuildKit's parser or instruction layer refuses.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Reports everything BuildKit would refuse: parse errors (bad JSON arrays, an
    /// unterminated heredoc, a line over 64 KiB, duplicate directives) and instruction
    /// errors (`FROM` arity, unknown flags, `ONBUILD ONBUILD`, bad `HEALTHCHECK` options).
    ///
    /// ## Why it matters
    /// The build fails on them. seguro reports every one, with its place, instead of
    /// stopping at the first.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS build
    /// ```
    ///
    /// ## Fix
    /// None: the intent is not known.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// BuildKit `frontend/dockerfile/parser` and `instructions`.
    pub struct InvalidDockerfile {
        code: "SG000",
        name: "invalid-dockerfile",
        severity: Error,
        section: "3.1",
        aliases: [],
        fixable: None,
    }
}

impl Check for InvalidDockerfile {
    fn run(&self, cx: &mut Checker<'_>) {
        for e in &cx.df.errors {
            cx.report(e.span, e.message.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG000",
            &[
                "FROM a b\n",
                "FROM a\nCMD [\"a\", 1]\n",
                "",
                "FROM a\nRUN <<EOF\nx\n",
                "FROM a\nFOO bar\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG000",
            &[
                "FROM a\nRUN <<EOF\nx\nEOF\n",
                "# syntax=docker/dockerfile:1\nFROM a AS b\nCOPY --link a b\n",
            ],
        );
    }
}
