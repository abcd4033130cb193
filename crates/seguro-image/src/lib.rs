//! Built container images, read without a daemon: `docker save` tarballs (all three
//! shapes), OCI layout directories and oci-archive tarballs. Every layer is streamed once;
//! blob digests and diff IDs are verified on the way; nothing is extracted to disk.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod model;

pub use model::*;
