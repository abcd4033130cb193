//! SI016: accounts with an empty password (`/etc/shadow`, `/etc/passwd`).

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Reads `/etc/shadow` of the final filesystem (symlinks and hardlinks followed) and
    /// reports accounts whose password field is empty; also `/etc/passwd` lines whose
    /// password field is empty (not `x`), which mean the same where there is no shadow
    /// entry. Locked accounts (`*`, `!`, `!!`, `!…`) are fine. Short or malformed lines are
    /// skipped.
    ///
    /// ## Why it matters
    /// An account with an empty password can be entered without one: `su app` from any
    /// process in the container, or a login through an SSH server or a console some later
    /// layer adds. Base images lock every account; an empty field usually comes from
    /// `passwd -d` or a hand-written line.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c passwd -d root # buildkit
    /// file /etc/shadow 0640 "root::19000:0:99999:7:::\n"
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer
    /// file /etc/shadow 0640 "root:*:19000:0:99999:7:::\napp:!:19000::::::\n"
    /// ```
    ///
    /// ## Fix
    /// None: lock the account (`passwd -l NAME`, or `*` in the field).
    ///
    /// ## Aliases
    /// DKL-LI-0001
    ///
    /// ## References
    /// CWE-521, CWE-258; chapter 3.1.2.
    pub struct EmptyPassword {
        code: "SI016",
        name: "empty-password",
        severity: Error,
        section: "3.1.2",
        aliases: ["DKL-LI-0001"],
        fixable: None,
    }
}

impl Check for EmptyPassword {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        if let Some(r) = cx.accounts.shadow.entry {
            for s in cx
                .accounts
                .shadow
                .lines
                .iter()
                .filter(|s| s.hash.is_empty())
            {
                found.push((
                    r,
                    format!(
                        "account `{}` has an empty password in /etc/shadow (line {}): anyone can become it without one",
                        s.name, s.line
                    ),
                ));
            }
        }
        if let Some(r) = cx.accounts.passwd.entry {
            for u in cx
                .accounts
                .passwd
                .lines
                .iter()
                .filter(|u| u.password.is_empty())
            {
                let shadowed = cx.accounts.shadow.lines.iter().any(|s| s.name == u.name);
                if !shadowed {
                    found.push((
                        r,
                        format!(
                            "account `{}` has an empty password in /etc/passwd (line {}): anyone can become it without one",
                            u.name, u.line
                        ),
                    ));
                }
            }
        }
        for (r, message) in found {
            let mut at = cx.at_entry(r);
            // The path as the container reads it, not the link target.
            if message.contains("/etc/shadow") {
                at.path = Some("/etc/shadow".into());
            } else {
                at.path = Some("/etc/passwd".into());
            }
            cx.report(message, at)
                .set_help("lock the account (`passwd -l NAME`) or give it `*` as password field");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI016",
            &[
                "layer\nfile /etc/shadow 0640 \"root::19000:0:99999:7:::\\n\"\n",
                "layer\nfile /etc/passwd 0644 \"app::1000:1000::/home/app:/bin/sh\\n\"\n",
                "layer\nfile /etc/shadow.real 0640 \"root::1::::::\\n\"\nlayer\nhardlink /etc/shadow /etc/shadow.real\n",
                "layer\nfile /usr/share/base/shadow 0640 \"root::1::::::\\n\"\nsymlink /etc/shadow ../usr/share/base/shadow\n",
            ],
        );
        let d = one(
            "SI016",
            "layer\nfile /etc/shadow 0640 \"root:*:1::::::\\napp::1::::::\\n\"\n",
        );
        assert!(
            d.message.contains("`app`") && d.message.contains("line 2"),
            "{}",
            d.message
        );
        assert_eq!(d.location.unwrap().path.as_deref(), Some("/etc/shadow"));
    }

    #[test]
    fn short_lines_do_not_panic() {
        assert!(
            check(
                "SI016",
                "layer\nfile /etc/shadow 0640 \"root\\n\\n:\\nx\"\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI016",
            &[
                "layer\nfile /etc/shadow 0640 \"root:*:19000:0:99999:7:::\\napp:!:1::::::\\nx:!!:1::::::\\n\"\n",
                "layer\nfile /etc/passwd 0644 \"root:x:0:0::/root:/bin/sh\\n\"\n",
                "layer\nfile /etc/passwd 0644 \"app::1000:1000::/:/bin/sh\\n\"\nfile /etc/shadow 0640 \"app:!:1::::::\\n\"\n",
                "layer\nfile /etc/shadow 0640 \"root::1::::::\\n\"\nlayer\nfile /etc/shadow 0640 \"root:*:1::::::\\n\"\n",
                "layer\nfile /etc/shadow 0640 size=100\n",
            ],
        );
    }
}
