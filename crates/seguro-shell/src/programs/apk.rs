//! apk (Alpine): `add`/`del`/`update`/`upgrade`, pins `=`, `~`, `<`, `>`, `@tag`, `.apk` files.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// apk options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-t",
        "--virtual",
        "-X",
        "--repository",
        "-p",
        "--root",
        "--keys-dir",
        "--repositories-file",
        "--arch",
        "--cache-dir",
        "--cache-max-age",
        "--timeout",
    ],
};

/// The operation of an apk command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "add" | "fix" => Action::Install,
        "update" => Action::Update,
        "upgrade" => Action::Upgrade,
        "del" | "delete" => Action::Remove,
        "cache"
            if c.positional(1)
                .is_some_and(|w| matches!(w.text(), "clean" | "purge")) =>
        {
            Action::CleanCache
        }
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, Manager::Apk, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Remove | Action::Upgrade
    ) {
        op.packages = c.positionals().skip(1).map(package).collect();
    }
    Some(op)
}

/// Parses one apk package argument.
#[must_use]
pub fn package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    if is_url(v) {
        return pkg(w, v, None, PackageKind::Url, true);
    }
    if v.ends_with(".apk") {
        return pkg(w, v, None, PackageKind::File, true);
    }
    if is_path(v) {
        return pkg(w, v, None, PackageKind::Path, true);
    }
    let (base, tag) = match v.split_once('@') {
        Some((b, t)) => (b, Some(t)),
        None => (v, None),
    };
    let mut p = match base.find(['=', '~', '<', '>']) {
        Some(i) => {
            let ver = base[i..].trim_start_matches('=');
            let ver = if base[i..].starts_with('=') {
                ver
            } else {
                &base[i..]
            };
            pkg(w, &base[..i], Some(ver), PackageKind::Name, true)
        }
        None => pkg(w, base, None, PackageKind::Name, false),
    };
    p.release = tag.map(str::to_owned);
    p
}
