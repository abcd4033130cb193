//! Test helper for the context rules: a throw-away build context on disk, and a
//! Dockerfile linted in it with one rule selected.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::lint::{Options, lint};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A temporary context directory, removed (permissions restored first) when dropped.
pub(crate) struct Ctx {
    pub root: PathBuf,
}

impl Ctx {
    pub fn new(tag: &str) -> Ctx {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "seguro-linter-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).expect("create context");
        Ctx { root }
    }

    fn parent_of(&self, rel: &str) -> PathBuf {
        let p = self.root.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        p
    }

    /// A file with text content (directories created).
    pub fn file(self, rel: &str, content: &str) -> Ctx {
        self.bytes(rel, content.as_bytes())
    }

    pub fn bytes(self, rel: &str, content: &[u8]) -> Ctx {
        let p = self.parent_of(rel);
        std::fs::write(p, content).expect("write");
        self
    }

    /// A sparse file of `size` bytes.
    pub fn sized(self, rel: &str, size: u64) -> Ctx {
        let p = self.parent_of(rel);
        std::fs::File::create(&p)
            .and_then(|f| f.set_len(size))
            .expect("sized file");
        self
    }

    pub fn symlink(self, rel: &str, target: &str) -> Ctx {
        let p = self.parent_of(rel);
        std::os::unix::fs::symlink(target, p).expect("symlink");
        self
    }

    pub fn chmod(self, rel: &str, mode: u32) -> Ctx {
        std::fs::set_permissions(self.root.join(rel), std::fs::Permissions::from_mode(mode))
            .expect("chmod");
        self
    }

    /// The findings of rule `code` on `src` written as `Dockerfile` at the context root.
    pub fn lint(&self, code: &'static str, src: &str) -> Vec<Diagnostic> {
        self.lint_file(code, "Dockerfile", src, "")
    }

    /// The findings of rule `code` on `src` written at `rel`, with extra configuration
    /// (TOML), the context being the root.
    pub fn lint_file(
        &self,
        code: &'static str,
        rel: &str,
        src: &str,
        toml: &str,
    ) -> Vec<Diagnostic> {
        let path = self.parent_of(rel);
        std::fs::write(&path, src).expect("write Dockerfile");
        let mut config = Config::from_toml(toml, None).expect("config");
        config.select = Some(vec![code]);
        let file = path.to_string_lossy().into_owned();
        lint(
            &file,
            src,
            &config,
            Options {
                context: Some(&self.root),
                ..Options::default()
            },
        )
    }

    /// `code` must stay quiet on `src`.
    pub fn pass(&self, code: &'static str, src: &str) {
        let found = self.lint(code, src);
        assert!(
            found.is_empty(),
            "{code} should stay quiet on:\n{src}\nbut gave {found:#?}"
        );
    }

    /// `code` must fire on `src`; returns the findings.
    pub fn fail(&self, code: &'static str, src: &str) -> Vec<Diagnostic> {
        let found = self.lint(code, src);
        assert!(!found.is_empty(), "{code} should fire on:\n{src}");
        found
    }

    /// A context-relative path as the findings name it.
    pub fn shown(&self, rel: &str) -> String {
        self.root.join(rel).to_string_lossy().into_owned()
    }
}

impl Drop for Ctx {
    fn drop(&mut self) {
        fn reopen(p: &Path) {
            if let Ok(md) = std::fs::symlink_metadata(p)
                && md.is_dir()
            {
                let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
                if let Ok(rd) = std::fs::read_dir(p) {
                    for e in rd.flatten() {
                        reopen(&e.path());
                    }
                }
            }
        }
        reopen(&self.root);
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// The files named in the findings' `related` entries.
pub fn related_files(found: &[Diagnostic]) -> Vec<String> {
    found
        .iter()
        .flat_map(|d| d.related.iter().filter_map(|r| r.file.clone()))
        .collect()
}
