//! SG906: shell-form CMD/ENTRYPOINT puts `/bin/sh -c` in front of the program.

use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};
use seguro_shell::{Origin, Script};

declare_rule! {
    /// ## What it does
    /// Finds `CMD` and `ENTRYPOINT` written in shell form (`CMD node server.js`) when no
    /// `SHELL` instruction is in effect. It stays quiet when the script hands over to the
    /// program itself with `exec` (`CMD ./migrate && exec node server.js`). A would-be
    /// JSON array that is not valid JSON (`CMD ['node', 'app.js']`) is shell form too, and
    /// reported as such.
    ///
    /// ## Why it matters
    /// Shell form runs `/bin/sh -c "<text>"`: the shell is PID 1, and `docker stop` sends
    /// SIGTERM to it, not to the program, which is then killed after the timeout instead
    /// of shutting down cleanly. A shell-form ENTRYPOINT also ignores CMD and `docker run`
    /// arguments.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// CMD node /app/server.js
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM node:20-slim
    /// COPY . /app
    /// CMD ["node", "/app/server.js"]
    /// ```
    ///
    /// ## Fix
    /// Unsafe, and only for a single command made of plain words (no variables, globs,
    /// redirections, pipes or `&&`): rewrites it as a JSON array. The program then runs
    /// as PID 1 without a shell, which changes how it receives signals and its
    /// environment; check it still starts and stops as expected.
    ///
    /// ## Aliases
    /// DL3025, JSONArgsRecommended
    ///
    /// ## References
    /// Chapter 3.1 (hygiene).
    pub struct ExecFormRecommended {
        code: "SG906",
        name: "exec-form-recommended",
        severity: Info,
        section: "3.1",
        aliases: ["DL3025", "JSONArgsRecommended"],
        fixable: Sometimes,
    }
}

impl Check for ExecFormRecommended {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String, Option<String>)> = Vec::new();
        for (i, inst) in cx.instructions() {
            if !matches!(inst.kind, Kind::Cmd | Kind::Entrypoint) || inst.json {
                continue;
            }
            if cx.model.state_before(i).is_some_and(|s| s.shell.is_some()) {
                continue;
            }
            let Some((text, _)) = inst.shell_script() else {
                continue;
            };
            let Some(arg) = inst.args.first() else {
                continue;
            };
            if text.trim().is_empty() {
                continue;
            }
            let script = seguro_shell::parse(text);
            if hands_over_with_exec(&script) {
                continue;
            }
            let message = if text.trim_start().starts_with('[') {
                format!(
                    "{} looks like an exec-form array but is not valid JSON (strings need double quotes), so it runs as a shell command",
                    inst.kind.name()
                )
            } else {
                format!(
                    "shell-form {} runs under `/bin/sh -c`, so the program does not get stop signals",
                    inst.kind.name()
                )
            };
            found.push((arg.span, message, as_json(&script)));
        }
        for (span, message, json) in found {
            let d = cx.report(span, message).set_help(
                "write it as a JSON array (`CMD [\"prog\", \"arg\"]`), or end the script with `exec prog`",
            );
            if let Some(json) = json {
                d.set_fix(Fix::new(
                    "Rewrite in exec (JSON) form",
                    Applicability::Unsafe,
                    vec![Edit {
                        span,
                        replacement: json,
                    }],
                ));
            }
        }
    }
}

/// Whether the last command the shell runs at top level is `exec prog`.
fn hands_over_with_exec(script: &Script) -> bool {
    script
        .commands()
        .filter(|c| matches!(c.origin, Origin::Script) && !c.in_subshell && !c.in_function)
        .last()
        .is_some_and(|c| c.has_wrapper("exec"))
}

/// The JSON form of a script that is one plain command.
fn as_json(script: &Script) -> Option<String> {
    if script.degraded() || script.commands().count() != 1 {
        return None;
    }
    let c = script.commands().next()?;
    let plain = c.pipeline_len == 1
        && !c.negated
        && !c.in_background
        && !c.in_condition
        && !c.in_subshell
        && c.assignments.is_empty()
        && c.redirects.is_empty()
        && c.wrappers.is_empty()
        && matches!(c.origin, Origin::Script);
    if !plain {
        return None;
    }
    let mut words = Vec::new();
    for w in c.words() {
        let v = w.value.as_deref()?;
        if v.is_empty() || v.starts_with('~') || v.contains(['*', '?', '[', '{']) {
            return None;
        }
        words.push(serde_json::to_string(v).ok()?);
    }
    (!words.is_empty()).then(|| format!("[{}]", words.join(", ")))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG906",
            &[
                "FROM a\nCMD node server.js\n",
                "FROM a\nENTRYPOINT /entrypoint.sh\n",
                "FROM a\nCMD ./migrate && node server.js\n",
                "FROM a\nCMD exec node x & wait\n",
                "FROM a\nENTRYPOINT ['/bin/glide']\n",
                "FROM a AS b\nSHELL [\"/bin/bash\", \"-c\"]\nFROM a\nCMD node x\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG906",
            &[
                "FROM a\nCMD [\"node\", \"server.js\"]\n",
                "FROM a\nENTRYPOINT [\"/entrypoint.sh\"]\n",
                "FROM a\nCMD exec node server.js\n",
                "FROM a\nCMD ./migrate && exec node server.js\n",
                "FROM a\nSHELL [\"pwsh\", \"-Command\"]\nCMD Write-Host hi\n",
                "FROM a\nSHELL [\"/bin/bash\", \"-c\"]\nFROM a AS x\n"
                    .replace("FROM a AS x\n", "CMD node x\n")
                    .as_str(),
            ],
        );
    }

    #[test]
    fn fixes() {
        fix(
            "SG906",
            &[
                // unsafe fixes are not applied by default
                (
                    "FROM a\nCMD node server.js\n",
                    "FROM a\nCMD node server.js\n",
                ),
            ],
        );
        let src = "FROM a\nCMD node \"my app.js\" --port 80\n";
        let d = check("SG906", src);
        assert_eq!(
            crate::fix::apply(src, &d, true).0,
            "FROM a\nCMD [\"node\", \"my app.js\", \"--port\", \"80\"]\n"
        );
        let d = check("SG906", "FROM a\nENTRYPOINT ['/bin/glide']\n");
        assert!(d[0].message.contains("not valid JSON"), "{}", d[0].message);
        assert!(d[0].fix.is_none());
        for src in [
            "FROM a\nCMD node $APP\n",
            "FROM a\nCMD a && b\n",
            "FROM a\nCMD node *.js\n",
            "FROM a\nCMD X=1 node a\n",
            "FROM a\nCMD node a > log\n",
        ] {
            let d = check("SG906", src);
            assert!(d[0].fix.is_none(), "{src}");
        }
    }
}
