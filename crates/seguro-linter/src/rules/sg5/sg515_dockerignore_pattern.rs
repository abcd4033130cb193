//! SG515: `.dockerignore` patterns that are invalid, match nothing, or bring a secret
//! back with `!`.

use super::context::{BuildContext, name_list};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Related;
use crate::rule::Check;
use seguro_context::{ContextFiles, FileKind, MatchType, Matcher, Pattern};
use std::path::Path;

declare_rule! {
    /// ## What it does
    /// Checks the ignore file BuildKit uses for the Dockerfile (`<Dockerfile>.dockerignore`,
    /// else the context's `.dockerignore`) against the context on disk:
    /// - a line BuildKit cannot read (longer than 64 KiB) or a pattern it refuses (`[a-`,
    ///   a lone `!`, a class Go's regexp engine rejects): the build fails;
    /// - a pattern that matches no file or directory of the context (often a path
    ///   written as if relative to a subdirectory, or `foo` meant as `**/foo`: Docker
    ///   patterns are anchored at the context root);
    /// - a `!` exception that brings back a secret file (by name or content) that an
    ///   earlier pattern kept out.
    ///
    /// Names the ignore file and the line in each finding. Runs only with a build
    /// context.
    ///
    /// ## Why it matters
    /// An ignore file is trusted to keep things out; a pattern that matches nothing
    /// keeps nothing out and gives a false sense of safety (`.env` at the root does not
    /// cover `app/.env`). An exception such as `!config/` written for one file can
    /// re-include a key stored beside it, and an invalid pattern breaks every build.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: .dockerignore = .env*\n!.env.production\nsrc/.cache\n
    /// # context: .env.production = DB_PASSWORD=change-me-in-vault\n
    /// # context: src/app.py
    /// FROM python:3.12-slim
    /// COPY . /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: .dockerignore = .env*\n**/.cache\n
    /// # context: .env.production = DB_PASSWORD=change-me-in-vault\n
    /// # context: src/app.py
    /// # context: src/lib/.cache/x
    /// FROM python:3.12-slim
    /// COPY . /app
    /// ```
    ///
    /// ## Fix
    /// None: remove or correct the pattern (a nested file needs `**/name`).
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// moby/patternmatcher; Chapter 3.2.4.
    pub struct DockerignorePattern {
        code: "SG515",
        name: "dockerignore-pattern",
        severity: Warning,
        section: "3.2.4",
        aliases: [],
        fixable: None,
    }
}

struct Finding {
    message: String,
    help: &'static str,
    related: Vec<Related>,
}

impl Check for DockerignorePattern {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        let Some(ignore) = ctx.ignore_display() else {
            return;
        };
        let at = |line: usize, message: String| Related {
            file: Some(ignore.clone()),
            span: None,
            message: format!("line {line}: {message}"),
        };
        let mut found: Vec<Finding> = Vec::new();
        if let Some(e) = &ctx.ignore_error {
            found.push(Finding {
                message: format!("{e}: BuildKit cannot read it and the build fails"),
                help: "split or remove the long line",
                related: vec![Related {
                    file: Some(ignore.clone()),
                    span: None,
                    message: "cannot be read".into(),
                }],
            });
        }
        // Each pattern on its own: the ones BuildKit refuses, the ones kept for the
        // next checks.
        let mut valid: Vec<(usize, &str, Pattern)> = Vec::new();
        for (line, text) in &ctx.patterns {
            let problem = match Matcher::new([text]) {
                Err(e) => Some(e.to_string()),
                Ok(m) => match m.patterns().first() {
                    Some(p) => match p.is_match("") {
                        Err(e) => Some(e.to_string()),
                        Ok(_) => {
                            valid.push((*line, text.as_str(), p.clone()));
                            None
                        }
                    },
                    None => None,
                },
            };
            if let Some(why) = problem {
                found.push(Finding {
                    message: format!("{ignore} line {line}: `{text}` is not a valid pattern ({why}): the build fails"),
                    help: "escape `[`, `]`, `*`, `?` and `\\` with a backslash, or fix the class",
                    related: vec![at(*line, format!("`{text}`"))],
                });
            }
        }
        if let Some(files) = ctx.files() {
            for (line, text, _) in unmatched(&ctx, files, &valid) {
                found.push(Finding {
                    message: format!("{ignore} line {line}: `{text}` matches nothing in the context"),
                    help: "patterns are anchored at the context root: write `**/name` for a name at any depth, or remove the line",
                    related: vec![at(line, format!("`{text}` matches no file or directory"))],
                });
            }
            found.extend(secrets_brought_back(&ctx, files, &ignore));
        }
        let span = ctx.anchor(cx);
        for f in found {
            let d = cx.report(span, f.message);
            d.set_help(f.help);
            d.related = f.related;
        }
    }
}

/// The valid patterns that match no entry of the context on disk.
fn unmatched<'p>(
    ctx: &BuildContext,
    files: &ContextFiles,
    valid: &'p [(usize, &'p str, Pattern)],
) -> Vec<(usize, &'p str, &'p Pattern)> {
    let mut open: Vec<(usize, &str, &Pattern)> = Vec::new();
    for (line, text, p) in valid {
        if !cheap_match(&ctx.dir, files, p) {
            open.push((*line, text, p));
        }
    }
    if open.is_empty() {
        return open;
    }
    // Everything on disk, ignore file or not.
    let Ok(all) = seguro_context::walk(&ctx.dir, &[] as &[&str]) else {
        return Vec::new();
    };
    open.retain(|(_, _, p)| {
        !all.files
            .iter()
            .map(|f| f.path.as_str())
            .chain(all.dirs.iter().map(String::as_str))
            .any(|path| p.is_match(path).unwrap_or(true))
    });
    open
}

/// Whether a pattern surely matches something, decided without walking the whole tree:
/// an exact path that exists, a `dir/**` whose directory has entries, or an entry the
/// walk already met.
fn cheap_match(dir: &Path, files: &ContextFiles, p: &Pattern) -> bool {
    let text = p.as_str();
    match p.match_type() {
        MatchType::Exact => return dir.join(text).symlink_metadata().is_ok(),
        MatchType::Prefix => {
            if let Some(d) = text.strip_suffix("/**") {
                let d = dir.join(d);
                return d.symlink_metadata().is_ok_and(|m| m.is_dir())
                    && std::fs::read_dir(&d).is_ok_and(|mut r| r.next().is_some());
            }
        }
        _ => {}
    }
    files
        .files
        .iter()
        .map(|f| f.path.as_str())
        .chain(files.dirs.iter().map(String::as_str))
        .chain(files.pruned.iter().map(String::as_str))
        .any(|path| p.is_match(path).unwrap_or(true))
}

/// Secrets that an exception brings back, one finding per exception.
fn secrets_brought_back(ctx: &BuildContext, files: &ContextFiles, ignore: &str) -> Vec<Finding> {
    let m = files.matcher();
    if !m.exclusions() {
        return Vec::new();
    }
    let mut by_pattern: Vec<(usize, Vec<&str>)> = Vec::new();
    for f in files.files.iter().filter(|f| f.kind == FileKind::File) {
        let Ok(Some(i)) = m.deciding_pattern(&f.path) else {
            continue;
        };
        if !m.patterns()[i].is_exclusion() {
            continue;
        }
        match by_pattern.iter_mut().find(|(j, _)| *j == i) {
            Some((_, v)) => v.push(&f.path),
            None => by_pattern.push((i, vec![&f.path])),
        }
    }
    let mut out = Vec::new();
    for (i, paths) in by_pattern {
        let secrets = ctx.secrets_among(paths);
        if secrets.is_empty() {
            continue;
        }
        let Some((line, text)) = ctx.patterns.get(i) else {
            continue;
        };
        let names: Vec<&str> = secrets.iter().map(|s| s.path.as_str()).collect();
        let mut related = vec![Related {
            file: Some(ignore.to_string()),
            span: None,
            message: format!("line {line}: `{text}`"),
        }];
        related.extend(
            secrets
                .iter()
                .map(|s| ctx.related(&s.path, s.description())),
        );
        out.push(Finding {
            message: format!(
                "{ignore} line {line}: `{text}` brings back what an earlier pattern kept out, including {}: {}",
                if secrets.len() == 1 { "a secret" } else { "secrets" },
                name_list(&names, 5)
            ),
            help: "narrow the exception so that it re-includes only what the image needs",
            related,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::rules::sg5::test_context::{Ctx, related_files};

    const CODE: &str = "SG515";
    const DF: &str = "FROM alpine\nCOPY . /app\n";

    fn messages(t: &Ctx, ignore: &str) -> Vec<String> {
        std::fs::write(t.root.join(".dockerignore"), ignore).expect("write");
        t.lint(CODE, DF).into_iter().map(|d| d.message).collect()
    }

    fn private_key() -> String {
        let body = "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oZtv8uCTx0ZWoAoGCCqGSM49".repeat(3);
        format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n")
    }

    fn tree(tag: &str) -> Ctx {
        Ctx::new(tag)
            .file("app/main.py", "")
            .file("app/.env", "A=1")
            .file("logs/a.log", "")
            .file("node_modules/x/index.js", "")
            .file("secrets/dev.key", "k")
            .file("secrets/prod.key", &private_key())
            .file("secrets/notes.txt", "")
            .file("my docs/[draft] *.md", "")
    }

    #[test]
    fn invalid_patterns() {
        let t = tree("sg515-invalid");
        let m = messages(&t, "node_modules\n[a-\n!\n");
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(
            m[0].contains("line 2: `[a-` is not a valid pattern"),
            "{}",
            m[0]
        );
        assert!(
            m[1].contains("line 3: `!` is not a valid pattern"),
            "{}",
            m[1]
        );
        // Go's filepath.Match accepts it, Go's regexp engine does not.
        let m = messages(&t, "[Local-Only]\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("not a valid pattern"), "{}", m[0]);
        // A line too long for BuildKit's reader.
        let m = messages(&t, &"a".repeat(70_000));
        assert!(m[0].contains("failed parsing"), "{m:?}");
    }

    #[test]
    fn patterns_that_match_nothing() {
        let t = tree("sg515-nothing");
        let m = messages(
            &t,
            "# anchored at the root: `.env` is not `app/.env`\n.env\n**/.env\nnode_modules\nlogs/**\n*.log\n**/*.log\n!app/missing.py\nmy docs/\\[draft\\] \\*.md\n",
        );
        assert_eq!(m.len(), 3, "{m:?}");
        assert!(m[0].contains("line 2: `.env` matches nothing"), "{}", m[0]);
        assert!(m[1].contains("line 6: `*.log` matches nothing"), "{}", m[1]);
        assert!(
            m[2].contains("line 8: `!app/missing.py` matches nothing"),
            "{}",
            m[2]
        );
    }

    #[test]
    fn exceptions_that_bring_back_a_secret() {
        let t = tree("sg515-bang");
        std::fs::write(
            t.root.join(".dockerignore"),
            "secrets\n!secrets/prod.key\n!secrets/notes.txt\n**/.env\n",
        )
        .expect("write");
        let found = t.fail(CODE, DF);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.contains("line 2: `!secrets/prod.key`"),
            "{}",
            found[0].message
        );
        assert_eq!(
            related_files(&found),
            [t.shown(".dockerignore"), t.shown("secrets/prod.key")]
        );
        // An exception that re-includes only harmless files is fine.
        let m = messages(&t, "secrets\n!secrets/notes.txt\n");
        assert!(m.is_empty(), "{m:?}");
        // A glob exception reaching a `.env` at any depth.
        let m = messages(&t, "**/.env\n!app/*\n");
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].contains("`app/.env`"), "{}", m[0]);
    }

    #[test]
    fn per_dockerfile_ignore_file() {
        let t = tree("sg515-own").file("ci.Dockerfile.dockerignore", "nothing-here\n");
        let found = t.lint_file(CODE, "ci.Dockerfile", DF, "");
        assert_eq!(
            related_files(&found),
            [t.shown("ci.Dockerfile.dockerignore")]
        );
        // The context's .dockerignore is not read for that Dockerfile.
        std::fs::write(t.root.join(".dockerignore"), "also-nothing\n").expect("write");
        let found = t.lint_file(CODE, "ci.Dockerfile", DF, "");
        assert_eq!(found.len(), 1);
    }

    #[test]
    fn quiet() {
        let t = tree("sg515-quiet");
        let m = messages(
            &t,
            "# comment\n\nnode_modules\n**/.env\nlogs\nsecrets\n!secrets/notes.txt\nmy docs\n",
        );
        assert!(m.is_empty(), "{m:?}");
        // No ignore file, no finding.
        let t = Ctx::new("sg515-none").file("a", "");
        t.pass(CODE, DF);
        crate::rules::test_support::pass(CODE, &[DF]);
    }
}
