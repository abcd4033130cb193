//! SG512: a version-control directory (`.git`, `.hg`, `.svn`) would be copied into the
//! image.

use super::context::count;
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds `COPY`/`ADD` sources that take a version-control directory from the build
    /// context: `.git` (a repository, or the `.git` file of a submodule or worktree),
    /// `.hg`, `.svn`, `.bzr`, at any depth. Runs only with a build context.
    ///
    /// ## Why it matters
    /// The repository's history goes into the image: every file ever committed,
    /// including secrets removed long ago, remote URLs that may carry credentials, and
    /// hooks. It also makes every commit bust the layer cache and adds megabytes to
    /// gigabytes to the image.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: .git/config = [core]\n
    /// # context: main.go
    /// FROM golang:1.22
    /// COPY . /src
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: .git/config = [core]\n
    /// # context: main.go
    /// # context: .dockerignore = .git\n
    /// FROM golang:1.22
    /// COPY . /src
    /// ```
    ///
    /// ## Fix
    /// None: add the directory to `.dockerignore`. A build that needs the commit id can
    /// take it as a build argument (`--build-arg GIT_COMMIT=$(git rev-parse HEAD)`).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-527 (exposure of version-control repository to an unauthorized control
    /// sphere). Chapter 3.2.4.
    pub struct VcsDirCopied {
        code: "SG512",
        name: "vcs-dir-copied",
        severity: Warning,
        section: "3.2.4",
        aliases: [],
        fixable: None,
    }
}

const VCS: &[&str] = &[".git", ".hg", ".svn", ".bzr"];

/// The version-control directory (or `.git` file) a context path lies in or is.
fn vcs_root(path: &str) -> Option<&str> {
    let mut end = 0;
    for part in path.split('/') {
        end += part.len();
        if VCS.contains(&part) {
            return Some(&path[..end]);
        }
        end += 1;
    }
    None
}

impl Check for VcsDirCopied {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        for copy in &ctx.copies {
            for (src, m) in copy.resolved_sources() {
                let mut roots: Vec<(&str, usize)> = Vec::new();
                for f in &m.files {
                    if let Some(root) = vcs_root(f) {
                        match roots.iter_mut().find(|(r, _)| *r == root) {
                            Some((_, n)) => *n += 1,
                            None => roots.push((root, 1)),
                        }
                    }
                }
                if roots.is_empty() {
                    continue;
                }
                let names: Vec<String> = roots.iter().map(|(r, _)| format!("`{r}`")).collect();
                let related = roots
                    .iter()
                    .map(|(r, n)| {
                        ctx.related(r, format!("copied into the image ({})", count(*n, "file")))
                    })
                    .collect();
                let d = cx.report(
                    src.span,
                    format!(
                        "`{}` copies version-control data into the image: {}",
                        src.value,
                        names.join(", ")
                    ),
                );
                d.set_help("add it to .dockerignore; pass the commit id as a build argument if the image needs it");
                d.related = related;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::vcs_root;
    use crate::rules::sg5::test_context::{Ctx, related_files};

    const CODE: &str = "SG512";

    #[test]
    fn roots() {
        assert_eq!(vcs_root(".git/HEAD"), Some(".git"));
        assert_eq!(vcs_root("vendor/lib/.git"), Some("vendor/lib/.git"));
        assert_eq!(vcs_root("a/.hg/store/x"), Some("a/.hg"));
        assert_eq!(vcs_root(".github/workflows/ci.yml"), None);
        assert_eq!(vcs_root(".gitignore"), None);
    }

    fn repo(tag: &str) -> Ctx {
        Ctx::new(tag)
            .file("main.go", "package main")
            .file(".gitignore", "bin/")
            .file(".github/workflows/ci.yml", "on: push")
            .file(".git/HEAD", "ref: refs/heads/main")
            .file(".git/objects/ab/cdef", "x")
            .file("vendor/lib/.git", "gitdir: ../../.git/modules/lib")
            .file("vendor/lib/lib.go", "package lib")
            .file("docs/.svn/entries", "12")
    }

    #[test]
    fn fires() {
        let t = repo("sg512-fire");
        let found = t.fail(CODE, "FROM golang:1.22\nCOPY . /src\n");
        assert_eq!(
            related_files(&found),
            [
                t.shown(".git"),
                t.shown("docs/.svn"),
                t.shown("vendor/lib/.git")
            ]
        );
        let found = t.fail(CODE, "FROM golang:1.22\nCOPY vendor/ /src/vendor/\n");
        assert_eq!(related_files(&found), [t.shown("vendor/lib/.git")]);
        t.fail(CODE, "FROM golang:1.22\nCOPY .git /src/.git\n");
        // An exception that brings the repository back.
        let t = repo("sg512-bang").file(".dockerignore", ".git\n!.git/HEAD\n");
        let found = t.fail(CODE, "FROM golang:1.22\nCOPY . /src\n");
        assert!(found[0].message.contains("`.git`"), "{}", found[0].message);
    }

    #[test]
    fn quiet() {
        let t = repo("sg512-quiet").file(".dockerignore", ".git\n**/.git\n**/.svn\n");
        t.pass(CODE, "FROM golang:1.22\nCOPY . /src\n");
        let t = repo("sg512-narrow");
        for df in [
            "FROM golang:1.22\nCOPY main.go /src/\n",
            "FROM golang:1.22\nCOPY .github/ /src/.github/\n",
            "FROM golang:1.22\nCOPY --exclude=.git --exclude=**/.git --exclude=**/.svn . /src\n",
            "FROM golang:1.22\nCOPY --from=build /src/.git /x\n",
        ] {
            t.pass(CODE, df);
        }
        crate::rules::test_support::pass(CODE, &["FROM golang:1.22\nCOPY .git /src/.git\n"]);
    }
}
