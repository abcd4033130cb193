//! What [`crate::open`] is asked to do, and the safety caps it keeps.

/// Options for reading an image.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `os/arch[/variant]` to pick from a multi-platform index (`linux/arm64`). `None`: the
    /// only platform there is, else `linux/amd64`.
    pub platform: Option<String>,
    pub limits: Limits,
}

/// Safety caps: a hostile image hits one of them and gets a clear
/// [`crate::Error::LimitExceeded`] naming the field, instead of eating memory or disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Tar entries in all layers of the image together (and members of an outer tar).
    pub max_entries: u64,
    /// Bytes of one JSON document (index, manifest, config, `manifest.json`). Registries must
    /// accept 4 MiB manifests, so that is the order of magnitude.
    pub max_json_bytes: u64,
    /// Uncompressed bytes of one layer.
    pub max_layer_bytes: u64,
    /// Uncompressed bytes of all layers together (and of a compressed outer archive, which
    /// is spooled to a temporary file).
    pub max_image_bytes: u64,
    /// Bytes of a file body kept in [`crate::Entry::content`] (the rest is not kept).
    pub max_content_bytes: u64,
    /// Bytes of file bodies kept for the whole image; past it bodies are dropped with a
    /// warning.
    pub max_content_total: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 2_000_000,
            max_json_bytes: 8 << 20,
            max_layer_bytes: 32 << 30,
            max_image_bytes: 128 << 30,
            max_content_bytes: 1 << 20,
            max_content_total: 64 << 20,
        }
    }
}
