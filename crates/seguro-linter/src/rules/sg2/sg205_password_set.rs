//! SG205: a password set (or emptied) in a build step ends up in the image.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_shell::programs::users::PasswordVia;

declare_rule! {
    /// ## What it does
    /// Finds build steps that set an account password: `chpasswd` (`echo user:pw |
    /// chpasswd`, `chpasswd -e`), `passwd --stdin` or `passwd` fed by a pipe or a
    /// redirect, `useradd`/`usermod -p <hash>`, and `passwd -d` (which leaves the account
    /// with an empty password), in the final image (the final or `--target` stage and the
    /// stages it is built `FROM`). A locked hash (`-p '*'`, `-p '!'`) and `passwd -l` are
    /// fine, and so are builder stages, whose accounts are not shipped.
    ///
    /// ## Why it matters
    /// The password, or its hash, is stored in `/etc/shadow` of every container started
    /// from the image, and usually also in the layer history (`docker history` shows the
    /// RUN line). Anyone who pulls the image can read or crack it, and every container
    /// shares it. Containers do not need login passwords: use keys or secrets mounted at
    /// run time.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -m app && echo 'app:changeme' | chpasswd
    /// USER app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN useradd -m app
    /// USER app
    /// ```
    ///
    /// ## Fix
    /// None: what the password was for (ssh, sudo, a test account) decides the remedy.
    ///
    /// ## Aliases
    /// CKV2_DOCKER_17
    ///
    /// ## References
    /// CWE-798, CWE-521; chapter 3.1.2.
    pub struct PasswordSet {
        code: "SG205",
        name: "password-set",
        severity: Warning,
        section: "3.1.2",
        aliases: ["CKV2_DOCKER_17"],
        fixable: None,
    }
}

impl Check for PasswordSet {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        // Only the accounts of the image that ships matter: a builder stage's
        // `/etc/shadow` stays behind.
        let shipped = cx.final_image_instructions();
        for (inst, rs, script) in cx.run_scripts() {
            if !shipped.contains(&rs.instruction) {
                continue;
            }
            for (cmd, via) in script.password_sets() {
                let program = cmd.program().unwrap_or("passwd");
                let message = match via {
                    PasswordVia::Chpasswd => {
                        "`chpasswd` stores a password in the image".to_string()
                    }
                    PasswordVia::Passwd => format!("`{program}` stores a password in the image"),
                    PasswordVia::HashOption => {
                        let hash = cmd
                            .flag_value("-p")
                            .or_else(|| cmd.flag_value("--password"));
                        if hash.is_some_and(|h| is_locked(h.text())) {
                            continue;
                        }
                        format!("`{program} -p` stores a password hash in the image")
                    }
                };
                let span = cmd.name.as_ref().map_or(cmd.span, |n| n.span);
                found.push((rs.file_span(inst, span), message));
            }
            for cmd in script.named("passwd") {
                if cmd.has_flag(&["-d", "--delete"]) {
                    let span = cmd.name.as_ref().map_or(cmd.span, |n| n.span);
                    found.push((
                        rs.file_span(inst, span),
                        "`passwd -d` leaves the account with an empty password".to_string(),
                    ));
                }
            }
        }
        for (span, message) in found {
            cx.report(span, message).set_help(
                "do not give accounts passwords in the image; provide credentials at run time",
            );
        }
    }
}

/// A hash that locks the account instead of setting a password.
fn is_locked(hash: &str) -> bool {
    matches!(hash, "*" | "!" | "!!" | "x" | "!*" | "*LK*")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG205",
            &[
                "FROM a\nRUN echo 'root:root' | chpasswd\n",
                "FROM a\nRUN echo \"app:$PW\" | chpasswd -e\n",
                "FROM a\nRUN chpasswd < /tmp/users\n",
                "FROM a\nRUN echo secret | passwd --stdin app\n",
                "FROM a\nRUN printf 'pw\\npw\\n' | passwd app\n",
                "FROM a\nRUN useradd -m -p \"$(openssl passwd -1 pw)\" app\n",
                "FROM a\nRUN usermod -p '$6$abc$def' root\n",
                "FROM a\nRUN passwd -d root\n",
                "FROM a\nRUN <<EOF\nuseradd app\necho app:x1 | chpasswd\nEOF\n",
                "FROM a\nRUN sh -c 'echo root:pw | chpasswd'\n",
                "FROM a AS base\nRUN echo root:pw | chpasswd\nFROM base\nCMD [\"x\"]\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG205",
            &[
                "FROM a\nRUN useradd -m app\n",
                "FROM a\nRUN passwd -l root\n",
                "FROM a\nRUN useradd -p '*' app\n",
                "FROM a\nRUN usermod -p '!' root\n",
                "FROM a\nRUN adduser --disabled-password --gecos '' app\n",
                "FROM a\nRUN echo chpasswd\n",
                "FROM a\nRUN apt-get install -y passwd\n",
                // a builder stage's accounts do not ship
                "FROM a AS build\nRUN useradd b && passwd -d b\nFROM a\nCOPY --from=build /out /out\n",
            ],
        );
    }
}
