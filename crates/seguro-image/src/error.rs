//! Why an image could not be read. Every variant names what was being read (a file, a blob,
//! a layer) so the message stands on its own; the CLI maps them all to exit 2.

use std::fmt;
use std::io;

#[derive(Debug)]
pub enum Error {
    /// The path (or a file inside the image) could not be read.
    Io { what: String, source: io::Error },
    /// The path is not an image seguro knows (no `index.json`, no `manifest.json`).
    NotAnImage { what: String, reason: String },
    /// A JSON document or tar stream is not what its format says.
    Malformed { what: String, reason: String },
    /// A digest that does not follow the strict grammar (`sha256:../../x`).
    InvalidDigest { what: String, digest: String },
    /// A path in `manifest.json` (or an archive link) that is absolute or climbs with `..`.
    UnsafePath { what: String, path: String },
    /// A blob the image needs is not there.
    MissingBlob { what: String, digest: String },
    /// A blob's content does not match its digest.
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    /// A blob's size does not match its descriptor.
    SizeMismatch {
        what: String,
        expected: u64,
        actual: u64,
    },
    /// The uncompressed layer does not match `rootfs.diff_ids`.
    DiffIdMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    /// A safety cap of [`crate::Limits`] was exceeded.
    LimitExceeded {
        what: String,
        /// The `Limits` field (`max_layer_bytes` …).
        limit: &'static str,
        value: u64,
    },
    /// Something valid but not supported (bzip2/xz layers, an unknown digest algorithm).
    Unsupported { what: String, reason: String },
    /// No manifest for the requested platform (or several and none chosen).
    Platform {
        what: String,
        requested: Option<String>,
        available: Vec<String>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { what, source } => write!(f, "{what}: {source}"),
            Error::NotAnImage { what, reason } => write!(f, "{what}: not an image: {reason}"),
            Error::Malformed { what, reason } => write!(f, "{what}: malformed: {reason}"),
            Error::InvalidDigest { what, digest } => {
                write!(f, "{what}: invalid digest {digest:?}")
            }
            Error::UnsafePath { what, path } => write!(
                f,
                "{what}: unsafe path {path:?} (absolute, `..`, or leaving the archive)"
            ),
            Error::MissingBlob { what, digest } => write!(f, "{what}: blob {digest} is missing"),
            Error::DigestMismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what}: content does not match its digest (expected {expected}, got {actual})"
            ),
            Error::SizeMismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what}: size does not match its descriptor (expected {expected} bytes, got {actual})"
            ),
            Error::DiffIdMismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what}: uncompressed content does not match rootfs.diff_ids (expected {expected}, got {actual})"
            ),
            Error::LimitExceeded { what, limit, value } => write!(
                f,
                "{what}: exceeds the safety limit {limit} = {value} (raise it in Limits if the image is trusted)"
            ),
            Error::Unsupported { what, reason } => write!(f, "{what}: unsupported: {reason}"),
            Error::Platform {
                what,
                requested,
                available,
            } => {
                match requested {
                    Some(p) => write!(f, "{what}: no image for platform {p}")?,
                    None => write!(
                        f,
                        "{what}: several platforms and no linux/amd64; choose one"
                    )?,
                }
                write!(f, " (available: {})", available.join(", "))
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Error {
    pub(crate) fn io(what: impl Into<String>, source: io::Error) -> Error {
        Error::Io {
            what: what.into(),
            source,
        }
    }
    pub(crate) fn malformed(what: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Malformed {
            what: what.into(),
            reason: reason.into(),
        }
    }
}
