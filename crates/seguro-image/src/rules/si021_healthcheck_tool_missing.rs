//! SI021: the healthcheck runs a program the image does not have.

use crate::check::ImageChecker;
use crate::rules::{Check, DEFAULT_PATH};

declare_image_rule! {
    /// ## What it does
    /// Checks that the programs the healthcheck runs exist in the image as built.
    ///
    /// - `CMD prog …`: `prog` must exist in the final filesystem, looked up through the
    ///   `PATH` of the config's `Env` (Docker's default `PATH` when there is none), or at
    ///   its path when it has a `/`;
    /// - `CMD-SHELL …`: the shell must exist (`Shell` of the config, default `/bin/sh`),
    ///   and so must each program the script calls (shell builtins aside).
    ///
    /// Symlinks are followed (busybox applets count). Images without layers are not
    /// judged.
    ///
    /// ## Why it matters
    /// A healthcheck whose program is missing fails every time: the container is marked
    /// unhealthy and restarted in a loop, or the check is silently useless. This is the
    /// classic `HEALTHCHECK CMD curl …` copied onto a distroless or `scratch` image that
    /// has neither curl nor a shell.
    ///
    /// ## Example
    /// ```text
    /// config Healthcheck=CMD-SHELL curl -f http://localhost:8080/health || exit 1
    /// layer COPY /out/server /server # buildkit
    /// file /server 0755
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config Healthcheck=CMD /server healthcheck
    /// layer COPY /out/server /server # buildkit
    /// file /server 0755
    /// ```
    ///
    /// ## Fix
    /// None: use a program the image has (many servers have a `healthcheck` subcommand;
    /// a small static probe can be copied in), or install the tool.
    ///
    /// ## Aliases
    /// healthcheck-tool-missing
    ///
    /// ## References
    /// Chapter 3.1.9.
    pub struct HealthcheckToolMissing {
        code: "SI021",
        name: "image-healthcheck-tool-missing",
        severity: Warning,
        section: "3.1.9",
        aliases: ["healthcheck-tool-missing"],
        fixable: None,
    }
}

/// Shell builtins and keywords a CMD-SHELL script may call without a program.
const BUILTINS: &[&str] = &[
    "exit", "test", "[", "[[", "echo", "printf", "true", "false", ":", "cd", "set", "export",
    "read", "eval", "exec", "return", "command", "type", "kill", "wait", "shift", "unset", "local",
    "trap", ".", "source",
];

impl Check for HealthcheckToolMissing {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let Some(hc) = &cx.image.config.healthcheck else {
            return;
        };
        if cx.view.is_empty() {
            return;
        }
        let path_var = cx
            .image
            .config
            .env
            .iter()
            .rev()
            .find_map(|e| e.strip_prefix("PATH="))
            .unwrap_or(DEFAULT_PATH)
            .to_string();
        let mut missing: Vec<String> = Vec::new();
        match hc.test.first().map(String::as_str) {
            Some("CMD") => {
                if let Some(prog) = hc.test.get(1)
                    && cx.view.which(prog, &path_var).is_none()
                {
                    missing.push(prog.clone());
                }
            }
            Some("CMD-SHELL") => {
                let shell = cx
                    .image
                    .config
                    .shell
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "/bin/sh".to_string());
                if cx.view.which(&shell, &path_var).is_none() {
                    missing.push(shell);
                } else {
                    let script = hc.test.get(1).map(String::as_str).unwrap_or("");
                    let parsed = seguro_shell::parse(script);
                    for c in parsed.commands() {
                        let Some(p) = c.program() else { continue };
                        if BUILTINS.contains(&p) || missing.iter().any(|m| m == p) {
                            continue;
                        }
                        if cx.view.which(p, &path_var).is_none() {
                            missing.push(p.to_string());
                        }
                    }
                }
            }
            _ => return,
        }
        if missing.is_empty() {
            return;
        }
        let list = missing
            .iter()
            .map(|m| format!("`{m}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let at = cx.at_field("config.Healthcheck");
        cx.report(
            format!(
                "the healthcheck runs {list}, which the image does not have (PATH {path_var}): it can never pass"
            ),
            at,
        )
        .set_help("use a program the image has (a `healthcheck` subcommand of the server), or install the tool");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI021",
            &[
                "config Healthcheck=CMD curl -f http://localhost/\nlayer\nfile /server 0755\n",
                "config Healthcheck=CMD-SHELL curl -f http://localhost/ || exit 1\nlayer\nfile /server 0755\n",
                "config Healthcheck=CMD-SHELL curl -f http://localhost/ || exit 1\nlayer\nfile /bin/sh 0755\n",
                "config Healthcheck=CMD /app/probe\nlayer\nfile /server 0755\n",
                "config Env=PATH=/opt/bin\nconfig Healthcheck=CMD curl x\nlayer\nfile /usr/bin/curl 0755\n",
                "config Shell=/bin/bash -c\nconfig Healthcheck=CMD-SHELL true\nlayer\nfile /bin/sh 0755\n",
            ],
        );
        let d = one(
            "SI021",
            "config Healthcheck=CMD-SHELL curl -f x || exit 1\nlayer\nfile /server 0755\n",
        );
        assert!(d.message.contains("`/bin/sh`"), "{}", d.message);
        let d = one(
            "SI021",
            "config Healthcheck=CMD-SHELL curl -f x || exit 1\nlayer\nfile /bin/sh 0755\n",
        );
        assert!(
            d.message.contains("`curl`") && !d.message.contains("`exit`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI021",
            &[
                "config Healthcheck=CMD curl -f http://localhost/\nlayer\nfile /usr/bin/curl 0755\n",
                "config Healthcheck=CMD-SHELL curl -f x || exit 1\nlayer\nfile /bin/busybox 0755\nsymlink /bin/sh busybox\nsymlink /usr/bin/curl ../../bin/busybox\n",
                "config Healthcheck=CMD /server healthcheck\nlayer\nfile /server 0755\n",
                "config Env=PATH=/opt/bin\nconfig Healthcheck=CMD probe\nlayer\nfile /opt/bin/probe 0755\n",
                "config Healthcheck=NONE\nlayer\nfile /server 0755\n",
                "config Healthcheck=CMD curl x\n",
                "layer\nfile /server 0755\n",
            ],
        );
    }
}
