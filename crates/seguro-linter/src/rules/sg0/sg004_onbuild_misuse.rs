//! SG004: ONBUILD with a trigger BuildKit forbids (ONBUILD, FROM, MAINTAINER).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds `ONBUILD ONBUILD …`, `ONBUILD FROM …` and `ONBUILD MAINTAINER …`.
    ///
    /// ## Why it matters
    /// BuildKit refuses these triggers: chaining ONBUILD is not allowed, and FROM and
    /// MAINTAINER cannot run in a downstream build. The image cannot be built, or
    /// images built FROM it fail in ways their authors cannot see in their own
    /// Dockerfile.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ONBUILD ONBUILD RUN echo hi
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// ONBUILD RUN echo hi
    /// ```
    ///
    /// ## Fix
    /// None: what the trigger was meant to do is for the author to decide.
    ///
    /// ## Aliases
    /// DL3043
    ///
    /// ## References
    /// BuildKit `instructions.parseOnBuild`; chapter 3.1.
    pub struct OnbuildMisuse {
        code: "SG004",
        name: "onbuild-misuse",
        severity: Error,
        section: "3.1",
        aliases: ["DL3043"],
        fixable: None,
    }
}

impl Check for OnbuildMisuse {
    fn run(&self, cx: &mut Checker<'_>) {
        let found: Vec<_> = cx
            .of_kind(Kind::Onbuild)
            .filter_map(|(_, inst)| inst.onbuild.as_deref())
            .filter(|t| matches!(t.kind, Kind::Onbuild | Kind::From | Kind::Maintainer))
            .map(|t| (t.keyword_span, t.kind))
            .collect();
        for (span, kind) in found {
            let (message, help) = match kind {
                Kind::Onbuild => (
                    "`ONBUILD ONBUILD` is not allowed: triggers cannot be chained",
                    "keep one ONBUILD; a downstream image can add its own",
                ),
                Kind::From => (
                    "`ONBUILD FROM` is not allowed: a trigger cannot start a stage",
                    "remove the trigger; the downstream Dockerfile chooses its stages",
                ),
                _ => (
                    "`ONBUILD MAINTAINER` is not allowed as a trigger",
                    "use `LABEL org.opencontainers.image.authors=…` in this image instead",
                ),
            };
            cx.report(span, message).set_help(help);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG004",
            &[
                "FROM alpine:3.20\nONBUILD ONBUILD RUN x\n",
                "FROM alpine:3.20\nONBUILD FROM debian:12\n",
                "FROM alpine:3.20\nonbuild maintainer me\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG004",
            &[
                "FROM alpine:3.20\nONBUILD RUN x\n",
                "FROM alpine:3.20\nONBUILD COPY . /app\n",
                "FROM alpine:3.20\nRUN echo ONBUILD FROM\n",
            ],
        );
    }
}
