//! SG907: several CMD or ENTRYPOINT in one stage; only the last of each counts.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Fix};
use crate::rule::Check;
use crate::rules::sg9::delete_instruction;
use seguro_dockerfile::Kind;

declare_rule! {
    /// ## What it does
    /// Finds stages with more than one `CMD` or more than one `ENTRYPOINT`, and reports
    /// every one but the last of each kind. Overriding the CMD of an earlier stage the
    /// stage is built `FROM` is normal and not reported.
    ///
    /// ## Why it matters
    /// Only the last one is kept in the image: an earlier `CMD service start` or
    /// `ENTRYPOINT` the author expected to run never does, which usually means a process
    /// (a migration, a sidecar daemon) silently does not start.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// CMD ["python", "migrate.py"]
    /// CMD ["gunicorn", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY start.sh /start.sh
    /// CMD ["/start.sh"]
    /// ```
    ///
    /// ## Fix
    /// Unsafe: deletes the overridden instruction. The image does not change, but the
    /// author may have meant both commands to run.
    ///
    /// ## Aliases
    /// DL4003, DL4004, DS-0016, DS-0007
    ///
    /// ## References
    /// Chapter 3.1 (hygiene).
    pub struct MultipleCmdEntrypoint {
        code: "SG907",
        name: "multiple-cmd-entrypoint",
        severity: Warning,
        section: "3.1",
        aliases: ["DL4003", "DL4004", "DS-0016", "DS-0007"],
        fixable: Always,
    }
}

impl Check for MultipleCmdEntrypoint {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for stage in &cx.model.stages {
            for kind in [Kind::Cmd, Kind::Entrypoint] {
                let list: Vec<usize> = stage
                    .instructions
                    .clone()
                    .filter(|&i| cx.df.instructions.get(i).is_some_and(|x| x.kind == kind))
                    .collect();
                if let Some((&last, earlier)) = list.split_last() {
                    found.extend(earlier.iter().map(|&i| (i, last)));
                }
            }
        }
        found.sort_unstable();
        for (i, last) in found {
            let (Some(inst), Some(winner)) =
                (cx.df.instructions.get(i), cx.df.instructions.get(last))
            else {
                continue;
            };
            let name = inst.kind.name();
            let fix = Fix::new(
                format!("Delete the overridden {name}"),
                Applicability::Unsafe,
                vec![delete_instruction(cx.src, inst)],
            );
            cx.report(
                inst.span,
                format!(
                    "this {name} is overridden by the {name} on line {} and never runs",
                    winner.start_line
                ),
            )
            .set_help(format!(
                "keep one {name} per stage; run several steps from a script if they are all needed"
            ))
            .add_related(winner.keyword_span, format!("the {name} that takes effect"))
            .set_fix(fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG907",
            &[
                "FROM a\nCMD a\nCMD b\n",
                "FROM a\nENTRYPOINT [\"a\"]\nRUN x\nENTRYPOINT [\"b\"]\n",
                "FROM a AS x\nFROM b\ncmd [\"a\"]\nCMD [\"b\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG907",
            &[
                "FROM a\nENTRYPOINT [\"a\"]\nCMD [\"b\"]\n",
                "FROM a AS base\nCMD a\nFROM base\nCMD b\n",
                "FROM a\nCMD a\nFROM b\nCMD b\n",
                "FROM a\nONBUILD CMD a\nCMD b\n",
            ],
        );
    }

    #[test]
    fn counts_and_fix() {
        let src = "FROM a\nCMD a\nENTRYPOINT e\nCMD b\nENTRYPOINT f\nCMD c\n";
        let d = check("SG907", src);
        assert_eq!(d.len(), 3);
        assert_eq!(
            crate::fix::apply(src, &d, true).0,
            "FROM a\nENTRYPOINT f\nCMD c\n"
        );
    }
}
