//! apt-get, apt and aptitude: subcommands, `pkg=version`, `pkg/release` and `.deb` files.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;

/// apt options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-o",
        "--option",
        "-c",
        "--config-file",
        "-t",
        "--target-release",
        "--default-release",
    ],
};

/// The operation of an apt-get/apt/aptitude command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let manager = match c.program()? {
        "apt-get" => Manager::AptGet,
        "apt" => Manager::Apt,
        _ => Manager::Aptitude,
    };
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "reinstall" | "build-dep" => Action::Install,
        "update" => Action::Update,
        "upgrade" | "safe-upgrade" => Action::Upgrade,
        "dist-upgrade" | "full-upgrade" => Action::DistUpgrade,
        "remove" | "purge" | "autoremove" | "autopurge" => Action::Remove,
        "clean" | "autoclean" | "distclean" => Action::CleanCache,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, manager, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Remove | Action::Upgrade | Action::DistUpgrade
    ) {
        op.packages = c.positionals().skip(1).map(package).collect();
    }
    Some(op)
}

/// Parses one apt package argument.
#[must_use]
pub fn package(w: &crate::word::Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    if is_url(v) {
        return pkg(w, v, None, PackageKind::Url, true);
    }
    if v.ends_with(".deb") {
        return pkg(w, v, None, PackageKind::File, true);
    }
    if is_path(v) {
        return pkg(w, v, None, PackageKind::Path, true);
    }
    if let Some((name, ver)) = v.split_once('=') {
        return pkg(w, name, Some(ver), PackageKind::Name, !ver.is_empty());
    }
    if let Some((name, rel)) = v.split_once('/') {
        let mut p = pkg(w, name, None, PackageKind::Name, !rel.is_empty());
        p.release = Some(rel.to_owned());
        return p;
    }
    pkg(w, v, None, PackageKind::Name, false)
}
