//! dnf, yum, microdnf, tdnf and zypper: `pkg-1.2`, `pkg-1.2.3-1.el8`, `pkg = 1.2`, zypper
//! `pkg=1.2` / `pkg>=1`, modules `name:stream`, groups, `.rpm` files.

use super::{Action, Manager, Package, PackageKind, PackageOp, dynamic, is_path, is_url, pkg};
use crate::args::{Spec, Style};
use crate::script::Command;
use crate::word::Word;

/// dnf/yum/microdnf options that take a value.
pub(crate) const DNF_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-c",
        "--config",
        "-d",
        "--debuglevel",
        "-e",
        "--errorlevel",
        "--installroot",
        "--releasever",
        "--setopt",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "-x",
        "--exclude",
        "--downloaddir",
        "--destdir",
        "--forcearch",
        "--color",
        "--rpmverbosity",
        "--advisory",
        "--cve",
        "--enableplugin",
        "--disableplugin",
        "--comment",
    ],
};

/// zypper options that take a value.
pub(crate) const ZYPPER_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "-c",
        "--config",
        "-R",
        "--root",
        "-D",
        "--reposd-dir",
        "-C",
        "--cache-dir",
        "-t",
        "--type",
        "-r",
        "--repo",
        "--from",
        "--releasever",
        "--download",
    ],
};

/// rpm options that take a value.
pub(crate) const RPM_SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "--root",
        "--dbpath",
        "--define",
        "-D",
        "--import",
        "--eval",
        "-E",
        "--qf",
        "--queryformat",
    ],
};

/// The operation of a dnf/yum/microdnf/tdnf/zypper command.
pub(crate) fn op(c: &Command) -> Option<PackageOp> {
    let program = c.program()?;
    if program == "zypper" {
        return zypper(c);
    }
    let manager = match program {
        "yum" => Manager::Yum,
        "microdnf" => Manager::Microdnf,
        "tdnf" => Manager::Tdnf,
        _ => Manager::Dnf,
    };
    let sub = c.positional(0)?;
    let mut rest = 1;
    let mut module = false;
    let mut group = false;
    let action = match sub.text() {
        "install" | "in" | "localinstall" | "reinstall" | "groupinstall" | "downgrade" => {
            group = sub.is("groupinstall");
            Action::Install
        }
        "group" | "groups" | "module" => {
            module = sub.is("module");
            group = !module;
            rest = 2;
            match c.positional(1).map(Word::text) {
                Some("install" | "enable") => Action::Install,
                Some("update" | "upgrade") => Action::Upgrade,
                Some("remove" | "erase") => Action::Remove,
                Some(o) => Action::Other(format!("{} {o}", sub.text())),
                None => Action::Other(sub.text().to_owned()),
            }
        }
        "update" | "upgrade" | "update-minimal" | "upgrade-minimal" | "groupupdate" => {
            Action::Upgrade
        }
        "distro-sync" | "distrosync" | "dsync" => Action::DistUpgrade,
        "remove" | "erase" | "autoremove" | "groupremove" => Action::Remove,
        "clean" => Action::CleanCache,
        "makecache" | "check-update" => Action::Update,
        other => Action::Other(other.to_owned()),
    };
    let mut op = PackageOp::new(c, manager, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Remove | Action::Upgrade | Action::DistUpgrade
    ) {
        op.packages = c
            .positionals()
            .skip(rest)
            .map(|w| {
                if module {
                    module_package(w)
                } else if group {
                    pkg(w, w.text(), None, PackageKind::Group, false)
                } else {
                    package(w)
                }
            })
            .collect();
    }
    Some(op)
}

fn zypper(c: &Command) -> Option<PackageOp> {
    let sub = c.positional(0)?;
    let action = match sub.text() {
        "install" | "in" | "source-install" | "si" => Action::Install,
        "remove" | "rm" => Action::Remove,
        "update" | "up" | "patch" => Action::Upgrade,
        "dist-upgrade" | "dup" => Action::DistUpgrade,
        "refresh" | "ref" => Action::Update,
        "clean" | "cc" => Action::CleanCache,
        other => Action::Other(other.to_owned()),
    };
    let typed = c
        .flag_value("-t")
        .or_else(|| c.flag_value("--type"))
        .is_some_and(|t| !t.is("package"));
    let mut op = PackageOp::new(c, Manager::Zypper, action, Some(sub));
    if matches!(
        op.action,
        Action::Install | Action::Remove | Action::Upgrade
    ) {
        op.packages = c
            .positionals()
            .skip(1)
            .map(|w| {
                if typed {
                    pkg(w, w.text(), None, PackageKind::Group, false)
                } else {
                    zypper_package(w)
                }
            })
            .collect();
    }
    Some(op)
}

fn module_package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    match v.split_once(':') {
        Some((name, stream)) => pkg(
            w,
            name,
            Some(stream),
            PackageKind::Group,
            !stream.is_empty(),
        ),
        None => pkg(w, v, None, PackageKind::Group, false),
    }
}

/// Parses one zypper package argument (`pkg`, `pkg=1.2`, `pkg>=1`, `pkg.rpm`).
#[must_use]
pub fn zypper_package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    if let Some(p) = file_like(w, v) {
        return p;
    }
    match v.find(['=', '<', '>']) {
        Some(i) => {
            let rest = &v[i..];
            let ver = rest.strip_prefix('=').unwrap_or(rest).trim();
            pkg(
                w,
                v[..i].trim(),
                Some(ver),
                PackageKind::Name,
                !ver.is_empty(),
            )
        }
        None => pkg(w, v, None, PackageKind::Name, false),
    }
}

fn file_like(w: &Word, v: &str) -> Option<Package> {
    if is_url(v) {
        return Some(pkg(w, v, None, PackageKind::Url, true));
    }
    if v.ends_with(".rpm") {
        return Some(pkg(w, v, None, PackageKind::File, true));
    }
    if is_path(v) {
        return Some(pkg(w, v, None, PackageKind::Path, true));
    }
    if v.starts_with('@') {
        return Some(pkg(w, v, None, PackageKind::Group, false));
    }
    None
}

/// Parses one dnf/yum package argument: `name`, `name-version[-release][.arch]`,
/// `name-epoch:version`, `"name >= 1.2"`, `.rpm` files, `@group`.
#[must_use]
pub fn package(w: &Word) -> Package {
    let Some(v) = w.value.as_deref() else {
        return dynamic(w);
    };
    if let Some(p) = file_like(w, v) {
        return p;
    }
    if let Some(i) = v.find(['=', '<', '>']) {
        let ver = v[i..].trim_start_matches('=').trim();
        let ver = if v[i..].starts_with('=') {
            ver
        } else {
            v[i..].trim()
        };
        return pkg(
            w,
            v[..i].trim(),
            Some(ver),
            PackageKind::Name,
            !ver.is_empty(),
        );
    }
    match split_nevra(v) {
        Some((name, ver)) => pkg(w, name, Some(ver), PackageKind::Name, true),
        None => pkg(w, v, None, PackageKind::Name, false),
    }
}

/// Splits `name-version[-release]` where the version starts with a digit (or an epoch) and
/// runs to the end of the word: `java-11-openjdk` has no version, `java-11-openjdk-11.0.5`
/// has `11.0.5`.
fn split_nevra(v: &str) -> Option<(&str, &str)> {
    let bytes = v.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b != b'-' || i == 0 {
            continue;
        }
        let rest = &v[i + 1..];
        if is_version_release(rest) {
            return Some((&v[..i], rest));
        }
    }
    None
}

fn is_version_release(s: &str) -> bool {
    let mut parts = s.splitn(2, '-');
    let ver = parts.next().unwrap_or("");
    let rel = parts.next();
    let ok = |p: &str| {
        p.starts_with(|c: char| c.is_ascii_digit())
            && p.chars().all(|c| {
                c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '~' | '^' | ':' | '*')
            })
    };
    ok(ver) && rel.is_none_or(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nevra() {
        assert_eq!(split_nevra("java-11-openjdk"), None);
        assert_eq!(
            split_nevra("java-11-openjdk-11.0.5"),
            Some(("java-11-openjdk", "11.0.5"))
        );
        assert_eq!(
            split_nevra("httpd-2.4.6-97.el7"),
            Some(("httpd", "2.4.6-97.el7"))
        );
        assert_eq!(
            split_nevra("pkg-1:2.3-1.el8.x86_64"),
            Some(("pkg", "1:2.3-1.el8.x86_64"))
        );
        assert_eq!(split_nevra("python3"), None);
        assert_eq!(split_nevra("gcc-c++"), None);
        assert_eq!(split_nevra("nodejs-18*"), Some(("nodejs", "18*")));
    }
}
