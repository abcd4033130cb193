//! SG603: a stage named `scratch` or `context`.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds stages named `scratch` or `context` (in any case).
    ///
    /// ## Why it matters
    /// Both words already mean something to BuildKit: `scratch` is the empty image and
    /// `context` names the build context in `COPY --from=context` and named contexts.
    /// A stage with such a name is shadowed or shadows them, so `FROM scratch` or
    /// `COPY --from=context` silently do something other than written.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20 AS context
    /// RUN echo hi > /greeting
    /// FROM scratch
    /// COPY --from=context /greeting /greeting
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM alpine:3.20 AS greeting
    /// RUN echo hi > /greeting
    /// FROM scratch
    /// COPY --from=greeting /greeting /greeting
    /// ```
    ///
    /// ## Fix
    /// None: the new name and its references are for the author.
    ///
    /// ## Aliases
    /// DL3063, ReservedStageName
    ///
    /// ## References
    /// BuildKit `ReservedStageName`; chapter 3.1.6.
    pub struct StageNameReserved {
        code: "SG603",
        name: "stage-name-reserved",
        severity: Error,
        section: "3.1.6",
        aliases: ["DL3063", "ReservedStageName"],
        fixable: None,
    }
}

impl Check for StageNameReserved {
    fn run(&self, cx: &mut Checker<'_>) {
        let found: Vec<_> = cx
            .model
            .stages
            .iter()
            .filter_map(|s| Some((s.name.clone()?, s.name_span?)))
            .filter(|(name, _)| name == "scratch" || name == "context")
            .collect();
        for (name, span) in found {
            cx.report(
                span,
                format!("`{name}` is a reserved word, not a stage name"),
            )
            .set_help("rename the stage, and the references to it");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG603",
            &[
                "FROM alpine:3.20 AS scratch\n",
                "FROM alpine:3.20 AS Context\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG603",
            &[
                "FROM scratch\n",
                "FROM alpine:3.20 AS scratchpad\n",
                "FROM alpine:3.20 AS build-context\n",
            ],
        );
    }
}
