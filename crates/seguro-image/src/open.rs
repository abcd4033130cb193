//! Opening an image: sniff what the path is, find the manifest (OCI index → nested indexes →
//! platform, or `docker save`'s `manifest.json`), read the config, stream every layer once.

use crate::config::{map_history, parse_config};
use crate::digest::Digest;
use crate::error::Error;
use crate::layer::{Budget, Expect, read_layer, sniff};
use crate::model::{Compression, Image, Layer, SourceFormat};
use crate::options::{Limits, Options};
use crate::source::{Archive, BlobSource, DirArchive, TarArchive, safe_relative};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

const INDEX_TYPES: &[&str] = &[
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];
const MANIFEST_TYPES: &[&str] = &[
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
];
const CONFIG_TYPES: &[&str] = &[
    "application/vnd.oci.image.config.v1+json",
    "application/vnd.docker.container.image.v1+json",
];
/// Nested indexes followed before giving up: depth, and count (an index listing the same
/// nested index thousands of times must not make us read it thousands of times).
const MAX_INDEX_DEPTH: usize = 8;
const MAX_INDEXES: usize = 256;

#[derive(Deserialize, Clone, Default, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    pub media_type: Option<String>,
    pub digest: Option<String>,
    pub size: Option<i64>,
    pub annotations: Option<BTreeMap<String, Value>>,
    pub platform: Option<Platform>,
    pub artifact_type: Option<String>,
}

#[derive(Deserialize, Clone, Default, Debug)]
pub(crate) struct Platform {
    pub architecture: Option<String>,
    pub os: Option<String>,
    pub variant: Option<String>,
}

impl Platform {
    fn label(&self) -> String {
        let mut s = format!(
            "{}/{}",
            self.os.as_deref().unwrap_or(""),
            self.architecture.as_deref().unwrap_or("")
        );
        if let Some(v) = self.variant.as_deref().filter(|v| !v.is_empty()) {
            s.push('/');
            s.push_str(v);
        }
        s
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct IndexOrManifest {
    media_type: Option<String>,
    manifests: Option<Vec<Descriptor>>,
    config: Option<Descriptor>,
    layers: Option<Vec<Descriptor>>,
    annotations: Option<BTreeMap<String, Value>>,
    artifact_type: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry {
    config: Option<String>,
    repo_tags: Option<Vec<Option<String>>>,
    layers: Option<Vec<Option<String>>>,
    layer_sources: Option<BTreeMap<String, Descriptor>>,
}

fn annotation<'a>(d: &'a Descriptor, key: &str) -> Option<&'a str> {
    d.annotations.as_ref()?.get(key)?.as_str()
}

fn string_map(m: Option<BTreeMap<String, Value>>) -> BTreeMap<String, String> {
    m.unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
        .collect()
}

fn size_of(d: &Descriptor) -> Option<u64> {
    d.size.and_then(|s| u64::try_from(s).ok())
}

/// Opens an image: an OCI layout directory, or a file (`docker save` tarball in any of its
/// three shapes, or an oci-archive; gzip/zstd-compressed outer files are accepted), or `-`
/// for standard input. Every layer is read once and verified; see [`Options`] for the caps.
pub fn open(path: &Path, options: &Options) -> Result<Image, Error> {
    let label = path.display().to_string();
    if path == Path::new("-") {
        return open_reader(&mut io::stdin().lock(), "standard input", options);
    }
    let meta = std::fs::metadata(path).map_err(|e| Error::io(&label, e))?;
    if meta.is_dir() {
        let archive = DirArchive::new(path);
        let mut image = read_archive(&archive, &label, false, options)?;
        image.source = label;
        return Ok(image);
    }
    let file = File::open(path).map_err(|e| Error::io(&label, e))?;
    open_file(file, &label, options)
}

/// Opens an image tar (any shape [`open`] accepts, compressed or not) from a stream: it is
/// spooled to a temporary file first (at most `limits.max_image_bytes`), because reading
/// needs random access. `label` names the stream in messages.
pub fn open_reader(reader: &mut dyn Read, label: &str, options: &Options) -> Result<Image, Error> {
    let mut spool = tempfile::tempfile().map_err(|e| Error::io("temporary file", e))?;
    copy_capped(reader, &mut spool, options.limits.max_image_bytes, label)?;
    spool
        .seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(label, e))?;
    open_file(spool, label, options)
}

fn copy_capped(from: &mut dyn Read, to: &mut File, cap: u64, what: &str) -> Result<(), Error> {
    let n = io::copy(&mut from.take(cap.saturating_add(1)), to).map_err(|e| Error::io(what, e))?;
    if n > cap {
        return Err(Error::LimitExceeded {
            what: format!("{what}: uncompressed size"),
            limit: "max_image_bytes",
            value: cap,
        });
    }
    to.flush().map_err(|e| Error::io(what, e))?;
    Ok(())
}

/// Opens an image tar file, spooling it decompressed to a temporary file when compressed.
fn open_file(mut file: File, label: &str, options: &Options) -> Result<Image, Error> {
    let mut head = [0u8; 8];
    let n = read_head(&mut file, &mut head).map_err(|e| Error::io(label, e))?;
    file.seek(SeekFrom::Start(0))
        .map_err(|e| Error::io(label, e))?;
    let compression = sniff(&head[..n]).map_err(|c| Error::Unsupported {
        what: label.to_string(),
        reason: format!("{c}-compressed archive; decompress it first"),
    })?;
    let file = match compression {
        Compression::None => file,
        Compression::Gzip | Compression::Zstd => {
            let mut spool = tempfile::tempfile().map_err(|e| Error::io("temporary file", e))?;
            let input = io::BufReader::new(file);
            let mut dec: Box<dyn Read> = if compression == Compression::Gzip {
                Box::new(flate2::bufread::MultiGzDecoder::new(input))
            } else {
                Box::new(
                    zstd::stream::read::Decoder::with_buffer(input)
                        .map_err(|e| Error::io(label, e))?,
                )
            };
            copy_capped(&mut dec, &mut spool, options.limits.max_image_bytes, label)?;
            spool
                .seek(SeekFrom::Start(0))
                .map_err(|e| Error::io(label, e))?;
            spool
        }
    };
    let archive = TarArchive::index(file, label, &options.limits)?;
    let mut image = read_archive(&archive, label, true, options)?;
    image.source = label.to_string();
    Ok(image)
}

fn read_head(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Reads a JSON document of at most `limits.max_json_bytes`.
fn read_json_capped(reader: &mut dyn Read, what: &str, limits: &Limits) -> Result<Vec<u8>, Error> {
    let mut buf = Vec::new();
    reader
        .take(limits.max_json_bytes.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Error::io(what, e))?;
    if buf.len() as u64 > limits.max_json_bytes {
        return Err(Error::LimitExceeded {
            what: what.to_string(),
            limit: "max_json_bytes",
            value: limits.max_json_bytes,
        });
    }
    Ok(buf)
}

/// Reads a small blob (index, manifest, config) and verifies its digest and size.
fn read_small_blob(
    source: &dyn BlobSource,
    descriptor: &Descriptor,
    what: &str,
    manifest: bool,
    limits: &Limits,
) -> Result<(Digest, Vec<u8>), Error> {
    let digest = descriptor_digest(descriptor, what)?;
    let what = format!("{what} {digest}");
    let size = size_of(descriptor);
    let opened = if manifest {
        source.open_manifest(&digest, size)
    } else {
        source.open_blob(&digest, size)
    }
    .map_err(|e| Error::io(&what, e))?;
    let Some(mut reader) = opened else {
        return Err(Error::MissingBlob {
            what: format!("{}: {what}", source.describe()),
            digest: digest.to_string(),
        });
    };
    let bytes = read_json_capped(&mut reader, &what, limits)?;
    verify(&digest, size, &bytes, &what)?;
    Ok((digest, bytes))
}

fn verify(digest: &Digest, size: Option<u64>, bytes: &[u8], what: &str) -> Result<(), Error> {
    let mut h = crate::digest::Hasher::new(digest.algorithm());
    h.update(bytes);
    let actual = h.finish();
    if actual != digest.as_str() {
        return Err(Error::DigestMismatch {
            what: what.to_string(),
            expected: digest.to_string(),
            actual,
        });
    }
    if let Some(size) = size
        && size != bytes.len() as u64
    {
        return Err(Error::SizeMismatch {
            what: what.to_string(),
            expected: size,
            actual: bytes.len() as u64,
        });
    }
    Ok(())
}

fn descriptor_digest(d: &Descriptor, what: &str) -> Result<Digest, Error> {
    let text = d.digest.as_deref().unwrap_or("");
    Digest::parse(text).ok_or_else(|| Error::InvalidDigest {
        what: what.to_string(),
        digest: text.to_string(),
    })
}

fn parse_json<'a, T: Deserialize<'a>>(bytes: &'a [u8], what: &str) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::malformed(what, e.to_string()))
}

/// Reads the image in an archive (directory or tar).
fn read_archive(
    archive: &dyn Archive,
    label: &str,
    is_tar: bool,
    options: &Options,
) -> Result<Image, Error> {
    let limits = &options.limits;
    let docker_manifest = match archive.open_file("manifest.json")? {
        Some(mut r) => {
            let bytes = read_json_capped(&mut r, &format!("{label}: manifest.json"), limits)?;
            let entries: Option<Vec<Option<DockerManifestEntry>>> =
                parse_json(&bytes, &format!("{label}: manifest.json"))?;
            Some(
                entries
                    .unwrap_or_default()
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>(),
            )
        }
        None => None,
    };
    let index = match archive.open_file("index.json")? {
        Some(mut r) => Some(read_json_capped(
            &mut r,
            &format!("{label}: index.json"),
            limits,
        )?),
        None => None,
    };

    match (docker_manifest, index) {
        (None, None) => Err(Error::NotAnImage {
            what: label.to_string(),
            reason: "no index.json (OCI layout) and no manifest.json (docker save)".into(),
        }),
        (None, Some(index)) => {
            let mut image = read_oci(archive, &index, options)?;
            image.format = Some(if is_tar {
                SourceFormat::OciArchive
            } else {
                SourceFormat::OciLayout
            });
            Ok(image)
        }
        (Some(entries), index) => {
            let Some(first) = entries.first() else {
                return Err(Error::malformed(
                    format!("{label}: manifest.json"),
                    "no image in it",
                ));
            };
            let mut extra = Vec::new();
            if entries.len() > 1 {
                extra.push(format!(
                    "{label}: the archive holds {} images; read the first ({})",
                    entries.len(),
                    first
                        .repo_tags
                        .iter()
                        .flatten()
                        .flatten()
                        .next()
                        .map_or("untagged", String::as_str)
                ));
            }
            let names: Vec<String> = first
                .repo_tags
                .iter()
                .flatten()
                .flatten()
                .cloned()
                .collect();
            // Docker 25+: an OCI layout inside. Use it (it has media types and the manifest
            // digest) when it agrees with manifest.json; else manifest.json alone.
            if let Some(index) = index {
                let config_digest = first
                    .config
                    .as_deref()
                    .and_then(|c| c.strip_prefix("blobs/"))
                    .map(|c| c.replacen('/', ":", 1));
                match read_oci_matching(archive, &index, options, config_digest.as_deref()) {
                    Ok(mut image) => {
                        let nested = image.format == Some(SourceFormat::DockerSaveContainerd);
                        image.format = Some(if nested || !archive.has("repositories") {
                            SourceFormat::DockerSaveContainerd
                        } else {
                            SourceFormat::DockerSaveOci
                        });
                        if !names.is_empty() {
                            image.names = names;
                        }
                        image.warnings.splice(0..0, extra);
                        return Ok(image);
                    }
                    Err(OciAttempt::Fatal(e)) => return Err(e),
                    Err(OciAttempt::Unusable(why)) => {
                        extra.push(format!(
                            "{label}: index.json not used ({why}); read manifest.json instead"
                        ));
                    }
                }
            }
            let mut image = read_docker_manifest(archive, label, first, options)?;
            image.names = names;
            image.warnings.splice(0..0, extra);
            Ok(image)
        }
    }
}

/// Why the OCI layout inside a docker save could not be used.
enum OciAttempt {
    /// Tampering or a cap: stop.
    Fatal(Error),
    /// A known writer bug or mismatch: fall back to manifest.json.
    Unusable(String),
}

fn read_oci_matching(
    source: &dyn BlobSource,
    index: &[u8],
    options: &Options,
    config_digest: Option<&str>,
) -> Result<Image, OciAttempt> {
    let selected = match select(source, index, options) {
        Ok(s) => s,
        Err(e @ (Error::Malformed { .. } | Error::MissingBlob { .. } | Error::Platform { .. })) => {
            return Err(OciAttempt::Unusable(e.to_string()));
        }
        Err(e) => return Err(OciAttempt::Fatal(e)),
    };
    let nested = selected.nested;
    let manifest: IndexOrManifest = parse_json(&selected.manifest, "manifest")
        .map_err(|e| OciAttempt::Unusable(e.to_string()))?;
    let mc = manifest.config.as_ref().and_then(|c| c.digest.as_deref());
    if config_digest.is_some() && mc != config_digest {
        return Err(OciAttempt::Unusable(
            "its manifest names another config than manifest.json".into(),
        ));
    }
    let mut image = read_manifest(source, selected, options).map_err(|e| match e {
        Error::Malformed { .. } => OciAttempt::Unusable(e.to_string()),
        e => OciAttempt::Fatal(e),
    })?;
    if nested {
        image.format = Some(SourceFormat::DockerSaveContainerd);
    }
    Ok(image)
}

/// Reads an OCI image from any [`BlobSource`], starting at an image index or image manifest
/// (the bytes of `index.json`, or what a registry served for a tag). Nested indexes are
/// followed, a platform is picked (see [`Options::platform`]), attestation manifests and
/// non-image artifacts are skipped, then the manifest's config and layers are read and
/// verified. `format` and `source` of the result are left for the caller to set.
pub fn read_oci(source: &dyn BlobSource, root: &[u8], options: &Options) -> Result<Image, Error> {
    let selected = select(source, root, options)?;
    read_manifest(source, selected, options)
}

/// The manifest picked from an index.
struct Selected {
    digest: Option<Digest>,
    manifest: Vec<u8>,
    names: Vec<String>,
    platform: Option<String>,
    /// Found through a nested index.
    nested: bool,
    warnings: Vec<String>,
}

struct Candidate {
    descriptor: Descriptor,
    names: Vec<String>,
    depth: usize,
}

fn is_attestation(d: &Descriptor) -> bool {
    annotation(d, "vnd.docker.reference.type") == Some("attestation-manifest")
        || d.platform.as_ref().is_some_and(|p| {
            p.os.as_deref() == Some("unknown") && p.architecture.as_deref() == Some("unknown")
        })
}

/// A cosign signature, attestation or SBOM stored beside the image under cosign's tag
/// convention (`sha256-<hex>.sig`): not an image to inspect.
fn is_cosign_artifact(names: &[String]) -> bool {
    names.iter().any(|n| {
        let tag = n.rsplit(':').next().unwrap_or(n);
        tag.strip_prefix("sha256-")
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(hex, kind)| {
                hex.len() == 64
                    && hex.bytes().all(|b| b.is_ascii_hexdigit())
                    && matches!(kind, "sig" | "att" | "sbom")
            })
    })
}

fn names_of(d: &Descriptor) -> Vec<String> {
    let mut names = Vec::new();
    for key in [
        "io.containerd.image.name",
        "org.opencontainers.image.ref.name",
    ] {
        if let Some(n) = annotation(d, key)
            && !names
                .iter()
                .any(|x: &String| x == n || x.ends_with(&format!(":{n}")))
        {
            names.push(n.to_string());
        }
    }
    names
}

/// Walks the index (and nested indexes) to the manifest to read.
fn select(source: &dyn BlobSource, root: &[u8], options: &Options) -> Result<Selected, Error> {
    let limits = &options.limits;
    let what = format!("{}: index.json", source.describe());
    let top: IndexOrManifest = parse_json(root, &what)?;
    if top.manifests.is_none() && top.layers.is_some() {
        // The root is a manifest itself (a registry tag pointing at one).
        return Ok(Selected {
            digest: Some(Digest::of(root)),
            manifest: root.to_vec(),
            names: Vec::new(),
            platform: None,
            nested: false,
            warnings: Vec::new(),
        });
    }
    let mut warnings = Vec::new();
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut visited = std::collections::HashSet::new();
    let mut queue: Vec<(Descriptor, Vec<String>, usize)> = top
        .manifests
        .unwrap_or_default()
        .into_iter()
        .map(|d| {
            let n = names_of(&d);
            (d, n, 0)
        })
        .collect();
    queue.reverse();
    while let Some((d, names, depth)) = queue.pop() {
        if is_attestation(&d) || is_cosign_artifact(&names) {
            continue;
        }
        let mt = d.media_type.clone().unwrap_or_default();
        if INDEX_TYPES.contains(&mt.as_str()) {
            if depth >= MAX_INDEX_DEPTH {
                return Err(Error::malformed(what, "image indexes nested too deep"));
            }
            if !visited.insert(d.digest.clone().unwrap_or_default()) {
                continue;
            }
            if visited.len() > MAX_INDEXES {
                return Err(Error::malformed(
                    what,
                    format!("more than {MAX_INDEXES} nested image indexes"),
                ));
            }
            let (_, bytes) = match read_small_blob(source, &d, "image index", true, limits) {
                Ok(x) => x,
                Err(Error::MissingBlob { what, digest }) => {
                    warnings.push(format!("{what}: nested index {digest} is missing; skipped"));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let nested: IndexOrManifest = parse_json(&bytes, "image index")?;
            let mut inner: Vec<_> = nested
                .manifests
                .unwrap_or_default()
                .into_iter()
                .map(|c| {
                    let mut n = names_of(&c);
                    if n.is_empty() {
                        n = names.clone();
                    }
                    (c, n, depth + 1)
                })
                .collect();
            inner.reverse();
            queue.extend(inner);
        } else if MANIFEST_TYPES.contains(&mt.as_str()) || d.media_type.is_none() {
            if d.artifact_type.is_some() {
                continue; // a signature, an SBOM…: not a runnable image
            }
            if let Some(c) = candidates
                .iter_mut()
                .find(|c| c.descriptor.digest == d.digest)
            {
                for n in names {
                    if !c.names.contains(&n) {
                        c.names.push(n);
                    }
                }
                continue;
            }
            candidates.push(Candidate {
                descriptor: d,
                names,
                depth,
            });
        }
        // Unknown media types are skipped (the spec says so).
    }
    if candidates.is_empty() {
        return Err(Error::malformed(what, "no image manifest in the index"));
    }
    let label = |c: &Candidate| c.descriptor.platform.as_ref().map(Platform::label);
    let available: Vec<String> = candidates
        .iter()
        .map(|c| label(c).unwrap_or_else(|| "unspecified".into()))
        .collect();
    let chosen = match &options.platform {
        Some(want) => candidates
            .iter()
            .position(|c| label(c).is_some_and(|l| platform_matches(&l, want)))
            .or_else(|| {
                // One image without a platform in its descriptor: checked against its config later.
                (candidates.len() == 1 && label(&candidates[0]).is_none()).then_some(0)
            })
            .ok_or_else(|| Error::Platform {
                what: what.clone(),
                requested: Some(want.clone()),
                available: available.clone(),
            })?,
        None if candidates.len() == 1 => 0,
        None => {
            let mut distinct = available.clone();
            distinct.sort();
            distinct.dedup();
            candidates
                .iter()
                .position(|c| label(c).is_some_and(|l| platform_matches(&l, "linux/amd64")))
                .or_else(|| (distinct.len() == 1).then_some(0))
                .ok_or_else(|| Error::Platform {
                    what: what.clone(),
                    requested: None,
                    available: available.clone(),
                })?
        }
    };
    let c = candidates.swap_remove(chosen);
    if options.platform.is_none() && available.len() > 1 {
        warnings.push(format!(
            "{what}: {} images ({}); read {}",
            available.len(),
            available.join(", "),
            label(&c).unwrap_or_else(|| "the first".into())
        ));
    }
    let (digest, manifest) =
        match read_small_blob(source, &c.descriptor, "image manifest", true, limits) {
            Ok(x) => x,
            Err(Error::MissingBlob { what, digest }) => {
                return Err(Error::MissingBlob {
                    what: format!(
                        "{what} (platform {})",
                        label(&c).unwrap_or_else(|| "unspecified".into())
                    ),
                    digest,
                });
            }
            Err(e) => return Err(e),
        };
    Ok(Selected {
        digest: Some(digest),
        manifest,
        platform: label(&c),
        names: c.names,
        nested: c.depth > 0,
        warnings,
    })
}

/// `linux/arm64` matches `linux/arm64/v8`; a requested variant must match exactly.
fn platform_matches(have: &str, want: &str) -> bool {
    let h: Vec<&str> = have.split('/').collect();
    let w: Vec<&str> = want.split('/').collect();
    w.len() >= 2
        && h.len() >= 2
        && h[0] == w[0]
        && h[1] == w[1]
        && (w.len() == 2 || h.get(2) == w.get(2))
}

/// Reads the manifest's config and layers.
fn read_manifest(
    source: &dyn BlobSource,
    selected: Selected,
    options: &Options,
) -> Result<Image, Error> {
    let limits = &options.limits;
    let mwhat = format!(
        "{}: manifest {}",
        source.describe(),
        selected.digest.as_ref().map_or("", Digest::as_str)
    );
    let manifest: IndexOrManifest = parse_json(&selected.manifest, &mwhat)?;
    if let Some(mt) = &manifest.media_type
        && !MANIFEST_TYPES.contains(&mt.as_str())
    {
        return Err(Error::Unsupported {
            what: mwhat,
            reason: format!("media type {mt} is not an image manifest"),
        });
    }
    let Some(config_desc) = manifest.config.clone() else {
        return Err(Error::malformed(mwhat, "no config descriptor"));
    };
    if let Some(mt) = &config_desc.media_type
        && !CONFIG_TYPES.contains(&mt.as_str())
    {
        return Err(Error::Unsupported {
            what: mwhat,
            reason: format!(
                "an artifact (config media type {mt}{}), not a runnable image",
                manifest
                    .artifact_type
                    .as_deref()
                    .map(|a| format!(", artifact type {a}"))
                    .unwrap_or_default()
            ),
        });
    }
    let (config_digest, config_bytes) =
        read_small_blob(source, &config_desc, "image config", false, limits)?;
    let mut config = parse_config(&config_bytes)
        .map_err(|e| Error::malformed(format!("image config {config_digest}"), e))?;
    let layers_desc = manifest.layers.unwrap_or_default();
    if layers_desc.len() != config.diff_ids.len() {
        return Err(Error::malformed(
            mwhat,
            format!(
                "{} layers but the config lists {} diff IDs",
                layers_desc.len(),
                config.diff_ids.len()
            ),
        ));
    }
    let mut image = Image {
        manifest_digest: selected.digest.map(|d| d.to_string()),
        names: selected.names,
        platform: selected.platform,
        config_digest: config_digest.to_string(),
        annotations: string_map(manifest.annotations),
        warnings: selected.warnings,
        ..Image::default()
    };
    let mut budget = Budget::default();
    for (i, d) in layers_desc.iter().enumerate() {
        let what = format!("layer {i}");
        let digest = descriptor_digest(d, &what)?;
        let media_type = d.media_type.clone().unwrap_or_default();
        let size = size_of(d);
        if let (Some(want), Some(have)) = (size, source.blob_size(&digest))
            && want != have
        {
            return Err(Error::SizeMismatch {
                what: format!("{what} ({digest})"),
                expected: want,
                actual: have,
            });
        }
        let opened = source
            .open_blob(&digest, size)
            .map_err(|e| Error::io(format!("{what} ({digest})"), e))?;
        let Some(reader) = opened else {
            if media_type.contains("foreign") || media_type.contains("nondistributable") {
                image.warnings.push(format!(
                    "{what} ({digest}): foreign layer ({media_type}) not in the archive; its files are not checked"
                ));
                image.layers.push(Layer {
                    index: i,
                    digest: digest.to_string(),
                    diff_id: config.diff_ids[i].clone(),
                    media_type,
                    stored_size: size.unwrap_or(0),
                    ..Layer::default()
                });
                continue;
            }
            return Err(Error::MissingBlob {
                what: format!("{}: {what}", source.describe()),
                digest: digest.to_string(),
            });
        };
        let layer = read_layer(
            reader,
            i,
            Expect {
                digest: Some(digest),
                size,
                diff_id: Some(config.diff_ids[i].clone()),
                media_type,
            },
            limits,
            &mut budget,
            &mut image.warnings,
        )?;
        image.layers.push(layer);
    }
    finish(&mut image, &mut config, &budget);
    image.config = config;
    if image.platform.is_none() {
        image.platform = Some(config_platform(&image.config));
    } else if let Some(want) = &options.platform
        && !platform_matches(&config_platform(&image.config), want)
    {
        image.warnings.push(format!(
            "the config says {} although the index says {want}",
            config_platform(&image.config)
        ));
    }
    Ok(image)
}

fn config_platform(c: &crate::model::ImageConfig) -> String {
    let mut s = format!("{}/{}", c.os, c.architecture);
    if let Some(v) = &c.variant {
        s.push('/');
        s.push_str(v);
    }
    s
}

/// History mapping, link hazards, content notes: what every reader does at the end.
fn finish(image: &mut Image, config: &mut crate::model::ImageConfig, budget: &Budget) {
    let per_layer = map_history(&mut config.history, image.layers.len());
    for (layer, h) in image.layers.iter_mut().zip(per_layer) {
        layer.history = h;
    }
    if budget.content_dropped {
        image.warnings.push(
            "some small files were not kept for checks: the max_content_total limit was reached"
                .into(),
        );
    }
    crate::merged::mark_dangling_hardlinks(&mut image.layers);
}

/// `docker save` read through `manifest.json` alone (legacy shape, or a Docker 25+ archive
/// whose index.json is unusable).
fn read_docker_manifest(
    archive: &dyn Archive,
    label: &str,
    entry: &DockerManifestEntry,
    options: &Options,
) -> Result<Image, Error> {
    let limits = &options.limits;
    let mwhat = format!("{label}: manifest.json");
    let member = |p: &str| {
        safe_relative(p).ok_or_else(|| Error::UnsafePath {
            what: mwhat.clone(),
            path: p.to_string(),
        })
    };
    let config_path = member(entry.config.as_deref().unwrap_or(""))?;
    let Some(mut r) = archive.open_file(&config_path)? else {
        return Err(Error::MissingBlob {
            what: format!("{mwhat}: Config"),
            digest: config_path,
        });
    };
    let cwhat = format!("{label}: {config_path}");
    let config_bytes = read_json_capped(&mut r, &cwhat, limits)?;
    let config_digest = Digest::of(&config_bytes);
    // When the member is named after its digest (`<hex>.json`, `blobs/sha256/<hex>`),
    // the name must not lie.
    let named_hex = config_path
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".json");
    if named_hex.len() == 64
        && named_hex.bytes().all(|b| b.is_ascii_hexdigit())
        && named_hex != config_digest.hex()
    {
        return Err(Error::DigestMismatch {
            what: cwhat,
            expected: format!("sha256:{named_hex}"),
            actual: config_digest.to_string(),
        });
    }
    let mut config = parse_config(&config_bytes).map_err(|e| Error::malformed(&cwhat, e))?;
    let layer_paths: Vec<String> = entry.layers.iter().flatten().flatten().cloned().collect();
    if layer_paths.len() != config.diff_ids.len() {
        return Err(Error::malformed(
            mwhat,
            format!(
                "{} layers but the config lists {} diff IDs",
                layer_paths.len(),
                config.diff_ids.len()
            ),
        ));
    }
    let sources = entry.layer_sources.clone().unwrap_or_default();
    let mut image = Image {
        format: Some(SourceFormat::DockerSaveLegacy),
        config_digest: config_digest.to_string(),
        ..Image::default()
    };
    let mut budget = Budget::default();
    for (i, p) in layer_paths.iter().enumerate() {
        let path = member(p)?;
        let diff_id = config.diff_ids[i].clone();
        // `blobs/sha256/<hex>` names its own digest.
        let named = path
            .strip_prefix("blobs/")
            .map(|rest| rest.replacen('/', ":", 1))
            .and_then(|d| Digest::parse(&d));
        let Some(reader) = archive.open_file(&path)? else {
            if let Some(src) = sources.get(&diff_id) {
                image.warnings.push(format!(
                    "layer {i} ({diff_id}): foreign layer ({}) not in the archive; its files are not checked",
                    src.media_type.as_deref().unwrap_or("unknown type")
                ));
                image.layers.push(Layer {
                    index: i,
                    digest: src.digest.clone().unwrap_or_else(|| diff_id.clone()),
                    diff_id,
                    media_type: src.media_type.clone().unwrap_or_default(),
                    ..Layer::default()
                });
                continue;
            }
            return Err(Error::MissingBlob {
                what: format!("{mwhat}: layer {i}"),
                digest: path,
            });
        };
        let layer = read_layer(
            reader,
            i,
            Expect {
                size: None,
                digest: named,
                diff_id: Some(diff_id),
                media_type: String::new(),
            },
            limits,
            &mut budget,
            &mut image.warnings,
        )?;
        image.layers.push(layer);
    }
    finish(&mut image, &mut config, &budget);
    image.platform = Some(config_platform(&config));
    image.config = config;
    Ok(image)
}

#[cfg(test)]
mod cosign_tests {
    use super::is_cosign_artifact;

    #[test]
    fn cosign_tags_are_not_images() {
        let hex = "da23cb1e96ae4cae9930d62c441955928f676590f3d935a9db7fc12c18285998";
        for tag in ["sig", "att", "sbom"] {
            assert!(is_cosign_artifact(&[format!("sha256-{hex}.{tag}")]));
            assert!(is_cosign_artifact(&[format!(
                "ghcr.io/a/b:sha256-{hex}.{tag}"
            )]));
        }
        assert!(!is_cosign_artifact(&["1.0".to_string()]));
        assert!(!is_cosign_artifact(&[format!("sha256-{hex}.txt")]));
        assert!(!is_cosign_artifact(&["sha256-abc.sig".to_string()]));
        assert!(!is_cosign_artifact(&[]));
    }
}
