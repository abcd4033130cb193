//! SI018: `sudo` in the image (the binary, or used by a build step).

use crate::check::{ImageChecker, absolute, mask_text};
use crate::rules::history::runs;
use crate::rules::{BIN_DIRS, Check};

declare_image_rule! {
    /// ## What it does
    /// Finds `sudo` in the image: the program in the final filesystem (`sudo` in
    /// `/usr/local/sbin`, `/usr/local/bin`, `/usr/sbin`, `/usr/bin`, `/sbin` or `/bin`,
    /// symlinks followed), and RUN steps of the history that call it (`sudo make`,
    /// `env X=1 sudo …`, inside `sh -c '…'`), each step once.
    ///
    /// ## Why it matters
    /// sudo in an image is a way back to root for whoever gets a shell as the unprivileged
    /// user, through a sudoers rule or the next sudo vulnerability (CVE-2021-3156 gave
    /// root to any local user). Containers have no need for it: build steps run as the
    /// `USER` in effect, and `docker exec -u 0` exists for debugging.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c apt-get install -y sudo && echo 'app ALL=(ALL) NOPASSWD:ALL' >> /etc/sudoers # buildkit
    /// file /usr/bin/sudo 4755
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c apt-get install -y --no-install-recommends curl # buildkit
    /// file /usr/bin/curl 0755
    /// ```
    ///
    /// ## Fix
    /// None: do not install sudo; run privileged build steps before `USER`.
    ///
    /// ## Aliases
    /// DKL-DI-0001
    ///
    /// ## References
    /// CWE-250; chapter 3.1.2.
    pub struct SudoPresent {
        code: "SI018",
        name: "sudo-present",
        severity: Warning,
        section: "3.1.2",
        aliases: ["DKL-DI-0001"],
        fixable: None,
    }
}

impl Check for SudoPresent {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let binary = BIN_DIRS
            .iter()
            .map(|d| format!("{d}/sudo"))
            .find(|p| cx.view.has_file(p));
        if let Some(path) = binary
            && let Some((r, _)) = cx.view.lookup(&path)
        {
            let mut at = cx.at_entry(r);
            at.path = Some(absolute(&path));
            cx.report(
                format!("`{}` is installed: a way back to root", absolute(&path)),
                at,
            )
            .set_help("remove sudo from the image; run privileged build steps before USER");
        }
        let mut steps = Vec::new();
        for run in runs(cx.image) {
            let (i, script) = (run.history, run.script);
            let parsed = seguro_shell::parse(&script);
            let call = parsed
                .commands()
                .find(|c| c.is("sudo") || c.wrappers.iter().any(|w| w.name == "sudo"));
            if let Some(c) = call {
                steps.push((i, mask_text(c.span.slice(&script))));
            }
        }
        for (i, text) in steps {
            let at = cx.at_history(i);
            cx.report(format!("history step {i} uses sudo: `{text}`"), at)
                .set_help("run the step before switching USER instead of using sudo");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI018",
            &[
                "layer\nfile /usr/bin/sudo 4755\n",
                "layer\nfile /usr/libexec/sudo/sudo.real 4755\nsymlink /usr/bin/sudo ../libexec/sudo/sudo.real\n",
                "layer RUN /bin/sh -c sudo make install # buildkit",
                "layer /bin/sh -c env X=1 sudo -u app make",
            ],
        );
        let d = one(
            "SI018",
            "layer RUN /bin/sh -c make && sudo make install # buildkit",
        );
        assert!(d.message.contains("`sudo make install`"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI018",
            &[
                "layer\nfile /usr/share/doc/sudo/copyright 0644\n",
                "layer\nfile /usr/bin/sudo 4755\nlayer\ndelete /usr/bin/sudo\n",
                "layer RUN /bin/sh -c echo sudo # buildkit",
                "history ENV SUDO_FORCE_REMOVE=yes",
            ],
        );
    }
}
