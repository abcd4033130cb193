//! SG701: MAINTAINER is deprecated; the OCI authors label replaces it.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds the deprecated `MAINTAINER` instruction.
    ///
    /// ## Why it matters
    /// MAINTAINER sets a field no tool reads any more; the OCI annotation
    /// `org.opencontainers.image.authors` is where registries and scanners look.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// MAINTAINER Jane Doe <jane@example.com>
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20
    /// LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    /// ```
    ///
    /// ## Fix
    /// Safe: replaces the instruction by the equivalent `LABEL`.
    ///
    /// ## Aliases
    /// DL4000, DS-0022, CKV_DOCKER_6, MaintainerDeprecated
    ///
    /// ## References
    /// Chapter 3.1.7.
    pub struct MaintainerDeprecated {
        code: "SG701",
        name: "maintainer-deprecated",
        severity: Warning,
        section: "3.1.7",
        aliases: ["DL4000", "DS-0022", "CKV_DOCKER_6", "MaintainerDeprecated"],
        fixable: Always,
    }
}

impl Check for MaintainerDeprecated {
    fn run(&self, cx: &mut Checker<'_>) {
        let found: Vec<_> = cx
            .of_kind(Kind::Maintainer)
            .filter_map(|(_, inst)| Some((inst.span, inst.args.first()?.value.clone())))
            .collect();
        for (span, who) in found {
            let escaped = who
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('$', "\\$");
            let fix = Fix::safe(
                "Replace with LABEL org.opencontainers.image.authors",
                vec![Edit {
                    span,
                    replacement: format!("LABEL org.opencontainers.image.authors=\"{escaped}\""),
                }],
            );
            cx.report(span, "MAINTAINER is deprecated")
                .set_help("use LABEL org.opencontainers.image.authors")
                .set_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG701",
            &[
                "FROM a\nMAINTAINER me\n",
                "FROM a\nmaintainer \\\n  me <m@x>\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG701",
            &["FROM a\nLABEL maintainer=me\n", "FROM a\n# MAINTAINER me\n"],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG701",
            &[(
                "FROM a\nMAINTAINER Jane \"J\" <j@x>\nRUN x\n",
                "FROM a\nLABEL org.opencontainers.image.authors=\"Jane \\\"J\\\" <j@x>\"\nRUN x\n",
            )],
        );
    }
}
