//! Content digests: strict validation (before a digest ever becomes a path) and sha256.

use sha2::{Digest as _, Sha256};
use std::io::{self, Write};

/// A validated digest: `sha256:<64 lowercase hex>` or `sha512:<128 lowercase hex>`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest {
    algorithm: Algorithm,
    text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Algorithm {
    Sha256,
    Sha512,
}

impl Digest {
    /// Parses a digest with the strict per-algorithm grammar of the OCI image spec: only
    /// `sha256` (64 lowercase hex digits) and `sha512` (128) are accepted, so a digest like
    /// `sha256:../../x` can never reach a file path.
    pub fn parse(text: &str) -> Option<Digest> {
        let (alg, hex) = text.split_once(':')?;
        let (algorithm, len) = match alg {
            "sha256" => (Algorithm::Sha256, 64),
            "sha512" => (Algorithm::Sha512, 128),
            _ => return None,
        };
        let ok = hex.len() == len
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| Digest {
            algorithm,
            text: text.to_string(),
        })
    }

    /// `sha256:<hex>` of `bytes`.
    pub fn of(bytes: &[u8]) -> Digest {
        Digest {
            algorithm: Algorithm::Sha256,
            text: sha256_digest(bytes),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }
    /// `sha256`.
    pub fn algorithm_name(&self) -> &str {
        self.text.split_once(':').map_or("", |(a, _)| a)
    }
    /// The hex part.
    pub fn hex(&self) -> &str {
        self.text.split_once(':').map_or("", |(_, h)| h)
    }
    pub fn as_str(&self) -> &str {
        &self.text
    }
    /// `blobs/<alg>/<hex>`: the blob's path in an OCI layout (safe: validated).
    pub fn blob_path(&self) -> String {
        format!("blobs/{}/{}", self.algorithm_name(), self.hex())
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(HEX[(b >> 4) as usize] as char);
        s.push(HEX[(b & 15) as usize] as char);
    }
    s
}

/// `sha256:<hex>` of `bytes`.
pub fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

/// A running hash of either algorithm.
pub(crate) enum Hasher {
    Sha256(Sha256),
    Sha512(sha2::Sha512),
}

impl Hasher {
    pub(crate) fn new(algorithm: Algorithm) -> Hasher {
        match algorithm {
            Algorithm::Sha256 => Hasher::Sha256(Sha256::new()),
            Algorithm::Sha512 => Hasher::Sha512(sha2::Sha512::new()),
        }
    }
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Sha256(h) => h.update(bytes),
            Hasher::Sha512(h) => h.update(bytes),
        }
    }
    /// `alg:<hex>`.
    pub(crate) fn finish(self) -> String {
        match self {
            Hasher::Sha256(h) => format!("sha256:{}", hex(&h.finalize())),
            Hasher::Sha512(h) => format!("sha512:{}", hex(&h.finalize())),
        }
    }
}

/// A writer that only hashes (for computing digests of generated data).
pub(crate) struct HashingWriter {
    pub(crate) hasher: Hasher,
    pub(crate) count: u64,
}

impl Write for HashingWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.hasher.update(buf);
        self.count += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_grammar() {
        let good = format!("sha256:{}", "a".repeat(64));
        assert!(Digest::parse(&good).is_some());
        assert!(Digest::parse("sha256:../../x").is_none());
        assert!(Digest::parse(&format!("sha256:{}", "A".repeat(64))).is_none());
        assert!(Digest::parse(&format!("sha256:{}", "a".repeat(63))).is_none());
        assert!(Digest::parse(&format!("md5:{}", "a".repeat(32))).is_none());
        assert!(Digest::parse(&format!("sha512:{}", "0".repeat(128))).is_some());
        assert_eq!(
            Digest::of(b"").as_str(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
