//! SG206: `RUN --security=insecure` runs a build step with full host privileges.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Finds `RUN --security=insecure` (also in `ONBUILD RUN`, and when the value comes
    /// from an ARG).
    ///
    /// ## Why it matters
    /// The step runs like `docker run --privileged`: all capabilities, no seccomp or
    /// AppArmor profile, access to host devices. Whatever that step runs (a package
    /// script, a downloaded installer) can take over the build host, and through it every
    /// image the host builds. BuildKit only allows it when the builder is started with the
    /// `security.insecure` entitlement, which should stay off.
    ///
    /// ## Example
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:12
    /// RUN --security=insecure mount -t tmpfs none /mnt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM debian:12
    /// RUN --mount=type=tmpfs,target=/mnt ls /mnt
    /// ```
    ///
    /// ## Fix
    /// None: the step needs rework (a `--mount`, a different tool) before it can run
    /// sandboxed.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-250; chapter 3.1.2 and 3.1.8.
    pub struct RunSecurityInsecure {
        code: "SG206",
        name: "run-security-insecure",
        severity: Error,
        section: "3.1.2",
        aliases: [],
        fixable: None,
    }
}

impl Check for RunSecurityInsecure {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<Span> = Vec::new();
        for (i, inst) in cx.instructions() {
            let run = match inst.kind {
                Kind::Onbuild => match inst.onbuild.as_deref() {
                    Some(child) => child,
                    None => continue,
                },
                _ => inst,
            };
            if run.kind != Kind::Run {
                continue;
            }
            for flag in run.flags.iter().filter(|f| f.name == "security") {
                let value = cx.expand(flag.value.as_deref().unwrap_or(""), i);
                if value.trim().eq_ignore_ascii_case("insecure") {
                    found.push(flag.span);
                }
            }
        }
        for span in found {
            cx.report(
                span,
                "`RUN --security=insecure` runs this step with full host privileges",
            )
            .set_help("use a `--mount` or a different tool so the step runs sandboxed");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG206",
            &[
                "FROM a\nRUN --security=insecure make\n",
                "FROM a\nRUN --mount=type=cache,target=/c --security=insecure make\n",
                "FROM a\nONBUILD RUN --security=insecure make\n",
                "FROM a\nARG SEC=insecure\nRUN --security=$SEC make\n",
                "FROM a\nRUN --security=insecure <<EOF\nmake\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG206",
            &[
                "FROM a\nRUN --security=sandbox make\n",
                "FROM a\nRUN make --security=insecure\n",
                "FROM a\nRUN echo --security=insecure\n",
            ],
        );
    }

    #[test]
    fn span() {
        let src = "FROM a\nRUN --security=insecure make\n";
        let d = check("SG206", src);
        assert_eq!(&src[d[0].span.range()], "--security=insecure");
    }
}
