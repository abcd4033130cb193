//! gem and bundler: `gem install x -v 1.2`, `x:1.2`, `--version`; `bundle install`.

use super::{Action, Manager, PackageKind, PackageOp, dynamic, is_path, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;

/// gem options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-v",
        "--version",
        "-i",
        "--install-dir",
        "-n",
        "--bindir",
        "-s",
        "--source",
        "--platform",
        "-P",
        "--trust-policy",
        "-g",
        "--file",
        "--document",
        "--build-root",
    ],
};

/// The operation of a gem/bundle command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    if c.is_any(&["bundle", "bundler"]) {
        let sub = c.positional(0);
        let action = match sub.map(|w| w.text()) {
            None | Some("install") => Action::Install,
            Some("update") => Action::Upgrade,
            Some("clean") => Action::CleanCache,
            Some(o) => Action::Other(o.to_owned()),
        };
        let mut op = PackageOp::new(c, Manager::Bundler, action, sub);
        op.from_manifest = op.action == Action::Install;
        return Some(op);
    }
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "i" => Action::Install,
        "update" => Action::Upgrade,
        "uninstall" => Action::Remove,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, Manager::Gem, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Upgrade | Action::Remove
    ) {
        let flag_version = c
            .flag_value("-v")
            .or_else(|| c.flag_value("--version"))
            .map(|w| w.text().to_owned());
        op.packages = c
            .positionals()
            .skip(1)
            .map(|w| {
                let Some(v) = w.value.as_deref() else {
                    return dynamic(w);
                };
                if v.ends_with(".gem") || is_path(v) {
                    return pkg(w, v, None, PackageKind::File, true);
                }
                match v.split_once(':') {
                    Some((n, ver)) => pkg(w, n, Some(ver), PackageKind::Name, !ver.is_empty()),
                    None => pkg(
                        w,
                        v,
                        flag_version.as_deref(),
                        PackageKind::Name,
                        flag_version.is_some(),
                    ),
                }
            })
            .collect();
    }
    Some(op)
}
