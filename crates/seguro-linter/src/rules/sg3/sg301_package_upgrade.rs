//! SG301: whole-system package upgrades at build time (policy, forbidden by default).

use super::{Finding, runs};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds whole-system package upgrades in RUN: `apt-get`/`apt`/`aptitude` `upgrade`,
    /// `dist-upgrade`, `full-upgrade`; `apk upgrade`; `yum`/`dnf`/`microdnf`/`tdnf`
    /// `update`/`upgrade`/`distro-sync` with no package named; `zypper update`/`patch`/
    /// `dist-upgrade`/`dup`.
    ///
    /// Upgrades of named packages (`apk upgrade openssl`, `dnf update openssl`,
    /// `apt-get install --only-upgrade openssl`) are targeted fixes and are not reported.
    ///
    /// ## Why it matters
    /// An upgrade installs whatever the mirror serves on the day of the build: two builds
    /// of the same Dockerfile give different images, a broken or compromised package
    /// upstream lands silently, and the base image's tested package set is no longer what
    /// ships. The reproducible way to get security fixes is to rebuild on a newer,
    /// pinned base image.
    ///
    /// The policy is configurable, since some teams prefer upgrading at build time with a
    /// rebuild cadence: `[rules.SG301] policy = "allow"` turns the rule off,
    /// `policy = "forbid"` (the default) reports every upgrade.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12.5
    /// RUN apt-get update && apt-get -y upgrade
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12.6
    /// ```
    ///
    /// ## Fix
    /// None: moving to a newer base image is a decision for the author.
    ///
    /// ## Aliases
    /// DS-0024, DL3035
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PackageUpgrade {
        code: "SG301",
        name: "package-upgrade",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DS-0024", "DL3035"],
        fixable: None,
    }
}

impl Check for PackageUpgrade {
    fn run(&self, cx: &mut Checker<'_>) {
        let policy = cx
            .config
            .rule_option("SG301", "policy")
            .and_then(|v| v.as_str())
            .unwrap_or("forbid");
        if policy.eq_ignore_ascii_case("allow") {
            return;
        }
        let mut findings = Vec::new();
        for run in runs(cx).iter() {
            for at in &run.ops {
                if !at.op.upgrades_whole_system() {
                    continue;
                }
                let label = at.label();
                findings.push(Finding::new(
                    at.head_span(),
                    format!("`{label}` upgrades every installed package to whatever the mirror serves at build time"),
                    "rebuild on a newer, pinned base image instead (or set `[rules.SG301] policy = \"allow\"` if your policy is to upgrade at build time)",
                ));
            }
        }
        for f in findings {
            f.emit(cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::{Options, lint};
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG301",
            &[
                "FROM debian\nRUN apt-get update && apt-get upgrade -y\n",
                "FROM debian\nRUN apt-get -y dist-upgrade\n",
                "FROM ubuntu\nRUN apt full-upgrade -y\n",
                "FROM alpine\nRUN apk upgrade --no-cache\n",
                "FROM fedora\nRUN dnf -y upgrade && dnf clean all\n",
                "FROM centos\nRUN yum update -y\n",
                "FROM ubi\nRUN microdnf update\n",
                "FROM opensuse/leap\nRUN zypper -n dup\n",
                "FROM opensuse/leap\nRUN zypper --non-interactive update\n",
                "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get upgrade -y\nEOF\n",
                "FROM debian\nRUN if [ \"$X\" = 1 ]; then apt-get -y upgrade; fi\n",
                "FROM debian\nRUN sh -c 'apt-get update && apt-get upgrade -y'\n",
                "FROM debian\nONBUILD RUN apt-get upgrade -y\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG301",
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y --only-upgrade openssl\n",
                "FROM alpine\nRUN apk upgrade --no-cache openssl libssl3\n",
                "FROM centos\nRUN yum update -y openssl\n",
                "FROM fedora\nRUN dnf -y update-minimal --security openssl\n",
                "FROM alpine\nRUN apk add --no-cache --upgrade curl\n",
                "FROM debian\nRUN apt-get update\n",
                "FROM node\nRUN npm update\n",
                "FROM python\nRUN pip install --upgrade pip==24.0\n",
                "FROM debian\nRUN echo apt-get upgrade\n",
                "FROM fedora\nRUN dnf -y module update nodejs:18\n",
            ],
        );
    }

    #[test]
    fn policy_allow() {
        let src = "FROM debian\nRUN apt-get -y upgrade\n";
        let mut config = Config::from_toml(
            "select = [\"SG301\"]\n[rules.SG301]\npolicy = \"allow\"\n",
            None,
        )
        .expect("config");
        assert!(lint("Dockerfile", src, &config, Options::default()).is_empty());
        config = Config::from_toml(
            "select = [\"SG301\"]\n[rules.SG301]\npolicy = \"forbid\"\n",
            None,
        )
        .expect("config");
        assert_eq!(
            lint("Dockerfile", src, &config, Options::default()).len(),
            1
        );
    }
}
