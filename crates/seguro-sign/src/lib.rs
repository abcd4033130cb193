//! cosign-compatible key-based image signatures: keys (cosign's and sigstore's encrypted PEM
//! envelopes), simple-signing payloads, and their storage beside the image.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod key;
pub mod layout;
pub mod payload;
pub mod signatures;
pub mod store;

pub use key::{KeyError, PrivateKey, PublicKey};
pub use layout::{OciLayout, Selector, parse_layout_ref};
pub use signatures::{FailureKind, SignOutcome, Verdict, sign, verify};
pub use store::{Digest, SignatureStore, StoreError, StoredManifest};
