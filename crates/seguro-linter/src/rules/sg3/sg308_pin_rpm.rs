//! SG308: `yum`/`dnf`/`microdnf`/`zypper install` of packages without a version.

use super::{OpAt, PinCheck, report_unpinned, runs, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::rpm;
use seguro_shell::{Action, Manager, Package, PackageKind, Word};

declare_rule! {
    /// ## What it does
    /// Finds packages installed with `yum`, `dnf`, `microdnf`, `tdnf` or `zypper`
    /// (`install`, `localinstall`, `reinstall`, `downgrade`) without a version: `httpd`
    /// instead of `httpd-2.4.57` (dnf/yum read `name-version[-release]`) or `httpd=2.4.57`
    /// (zypper: `=`, `<`, `>`). A version with a wildcard (`nodejs-18*`) counts as pinned;
    /// so do local `.rpm` files, paths and URLs. `dnf module install` needs a stream
    /// (`nodejs:20`), and a stream enabled before (`dnf module enable nodejs:20`, in the
    /// same RUN or an earlier one of the stage) pins the module's packages (`nodejs`,
    /// `nodejs-devel`). Groups and patterns (`@development`, `groupinstall`,
    /// `zypper -t pattern`) have no version and are not reported.
    ///
    /// Package names held in a variable are judged by their value when an ARG or ENV in
    /// scope, or an earlier assignment of the script, gives it; names only known at run time are not reported.
    ///
    /// ## Why it matters
    /// Without a version the package is whatever the repository serves on the day of the
    /// build: rebuilds differ and upstream changes land without review.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd && dnf clean all
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rockylinux:9
    /// RUN dnf install -y httpd-2.4.57 && dnf clean all
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3033, DL3041, DL3037
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinRpm {
        code: "SG308",
        name: "pin-rpm",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3033", "DL3041", "DL3037"],
        fixable: None,
    }
}

/// `dnf module install name:stream`.
fn is_module(at: &OpAt<'_>) -> bool {
    at.sub_is(&["module"])
}

/// Reads a package argument a variable stood for, as the manager would.
fn reparse(at: &OpAt<'_>, w: &Word) -> Package {
    if is_module(at) {
        let (name, stream) = w.text().split_once(':').unwrap_or((w.text(), ""));
        return Package {
            name: name.to_string(),
            version: Some(stream.to_string()).filter(|s| !s.is_empty()),
            release: None,
            kind: PackageKind::Group,
            pinned: !stream.is_empty(),
            span: w.span,
        };
    }
    if at.op.manager == Manager::Zypper {
        rpm::zypper_package(w)
    } else {
        rpm::package(w)
    }
}

/// A module stream in effect for the commands of a RUN.
struct Stream {
    /// The RUN.
    run: usize,
    /// Enabled after this position in the RUN; `None`: before the RUN.
    after: Option<(usize, usize)>,
    module: String,
}

/// Module streams enabled before each RUN's commands: in the RUN itself, or in an
/// earlier RUN of the stage chain.
fn enabled_streams(cx: &Checker<'_>) -> Vec<Stream> {
    let all = runs(cx);
    let mut enabled = Vec::new();
    for run in all.iter() {
        for at in run.ops.iter().filter(|at| is_module(at)) {
            let enables = at
                .cmd
                .positional(1)
                .is_some_and(|w| matches!(w.text(), "enable" | "install" | "switch-to"));
            for p in at.op.packages.iter().filter(|_| enables) {
                // `nodejs:20`, or `nodejs:$NODEJS_VERSION` (a stream, even if unknown).
                let dynamic = p.kind == PackageKind::Dynamic;
                let name = match p.name.split_once(':') {
                    Some((n, stream)) if dynamic && !stream.is_empty() && !n.contains('$') => n,
                    _ if p.pinned && !dynamic => p.name.as_str(),
                    _ => continue,
                };
                enabled.push((run.index, at.order(), name.to_string()));
            }
        }
    }
    let mut out = Vec::new();
    for run in all.iter() {
        let chain: Vec<usize> = cx
            .model
            .stage_of(run.index)
            .map(|s| cx.model.chain(s.index).iter().map(|c| c.index).collect())
            .unwrap_or_default();
        for (i, order, name) in &enabled {
            if *i == run.index {
                out.push(Stream {
                    run: run.index,
                    after: Some(*order),
                    module: name.clone(),
                });
            } else if *i < run.index
                && cx
                    .model
                    .stage_of(*i)
                    .is_some_and(|s| chain.contains(&s.index))
            {
                out.push(Stream {
                    run: run.index,
                    after: None,
                    module: name.clone(),
                });
            }
        }
    }
    out
}

impl Check for PinRpm {
    fn run(&self, cx: &mut Checker<'_>) {
        let streams = enabled_streams(cx);
        // `dnf module enable nodejs:20 && dnf install nodejs nodejs-devel`: the stream
        // fixes the version of the module's packages.
        let from_stream = |at: &OpAt<'_>, p: &Package| {
            streams.iter().any(|s| {
                s.run == at.rs.instruction
                    && s.after.is_none_or(|a| at.order() > a)
                    && (p.name == s.module || p.name.starts_with(&format!("{}-", s.module)))
            })
        };
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| {
                    matches!(
                        at.op.manager,
                        Manager::Dnf
                            | Manager::Yum
                            | Manager::Microdnf
                            | Manager::Tdnf
                            | Manager::Zypper
                    ) && at.op.action == Action::Install
                        && (!is_module(at) || at.cmd.positional(1).is_some_and(|w| w.is("install")))
                },
                reparse: &reparse,
                report: &|at, p| {
                    if is_module(at) {
                        p.kind == PackageKind::Group && !p.pinned
                    } else {
                        unpinned(p) && !from_stream(at, p)
                    }
                },
                help: "pin with `name-version` (dnf, yum, microdnf), `name=version` (zypper) or a module stream (`name:stream`)",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG308",
            &[
                "FROM rockylinux:9\nRUN dnf install -y httpd\n",
                "FROM centos:7\nRUN yum install -y httpd-2.4.6 mod_ssl\n",
                "FROM ubi9-minimal\nRUN microdnf install -y shadow-utils\n",
                "FROM opensuse/leap\nRUN zypper -n install curl\n",
                "FROM opensuse/leap\nRUN zypper in -y curl=8.0 git\n",
                "FROM rockylinux:9\nRUN dnf module install -y nodejs\n",
                "FROM rockylinux:9\nRUN dnf install -y java-17-openjdk\n",
                "FROM photon\nRUN tdnf install -y git\n",
                "FROM rockylinux:9\nRUN dnf install -y nodejs && dnf module enable -y nodejs:20\n",
                "FROM rockylinux:9\nRUN dnf module enable -y nodejs:20 && dnf install -y npm\n",
                "FROM rockylinux:9\nARG PKGS=\"git vim\"\nRUN dnf install -y $PKGS\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG308",
            &[
                "FROM rockylinux:9\nRUN dnf install -y httpd-2.4.57-5.el9 mod_ssl-1:2.4.57\n",
                "FROM rockylinux:9\nRUN dnf install -y 'nodejs-18*'\n",
                "FROM rockylinux:9\nRUN dnf install -y java-17-openjdk-17.0.9.0.9\n",
                "FROM rockylinux:9\nRUN dnf install -y /tmp/pkg.rpm https://x/y-1.0.rpm\n",
                "FROM rockylinux:9\nRUN yum localinstall -y ./pkg.rpm\n",
                "FROM rockylinux:9\nRUN dnf groupinstall -y 'Development Tools'\n",
                "FROM rockylinux:9\nRUN dnf group install -y development\n",
                "FROM rockylinux:9\nRUN dnf install -y @development\n",
                "FROM rockylinux:9\nRUN dnf module install -y nodejs:20\n",
                "FROM rockylinux:9\nRUN dnf module enable -y nodejs:20\n",
                "FROM rockylinux:9\nRUN dnf module enable -y nodejs:20 && dnf install -y nodejs nodejs-devel\n",
                "FROM rockylinux:9\nARG V=20\nRUN dnf module enable -y nodejs:$V && dnf install -y nodejs\n",
                "FROM rockylinux:9 AS base\nRUN microdnf -y module enable nodejs:$V\nFROM base\nRUN microdnf install -y nodejs\n"
                    .replace("$V", "20")
                    .as_str(),
                "FROM opensuse/leap\nRUN zypper -n install 'curl>=8' git=2.43\n",
                "FROM opensuse/leap\nRUN zypper -n install -t pattern devel_basis\n",
                "FROM rockylinux:9\nARG V=2.4.57\nRUN dnf install -y httpd-$V\n",
                "FROM rockylinux:9\nRUN dnf remove -y httpd\n",
                "FROM rockylinux:9\nRUN dnf -y update\n",
            ],
        );
    }
}
