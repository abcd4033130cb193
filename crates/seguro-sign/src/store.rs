// STORE READY
//! Where signatures live: the small set of storage operations `seguro sign`/`verify` need,
//! implemented for OCI image layouts here and for registries in `seguro-registry`.
//!
//! A store only moves bytes: it resolves the image to the digest of its manifest (or index),
//! reads and writes blobs by digest and manifests by tag. Everything cosign-specific
//! (the `sha256-<hex>.sig` tag, the signature manifest and its layers, appending a layer)
//! lives in [`crate::signatures`] and is shared by every store.

use std::fmt;

/// Largest manifest or index read from any store (the distribution registry's limit).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// Largest signature payload read (cosign's simple-signing payloads are a few hundred bytes).
pub const MAX_PAYLOAD_BYTES: u64 = 1024 * 1024;

/// A validated `sha256:<64 lowercase hex>` digest, safe to use as a file name or tag.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest(String);

impl Digest {
    /// Parses `sha256:<hex>`; anything else (other algorithms, upper case, wrong length,
    /// path characters) is refused.
    pub fn parse(text: &str) -> Result<Digest, StoreError> {
        let hex = text
            .strip_prefix("sha256:")
            .ok_or_else(|| StoreError::invalid(format!("unsupported digest `{text}`")))?;
        if hex.len() != 64 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(StoreError::invalid(format!("malformed digest `{text}`")));
        }
        Ok(Digest(text.to_owned()))
    }

    /// The SHA-256 digest of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        use sha2::Digest as _;
        let hash = sha2::Sha256::digest(bytes);
        Digest(format!("sha256:{}", hex(&hash)))
    }

    /// `sha256:<hex>`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The hex part.
    pub fn hex(&self) -> &str {
        &self.0["sha256:".len()..]
    }

    /// The tag cosign stores this digest's signatures under: `sha256-<hex>.sig`.
    pub fn signature_tag(&self) -> String {
        format!("sha256-{}.sig", self.hex())
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A store failure: I/O, a malformed layout or registry answer, a refused request. The CLI
/// reports these with exit 2 (they say nothing about whether a signature is valid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    pub message: String,
}

impl StoreError {
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError {
            message: message.into(),
        }
    }

    /// Malformed data (a bad digest, JSON that is not a manifest …).
    pub fn invalid(message: impl Into<String>) -> StoreError {
        StoreError::new(message)
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StoreError {}

/// A manifest as stored: its exact bytes and media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredManifest {
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// The storage operations signing and verification need. Implementations must check that
/// blobs and manifests they return hash to the digest asked for (or leave that to the
/// caller: [`crate::signatures`] checks again) and never read more than `max_bytes`.
pub trait SignatureStore {
    /// The digest of the manifest the image reference resolves to. For a multi-platform
    /// image this is the **index** digest (what the tag points to), as cosign signs it.
    fn image_digest(&mut self) -> Result<Digest, StoreError>;

    /// The repository written into the payload's `critical.identity.docker-reference`
    /// (cosign: the fully qualified repository without tag, e.g.
    /// `index.docker.io/library/nginx`). `None` when the store has no repository name (an
    /// OCI layout without a full reference); the payload then says `""` unless the user
    /// gives one.
    fn docker_reference(&self) -> Option<String>;

    /// The manifest tagged `tag` (here always `sha256-<hex>.sig`), or `None` when the tag
    /// does not exist.
    fn read_tagged_manifest(
        &mut self,
        tag: &str,
        max_bytes: u64,
    ) -> Result<Option<StoredManifest>, StoreError>;

    /// The blob `digest`, or `None` when it does not exist.
    fn read_blob(&mut self, digest: &Digest, max_bytes: u64)
    -> Result<Option<Vec<u8>>, StoreError>;

    /// Stores a blob (idempotent: an existing blob with this digest is kept).
    fn write_blob(&mut self, digest: &Digest, bytes: &[u8]) -> Result<(), StoreError>;

    /// Stores `manifest` and points `tag` at it, replacing what the tag pointed to. Called
    /// after every blob the manifest references has been written.
    fn write_tagged_manifest(
        &mut self,
        tag: &str,
        manifest: &StoredManifest,
    ) -> Result<(), StoreError>;
}
