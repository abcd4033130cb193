// BUILD READY
//! Writes real images (every format the readers accept) from a config and lists of entries:
//! the fixtures of the tests, and the base the signer writes with.
//!
//! ```
//! use seguro_image::build::{EntrySpec, ImageSpec};
//! let dir = tempfile::tempdir().unwrap();
//! ImageSpec::new()
//!     .config(serde_json::json!({"architecture": "amd64", "os": "linux",
//!                                "config": {"User": "app"}}))
//!     .layer(vec![
//!         EntrySpec::dir("etc"),
//!         EntrySpec::file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"),
//!         EntrySpec::file("usr/bin/su", "elf").mode(0o4755),
//!     ])
//!     .layer(vec![EntrySpec::whiteout("usr/bin/su")])
//!     .write_oci_layout(dir.path())
//!     .unwrap();
//! let image = seguro_image::open(dir.path(), &Default::default()).unwrap();
//! assert_eq!(image.layers.len(), 2);
//! ```
//!
//! The writer fills `rootfs.diff_ids` of the config from the layers (unless
//! [`ImageSpec::keep_diff_ids`]), and writes entries exactly as given: no parent
//! directories are added, names are written byte for byte (`../x`, `/abs`, non-UTF-8 all
//! allowed, for hostile fixtures). Invalid digests given through the overrides are written
//! into the JSON but never used as file names.

use crate::digest::{Digest, sha256_digest};
use crate::model::Compression;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

pub const MT_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MT_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MT_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
pub const MT_OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";
pub const MT_OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
pub const MT_OCI_LAYER_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
pub const MT_DOCKER_FOREIGN: &str = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
pub const MT_INTOTO: &str = "application/vnd.in-toto+json";

/// What a written tar entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    CharDevice { major: u32, minor: u32 },
    BlockDevice { major: u32, minor: u32 },
    Fifo,
}

/// One tar entry to write. Build with the constructors, adjust with the setters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntrySpec {
    /// The member name, written as is (bytes).
    pub name: Vec<u8>,
    pub kind: SpecKind,
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    pub content: Vec<u8>,
    /// Symlink target or hardlink target name, written as is.
    pub link: Option<Vec<u8>>,
    /// Written as PAX `SCHILY.xattr.<name>` records.
    pub xattrs: Vec<(String, Vec<u8>)>,
    pub mtime: u64,
}

impl EntrySpec {
    fn new(name: impl Into<Vec<u8>>, kind: SpecKind, mode: u32) -> EntrySpec {
        EntrySpec {
            name: name.into(),
            kind,
            mode,
            uid: 0,
            gid: 0,
            content: Vec::new(),
            link: None,
            xattrs: Vec::new(),
            mtime: 1_700_000_000,
        }
    }
    /// A regular file (mode 0644).
    pub fn file(name: impl Into<Vec<u8>>, content: impl Into<Vec<u8>>) -> EntrySpec {
        EntrySpec {
            content: content.into(),
            ..EntrySpec::new(name, SpecKind::File, 0o644)
        }
    }
    /// A directory (mode 0755).
    pub fn dir(name: impl Into<Vec<u8>>) -> EntrySpec {
        EntrySpec::new(name, SpecKind::Dir, 0o755)
    }
    pub fn symlink(name: impl Into<Vec<u8>>, target: impl Into<Vec<u8>>) -> EntrySpec {
        EntrySpec {
            link: Some(target.into()),
            ..EntrySpec::new(name, SpecKind::Symlink, 0o777)
        }
    }
    /// A hardlink to `target` (a member name of this or a lower layer).
    pub fn hardlink(name: impl Into<Vec<u8>>, target: impl Into<Vec<u8>>) -> EntrySpec {
        EntrySpec {
            link: Some(target.into()),
            ..EntrySpec::new(name, SpecKind::Hardlink, 0o644)
        }
    }
    pub fn char_device(name: impl Into<Vec<u8>>, major: u32, minor: u32) -> EntrySpec {
        EntrySpec::new(name, SpecKind::CharDevice { major, minor }, 0o666)
    }
    pub fn block_device(name: impl Into<Vec<u8>>, major: u32, minor: u32) -> EntrySpec {
        EntrySpec::new(name, SpecKind::BlockDevice { major, minor }, 0o660)
    }
    pub fn fifo(name: impl Into<Vec<u8>>) -> EntrySpec {
        EntrySpec::new(name, SpecKind::Fifo, 0o644)
    }
    /// `dir/.wh.name`: deletes `dir/name` from lower layers.
    pub fn whiteout(path: &str) -> EntrySpec {
        let (dir, base) = path.rsplit_once('/').map_or(("", path), |(d, b)| (d, b));
        let name = if dir.is_empty() {
            format!(".wh.{base}")
        } else {
            format!("{dir}/.wh.{base}")
        };
        EntrySpec::file(name, "")
    }
    /// `dir/.wh..wh..opq`: hides every lower-layer child of `dir`.
    pub fn opaque(dir: &str) -> EntrySpec {
        let dir = dir.trim_end_matches('/');
        let name = if dir.is_empty() {
            ".wh..wh..opq".to_string()
        } else {
            format!("{dir}/.wh..wh..opq")
        };
        EntrySpec::file(name, "")
    }
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = mode;
        self
    }
    pub fn owner(mut self, uid: u64, gid: u64) -> Self {
        self.uid = uid;
        self.gid = gid;
        self
    }
    pub fn xattr(mut self, name: &str, value: impl Into<Vec<u8>>) -> Self {
        self.xattrs.push((name.to_string(), value.into()));
        self
    }
}

/// One layer to write: entries (made into a tar) or a ready-made blob.
#[derive(Clone, Debug, Default)]
pub struct LayerSpec {
    pub entries: Vec<EntrySpec>,
    /// `None`: the format's usual compression (plain for docker save legacy and Docker 25+,
    /// gzip for OCI layouts and the containerd store).
    pub compression: Option<Compression>,
    /// Split a gzip layer into this many gzip members (eStargz/pigz shape); 0 or 1 = one.
    pub gzip_members: usize,
    /// A ready-made blob (already compressed or not) used instead of `entries`; its
    /// diff ID is computed by decompressing it unless [`LayerSpec::diff_id`] is set.
    pub raw_blob: Option<Vec<u8>>,
    /// Overrides: the blob's digest as written in the manifest (and its file name when it
    /// is a valid digest), its size, its diff ID in the config, its media type.
    pub digest: Option<String>,
    pub size: Option<u64>,
    pub diff_id: Option<String>,
    pub media_type: Option<String>,
    /// Leave the blob out (a foreign layer, or a missing blob).
    pub omit_blob: bool,
}

impl LayerSpec {
    pub fn new(entries: Vec<EntrySpec>) -> LayerSpec {
        LayerSpec {
            entries,
            ..LayerSpec::default()
        }
    }
    /// A layer whose blob bytes are given as is.
    pub fn raw(blob: Vec<u8>) -> LayerSpec {
        LayerSpec {
            raw_blob: Some(blob),
            compression: Some(Compression::None),
            ..LayerSpec::default()
        }
    }
    pub fn compression(mut self, c: Compression) -> Self {
        self.compression = Some(c);
        self
    }
    pub fn gzip_members(mut self, n: usize) -> Self {
        self.compression = Some(Compression::Gzip);
        self.gzip_members = n;
        self
    }
    pub fn digest(mut self, d: &str) -> Self {
        self.digest = Some(d.to_string());
        self
    }
    pub fn size(mut self, s: u64) -> Self {
        self.size = Some(s);
        self
    }
    pub fn diff_id(mut self, d: &str) -> Self {
        self.diff_id = Some(d.to_string());
        self
    }
    pub fn media_type(mut self, m: &str) -> Self {
        self.media_type = Some(m.to_string());
        self
    }
    /// A Windows-style foreign layer: the foreign media type, blob not written.
    pub fn foreign(mut self) -> Self {
        self.media_type = Some(MT_DOCKER_FOREIGN.to_string());
        self.omit_blob = true;
        self
    }
    pub fn omit_blob(mut self) -> Self {
        self.omit_blob = true;
        self
    }
}

/// One image to write.
#[derive(Clone, Debug)]
pub struct ImageSpec {
    pub config: Value,
    pub layers: Vec<LayerSpec>,
    /// `repo:tag` names (`RepoTags`, `io.containerd.image.name`); the tag part becomes
    /// `org.opencontainers.image.ref.name` in OCI layouts.
    pub names: Vec<String>,
    pub annotations: BTreeMap<String, String>,
    /// Keep `rootfs.diff_ids` of the given config instead of computing it.
    pub keep_diff_ids: bool,
    /// docker save legacy: write layers as `<diffid>.tar` with every `<id>/layer.tar` a
    /// symlink to it (skopeo's docker-archive shape).
    pub skopeo_shape: bool,
    /// Overrides the manifest.json `Config`/`Layers` paths (hostile fixtures).
    pub manifest_json_override: Option<Value>,
}

impl Default for ImageSpec {
    fn default() -> Self {
        ImageSpec::new()
    }
}

/// The formats [`ImageSpec::write`] can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    OciLayout,
    OciArchive,
    DockerLegacy,
    DockerOci,
    DockerContainerd,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::OciLayout,
        Format::OciArchive,
        Format::DockerLegacy,
        Format::DockerOci,
        Format::DockerContainerd,
    ];
}

/// A finished layer blob.
#[derive(Clone, Debug)]
struct Blob {
    digest: String,
    bytes: Vec<u8>,
}

#[derive(Clone, Debug)]
struct BuiltLayer {
    blob: Blob,
    size: u64,
    diff_id: String,
    media_type: String,
    omit: bool,
}

/// A written image's blobs, before they are laid out in a format.
#[derive(Clone, Debug)]
struct Built {
    config: Blob,
    layers: Vec<BuiltLayer>,
    manifest: Blob,
    platform: Value,
}

impl ImageSpec {
    /// An image with config `{"architecture": "amd64", "os": "linux", "config": {}}` and no
    /// layers.
    pub fn new() -> ImageSpec {
        ImageSpec {
            config: json!({"architecture": "amd64", "os": "linux", "config": {}}),
            layers: Vec::new(),
            names: Vec::new(),
            annotations: BTreeMap::new(),
            keep_diff_ids: false,
            skopeo_shape: false,
            manifest_json_override: None,
        }
    }
    /// Replaces the whole config JSON (`rootfs` is filled in when written).
    pub fn config(mut self, config: Value) -> Self {
        self.config = config;
        self
    }
    /// Adds a layer of entries (the format's usual compression).
    pub fn layer(mut self, entries: Vec<EntrySpec>) -> Self {
        self.layers.push(LayerSpec::new(entries));
        self
    }
    /// Adds a layer described fully.
    pub fn layer_spec(mut self, layer: LayerSpec) -> Self {
        self.layers.push(layer);
        self
    }
    /// Sets every layer's compression.
    pub fn compression(mut self, c: Compression) -> Self {
        for l in &mut self.layers {
            if l.raw_blob.is_none() {
                l.compression = Some(c);
            }
        }
        self
    }
    pub fn name(mut self, name: &str) -> Self {
        self.names.push(name.to_string());
        self
    }
    pub fn annotation(mut self, k: &str, v: &str) -> Self {
        self.annotations.insert(k.to_string(), v.to_string());
        self
    }
    pub fn keep_diff_ids(mut self) -> Self {
        self.keep_diff_ids = true;
        self
    }
    pub fn skopeo_shape(mut self) -> Self {
        self.skopeo_shape = true;
        self
    }
    pub fn manifest_json(mut self, v: Value) -> Self {
        self.manifest_json_override = Some(v);
        self
    }

    /// Writes in `format` to `path` (a directory for [`Format::OciLayout`], else a file).
    pub fn write(&self, format: Format, path: &Path) -> io::Result<()> {
        match format {
            Format::OciLayout => self.write_oci_layout(path),
            Format::OciArchive => self.write_oci_archive(path),
            Format::DockerLegacy => self.write_docker_legacy(path),
            Format::DockerOci => self.write_docker_oci(path),
            Format::DockerContainerd => self.write_docker_containerd(path),
        }
    }

    /// An OCI image layout directory (created if needed).
    pub fn write_oci_layout(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        let mut sink = DirSink(dir);
        self.lay_out_oci(&mut sink, Compression::Gzip, false)
    }

    /// An OCI image layout as a tar file (`oci-archive`).
    pub fn write_oci_archive(&self, file: &Path) -> io::Result<()> {
        let mut sink = TarSink::create(file)?;
        self.lay_out_oci(&mut sink, Compression::Gzip, false)?;
        sink.finish()
    }

    /// `docker save` of Docker ≤ 24 (and skopeo/podman `docker-archive`): `manifest.json`,
    /// `repositories`, `<config-hex>.json`, `<v1-id>/{VERSION,json,layer.tar}`; a repeated
    /// layer is a symlink `../<first-id>/layer.tar` inside the tar.
    pub fn write_docker_legacy(&self, file: &Path) -> io::Result<()> {
        let built = self.build(Compression::None)?;
        let mut sink = TarSink::create(file)?;
        let mut layer_paths = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut parent: Option<String> = None;
        let mut last_id = String::new();
        for (i, l) in built.layers.iter().enumerate() {
            let id = sha256_digest(format!("{}{:?}{i}", l.diff_id, parent).as_bytes())
                .trim_start_matches("sha256:")
                .to_string();
            let mut v1 = json!({"id": id, "created": "1970-01-01T00:00:00Z"});
            if let Some(p) = &parent {
                v1["parent"] = json!(p);
            }
            sink.dir(&format!("{id}/"))?;
            sink.file(&format!("{id}/VERSION"), b"1.0")?;
            sink.file(&format!("{id}/json"), &serde_json::to_vec(&v1)?)?;
            let member = format!("{id}/layer.tar");
            if !l.omit {
                let diff_hex = l.diff_id.trim_start_matches("sha256:");
                if self.skopeo_shape {
                    let top = format!("{diff_hex}.tar");
                    if !seen.contains_key(&l.diff_id) {
                        sink.file(&top, &l.blob.bytes)?;
                        seen.insert(l.diff_id.clone(), top.clone());
                    }
                    sink.symlink(&member, &format!("../{top}"))?;
                } else if let Some(first) = seen.get(&l.diff_id) {
                    sink.symlink(&member, &format!("../{first}"))?;
                } else {
                    sink.file(&member, &l.blob.bytes)?;
                    seen.insert(l.diff_id.clone(), member.clone());
                }
            }
            layer_paths.push(member);
            parent = Some(id.clone());
            last_id = id;
        }
        let config_hex = built
            .config
            .digest
            .trim_start_matches("sha256:")
            .to_string();
        let config_member = format!("{config_hex}.json");
        sink.file(&config_member, &built.config.bytes)?;
        let manifest = self.manifest_json_override.clone().unwrap_or_else(
            || json!([{"Config": config_member, "RepoTags": self.names, "Layers": layer_paths}]),
        );
        sink.file("manifest.json", &serde_json::to_vec(&manifest)?)?;
        let mut repos: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
        for n in &self.names {
            let (repo, tag) = split_name(n);
            repos
                .entry(repo.to_string())
                .or_default()
                .insert(tag.to_string(), last_id.clone());
        }
        sink.file("repositories", &serde_json::to_vec(&repos)?)?;
        sink.finish()
    }

    /// `docker save` of Docker 25+ (graphdriver store): an OCI layout with uncompressed
    /// layers, plus `manifest.json` (`blobs/sha256/…` paths) and `repositories`.
    pub fn write_docker_oci(&self, file: &Path) -> io::Result<()> {
        let mut sink = TarSink::create(file)?;
        let built = self.lay_out_oci_built(&mut sink, Compression::None, false)?;
        self.docker_manifest_json(&mut sink, &built, true)?;
        sink.finish()
    }

    /// `docker save` from the containerd image store: `index.json` → a nested image index
    /// holding the platform manifest and a BuildKit attestation manifest, gzip layers,
    /// `manifest.json`, no `repositories`.
    pub fn write_docker_containerd(&self, file: &Path) -> io::Result<()> {
        let mut sink = TarSink::create(file)?;
        let built = self.lay_out_oci_built(&mut sink, Compression::Gzip, true)?;
        self.docker_manifest_json(&mut sink, &built, false)?;
        sink.finish()
    }

    fn docker_manifest_json(
        &self,
        sink: &mut dyn Sink,
        built: &Built,
        repositories: bool,
    ) -> io::Result<()> {
        let layers: Vec<String> = built
            .layers
            .iter()
            .map(|l| blob_member(&l.blob.digest))
            .collect();
        let manifest = self.manifest_json_override.clone().unwrap_or_else(|| {
            json!([{"Config": blob_member(&built.config.digest),
                    "RepoTags": self.names, "Layers": layers}])
        });
        sink.file("manifest.json", &serde_json::to_vec(&manifest)?)?;
        if repositories {
            let mut repos: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
            for n in &self.names {
                let (repo, tag) = split_name(n);
                repos.entry(repo.to_string()).or_default().insert(
                    tag.to_string(),
                    built
                        .config
                        .digest
                        .trim_start_matches("sha256:")
                        .to_string(),
                );
            }
            sink.file("repositories", &serde_json::to_vec(&repos)?)?;
        }
        Ok(())
    }

    fn lay_out_oci(
        &self,
        sink: &mut dyn Sink,
        default: Compression,
        nested: bool,
    ) -> io::Result<()> {
        self.lay_out_oci_built(sink, default, nested).map(|_| ())
    }

    fn lay_out_oci_built(
        &self,
        sink: &mut dyn Sink,
        default: Compression,
        nested: bool,
    ) -> io::Result<Built> {
        let built = self.build(default)?;
        sink.file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        sink.dir("blobs/")?;
        sink.dir("blobs/sha256/")?;
        write_built_blobs(sink, &built)?;
        let mut desc = descriptor(MT_OCI_MANIFEST, &built.manifest);
        let entry = if nested {
            let att = attestation(&built.manifest.digest);
            for b in att.0.iter().chain([&att.1]) {
                sink.blob(b)?;
            }
            let mut plat = desc.clone();
            plat["platform"] = built.platform.clone();
            let mut att_desc = descriptor(MT_OCI_MANIFEST, &att.1);
            att_desc["platform"] = json!({"architecture": "unknown", "os": "unknown"});
            att_desc["annotations"] = json!({
                "vnd.docker.reference.digest": built.manifest.digest,
                "vnd.docker.reference.type": "attestation-manifest"});
            let index = json_blob(&json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                                          "manifests": [plat, att_desc]}));
            sink.blob(&index)?;
            descriptor(MT_OCI_INDEX, &index)
        } else {
            desc["platform"] = built.platform.clone();
            desc
        };
        let entries: Vec<Value> = if self.names.is_empty() {
            vec![entry]
        } else {
            self.names
                .iter()
                .map(|n| {
                    let mut e = entry.clone();
                    e["annotations"] = json!({"io.containerd.image.name": n,
                                              "org.opencontainers.image.ref.name": split_name(n).1});
                    e
                })
                .collect()
        };
        let index = json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX, "manifests": entries});
        sink.file("index.json", &serde_json::to_vec(&index)?)?;
        Ok(built)
    }

    /// Makes every blob: layers, config (with `rootfs` filled), manifest.
    fn build(&self, default: Compression) -> io::Result<Built> {
        let mut layers = Vec::new();
        for l in &self.layers {
            layers.push(build_layer(l, default)?);
        }
        let mut config = self.config.clone();
        if !self.keep_diff_ids {
            if !config.is_object() {
                config = json!({});
            }
            config["rootfs"] = json!({"type": "layers",
                "diff_ids": layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>()});
        }
        let config = json_blob(&config);
        let mut manifest = json!({
            "schemaVersion": 2,
            "mediaType": MT_OCI_MANIFEST,
            "config": descriptor(MT_OCI_CONFIG, &config),
            "layers": layers.iter().map(|l| json!({
                "mediaType": l.media_type, "digest": l.blob.digest, "size": l.size})).collect::<Vec<_>>(),
        });
        if !self.annotations.is_empty() {
            manifest["annotations"] = json!(self.annotations);
        }
        let manifest = json_blob(&manifest);
        let c = &self.config;
        let mut platform = json!({
            "architecture": c.get("architecture").and_then(Value::as_str).unwrap_or("amd64"),
            "os": c.get("os").and_then(Value::as_str).unwrap_or("linux")});
        if let Some(v) = c.get("variant").and_then(Value::as_str) {
            platform["variant"] = json!(v);
        }
        Ok(Built {
            config,
            layers,
            manifest,
            platform,
        })
    }
}

/// Several platform images under one image index, plus optional attestation manifests and
/// platforms whose blobs are left out (Docker's containerd export of a multi-platform image).
#[derive(Clone, Debug, Default)]
pub struct MultiPlatform {
    pub images: Vec<ImageSpec>,
    /// Add a BuildKit attestation manifest per platform.
    pub attestations: bool,
    /// Platforms (`os/arch`) whose manifest is listed but whose blobs are not written.
    pub missing: Vec<String>,
}

impl MultiPlatform {
    pub fn new(images: Vec<ImageSpec>) -> MultiPlatform {
        MultiPlatform {
            images,
            ..MultiPlatform::default()
        }
    }
    pub fn attestations(mut self) -> Self {
        self.attestations = true;
        self
    }
    pub fn missing(mut self, platform: &str) -> Self {
        self.missing.push(platform.to_string());
        self
    }
    pub fn write_oci_layout(&self, dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)?;
        self.lay_out(&mut DirSink(dir))
    }
    pub fn write_oci_archive(&self, file: &Path) -> io::Result<()> {
        let mut sink = TarSink::create(file)?;
        self.lay_out(&mut sink)?;
        sink.finish()
    }
    fn lay_out(&self, sink: &mut dyn Sink) -> io::Result<()> {
        sink.file("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#)?;
        sink.dir("blobs/")?;
        sink.dir("blobs/sha256/")?;
        let mut manifests = Vec::new();
        for img in &self.images {
            let built = img.build(Compression::Gzip)?;
            let p = &built.platform;
            let plat = format!(
                "{}/{}",
                p["os"].as_str().unwrap_or(""),
                p["architecture"].as_str().unwrap_or("")
            );
            if !self.missing.contains(&plat) {
                write_built_blobs(sink, &built)?;
            }
            let mut d = descriptor(MT_OCI_MANIFEST, &built.manifest);
            d["platform"] = built.platform.clone();
            manifests.push(d);
            if self.attestations {
                let att = attestation(&built.manifest.digest);
                for b in att.0.iter().chain([&att.1]) {
                    sink.blob(b)?;
                }
                let mut ad = descriptor(MT_OCI_MANIFEST, &att.1);
                ad["platform"] = json!({"architecture": "unknown", "os": "unknown"});
                ad["annotations"] = json!({
                    "vnd.docker.reference.digest": built.manifest.digest,
                    "vnd.docker.reference.type": "attestation-manifest"});
                manifests.push(ad);
            }
        }
        let index = json_blob(&json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                                      "manifests": manifests}));
        sink.blob(&index)?;
        let top = json!({"schemaVersion": 2, "mediaType": MT_OCI_INDEX,
                         "manifests": [descriptor(MT_OCI_INDEX, &index)]});
        sink.file("index.json", &serde_json::to_vec(&top)?)
    }
}

/// The tar bytes of a list of entries.
pub fn layer_tar(entries: &[EntrySpec]) -> io::Result<Vec<u8>> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        append_entry(&mut b, e)?;
    }
    b.into_inner()
}

/// Appends one entry with its name and link written byte for byte (PAX `path`/`linkpath`
/// when longer than the header fields).
pub fn append_entry<W: Write>(b: &mut tar::Builder<W>, e: &EntrySpec) -> io::Result<()> {
    let mut pax: Vec<(String, Vec<u8>)> = Vec::new();
    if e.name.len() > 100 {
        pax.push(("path".to_string(), e.name.clone()));
    }
    if let Some(l) = &e.link
        && l.len() > 100
    {
        pax.push(("linkpath".to_string(), l.clone()));
    }
    for (k, v) in &e.xattrs {
        pax.push((format!("SCHILY.xattr.{k}"), v.clone()));
    }
    if !pax.is_empty() {
        b.append_pax_extensions(pax.iter().map(|(k, v)| (k.as_str(), v.as_slice())))?;
    }
    let mut h = tar::Header::new_ustar();
    {
        let old = h.as_old_mut();
        let n = e.name.len().min(100);
        old.name[..n].copy_from_slice(&e.name[..n]);
        if let Some(l) = &e.link {
            let n = l.len().min(100);
            old.linkname[..n].copy_from_slice(&l[..n]);
        }
    }
    let (ty, size) = match e.kind {
        SpecKind::File => (tar::EntryType::Regular, e.content.len() as u64),
        SpecKind::Dir => (tar::EntryType::Directory, 0),
        SpecKind::Symlink => (tar::EntryType::Symlink, 0),
        SpecKind::Hardlink => (tar::EntryType::Link, 0),
        SpecKind::CharDevice { major, minor } => {
            h.set_device_major(major)?;
            h.set_device_minor(minor)?;
            (tar::EntryType::Char, 0)
        }
        SpecKind::BlockDevice { major, minor } => {
            h.set_device_major(major)?;
            h.set_device_minor(minor)?;
            (tar::EntryType::Block, 0)
        }
        SpecKind::Fifo => (tar::EntryType::Fifo, 0),
    };
    h.set_entry_type(ty);
    h.set_size(size);
    h.set_mode(e.mode);
    h.set_uid(e.uid);
    h.set_gid(e.gid);
    h.set_mtime(e.mtime);
    h.set_cksum();
    let body: &[u8] = if size > 0 { &e.content } else { &[] };
    b.append(&h, body)
}

/// Compresses `data` as one gzip member per chunk (`members` ≥ 1).
pub fn gzip(data: &[u8], members: usize) -> io::Result<Vec<u8>> {
    let members = members.max(1);
    let chunk = data.len().div_ceil(members).max(1);
    let mut out = Vec::new();
    let mut chunks: Vec<&[u8]> = data.chunks(chunk).collect();
    while chunks.len() < members {
        chunks.push(&[]);
    }
    for c in chunks {
        let mut enc = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
        enc.write_all(c)?;
        enc.finish()?;
    }
    Ok(out)
}

/// Compresses `data` as zstd (level 3).
pub fn zstd(data: &[u8]) -> io::Result<Vec<u8>> {
    ::zstd::stream::encode_all(data, 3)
}

fn build_layer(l: &LayerSpec, default: Compression) -> io::Result<BuiltLayer> {
    let compression = l.compression.unwrap_or(default);
    let (bytes, diff_id) = match &l.raw_blob {
        Some(raw) => {
            let diff = match &l.diff_id {
                Some(d) => d.clone(),
                None => diff_id_of_blob(raw)?,
            };
            (raw.clone(), diff)
        }
        None => {
            let tar = layer_tar(&l.entries)?;
            let diff = l.diff_id.clone().unwrap_or_else(|| sha256_digest(&tar));
            let bytes = match compression {
                Compression::None => tar,
                Compression::Gzip => gzip(&tar, l.gzip_members)?,
                Compression::Zstd => zstd(&tar)?,
            };
            (bytes, diff)
        }
    };
    let media_type = l.media_type.clone().unwrap_or_else(|| {
        match compression {
            Compression::None => MT_OCI_LAYER,
            Compression::Gzip => MT_OCI_LAYER_GZIP,
            Compression::Zstd => MT_OCI_LAYER_ZSTD,
        }
        .to_string()
    });
    let digest = l.digest.clone().unwrap_or_else(|| sha256_digest(&bytes));
    Ok(BuiltLayer {
        size: l.size.unwrap_or(bytes.len() as u64),
        blob: Blob { digest, bytes },
        diff_id,
        media_type,
        omit: l.omit_blob,
    })
}

/// The diff ID of a blob: sha256 of its decompressed bytes (gzip/zstd sniffed).
fn diff_id_of_blob(raw: &[u8]) -> io::Result<String> {
    let mut w = crate::digest::HashingWriter {
        hasher: crate::digest::Hasher::new(crate::digest::Algorithm::Sha256),
        count: 0,
    };
    if raw.starts_with(&[0x1f, 0x8b]) {
        io::copy(&mut flate2::read::MultiGzDecoder::new(raw), &mut w)?;
    } else if raw.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        io::copy(&mut ::zstd::stream::read::Decoder::new(raw)?, &mut w)?;
    } else {
        w.write_all(raw)?;
    }
    Ok(w.hasher.finish())
}

fn write_built_blobs(sink: &mut dyn Sink, built: &Built) -> io::Result<()> {
    for l in &built.layers {
        if !l.omit {
            sink.blob(&l.blob)?;
        }
    }
    sink.blob(&built.config)?;
    sink.blob(&built.manifest)
}

/// An attestation manifest for an image manifest digest: the blobs to write (statement,
/// config) and the manifest itself.
fn attestation(subject: &str) -> (Vec<Blob>, Blob) {
    let statement = json_blob(&json!({"_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://spdx.dev/Document", "subject": [], "predicate": {"for": subject}}));
    let config = json_blob(&json!({"architecture": "unknown", "os": "unknown",
                                   "config": {}, "rootfs": {"type": "layers", "diff_ids": []}}));
    let manifest = json_blob(&json!({"schemaVersion": 2, "mediaType": MT_OCI_MANIFEST,
        "config": descriptor(MT_OCI_CONFIG, &config),
        "layers": [{"mediaType": MT_INTOTO, "digest": statement.digest,
                    "size": statement.bytes.len(),
                    "annotations": {"in-toto.io/predicate-type": "https://spdx.dev/Document"}}]}));
    (vec![statement, config], manifest)
}

fn json_blob(v: &Value) -> Blob {
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    Blob {
        digest: sha256_digest(&bytes),
        bytes,
    }
}

fn descriptor(media_type: &str, blob: &Blob) -> Value {
    json!({"mediaType": media_type, "digest": blob.digest, "size": blob.bytes.len()})
}

fn blob_member(digest: &str) -> String {
    match Digest::parse(digest) {
        Some(d) => d.blob_path(),
        None => format!("blobs/{}", digest.replace(':', "/")),
    }
}

/// `repo:tag` → (`repo`, `tag`), `latest` when there is no tag.
fn split_name(name: &str) -> (&str, &str) {
    match name.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') => (r, t),
        _ => (name, "latest"),
    }
}

/// Where a layout is written: a directory or a tar.
trait Sink {
    fn file(&mut self, path: &str, bytes: &[u8]) -> io::Result<()>;
    fn dir(&mut self, path: &str) -> io::Result<()>;
    fn symlink(&mut self, path: &str, target: &str) -> io::Result<()>;
    /// Writes a blob under `blobs/<alg>/<hex>`; a blob whose digest is not valid is not
    /// written (it stays only in the JSON that names it).
    fn blob(&mut self, blob: &Blob) -> io::Result<()> {
        match Digest::parse(&blob.digest) {
            Some(d) => self.file(&d.blob_path(), &blob.bytes),
            None => Ok(()),
        }
    }
}

struct DirSink<'a>(&'a Path);

impl Sink for DirSink<'_> {
    fn file(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let p = self.0.join(path);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(p, bytes)
    }
    fn dir(&mut self, path: &str) -> io::Result<()> {
        fs::create_dir_all(self.0.join(path))
    }
    fn symlink(&mut self, _path: &str, _target: &str) -> io::Result<()> {
        Err(io::Error::other(
            "symlinks are not written into layout directories",
        ))
    }
}

struct TarSink {
    builder: tar::Builder<io::BufWriter<fs::File>>,
    /// Members written so far: a blob shared by two layers is written once.
    written: std::collections::BTreeSet<String>,
}

impl TarSink {
    fn create(path: &Path) -> io::Result<TarSink> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(parent)?;
        }
        Ok(TarSink {
            builder: tar::Builder::new(io::BufWriter::new(fs::File::create(path)?)),
            written: Default::default(),
        })
    }
    fn finish(self) -> io::Result<()> {
        self.builder.into_inner()?.flush()
    }
}

impl Sink for TarSink {
    fn file(&mut self, path: &str, bytes: &[u8]) -> io::Result<()> {
        if !self.written.insert(path.to_string()) {
            return Ok(());
        }
        let mut h = tar::Header::new_ustar();
        h.set_path(path)?;
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_entry_type(tar::EntryType::Regular);
        h.set_cksum();
        self.builder.append(&h, bytes)
    }
    fn dir(&mut self, path: &str) -> io::Result<()> {
        if !self.written.insert(path.to_string()) {
            return Ok(());
        }
        let mut h = tar::Header::new_ustar();
        h.set_path(path)?;
        h.set_size(0);
        h.set_mode(0o755);
        h.set_entry_type(tar::EntryType::Directory);
        h.set_cksum();
        self.builder.append(&h, io::empty())
    }
    fn symlink(&mut self, path: &str, target: &str) -> io::Result<()> {
        let mut h = tar::Header::new_ustar();
        h.set_path(path)?;
        h.set_size(0);
        h.set_mode(0o777);
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_link_name_literal(target)?;
        h.set_cksum();
        self.builder.append(&h, io::empty())
    }
}
