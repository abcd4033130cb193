//! Per-program knowledge: option tables, package-manager operations, downloads and the
//! other facts the rules ask about. One module per family of programs.

pub mod apk;
pub mod apt;
pub mod cargo;
pub mod composer;
pub mod conda;
pub mod download;
pub mod files;
pub mod gem;
pub mod git;
pub mod golang;
pub mod gpg;
pub mod node;
pub mod python;
pub mod rpm;
pub mod ssh;
pub mod users;
pub mod verify;

use crate::args::{Flag, GENERIC, Spec};
use crate::script::{Command, CommandId};
use crate::span::Span;
use crate::word::Word;

/// The option table used to parse a program's arguments.
pub(crate) fn spec_for(program: &str) -> Spec {
    match program {
        "apt-get" | "apt" | "aptitude" | "apt-cache" => apt::SPEC,
        "apk" => apk::SPEC,
        "dnf" | "yum" | "microdnf" | "tdnf" | "dnf5" => rpm::DNF_SPEC,
        "zypper" => rpm::ZYPPER_SPEC,
        "rpm" => rpm::RPM_SPEC,
        "npm" | "yarn" | "pnpm" | "bun" => node::SPEC,
        "gem" => gem::SPEC,
        "go" => golang::SPEC,
        "cargo" => cargo::SPEC,
        "composer" => composer::SPEC,
        "conda" | "mamba" | "micromamba" => conda::SPEC,
        "pipx" | "uv" | "poetry" => python::TOOLS_SPEC,
        "curl" => download::CURL_SPEC,
        "wget" => download::WGET_SPEC,
        "chmod" | "chown" | "chgrp" => files::CHMOD_SPEC,
        "tar" => files::TAR_SPEC,
        "unzip" => files::UNZIP_SPEC,
        "useradd" | "adduser" | "usermod" | "groupadd" | "addgroup" => users::SPEC,
        "gpg" | "gpg2" | "gpgv" | "apt-key" => gpg::SPEC,
        "git" => git::SPEC,
        "ssh" | "ssh-keyscan" | "scp" => ssh::SPEC,
        "sha256sum" | "sha512sum" | "sha1sum" | "md5sum" | "sha384sum" | "sha224sum" | "shasum"
        | "b2sum" | "cosign" | "minisign" | "signify" | "openssl" => verify::SPEC,
        p if python::is_pip(p) => python::PIP_SPEC,
        _ => GENERIC,
    }
}

/// A package manager.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[allow(missing_docs)]
pub enum Manager {
    AptGet,
    Apt,
    Aptitude,
    Apk,
    Dnf,
    Yum,
    Microdnf,
    Tdnf,
    Zypper,
    Pip,
    Pipx,
    Uv,
    Poetry,
    Conda,
    Npm,
    Yarn,
    Pnpm,
    Bun,
    Gem,
    Bundler,
    Go,
    Cargo,
    Composer,
}

impl Manager {
    /// The manager's usual program name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::AptGet => "apt-get",
            Self::Apt => "apt",
            Self::Aptitude => "aptitude",
            Self::Apk => "apk",
            Self::Dnf => "dnf",
            Self::Yum => "yum",
            Self::Microdnf => "microdnf",
            Self::Tdnf => "tdnf",
            Self::Zypper => "zypper",
            Self::Pip => "pip",
            Self::Pipx => "pipx",
            Self::Uv => "uv",
            Self::Poetry => "poetry",
            Self::Conda => "conda",
            Self::Npm => "npm",
            Self::Yarn => "yarn",
            Self::Pnpm => "pnpm",
            Self::Bun => "bun",
            Self::Gem => "gem",
            Self::Bundler => "bundle",
            Self::Go => "go",
            Self::Cargo => "cargo",
            Self::Composer => "composer",
        }
    }

    /// Managers sharing an index: apt, apt-get and aptitude; dnf, yum, microdnf and tdnf.
    #[must_use]
    pub fn family(self) -> &'static str {
        match self {
            Self::AptGet | Self::Apt | Self::Aptitude => "apt",
            Self::Dnf | Self::Yum | Self::Microdnf | Self::Tdnf => "rpm",
            Self::Npm | Self::Yarn | Self::Pnpm | Self::Bun => "node",
            other => other.name(),
        }
    }
}

/// What a package-manager command does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Installs packages (also `add`, `require`, `ci`, `sync`, `reinstall`).
    Install,
    /// Refreshes the package index (`apt-get update`, `apk update`, `dnf makecache`,
    /// `zypper refresh`).
    Update,
    /// Upgrades installed packages (`apt-get upgrade`, `apk upgrade`, `yum update`,
    /// `dnf upgrade`, `zypper update`, `npm update`, `gem update`…); `packages` lists the
    /// named ones (empty: everything).
    Upgrade,
    /// `apt-get dist-upgrade` / `full-upgrade`, `zypper dist-upgrade` / `dup`,
    /// `dnf distro-sync`.
    DistUpgrade,
    /// Removes packages.
    Remove,
    /// Cleans the package cache (`apt-get clean`, `yum clean all`, `apk cache clean`,
    /// `pip cache purge`, `npm cache clean`, `conda clean`…).
    CleanCache,
    /// Anything else: the subcommand as written.
    Other(String),
}

/// What a package argument names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PackageKind {
    /// A package name from the registry (maybe with a version).
    Name,
    /// A local package file (`.deb`, `.apk`, `.rpm`, `.whl`, `.tgz`, `.gem`).
    File,
    /// A URL to a package file.
    Url,
    /// A local directory or project (`.`, `./x`, `/src`).
    Path,
    /// A requirements/lock file (`pip -r`, `conda --file`).
    Requirements,
    /// A constraints file (`pip -c`).
    Constraints,
    /// A version-control source (`git+https://…@ref`, `github:u/r#ref`, `cargo --git`).
    Vcs,
    /// A group, pattern or module (`@group`, `dnf group install`, `zypper -t pattern`).
    Group,
    /// A word with expansions (`$PKGS`): unknown until run.
    Dynamic,
}

/// One package argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    /// The package name (for files, URLs and paths: the text).
    pub name: String,
    /// The version constraint as written after the name, without the separator for exact
    /// pins (`1.2*` for apt `pkg=1.2*`, `1.2` for npm `pkg@1.2`, gem `pkg:1.2`, go `pkg@v1.2`,
    /// rpm `pkg-1.2`) and with the operator for ranges (`>=1.0` for pip, `>1` for apk).
    pub version: Option<String>,
    /// A release, repository or channel pin (`bookworm-backports` in apt `pkg/…`, `edge` in
    /// apk `pkg@edge`, a conda channel).
    pub release: Option<String>,
    /// What the argument names.
    pub kind: PackageKind,
    /// Whether the argument fixes what gets installed by that manager's syntax: an exact or
    /// range version, a release pin (apt), a file, URL or path, a VCS reference, a
    /// requirements or constraints file. `false` for bare names, `@latest`, VCS without a
    /// ref, dynamic words and groups.
    pub pinned: bool,
    /// Where it was written (the whole argument; for `gem -v`, the package name).
    pub span: Span,
}

/// A package-manager command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageOp {
    /// Which manager.
    pub manager: Manager,
    /// What it does.
    pub action: Action,
    /// The subcommand word (`install`, `add`…), if any.
    pub subcommand: Option<Word>,
    /// Package arguments (for `Install`, `Upgrade`, `Remove`).
    pub packages: Vec<Package>,
    /// Installs from the project's manifest or lock file with no package named
    /// (`npm ci`, bare `npm install`, `yarn install`, `poetry install`, `uv sync`,
    /// `composer install`, `bundle install`, `go mod download`).
    pub from_manifest: bool,
    /// Package names also arrive on standard input (`xargs apt-get install < list`).
    pub args_from_stdin: bool,
    /// The options of the command (and of `python -m pip`'s pip part).
    pub flags: Vec<Flag>,
    /// The command.
    pub command: CommandId,
    /// The command's span.
    pub span: Span,
}

impl PackageOp {
    /// Whether any of `names` was given as an option.
    #[must_use]
    pub fn has_flag(&self, names: &[&str]) -> bool {
        self.flags.iter().any(|f| names.contains(&f.name.as_str()))
    }

    /// Whether this upgrades every installed package of the operating system
    /// (`apt-get upgrade`, `apk upgrade`, `dnf update`, `zypper dup`): a system package
    /// manager, an upgrade, and no package named (`dnf group upgrade x` and `dnf module
    /// update x` name what they upgrade).
    #[must_use]
    pub fn upgrades_whole_system(&self) -> bool {
        let system = matches!(
            self.manager,
            Manager::AptGet
                | Manager::Apt
                | Manager::Aptitude
                | Manager::Apk
                | Manager::Dnf
                | Manager::Yum
                | Manager::Microdnf
                | Manager::Tdnf
                | Manager::Zypper
        );
        let scoped = self
            .subcommand
            .as_ref()
            .is_some_and(|w| ["group", "groups", "module"].iter().any(|s| w.is(s)));
        system
            && matches!(self.action, Action::Upgrade | Action::DistUpgrade)
            && self.packages.is_empty()
            && !scoped
    }

    /// The value of the first of `names` given.
    #[must_use]
    pub fn flag_value(&self, names: &[&str]) -> Option<&Word> {
        self.flags
            .iter()
            .find(|f| names.contains(&f.name.as_str()))
            .and_then(|f| f.value.as_ref())
    }

    pub(crate) fn new(
        c: &Command,
        manager: Manager,
        action: Action,
        subcommand: Option<&Word>,
    ) -> Self {
        Self {
            manager,
            action,
            subcommand: subcommand.cloned(),
            packages: Vec::new(),
            from_manifest: false,
            args_from_stdin: c.has_wrapper("xargs"),
            flags: c.opts.flags.clone(),
            command: c.sequence_index,
            span: c.span,
        }
    }
}

/// The package operation a command performs, if it is a package-manager command.
#[must_use]
pub fn package_op(c: &Command) -> Option<PackageOp> {
    let p = c.program()?;
    match p {
        "apt-get" | "apt" | "aptitude" => apt::op(c),
        "apk" => apk::op(c),
        "dnf" | "yum" | "microdnf" | "tdnf" | "dnf5" | "zypper" => rpm::op(c),
        "npm" | "yarn" | "pnpm" | "bun" => node::op(c),
        "gem" | "bundle" | "bundler" => gem::op(c),
        "go" => golang::op(c),
        "cargo" => cargo::op(c),
        "composer" => composer::op(c),
        "conda" | "mamba" | "micromamba" => conda::op(c),
        _ => python::op(c),
    }
}

/// A package from a word whose value is dynamic.
pub(crate) fn dynamic(w: &Word) -> Package {
    Package {
        name: w.raw.clone(),
        version: None,
        release: None,
        kind: PackageKind::Dynamic,
        pinned: false,
        span: w.span,
    }
}

/// A package with the given parts.
pub(crate) fn pkg(
    w: &Word,
    name: &str,
    version: Option<&str>,
    kind: PackageKind,
    pinned: bool,
) -> Package {
    Package {
        name: name.to_owned(),
        version: version.map(str::to_owned),
        release: None,
        kind,
        pinned,
        span: w.span,
    }
}

/// Whether `s` looks like a URL.
pub(crate) fn is_url(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    [
        "http://", "https://", "ftp://", "ftps://", "file://", "s3://", "gs://",
    ]
    .iter()
    .any(|p| l.starts_with(p))
}

/// Whether `s` looks like a local path (`.`, `..`, `./x`, `/x`, `~/x`).
pub(crate) fn is_path(s: &str) -> bool {
    s == "."
        || s == ".."
        || s.starts_with("./")
        || s.starts_with("../")
        || s.starts_with('/')
        || s.starts_with("~/")
}
