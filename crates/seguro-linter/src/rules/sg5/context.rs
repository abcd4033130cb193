//! The build context as the SG51x rules see it: the ignore file BuildKit would use, the
//! entries it sends, what each `COPY`/`ADD` takes from it, and which files are secrets.
//!
//! Built once per linted file, on the first call of [`Checker::build_context`] (so only
//! when a context rule runs), and only when the run has a context directory
//! ([`crate::Options::context`]).

use super::sources::{SourceKind, copies, source_kind};
use crate::checker::Checker;
use crate::diagnostic::Related;
use seguro_context::secrets::{self, SecretFile};
use seguro_context::{ContextFiles, Resolved, ignorefile, resolve_sources};
use seguro_dockerfile::{Kind, Span};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The rules that read the build context: quiet (and not run, as far as pragmas are
/// concerned) without one.
pub const CONTEXT_RULES: &[&str] = &["SG510", "SG511", "SG512", "SG513", "SG514", "SG515"];

/// How much of a file the secret scan reads (1 MiB).
pub const SECRET_SCAN_BYTES: usize = secrets::DEFAULT_MAX_BYTES;

/// One source of a `COPY`/`ADD` that reads the context.
#[derive(Debug, Clone)]
pub struct CopySource {
    /// The source word in the Dockerfile.
    pub span: Span,
    /// Its value after variable expansion.
    pub value: String,
}

/// A `COPY`/`ADD` that reads the build context (no `--from`, not only URLs or heredocs).
#[derive(Debug, Clone)]
pub struct ContextCopy {
    /// Index of the instruction.
    pub index: usize,
    /// 1-based first line.
    pub line: u32,
    /// The instruction's keyword.
    pub keyword_span: Span,
    /// The instruction text, continuations joined (BuildKit's `Original`).
    pub instruction: String,
    /// The context sources (heredocs, URLs and words with unset variables left out).
    pub sources: Vec<CopySource>,
    /// `--exclude` values, expanded.
    pub excludes: Vec<String>,
    /// `--parents`.
    pub parents: bool,
    /// What each source takes (in the order of `sources`); `None` when the context could
    /// not be walked.
    pub resolved: Option<Resolved>,
}

impl ContextCopy {
    /// Each source with its resolution.
    pub fn resolved_sources(
        &self,
    ) -> impl Iterator<Item = (&CopySource, &seguro_context::SourceMatch)> {
        self.resolved
            .iter()
            .flat_map(|r| self.sources.iter().zip(&r.sources))
    }

    /// Every context entry the instruction takes, sorted.
    pub fn files(&self) -> Vec<&str> {
        self.resolved
            .as_ref()
            .map(Resolved::files)
            .unwrap_or_default()
    }
}

/// The build context of one Dockerfile.
#[derive(Debug)]
pub struct BuildContext {
    /// The context directory, as given.
    pub dir: PathBuf,
    /// The ignore file BuildKit uses (`<Dockerfile>.dockerignore`, else the context's
    /// `.dockerignore`).
    pub ignore_file: Option<PathBuf>,
    /// Its patterns with their 1-based line numbers.
    pub patterns: Vec<(usize, String)>,
    /// Why the ignore file cannot be used (unreadable, a line too long for BuildKit).
    pub ignore_error: Option<String>,
    /// What the context sends and the secrets found in it (shared by every Dockerfile
    /// with the same context and ignore file when a [`ContextCache`] is used).
    shared: Arc<SharedContext>,
    /// Every `COPY`/`ADD` that reads the context, in file order.
    pub copies: Vec<ContextCopy>,
}

/// The part of a build context that does not depend on the Dockerfile.
#[derive(Debug)]
struct SharedContext {
    /// What the context sends; `Err` when BuildKit would fail before sending (a bad
    /// pattern, a context that is not a directory).
    walk: Result<ContextFiles, String>,
    /// Secret judgement per path, filled on demand.
    secrets: Mutex<HashMap<String, Option<SecretFile>>>,
}

/// A context directory and the ignore file used with it.
type WalkKey = (PathBuf, Option<PathBuf>);

/// Walks shared across the files of one run: Dockerfiles that share a directory (and an
/// ignore file) share one walk and one secret scan.
#[derive(Debug, Default)]
pub struct ContextCache {
    walks: Mutex<HashMap<WalkKey, Arc<SharedContext>>>,
}

impl ContextCache {
    fn get_or_walk(
        &self,
        key: WalkKey,
        walk: impl FnOnce() -> Result<ContextFiles, String>,
    ) -> Arc<SharedContext> {
        // Walk outside the lock so different contexts are read in parallel.
        if let Some(hit) = self.walks.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return hit;
        }
        let shared = Arc::new(SharedContext {
            walk: walk(),
            secrets: Mutex::new(HashMap::new()),
        });
        match self.walks.lock() {
            Ok(mut m) => m.entry(key).or_insert(shared).clone(),
            Err(_) => shared,
        }
    }
}

impl BuildContext {
    /// Reads the context of the file `cx` lints (the Dockerfile's own path is
    /// `cx.file`).
    pub(crate) fn load(cx: &Checker<'_>, dir: &Path) -> BuildContext {
        let dockerfile = Path::new(cx.file);
        let ignore_file = seguro_context::dockerignore_for(dir, dockerfile);
        let mut ignore_error = None;
        let mut patterns = Vec::new();
        if let Some(path) = &ignore_file {
            match std::fs::read(path) {
                Ok(bytes) => match ignorefile::try_read_bytes(&bytes) {
                    Ok(_) => patterns = ignorefile::read_numbered(&String::from_utf8_lossy(&bytes)),
                    Err(e) => ignore_error = Some(format!("failed parsing {}: {e}", show(path))),
                },
                Err(e) => ignore_error = Some(format!("{}: {e}", show(path))),
            }
        }
        let do_walk = || match &ignore_error {
            Some(e) => Err(e.clone()),
            None => {
                let texts: Vec<&str> = patterns.iter().map(|(_, p)| p.as_str()).collect();
                seguro_context::walk(dir, &texts).map_err(|e| e.to_string())
            }
        };
        let shared = match cx.context_cache {
            Some(cache) => cache.get_or_walk((dir.to_path_buf(), ignore_file.clone()), do_walk),
            None => Arc::new(SharedContext {
                walk: do_walk(),
                secrets: Mutex::new(HashMap::new()),
            }),
        };
        let copies = context_copies(cx, shared.walk.as_ref().ok());
        BuildContext {
            dir: dir.to_path_buf(),
            ignore_file,
            patterns,
            ignore_error,
            shared,
            copies,
        }
    }

    /// What the context sends; `Err` when BuildKit would fail before sending.
    pub fn walk(&self) -> &Result<ContextFiles, String> {
        &self.shared.walk
    }

    /// The entries sent, when the context could be walked.
    pub fn files(&self) -> Option<&ContextFiles> {
        self.shared.walk.as_ref().ok()
    }

    /// A context path as reports show it: joined to the context directory as given,
    /// `/`-separated, without a leading `./`.
    pub fn display(&self, rel: &str) -> String {
        show(&self.dir.join(rel))
    }

    /// The ignore file as reports show it.
    pub fn ignore_display(&self) -> Option<String> {
        self.ignore_file.as_deref().map(show)
    }

    /// A related entry naming a context file.
    pub fn related(&self, rel: &str, message: impl Into<String>) -> Related {
        Related {
            file: Some(self.display(rel)),
            span: None,
            message: message.into(),
        }
    }

    /// Where a finding about the context as a whole is reported: the keyword of the
    /// first instruction that reads the context, else of the first instruction.
    pub fn anchor(&self, cx: &Checker<'_>) -> Span {
        self.copies
            .first()
            .map(|c| c.keyword_span)
            .or_else(|| cx.df.instructions.first().map(|i| i.keyword_span))
            .unwrap_or(Span { start: 0, end: 0 })
    }

    /// The secrets among these sent entries (by name and by content, masked), sorted by
    /// path. Each file is judged once per context.
    pub fn secrets_among<'p, I>(&self, paths: I) -> Vec<SecretFile>
    where
        I: IntoIterator<Item = &'p str>,
    {
        let Some(files) = self.files() else {
            return Vec::new();
        };
        let mut wanted: Vec<&str> = paths.into_iter().collect();
        wanted.sort_unstable();
        wanted.dedup();
        let Ok(mut cache) = self.shared.secrets.lock() else {
            return Vec::new();
        };
        let missing: Vec<&str> = wanted
            .iter()
            .copied()
            .filter(|p| !cache.contains_key(*p))
            .collect();
        if !missing.is_empty() {
            let found = secrets::find_secrets(files, missing.iter().copied(), SECRET_SCAN_BYTES);
            for p in &missing {
                cache.insert((*p).to_string(), None);
            }
            for s in found {
                cache.insert(s.path.clone(), Some(s));
            }
        }
        wanted
            .iter()
            .filter_map(|p| cache.get(*p).cloned().flatten())
            .collect()
    }
}

/// A path as reports show it.
fn show(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// Whether `--parents` is on (`--parents`, `--parents=true`).
fn flag_on(value: Option<&str>) -> bool {
    match value {
        None => true,
        Some(v) => matches!(v.to_ascii_lowercase().as_str(), "true" | "1" | "t"),
    }
}

fn context_copies(cx: &Checker<'_>, files: Option<&ContextFiles>) -> Vec<ContextCopy> {
    let mut all = copies(cx, Kind::Copy, false);
    all.extend(copies(cx, Kind::Add, false));
    all.sort_by_key(|c| c.index);
    let mut out = Vec::new();
    for c in all {
        if c.inst.flag("from").is_some() {
            continue;
        }
        let sources: Vec<CopySource> = c
            .sources
            .iter()
            .filter(|w| !w.heredoc)
            .filter(|w| !matches!(source_kind(w), SourceKind::Remote | SourceKind::Unknown))
            .filter_map(|w| {
                Some(CopySource {
                    span: w.span,
                    value: w.value.clone()?,
                })
            })
            .collect();
        if sources.is_empty() {
            continue;
        }
        let excludes: Vec<String> = c
            .inst
            .flag_values("exclude")
            .map(|e| cx.expand(e, c.index))
            .collect();
        let parents = c
            .inst
            .flag("parents")
            .is_some_and(|f| flag_on(f.value.as_deref()));
        let resolved = files.map(|f| {
            let values: Vec<&str> = sources.iter().map(|s| s.value.as_str()).collect();
            resolve_sources(f, &values, &excludes, parents)
        });
        out.push(ContextCopy {
            index: c.index,
            line: c.inst.start_line,
            keyword_span: c.inst.keyword_span,
            instruction: c.inst.original.clone(),
            sources,
            excludes,
            parents,
            resolved,
        });
    }
    out
}

/// A byte count for people: `512 B`, `1.5 kB`, `412.3 MB` (decimal units).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `n` files, with the noun agreeing.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A list of names for a message: the first `max`, then "and N more".
pub fn name_list(names: &[&str], max: usize) -> String {
    let shown: Vec<String> = names.iter().take(max).map(|n| format!("`{n}`")).collect();
    let mut s = shown.join(", ");
    if names.len() > max {
        s.push_str(&format!(" and {} more", names.len() - max));
    }
    s
}

/// The context a rule's documentation example describes, as comment lines at the top of
/// its ```dockerfile block:
///
/// - `# context: path` an empty file (a directory when it ends with `/`);
/// - `# context: path = text` a file holding `text` (`\n` for line breaks);
/// - `# context: path (N MB)` a file of N MB (sparse, nothing written).
///
/// Returns the entries as (path, content, size); empty when the block has none.
pub fn example_context(block: &str) -> Vec<ExampleEntry> {
    let mut out = Vec::new();
    for line in block.lines() {
        let Some(rest) = line.trim().strip_prefix("# context:") else {
            continue;
        };
        let rest = rest.trim();
        if let Some((path, text)) = rest.split_once(" = ") {
            out.push(ExampleEntry {
                path: path.trim().to_string(),
                content: text.replace("\\n", "\n"),
                size: None,
            });
        } else if let Some(open) = rest.rfind(" (")
            && let Some(mb) = rest[open + 2..].strip_suffix(" MB)")
            && let Ok(mb) = mb.trim().parse::<u64>()
        {
            out.push(ExampleEntry {
                path: rest[..open].trim().to_string(),
                content: String::new(),
                size: Some(mb * 1_000_000),
            });
        } else {
            out.push(ExampleEntry {
                path: rest.to_string(),
                content: String::new(),
                size: None,
            });
        }
    }
    out
}

/// One entry of a documentation example's context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleEntry {
    /// Path relative to the context (a directory when it ends with `/`).
    pub path: String,
    /// File content.
    pub content: String,
    /// A size to give the file instead of content.
    pub size: Option<u64>,
}

/// Writes a documentation example's context under `dir`.
pub fn write_example_context(dir: &Path, entries: &[ExampleEntry]) -> std::io::Result<()> {
    for e in entries {
        let p = dir.join(&e.path);
        if e.path.ends_with('/') {
            std::fs::create_dir_all(&p)?;
            continue;
        }
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&p, &e.content)?;
        if let Some(size) = e.size {
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)?
                .set_len(size)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_lists() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(1_500), "1.5 kB");
        assert_eq!(human_size(412_300_000), "412.3 MB");
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(3, "file"), "3 files");
        assert_eq!(name_list(&["a", "b", "c"], 2), "`a`, `b` and 1 more");
        assert!(flag_on(None) && flag_on(Some("true")) && !flag_on(Some("false")));
        assert_eq!(show(Path::new("./ctx/./a")), "ctx/./a");
    }

    #[test]
    fn example_lines() {
        let e = example_context(
            "# context: .env\n# context: .dockerignore = .git\\n.env\n# context: data/model.bin (200 MB)\n# context: logs/\nFROM x\n",
        );
        assert_eq!(e.len(), 4);
        assert_eq!(e[1].content, ".git\n.env");
        assert_eq!(e[2].size, Some(200_000_000));
        assert_eq!(e[2].path, "data/model.bin");
        assert_eq!(e[3].path, "logs/");
    }
}
