//! SG305: `pip install` of packages without a version.

use super::{OpAt, PinCheck, env_value, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::programs::python;
use seguro_shell::{Manager, Package};

declare_rule! {
    /// ## What it does
    /// Finds packages installed with `pip install` (also `pip3`, `python -m pip`,
    /// `uv pip install`) without a version specifier: `flask` instead of `flask==3.0.3`.
    /// Any version operator counts (`==`, `~=`, `>=`, `<`…). Not reported: requirement and
    /// constraint files (`-r`, `-c`, `PIP_CONSTRAINT`), local paths and projects (`.`,
    /// `./pkg`, `-e .`), wheels and archives, URLs, VCS sources with a ref
    /// (`git+https://…@v1.2`), and every package of a `--require-hashes` install.
    ///
    /// The installer's own tooling, `pip`, `setuptools` and `wheel`
    /// (`pip install --upgrade pip`), is not reported: it does not end up in what the
    /// application imports.
    ///
    /// Package names held in a variable are judged by their value when an ARG or ENV in
    /// scope, or an earlier assignment of the script, gives it; names only known at run time are not reported.
    ///
    /// ## Why it matters
    /// Without a version, pip installs the newest release on the day of the build:
    /// rebuilds differ, and a compromised or broken release on PyPI is picked up
    /// silently. A requirements file with hashes (`pip install --require-hashes -r
    /// requirements.txt`) is the strongest form.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install --no-cache-dir flask gunicorn
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY requirements.txt .
    /// RUN pip install --no-cache-dir --require-hashes -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3013
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinPip {
        code: "SG305",
        name: "pin-pip",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3013"],
        fixable: None,
    }
}

/// Whether the command is a pip install (`uv pip install` included).
pub(crate) fn is_pip_install(at: &OpAt<'_>) -> bool {
    let pip = match at.op.manager {
        Manager::Pip => true,
        Manager::Uv => at.cmd.positional(0).is_some_and(|w| w.is("pip")),
        _ => false,
    };
    pip && at.sub_is(&["install"])
}

/// pip's own tooling.
fn is_tooling(p: &Package) -> bool {
    let name = p.name.to_ascii_lowercase().replace('_', "-");
    matches!(name.as_str(), "pip" | "setuptools" | "wheel")
}

impl Check for PinPip {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|cx, at| {
                    is_pip_install(at)
                        && !at.op.has_flag(&["--require-hashes", "-c", "--constraint"])
                        && env_value(cx, at, "PIP_CONSTRAINT").is_none()
                        && env_value(cx, at, "PIP_REQUIRE_HASHES").is_none()
                },
                reparse: &|_, w| python::requirement(w),
                report: &|_, p| {
                    // `.[dev]`, `./x[extra]`: a local project with extras.
                    let local = p.name.is_empty() || p.name.starts_with(['.', '/', '~']);
                    unpinned(p) && !local && !is_tooling(p)
                },
                help: "pin with `name==version`, or install from a requirements file with hashes (`--require-hashes -r requirements.txt`)",
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG305",
            &[
                "FROM python\nRUN pip install flask\n",
                "FROM python\nRUN pip3 install --no-cache-dir flask==3.0.3 gunicorn\n",
                "FROM python\nRUN python3 -m pip install requests\n",
                "FROM python\nRUN pip install -r requirements.txt gunicorn\n",
                "FROM python\nRUN pip install 'requests[security]'\n",
                "FROM python\nRUN pip install git+https://github.com/a/b.git\n",
                "FROM python\nRUN uv pip install --system httpx\n",
                "FROM python\nARG PKGS=\"flask gunicorn\"\nRUN pip install $PKGS\n",
                "FROM python\nRUN pip install --upgrade pip requests\n",
                "FROM python\nRUN <<EOF\npip install flask\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG305",
            &[
                "FROM python\nRUN pip install flask==3.0.3 'gunicorn>=21,<22' 'x~=1.0'\n",
                "FROM python\nRUN pip install -r requirements.txt\n",
                "FROM python\nRUN pip install --requirement=requirements.txt\n",
                "FROM python\nRUN pip install -c constraints.txt flask\n",
                "FROM python\nENV PIP_CONSTRAINT=/c.txt\nRUN pip install flask\n",
                "FROM python\nRUN pip install --require-hashes flask\n",
                "FROM python\nRUN pip install .\n",
                "FROM python\nRUN pip install -e .\n",
                "FROM python\nRUN pip install '.[dev]'\n",
                "FROM python\nRUN pip install -e \".[dev,test]\"\n",
                "FROM python\nRUN pip install --no-deps /wheels/*.whl\n",
                "FROM python\nRUN pip install 'app @ git+https://github.com/a/app.git@v1.0'\n",
                "FROM python\nRUN pip install ./dist/app-1.0-py3-none-any.whl\n",
                "FROM python\nRUN pip install /tmp/app.tar.gz\n",
                "FROM python\nRUN pip install https://x/app-1.0.tar.gz\n",
                "FROM python\nRUN pip install git+https://github.com/a/b.git@v1.2#egg=b\n",
                "FROM python\nRUN pip install --upgrade pip\n",
                "FROM python\nRUN python -m pip install -U pip setuptools wheel\n",
                "FROM python\nARG POETRY_VERSION=1.8.3\nRUN pip install \"poetry==$POETRY_VERSION\"\n",
                "FROM python\nARG V\nRUN pip install \"poetry==$V\"\n",
                "FROM python\nRUN pip install $(cat reqs)\n",
                "FROM python\nRUN pip uninstall -y flask\n",
                "FROM python\nRUN pip download flask\n",
                "FROM python\nRUN uv pip sync requirements.txt\n",
            ],
        );
    }

    #[test]
    fn names_each_package() {
        let d = check(
            "SG305",
            "FROM python\nRUN pip install flask gunicorn==21.2\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("`flask`"), "{}", d[0].message);
        assert!(!d[0].message.contains("gunicorn"), "{}", d[0].message);
    }
}
