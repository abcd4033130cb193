//! SG503: `COPY --from` names the stage it is in.

use super::sources::{FromRef, resolve_from};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `COPY --from=<x>` where `<x>` is the stage the COPY belongs to, by name or by
    /// number.
    ///
    /// ## Why it matters
    /// A stage cannot read its own result while it is being built: BuildKit stops with a
    /// circular dependency error. Usually a stage was renamed or the COPY was pasted into
    /// the wrong stage.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go build -o /out/app .
    /// FROM alpine:3.20
    /// COPY --from=build /out/app /usr/local/bin/app
    /// ```
    ///
    /// ## Fix
    /// None.
    ///
    /// ## Aliases
    /// DL3023, DS-0006
    ///
    /// ## References
    /// Chapter 3.1.6.
    pub struct CopyFromSelf {
        code: "SG503",
        name: "copy-from-self",
        severity: Error,
        section: "3.1.6",
        aliases: ["DL3023", "DS-0006"],
        fixable: None,
    }
}

impl Check for CopyFromSelf {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (i, inst) in cx.of_kind(Kind::Copy) {
            let Some(flag) = inst.flag("from") else {
                continue;
            };
            let (Some(value), Some(current)) = (flag.value.as_deref(), cx.model.stage_of(i)) else {
                continue;
            };
            if resolve_from(cx, value) != FromRef::Stage(current.index) {
                continue;
            }
            let which = match &current.name {
                Some(name) => format!("`{name}`"),
                None => format!("{}", current.index),
            };
            found.push((
                flag.span,
                format!("`--from={value}` is this COPY's own stage {which}"),
            ));
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("copy from an earlier stage, or move this COPY to a later stage");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG503",
            &[
                "FROM a AS build\nCOPY --from=build /x /y\n",
                "FROM a AS Build\ncopy --from=BUILD /x /y\n",
                "FROM a\nCOPY --from=0 /x /y\n",
                "FROM a\nFROM b AS two\nCOPY --from=1 /x /y\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG503",
            &[
                "FROM a AS build\nFROM b\nCOPY --from=build /x /y\n",
                "FROM a\nFROM b\nCOPY --from=0 /x /y\n",
                "FROM a AS build\nCOPY --from=builder /x /y\n",
                "FROM a AS build\nONBUILD COPY --from=build /x /y\n",
                "FROM a AS alpine\nFROM b\nCOPY --from=alpine /x /y\n",
                "FROM a\nCOPY x /y\n",
            ],
        );
    }
}
