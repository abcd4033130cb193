//! SG309: cargo, composer, pipx, uv, poetry and conda installs without a version.

use super::{OpAt, PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::{conda, python};
use seguro_shell::{Action, Manager, Package, PackageKind, Word};

declare_rule! {
    /// ## What it does
    /// Finds packages installed without a version by the package managers the other pin
    /// rules do not cover:
    ///
    /// - `cargo install` / `cargo binstall` without `--version` or `name@version`
    ///   (`--locked` only fixes the crate's dependencies, not the crate), or with `--git`
    ///   and no `--rev`/`--tag`;
    /// - `composer require vendor/pkg` without a constraint (`vendor/pkg:^1.2`);
    /// - `pipx install`/`inject`, `uv tool install`, `uv add` and `poetry add` without a
    ///   version specifier (`ruff==0.5.0`, `poetry add x@^1.2`);
    /// - `conda`/`mamba`/`micromamba` `install`/`create` without a version (`numpy=1.26`).
    ///
    /// Installs from a manifest or lock file (`composer install`, `poetry install`,
    /// `uv sync`, `conda install --file`), local paths and the installers themselves
    /// (`conda install pip`) are not reported. Package names held in a variable are judged
    /// by their value when an ARG or ENV in scope, or an earlier assignment of the script,
    /// gives it.
    ///
    /// ## Why it matters
    /// Without a version the newest release is installed at build time: rebuilds differ
    /// and a compromised or broken release lands silently. No other Dockerfile linter pins
    /// these managers.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM rust:1.79 AS build
    /// RUN cargo install cargo-audit
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM rust:1.79 AS build
    /// RUN cargo install --locked cargo-audit@0.20.0
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinOther {
        code: "SG309",
        name: "pin-other",
        severity: Warning,
        section: "3.1.3",
        aliases: [],
        fixable: None,
    }
}

/// A package from its parts.
fn package(w: &Word, name: &str, version: Option<&str>, pinned: bool) -> Package {
    Package {
        name: name.to_string(),
        version: version.map(str::to_string),
        release: None,
        kind: PackageKind::Name,
        pinned,
        span: w.span,
    }
}

/// Reads a package argument a variable stood for, as the manager would.
fn reparse(at: &OpAt<'_>, w: &Word) -> Package {
    let v = w.text();
    match at.op.manager {
        Manager::Cargo => match v.split_once('@') {
            Some((n, ver)) => package(w, n, Some(ver), !ver.is_empty()),
            None => package(w, v, None, at.op.has_flag(&["--version", "--vers"])),
        },
        Manager::Composer => match v.split_once([':', '=']) {
            Some((n, ver)) => package(w, n, Some(ver), !ver.is_empty()),
            None => package(w, v, None, false),
        },
        Manager::Poetry => match v
            .split_once('@')
            .filter(|(n, _)| !n.is_empty() && !n.contains('/'))
        {
            Some((n, ver)) => package(w, n, Some(ver), !ver.is_empty() && ver != "latest"),
            None => python::requirement(w),
        },
        Manager::Conda => conda::package(w),
        _ => python::requirement(w),
    }
}

/// The commands this rule looks at.
fn selected(at: &OpAt<'_>) -> bool {
    if at.op.action != Action::Install || at.op.from_manifest {
        return false;
    }
    match at.op.manager {
        Manager::Cargo | Manager::Pipx | Manager::Poetry | Manager::Conda => true,
        Manager::Composer => !at.sub_is(&["install", "i"]),
        // `uv pip install` is pip (SG305).
        Manager::Uv => !at.cmd.positional(0).is_some_and(|w| w.is("pip")),
        _ => false,
    }
}

/// Installers and environment files that are not packages of the application.
fn exempt(at: &OpAt<'_>, p: &Package) -> bool {
    let name = p.name.to_ascii_lowercase();
    let tooling = at.op.manager == Manager::Conda
        && matches!(
            name.as_str(),
            "pip" | "conda" | "mamba" | "setuptools" | "wheel"
        );
    // `micromamba install -f env.yml` (its `-f` is `--file`).
    let file = [".yml", ".yaml", ".txt", ".lock"]
        .iter()
        .any(|e| name.ends_with(e));
    let local = name.is_empty() || name.starts_with(['.', '/', '~']);
    tooling || file || local
}

impl Check for PinOther {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| selected(at),
                reparse: &reparse,
                report: &|at, p| unpinned(p) && !exempt(at, p),
                help: "pin a version: `cargo install name@version`, `composer require vendor/pkg:version`, `pipx install name==version`, `conda install name=version`",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG309",
            &[
                "FROM rust\nRUN cargo install cargo-audit\n",
                "FROM rust\nRUN cargo install --locked sccache\n",
                "FROM rust\nRUN cargo install --git https://github.com/a/b\n",
                "FROM rust\nRUN cargo binstall -y just\n",
                "FROM php\nRUN composer require monolog/monolog\n",
                "FROM php\nRUN composer global require hirak/prestissimo\n",
                "FROM python\nRUN pipx install poetry\n",
                "FROM python\nRUN uv tool install ruff\n",
                "FROM python\nRUN uv add httpx\n",
                "FROM python\nRUN poetry add requests\n",
                "FROM continuumio/miniconda3\nRUN conda install -y -c conda-forge numpy\n",
                "FROM continuumio/miniconda3\nRUN conda create -y -n app python=3.11 pandas\n",
                "FROM mambaorg/micromamba\nRUN micromamba install -y -n base -c conda-forge scipy\n",
                "FROM rust\nARG TOOLS=\"just sd\"\nRUN cargo install $TOOLS\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG309",
            &[
                "FROM rust\nRUN cargo install --locked cargo-audit@0.20.0\n",
                "FROM rust\nRUN cargo install cargo-audit --version 0.20.0\n",
                "FROM rust\nRUN cargo install --git https://github.com/a/b --rev 1a2b3c4\n",
                "FROM rust\nRUN cargo install --path .\n",
                "FROM rust\nRUN cargo build --release\n",
                "FROM php\nRUN composer require monolog/monolog:^3.0\n",
                "FROM php\nRUN composer require monolog/monolog 3.0.0\n",
                "FROM php\nRUN composer install --no-dev\n",
                "FROM python\nRUN pipx install poetry==1.8.3\n",
                "FROM python\nRUN uv tool install 'ruff>=0.5,<0.6'\n",
                "FROM python\nRUN uv sync --frozen\n",
                "FROM python\nRUN uv pip install --system httpx\n",
                "FROM python\nRUN poetry add requests@^2.31\n",
                "FROM python\nRUN poetry install --no-root\n",
                "FROM continuumio/miniconda3\nRUN conda install -y numpy=1.26 'pandas>=2'\n",
                "FROM continuumio/miniconda3\nRUN conda install -y --file requirements.txt\n",
                "FROM continuumio/miniconda3\nRUN conda install -y pip\n",
                "FROM continuumio/miniconda3\nRUN conda env create -f environment.yml\n",
                "FROM mambaorg/micromamba\nRUN micromamba install -y -n base -f /tmp/env.yaml\n",
                "FROM rust\nARG V=0.20.0\nRUN cargo install cargo-audit@$V\n",
            ],
        );
    }
}
