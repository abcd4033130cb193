//! SG303: `apt-get install` of packages without a version.

use super::{PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::Manager;
use seguro_shell::programs::apt;

declare_rule! {
    /// ## What it does
    /// Finds packages installed with `apt-get install` (also `apt`, `aptitude`) without a
    /// version: `curl` instead of `curl=7.88.1-10+deb12u5`. A version with a wildcard
    /// (`curl=7.88.*`) counts as pinned; so do a target release (`curl/bookworm-backports`),
    /// local `.deb` files, paths and URLs.
    ///
    /// Package names held in a variable are judged by their value when an ARG or ENV in
    /// scope (`ARG PKGS="curl git"`) or an earlier assignment of the script
    /// (`deps='curl git' && apt-get install $deps`) gives it; names only known when the RUN runs
    /// (`$(cat list)`, `xargs apt-get install < list`) are not reported. One finding is
    /// given per install command, naming its unpinned packages.
    ///
    /// ## Why it matters
    /// Without a version the package is whatever the mirror serves on the day of the
    /// build: rebuilding the same Dockerfile gives a different image, and a bad update
    /// upstream lands without review. A pin makes the change visible in the Dockerfile's
    /// history. Pinned Debian versions do disappear from the mirror after a point release,
    /// so pair pins with a snapshot mirror (`snapshot.debian.org`) or turn this rule off
    /// and rely on a digest-pinned base image.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u5 \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3008
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinApt {
        code: "SG303",
        name: "pin-apt",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3008"],
        fixable: None,
    }
}

impl Check for PinApt {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| {
                    matches!(
                        at.op.manager,
                        Manager::AptGet | Manager::Apt | Manager::Aptitude
                    ) && at.sub_is(&["install", "reinstall"])
                },
                reparse: &|_, w| apt::package(w),
                report: &|_, p| unpinned(p),
                help: "pin each package with `name=version` (`apt-cache policy name` shows the candidate)",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG303",
            &[
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt install -y curl=7.88.1 git\n",
                "FROM debian\nRUN apt-get install -y -t bookworm-backports curl\n",
                "FROM debian\nRUN apt-get install -y curl=\n",
                "FROM debian\nARG PKGS=\"curl git\"\nRUN apt-get install -y $PKGS\n",
                "FROM debian\nENV PKG=curl\nRUN apt-get install -y \"${PKG}\"\n",
                "FROM debian\nRUN set -eux; deps='curl \\\n  git'; apt-get install -y $deps\n",
                "FROM debian\nARG PKGS=vim\nRUN PKGS='curl git' && apt-get install -y $PKGS\n",
                "FROM debian\nRUN if [ \"$TARGETARCH\" = amd64 ]; then apt-get install -y libfoo; fi\n",
                "FROM debian\nRUN <<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends \\\n  ca-certificates\nEOF\n",
                "FROM debian\nRUN xargs -a list apt-get install -y extra\n",
                "FROM debian\nRUN sudo -E apt-get install -y curl\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG303",
            &[
                "FROM debian\nRUN apt-get install -y curl=7.88.1-10+deb12u5\n",
                "FROM debian\nRUN apt-get install -y 'python3=3.11.*'\n",
                "FROM debian\nRUN apt-get install -y curl/bookworm-backports\n",
                "FROM debian\nRUN apt-get install -y ./pkg.deb /tmp/other.deb\n",
                "FROM debian\nRUN xargs apt-get install -y < /tmp/packages.txt\n",
                "FROM debian\nRUN apt-get install -y $(cat /tmp/packages.txt)\n",
                "FROM debian\nARG PKGS\nRUN apt-get install -y $PKGS\n",
                "FROM debian\nRUN PKGS=\"$(cat /tmp/list)\" && apt-get install -y $PKGS\n",
                "FROM debian\nRUN PKGS='curl=1 git=2' && apt-get install -y $PKGS\n",
                "FROM debian\nRUN apt-get install -y $PKGS && PKGS='curl git'\n",
                "FROM debian\nARG CURL_VERSION=7.88.1-10\nRUN apt-get install -y curl=${CURL_VERSION}\n",
                "FROM debian\nARG V\nRUN apt-get install -y curl=$V\n",
                "FROM debian\nRUN for p in a b; do apt-get install -y \"$p\"; done\n",
                "FROM debian\nRUN apt-get build-dep -y curl\n",
                "FROM debian\nRUN apt-get install -s curl\n",
                "FROM debian\nRUN apt-get remove -y curl\n",
                "FROM debian\nRUN echo apt-get install curl\n",
            ],
        );
    }

    #[test]
    fn one_finding_per_command() {
        let d = check(
            "SG303",
            "FROM debian\nRUN apt-get install -y --no-install-recommends \\\n  curl \\\n  git=1:2.39 \\\n  vim\n",
        );
        assert_eq!(d.len(), 1);
        assert!(
            d[0].message.contains("`curl` and `vim`"),
            "{}",
            d[0].message
        );
        assert_eq!(d[0].related.len(), 1);
        let src = "FROM debian\nRUN apt-get install -y curl\n";
        let d = check("SG303", src);
        assert_eq!(src.get(d[0].span.range()), Some("curl"));
    }
}
