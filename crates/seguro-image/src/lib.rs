//! Built container images, read without a daemon: `docker save` tarballs (all three
//! shapes), OCI layout directories and oci-archive tarballs. Every layer is streamed once;
//! blob digests and diff IDs are verified on the way; nothing is extracted to disk.
//!
//! - [`open`] reads a path (a directory is an OCI layout; a file is a tar, possibly
//!   gzip/zstd-compressed: `manifest.json` makes it a `docker save`, else `index.json` an
//!   oci-archive; `-` is standard input, spooled to a temporary file) into an [`Image`]:
//!   config, layers with their tar entries ([`Entry`], hazards noted), warnings.
//!   [`Options`] picks the platform of a multi-platform index and sets the safety
//!   [`Limits`]; every failure is an [`Error`] naming the file, blob or layer.
//! - [`Image::merged`] is the filesystem a container sees ([`MergedFs`]: whiteouts, opaque
//!   directories, symlinks resolved inside the image root, hardlinks followed).
//! - [`build`] writes images in every format (test fixtures, the signer).
//!
//! ## Reading from somewhere else: [`BlobSource`]
//!
//! The OCI path is independent of where blobs live. A registry client implements
//! [`BlobSource`] (`open_blob` → `GET /v2/<name>/blobs/<digest>`, `open_manifest` →
//! `GET /v2/<name>/manifests/<digest>`, `Ok(None)` for 404) and calls
//! [`read_oci`]`(&source, &manifest_or_index_bytes, &options)` with what the tag resolved
//! to: nested indexes, platform choice, digest/size/diff ID checks, caps and the layer
//! model are the same as for a file. Digests are validated before a source sees them.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod build;
pub mod check;
mod config;
pub mod digest;
mod error;
mod layer;
mod merged;
pub mod model;
mod open;
mod options;
pub mod rules;
mod source;

pub use error::Error;
pub use layer::keeps_content;
pub use merged::MAX_SYMLINK_HOPS;
pub use model::*;
pub use open::{open, open_reader, read_oci};
pub use options::{Limits, Options};
pub use source::BlobSource;
