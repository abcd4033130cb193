//! SHA-256 digests: computing them, validating digest strings before they go into a URL,
//! and a reader that checks a streamed blob against its digest.

use crate::error::Error;
use sha2::{Digest as _, Sha256};
use std::io::{self, Read};

/// `sha256:<hex>` of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(bytes)))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// Accepts only `sha256:` followed by 64 lowercase hex digits (what can be verified here,
/// and safe in a URL path).
pub fn check_sha256(digest: &str) -> Result<(), Error> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|hex| {
        hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    });
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "`{}` is not a sha256 digest (sha256: and 64 lowercase hex digits)",
            crate::error::sanitize(digest)
        )))
    }
}

/// Wraps a blob stream: counts and hashes what is read and, at the end of the stream,
/// fails with `InvalidData` unless the bytes hash to the expected digest (and their count
/// matches the announced size).
pub struct Sha256Reader<R> {
    inner: R,
    hasher: Sha256,
    expected: String,
    announced: Option<u64>,
    read: u64,
    what: String,
    checked: bool,
}

impl<R: Read> Sha256Reader<R> {
    pub fn new(inner: R, expected: String, announced: Option<u64>, what: String) -> Self {
        Sha256Reader {
            inner,
            hasher: Sha256::new(),
            expected,
            announced,
            read: 0,
            what,
            checked: false,
        }
    }

    /// The size the server announced (`Content-Length`).
    pub fn announced_size(&self) -> Option<u64> {
        self.announced
    }

    /// What is read, for messages (`blob sha256:… of host/repo`).
    pub fn what(&self) -> &str {
        &self.what
    }

    /// Reads what is left and checks the digest.
    pub fn finish(mut self) -> Result<(), Error> {
        let what = self.what.clone();
        io::copy(&mut self, &mut io::sink()).map_err(|e| io_error(e, &what))?;
        Ok(())
    }

    fn verify(&mut self) -> io::Result<()> {
        if self.checked {
            return Ok(());
        }
        self.checked = true;
        let actual = format!("sha256:{}", hex(&self.hasher.clone().finalize()));
        if actual != self.expected {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                Error::DigestMismatch {
                    what: self.what.clone(),
                    expected: self.expected.clone(),
                    actual,
                },
            ));
        }
        if let Some(size) = self.announced.filter(|&size| size != self.read) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                Error::malformed(
                    &self.what,
                    format!("{} bytes received, {size} announced", self.read),
                ),
            ));
        }
        Ok(())
    }
}

impl<R: Read> Read for Sha256Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.verify()?;
            return Ok(0);
        }
        self.hasher.update(&buf[..n]);
        self.read += n as u64;
        Ok(n)
    }
}

/// Turns an I/O error from a [`Sha256Reader`] back into the registry error it carries.
pub fn io_error(error: io::Error, what: &str) -> Error {
    if error.get_ref().is_some_and(|inner| inner.is::<Error>()) {
        if let Some(inner) = error.into_inner().and_then(|b| b.downcast::<Error>().ok()) {
            return *inner;
        }
        return Error::malformed(what, "unreadable");
    }
    Error::Transport {
        url: what.to_owned(),
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn digests() {
        assert_eq!(sha256(b""), EMPTY);
        assert!(check_sha256(EMPTY).is_ok());
        assert!(check_sha256(&EMPTY.to_uppercase()).is_err());
        assert!(check_sha256("sha256:abc").is_err());
        assert!(
            check_sha256("sha256:../../../../etc/passwd0000000000000000000000000000000000000")
                .is_err()
        );
    }

    #[test]
    fn reader_accepts_matching_content() {
        let data = b"hello".to_vec();
        let mut r = Sha256Reader::new(&data[..], sha256(&data), Some(5), "b".into());
        let mut out = Vec::new();
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, data);
    }

    #[test]
    fn reader_rejects_tampered_content_and_wrong_size() {
        let mut r = Sha256Reader::new(&b"hellO"[..], sha256(b"hello"), None, "blob x".into());
        let err = r.read_to_end(&mut Vec::new()).unwrap_err();
        let err = io_error(err, "blob x");
        assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
        assert!(err.to_string().contains("tampered"), "{err}");
        let r = Sha256Reader::new(&b"hello"[..], sha256(b"hello"), Some(6), "blob y".into());
        let err = r.finish().unwrap_err().to_string();
        assert!(err.contains("5 bytes received, 6 announced"), "{err}");
    }
}
