//! SG602: two stages with the same name.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds a stage whose `AS` name an earlier stage already uses. Stage names are
    /// case-insensitive: `AS Build` and `AS build` are the same name.
    ///
    /// ## Why it matters
    /// `COPY --from=build`, `FROM build` and `--target build` pick one of the stages,
    /// and which one is not what a reader expects: artefacts can come from the wrong
    /// stage (an unhardened or test build) without any error.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// FROM node:20 AS build
    /// FROM alpine:3.20
    /// COPY --from=build /out /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build-api
    /// FROM node:20 AS build-web
    /// FROM alpine:3.20
    /// COPY --from=build-api /out /app
    /// ```
    ///
    /// ## Fix
    /// None: which references meant which stage is for the author.
    ///
    /// ## Aliases
    /// DL3024, DS-0012, CKV_DOCKER_11, DuplicateStageName
    ///
    /// ## References
    /// BuildKit `DuplicateStageName`; chapter 3.1.6.
    pub struct StageNameDuplicate {
        code: "SG602",
        name: "stage-name-duplicate",
        severity: Error,
        section: "3.1.6",
        aliases: ["DL3024", "DS-0012", "CKV_DOCKER_11", "DuplicateStageName"],
        fixable: None,
    }
}

impl Check for StageNameDuplicate {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (i, stage) in cx.model.stages.iter().enumerate() {
            let (Some(name), Some(span)) = (&stage.name, stage.name_span) else {
                continue;
            };
            let first = cx.model.stages[..i]
                .iter()
                .find(|s| s.name.as_ref() == Some(name));
            if let Some(first) = first {
                let line = cx
                    .df
                    .instructions
                    .get(first.from_index)
                    .map_or(0, |x| x.start_line);
                found.push((span, name.clone(), line, first.name_span));
            }
        }
        for (span, name, line, first) in found {
            let d = cx.report(
                span,
                format!("stage name `{name}` is already used by the stage on line {line}"),
            );
            d.set_help("give each stage its own name");
            if let Some(first) = first {
                d.add_related(first, "first used here");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG602",
            &[
                "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS a\n",
                "FROM alpine:3.20 AS Build\nFROM alpine:3.20 AS build\n",
                "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nFROM a AS A\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG602",
            &[
                "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\nFROM a\n",
                "FROM alpine:3.20\nFROM alpine:3.20\n",
                "FROM alpine:3.20 AS build-1\nFROM alpine:3.20 AS build-2\n",
            ],
        );
    }
}
