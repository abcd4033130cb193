//! SI001: the image runs as root (config `User`, resolved through `/etc/passwd`).

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Finds images whose container process runs as root: `config.User` is empty, or its
    /// user part (before `:`) is `root` or `0` (`root`, `0`, `0:0`, `root:root`,
    /// `root:x`), or a name whose UID in the image's own `/etc/passwd` is 0 (a `toor`
    /// alias of root).
    ///
    /// ## Why it matters
    /// A process running as root in the container is root on the host's kernel: a
    /// container escape, a writable host mount or a kernel bug turns into full control of
    /// the host. Images should run as an unprivileged user unless the workload needs root,
    /// and then say so at run time (`--user 0`).
    ///
    /// The image is judged, not the Dockerfile: what a base image or a build tool left in
    /// the config is what runs.
    ///
    /// ## Example
    /// ```text
    /// config User=0:0
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config User=app
    /// layer
    /// file /etc/passwd 0644 "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n"
    /// ```
    ///
    /// ## Fix
    /// None: add a user and `USER` it in the Dockerfile, then rebuild.
    ///
    /// ## Aliases
    /// CIS-DI-0001
    ///
    /// ## References
    /// CWE-250; CIS Docker Benchmark 4.1; chapter 3.1.2.
    pub struct RunsAsRoot {
        code: "SI001",
        name: "runs-as-root",
        severity: Warning,
        section: "3.1.2",
        aliases: ["CIS-DI-0001"],
        fixable: None,
    }
}

impl Check for RunsAsRoot {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let user = cx.image.config.user.trim();
        let name = user.split(':').next().unwrap_or("").trim();
        let message = if name.is_empty() {
            "the image runs as root: `User` is not set".to_string()
        } else if name == "root" || name.parse::<u64>() == Ok(0) {
            format!("the image runs as root: `User` is `{user}`")
        } else if let Some(u) = cx.accounts.user(name).filter(|u| u.uid == Some(0)) {
            format!(
                "the image runs as root: `User` is `{user}`, and `{name}` has UID 0 in \
                 /etc/passwd (line {})",
                u.line
            )
        } else {
            return;
        };
        let at = cx.at_field("config.User");
        cx.report(message, at).set_help(
            "create an unprivileged user in the Dockerfile (`RUN useradd -r -u 10001 app`) \
             and end with `USER app` (or `USER 10001`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    const PASSWD: &str = "layer\nfile /etc/passwd 0644 \"root:x:0:0:root:/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\napp:x:1000:1000::/home/app:/bin/sh\\n\"\n";

    #[test]
    fn fires() {
        for user in [
            "",
            "root",
            "0",
            "0:0",
            "root:root",
            "root:x",
            " 0 ",
            "toor",
            "toor:app",
        ] {
            fire("SI001", &[&format!("config User={user}\n{PASSWD}")]);
        }
        fire("SI001", &["layer\nfile /bin/app 0755\n"]);
    }

    #[test]
    fn names_the_passwd_alias() {
        let d = one("SI001", &format!("config User=toor\n{PASSWD}"));
        assert!(d.message.contains("UID 0"), "{}", d.message);
        let loc = d.location.unwrap();
        assert_eq!(loc.field.as_deref(), Some("config.User"));
    }

    #[test]
    fn quiet_for_unprivileged_users() {
        for user in [
            "app",
            "1000",
            "1000:1000",
            "app:0",
            "65534",
            "nobody-unknown",
            "00010",
        ] {
            quiet("SI001", &[&format!("config User={user}\n{PASSWD}")]);
        }
    }
}
