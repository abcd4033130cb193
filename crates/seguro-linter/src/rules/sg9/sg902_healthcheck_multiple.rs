//! SG902: several HEALTHCHECKs in one stage; only the last one counts.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Fix};
use crate::rule::Check;
use crate::rules::sg9::delete_instruction;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds stages with more than one HEALTHCHECK (`NONE` included) and reports every one
    /// but the last, which is the only one the image keeps.
    ///
    /// ## Why it matters
    /// The earlier checks are silently dropped: the author may believe the service is
    /// probed in a way it is not.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/ || exit 1
    /// HEALTHCHECK CMD curl -f http://localhost/status || exit 1
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// HEALTHCHECK CMD curl -f http://localhost/status || exit 1
    /// ```
    ///
    /// ## Fix
    /// Unsafe: deletes the overridden HEALTHCHECK. The image does not change, but the
    /// author may have meant to keep the deleted probe instead of the last one.
    ///
    /// ## Aliases
    /// DL3012, DS-0023
    ///
    /// ## References
    /// Chapter 3.1.9.
    pub struct HealthcheckMultiple {
        code: "SG902",
        name: "healthcheck-multiple",
        severity: Warning,
        section: "3.1.9",
        aliases: ["DL3012", "DS-0023"],
        fixable: Always,
    }
}

impl Check for HealthcheckMultiple {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for stage in &cx.model.stages {
            let checks: Vec<usize> = stage
                .instructions
                .clone()
                .filter(|&i| {
                    cx.df
                        .instructions
                        .get(i)
                        .is_some_and(|x| x.kind == Kind::Healthcheck)
                })
                .collect();
            let Some((&last, earlier)) = checks.split_last() else {
                continue;
            };
            for &i in earlier {
                found.push((i, last));
            }
        }
        for (i, last) in found {
            let (Some(inst), Some(winner)) =
                (cx.df.instructions.get(i), cx.df.instructions.get(last))
            else {
                continue;
            };
            let fix = Fix::new(
                "Delete the overridden HEALTHCHECK",
                Applicability::Unsafe,
                vec![delete_instruction(cx.src, inst)],
            );
            cx.report(
                inst.span,
                format!(
                    "this HEALTHCHECK is overridden by the one on line {} and has no effect",
                    winner.start_line
                ),
            )
            .set_help("keep a single HEALTHCHECK per stage")
            .add_related(winner.keyword_span, "the HEALTHCHECK that takes effect")
            .set_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG902",
            &[
                "FROM a\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n",
                "FROM a\nHEALTHCHECK CMD a\nRUN x\nHEALTHCHECK NONE\n",
                "FROM a AS one\nFROM b\nHEALTHCHECK CMD [\"a\"]\nhealthcheck --interval=5s CMD b\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG902",
            &[
                "FROM a\nHEALTHCHECK CMD a\n",
                // one per stage is fine, even when inherited
                "FROM a AS base\nHEALTHCHECK CMD a\nFROM base\nHEALTHCHECK CMD b\n",
                "FROM a\nONBUILD HEALTHCHECK CMD a\nHEALTHCHECK CMD b\n",
            ],
        );
    }

    #[test]
    fn reports_all_but_last() {
        let d = check(
            "SG902",
            "FROM a\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\nHEALTHCHECK CMD c\n",
        );
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("line 4"), "{}", d[0].message);
    }

    #[test]
    fn unsafe_fix() {
        let src = "FROM a\nHEALTHCHECK CMD a \\\n  --flag\n  HEALTHCHECK CMD b\n";
        let d: Vec<Diagnostic> = check("SG902", src);
        // not applied as a safe fix
        assert_eq!(crate::fix::apply(src, &d, false).0, src);
        assert_eq!(
            crate::fix::apply(src, &d, true).0,
            "FROM a\n  HEALTHCHECK CMD b\n"
        );
    }
}
