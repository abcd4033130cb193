//! Secret files among the entries a context sends: by name (seguro-secrets' file rules)
//! and by content (size-capped reads), described with masked values only.
//!
//! # Decisions
//! - Only regular files are judged: a symlink is sent as a link, not as its target's
//!   content.
//! - A name that exists to hold a secret (`.env`, `id_rsa`, `*.tfstate`, …: high
//!   confidence in [`seguro_secrets::FileKind::confidence`]) makes the file a secret
//!   without reading it.
//! - Any other file is read, at most `max_bytes` of it, and scanned
//!   ([`seguro_secrets::scan_file_content`]; binary content is skipped). A high-confidence
//!   finding makes it a secret; a medium-confidence one only when the name is suspicious
//!   too (`.npmrc`, `*.pem`, `*.tfvars`…), so a JWT in a test fixture does not count but a
//!   `server.pem` holding a private key does.
//! - A medium-confidence name that cannot be read counts (BuildKit fails on it anyway,
//!   and nothing says it is harmless).
//! - Secret values never leave this module unmasked ([`seguro_secrets::mask`]).

use std::fs;
use std::io::Read;

use rayon::prelude::*;
use seguro_secrets::{Confidence, FileKind as SecretKind, Kind};

use crate::walk::{ContextFile, ContextFiles, FileKind};

/// How much of a file is read for the content scan by default (1 MiB).
pub const DEFAULT_MAX_BYTES: usize = 1 << 20;

/// A secret value found in a file's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentHit {
    /// What the value is.
    pub kind: Kind,
    /// 1-based line of the value.
    pub line: usize,
    /// The value, masked (`ghp_****`).
    pub masked: String,
    /// How sure the detector is.
    pub confidence: Confidence,
}

/// A file of the context that holds or is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFile {
    /// Path relative to the context, `/`-separated.
    pub path: String,
    /// What the name says, when it says something.
    pub by_name: Option<SecretKind>,
    /// Secret values found in the content (empty when the name alone decided, or the
    /// file could not be read).
    pub content: Vec<ContentHit>,
}

impl SecretFile {
    /// A short description without the path: "a .env file", "a GitHub token (`ghp_****`)
    /// on line 3".
    pub fn description(&self) -> String {
        if let Some(hit) = self.content.first() {
            let more = match self.content.len() {
                1 => String::new(),
                n => format!(" and {} more", n - 1),
            };
            let what = match self.by_name {
                Some(k) => format!("{}: ", k.description()),
                None => String::new(),
            };
            return format!(
                "{what}{} (`{}`) on line {}{more}",
                hit.kind.description(),
                hit.masked,
                hit.line
            );
        }
        match self.by_name {
            Some(k) => k.description().to_string(),
            None => "a secret".to_string(),
        }
    }
}

/// Judges one sent entry; `None` when it is not a secret.
pub fn check_file(
    files: &ContextFiles,
    file: &ContextFile,
    max_bytes: usize,
) -> Option<SecretFile> {
    if file.kind != FileKind::File {
        return None;
    }
    let by_name = seguro_secrets::secret_file_kind(&file.path);
    if let Some(kind) = by_name
        && kind.confidence() == Confidence::High
    {
        return Some(SecretFile {
            path: file.path.clone(),
            by_name,
            content: Vec::new(),
        });
    }
    let bytes = match read_head(&files.root.join(&file.path), max_bytes) {
        Ok(b) => b,
        Err(_) => {
            return by_name.map(|_| SecretFile {
                path: file.path.clone(),
                by_name,
                content: Vec::new(),
            });
        }
    };
    let mut content: Vec<ContentHit> = seguro_secrets::scan_file_content(&bytes, max_bytes)
        .into_iter()
        .filter(|f| f.confidence == Confidence::High || by_name.is_some())
        .map(|f| {
            let value = String::from_utf8_lossy(bytes.get(f.span.clone()).unwrap_or_default());
            ContentHit {
                kind: f.kind,
                line: 1 + bytes[..f.span.start.min(bytes.len())]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count(),
                masked: seguro_secrets::mask(&value),
                confidence: f.confidence,
            }
        })
        .collect();
    content.sort_by_key(|h| (h.line, h.kind));
    if content.is_empty() {
        return None;
    }
    Some(SecretFile {
        path: file.path.clone(),
        by_name,
        content,
    })
}

/// The secrets among the sent entries at `paths` (paths not sent are skipped), sorted by
/// path. Files are read in parallel.
pub fn find_secrets<'p, I>(files: &ContextFiles, paths: I, max_bytes: usize) -> Vec<SecretFile>
where
    I: IntoIterator<Item = &'p str>,
{
    let mut entries: Vec<&ContextFile> = paths.into_iter().filter_map(|p| files.get(p)).collect();
    entries.sort_unstable_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    entries
        .par_iter()
        .filter_map(|f| check_file(files, f, max_bytes))
        .collect()
}

/// The secrets among every entry the context sends, sorted by path.
pub fn find_all_secrets(files: &ContextFiles, max_bytes: usize) -> Vec<SecretFile> {
    files
        .files
        .par_iter()
        .filter_map(|f| check_file(files, f, max_bytes))
        .collect()
}

fn read_head(path: &std::path::Path, max: usize) -> std::io::Result<Vec<u8>> {
    let f = fs::File::open(path)?;
    let mut out = Vec::new();
    f.take(max as u64).read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions() {
        let s = SecretFile {
            path: ".env".into(),
            by_name: Some(SecretKind::DotEnv),
            content: Vec::new(),
        };
        assert_eq!(s.description(), "a .env file");
        let s = SecretFile {
            path: "config.py".into(),
            by_name: None,
            content: vec![ContentHit {
                kind: Kind::GithubToken,
                line: 3,
                masked: "ghp_****".into(),
                confidence: Confidence::High,
            }],
        };
        assert_eq!(s.description(), "a GitHub token (`ghp_****`) on line 3");
    }
}
