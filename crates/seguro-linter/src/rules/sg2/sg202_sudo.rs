//! SG202: `sudo` in RUN.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds `sudo` in RUN instructions, however it is wrapped (`env sudo`, inside
    /// `sh -c "…"`, in a heredoc script).
    ///
    /// ## Why it matters
    /// Build steps already run as the USER in effect; `sudo` there means the image ships
    /// sudo (and its setuid binary) or a passwordless sudoers entry, an easy way back to
    /// root for anyone who gets a shell in the container.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// USER app
    /// RUN sudo apt-get update
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None: moving the step before `USER` is a decision for the author.
    ///
    /// ## Aliases
    /// DL3004, DS-0010, CKV2_DOCKER_1
    ///
    /// ## References
    /// CWE-250; chapter 3.1.2.
    pub struct Sudo {
        code: "SG202",
        name: "sudo",
        severity: Warning,
        section: "3.1.2",
        aliases: ["DL3004", "DS-0010", "CKV2_DOCKER_1"],
        fixable: None,
    }
}

impl Check for Sudo {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            for cmd in script.commands() {
                if let Some(w) = cmd.wrappers.iter().find(|w| w.name == "sudo") {
                    found.push(rs.file_span(inst, w.span));
                } else if cmd.is("sudo") {
                    found.push(rs.file_span(inst, cmd.span));
                }
            }
        }
        for span in found {
            cx.report(span, "`sudo` in a build step")
                .set_help("run the step before switching USER instead of using sudo");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG202",
            &[
                "FROM a\nRUN sudo apt-get update\n",
                "FROM a\nRUN env X=1 sudo -u app make\n",
                "FROM a\nRUN sh -c 'sudo make install'\n",
                "FROM a\nRUN <<EOF\nset -e\nsudo ls\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG202",
            &[
                "FROM a\nRUN apt-get install -y sudo-not\n",
                "FROM a\nRUN echo sudo\n",
                "FROM a\nRUN [\"sudo\", \"x\"]\n"
                    .replace("sudo\", \"x", "ls\", \"x")
                    .as_str(),
            ],
        );
    }
}
