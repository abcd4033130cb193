//! SG310: `go install`/`get`/`run` of modules without a version.

use super::{PinCheck, report_unpinned, unpinned};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_shell::{Action, Manager, Package, PackageKind, Word};

declare_rule! {
    /// ## What it does
    /// Finds `go install`, `go get` and `go run` of remote packages without a version, or
    /// with a moving one: `golang.org/x/tools/cmd/goimports` or `…@latest` instead of
    /// `…@v0.22.0`. A semantic version (`@v1.2.3`, also a prefix such as `@v1.2`), a
    /// pseudo-version or a commit hash counts as pinned; `@latest`, `@upgrade`, `@patch`,
    /// `@none` and branch names do not. Local packages (`.`, `./...`, `./cmd/app`,
    /// `main.go`) and `go mod download` use the module's own `go.mod`/`go.sum` and are not
    /// reported.
    ///
    /// ## Why it matters
    /// Without a version, Go resolves the newest release at build time: rebuilds differ
    /// and the tool's own dependencies are whatever was tagged last, outside the checksum
    /// database's protection of a reviewed version.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go install github.com/go-delve/delve/cmd/dlv@latest
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM golang:1.22 AS build
    /// RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.0
    /// ```
    ///
    /// ## Fix
    /// None: the version to pin is not known from the Dockerfile.
    ///
    /// ## Aliases
    /// DL3062
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct PinGo {
        code: "SG310",
        name: "pin-go",
        severity: Warning,
        section: "3.1.3",
        aliases: ["DL3062"],
        fixable: None,
    }
}

/// `v1.2.3`, `v1.2`, a pseudo-version or a commit hash.
fn pinned_version(v: &str) -> bool {
    let semver = v.starts_with('v') && v[1..].starts_with(|c: char| c.is_ascii_digit());
    let hash = (7..=40).contains(&v.len()) && v.chars().all(|c| c.is_ascii_hexdigit());
    semver || hash
}

/// Reads a package argument a variable stood for, as `go` would.
fn reparse(w: &Word) -> Package {
    let v = w.text();
    let (name, version, kind, pinned) = match v.split_once('@') {
        Some((n, ver)) => (
            n,
            Some(ver.to_string()),
            PackageKind::Name,
            pinned_version(ver),
        ),
        None => {
            let local = v == "."
                || v.starts_with("./")
                || v.starts_with("../")
                || v.starts_with('/')
                || v.ends_with(".go")
                || !v.split('/').next().unwrap_or("").contains('.');
            if local {
                (v, None, PackageKind::Path, true)
            } else {
                (v, None, PackageKind::Name, false)
            }
        }
    };
    Package {
        name: name.to_string(),
        version,
        release: None,
        kind,
        pinned,
        span: w.span,
    }
}

impl Check for PinGo {
    fn run(&self, cx: &mut Checker<'_>) {
        report_unpinned(
            cx,
            &PinCheck {
                select: &|_, at| {
                    at.op.manager == Manager::Go
                        && at.op.action == Action::Install
                        && !at.op.from_manifest
                },
                reparse: &|_, w| reparse(w),
                report: &|_, p| {
                    // `pkg@latest`: the library may count only the part before `@`.
                    let moving = p.version.as_deref().is_some_and(|v| !pinned_version(v));
                    unpinned(p) || (p.kind == PackageKind::Name && moving)
                },
                help: "add an exact version: `go install module/path/cmd@v1.2.3`",
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
            "SG310",
            &[
                "FROM golang\nRUN go install github.com/go-delve/delve/cmd/dlv@latest\n",
                "FROM golang\nRUN go install golang.org/x/tools/cmd/goimports\n",
                "FROM golang\nRUN go get -u github.com/golang/dep/cmd/dep\n",
                "FROM golang\nRUN go install github.com/a/b@master\n",
                "FROM golang\nRUN go run github.com/a/gen@latest ./api\n",
                "FROM golang\nRUN CGO_ENABLED=0 go install -ldflags='-s -w' github.com/a/b@none\n",
                "FROM golang\nARG TOOL=github.com/a/b@latest\nRUN go install $TOOL\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG310",
            &[
                "FROM golang\nRUN go install github.com/go-delve/delve/cmd/dlv@v1.23.0\n",
                "FROM golang\nRUN go install github.com/a/b@v1.2\n",
                "FROM golang\nRUN go install github.com/a/b@v0.0.0-20240101000000-abcdef123456\n",
                "FROM golang\nRUN go install github.com/a/b@1a2b3c4d\n",
                "FROM golang\nRUN go install ./...\n",
                "FROM golang\nRUN go install -v .\n",
                "FROM golang\nRUN go run main.go\n",
                "FROM golang\nRUN go run ./cmd/gen\n",
                "FROM golang\nRUN go get -d -v ./...\n",
                "FROM golang\nRUN go mod download\n",
                "FROM golang\nRUN go build -o /app ./cmd/app\n",
                "FROM golang\nARG DLV=v1.23.0\nRUN go install github.com/go-delve/delve/cmd/dlv@${DLV}\n",
            ],
        );
    }

    #[test]
    fn names_the_package() {
        let d = check(
            "SG310",
            "FROM golang\nRUN go install github.com/a/b@latest\n",
        );
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("github.com/a/b"), "{}", d[0].message);
    }
}
