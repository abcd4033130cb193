//! The build context walk: exactly the entries BuildKit's context transfer
//! (tonistiigi/fsutil's filtered walk) sends for a set of `.dockerignore` patterns.
//!
//! # How BuildKit decides
//! - The walk is depth-first. Every entry is tested with
//!   [`Matcher::matches_using_parent_results`], given the per-pattern results stored for
//!   its parent directory (top-level entries get none, and then ancestors are checked).
//!   An ancestor is never re-tested against a later `!` exception: with `a/b` then `!a`,
//!   `a/b/x` stays excluded (docker/cli's classic check would send it).
//! - An excluded directory is skipped whole ("pruned") unless an exception could
//!   re-include something below it: when the exceptions are plain paths (no `*[]?^\`
//!   once a trailing `/**` or `/*` is removed), only those lying inside the directory
//!   keep it open; when any exception holds a glob character, excluded directories are
//!   always walked.
//! - An excluded directory that is walked is sent only if something below it is.
//! - Non-directory entries are sent as they are: regular files, symlinks (as links, never
//!   followed), fifos, sockets, devices.
//! - A directory that cannot be read fails the build, unless it is excluded (then a
//!   permission error is ignored). A file that cannot be opened fails the build when its
//!   content is requested.

use std::collections::HashMap;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::gopath;
use crate::ignorefile;
use crate::matcher::{MatchInfo, Matcher, PatternError};

/// What kind of non-directory entry a context file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A regular file: its content is sent.
    File,
    /// A symbolic link, sent as a link (its target is in [`ContextFile::link_target`]).
    Symlink,
    /// A named pipe.
    Fifo,
    /// A Unix socket.
    Socket,
    /// A character or block device.
    Device,
}

/// One non-directory entry the context sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextFile {
    /// Path relative to the context, `/`-separated (invalid UTF-8 bytes appear as U+FFFD).
    pub path: String,
    /// Size in bytes: the content length of a regular file, 0 for anything else.
    pub size: u64,
    /// Kind of entry.
    pub kind: FileKind,
    /// Permission and type bits (`st_mode`).
    pub mode: u32,
    /// The link text of a symlink.
    pub link_target: Option<String>,
    /// For a regular file hard-linked to an earlier one in the context (in BuildKit's
    /// walk order): that file. Its content is sent once.
    pub hardlink_to: Option<String>,
}

/// What went wrong with an entry that the walk could not fully read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// A directory could not be listed.
    UnreadableDir,
    /// A regular file could not be opened for reading.
    UnreadableFile,
    /// An entry could not be stat'ed.
    Stat,
    /// A symlink's target could not be read.
    ReadLink,
}

/// An entry that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Path relative to the context (empty for the context itself).
    pub path: String,
    /// What failed.
    pub kind: ProblemKind,
    /// The operating system's message.
    pub message: String,
    /// Whether BuildKit would stop the build on it (false for an excluded directory it
    /// may not read, which BuildKit ignores).
    pub fails_build: bool,
}

/// Bytes and entries below one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirUsage {
    /// Directory path relative to the context.
    pub path: String,
    /// Content bytes of the regular files below it (hard links counted once).
    pub bytes: u64,
    /// Number of non-directory entries below it.
    pub files: usize,
}

/// Why a walk could not start or had to stop.
#[derive(Debug)]
pub enum WalkError {
    /// The context is not a directory.
    NotADirectory(PathBuf),
    /// The context (or its ignore file) could not be read.
    Io(PathBuf, io::Error),
    /// A pattern is invalid, or failed when evaluated: BuildKit fails the build.
    Pattern(PatternError),
    /// The ignore file has a line BuildKit's reader refuses.
    IgnoreFile(PathBuf, ignorefile::ReadError),
}

impl std::fmt::Display for WalkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WalkError::NotADirectory(p) => write!(f, "{}: not a directory", p.display()),
            WalkError::Io(p, e) => write!(f, "{}: {e}", p.display()),
            WalkError::Pattern(e) => write!(f, "invalid .dockerignore pattern: {e}"),
            WalkError::IgnoreFile(p, e) => write!(f, "failed parsing {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for WalkError {}

impl From<PatternError> for WalkError {
    fn from(e: PatternError) -> Self {
        WalkError::Pattern(e)
    }
}

/// The entries a build context sends.
#[derive(Debug, Clone)]
pub struct ContextFiles {
    /// The context directory, as given.
    pub root: PathBuf,
    /// Every non-directory entry sent, sorted by path bytes.
    pub files: Vec<ContextFile>,
    /// Every directory sent (the context itself excluded), sorted.
    pub dirs: Vec<String>,
    /// Excluded directories skipped whole, sorted.
    pub pruned: Vec<String>,
    /// Non-directory entries seen and excluded (those inside pruned directories are not
    /// counted: they are never looked at).
    pub excluded_entries: usize,
    /// Entries that could not be read.
    pub problems: Vec<Problem>,
    matcher: Matcher,
    prune_ok: bool,
    /// The sent tree indexed for COPY/ADD source resolution, built on first use.
    copy_index: std::sync::Arc<std::sync::OnceLock<crate::copy::Tree>>,
}

/// The pattern without a trailing `/**` and then a trailing `/*` (fsutil's test for
/// "plain path" exceptions).
fn without_trailing_glob(p: &str) -> &str {
    let p = p.strip_suffix("/**").unwrap_or(p);
    p.strip_suffix("/*").unwrap_or(p)
}

/// Whether excluded directories may be pruned at all: every exception is a plain path.
fn prune_allowed(m: &Matcher) -> bool {
    !m.patterns().iter().any(|p| {
        p.is_exclusion()
            && without_trailing_glob(p.as_str()).contains(['*', '[', ']', '?', '^', '\\'])
    })
}

/// Whether an excluded directory is skipped whole.
fn prunable(m: &Matcher, prune_ok: bool, dir: &str) -> bool {
    if !prune_ok {
        return false;
    }
    if !m.exclusions() {
        return true;
    }
    let dir_slash = format!("{dir}/");
    !m.patterns().iter().filter(|p| p.is_exclusion()).any(|p| {
        let mut s = without_trailing_glob(p.as_str()).to_string();
        s.push('/');
        s.starts_with(&dir_slash)
    })
}

/// The ignore file BuildKit uses for a Dockerfile: `<Dockerfile name>.dockerignore`
/// beside the Dockerfile if it exists, else `.dockerignore` at the root of the context.
///
/// Symlinks are followed; a directory does not count.
pub fn dockerignore_for(context_dir: &Path, dockerfile: &Path) -> Option<PathBuf> {
    if let Some(name) = dockerfile.file_name() {
        let mut own = name.to_os_string();
        own.push(".dockerignore");
        let own = dockerfile.with_file_name(own);
        if own.is_file() {
            return Some(own);
        }
    }
    let shared = context_dir.join(".dockerignore");
    shared.is_file().then_some(shared)
}

/// Reads the patterns of an ignore file (see [`ignorefile::try_read_bytes`]).
pub fn read_patterns(path: &Path) -> Result<Vec<String>, WalkError> {
    let bytes = fs::read(path).map_err(|e| WalkError::Io(path.to_path_buf(), e))?;
    ignorefile::try_read_bytes(&bytes).map_err(|e| WalkError::IgnoreFile(path.to_path_buf(), e))
}

/// Walks a context with the ignore file BuildKit would pick for `dockerfile`
/// ([`dockerignore_for`]). Returns the ignore file used and the walk.
pub fn walk_for_dockerfile(
    context_dir: &Path,
    dockerfile: &Path,
) -> Result<(Option<PathBuf>, ContextFiles), WalkError> {
    let ignore = dockerignore_for(context_dir, dockerfile);
    let patterns = match &ignore {
        Some(p) => read_patterns(p)?,
        None => Vec::new(),
    };
    Ok((ignore, walk(context_dir, &patterns)?))
}

/// Lists what BuildKit sends for `context_dir` with these `.dockerignore` patterns (as
/// [`ignorefile::read`] returns them).
///
/// Unreadable entries do not stop the walk: they are listed in
/// [`ContextFiles::problems`]. A bad pattern does, as it stops the build.
pub fn walk<S: AsRef<str>>(context_dir: &Path, patterns: &[S]) -> Result<ContextFiles, WalkError> {
    let matcher = Matcher::new(patterns)?;
    let real =
        fs::canonicalize(context_dir).map_err(|e| WalkError::Io(context_dir.to_path_buf(), e))?;
    let md = fs::metadata(&real).map_err(|e| WalkError::Io(context_dir.to_path_buf(), e))?;
    if !md.is_dir() {
        return Err(WalkError::NotADirectory(context_dir.to_path_buf()));
    }
    let prune_ok = prune_allowed(&matcher);
    let w = Walker {
        m: &matcher,
        active: !matcher.is_empty(),
        prune_ok,
        acc: Mutex::new(Acc::default()),
    };
    w.dir(&real, "", &MatchInfo::default(), false, true)?;
    let mut acc = w
        .acc
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    acc.files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    acc.dirs.sort_unstable();
    acc.pruned.sort_unstable();
    acc.problems.sort_by(|a, b| a.path.cmp(&b.path));
    link_hardlinks(&mut acc.files, &acc.inodes);
    Ok(ContextFiles {
        root: context_dir.to_path_buf(),
        files: acc.files,
        dirs: acc.dirs,
        pruned: acc.pruned,
        excluded_entries: acc.excluded,
        problems: acc.problems,
        matcher,
        prune_ok,
        copy_index: Default::default(),
    })
}

#[derive(Default)]
struct Acc {
    files: Vec<ContextFile>,
    dirs: Vec<String>,
    pruned: Vec<String>,
    excluded: usize,
    problems: Vec<Problem>,
    /// (dev, ino) of regular files with more than one link, by path.
    inodes: HashMap<String, (u64, u64)>,
}

impl Acc {
    fn append(&mut self, mut other: Acc) {
        self.files.append(&mut other.files);
        self.dirs.append(&mut other.dirs);
        self.pruned.append(&mut other.pruned);
        self.excluded += other.excluded;
        self.problems.append(&mut other.problems);
        self.inodes.extend(other.inodes);
    }

    fn problem(&mut self, path: &str, kind: ProblemKind, e: &io::Error, fails_build: bool) {
        self.problems.push(Problem {
            path: path.to_string(),
            kind,
            message: e.to_string(),
            fails_build,
        });
    }
}

/// The walk itself. Directories are listed in parallel (rayon); each one's findings are
/// gathered locally and added to the shared result in one step.
struct Walker<'a> {
    m: &'a Matcher,
    active: bool,
    prune_ok: bool,
    acc: Mutex<Acc>,
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_string()
    } else {
        let mut s = String::with_capacity(rel.len() + 1 + name.len());
        s.push_str(rel);
        s.push('/');
        s.push_str(name);
        s
    }
}

/// A directory still to walk below the current one.
struct SubDir {
    abs: PathBuf,
    rel: String,
    info: MatchInfo,
    excluded: bool,
}

impl Walker<'_> {
    fn flush(&self, local: Acc) {
        if let Ok(mut acc) = self.acc.lock() {
            acc.append(local);
        }
    }

    /// Walks one directory; returns whether anything below it is sent.
    fn dir(
        &self,
        abs: &Path,
        rel: &str,
        info: &MatchInfo,
        excluded: bool,
        is_root: bool,
    ) -> Result<bool, PatternError> {
        let mut local = Acc::default();
        let rd = match fs::read_dir(abs) {
            Ok(rd) => rd,
            Err(e) => {
                let ignored = is_root || (excluded && e.kind() == io::ErrorKind::PermissionDenied);
                local.problem(rel, ProblemKind::UnreadableDir, &e, !ignored);
                self.flush(local);
                return Ok(false);
            }
        };
        let mut sent = false;
        let mut subdirs: Vec<SubDir> = Vec::new();
        for entry in rd {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    local.problem(rel, ProblemKind::UnreadableDir, &e, !excluded);
                    continue;
                }
            };
            let name = entry.file_name();
            let name = gopath::go_lossy(name.as_bytes());
            let path = join(rel, &name);
            let ft = match entry.file_type() {
                Ok(ft) => ft,
                Err(e) => {
                    local.problem(&path, ProblemKind::Stat, &e, true);
                    continue;
                }
            };
            if ft.is_dir() {
                let (m, child_info) = if self.active {
                    self.m.matches_using_parent_results(&path, info)?
                } else {
                    (false, MatchInfo::default())
                };
                if m && prunable(self.m, self.prune_ok, &path) {
                    local.pruned.push(path);
                } else {
                    subdirs.push(SubDir {
                        abs: entry.path(),
                        rel: path,
                        info: child_info,
                        excluded: m,
                    });
                }
                continue;
            }
            if self.active && self.m.matches_with_parent(&path, info)? {
                local.excluded += 1;
                continue;
            }
            file(&mut local, &entry, path);
            sent = true;
        }
        self.flush(local);
        let below: Vec<(String, bool)> = if subdirs.len() > 1 {
            subdirs
                .into_par_iter()
                .map(|d| {
                    self.dir(&d.abs, &d.rel, &d.info, d.excluded, false)
                        .map(|s| (d.rel, !d.excluded || s))
                })
                .collect::<Result<_, _>>()?
        } else {
            subdirs
                .into_iter()
                .map(|d| {
                    self.dir(&d.abs, &d.rel, &d.info, d.excluded, false)
                        .map(|s| (d.rel, !d.excluded || s))
                })
                .collect::<Result<_, _>>()?
        };
        let dirs: Vec<String> = below
            .into_iter()
            .filter(|(_, s)| *s)
            .map(|(p, _)| p)
            .collect();
        if !dirs.is_empty() {
            sent = true;
            if let Ok(mut acc) = self.acc.lock() {
                acc.dirs.extend(dirs);
            }
        }
        Ok(sent)
    }
}

fn file(acc: &mut Acc, entry: &fs::DirEntry, path: String) {
    let md = match entry.metadata() {
        Ok(md) => md,
        Err(e) => {
            acc.problem(&path, ProblemKind::Stat, &e, true);
            return;
        }
    };
    let ft = md.file_type();
    let kind = if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_fifo() {
        FileKind::Fifo
    } else if ft.is_socket() {
        FileKind::Socket
    } else if ft.is_block_device() || ft.is_char_device() {
        FileKind::Device
    } else {
        FileKind::File
    };
    let mut link_target = None;
    if kind == FileKind::Symlink {
        match fs::read_link(entry.path()) {
            Ok(t) => link_target = Some(gopath::go_lossy(t.as_os_str().as_bytes()).into_owned()),
            Err(e) => acc.problem(&path, ProblemKind::ReadLink, &e, true),
        }
    }
    let mode = md.mode();
    if kind == FileKind::File {
        // Readable by everyone needs no check; otherwise open it as BuildKit will.
        if mode & 0o444 != 0o444
            && let Err(e) = fs::File::open(entry.path())
        {
            acc.problem(&path, ProblemKind::UnreadableFile, &e, true);
        }
        if md.nlink() > 1 {
            acc.inodes.insert(path.clone(), (md.dev(), md.ino()));
        }
    }
    let size = if kind == FileKind::File { md.len() } else { 0 };
    acc.files.push(ContextFile {
        path,
        size,
        kind,
        mode,
        link_target,
        hardlink_to: None,
    });
}

/// Orders paths as a depth-first walk over name-sorted directories does.
fn walk_order(a: &str, b: &str) -> std::cmp::Ordering {
    a.split('/').cmp(b.split('/'))
}

/// Marks every hard link after the first (in walk order) as a link to the first.
fn link_hardlinks(files: &mut [ContextFile], inodes: &HashMap<String, (u64, u64)>) {
    if inodes.is_empty() {
        return;
    }
    let mut first: HashMap<(u64, u64), &str> = HashMap::new();
    let mut paths: Vec<&String> = inodes.keys().collect();
    paths.sort_by(|a, b| walk_order(a, b));
    let mut links: HashMap<String, String> = HashMap::new();
    for p in paths {
        let key = inodes[p];
        match first.get(&key) {
            Some(canon) => {
                links.insert(p.clone(), (*canon).to_string());
            }
            None => {
                first.insert(key, p);
            }
        }
    }
    for f in files.iter_mut() {
        if let Some(canon) = links.remove(&f.path) {
            f.hardlink_to = Some(canon);
        }
    }
}

impl ContextFiles {
    /// The sent tree indexed for COPY/ADD resolution (built once, shared by clones).
    pub(crate) fn copy_index(&self) -> &crate::copy::Tree {
        self.copy_index.get_or_init(|| crate::copy::Tree::new(self))
    }

    /// Content bytes sent: the sizes of regular files, hard links counted once.
    pub fn total_bytes(&self) -> u64 {
        self.files
            .iter()
            .filter(|f| f.kind == FileKind::File && f.hardlink_to.is_none())
            .map(|f| f.size)
            .sum()
    }

    /// The `n` directories holding the most content bytes (everything below them
    /// counted), largest first; ties by path.
    pub fn heaviest_dirs(&self, n: usize) -> Vec<DirUsage> {
        let mut usage: HashMap<&str, (u64, usize)> = HashMap::new();
        for f in &self.files {
            let bytes = if f.kind == FileKind::File && f.hardlink_to.is_none() {
                f.size
            } else {
                0
            };
            for (i, _) in f.path.match_indices('/') {
                let e = usage.entry(&f.path[..i]).or_default();
                e.0 += bytes;
                e.1 += 1;
            }
        }
        let mut out: Vec<DirUsage> = usage
            .into_iter()
            .map(|(path, (bytes, files))| DirUsage {
                path: path.to_string(),
                bytes,
                files,
            })
            .collect();
        out.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.path.cmp(&b.path)));
        out.truncate(n);
        out
    }

    /// [`heaviest_dirs`](Self::heaviest_dirs) without the directories that only repeat
    /// a listed parent (same bytes: `node_modules/x` when `node_modules` holds nothing
    /// else), for showing where the weight is.
    pub fn heaviest_folders(&self, n: usize) -> Vec<DirUsage> {
        let mut out: Vec<DirUsage> = Vec::new();
        for d in self.heaviest_dirs(usize::MAX) {
            if out.len() == n {
                break;
            }
            let repeats = out.iter().any(|h| {
                h.bytes == d.bytes
                    && d.path.len() > h.path.len()
                    && d.path.starts_with(&h.path)
                    && d.path.as_bytes()[h.path.len()] == b'/'
            });
            if d.bytes > 0 && !repeats {
                out.push(d);
            }
        }
        out
    }

    /// The sent entry at a context path.
    pub fn get(&self, path: &str) -> Option<&ContextFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Whether a directory is sent (the context itself, `""`, always is).
    pub fn has_dir(&self, path: &str) -> bool {
        path.is_empty() || self.dirs.binary_search_by(|d| d.as_str().cmp(path)).is_ok()
    }

    /// The matcher built from the patterns.
    pub fn matcher(&self) -> &Matcher {
        &self.matcher
    }

    /// Whether BuildKit leaves a context path out, deciding as its walk does (each
    /// ancestor treated as a directory, pruning included). The path is context-relative
    /// and `/`-separated; it need not exist.
    pub fn is_excluded(&self, path: &str) -> Result<bool, PatternError> {
        excluded_path(&self.matcher, self.prune_ok, path)
    }
}

/// Whether BuildKit's walk leaves a context path out with these patterns, without
/// walking: [`ContextFiles::is_excluded`] for a matcher that was not walked with (to try
/// a pattern list before writing it).
pub fn is_excluded_by(matcher: &Matcher, path: &str) -> Result<bool, PatternError> {
    excluded_path(matcher, prune_allowed(matcher), path)
}

fn excluded_path(matcher: &Matcher, prune_ok: bool, path: &str) -> Result<bool, PatternError> {
    if matcher.is_empty() || path.is_empty() {
        return Ok(false);
    }
    let mut info = MatchInfo::default();
    for (i, _) in path.match_indices('/') {
        let dir = &path[..i];
        let (m, next) = matcher.matches_using_parent_results(dir, &info)?;
        if m && prunable(matcher, prune_ok, dir) {
            return Ok(true);
        }
        info = next;
    }
    matcher.matches_with_parent(path, &info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_glob() {
        assert_eq!(without_trailing_glob("a/b/**"), "a/b");
        assert_eq!(without_trailing_glob("a/b/*"), "a/b");
        assert_eq!(without_trailing_glob("a/**/*"), "a/**");
    }

    #[test]
    fn pruning_rules() {
        let m = Matcher::new(["node_modules", "!node_modules/keep/**"]).unwrap();
        assert!(prune_allowed(&m));
        assert!(!prunable(&m, true, "node_modules"));
        assert!(prunable(&m, true, "node_modules/other"));
        assert!(!prunable(&m, true, "node_modules/keep"));
        let m = Matcher::new(["a/b", "!a"]).unwrap();
        assert!(prunable(&m, true, "a/b"));
        let m = Matcher::new(["x", "!**/*.keep"]).unwrap();
        assert!(!prune_allowed(&m));
    }
}
