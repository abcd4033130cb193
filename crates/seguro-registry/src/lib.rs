//! An OCI distribution (registry) client for seguro: HTTPS with rustls, plain HTTP only for
//! loopback or an explicit insecure registry.
//!
//! - [`Client`]: manifests (hashed from the bytes received, capped at 4 MiB), blobs
//!   (streamed and checked against their digest), uploads, tags; anonymous, Basic and
//!   Bearer-token authentication with credentials from `SEGURO_REGISTRY_USERNAME` /
//!   `SEGURO_REGISTRY_PASSWORD` or Docker's `config.json` and credential helpers.
//! - [`probe::anonymous_pull`]: whether anyone can pull a repository.
//! - [`publish`]: the facts and rules (`SR…`) of `seguro publish-check`.
//! - [`signature_store`]: seguro-sign's store for a registry image (`seguro sign`/`verify`).
//! - [`read_image`]: a registry image through seguro-image's reader (`seguro image REF`).
//!
//! The library never prints; every failure is an [`Error`] with a message for users.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod blob_source;
pub mod challenge;
pub mod client;
pub mod credentials;
pub mod digest;
pub mod error;
pub mod probe;
pub mod publish;
pub mod rules;
pub mod sign_store;

pub use blob_source::{ReadImageError, RegistryBlobSource, read_image};
pub use client::{
    Client, Descriptor, Endpoint, MAX_MANIFEST_BYTES, Manifest, Options, Ping, parse_reference,
};
pub use credentials::{Credential, CredentialSource};
pub use error::{Error, RegistryErrorCode};
pub use probe::{AnonymousPull, anonymous_pull};
pub use sign_store::{RegistryStore, signature_store};
