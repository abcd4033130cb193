//! SG604: a stage name that is not lower case.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Edit, Fix};
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds `AS` stage names with upper-case letters.
    ///
    /// ## Why it matters
    /// BuildKit lower-cases stage names, so `AS Build` is `build` everywhere: mixed
    /// case suggests a distinction that does not exist, and two stages that differ only
    /// in case collide (SG602).
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS Build
    /// FROM alpine:3.20
    /// COPY --from=Build /out /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM alpine:3.20
    /// COPY --from=build /out /app
    /// ```
    ///
    /// ## Fix
    /// Safe: lower-cases the name where the stage is declared. References keep working,
    /// since BuildKit compares stage names without case.
    ///
    /// ## Aliases
    /// StageNameCasing
    ///
    /// ## References
    /// BuildKit `StageNameCasing`; chapter 3.1.6.
    pub struct StageNameCasing {
        code: "SG604",
        name: "stage-name-casing",
        severity: Style,
        section: "3.1.6",
        aliases: ["StageNameCasing"],
        fixable: Always,
    }
}

impl Check for StageNameCasing {
    fn run(&self, cx: &mut Checker<'_>) {
        let found: Vec<_> = cx
            .model
            .stages
            .iter()
            .filter_map(|s| s.name_span)
            .filter_map(|span| Some((span, cx.src.get(span.range())?.to_string())))
            .filter(|(_, written)| *written != written.to_lowercase())
            .collect();
        for (span, written) in found {
            let lower = written.to_lowercase();
            cx.report(span, format!("stage name `{written}` is not lower case"))
                .set_help(format!("name it `{lower}`"))
                .set_fix(Fix::safe(
                    format!("Rename to `{lower}`"),
                    vec![Edit {
                        span,
                        replacement: lower,
                    }],
                ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG604",
            &["FROM alpine:3.20 AS Build\n", "FROM alpine:3.20 AS BUILD\n"],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG604",
            &[
                "FROM alpine:3.20 AS build\n",
                "FROM alpine:3.20 AS build-2.x_y\n",
                "FROM alpine:3.20\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG604",
            &[(
                "FROM alpine:3.20 AS Build\nFROM scratch\nCOPY --from=Build /a /a\n",
                "FROM alpine:3.20 AS build\nFROM scratch\nCOPY --from=Build /a /a\n",
            )],
        );
    }
}
