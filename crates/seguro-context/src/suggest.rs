//! A suggested `.dockerignore`: keeps out what has no business in an image (version
//! control, secrets, installed dependencies, build outputs, logs, editor files) without
//! excluding anything a `COPY`/`ADD` names.
//!
//! # How it decides
//! - It starts from the ignore file in use (its lines are kept as they are) and adds
//!   patterns only for what the context still sends: a pattern that matches nothing would
//!   itself be a finding (SG515).
//! - Directory and file names are matched at any depth (`node_modules`, or
//!   `**/node_modules` when one is nested); build-output directories need evidence beside
//!   them (`target` next to `Cargo.toml` or `pom.xml`, `dist` next to `package.json`, …)
//!   and are then listed by path. Secrets are listed by exact path (escaped).
//! - What a source names is protected: a literal source's path, each entry a wildcard
//!   source matches (not for a bare `*`, which is the whole context), the target of a
//!   symlink source. Files reached only through a directory source (`COPY . .`,
//!   `COPY app/ /app`) are not protected: keeping them out is the point. When a new
//!   pattern would exclude a protected path, an exception (`!path`) brings it back; a
//!   secret a source names is left in, with a comment.
//! - The result is checked by walking the context with it and resolving every source
//!   again: no source may fail that did not fail before, and every protected path must
//!   still be taken.

use std::collections::BTreeSet;
use std::path::Path;

use crate::copy::resolve_sources;
use crate::ignorefile;
use crate::matcher::Matcher;
use crate::secrets::{self, SecretFile};
use crate::walk::{ContextFiles, WalkError, is_excluded_by, walk};

/// The context sources of one `COPY`/`ADD`, expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySpec {
    /// 1-based line of the instruction (for comments).
    pub line: usize,
    /// The source arguments after variable expansion.
    pub sources: Vec<String>,
    /// `--exclude` values.
    pub excludes: Vec<String>,
    /// `--parents`.
    pub parents: bool,
}

/// One group of added patterns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// What the patterns keep out ("Version control").
    pub title: &'static str,
    /// The patterns, in order.
    pub patterns: Vec<String>,
}

/// A suggested ignore file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The ignore file the suggestion starts from.
    pub existing: Option<String>,
    /// Patterns added, grouped.
    pub groups: Vec<Group>,
    /// Secrets left in because a source names them: (path, description, line of the
    /// instruction).
    pub kept_secrets: Vec<(String, String, usize)>,
    /// The whole file.
    pub text: String,
}

struct Candidate {
    title: &'static str,
    names: &'static [&'static str],
    /// File-name globs (`*.log`), matched against the last path element.
    globs: &'static [&'static str],
    /// Directory names only kept out with a sibling file among these.
    evidence: &'static [&'static str],
}

const CANDIDATES: &[Candidate] = &[
    Candidate {
        title: "Version control",
        names: &[".git", ".hg", ".svn", ".bzr"],
        globs: &[],
        evidence: &[],
    },
    Candidate {
        title: "Installed dependencies and tool caches",
        names: &[
            "node_modules",
            "bower_components",
            ".venv",
            "__pycache__",
            ".tox",
            ".nox",
            ".pytest_cache",
            ".mypy_cache",
            ".ruff_cache",
            ".gradle",
            ".terraform",
        ],
        globs: &["*.pyc"],
        evidence: &[],
    },
    Candidate {
        title: "Build outputs",
        names: &[
            ".next",
            ".nuxt",
            ".svelte-kit",
            "coverage",
            "htmlcov",
            ".cache",
        ],
        globs: &[],
        evidence: &[],
    },
    Candidate {
        title: "Build outputs",
        names: &["target"],
        globs: &[],
        evidence: &["Cargo.toml", "pom.xml"],
    },
    Candidate {
        title: "Build outputs",
        names: &["dist"],
        globs: &[],
        evidence: &["package.json", "pyproject.toml", "setup.py"],
    },
    Candidate {
        title: "Build outputs",
        names: &["build"],
        globs: &[],
        evidence: &[
            "build.gradle",
            "build.gradle.kts",
            "setup.py",
            "pyproject.toml",
        ],
    },
    Candidate {
        title: "Build outputs",
        names: &["venv"],
        globs: &[],
        evidence: &[],
    },
    Candidate {
        title: "Logs",
        names: &[],
        globs: &["*.log"],
        evidence: &[],
    },
    Candidate {
        title: "Editor and OS files",
        names: &[".idea", ".vscode", ".DS_Store", "Thumbs.db"],
        globs: &["*.swp", "*.swo", "*~"],
        evidence: &[],
    },
];

/// Escapes a context path so that a `.dockerignore` line matches exactly it: glob and
/// regexp characters get a backslash, as does a leading `!` or `#`; trailing
/// whitespace (which the reader trims) becomes `?`.
///
/// ```
/// use seguro_context::suggest::escape_pattern;
/// assert_eq!(escape_pattern("a [b]/c*.txt"), "a \\[b\\]/c\\*.txt");
/// assert_eq!(escape_pattern("!important"), "\\!important");
/// ```
pub fn escape_pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    let trimmed = path.trim_end();
    for (i, c) in trimmed.chars().enumerate() {
        match c {
            '*' | '?' | '[' | ']' | '\\' | '^' => {
                out.push('\\');
                out.push(c);
            }
            '!' | '#' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            ' ' | '\t' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    for _ in trimmed.len()..path.len() {
        out.push('?');
    }
    out
}

fn base_name(p: &str) -> &str {
    p.rsplit('/').next().unwrap_or(p)
}

fn parent(p: &str) -> &str {
    p.rfind('/').map_or("", |i| &p[..i])
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

/// The paths a spec's sources name (see the module docs), resolved against `files`.
fn protected_paths(files: &ContextFiles, copies: &[CopySpec]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for spec in copies {
        let r = resolve_sources(files, &spec.sources, &spec.excludes, spec.parents);
        for s in &r.sources {
            if s.remote {
                continue;
            }
            if spec.parents {
                out.extend(s.files.iter().cloned());
                continue;
            }
            // The whole context, or every top-level entry of it.
            if s.path.is_empty() || s.path == "*" {
                continue;
            }
            for named in &s.named {
                out.insert(named.clone());
                // A symlink source brings its target.
                if files
                    .get(named)
                    .is_some_and(|f| f.kind == crate::walk::FileKind::Symlink)
                {
                    out.extend(s.files.iter().cloned());
                }
            }
        }
    }
    out
}

fn is_match(glob: &str, name: &str) -> bool {
    crate::gopath::filepath_match(glob, name).unwrap_or(false)
}

/// Patterns of the non-secret categories for what `files` sends, by group title.
fn category_patterns(files: &ContextFiles) -> Vec<(&'static str, Vec<String>)> {
    let mut groups: Vec<(&'static str, Vec<String>)> = Vec::new();
    let sent_file = |p: &str| files.get(p).is_some();
    for c in CANDIDATES {
        let mut pats: Vec<String> = Vec::new();
        for name in c.names {
            let hits: Vec<&str> = files
                .dirs
                .iter()
                .map(String::as_str)
                .chain(files.files.iter().map(|f| f.path.as_str()))
                .filter(|p| base_name(p) == *name)
                .filter(|p| {
                    c.evidence.is_empty()
                        || c.evidence.iter().any(|e| sent_file(&join(parent(p), e)))
                })
                .filter(|p| *name != "venv" || sent_file(&join(p, "pyvenv.cfg")))
                .collect();
            if hits.is_empty() {
                continue;
            }
            if !c.evidence.is_empty() {
                // Keep only the outermost occurrences.
                let mut outer: Vec<&str> = Vec::new();
                for h in hits {
                    if !outer.iter().any(|o| h.starts_with(&format!("{o}/"))) {
                        outer.push(h);
                    }
                }
                pats.extend(outer.into_iter().map(escape_pattern));
            } else if hits.iter().all(|h| !h.contains('/')) {
                pats.push((*name).to_string());
            } else {
                pats.push(format!("**/{name}"));
            }
        }
        for glob in c.globs {
            let hits: Vec<&str> = files
                .files
                .iter()
                .map(|f| f.path.as_str())
                .filter(|p| is_match(glob, base_name(p)))
                .collect();
            if hits.is_empty() {
                continue;
            }
            if hits.iter().all(|h| !h.contains('/')) {
                pats.push((*glob).to_string());
            } else {
                pats.push(format!("**/{glob}"));
            }
        }
        if pats.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(t, _)| *t == c.title) {
            Some((_, v)) => v.extend(pats),
            None => groups.push((c.title, pats)),
        }
    }
    groups
}

fn matcher_of(lines: &[String]) -> Result<Matcher, WalkError> {
    Ok(Matcher::new(lines)?)
}

/// Whether any protected path is left out by `patterns`.
fn breaks(patterns: &[String], protected: &BTreeSet<String>) -> Result<Vec<String>, WalkError> {
    let m = matcher_of(patterns)?;
    let mut out = Vec::new();
    for p in protected {
        if is_excluded_by(&m, p)? {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Suggests an ignore file for a context, starting from `existing` (the text of the
/// ignore file in use, if any), for a Dockerfile whose context sources are `copies`.
///
/// Fails when the context cannot be walked (or the existing file has a bad pattern).
pub fn suggest(
    context: &Path,
    existing: Option<&str>,
    copies: &[CopySpec],
) -> Result<Suggestion, WalkError> {
    let base: Vec<String> = existing.map(ignorefile::read).unwrap_or_default();
    let current = walk(context, &base)?;
    let protected = protected_paths(&current, copies);

    let mut lines = base.clone();
    let mut groups: Vec<Group> = Vec::new();
    let mut exceptions: Vec<String> = Vec::new();
    for (title, pats) in category_patterns(&current) {
        let mut kept = Vec::new();
        for pat in pats {
            let mut trial = lines.clone();
            trial.push(pat.clone());
            trial.extend(exceptions.iter().cloned());
            let broken = breaks(&trial, &protected)?;
            let mut extra: Vec<String> = Vec::new();
            // A directory a source names stays whole: no pattern over it.
            if broken.iter().any(|p| current.has_dir(p)) {
                continue;
            }
            if !broken.is_empty() {
                extra = broken
                    .iter()
                    .map(|p| format!("!{}", escape_pattern(p)))
                    .collect();
                trial.extend(extra.iter().cloned());
                if !breaks(&trial, &protected)?.is_empty() {
                    continue;
                }
            }
            // It must keep out something still sent.
            let before = matcher_of(&[lines.clone(), exceptions.clone()].concat())?;
            let after = matcher_of(&trial)?;
            let keeps_out = current.files.iter().any(|f| {
                is_excluded_by(&after, &f.path).unwrap_or(false)
                    && !is_excluded_by(&before, &f.path).unwrap_or(true)
            });
            if !keeps_out {
                continue;
            }
            lines.push(pat.clone());
            exceptions.extend(extra);
            kept.push(pat);
        }
        if kept.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|g| g.title == title) {
            Some(g) => g.patterns.extend(kept),
            None => groups.push(Group {
                title,
                patterns: kept,
            }),
        }
    }

    // Secrets still sent once the categories above are out.
    let after: Matcher = matcher_of(&[lines.clone(), exceptions.clone()].concat())?;
    let still_sent: Vec<&str> = current
        .files
        .iter()
        .map(|f| f.path.as_str())
        .filter(|p| !is_excluded_by(&after, p).unwrap_or(true))
        .collect();
    let found: Vec<SecretFile> =
        secrets::find_secrets(&current, still_sent, secrets::DEFAULT_MAX_BYTES);
    let mut secret_pats = Vec::new();
    let mut kept_secrets = Vec::new();
    for s in found {
        if protected.contains(&s.path) {
            let line = copies
                .iter()
                .find(|c| {
                    let r = resolve_sources(&current, &c.sources, &c.excludes, c.parents);
                    r.sources.iter().any(|m| m.named.contains(&s.path))
                })
                .map_or(0, |c| c.line);
            kept_secrets.push((s.path.clone(), s.description(), line));
            continue;
        }
        secret_pats.push(escape_pattern(&s.path));
    }
    if !secret_pats.is_empty() {
        lines.extend(secret_pats.iter().cloned());
        let at = usize::from(groups.first().is_some_and(|g| g.title == "Version control"));
        groups.insert(
            at,
            Group {
                title: "Secrets (pass them with RUN --mount=type=secret instead)",
                patterns: secret_pats,
            },
        );
    }
    if !exceptions.is_empty() {
        groups.push(Group {
            title: "Copied by the Dockerfile: brought back",
            patterns: exceptions.clone(),
        });
    }

    // Check the result as BuildKit would use it.
    let all: Vec<String> = [lines, exceptions].concat();
    if !verify(context, &current, &all, copies, &protected)? {
        groups.clear();
    }
    let text = render(existing, &groups, &kept_secrets);
    Ok(Suggestion {
        existing: existing.map(str::to_string),
        groups,
        kept_secrets,
        text,
    })
}

/// Walks with the suggested patterns and resolves every source again: nothing may fail
/// that did not, and every protected path must still be taken.
fn verify(
    context: &Path,
    before: &ContextFiles,
    patterns: &[String],
    copies: &[CopySpec],
    protected: &BTreeSet<String>,
) -> Result<bool, WalkError> {
    let after = walk(context, patterns)?;
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for spec in copies {
        let old = resolve_sources(before, &spec.sources, &spec.excludes, spec.parents);
        let new = resolve_sources(&after, &spec.sources, &spec.excludes, spec.parents);
        for (o, n) in old.sources.iter().zip(&new.sources) {
            if o.error.is_none() && n.error.is_some() {
                return Ok(false);
            }
            taken.extend(n.named.iter().cloned());
            taken.extend(n.files.iter().cloned());
        }
    }
    Ok(protected.iter().all(|p| taken.contains(p)))
}

fn render(
    existing: Option<&str>,
    groups: &[Group],
    kept_secrets: &[(String, String, usize)],
) -> String {
    let existing = existing.filter(|t| !t.trim().is_empty());
    let mut out = String::new();
    match existing {
        Some(text) => {
            out.push_str(text.trim_end());
            out.push('\n');
            if !groups.is_empty() {
                out.push_str("\n# Added by seguro\n");
            }
        }
        None => out.push_str("# .dockerignore suggested by seguro\n"),
    }
    for g in groups {
        out.push_str(&format!("\n# {}\n", g.title));
        for p in &g.patterns {
            out.push_str(p);
            out.push('\n');
        }
    }
    let notes: Vec<String> = kept_secrets
        .iter()
        .map(|(path, what, line)| format!("#   {path}: {what} (line {line})"))
        .filter(|n| !existing.is_some_and(|t| t.lines().any(|l| l == n)))
        .collect();
    if !notes.is_empty() {
        out.push_str(
            "\n# Secrets left in: a COPY/ADD names them (pass them with RUN --mount=type=secret instead)\n",
        );
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    if existing.is_none() && groups.is_empty() && kept_secrets.is_empty() {
        out.push_str("\n# Nothing to add: the context sends nothing that should stay out.\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_round_trips() {
        for name in [
            "a b.txt",
            "x[1].txt",
            "star*.md",
            "q?.md",
            "back\\slash",
            "!bang",
            "#hash",
            "caret^x",
            "dollar$.txt",
            "paren(1).txt",
            "brace{a,b}",
            "pipe|x",
            "plus+x",
            " lead",
            "dir/sub [x]/f",
        ] {
            let pat = escape_pattern(name);
            let lines = ignorefile::read(&pat);
            let m = Matcher::new(&lines).expect("valid pattern");
            assert!(
                m.matches_or_parent_matches(name).expect("evaluates"),
                "{name:?} as {pat:?}"
            );
            assert!(
                !m.matches_or_parent_matches("other").expect("evaluates"),
                "{pat:?} matches other"
            );
        }
    }

    #[test]
    fn trailing_space() {
        let pat = escape_pattern("trail ");
        assert_eq!(pat, "trail?");
        let m = Matcher::new(ignorefile::read(&pat)).expect("valid");
        assert!(m.matches_or_parent_matches("trail ").expect("ok"));
    }
}
