//! SG314: `apt` (the interactive front end) used in a build script.

use super::Finding;
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds the `apt` command in RUN scripts (`apt install`, `apt update`, `apt list`…),
    /// however it is wrapped.
    ///
    /// ## Why it matters
    /// `apt` is the front end for people at a terminal: its output and behaviour may
    /// change between releases, and it warns "apt does not have a stable CLI interface.
    /// Use with caution in scripts." `apt-get` (installs, updates, removals) and
    /// `apt-cache` (queries) are the stable interfaces for scripts.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt update && apt install -y --no-install-recommends curl
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM debian:12
    /// RUN apt-get update && apt-get install -y --no-install-recommends curl
    /// ```
    ///
    /// ## Fix
    /// Unsafe: replaces `apt` by `apt-get` for the subcommands both have (`install`,
    /// `update`, `remove`, `purge`, `autoremove`, `clean`…). `apt` deletes downloaded
    /// `.deb` files after installing and `apt-get` keeps them (unless the image's apt
    /// configuration removes them, as Debian's and Ubuntu's official images do), so the
    /// layer may grow. `apt upgrade` (it also installs new dependencies) and queries
    /// (`apt list`, `apt search`: use `apt-cache`) are left to the author.
    ///
    /// ## Aliases
    /// DL3027, CKV_DOCKER_9
    ///
    /// ## References
    /// Chapter 3.1.3.
    pub struct AptNotAptGet {
        code: "SG314",
        name: "apt-not-apt-get",
        severity: Style,
        section: "3.1.3",
        aliases: ["DL3027", "CKV_DOCKER_9"],
        fixable: Sometimes,
    }
}

/// Subcommands `apt-get` runs the same way.
const SAME_IN_APT_GET: &[&str] = &[
    "install",
    "reinstall",
    "remove",
    "purge",
    "autoremove",
    "autopurge",
    "update",
    "clean",
    "autoclean",
    "build-dep",
    "source",
    "download",
    "dist-upgrade",
    "full-upgrade",
];

/// Subcommands that are queries (`apt-cache`).
const QUERIES: &[&str] = &[
    "list", "search", "show", "showsrc", "policy", "depends", "rdepends",
];

impl Check for AptNotAptGet {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut findings = Vec::new();
        for (inst, rs, script) in cx.run_scripts() {
            for c in script.commands().filter(|c| c.is("apt")) {
                let Some(name) = &c.name else { continue };
                let sub = c.positional(0).map(|w| w.text()).unwrap_or("");
                let span = rs.file_span(inst, name.span);
                let query = QUERIES.contains(&sub);
                let tool = if query { "apt-cache" } else { "apt-get" };
                let shown = if sub.is_empty() {
                    "apt".to_string()
                } else {
                    format!("apt {sub}")
                };
                let mut f = Finding::new(
                    span,
                    format!("`{shown}` in a script: `apt` has no stable command-line interface"),
                    format!("use `{tool}` in scripts"),
                );
                let verbatim = name.is("apt") && cx.src.get(span.range()) == Some("apt");
                if verbatim && SAME_IN_APT_GET.contains(&sub) {
                    f.fix = Some(Fix::new(
                        "Replace `apt` by `apt-get`",
                        Applicability::Unsafe,
                        vec![Edit {
                            span,
                            replacement: "apt-get".into(),
                        }],
                    ));
                }
                findings.push(f);
            }
        }
        for f in findings {
            f.emit(cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG314",
            &[
                "FROM debian\nRUN apt update\n",
                "FROM debian\nRUN apt install -y curl\n",
                "FROM debian\nRUN DEBIAN_FRONTEND=noninteractive apt-get update && apt -y upgrade\n",
                "FROM debian\nRUN sudo apt install -y curl\n",
                "FROM debian\nRUN sh -c 'apt list --installed'\n",
                "FROM debian\nRUN <<EOF\napt install -y curl\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG314",
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y apt curl\n",
                "FROM debian\nRUN apt-cache policy curl\n",
                "FROM debian\nRUN echo apt install\n",
                "FROM debian\nRUN rm -rf /etc/apt/apt.conf.d/docker-clean\n",
            ],
        );
    }

    #[test]
    fn fixes() {
        let before = "FROM debian\nRUN apt update && apt install -y curl && apt list\n";
        let diags = check("SG314", before);
        assert_eq!(diags.len(), 3);
        let (safe, _) = crate::fix::apply(before, &diags, false);
        assert_eq!(safe, before);
        let (fixed, n) = crate::fix::apply(before, &diags, true);
        assert_eq!(n, 2);
        assert_eq!(
            fixed,
            "FROM debian\nRUN apt-get update && apt-get install -y curl && apt list\n"
        );
    }
}
