//! Where an image's files and blobs come from: an OCI layout directory, an outer tar
//! (indexed once, then read by seeking), or — through [`BlobSource`] — anything else that
//! serves blobs by digest (a registry client).

use crate::digest::Digest;
use crate::error::Error;
use crate::options::Limits;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Where the blobs of an OCI image come from.
///
/// The OCI reading path ([`crate::read_oci`]) only ever asks a source for blobs by
/// (already validated) digest; it hashes and size-checks every byte itself, so a source
/// need not verify anything. A registry client implements this with
/// `GET /v2/<name>/blobs/<digest>` and `GET /v2/<name>/manifests/<digest>`.
pub trait BlobSource {
    /// How messages name the source (`oci layout ./img`, `registry.example/app`).
    fn describe(&self) -> String;
    /// The stored bytes of a blob, `Ok(None)` when the source does not have it. `size` is
    /// the descriptor's size when known (a hint; it is checked by the caller).
    fn open_blob(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>>;
    /// A manifest or index by digest (registries serve those apart from blobs).
    fn open_manifest(
        &self,
        digest: &Digest,
        size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>> {
        self.open_blob(digest, size)
    }
    /// The stored size of a blob when it is known without reading it (a file's length).
    fn blob_size(&self, _digest: &Digest) -> Option<u64> {
        None
    }
}

/// A container of named files: an image directory or an outer tar. Names are relative,
/// `/`-separated; [`Archive::open_file`] refuses anything absolute or with `..`.
pub(crate) trait Archive: BlobSource {
    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, Error>;
    fn file_size(&self, name: &str) -> Option<u64>;
    fn has(&self, name: &str) -> bool {
        self.file_size(name).is_some()
    }
}

/// Checks a relative archive path: no leading `/`, no `..`, not empty. `./` and repeated
/// `/` are tolerated and removed.
pub(crate) fn safe_relative(name: &str) -> Option<String> {
    if name.starts_with('/') || name.contains('\0') || name.contains('\\') {
        return None;
    }
    let mut out = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => return None,
            c => out.push(c),
        }
    }
    (!out.is_empty()).then(|| out.join("/"))
}

/// An image directory (OCI layout, or an extracted `docker save`).
pub(crate) struct DirArchive {
    root: PathBuf,
}

impl DirArchive {
    pub(crate) fn new(root: &Path) -> DirArchive {
        DirArchive {
            root: root.to_path_buf(),
        }
    }
}

impl BlobSource for DirArchive {
    fn describe(&self) -> String {
        self.root.display().to_string()
    }
    fn open_blob(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>> {
        match File::open(self.root.join(digest.blob_path())) {
            Ok(f) => Ok(Some(Box::new(f))),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
    fn blob_size(&self, digest: &Digest) -> Option<u64> {
        std::fs::metadata(self.root.join(digest.blob_path()))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }
}

impl Archive for DirArchive {
    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, Error> {
        let rel = safe_relative(name).ok_or_else(|| Error::UnsafePath {
            what: self.describe(),
            path: name.to_string(),
        })?;
        let path = self.root.join(rel);
        match File::open(&path) {
            Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => Ok(Some(Box::new(f))),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Error::io(path.display().to_string(), e)),
        }
    }
    fn file_size(&self, name: &str) -> Option<u64> {
        let rel = safe_relative(name)?;
        std::fs::metadata(self.root.join(rel))
            .ok()
            .filter(|m| m.is_file())
            .map(|m| m.len())
    }
}

#[derive(Clone, Debug)]
enum MemberKind {
    File { offset: u64, size: u64 },
    Symlink(String),
    Hardlink(String),
    Other,
}

/// A tar file indexed once (member name → offset, size, type, link), then read by seeking.
pub(crate) struct TarArchive {
    file: File,
    label: String,
    members: HashMap<String, MemberKind>,
}

/// Links followed among outer-tar members before giving up.
const MAX_HOPS: usize = 40;

impl TarArchive {
    pub(crate) fn index(file: File, label: &str, limits: &Limits) -> Result<TarArchive, Error> {
        let mut members = HashMap::new();
        {
            let mut archive = tar::Archive::new(&file);
            let entries = archive
                .entries_with_seek()
                .map_err(|e| Error::malformed(label, format!("not a tar archive: {e}")))?;
            for entry in entries {
                let entry =
                    entry.map_err(|e| Error::malformed(label, format!("bad tar member: {e}")))?;
                if members.len() as u64 >= limits.max_entries {
                    return Err(Error::LimitExceeded {
                        what: format!("{label}: outer tar members"),
                        limit: "max_entries",
                        value: limits.max_entries,
                    });
                }
                let raw = entry.path_bytes();
                let name = String::from_utf8_lossy(&raw);
                let Some(name) = safe_relative(&name) else {
                    continue;
                };
                let link = || {
                    entry
                        .link_name_bytes()
                        .map(|l| String::from_utf8_lossy(&l).into_owned())
                        .unwrap_or_default()
                };
                let kind = match entry.header().entry_type() {
                    tar::EntryType::Regular | tar::EntryType::Continuous => MemberKind::File {
                        offset: entry.raw_file_position(),
                        size: entry.size(),
                    },
                    tar::EntryType::Symlink => MemberKind::Symlink(link()),
                    tar::EntryType::Link => MemberKind::Hardlink(link()),
                    _ => MemberKind::Other,
                };
                // Duplicate members: the last one wins, as when extracting.
                members.insert(name, kind);
            }
        }
        Ok(TarArchive {
            file,
            label: label.to_string(),
            members,
        })
    }

    /// Follows symlinks and hardlinks among members (relative to the link's directory,
    /// inside the archive only, at most [`MAX_HOPS`]) to a regular file.
    fn resolve(&self, name: &str) -> Result<Option<(u64, u64)>, Error> {
        let unsafe_path = |p: &str| Error::UnsafePath {
            what: format!("{}: member link", self.label),
            path: p.to_string(),
        };
        let mut current = safe_relative(name).ok_or_else(|| unsafe_path(name))?;
        for _ in 0..=MAX_HOPS {
            match self.members.get(&current) {
                None | Some(MemberKind::Other) => return Ok(None),
                Some(MemberKind::File { offset, size }) => return Ok(Some((*offset, *size))),
                Some(MemberKind::Hardlink(target)) => {
                    current = safe_relative(target).ok_or_else(|| unsafe_path(target))?;
                }
                Some(MemberKind::Symlink(target)) => {
                    if target.starts_with('/') {
                        return Err(unsafe_path(target));
                    }
                    let dir = current.rsplit_once('/').map_or("", |(d, _)| d);
                    let mut comps: Vec<&str> = dir.split('/').filter(|c| !c.is_empty()).collect();
                    for c in target.split('/') {
                        match c {
                            "" | "." => {}
                            ".." => {
                                if comps.pop().is_none() {
                                    return Err(unsafe_path(target));
                                }
                            }
                            c => comps.push(c),
                        }
                    }
                    current = comps.join("/");
                }
            }
        }
        Err(Error::malformed(
            &self.label,
            format!("more than {MAX_HOPS} links to follow from member {name}"),
        ))
    }
}

impl BlobSource for TarArchive {
    fn describe(&self) -> String {
        self.label.clone()
    }
    fn open_blob(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>> {
        self.open_file(&digest.blob_path())
            .map_err(|e| io::Error::other(e.to_string()))
    }
    fn blob_size(&self, digest: &Digest) -> Option<u64> {
        self.file_size(&digest.blob_path())
    }
}

impl Archive for TarArchive {
    fn open_file(&self, name: &str) -> Result<Option<Box<dyn Read + '_>>, Error> {
        Ok(self.resolve(name)?.map(|(offset, size)| {
            Box::new(MemberReader {
                file: &self.file,
                pos: offset,
                end: offset + size,
            }) as Box<dyn Read>
        }))
    }
    fn file_size(&self, name: &str) -> Option<u64> {
        self.resolve(name).ok().flatten().map(|(_, size)| size)
    }
}

/// Reads `[pos, end)` of a file with positional reads (no shared cursor).
struct MemberReader<'a> {
    file: &'a File,
    pos: u64,
    end: u64,
}

impl Read for MemberReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        if left == 0 || buf.is_empty() {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = read_at(self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, pos)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], pos: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, pos)
}
