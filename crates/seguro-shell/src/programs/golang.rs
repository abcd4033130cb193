//! go: `go install/get/run pkg@version`, `@latest`/`@none`/branches unpinned, local paths,
//! `go mod download`.

use super::{Action, Manager, PackageKind, PackageOp, dynamic, is_path, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;

/// go build flags that take a value (single-dash style).
pub(crate) const SPEC: Spec = Spec {
    style: Style::SingleDash,
    takes_value: &[
        "-o",
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-gccgoflags",
        "-tags",
        "-mod",
        "-modfile",
        "-p",
        "-pkgdir",
        "-buildmode",
        "-compiler",
        "-toolexec",
        "-overlay",
        "-pgo",
        "-C",
        "-installsuffix",
        "-exec",
        "-coverpkg",
        "-covermode",
    ],
};

/// The operation of a go command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "get" | "run" => Action::Install,
        "mod" if c.positional(1).is_some_and(|w| w.is("download")) => {
            let mut op = PackageOp::new(c, Manager::Go, Action::Install, Some(sub));
            op.from_manifest = true;
            return Some(op);
        }
        "clean" if c.has_flag(&["-modcache", "-cache"]) => Action::CleanCache,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, Manager::Go, action, Some(sub));
    if op.action == Action::Install {
        let take = if sub.is("run") { 1 } else { usize::MAX };
        op.packages = c
            .positionals()
            .skip(1)
            .take(take)
            .map(|w| {
                let Some(v) = w.value.as_deref() else {
                    return dynamic(w);
                };
                if let Some((name, ver)) = v.split_once('@') {
                    return pkg(
                        w,
                        name,
                        Some(ver),
                        PackageKind::Name,
                        is_pinned_version(ver),
                    );
                }
                if is_path(v)
                    || v.ends_with(".go")
                    || !v.split('/').next().unwrap_or("").contains('.')
                {
                    return pkg(w, v, None, PackageKind::Path, true);
                }
                pkg(w, v, None, PackageKind::Name, false)
            })
            .collect();
        op.from_manifest = op.packages.is_empty();
    }
    Some(op)
}

/// `v1.2.3`, a pseudo-version or a commit hash; not `latest`, `none`, `upgrade`, `patch` or a
/// branch name.
fn is_pinned_version(v: &str) -> bool {
    let semver = v.starts_with('v') && v[1..].starts_with(|c: char| c.is_ascii_digit());
    let hash = v.len() >= 7 && v.len() <= 40 && v.chars().all(|c| c.is_ascii_hexdigit());
    semver || hash
}
