//! composer: `require vendor/pkg:^1.2` (or `vendor/pkg 1.2`), `install` from the lock file.

use super::{Action, Manager, PackageKind, PackageOp, dynamic, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;

/// composer options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &["-d", "--working-dir", "--repository", "--prefer-install"],
};

/// The operation of a composer command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let mut skip = 0;
    let mut sub = c.positional(0)?;
    if sub.is("global") {
        skip = 1;
        sub = c.positional(1)?;
    }
    let action = match sub.text() {
        "require" | "req" | "r" => Action::Install,
        "install" | "i" => {
            let mut op = PackageOp::new(c, Manager::Composer, Action::Install, Some(sub));
            op.from_manifest = true;
            return Some(op);
        }
        "update" | "u" | "upgrade" => Action::Upgrade,
        "remove" | "rm" => Action::Remove,
        "clear-cache" | "clearcache" | "cc" => Action::CleanCache,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, Manager::Composer, action, Some(sub));
    let words: Vec<_> = c.positionals().skip(skip + 1).collect();
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let Some(v) = w.value.as_deref() else {
            op.packages.push(dynamic(w));
            i += 1;
            continue;
        };
        if let Some((n, ver)) = v.split_once([':', '=']) {
            op.packages
                .push(pkg(w, n, Some(ver), PackageKind::Name, !ver.is_empty()));
        } else if let Some(next) = words.get(i + 1).filter(|n| !n.text().contains('/')) {
            op.packages
                .push(pkg(w, v, Some(next.text()), PackageKind::Name, true));
            i += 1;
        } else {
            op.packages.push(pkg(w, v, None, PackageKind::Name, false));
        }
        i += 1;
    }
    Some(op)
}
