//! cargo: `cargo install pkg --version 1.2`, `pkg@1.2`, `--git` with `--rev`/`--tag`, `--path`.

use super::{Action, Manager, PackageKind, PackageOp, dynamic, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;

/// cargo options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "--version",
        "--vers",
        "--git",
        "--branch",
        "--tag",
        "--rev",
        "--path",
        "--root",
        "--index",
        "--registry",
        "-j",
        "--jobs",
        "--target",
        "-F",
        "--features",
        "--profile",
        "--bin",
        "--example",
        "--target-dir",
        "--config",
        "-Z",
        "--color",
        "-p",
        "--package",
        "--manifest-path",
    ],
};

/// The operation of a cargo command (`install` only; builds are not installs).
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "binstall" => Action::Install,
        "uninstall" => Action::Remove,
        _ => return None,
    };
    let mut op = PackageOp::new(c, Manager::Cargo, action, Some(sub));
    let version = c
        .flag_value("--version")
        .or_else(|| c.flag_value("--vers"))
        .map(|w| w.text().to_owned());
    if let Some(g) = c.flag_value("--git") {
        let r = c
            .flag_value("--rev")
            .or_else(|| c.flag_value("--tag"))
            .map(|w| w.text().to_owned());
        op.packages.push(pkg(
            g,
            g.text(),
            r.as_deref(),
            PackageKind::Vcs,
            r.is_some(),
        ));
        return Some(op);
    }
    if let Some(p) = c.flag_value("--path") {
        op.packages
            .push(pkg(p, p.text(), None, PackageKind::Path, true));
        return Some(op);
    }
    op.packages = c
        .positionals()
        .skip(1)
        .map(|w| {
            let Some(v) = w.value.as_deref() else {
                return dynamic(w);
            };
            match v.split_once('@') {
                Some((n, ver)) => pkg(w, n, Some(ver), PackageKind::Name, !ver.is_empty()),
                None => pkg(
                    w,
                    v,
                    version.as_deref(),
                    PackageKind::Name,
                    version.is_some(),
                ),
            }
        })
        .collect();
    Some(op)
}
