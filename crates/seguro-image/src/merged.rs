//! The merged filesystem: layers applied in order (whiteouts and opaque directories hide
//! lower layers only), symlinks resolved inside the image root, hardlinks followed to the
//! entry holding their data.

use crate::model::{Entry, EntryKind, EntryRef, Hazard, Image, Layer, MergedFs};

/// Symlinks followed in one resolution before giving up (Linux's limit).
pub const MAX_SYMLINK_HOPS: usize = 40;

impl MergedFs {
    /// Applies `layers` in order.
    pub fn build(layers: &[Layer]) -> MergedFs {
        merge(layers, |_| {})
    }

    /// The entry at exactly this (normalised) path, no link followed.
    pub fn get(&self, path: &str) -> Option<EntryRef> {
        self.paths.get(path.trim_matches('/')).copied()
    }

    /// The path `path` leads to once every symlink on the way (the last component too) is
    /// followed inside the image root: absolute targets start at the root, `..` stops at the
    /// root. `None` after [`MAX_SYMLINK_HOPS`] links (a loop).
    pub fn resolve(&self, path: &str) -> Option<String> {
        self.resolve_inner(path, true)
    }

    /// [`MergedFs::resolve`] without following a symlink in the last component (`lstat`).
    pub fn resolve_parent(&self, path: &str) -> Option<String> {
        self.resolve_inner(path, false)
    }

    fn resolve_inner(&self, path: &str, follow_last: bool) -> Option<String> {
        if self.symlinks.is_empty() {
            return Some(crate::layer::normalize(path).0);
        }
        let mut pending: Vec<String> = path
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .rev()
            .map(str::to_string)
            .collect();
        let mut done: Vec<String> = Vec::new();
        let mut hops = 0;
        while let Some(comp) = pending.pop() {
            if comp == ".." {
                done.pop();
                continue;
            }
            done.push(comp);
            if pending.is_empty() && !follow_last {
                break;
            }
            let current = done.join("/");
            if let Some(target) = self.symlinks.get(&current) {
                hops += 1;
                if hops > MAX_SYMLINK_HOPS {
                    return None;
                }
                done.pop();
                if target.starts_with('/') {
                    done.clear();
                }
                pending.extend(
                    target
                        .split('/')
                        .filter(|c| !c.is_empty() && *c != ".")
                        .rev()
                        .map(str::to_string),
                );
            }
        }
        Some(done.join("/"))
    }

    /// The entry a program opening `path` reads: symlinks resolved within the image, a
    /// hardlink replaced by the entry that holds its data. `None` when nothing is there.
    pub fn lookup(&self, path: &str) -> Option<EntryRef> {
        let resolved = self.resolve(path)?;
        self.data_of(&resolved)
    }

    /// Like [`MergedFs::lookup`] but a final symlink is returned itself.
    pub fn lookup_nofollow(&self, path: &str) -> Option<EntryRef> {
        let resolved = self.resolve_parent(path)?;
        self.paths.get(&resolved).copied()
    }

    fn data_of(&self, resolved: &str) -> Option<EntryRef> {
        match self.hardlinks.get(resolved) {
            Some(data) => *data,
            None => self.paths.get(resolved).copied(),
        }
    }

    /// Whether this entry is what the merged view shows at its path.
    pub fn is_visible(&self, r: EntryRef) -> bool {
        self.paths.values().any(|v| *v == r)
    }

    /// The kept body of the file `path` leads to (see [`Entry::content`]).
    pub fn content<'a>(&self, image: &'a Image, path: &str) -> Option<&'a [u8]> {
        image.entry(self.lookup(path)?)?.content.as_deref()
    }

    /// Paths and the entries that provide them, sorted by path.
    pub fn iter(&self) -> impl Iterator<Item = (&str, EntryRef)> {
        self.paths.iter().map(|(p, r)| (p.as_str(), *r))
    }

    fn remove_under(&mut self, dir: &str) {
        let keys: Vec<String> = if dir.is_empty() {
            self.paths
                .keys()
                .filter(|k| !k.is_empty())
                .cloned()
                .collect()
        } else {
            let prefix = format!("{dir}/");
            self.paths
                .range(prefix.clone()..)
                .take_while(|(k, _)| k.starts_with(&prefix))
                .map(|(k, _)| k.clone())
                .collect()
        };
        for k in keys {
            self.remove(&k);
        }
    }

    fn remove(&mut self, path: &str) {
        self.paths.remove(path);
        self.symlinks.remove(path);
        self.hardlinks.remove(path);
    }

    /// Where an entry named `path` lands: its parent directories resolved through symlinks
    /// already in the view, as extracting it would.
    fn landing(&self, path: &str) -> String {
        match path.rsplit_once('/') {
            Some((dir, base)) if !self.symlinks.is_empty() => match self.resolve(dir) {
                Some(d) if d.is_empty() => base.to_string(),
                Some(d) => format!("{d}/{base}"),
                None => path.to_string(),
            },
            _ => path.to_string(),
        }
    }
}

/// Applies layers in order; `dangling` is told about hardlinks whose target is not there.
pub(crate) fn merge(layers: &[Layer], mut dangling: impl FnMut(EntryRef)) -> MergedFs {
    let mut fs = MergedFs::default();
    for (li, layer) in layers.iter().enumerate() {
        // Whiteouts hide lower layers only: apply them all before this layer's entries.
        for e in &layer.entries {
            match e.kind {
                EntryKind::OpaqueWhiteout => {
                    let dir = if e.path.is_empty() {
                        String::new()
                    } else {
                        fs.resolve(&e.path).unwrap_or_else(|| e.path.clone())
                    };
                    fs.remove_under(&dir);
                }
                EntryKind::Whiteout => {
                    let at = fs.landing(&e.path);
                    fs.remove(&at);
                    fs.remove_under(&at);
                }
                _ => {}
            }
        }
        for (ei, e) in layer.entries.iter().enumerate() {
            let r = EntryRef {
                layer: li,
                entry: ei,
            };
            match e.kind {
                EntryKind::Whiteout | EntryKind::OpaqueWhiteout | EntryKind::Other => continue,
                _ => {}
            }
            let at = fs.landing(&e.path);
            let replaced_dir = fs
                .paths
                .get(&at)
                .and_then(|p| entry_at(layers, *p))
                .is_some_and(|p| p.kind == EntryKind::Dir);
            if replaced_dir && e.kind != EntryKind::Dir {
                fs.remove_under(&at);
            }
            fs.remove(&at);
            match e.kind {
                EntryKind::Symlink => {
                    fs.symlinks
                        .insert(at.clone(), e.link.clone().unwrap_or_default());
                }
                EntryKind::Hardlink => {
                    let target = e.link.as_deref().unwrap_or("");
                    let data = fs
                        .resolve_parent(target)
                        .and_then(|t| fs.data_of(&t))
                        .filter(|d| {
                            entry_at(layers, *d).is_some_and(|d| d.kind == EntryKind::File)
                        });
                    if data.is_none() {
                        dangling(r);
                    }
                    fs.hardlinks.insert(at.clone(), data);
                }
                _ => {}
            }
            fs.paths.insert(at, r);
        }
    }
    fs
}

fn entry_at(layers: &[Layer], r: EntryRef) -> Option<&Entry> {
    layers.get(r.layer)?.entries.get(r.entry)
}

/// Marks hardlinks whose target no layer (so far) has as [`Hazard::DanglingHardlink`].
pub(crate) fn mark_dangling_hardlinks(layers: &mut [Layer]) {
    let mut found = Vec::new();
    merge(layers, |r| found.push(r));
    for r in found {
        if let Some(e) = layers
            .get_mut(r.layer)
            .and_then(|l| l.entries.get_mut(r.entry))
        {
            e.hazard.get_or_insert(Hazard::DanglingHardlink);
        }
    }
}

impl Image {
    /// The filesystem a container of this image sees. Builds it each call: keep the result
    /// when asking many questions.
    pub fn merged(&self) -> MergedFs {
        MergedFs::build(&self.layers)
    }

    /// The entry a reference points to.
    pub fn entry(&self, r: EntryRef) -> Option<&Entry> {
        entry_at(&self.layers, r)
    }

    /// Every entry of every layer, bottom layer first, with its reference (deleted files
    /// included: a file whited out later is still in the image).
    pub fn all_entries(&self) -> impl Iterator<Item = (EntryRef, &Entry)> {
        self.layers.iter().enumerate().flat_map(|(li, l)| {
            l.entries.iter().enumerate().map(move |(ei, e)| {
                (
                    EntryRef {
                        layer: li,
                        entry: ei,
                    },
                    e,
                )
            })
        })
    }

    /// The kept body of the file `path` leads to in the merged view (symlinks and
    /// hardlinks followed). Builds the merged view: use [`MergedFs::content`] for many.
    pub fn file_content(&self, path: &str) -> Option<&[u8]> {
        self.merged().content(self, path)
    }

    /// Whether `path` (as it appears in layer `layer`) is deleted by a later layer: a
    /// whiteout of it or of a parent, or an opaque whiteout of a parent directory. The bytes
    /// are still in layer `layer`, for anyone who reads it.
    pub fn is_deleted_later(&self, layer: usize, path: &str) -> bool {
        let path = path.trim_matches('/');
        let under =
            |dir: &str| dir.is_empty() || path == dir || path.starts_with(&format!("{dir}/"));
        self.layers.iter().skip(layer + 1).any(|l| {
            l.entries.iter().any(|e| match e.kind {
                EntryKind::Whiteout => under(&e.path) && !e.path.is_empty(),
                EntryKind::OpaqueWhiteout => under(&e.path) && path != e.path,
                _ => false,
            })
        })
    }
}
