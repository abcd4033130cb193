//! Reads one layer in a single pass: the stored bytes are hashed (blob digest) and counted,
//! decompressed (sniffed by magic bytes), hashed again (diff ID), capped, and parsed as a tar
//! whose headers become [`Entry`]s. Bodies are skipped, except the small files rules read.

use crate::digest::{Algorithm, Digest, Hasher};
use crate::error::Error;
use crate::model::{Compression, Entry, EntryKind, Hazard, Layer};
use crate::options::Limits;
use std::cell::RefCell;
use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read};
use std::rc::Rc;

/// What is expected of a layer blob (from its descriptor and the config).
pub(crate) struct Expect {
    pub digest: Option<Digest>,
    pub size: Option<u64>,
    pub diff_id: Option<String>,
    pub media_type: String,
}

/// Running totals of one image, shared by its layers.
#[derive(Default)]
pub(crate) struct Budget {
    pub entries: u64,
    pub bytes: u64,
    pub content: u64,
    pub content_dropped: bool,
}

/// Hashes, counts and (optionally) caps the bytes read through it.
struct Tap<R> {
    inner: R,
    state: Rc<RefCell<TapState>>,
}

struct TapState {
    hasher: Option<Hasher>,
    count: u64,
    /// (max bytes, limit name): reading past it fails and records the name.
    cap: Option<(u64, &'static str)>,
    tripped: Option<(&'static str, u64)>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut s = self.state.borrow_mut();
        s.count += n as u64;
        if let Some((max, name)) = s.cap
            && s.count > max
        {
            s.tripped = Some((name, max));
            return Err(io::Error::other(format!("safety limit {name} exceeded")));
        }
        if let Some(h) = s.hasher.as_mut() {
            h.update(&buf[..n]);
        }
        Ok(n)
    }
}

fn tap<R>(
    inner: R,
    algorithm: Algorithm,
    cap: Option<(u64, &'static str)>,
) -> (Tap<R>, Rc<RefCell<TapState>>) {
    let state = Rc::new(RefCell::new(TapState {
        hasher: Some(Hasher::new(algorithm)),
        count: 0,
        cap,
        tripped: None,
    }));
    (
        Tap {
            inner,
            state: state.clone(),
        },
        state,
    )
}

type Stored<'a> = BufReader<Tap<Box<dyn Read + 'a>>>;

/// The decompressor chosen by magic bytes.
enum Decoder<'a> {
    Plain(Stored<'a>),
    Gzip(Box<flate2::bufread::MultiGzDecoder<Stored<'a>>>),
    Zstd(zstd::stream::read::Decoder<'static, Stored<'a>>),
}

impl Read for Decoder<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Decoder::Plain(r) => r.read(buf),
            Decoder::Gzip(r) => r.read(buf),
            Decoder::Zstd(r) => r.read(buf),
        }
    }
}

impl<'a> Decoder<'a> {
    fn into_stored(self) -> Stored<'a> {
        match self {
            Decoder::Plain(r) => r,
            Decoder::Gzip(r) => r.into_inner(),
            Decoder::Zstd(r) => r.finish(),
        }
    }
}

/// The compression of a stream by its first bytes.
pub(crate) fn sniff(head: &[u8]) -> Result<Compression, &'static str> {
    if head.starts_with(&[0x1f, 0x8b]) {
        Ok(Compression::Gzip)
    } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
    {
        Ok(Compression::Zstd)
    } else if head.starts_with(b"BZh") {
        Err("bzip2")
    } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
        Err("xz")
    } else {
        Ok(Compression::None)
    }
}

/// Reads a layer blob completely, verifying what `expect` says.
pub(crate) fn read_layer(
    reader: Box<dyn Read + '_>,
    index: usize,
    expect: Expect,
    limits: &Limits,
    budget: &mut Budget,
    warnings: &mut Vec<String>,
) -> Result<Layer, Error> {
    let short = |d: &str| {
        let hex = d.split_once(':').map_or(d, |(_, h)| h);
        hex[..hex.len().min(12)].to_string()
    };
    let label_digest = expect
        .digest
        .as_ref()
        .map(|d| d.as_str().to_string())
        .or_else(|| expect.diff_id.clone())
        .unwrap_or_default();
    let what = format!("layer {index} (sha256:{})", short(&label_digest));
    let alg = expect
        .digest
        .as_ref()
        .map_or(Algorithm::Sha256, Digest::algorithm);

    let (stored_tap, stored) = tap(reader, alg, None);
    let mut buffered = BufReader::with_capacity(256 * 1024, stored_tap);
    let head = buffered
        .fill_buf()
        .map_err(|e| Error::io(what.clone(), e))?
        .to_vec();
    let compression = sniff(&head).map_err(|c| Error::Unsupported {
        what: what.clone(),
        reason: format!("{c}-compressed layer (OCI layers are plain, gzip or zstd tar)"),
    })?;

    let layer_room = limits.max_layer_bytes;
    let image_room = limits.max_image_bytes.saturating_sub(budget.bytes);
    let cap = if image_room < layer_room {
        (image_room, "max_image_bytes", limits.max_image_bytes)
    } else {
        (layer_room, "max_layer_bytes", limits.max_layer_bytes)
    };
    let decoder = match compression {
        Compression::None => Decoder::Plain(buffered),
        Compression::Gzip => {
            Decoder::Gzip(Box::new(flate2::bufread::MultiGzDecoder::new(buffered)))
        }
        Compression::Zstd => Decoder::Zstd(
            zstd::stream::read::Decoder::with_buffer(buffered)
                .map_err(|e| Error::io(what.clone(), e))?,
        ),
    };
    let (tar_tap, tar_state) = tap(decoder, Algorithm::Sha256, Some((cap.0, cap.1)));

    let limit_error = |state: &Rc<RefCell<TapState>>| {
        state
            .borrow()
            .tripped
            .map(|(name, _)| Error::LimitExceeded {
                what: format!("{what}: uncompressed bytes"),
                limit: name,
                value: if name == "max_image_bytes" {
                    limits.max_image_bytes
                } else {
                    limits.max_layer_bytes
                },
            })
    };
    let stream_error = |e: io::Error, state: &Rc<RefCell<TapState>>| {
        if compression == Compression::Zstd && e.to_string().contains("too much memory") {
            return Error::Unsupported {
                what: what.clone(),
                reason: "a zstd frame needs a window above 128 MiB; the limit is a memory \
                         guard and is not raised"
                    .into(),
            };
        }
        limit_error(state).unwrap_or_else(|| {
            Error::malformed(
                what.clone(),
                format!("cannot read the layer (truncated or corrupt blob?): {e}"),
            )
        })
    };

    let mut archive = tar::Archive::new(tar_tap);
    let mut entries = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    {
        let iter = archive.entries().map_err(|e| stream_error(e, &tar_state))?;
        for item in iter {
            let mut te = item.map_err(|e| stream_error(e, &tar_state))?;
            if te.header().entry_type() == tar::EntryType::XGlobalHeader {
                continue;
            }
            budget.entries += 1;
            if budget.entries > limits.max_entries {
                return Err(Error::LimitExceeded {
                    what: format!("{what}: tar entries in the image"),
                    limit: "max_entries",
                    value: limits.max_entries,
                });
            }
            let mut entry = entry_of(&mut te);
            if entry.kind != EntryKind::Dir
                && !matches!(entry.kind, EntryKind::Whiteout | EntryKind::OpaqueWhiteout)
                && let Some(&prev) = seen.get(&entry.path)
                && entries
                    .get(prev)
                    .is_some_and(|p: &Entry| p.kind != EntryKind::Dir)
            {
                entry.hazard.get_or_insert(Hazard::Duplicate);
            }
            seen.insert(entry.path.clone(), entries.len());
            if entry.kind == EntryKind::File && keeps_content(&entry.path) {
                if budget.content + entry.size.min(limits.max_content_bytes)
                    > limits.max_content_total
                {
                    budget.content_dropped = true;
                } else {
                    let mut buf = Vec::new();
                    (&mut te)
                        .take(limits.max_content_bytes)
                        .read_to_end(&mut buf)
                        .map_err(|e| stream_error(e, &tar_state))?;
                    budget.content += buf.len() as u64;
                    entry.content = Some(buf);
                }
            }
            entries.push(entry);
        }
    }
    // Whatever follows the end-of-archive blocks still counts for the digests.
    let mut decoder = archive.into_inner();
    io::copy(&mut decoder, &mut io::sink()).map_err(|e| stream_error(e, &tar_state))?;
    let mut stored_reader = decoder.inner.into_stored();
    io::copy(&mut stored_reader, &mut io::sink()).map_err(|e| Error::io(what.clone(), e))?;
    drop(stored_reader);

    let (tar_size, diff_id) = {
        let mut s = tar_state.borrow_mut();
        (
            s.count,
            s.hasher.take().map(Hasher::finish).unwrap_or_default(),
        )
    };
    let (stored_size, digest) = {
        let mut s = stored.borrow_mut();
        (
            s.count,
            s.hasher.take().map(Hasher::finish).unwrap_or_default(),
        )
    };
    budget.bytes += tar_size;

    if let Some(size) = expect.size
        && size != stored_size
    {
        return Err(Error::SizeMismatch {
            what,
            expected: size,
            actual: stored_size,
        });
    }
    if let Some(d) = &expect.digest
        && d.as_str() != digest
    {
        return Err(Error::DigestMismatch {
            what,
            expected: d.to_string(),
            actual: digest,
        });
    }
    match &expect.diff_id {
        Some(d) if *d != diff_id => {
            return Err(Error::DiffIdMismatch {
                what,
                expected: d.clone(),
                actual: diff_id,
            });
        }
        None => warnings.push(format!(
            "{what}: no diff ID in the config to check it against"
        )),
        _ => {}
    }
    Ok(Layer {
        index,
        digest,
        diff_id,
        media_type: expect.media_type,
        compression,
        stored_size,
        tar_size,
        history: None,
        entries,
    })
}

/// One tar header as an [`Entry`], with its name normalised and its hazards noted.
fn entry_of<R: Read>(te: &mut tar::Entry<'_, R>) -> Entry {
    let raw = te.path_bytes().into_owned();
    let link_raw = te.link_name_bytes().map(|l| l.into_owned());
    let header = te.header();
    let ty = header.entry_type();
    let mode = header.mode().unwrap_or(0) & 0o7777;
    let uid = header.uid().unwrap_or(0);
    let gid = header.gid().unwrap_or(0);
    let dev = (
        header.device_major().ok().flatten().unwrap_or(0),
        header.device_minor().ok().flatten().unwrap_or(0),
    );
    let size = te.size();
    let mut xattrs = Vec::new();
    if let Ok(Some(pax)) = te.pax_extensions() {
        for ext in pax.flatten() {
            if let Some(name) = ext.key_bytes().strip_prefix(b"SCHILY.xattr.") {
                xattrs.push((
                    String::from_utf8_lossy(name).into_owned(),
                    ext.value_bytes().to_vec(),
                ));
            }
        }
    }

    let mut hazard = None;
    let name = match std::str::from_utf8(&raw) {
        Ok(s) => s.to_string(),
        Err(_) => {
            hazard = Some(Hazard::NonUtf8Name);
            String::from_utf8_lossy(&raw).into_owned()
        }
    };
    let (path, name_hazard) = normalize(&name);
    if name_hazard.is_some() {
        hazard = name_hazard;
    }

    let mut kind = match ty {
        tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
            EntryKind::File
        }
        tar::EntryType::Directory => EntryKind::Dir,
        tar::EntryType::Symlink => EntryKind::Symlink,
        tar::EntryType::Link => EntryKind::Hardlink,
        tar::EntryType::Char => EntryKind::CharDevice,
        tar::EntryType::Block => EntryKind::BlockDevice,
        tar::EntryType::Fifo => EntryKind::Fifo,
        _ => EntryKind::Other,
    };
    let mut path = path;
    let (dir, base) = path
        .rsplit_once('/')
        .map_or((String::new(), path.clone()), |(d, b)| {
            (d.to_string(), b.to_string())
        });
    if let Some(rest) = base.strip_prefix(".wh.") {
        if rest == ".wh..opq" {
            kind = EntryKind::OpaqueWhiteout;
            path = dir;
        } else if rest.starts_with(".wh.") {
            kind = EntryKind::Other; // AUFS metadata (.wh..wh.plnk, .wh..wh.aufs)
        } else if rest.is_empty() {
            kind = EntryKind::Other;
            hazard.get_or_insert(Hazard::BadWhiteout);
        } else {
            kind = EntryKind::Whiteout;
            path = if dir.is_empty() {
                rest.to_string()
            } else {
                format!("{dir}/{rest}")
            };
        }
    }
    if kind == EntryKind::CharDevice && dev == (0, 0) {
        hazard.get_or_insert(Hazard::OverlayWhiteout);
    }

    let link = match (kind, link_raw) {
        (EntryKind::Symlink, Some(l)) => {
            let target = String::from_utf8_lossy(&l).into_owned();
            if symlink_escapes(&path, &target) {
                hazard.get_or_insert(Hazard::LinkEscape);
            }
            Some(target)
        }
        (EntryKind::Hardlink, Some(l)) => {
            let target = String::from_utf8_lossy(&l).into_owned();
            let (norm, h) = normalize(&target);
            if h.is_some() {
                hazard.get_or_insert(Hazard::LinkEscape);
            }
            Some(norm)
        }
        _ => None,
    };
    Entry {
        path,
        kind,
        mode,
        uid,
        gid,
        size: if kind == EntryKind::File { size } else { 0 },
        link,
        xattrs,
        content: None,
        hazard,
    }
}

/// Normalises a member name: relative, `/`-separated, no `./`, `..` resolved lexically and
/// clamped at the root. Says whether the name was absolute or climbed above the root.
pub(crate) fn normalize(name: &str) -> (String, Option<Hazard>) {
    let mut hazard = None;
    if name.starts_with('/') {
        hazard = Some(Hazard::AbsoluteName);
    }
    let mut comps: Vec<&str> = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if comps.pop().is_none() {
                    hazard = Some(Hazard::ParentTraversal);
                }
            }
            c => comps.push(c),
        }
    }
    (comps.join("/"), hazard)
}

/// A relative symlink target that climbs above the image root from the link's directory.
fn symlink_escapes(path: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return false; // resolved against the image root
    }
    let mut depth = path
        .split('/')
        .filter(|c| !c.is_empty())
        .count()
        .saturating_sub(1);
    for c in target.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if depth == 0 {
                    return true;
                }
                depth -= 1;
            }
            _ => depth += 1,
        }
    }
    false
}

/// Whether a file's body is kept in [`Entry::content`]: account and sudo files, and files
/// whose name says secret or credential.
pub fn keeps_content(path: &str) -> bool {
    const EXACT: &[&str] = &[
        "etc/passwd",
        "etc/shadow",
        "etc/group",
        "etc/gshadow",
        "etc/master.passwd",
        "etc/sudoers",
        "etc/os-release",
        "usr/lib/os-release",
        "etc/login.defs",
    ];
    const ACCOUNT_FILES: &[&str] = &["passwd", "shadow", "group", "gshadow", "master.passwd"];
    const NAMES: &[&str] = &[
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        ".npmrc",
        ".netrc",
        "_netrc",
        ".git-credentials",
        ".pypirc",
        ".env",
        ".htpasswd",
        ".pgpass",
        ".vault-token",
        ".dockercfg",
    ];
    if EXACT.contains(&path) || path.starts_with("etc/sudoers.d/") {
        return true;
    }
    let base = path.rsplit('/').next().unwrap_or(path);
    // Account files reached through a symlink (`etc/passwd -> /data/passwd`) keep theirs too.
    ACCOUNT_FILES.contains(&base)
        || NAMES.contains(&base)
        || base.ends_with(".pem")
        || base.ends_with(".key")
        || path.ends_with(".aws/credentials")
        || path.ends_with(".docker/config.json")
        || seguro_secrets::secret_file_kind(path).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_names() {
        assert_eq!(normalize("./etc/passwd"), ("etc/passwd".into(), None));
        assert_eq!(
            normalize("/etc/passwd"),
            ("etc/passwd".into(), Some(Hazard::AbsoluteName))
        );
        assert_eq!(
            normalize("../../etc/x"),
            ("etc/x".into(), Some(Hazard::ParentTraversal))
        );
        assert_eq!(normalize("a/../b/"), ("b".into(), None));
        assert_eq!(normalize("./"), (String::new(), None));
    }

    #[test]
    fn escapes() {
        assert!(symlink_escapes("etc/x", "../../host"));
        assert!(!symlink_escapes("etc/x", "../usr/lib/x"));
        assert!(!symlink_escapes("etc/x", "/../../x"));
        assert!(symlink_escapes("x", ".."));
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8]), Ok(Compression::Gzip));
        assert_eq!(sniff(&[0x28, 0xb5, 0x2f, 0xfd]), Ok(Compression::Zstd));
        assert_eq!(sniff(&[0x50, 0x2a, 0x4d, 0x18]), Ok(Compression::Zstd));
        assert_eq!(sniff(b"BZh91AY"), Err("bzip2"));
        assert_eq!(sniff(&[0xfd, b'7', b'z', b'X', b'Z', 0]), Err("xz"));
        assert_eq!(sniff(b"etc/"), Ok(Compression::None));
    }

    #[test]
    fn content_allowlist() {
        for p in [
            "etc/passwd",
            "etc/sudoers.d/app",
            "root/.ssh/id_rsa",
            "app/.env",
            "home/u/.aws/credentials",
            "root/.docker/config.json",
            "srv/tls.key",
        ] {
            assert!(keeps_content(p), "{p}");
        }
        for p in ["usr/bin/ls", "etc/hosts", "etc/ssl/certs/ca.crt"] {
            assert!(!keeps_content(p), "{p}");
        }
    }
}
