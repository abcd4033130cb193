//! SI002: config `User` names a user (or group) the image's `/etc/passwd` (`/etc/group`)
//! does not have.

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Finds a `config.User` whose user name is not in the image's `/etc/passwd`, or whose
    /// group name (after `:`) is not in `/etc/group`, the files being read from the
    /// merged filesystem (symlinks and hardlinks followed). Numeric IDs are never
    /// reported: a UID without a passwd entry is valid.
    ///
    /// ## Why it matters
    /// The runtime resolves names through the image's own files: `docker run` fails with
    /// `unable to find user app: no matching entries in passwd file`. This happens when a
    /// multi-stage build creates the user in the build stage only, or copies the binary
    /// into a `scratch`/distroless image that has no such user.
    ///
    /// ## Example
    /// ```text
    /// config User=app
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\n"
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config User=10001:10001
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\n"
    /// ```
    ///
    /// ## Fix
    /// None: create the user in the final stage (or copy `/etc/passwd` into it), or use a
    /// numeric `USER 10001:10001`.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.2.
    pub struct UserUnknown {
        code: "SI002",
        name: "user-unknown",
        severity: Error,
        section: "3.1.2",
        aliases: [],
        fixable: None,
    }
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

impl Check for UserUnknown {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let user = cx.image.config.user.trim();
        let (name, group) = match user.split_once(':') {
            Some((u, g)) => (u.trim(), Some(g.trim())),
            None => (user, None),
        };
        let mut problems = Vec::new();
        if !name.is_empty()
            && !is_numeric(name)
            && name != "root"
            && cx.accounts.user(name).is_none()
        {
            problems.push(if cx.accounts.passwd.entry.is_none() {
                format!("user `{name}`: the image has no /etc/passwd")
            } else {
                format!("user `{name}` is not in /etc/passwd")
            });
        }
        if let Some(g) = group.filter(|g| !g.is_empty() && !is_numeric(g) && *g != "root")
            && cx.accounts.group(g).is_none()
        {
            problems.push(if cx.accounts.group.entry.is_none() {
                format!("group `{g}`: the image has no /etc/group")
            } else {
                format!("group `{g}` is not in /etc/group")
            });
        }
        if problems.is_empty() {
            return;
        }
        let at = cx.at_field("config.User");
        cx.report(
            format!(
                "`User` is `{user}` but {}: the container will not start",
                problems.join(", and ")
            ),
            at,
        )
        .set_help("create the user in the final stage, or use numeric IDs (`USER 10001:10001`)");
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    const FILES: &str = "layer\nfile /etc/passwd 0644 \"root:x:0:0:root:/root:/bin/sh\\napp:x:1000:1000::/home/app:/bin/sh\\n\"\nfile /etc/group 0644 \"root:x:0:\\napp:x:1000:\\n\"\n";

    #[test]
    fn fires() {
        fire(
            "SI002",
            &[
                &format!("config User=ghost\n{FILES}"),
                &format!("config User=app:staff\n{FILES}"),
                &format!("config User=1000:staff\n{FILES}"),
                "config User=app\nlayer\nfile /app 0755\n",
            ],
        );
        let d = one("SI002", "config User=app\nlayer\nfile /app 0755\n");
        assert!(d.message.contains("no /etc/passwd"), "{}", d.message);
    }

    #[test]
    fn names_found_through_links() {
        quiet(
            "SI002",
            &[
                "config User=app\nlayer\nfile /usr/lib/passwd 0644 \"app:x:1000:1000::/:/bin/sh\\n\"\nsymlink /etc/passwd ../usr/lib/passwd\n",
            ],
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI002",
            &[
                &format!("config User=app\n{FILES}"),
                &format!("config User=app:app\n{FILES}"),
                &format!("config User=\n{FILES}"),
                &format!("config User=root\n{FILES}"),
                "config User=10001\nlayer\nfile /app 0755\n",
                "config User=10001:10001\nlayer\nfile /app 0755\n",
                "config User=4242\n",
            ],
        );
    }
}
