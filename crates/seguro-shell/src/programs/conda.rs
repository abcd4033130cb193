//! conda, mamba and micromamba: `pkg=1.2`, `pkg==1.2`, `"pkg>=1"`, `channel::pkg`, `--file`.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// conda options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-c",
        "--channel",
        "-n",
        "--name",
        "-p",
        "--prefix",
        "--file",
        "--repodata-fn",
        "-r",
        "--root-prefix",
    ],
};

/// The operation of a conda/mamba/micromamba command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "create" => Action::Install,
        "update" | "upgrade" => Action::Upgrade,
        "remove" | "uninstall" => Action::Remove,
        "clean" => Action::CleanCache,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, Manager::Conda, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Upgrade | Action::Remove
    ) {
        op.packages = c.positionals().skip(1).map(package).collect();
        for v in c.opts.values(&["--file"]) {
            op.packages
                .push(pkg(v, v.text(), None, PackageKind::Requirements, true));
        }
    }
    Some(op)
}

/// Parses one conda package spec.
#[must_use]
pub fn package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    if is_url(v) {
        return pkg(w, v, None, PackageKind::Url, true);
    }
    if v.ends_with(".tar.bz2") || v.ends_with(".conda") || is_path(v) {
        return pkg(w, v, None, PackageKind::File, true);
    }
    let (channel, spec) = match v.split_once("::") {
        Some((c, s)) => (Some(c), s),
        None => (None, v),
    };
    let spec = spec.trim();
    let mut p = match spec.find(['=', '<', '>', ' ', '!', '~']) {
        Some(i) => {
            let ver = spec[i..].trim();
            let ver = ver
                .strip_prefix("==")
                .or_else(|| ver.strip_prefix('='))
                .unwrap_or(ver)
                .trim();
            pkg(w, &spec[..i], Some(ver), PackageKind::Name, !ver.is_empty())
        }
        None => pkg(w, spec, None, PackageKind::Name, false),
    };
    p.release = channel.map(str::to_owned);
    p
}
