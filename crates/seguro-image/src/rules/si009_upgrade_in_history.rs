//! SI009: a whole-system package upgrade in the image history.

use crate::check::{ImageChecker, mask_text};
use crate::rules::Check;
use crate::rules::history::runs;
use seguro_shell::package_op;

declare_image_rule! {
    /// ## What it does
    /// Reads the RUN steps of the image history (as SG301 reads a Dockerfile, with the
    /// same shell analysis) and finds whole-system upgrades: `apt-get`/`apt`/`aptitude`
    /// `upgrade`, `dist-upgrade`, `full-upgrade`; `apk upgrade`; `yum`/`dnf`/`microdnf`/
    /// `tdnf` `update`/`upgrade`/`distro-sync`; `zypper update`/`dup`. Upgrades of named
    /// packages (`apk upgrade openssl`) are targeted fixes and are not reported.
    ///
    /// The history covers the base image's steps too: an upgrade there is reported with
    /// the step that made it.
    ///
    /// ## Why it matters
    /// An upgrade installs whatever the mirror serves on the day of the build: two builds
    /// of the same Dockerfile give different images and the base image's tested package
    /// set is not what ships. The reproducible way to get fixes is a newer, pinned base
    /// image.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c apt-get update && apt-get -y upgrade # buildkit
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 # buildkit
    /// ```
    ///
    /// ## Fix
    /// None: rebuild on a newer base image instead.
    ///
    /// ## Aliases
    /// DKL-DI-0003
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct UpgradeInHistory {
        code: "SI009",
        name: "upgrade-in-history",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DKL-DI-0003"],
        fixable: None,
    }
}

impl Check for UpgradeInHistory {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for run in runs(cx.image) {
            let (i, script) = (run.history, run.script);
            let parsed = seguro_shell::parse(&script);
            for cmd in parsed.commands() {
                let Some(op) = package_op(cmd) else { continue };
                if op.upgrades_whole_system() {
                    let text = op.span.slice(&script).to_string();
                    found.push((i, mask_text(&text)));
                    break;
                }
            }
        }
        for (i, text) in found {
            let at = cx.at_history(i);
            cx.report(
                format!(
                    "history step {i} runs `{text}`: it upgrades every package to what the \
                     mirror served at build time"
                ),
                at,
            )
            .set_help("rebuild on a newer, pinned base image instead of upgrading in the build");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI009",
            &[
                "layer RUN /bin/sh -c apt-get update && apt-get upgrade -y # buildkit",
                "layer /bin/sh -c apt-get -y dist-upgrade",
                "layer RUN |1 X=y /bin/sh -c apk upgrade --no-cache # buildkit",
                "layer /bin/sh -c yum update -y && yum clean all",
                "layer RUN /bin/sh -c dnf -y upgrade # buildkit",
                "layer /bin/sh -c zypper -n dup",
            ],
        );
        let d = one(
            "SI009",
            "history ENV A=b\nlayer RUN /bin/sh -c apt-get update && apt-get upgrade -y # buildkit",
        );
        assert!(d.message.contains("`apt-get upgrade -y`"), "{}", d.message);
        assert_eq!(d.location.unwrap().history, Some(1));
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI009",
            &[
                "layer RUN /bin/sh -c apt-get update && apt-get install -y --only-upgrade openssl # buildkit",
                "layer /bin/sh -c apk upgrade openssl",
                "layer /bin/sh -c yum update -y openssl",
                "history /bin/sh -c #(nop)  ENV UPGRADE=apt-get upgrade",
                "layer RUN /bin/sh -c echo apt-get upgrade # buildkit",
                "layer RUN /bin/sh -c npm update # buildkit",
            ],
        );
    }
}
