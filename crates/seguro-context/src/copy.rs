//! Which context files a `COPY`/`ADD` source takes, resolved as BuildKit's file operation
//! does on the context it received.
//!
//! # How BuildKit resolves a source
//! - The source is made absolute and cleaned (`path.Join("/", src)`): `.`, `./` and `..`
//!   all name the whole context.
//! - It is split at the first path element holding a wildcard (`*`, `?`, `[`; `\`
//!   escapes). Without one, the path itself is copied: it must exist, else the build fails
//!   ("not found").
//! - With one, the part before it (the base) is resolved, following symlinks inside the
//!   context; it must exist, else the build fails (`lstat …: no such file or directory`).
//!   The tree below the base is walked in name order without following symlinks, and
//!   every entry whose path relative to the base matches the rest with Go's
//!   `filepath.Match` is taken; a matching directory is not descended into. Matching
//!   nothing is not an error (the Dockerfile frontend allows empty wildcards).
//! - Each path taken is resolved again following symlinks (a dangling one fails the
//!   build). A directory brings every entry below it (inner symlinks stay links); any
//!   other entry brings itself.
//! - `--exclude` patterns ([`Matcher`] semantics, incremental as in the context walk) are
//!   tested against paths relative to each path taken, so they filter what lies below a
//!   directory source, never the source itself.
//! - `--parents`: the source is cut at its first `/./` (or taken whole, from the context
//!   root); the part after is an include pattern tested the same way below the part
//!   before.

use std::collections::HashMap;

use crate::gopath;
use crate::matcher::{MatchInfo, Matcher, PatternError};
use crate::walk::{ContextFiles, FileKind};

/// Why BuildKit would fail a build on a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceError {
    /// A source without wildcards that is not in the context.
    NotFound {
        /// The context path looked for.
        path: String,
    },
    /// The directory before the first wildcard is not in the context.
    WildcardBaseNotFound {
        /// The context path of that directory.
        base: String,
    },
    /// A path taken is a symlink whose target is not in the context.
    DanglingSymlink {
        /// The context path of the link.
        path: String,
    },
    /// Following symlinks took more than 255 steps.
    TooManySymlinks {
        /// The context path being resolved.
        path: String,
    },
    /// An `--exclude` or `--parents` pattern is invalid.
    Pattern(PatternError),
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SourceError::NotFound { path } => write!(f, "\"/{path}\": not found"),
            SourceError::WildcardBaseNotFound { base } => {
                write!(f, "lstat /{base}: no such file or directory")
            }
            SourceError::DanglingSymlink { path } => {
                write!(f, "\"/{path}\": symlink target not found")
            }
            SourceError::TooManySymlinks { path } => write!(f, "\"/{path}\": too many links"),
            SourceError::Pattern(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SourceError {}

/// How a source relates to `.dockerignore`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IgnoreCheck {
    /// The source, or the directory before its first wildcard, exists on disk but is
    /// left out of the context: the build fails on it.
    pub excluded_by_dockerignore: bool,
    /// BuildKit's `CopyIgnoredFile` check fires: the ignore file has no `!` exception and
    /// the cleaned source text, taken as a path, is excluded (`MatchesOrParentMatches`).
    pub lint_copy_ignored_file: bool,
}

/// What one source takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceMatch {
    /// The source as written.
    pub source: String,
    /// The context path it names, cleaned, without a leading `/` (`""` is the whole
    /// context); with `--parents`, the part before `/./`.
    pub path: String,
    /// Whether the source holds a wildcard.
    pub wildcard: bool,
    /// A URL or git source: nothing is taken from the context.
    pub remote: bool,
    /// The context entries whose content the source copies, sorted. A symlink named by
    /// the source (or matched by its wildcard) is followed and its target listed; links
    /// met below a directory are listed as themselves.
    pub files: Vec<String>,
    /// The context entries the source names, before directories are expanded and
    /// symlinks followed: the path itself, or each wildcard match (in walk order). Only
    /// entries present in the context are listed.
    pub named: Vec<String>,
    /// The error BuildKit raises for this source, if any.
    pub error: Option<SourceError>,
    /// The `.dockerignore` findings.
    pub dockerignore: IgnoreCheck,
}

/// The resolution of every source of one instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// One entry per source, in order.
    pub sources: Vec<SourceMatch>,
}

impl Resolved {
    /// Every context file taken by any source, sorted and deduplicated.
    pub fn files(&self) -> Vec<&str> {
        let mut all: Vec<&str> = self
            .sources
            .iter()
            .flat_map(|s| s.files.iter().map(String::as_str))
            .collect();
        all.sort_unstable();
        all.dedup();
        all
    }

    /// The first error BuildKit would stop on.
    pub fn error(&self) -> Option<&SourceError> {
        self.sources.iter().find_map(|s| s.error.as_ref())
    }
}

#[derive(Debug)]
enum Node {
    Dir(Vec<String>),
    Leaf,
    Link(String),
}

/// A cheap test before `filepath.Match`: the literal text before the first and after the
/// last wildcard must be there (skipped for patterns with escapes).
struct QuickReject<'p> {
    prefix: &'p str,
    suffix: &'p str,
    /// Number of `/`-separated segments of the pattern.
    segments: usize,
}

impl<'p> QuickReject<'p> {
    fn new(pattern: &'p str) -> Self {
        let segments = pattern.matches('/').count() + 1;
        let meta = |c: char| matches!(c, '*' | '?' | '[' | ']' | '\\');
        if pattern.contains('\\') {
            return QuickReject {
                prefix: "",
                suffix: "",
                segments,
            };
        }
        let first = pattern.find(meta).unwrap_or(pattern.len());
        let last = pattern.rfind(meta).map_or(pattern.len(), |i| i + 1);
        QuickReject {
            prefix: &pattern[..first],
            suffix: if last <= first { "" } else { &pattern[last..] },
            segments,
        }
    }

    fn may_match(&self, name: &str) -> bool {
        name.len() >= self.prefix.len() + self.suffix.len()
            && name.starts_with(self.prefix)
            && name.ends_with(self.suffix)
    }
}

/// The context as the builder sees it after the transfer.
#[derive(Debug)]
pub(crate) struct Tree {
    nodes: HashMap<String, Node>,
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}/{b}")
    }
}

fn parent_and_name(p: &str) -> (&str, &str) {
    match p.rfind('/') {
        Some(i) => (&p[..i], &p[i + 1..]),
        None => ("", p),
    }
}

impl Tree {
    pub(crate) fn new(files: &ContextFiles) -> Tree {
        let mut t = Tree {
            nodes: HashMap::new(),
        };
        t.nodes.insert(String::new(), Node::Dir(Vec::new()));
        for d in &files.dirs {
            t.add(d, Node::Dir(Vec::new()));
        }
        for f in &files.files {
            let node = match (&f.kind, &f.link_target) {
                (FileKind::Symlink, Some(target)) => Node::Link(target.clone()),
                _ => Node::Leaf,
            };
            t.add(&f.path, node);
        }
        for node in t.nodes.values_mut() {
            if let Node::Dir(children) = node {
                children.sort_unstable();
            }
        }
        t
    }

    fn add(&mut self, path: &str, node: Node) {
        if self.nodes.contains_key(path) {
            return;
        }
        let (parent, name) = parent_and_name(path);
        if !self.nodes.contains_key(parent) {
            self.add(parent, Node::Dir(Vec::new()));
        }
        if let Some(Node::Dir(children)) = self.nodes.get_mut(parent) {
            children.push(name.to_string());
        }
        self.nodes.insert(path.to_string(), node);
    }

    /// Resolves a clean context path, following symlinks inside the context (absolute
    /// targets are taken from the context root, `..` stops at it), as BuildKit's
    /// `RootPath` does. Missing elements are kept as they are.
    fn resolve(&self, path: &str, follow_last: bool) -> Option<String> {
        let mut comps: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect();
        let mut links = 0;
        'restart: loop {
            let mut cur = String::new();
            for i in 0..comps.len() {
                let next = join(&cur, &comps[i]);
                let last = i + 1 == comps.len();
                if (!last || follow_last)
                    && let Some(Node::Link(target)) = self.nodes.get(&next)
                {
                    links += 1;
                    if links > 255 {
                        return None;
                    }
                    let base = if target.starts_with('/') {
                        ""
                    } else {
                        cur.as_str()
                    };
                    let joined = gopath::clean(&format!("/{base}/{target}"));
                    let mut new: Vec<String> = joined
                        .split('/')
                        .filter(|c| !c.is_empty())
                        .map(str::to_string)
                        .collect();
                    new.extend(comps[i + 1..].iter().cloned());
                    comps = new;
                    continue 'restart;
                }
                cur = next;
            }
            return Some(cur);
        }
    }

    /// Entries below `dir` whose path relative to it matches `pattern`
    /// (`filepath.Match`), in walk order, not descending into matched directories.
    fn wildcard(&self, dir: &str, rel: &str, pattern: &str, out: &mut Vec<String>) {
        let quick = QuickReject::new(pattern);
        self.wildcard_in(dir, rel, pattern, &quick, out);
    }

    fn wildcard_in(
        &self,
        dir: &str,
        rel: &str,
        pattern: &str,
        quick: &QuickReject<'_>,
        out: &mut Vec<String>,
    ) {
        let Some(Node::Dir(children)) = self.nodes.get(dir) else {
            return;
        };
        // `*`, `?` and classes never match `/`: a pattern of N segments only matches
        // paths of N segments, so deeper directories need no visit.
        let depth = if rel.is_empty() {
            1
        } else {
            rel.matches('/').count() + 2
        };
        for name in children {
            let p = join(dir, name);
            let r = join(rel, name);
            if quick.may_match(&r) && gopath::filepath_match(pattern, &r).unwrap_or(false) {
                out.push(p);
                continue;
            }
            if depth < quick.segments && matches!(self.nodes.get(&p), Some(Node::Dir(_))) {
                self.wildcard_in(&p, &r, pattern, quick, out);
            }
        }
    }

    /// Everything a copy rooted at `root` takes, filtered by include and exclude
    /// patterns relative to `root`.
    fn collect(
        &self,
        root: &str,
        include: Option<&Matcher>,
        exclude: Option<&Matcher>,
        out: &mut Vec<String>,
    ) -> Result<(), PatternError> {
        match self.nodes.get(root) {
            Some(Node::Dir(_)) => self.collect_dir(
                root,
                "",
                include,
                &MatchInfo::default(),
                exclude,
                &MatchInfo::default(),
                out,
            ),
            Some(_) => {
                out.push(root.to_string());
                Ok(())
            }
            None => Ok(()),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn collect_dir(
        &self,
        dir: &str,
        rel: &str,
        include: Option<&Matcher>,
        inc_info: &MatchInfo,
        exclude: Option<&Matcher>,
        exc_info: &MatchInfo,
        out: &mut Vec<String>,
    ) -> Result<(), PatternError> {
        let Some(Node::Dir(children)) = self.nodes.get(dir) else {
            return Ok(());
        };
        for name in children {
            let p = join(dir, name);
            let r = join(rel, name);
            let (inc, inc_next) = match include {
                Some(m) => m.matches_using_parent_results(&r, inc_info)?,
                None => (true, MatchInfo::default()),
            };
            let (exc, exc_next) = match exclude {
                Some(m) => m.matches_using_parent_results(&r, exc_info)?,
                None => (false, MatchInfo::default()),
            };
            if matches!(self.nodes.get(&p), Some(Node::Dir(_))) {
                self.collect_dir(&p, &r, include, &inc_next, exclude, &exc_next, out)?;
            } else if inc && !exc {
                out.push(p);
            }
        }
        Ok(())
    }
}

/// Whether one path element holds a wildcard (`\` escapes the next byte).
fn has_wildcard(elem: &str) -> bool {
    let b = elem.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'*' | b'?' | b'[' => return true,
            _ => {}
        }
        i += 1;
    }
    false
}

/// Splits a clean context path before its first element with a wildcard.
fn split_wildcards(path: &str) -> (String, String) {
    let mut base = Vec::new();
    let mut rest = Vec::new();
    for elem in path.split('/').filter(|e| !e.is_empty()) {
        if rest.is_empty() && !has_wildcard(elem) {
            base.push(elem);
        } else {
            rest.push(elem);
        }
    }
    (base.join("/"), rest.join("/"))
}

/// A source's context path: `path.Join("/", src)` without the leading `/`.
fn context_path(src: &str) -> String {
    let abs = gopath::clean(&format!("/{src}"));
    abs.trim_start_matches('/').to_string()
}

fn is_remote(src: &str) -> bool {
    ["http://", "https://", "git://", "git@", "ssh://"]
        .iter()
        .any(|p| src.starts_with(p))
}

/// Resolves the sources of one `COPY`/`ADD` from the build context.
///
/// `sources` are the source arguments after variable expansion, `excludes` the
/// `--exclude` values, `parents` whether `--parents` is set. Every source gets a
/// [`SourceMatch`]; an error in one does not stop the others.
pub fn resolve_sources<S: AsRef<str>, E: AsRef<str>>(
    files: &ContextFiles,
    sources: &[S],
    excludes: &[E],
    parents: bool,
) -> Resolved {
    let tree = files.copy_index();
    let exclude = if excludes.is_empty() {
        Ok(None)
    } else {
        Matcher::new(excludes).map(Some)
    };
    let mut out = Vec::with_capacity(sources.len());
    for src in sources {
        let src = src.as_ref();
        out.push(resolve_one(tree, files, src, exclude.as_ref(), parents));
    }
    Resolved { sources: out }
}

fn lint_flag(files: &ContextFiles, src: &str) -> bool {
    let m = files.matcher();
    if m.is_empty() || m.exclusions() {
        return false;
    }
    m.matches_or_parent_matches(&gopath::clean(src))
        .unwrap_or(false)
}

/// Whether a context path is missing from the transfer because `.dockerignore` left it
/// out while it exists on disk.
fn left_out(files: &ContextFiles, path: &str) -> bool {
    !path.is_empty()
        && files.root.join(path).symlink_metadata().is_ok()
        && files.is_excluded(path).unwrap_or(false)
}

fn resolve_one(
    tree: &Tree,
    files: &ContextFiles,
    src: &str,
    exclude: Result<&Option<Matcher>, &PatternError>,
    parents: bool,
) -> SourceMatch {
    let mut m = SourceMatch {
        source: src.to_string(),
        path: String::new(),
        wildcard: false,
        remote: is_remote(src),
        files: Vec::new(),
        named: Vec::new(),
        error: None,
        dockerignore: IgnoreCheck {
            excluded_by_dockerignore: false,
            lint_copy_ignored_file: lint_flag(files, src),
        },
    };
    if m.remote {
        return m;
    }
    let exclude = match exclude {
        Ok(e) => e.as_ref(),
        Err(e) => {
            m.error = Some(SourceError::Pattern(e.clone()));
            return m;
        }
    };
    let (root_src, include_pattern) = if parents {
        match src.split_once("/./") {
            Some((parent, pattern)) => (parent.to_string(), Some(context_path(pattern))),
            None => ("/".to_string(), Some(context_path(src))),
        }
    } else {
        (src.to_string(), None)
    };
    // An empty include pattern (`COPY --parents . …`) filters nothing.
    let include = match include_pattern.filter(|p| !p.is_empty()) {
        Some(p) => match Matcher::new([p]) {
            Ok(matcher) => Some(matcher),
            Err(e) => {
                m.error = Some(SourceError::Pattern(e));
                return m;
            }
        },
        None => None,
    };
    m.path = context_path(&root_src);
    let (base, pattern) = split_wildcards(&m.path);
    m.wildcard = !pattern.is_empty();

    let taken: Vec<String> = if pattern.is_empty() {
        vec![m.path.clone()]
    } else {
        let Some(resolved) = tree.resolve(&base, true) else {
            m.error = Some(SourceError::TooManySymlinks { path: base });
            return m;
        };
        if !tree.nodes.contains_key(&resolved) {
            m.dockerignore.excluded_by_dockerignore = left_out(files, &base);
            m.error = Some(SourceError::WildcardBaseNotFound { base });
            return m;
        }
        let mut found = Vec::new();
        tree.wildcard(&resolved, "", &pattern, &mut found);
        found
    };

    let mut out = Vec::new();
    for path in taken {
        let Some(target) = tree.resolve(&path, true) else {
            m.error.get_or_insert(SourceError::TooManySymlinks { path });
            continue;
        };
        if !tree.nodes.contains_key(&target) {
            let literal = !m.wildcard && target == path;
            if literal {
                m.dockerignore.excluded_by_dockerignore = left_out(files, &path);
                m.error.get_or_insert(SourceError::NotFound { path });
            } else {
                m.error.get_or_insert(SourceError::DanglingSymlink { path });
            }
            continue;
        }
        if let Err(e) = tree.collect(&target, include.as_ref(), exclude, &mut out) {
            m.error.get_or_insert(SourceError::Pattern(e));
        }
        m.named.push(path);
    }
    out.sort_unstable();
    out.dedup();
    m.files = out;
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split() {
        assert_eq!(
            split_wildcards("a/b*/c"),
            ("a".to_string(), "b*/c".to_string())
        );
        assert_eq!(
            split_wildcards("a/b\\*/c"),
            ("a/b\\*/c".to_string(), String::new())
        );
        assert_eq!(split_wildcards(""), (String::new(), String::new()));
        assert_eq!(context_path("./app/"), "app");
        assert_eq!(context_path("../.."), "");
        assert_eq!(context_path("/x/../y"), "y");
    }
}
