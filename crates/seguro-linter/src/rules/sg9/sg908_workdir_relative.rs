//! SG908: a relative WORKDIR whose base is the (unknown) WORKDIR of the base image.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds a relative `WORKDIR` (after ARG/ENV expansion) used before any absolute
    /// WORKDIR is in effect in the stage, counting those of the stages it is built
    /// `FROM`. A relative WORKDIR after an absolute one is well defined and not reported,
    /// as in BuildKit's `WorkdirRelativePath`; only the first relative one of a stage is. Windows paths (`C:\app`) count as absolute;
    /// values made of variables without a value are not judged.
    ///
    /// ## Why it matters
    /// The path is resolved against the base image's WORKDIR, which the Dockerfile does
    /// not show and which changes when the base image does: files land somewhere else and
    /// the CMD no longer finds them.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR app
    /// COPY . .
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-slim
    /// WORKDIR /app
    /// COPY . .
    /// ```
    ///
    /// ## Fix
    /// Adds a leading `/`. Safe on a `FROM scratch` stage (the WORKDIR is then `/`);
    /// unsafe otherwise, since the base image may set another WORKDIR. Not offered when
    /// the path comes from a variable.
    ///
    /// ## Aliases
    /// DL3000, DS-0009, CKV_DOCKER_10, WorkdirRelativePath
    ///
    /// ## References
    /// Chapter 3.1 (hygiene).
    pub struct WorkdirRelative {
        code: "SG908",
        name: "workdir-relative",
        severity: Warning,
        section: "3.1",
        aliases: ["DL3000", "DS-0009", "CKV_DOCKER_10", "WorkdirRelativePath"],
        fixable: Sometimes,
    }
}

impl Check for WorkdirRelative {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, Option<Fix>)> = Vec::new();
        for stage in &cx.model.stages {
            let chain = cx.model.chain(stage.index);
            // An absolute WORKDIR set by a stage this one is built on.
            let mut absolute = chain.iter().skip(1).any(|s| {
                s.instructions
                    .clone()
                    .any(|i| workdir_value(cx, i).is_some_and(|v| is_absolute(&v)))
            });
            let scratch = matches!(cx.model.root_base(stage.index), Some(Base::Scratch));
            for i in stage.instructions.clone() {
                let Some(value) = workdir_value(cx, i) else {
                    continue;
                };
                if is_absolute(&value) {
                    absolute = true;
                    continue;
                }
                if absolute {
                    continue;
                }
                let Some(arg) = cx.df.instructions.get(i).and_then(|x| x.args.first()) else {
                    continue;
                };
                let fix = (arg.value == value && !value.is_empty()).then(|| {
                    Fix::new(
                        "Make the WORKDIR absolute",
                        if scratch {
                            Applicability::Safe
                        } else {
                            Applicability::Unsafe
                        },
                        vec![Edit {
                            span: Span::empty(arg.span.start as usize),
                            replacement: "/".to_string(),
                        }],
                    )
                });
                found.push((
                    arg.span,
                    format!("WORKDIR `{value}` is relative to the base image's WORKDIR"),
                    fix,
                ));
                // Later relative WORKDIRs build on this one: one report per stage.
                absolute = true;
            }
        }
        for (span, message, fix) in found {
            let d = cx
                .report(span, message)
                .set_help("use an absolute path (`WORKDIR /app`)");
            if let Some(fix) = fix {
                d.set_fix(fix);
            }
        }
    }
}

/// The resolved WORKDIR of instruction `i` (`None`: not a WORKDIR, or unresolved).
fn workdir_value(cx: &Checker<'_>, i: usize) -> Option<String> {
    let inst = cx.df.instructions.get(i)?;
    if inst.kind != Kind::Workdir {
        return None;
    }
    let arg = inst.args.first()?;
    // `C:\app` with the default escape character loses its backslash when expanded.
    if is_absolute(&arg.value) {
        return Some(arg.value.clone());
    }
    let e = cx.model.expand(&arg.value, i)?;
    e.unresolved.is_empty().then_some(e.value)
}

/// `/x`, or a Windows path (`C:\x`, `C:/x`, `\x`).
fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/')
        || p.starts_with('\\')
        || (b.len() >= 3
            && b[0].is_ascii_alphabetic()
            && b[1] == b':'
            && matches!(b[2], b'\\' | b'/'))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG908",
            &[
                "FROM a\nWORKDIR app\n",
                "FROM a\nWORKDIR ./app\n",
                "FROM a\nARG D=src\nWORKDIR $D\n",
                "FROM a AS base\nRUN x\nFROM base\nWORKDIR app\n",
                "FROM a\nWORKDIR app\nWORKDIR sub\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG908",
            &[
                "FROM a\nWORKDIR /app\n",
                "FROM a\nWORKDIR /app\nWORKDIR sub\n",
                "FROM a AS base\nWORKDIR /src\nFROM base\nWORKDIR app\n",
                "FROM a\nARG D=/srv\nWORKDIR $D/app\n",
                "FROM a\nENV HOME=/home/app\nWORKDIR $HOME\n",
                "FROM a\nWORKDIR $UNSET_DIR\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\app\n",
                "FROM a\nWORKDIR c:/app\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG908",
            &[
                (
                    "FROM scratch\nWORKDIR app\n",
                    "FROM scratch\nWORKDIR /app\n",
                ),
                // unsafe on other bases: not applied by default
                ("FROM a\nWORKDIR app\n", "FROM a\nWORKDIR app\n"),
            ],
        );
        let src = "FROM a\nWORKDIR app\n";
        let d = check("SG908", src);
        assert_eq!(crate::fix::apply(src, &d, true).0, "FROM a\nWORKDIR /app\n");
        let d = check("SG908", "FROM a\nARG D=src\nWORKDIR $D\n");
        assert!(d[0].fix.is_none());
    }
}
