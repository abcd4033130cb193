//! SI015: compilers, `make` or package managers in an image that otherwise looks minimal.

use crate::check::ImageChecker;
use crate::rules::{BIN_DIRS, Check};

declare_image_rule! {
    /// ## What it does
    /// Finds build tools in an image that is otherwise built to be minimal, and reports
    /// them in one finding.
    ///
    /// An image *looks minimal* when it has no shell at `/bin/sh`, or no package
    /// database (`/var/lib/dpkg/status`, `/lib/apk/db/installed`, `/var/lib/rpm`,
    /// `/usr/lib/sysimage/rpm`): distroless, `scratch`-based, static and busybox-style
    /// images. In such an image, these programs (in `/usr/local/sbin`, `/usr/local/bin`,
    /// `/usr/sbin`, `/usr/bin`, `/sbin`, `/bin`, `/usr/local/go/bin`) are reported:
    /// compilers (`gcc`, `cc`, `c++`, `g++`, `clang`, `clang++`, `rustc`, `cargo`, `go`,
    /// `javac`), `make`, `cmake`, and system package managers (`apt`, `apt-get`, `dpkg`,
    /// `apk`, `yum`, `dnf`, `microdnf`, `rpm`).
    ///
    /// Full distribution images (with a shell and a package database) are not judged:
    /// there, build tools are a choice (a CI or development image). The severity is info.
    ///
    /// ## Why it matters
    /// A minimal image is chosen to leave an attacker nothing to work with. A compiler or
    /// a package manager left in it (typically `COPY --from=build / /`, or a toolchain
    /// directory copied whole) gives back exactly that, and adds size and CVEs for code
    /// that never runs.
    ///
    /// ## Example
    /// ```text
    /// layer COPY --from=build /usr/local/go /usr/local/go # buildkit
    /// file /usr/local/go/bin/go 0755
    /// file /app/server 0755
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer COPY --from=build /out/server /app/server # buildkit
    /// file /app/server 0755
    /// ```
    ///
    /// ## Fix
    /// None: copy only the build output into the final stage.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.6.
    pub struct BuildToolsPresent {
        code: "SI015",
        name: "build-tools-present",
        severity: Info,
        section: "3.1.6",
        aliases: [],
        fixable: None,
    }
}

const TOOLS: &[&str] = &[
    "gcc", "cc", "c++", "g++", "clang", "clang++", "rustc", "cargo", "go", "javac", "make",
    "cmake", "apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm",
];

const PACKAGE_DBS: &[&str] = &[
    "var/lib/dpkg/status",
    "lib/apk/db/installed",
    "var/lib/rpm",
    "usr/lib/sysimage/rpm",
];

impl Check for BuildToolsPresent {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let view = cx.view;
        let no_shell = !view.has_file("bin/sh");
        let no_db = !PACKAGE_DBS.iter().any(|p| view.lookup(p).is_some());
        if !(no_shell || no_db) || view.is_empty() {
            return;
        }
        let dirs = BIN_DIRS.iter().copied().chain(["usr/local/go/bin"]);
        let mut tools = Vec::new();
        let mut first = None;
        for dir in dirs {
            for tool in TOOLS {
                let path = format!("{dir}/{tool}");
                if view.has_file(&path) {
                    if first.is_none() {
                        first = view.lookup(&path).map(|(r, _)| r);
                    }
                    tools.push(format!("/{path}"));
                }
            }
        }
        let Some(first) = first else { return };
        let why = match (no_shell, no_db) {
            (true, true) => "no shell and no package database",
            (true, false) => "no shell at /bin/sh",
            _ => "no package database",
        };
        let at = cx.at_entry(first);
        cx.report(
            format!(
                "the image looks minimal ({why}) but ships build tools: {}",
                tools.join(", ")
            ),
            at,
        )
        .set_help(
            "copy only the build output into the final stage (`COPY --from=build /out/app /app`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    const DEBIAN: &str = "layer\nfile /bin/sh 0755\nfile /var/lib/dpkg/status 0644\n";

    #[test]
    fn fires() {
        fire(
            "SI015",
            &[
                "layer\nfile /usr/local/go/bin/go 0755\nfile /app 0755\n",
                "layer\nfile /bin/sh 0755\nfile /usr/bin/gcc 0755\n",
                "layer\nfile /var/lib/dpkg/status.d/base 0644\nfile /usr/bin/make 0755\n",
                "layer\nfile /bin/busybox 0755\nsymlink /bin/sh busybox\nfile /usr/bin/apk 0755\n",
            ],
        );
        let d = one(
            "SI015",
            "layer\nfile /usr/bin/gcc 0755\nsymlink /usr/bin/cc gcc\n",
        );
        assert!(
            d.message.contains("no shell and no package database"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("/usr/bin/gcc, /usr/bin/cc"),
            "{}",
            d.message
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI015",
            &[
                &format!("{DEBIAN}file /usr/bin/gcc 0755\nfile /usr/bin/make 0755\n"),
                "layer\nfile /app/server 0755\n",
                "layer\nfile /bin/sh 0755\nfile /lib/apk/db/installed 0644\nfile /sbin/apk 0755\n",
                "layer\nfile /usr/bin/gcc 0755\nlayer\ndelete /usr/bin/gcc\n",
                "",
            ],
        );
    }
}
