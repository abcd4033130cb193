//! The in-memory model of one image: what the readers produce and the rules read.
//!
//! Nothing here holds file bodies except the few small files rules need
//! ([`Entry::content`]); a layer is a list of tar headers, in archive order.

use std::collections::BTreeMap;

/// Where an image was read from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// An OCI image layout directory.
    OciLayout,
    /// An OCI image layout as a tar file (`oci-archive`).
    OciArchive,
    /// `docker save`, legacy shape (`<id>/layer.tar`, no manifest blob).
    DockerSaveLegacy,
    /// `docker save` of Docker 25+ (an OCI layout inside, uncompressed layers).
    DockerSaveOci,
    /// `docker save` from the containerd image store (nested index, gzip layers).
    DockerSaveContainerd,
    /// A registry reference (`registry/repo:tag`).
    Registry,
}

/// One image, read and verified.
#[derive(Clone, Debug, Default)]
pub struct Image {
    /// What the user named (path or reference), for messages.
    pub source: String,
    pub format: Option<SourceFormat>,
    /// `sha256:<hex>` of the image manifest; `None` where none exists (legacy docker save).
    pub manifest_digest: Option<String>,
    /// Tags or names the source gives the image (`RepoTags`, `org.opencontainers.image.ref.name`,
    /// the reference's tag), as written there.
    pub names: Vec<String>,
    /// The selected platform (`linux/amd64`, `linux/arm64/v8`).
    pub platform: Option<String>,
    /// `sha256:<hex>` of the config blob.
    pub config_digest: String,
    pub config: ImageConfig,
    /// Manifest annotations (OCI), empty when none.
    pub annotations: BTreeMap<String, String>,
    /// The layers, bottom first. `layers[i]` corresponds to `config.rootfs.diff_ids[i]`.
    pub layers: Vec<Layer>,
    /// Problems met while reading that did not stop it (a missing foreign layer, …).
    pub warnings: Vec<String>,
}

/// The parts of an image config (OCI or Docker) seguro reads. Missing or `null` fields are
/// empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImageConfig {
    pub architecture: String,
    pub os: String,
    pub variant: Option<String>,
    pub created: Option<String>,
    pub author: Option<String>,
    /// `config.User` as written (`""`, `app`, `1000:1000`, `root:root` …).
    pub user: String,
    /// `NAME=VALUE` strings in order.
    pub env: Vec<String>,
    pub entrypoint: Vec<String>,
    pub cmd: Vec<String>,
    pub working_dir: String,
    /// Keys of `ExposedPorts` (`8080/tcp`, `53/udp`, `80`).
    pub exposed_ports: Vec<String>,
    /// Keys of `Volumes`.
    pub volumes: Vec<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    pub shell: Vec<String>,
    pub on_build: Vec<String>,
    /// `None`: no `Healthcheck` object at all.
    pub healthcheck: Option<Healthcheck>,
    pub history: Vec<History>,
    /// `rootfs.diff_ids`, `sha256:<hex>` each.
    pub diff_ids: Vec<String>,
}

/// Docker's `Healthcheck` (durations are integer nanoseconds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Healthcheck {
    /// `[]` inherit, `["NONE"]` disabled, `["CMD", …]`, `["CMD-SHELL", "…"]`.
    pub test: Vec<String>,
    pub interval: Option<i64>,
    pub timeout: Option<i64>,
    pub start_period: Option<i64>,
    pub start_interval: Option<i64>,
    pub retries: Option<i64>,
}

/// One `history[]` entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct History {
    pub created: Option<String>,
    pub created_by: String,
    pub author: Option<String>,
    pub comment: Option<String>,
    pub empty_layer: bool,
    /// The layer this step made (index into [`Image::layers`]), best effort; `None` for
    /// metadata steps or when history and layers do not line up.
    pub layer: Option<usize>,
}

/// One layer: where it came from and its entries in archive order.
#[derive(Clone, Debug, Default)]
pub struct Layer {
    /// Position in the image, 0 = bottom.
    pub index: usize,
    /// Digest of the blob as stored (compressed); for legacy docker save the diff ID.
    pub digest: String,
    /// `sha256:<hex>` of the uncompressed tar (verified while streaming).
    pub diff_id: String,
    pub media_type: String,
    pub compression: Compression,
    /// Bytes of the blob as stored.
    pub stored_size: u64,
    /// Bytes of the uncompressed tar.
    pub tar_size: u64,
    /// The history step that made it, when known.
    pub history: Option<usize>,
    pub entries: Vec<Entry>,
}

impl Layer {
    /// `layer 3 (sha256:0123456789ab)`: how messages name a layer.
    pub fn label(&self) -> String {
        let short = self
            .digest
            .split_once(':')
            .map_or(self.digest.as_str(), |(_, hex)| &hex[..hex.len().min(12)]);
        format!("layer {} (sha256:{short})", self.index)
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Compression {
    #[default]
    None,
    Gzip,
    Zstd,
}

/// What a tar entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Hardlink,
    CharDevice,
    BlockDevice,
    Fifo,
    /// `.wh.<name>`: deletes `<name>` from lower layers. [`Entry::path`] is the deleted path.
    Whiteout,
    /// `.wh..wh..opq`: hides every lower-layer child of the directory [`Entry::path`].
    OpaqueWhiteout,
    /// Anything else (AUFS metadata `.wh..wh.*`, unknown type flags).
    Other,
}

/// Why an entry's name or link is unsafe to follow (rule SI023).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hazard {
    /// The name had `..` components that climb above the root (`../../etc/x`).
    ParentTraversal,
    /// The name was absolute (`/etc/x`); kept, made relative.
    AbsoluteName,
    /// A symlink or hardlink whose target leaves the image root.
    LinkEscape,
    /// A hardlink to a path no layer (so far) has.
    DanglingHardlink,
    /// An overlayfs whiteout (char device 0/0), not part of OCI layers.
    OverlayWhiteout,
    /// The same path twice in one layer (last wins).
    Duplicate,
    /// A bare `.wh.` name.
    BadWhiteout,
    /// The name is not UTF-8 (kept lossily in `path`).
    NonUtf8Name,
}

/// One tar entry of a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Normalised: relative to the image root, `/`-separated, no `./`, no leading `/`, no
    /// trailing `/`, `..` resolved lexically and clamped at the root. `""` is the root.
    pub path: String,
    pub kind: EntryKind,
    /// Permission and special bits (`0o4755`).
    pub mode: u32,
    pub uid: u64,
    pub gid: u64,
    /// Bytes of the body (0 for non-files).
    pub size: u64,
    /// Symlink target as written, or the normalised hardlink target path.
    pub link: Option<String>,
    /// PAX `SCHILY.xattr.*` records: name without the prefix, raw value.
    pub xattrs: Vec<(String, Vec<u8>)>,
    /// The body, kept only for small files the rules read (passwd, shadow, group,
    /// credential candidates, files whose name suggests a secret), up to a byte cap.
    pub content: Option<Vec<u8>>,
    /// Set when the entry is unsafe as written.
    pub hazard: Option<Hazard>,
}

impl Entry {
    pub fn is_setuid(&self) -> bool {
        self.mode & 0o4000 != 0
    }
    pub fn is_setgid(&self) -> bool {
        self.mode & 0o2000 != 0
    }
    /// The last path component.
    pub fn file_name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or("")
    }
}

/// Where one path of the merged filesystem comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EntryRef {
    pub layer: usize,
    pub entry: usize,
}

/// The filesystem a container sees: every layer applied in order, whiteouts and opaque
/// directories honoured. Built by [`Image::merged`].
#[derive(Clone, Debug, Default)]
pub struct MergedFs {
    /// Path → the entry that provides it (the topmost), sorted by path.
    pub paths: BTreeMap<String, EntryRef>,
    /// Symlinks of the view: path → target as written (resolved by [`MergedFs::resolve`]).
    pub symlinks: BTreeMap<String, String>,
    /// Hardlinks of the view: path → the entry holding the data when the link was made
    /// (`None`: dangling).
    pub hardlinks: BTreeMap<String, Option<EntryRef>>,
}
