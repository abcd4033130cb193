//! A throw-away directory tree under the system temp dir, removed on drop.

#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static NEXT: AtomicUsize = AtomicUsize::new(0);

pub struct Tree {
    pub root: PathBuf,
}

impl Tree {
    pub fn new(tag: &str) -> Tree {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let root = std::env::temp_dir().join(format!(
            "seguro-context-{tag}-{}-{nanos}-{n}",
            std::process::id()
        ));
        fs::create_dir_all(&root).expect("create temp tree");
        Tree { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Writes a file (creating its directories).
    pub fn file(&self, rel: &str, content: &str) -> &Tree {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        fs::write(&p, content).expect("write");
        self
    }

    pub fn dir(&self, rel: &str) -> &Tree {
        fs::create_dir_all(self.path(rel)).expect("mkdir");
        self
    }

    pub fn symlink(&self, rel: &str, target: &str) -> &Tree {
        let p = self.path(rel);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).expect("mkdir");
        }
        std::os::unix::fs::symlink(target, &p).expect("symlink");
        self
    }

    pub fn chmod(&self, rel: &str, mode: u32) -> &Tree {
        fs::set_permissions(self.path(rel), fs::Permissions::from_mode(mode)).expect("chmod");
        self
    }

    pub fn ignore(&self, text: &str) -> &Tree {
        self.file(".dockerignore", text)
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        // Give back permissions taken away by a test so the tree can be removed.
        fn reopen(p: &Path) {
            if let Ok(md) = fs::symlink_metadata(p) {
                if md.is_dir() {
                    let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o755));
                    if let Ok(rd) = fs::read_dir(p) {
                        for e in rd.flatten() {
                            reopen(&e.path());
                        }
                    }
                } else if md.is_file() {
                    let _ = fs::set_permissions(p, fs::Permissions::from_mode(0o644));
                }
            }
        }
        reopen(&self.root);
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// The sent paths of a walk.
pub fn sent(files: &seguro_context::ContextFiles) -> Vec<&str> {
    files.files.iter().map(|f| f.path.as_str()).collect()
}

/// Walks with the context's `.dockerignore`.
pub fn walk_tree(t: &Tree) -> seguro_context::ContextFiles {
    let (_, files) =
        seguro_context::walk_for_dockerfile(&t.root, &t.path("Dockerfile")).expect("walk");
    files
}
