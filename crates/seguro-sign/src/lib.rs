//! cosign-compatible key-based image signatures: keys (cosign's and sigstore's encrypted PEM
//! envelopes), simple-signing payloads, and their storage beside the image.
#![warn(clippy::print_stdout, clippy::print_stderr)]
