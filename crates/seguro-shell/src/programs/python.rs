//! pip (`pip`, `pip3`, `python -m pip`, `uv pip`), pipx, uv and poetry: requirement
//! specifiers, `-r`/`-c` files, paths, wheels, VCS URLs with `@ref`.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// pip options that take a value.
pub(crate) const PIP_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "--trusted-host",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--src",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--cache-dir",
        "--progress-bar",
        "--log",
        "--timeout",
        "--retries",
        "--proxy",
        "--cert",
        "--client-cert",
        "--upgrade-strategy",
        "--global-option",
        "--install-option",
        "--config-settings",
        "-C",
        "--only-binary",
        "--no-binary",
        "--report",
        "--python",
        "--exists-action",
        "--keyring-provider",
        "--root-user-action",
        "--use-feature",
        "--use-deprecated",
        "--group",
        "-p",
        "--index",
        "--default-index",
        "--with",
        "--extra",
        "--directory",
        "--project",
        "-E",
        "--extras",
        "-G",
        "--source",
        "--spec",
        "--pip-args",
        "--suffix",
        "--python-platform",
    ],
};

/// pipx/uv/poetry options that take a value.
pub(crate) const TOOLS_SPEC: Spec = PIP_SPEC;

/// Whether `p` is a pip program name (`pip`, `pip3`, `pip3.11`).
pub(crate) fn is_pip(p: &str) -> bool {
    p.strip_prefix("pip")
        .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(p: &str) -> bool {
    p.strip_prefix("python")
        .is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The operation of a pip/pipx/uv/poetry command (also `python -m pip`).
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let p = c.program()?;
    if is_pip(p) {
        return pip(c, 0, Manager::Pip);
    }
    if is_python(p) {
        // python [opts] -m pip …
        let m = c
            .args
            .iter()
            .position(|a| a.is("-m") || a.text() == "-mpip")?;
        let module_at = if c.args[m].is("-mpip") { m } else { m + 1 };
        if !c
            .args
            .get(module_at)
            .is_some_and(|w| w.is("pip") || w.is("-mpip"))
        {
            return None;
        }
        return pip(c, module_at + 1, Manager::Pip);
    }
    match p {
        "uv" => {
            let sub = c.positional(0)?;
            match sub.text() {
                "pip" => {
                    let at = c.opts.positionals.first().copied()? + 1;
                    pip(c, at, Manager::Uv)
                }
                "add" => Some(specs(c, 1, Manager::Uv, Action::Install)),
                "remove" => Some(specs(c, 1, Manager::Uv, Action::Remove)),
                "tool" => {
                    let action = match c.positional(1).map(Word::text) {
                        Some("install") => Action::Install,
                        Some("upgrade") => Action::Upgrade,
                        Some("uninstall") => Action::Remove,
                        Some(o) => Action::Other(format!("tool {o}")),
                        None => Action::Other("tool".to_owned()),
                    };
                    Some(specs(c, 2, Manager::Uv, action))
                }
                "sync" => {
                    let mut op = PackageOp::new(c, Manager::Uv, Action::Install, Some(sub));
                    op.from_manifest = true;
                    Some(op)
                }
                "cache" => Some(PackageOp::new(
                    c,
                    Manager::Uv,
                    Action::CleanCache,
                    Some(sub),
                )),
                other => Some(PackageOp::new(
                    c,
                    Manager::Uv,
                    Action::Other(other.to_owned()),
                    Some(sub),
                )),
            }
        }
        "pipx" => {
            let sub = c.positional(0)?;
            match sub.text() {
                "install" => Some(specs(c, 1, Manager::Pipx, Action::Install)),
                "inject" => Some(specs(c, 2, Manager::Pipx, Action::Install)),
                "upgrade" | "upgrade-all" => Some(specs(c, 1, Manager::Pipx, Action::Upgrade)),
                "uninstall" => Some(specs(c, 1, Manager::Pipx, Action::Remove)),
                other => Some(PackageOp::new(
                    c,
                    Manager::Pipx,
                    Action::Other(other.to_owned()),
                    Some(sub),
                )),
            }
        }
        "poetry" => {
            let sub = c.positional(0)?;
            let (at, sub) = if sub.is("self") {
                (2, c.positional(1)?)
            } else {
                (1, sub)
            };
            match sub.text() {
                "add" => {
                    let mut op = specs(c, at, Manager::Poetry, Action::Install);
                    op.subcommand = Some(sub.clone());
                    Some(op)
                }
                "install" | "sync" => {
                    let mut op = PackageOp::new(c, Manager::Poetry, Action::Install, Some(sub));
                    op.from_manifest = true;
                    Some(op)
                }
                "update" => Some(specs(c, at, Manager::Poetry, Action::Upgrade)),
                "remove" => Some(specs(c, at, Manager::Poetry, Action::Remove)),
                other => Some(PackageOp::new(
                    c,
                    Manager::Poetry,
                    Action::Other(other.to_owned()),
                    Some(sub),
                )),
            }
        }
        _ => None,
    }
}

/// Packages given as requirement specifiers from positional `skip` on (uv add, pipx, poetry).
fn specs(c: &Command, skip: usize, manager: Manager, action: Action) -> PackageOp {
    let sub = c.positional(skip.saturating_sub(1).min(1));
    let mut op = PackageOp::new(c, manager, action, sub);
    let poetry = manager == Manager::Poetry;
    op.packages = c
        .positionals()
        .skip(skip)
        .map(|w| {
            if poetry
                && let Some((n, v)) = w
                    .value
                    .as_deref()
                    .and_then(|t| t.split_once('@'))
                    .filter(|(n, _)| !n.is_empty() && !n.contains('/'))
            {
                let mut p = pkg(
                    w,
                    n,
                    Some(v),
                    PackageKind::Name,
                    !v.is_empty() && v != "latest",
                );
                p.name = n.trim().to_owned();
                return p;
            }
            requirement(w)
        })
        .collect();
    for v in c.opts.values(&["-r", "--requirement"]) {
        op.packages
            .push(pkg(v, v.text(), None, PackageKind::Requirements, true));
    }
    op
}

/// pip's own part of the command: arguments from `from` on.
fn pip(c: &Command, from: usize, manager: Manager) -> Option<PackageOp> {
    let (parsed, rest) = c.opts_from(from, &PIP_SPEC);
    let mut pos = parsed.positionals.iter().filter_map(|&i| rest.get(i));
    let sub = pos.next()?;
    let action = match sub.text() {
        "install" => Action::Install,
        "uninstall" => Action::Remove,
        "sync" => Action::Install,
        "cache"
            if pos
                .clone()
                .next()
                .is_some_and(|w| matches!(w.text(), "purge" | "remove")) =>
        {
            Action::CleanCache
        }
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, manager, action, Some(sub));
    op.flags.clone_from(&parsed.flags);
    if op.action == Action::Install {
        if sub.is("sync") {
            op.packages = pos
                .map(|w| pkg(w, w.text(), None, PackageKind::Requirements, true))
                .collect();
        } else {
            op.packages = pos.map(requirement).collect();
        }
        for f in &parsed.flags {
            let Some(v) = &f.value else { continue };
            match f.name.as_str() {
                "-r" | "--requirement" => {
                    op.packages
                        .push(pkg(v, v.text(), None, PackageKind::Requirements, true))
                }
                "-c" | "--constraint" => {
                    op.packages
                        .push(pkg(v, v.text(), None, PackageKind::Constraints, true))
                }
                "-e" | "--editable" => op.packages.push(requirement(v)),
                _ => {}
            }
        }
    } else if op.action == Action::Remove {
        op.packages = pos.map(requirement).collect();
    }
    Some(op)
}

/// Parses a pip requirement argument: `pkg`, `pkg==1.2`, `pkg[extra]>=1,<2`,
/// `pkg==1; python_version<"3.8"`, `pkg @ https://…`, `git+https://…@ref#egg=x`, wheels,
/// archives and paths.
#[must_use]
pub fn requirement(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    for vcs in ["git+", "hg+", "svn+", "bzr+"] {
        if lower.starts_with(vcs) {
            let pinned = vcs_ref(v).is_some_and(|r| !r.is_empty());
            let mut p = pkg(w, v, vcs_ref(v), PackageKind::Vcs, pinned);
            p.name = v.to_owned();
            return p;
        }
    }
    if let Some((name, url)) = v.split_once(" @ ").or_else(|| v.split_once("@ "))
        && (is_url(url.trim()) || url.trim().starts_with("git+"))
    {
        return pkg(w, name.trim(), None, PackageKind::Url, true);
    }
    let archive = [
        ".whl", ".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar.xz", ".egg",
    ]
    .iter()
    .any(|e| lower.ends_with(e));
    if is_url(v) {
        return pkg(w, v, None, PackageKind::Url, true);
    }
    if archive {
        return pkg(w, v, None, PackageKind::File, true);
    }
    if is_path(v) || v.contains('/') {
        return pkg(w, v, None, PackageKind::Path, true);
    }
    let spec = v.split(';').next().unwrap_or(v).trim();
    let name_end = spec
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(spec.len());
    let name = &spec[..name_end];
    let mut rest = spec[name_end..].trim_start();
    if rest.starts_with('[') {
        rest = rest.find(']').map_or("", |i| rest[i + 1..].trim_start());
    }
    if rest.is_empty() {
        return pkg(w, name, None, PackageKind::Name, false);
    }
    let rest = rest.trim_start_matches('(').trim_end_matches(')').trim();
    let pinned = ["==", ">=", "<=", "~=", "<", ">", "==="]
        .iter()
        .any(|op| rest.starts_with(op) || rest.contains(&format!(",{op}")));
    let version = rest
        .strip_prefix("===")
        .or_else(|| rest.strip_prefix("=="))
        .filter(|r| !r.contains(','))
        .unwrap_or(rest);
    pkg(w, name, Some(version.trim()), PackageKind::Name, pinned)
}

/// The `@ref` of a VCS URL (`git+https://host/x.git@v1#egg=x` gives `v1`).
fn vcs_ref(v: &str) -> Option<&str> {
    let after_scheme = v.find("://").map_or(0, |i| i + 3);
    let path_start = v[after_scheme..]
        .find('/')
        .map_or(v.len(), |i| after_scheme + i);
    let path = &v[path_start..];
    let path = path.split('#').next().unwrap_or(path);
    path.rfind('@').map(|i| &path[i + 1..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn w(s: &str) -> Word {
        Word {
            raw: s.to_owned(),
            value: Some(s.to_owned()),
            span: Span::default(),
            quoted: false,
        }
    }

    #[test]
    fn requirements() {
        let r = requirement(&w("flask==2.0.1"));
        assert_eq!(
            (r.name.as_str(), r.version.as_deref(), r.pinned),
            ("flask", Some("2.0.1"), true)
        );
        assert!(requirement(&w("requests[security]>=2,<3")).pinned);
        assert!(requirement(&w("x~=1.0")).pinned);
        assert!(!requirement(&w("flask")).pinned);
        assert!(!requirement(&w("flask[async]")).pinned);
        assert!(requirement(&w("git+https://github.com/a/b.git@v1.2#egg=b")).pinned);
        assert!(!requirement(&w("git+ssh://git@github.com/a/b.git")).pinned);
        assert!(requirement(&w("./dist/x-1.0-py3-none-any.whl")).pinned);
        assert_eq!(requirement(&w(".")).kind, PackageKind::Path);
        assert!(requirement(&w("pkg==1; python_version < '3.8'")).pinned);
    }
}
