//! SG302: a package index refreshed in a RUN that installs nothing with it.

use super::{Finding, OpAt, commands, runs};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::{Action, Command};

declare_rule! {
    /// ## What it does
    /// Finds `apt-get update` (also `apt`, `aptitude`), `apk update`, `dnf`/`yum`/
    /// `microdnf`/`tdnf` `makecache` and `zypper refresh` in a RUN that does not install or
    /// upgrade anything with the same package manager after it.
    ///
    /// A RUN that hands over to a local script or an installer wrapper after the update
    /// (`./install-deps.sh`, `bash /tmp/setup.sh`, `install_packages`, `rosdep install`)
    /// is not reported: the install most likely happens there.
    ///
    /// ## Why it matters
    /// Build steps are cached one RUN at a time. An index refreshed in its own RUN is
    /// cached with that layer and reused for weeks, so a later `install` resolves packages
    /// against a stale index: versions that no longer exist on the mirror (the build
    /// breaks) or old ones (security fixes are missed), and never the same as a clean
    /// build. It also leaves the index in a layer of its own.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update
    /// RUN apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// ```
    ///
    /// ## Fix
    /// None: merging the steps is a decision for the author.
    ///
    /// ## Aliases
    /// DS-0017, CKV_DOCKER_5
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct UpdateWithoutInstall {
        code: "SG302",
        name: "update-without-install",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DS-0017", "CKV_DOCKER_5"],
        fixable: None,
    }
}

/// Programs that install packages through the system package manager themselves.
const INSTALLERS: &[&str] = &[
    "install_packages",
    "apt-install",
    "apt-fast",
    "mk-build-deps",
    "rosdep",
    "gdebi",
    "debconf-apt-progress",
    "unminimize",
    "ansible-playbook",
    "make",
];

/// Whether a command may install packages out of sight: a local script, a script file
/// run by a shell, or a known installer wrapper.
fn may_install(c: &Command) -> bool {
    let Some(name) = c.name.as_ref() else {
        return false;
    };
    let text = name.text();
    if c.is_any(INSTALLERS) {
        return true;
    }
    let system_bin = ["/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"]
        .iter()
        .any(|d| text.starts_with(d));
    if text.ends_with(".sh") || (text.contains('/') && !system_bin) {
        return true;
    }
    if !name.is_static() {
        return true;
    }
    // `bash /tmp/setup.sh`, `sh install.sh` (not `sh -c '…'`: its commands are in the script).
    c.is_any(seguro_shell::SHELLS) && c.positional(0).is_some() && !c.has_flag(&["-c"])
}

/// Whether `later` installs or upgrades (and so uses a refreshed index).
fn installs(later: &OpAt<'_>) -> bool {
    match &later.op.action {
        Action::Install | Action::Upgrade | Action::DistUpgrade => true,
        // `apt-get source`, `apt-get download`, `dnf download`: they use the index too.
        Action::Other(s) => matches!(s.as_str(), "source" | "download" | "install-new"),
        _ => false,
    }
}

impl Check for UpdateWithoutInstall {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut findings = Vec::new();
        for run in runs(cx).iter() {
            // Computed once per RUN so that many updates stay linear: the last command
            // that may install out of sight.
            let mut last_hidden_install = None;
            let mut has_update = false;
            for at in &run.ops {
                has_update |= at.op.action == Action::Update;
            }
            if has_update {
                last_hidden_install = commands(run)
                    .filter(|(_, c)| may_install(c))
                    .map(|(order, _)| order)
                    .max();
            }
            // The last install-like command of each manager family.
            let mut last_install: Vec<(&str, (usize, usize))> = Vec::new();
            for later in run.ops.iter().rev() {
                let family = later.op.manager.family();
                if !last_install.iter().any(|(f, _)| *f == family) && installs(later) {
                    last_install.push((family, later.order()));
                }
            }
            for up in run.ops.iter().filter(|at| at.op.action == Action::Update) {
                if !matches!(up.op.manager.family(), "apt" | "apk" | "rpm" | "zypper") {
                    continue;
                }
                let family = up.op.manager.family();
                if last_install
                    .iter()
                    .any(|&(f, order)| f == family && order > up.order())
                {
                    continue;
                }
                if last_hidden_install.is_some_and(|order| order > up.order()) {
                    continue;
                }
                let label = up.label();
                findings.push(Finding::new(
                    up.head_span(),
                    format!("`{label}` refreshes the package index, but nothing is installed with it in this RUN"),
                    format!("run `{label}` and the install in the same RUN (`{label} && … install …`), so the index is never stale"),
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
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG302",
            &[
                "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n",
                "FROM debian\nRUN apt update && echo done\n",
                "FROM alpine\nRUN apk update\n",
                "FROM fedora\nRUN dnf makecache\n",
                "FROM opensuse/leap\nRUN zypper refresh\n",
                // an install before the update does not use it
                "FROM debian\nRUN apt-get install -y curl && apt-get update\n",
                // another manager's install does not count
                "FROM debian\nRUN apt-get update && pip install flask==2.0\n",
                "FROM debian\nRUN <<EOF\napt-get update\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG302",
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update \\\n && DEBIAN_FRONTEND=noninteractive apt-get install -y \\\n   curl git \\\n && rm -rf /var/lib/apt/lists/*\n",
                "FROM debian\nRUN apt-get update && xargs apt-get install -y < /tmp/packages.txt\n",
                "FROM debian\nRUN apt-get update && if [ -n \"$X\" ]; then apt-get install -y foo; fi\n",
                "FROM debian\nRUN apt-get update && apt-get -y upgrade\n",
                "FROM alpine\nRUN apk update && apk add curl\n",
                "FROM fedora\nRUN dnf makecache && dnf -y install git\n",
                "FROM centos\nRUN yum makecache && dnf install -y git\n",
                "FROM debian\nRUN apt-get update && ./install-deps.sh\n",
                "FROM debian\nRUN apt-get update && bash /tmp/setup.sh\n",
                "FROM bitnami/minideb\nRUN apt-get update && install_packages curl\n",
                "FROM debian\nRUN <<EOF\nset -e\napt-get update\napt-get install -y curl\nEOF\n",
                "FROM debian\nRUN sh -c 'apt-get update && apt-get install -y curl'\n",
            ],
        );
    }
}
