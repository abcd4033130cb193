//! SG513: a COPY/ADD source that the ignore file keeps out of the context.

use super::context::BuildContext;
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Related;
use crate::rule::Check;

declare_rule! {
    /// ## What it does
    /// Finds `COPY`/`ADD` sources that exist on disk but are left out of the build
    /// context by `.dockerignore` (or `<Dockerfile>.dockerignore`): a file or directory
    /// named by the source, or the directory before a wildcard. BuildKit then stops with
    /// `"/path": not found`. Also reports what BuildKit's own `CopyIgnoredFile` check
    /// reports: a source the ignore file matches (when it has no `!` exception), such as
    /// a wildcard whose every match is excluded. Names the pattern and its line. Runs
    /// only with a build context.
    ///
    /// ## Why it matters
    /// The build fails on a machine with the ignore file while the author, who may read
    /// the Dockerfile alone, sees nothing wrong; or a wildcard silently copies nothing.
    /// Whether the ignore file or the COPY is wrong, the two disagree.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: .dockerignore = dist\n
    /// # context: dist/app.js
    /// FROM node:22-slim
    /// COPY dist/ /app/
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: .dockerignore = node_modules\n
    /// # context: dist/app.js
    /// FROM node:22-slim
    /// COPY dist/ /app/
    /// ```
    ///
    /// ## Fix
    /// None: either the pattern or the source is wrong, and only the author knows which.
    ///
    /// ## Aliases
    /// CopyIgnoredFile
    ///
    /// ## References
    /// BuildKit build check `CopyIgnoredFile`. Chapter 3.2.4.
    pub struct CopyIgnoredFile {
        code: "SG513",
        name: "copy-ignored-file",
        severity: Error,
        section: "3.2.4",
        aliases: ["CopyIgnoredFile"],
        fixable: None,
    }
}

/// The ignore file's line that decides a path, as a related entry.
fn deciding_line(ctx: &BuildContext, path: &str) -> Option<Related> {
    let files = ctx.files()?;
    let i = files.matcher().deciding_pattern(path).ok()??;
    let (line, pattern) = ctx.patterns.get(i)?;
    Some(Related {
        file: ctx.ignore_display(),
        span: None,
        message: format!("line {line}: `{pattern}` excludes `{path}`"),
    })
}

impl Check for CopyIgnoredFile {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        let Some(ignore) = ctx.ignore_display() else {
            return;
        };
        for copy in &ctx.copies {
            for (src, m) in copy.resolved_sources() {
                let check = m.dockerignore;
                if !check.excluded_by_dockerignore && !check.lint_copy_ignored_file {
                    continue;
                }
                let message = if check.excluded_by_dockerignore {
                    let what = match &m.error {
                        Some(e) => format!(": the build fails ({e})"),
                        None => String::new(),
                    };
                    format!("`{}` is excluded by {ignore}{what}", src.value)
                } else {
                    format!(
                        "`{}` matches what {ignore} excludes: those files are not sent, so not copied",
                        src.value
                    )
                };
                let path = if m.path.is_empty() {
                    src.value.clone()
                } else {
                    m.path.clone()
                };
                let mut related: Vec<Related> = deciding_line(&ctx, &path).into_iter().collect();
                if related.is_empty() {
                    related.push(Related {
                        file: Some(ignore.clone()),
                        span: None,
                        message: format!("excludes `{path}`"),
                    });
                }
                let d = cx.report(src.span, message);
                d.set_help("remove the pattern (or add a `!` exception) if the image needs it, or drop the source");
                d.related = related;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sg5::test_context::{Ctx, related_files};

    const CODE: &str = "SG513";

    fn app(tag: &str, ignore: &str) -> Ctx {
        Ctx::new(tag)
            .file("package.json", "{}")
            .file("dist/app.js", "")
            .file("docs/guide.md", "")
            .file("README.md", "")
            .file("scripts/run.sh", "")
            .file(".dockerignore", ignore)
    }

    #[test]
    fn fires() {
        let t = app("sg513-fire", "# build output\ndist\n*.md\nscripts/\n");
        let found = t.fail(CODE, "FROM node:22\nCOPY dist/ /app/\n");
        assert!(
            found[0].message.contains("the build fails"),
            "{}",
            found[0].message
        );
        assert_eq!(
            found[0].related[0].message,
            "line 2: `dist` excludes `dist`"
        );
        assert_eq!(related_files(&found), [t.shown(".dockerignore")]);
        // A file below an excluded directory.
        t.fail(CODE, "FROM node:22\nCOPY dist/app.js /app/\n");
        // The directory before a wildcard.
        t.fail(CODE, "FROM node:22\nCOPY scripts/*.sh /usr/local/bin/\n");
        // A wildcard whose matches are all excluded (BuildKit's CopyIgnoredFile).
        let found = t.fail(CODE, "FROM node:22\nCOPY *.md /docs/\n");
        assert!(
            found[0].message.contains("not sent"),
            "{}",
            found[0].message
        );
        // Several sources: only the excluded one.
        let found = t.fail(CODE, "FROM node:22\nCOPY package.json README.md /app/\n");
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("`README.md`"));
    }

    #[test]
    fn per_dockerfile_ignore_file() {
        let t = app("sg513-own", "").file("build/api.Dockerfile.dockerignore", "package.json\n");
        let found = t.lint_file(
            CODE,
            "build/api.Dockerfile",
            "FROM node:22\nCOPY package.json /app/\n",
            "",
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            related_files(&found),
            [t.shown("build/api.Dockerfile.dockerignore")]
        );
        t.pass(CODE, "FROM node:22\nCOPY package.json /app/\n");
    }

    #[test]
    fn quiet() {
        let t = app("sg513-quiet", "docs\n*.md\n!README.md\ndist/*.map\n");
        for df in [
            "FROM node:22\nCOPY README.md /app/\n",
            "FROM node:22\nCOPY dist/ /app/\n",
            "FROM node:22\nCOPY . /app\n",
            "FROM node:22\nCOPY --from=build /docs /docs\n",
            "FROM node:22\nCOPY missing.txt /app/\n",
        ] {
            t.pass(CODE, df);
        }
        // No ignore file: nothing is excluded.
        let t = Ctx::new("sg513-none").file("dist/app.js", "");
        t.pass(CODE, "FROM node:22\nCOPY dist/ /app/\n");
        crate::rules::test_support::pass(CODE, &["FROM node:22\nCOPY dist/ /app/\n"]);
    }

    #[test]
    fn parent_exclusion_is_not_undone_by_an_ancestor_exception() {
        // BuildKit does not send a/b/x with `a/b` then `!a` (docker/cli's rule would).
        let t = Ctx::new("sg513-fsutil")
            .file("a/b/x", "")
            .file("a/c", "")
            .file(".dockerignore", "a/b\n!a\n");
        t.fail(CODE, "FROM alpine\nCOPY a/b/x /x\n");
        t.pass(CODE, "FROM alpine\nCOPY a/c /c\n");
    }
}
