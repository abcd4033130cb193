//! npm, yarn, pnpm and bun: `pkg@1.2`, `@scope/pkg@1`, tags, git and tarball sources, bare
//! installs from the lock file.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// npm/yarn/pnpm/bun options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "--prefix",
        "--registry",
        "--cache",
        "-w",
        "--workspace",
        "--omit",
        "--include",
        "--tag",
        "--userconfig",
        "--loglevel",
        "--cwd",
        "--modules-folder",
        "--cache-folder",
        "--network-timeout",
        "--mutex",
        "--filter",
        "-F",
        "--dir",
        "-C",
        "--store-dir",
        "--network-concurrency",
        "--global-folder",
    ],
};

/// The operation of an npm/yarn/pnpm/bun command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let program = c.program()?;
    let manager = match program {
        "npm" => Manager::Npm,
        "yarn" => Manager::Yarn,
        "pnpm" => Manager::Pnpm,
        _ => Manager::Bun,
    };
    // `yarn global add x`, `pnpm` with no subcommand = install
    let mut skip = 0;
    let mut sub = c.positional(0);
    if manager == Manager::Yarn && sub.is_some_and(|w| w.is("global")) {
        skip = 1;
        sub = c.positional(1);
    }
    let Some(sub) = sub else {
        if manager == Manager::Yarn {
            let mut op = PackageOp::new(c, manager, Action::Install, None);
            op.from_manifest = true;
            return Some(op);
        }
        return None;
    };
    let s = sub.text();
    let action = match (manager, s) {
        (Manager::Npm, "ci" | "clean-install" | "install-clean" | "ic" | "isntall-clean") => {
            let mut op = PackageOp::new(c, manager, Action::Install, Some(sub));
            op.from_manifest = true;
            return Some(op);
        }
        (
            _,
            "install" | "i" | "add" | "in" | "ins" | "inst" | "insta" | "instal" | "isnt" | "isnta"
            | "isntal" | "isntall",
        ) => Action::Install,
        (_, "update" | "up" | "upgrade" | "udpate") => Action::Upgrade,
        (_, "uninstall" | "remove" | "rm" | "r" | "un" | "unlink") => Action::Remove,
        (_, "cache")
            if c.positional(skip + 1)
                .is_some_and(|w| matches!(w.text(), "clean" | "rm" | "clear")) =>
        {
            Action::CleanCache
        }
        (Manager::Pnpm, "store") if c.positional(1).is_some_and(|w| w.is("prune")) => {
            Action::CleanCache
        }
        (_, other) => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, manager, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Upgrade | Action::Remove
    ) {
        op.packages = c.positionals().skip(skip + 1).map(package).collect();
        op.from_manifest = op.action == Action::Install && op.packages.is_empty();
    }
    Some(op)
}

/// Parses one npm package argument.
#[must_use]
pub fn package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    let lower = v.to_ascii_lowercase();
    if lower.starts_with("git+")
        || lower.starts_with("git://")
        || lower.starts_with("github:")
        || lower.starts_with("gitlab:")
        || lower.starts_with("bitbucket:")
    {
        let r = v.rsplit_once('#').map(|(_, r)| r);
        return pkg(w, v, r, PackageKind::Vcs, r.is_some_and(|r| !r.is_empty()));
    }
    if is_url(v) {
        return pkg(w, v, None, PackageKind::Url, true);
    }
    if lower.ends_with(".tgz") || lower.ends_with(".tar.gz") {
        return pkg(w, v, None, PackageKind::File, true);
    }
    if is_path(v) || lower.starts_with("file:") {
        return pkg(w, v, None, PackageKind::Path, true);
    }
    // `user/repo#ref` (GitHub shorthand), but not `@scope/name`
    if !v.starts_with('@') && v.contains('/') {
        let r = v.rsplit_once('#').map(|(_, r)| r);
        return pkg(w, v, r, PackageKind::Vcs, r.is_some_and(|r| !r.is_empty()));
    }
    let (name, version) = match v.get(1..).and_then(|t| t.find('@')) {
        Some(i) => (&v[..=i], Some(&v[i + 2..])),
        None => (v, None),
    };
    let pinned = version.is_some_and(is_version_range);
    pkg(w, name, version, PackageKind::Name, pinned)
}

/// Whether an npm version spec names versions (not a dist-tag such as `latest` or `next`).
fn is_version_range(v: &str) -> bool {
    let v = v.trim();
    let starts_ok =
        v.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '^' | '~' | '=' | '>' | '<'));
    let v_digit = v.starts_with(['v', 'V']) && v[1..].starts_with(|c: char| c.is_ascii_digit());
    starts_ok || v_digit
}
