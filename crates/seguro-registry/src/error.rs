//! What can go wrong talking to a registry, with messages that say what to do.

use std::fmt;

/// One entry of a registry's JSON error body (`{"errors":[{"code":…,"message":…}]}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryErrorCode {
    /// `MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, `BLOB_UNKNOWN`, `DENIED`, `UNAUTHORIZED` …
    pub code: String,
    pub message: String,
}

/// A failed registry operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The reference or an option is not usable (bad reference, bad insecure-registry entry).
    Usage(String),
    /// No HTTP answer: connection refused, DNS, TLS, timeout, or bytes that are not HTTP.
    Transport { url: String, message: String },
    /// The registry answered with an unexpected status. `codes` are the error codes of its
    /// JSON body (empty when the body had none).
    Status {
        method: &'static str,
        url: String,
        status: u16,
        codes: Vec<RegistryErrorCode>,
    },
    /// Authentication failed or was refused (401/403 after trying the credentials at hand).
    Unauthorized {
        url: String,
        status: u16,
        /// Whether credentials were sent.
        with_credentials: bool,
        codes: Vec<RegistryErrorCode>,
    },
    /// The manifest, tag, repository or blob does not exist.
    NotFound {
        what: String,
        codes: Vec<RegistryErrorCode>,
    },
    /// A manifest or JSON document is larger than the cap.
    TooLarge { what: String, limit: u64 },
    /// Content does not hash to the digest it was asked by (or announced with).
    DigestMismatch {
        what: String,
        expected: String,
        actual: String,
    },
    /// The registry answered something that is not what the API promises (not JSON, not a
    /// manifest, a token response without a token …).
    Malformed { what: String, message: String },
    /// Reading `~/.docker/config.json` or running a credential helper failed.
    Credentials(String),
}

impl Error {
    /// The registry error codes the answer carried, if any.
    pub fn codes(&self) -> &[RegistryErrorCode] {
        match self {
            Error::Status { codes, .. }
            | Error::Unauthorized { codes, .. }
            | Error::NotFound { codes, .. } => codes,
            _ => &[],
        }
    }

    /// Whether the registry said the thing does not exist.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    pub(crate) fn malformed(what: impl Into<String>, message: impl fmt::Display) -> Error {
        Error::Malformed {
            what: what.into(),
            message: message.to_string(),
        }
    }
}

fn write_codes(f: &mut fmt::Formatter<'_>, codes: &[RegistryErrorCode]) -> fmt::Result {
    for (i, c) in codes.iter().enumerate() {
        f.write_str(if i == 0 { ": " } else { "; " })?;
        if c.message.is_empty() {
            write!(f, "{}", c.code)?;
        } else {
            write!(f, "{} ({})", c.code, c.message)?;
        }
    }
    Ok(())
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(message) => f.write_str(message),
            Error::Transport { url, message } => {
                write!(f, "cannot reach the registry at {url}: {message}")
            }
            Error::Status {
                method,
                url,
                status,
                codes,
            } => {
                write!(f, "{method} {url}: the registry answered HTTP {status}")?;
                write_codes(f, codes)
            }
            Error::Unauthorized {
                url,
                status,
                with_credentials,
                codes,
            } => {
                write!(f, "{url}: access refused (HTTP {status})")?;
                write_codes(f, codes)?;
                if *with_credentials {
                    f.write_str("; the credentials were rejected or lack permission")
                } else {
                    f.write_str(
                        "; no credentials were found (docker login, ~/.docker/config.json, or \
                         SEGURO_REGISTRY_USERNAME/SEGURO_REGISTRY_PASSWORD)",
                    )
                }
            }
            Error::NotFound { what, codes } => {
                write!(f, "{what} not found")?;
                write_codes(f, codes)
            }
            Error::TooLarge { what, limit } => {
                write!(
                    f,
                    "{what} is larger than the {limit}-byte limit; refusing to read it"
                )
            }
            Error::DigestMismatch {
                what,
                expected,
                actual,
            } => write!(
                f,
                "{what}: content hashes to {actual}, not {expected} (corrupted or tampered with)"
            ),
            Error::Malformed { what, message } => {
                write!(f, "{what}: the registry's answer is not valid: {message}")
            }
            Error::Credentials(message) => write!(f, "registry credentials: {message}"),
        }
    }
}

impl std::error::Error for Error {}

/// Parses a registry JSON error body; anything else gives no codes.
pub(crate) fn parse_error_body(body: &[u8]) -> Vec<RegistryErrorCode> {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default)]
        errors: Vec<Entry>,
    }
    #[derive(serde::Deserialize)]
    struct Entry {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    let Ok(parsed) = serde_json::from_slice::<Body>(body) else {
        return Vec::new();
    };
    parsed
        .errors
        .into_iter()
        .filter(|e| !e.code.is_empty())
        .map(|e| RegistryErrorCode {
            code: e.code,
            message: sanitize(&e.message),
        })
        .collect()
}

/// Keeps a server-provided message printable and short.
pub(crate) fn sanitize(text: &str) -> String {
    const MAX: usize = 300;
    let mut out: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX)
        .collect();
    if text.chars().count() > MAX {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#;
        assert_eq!(
            parse_error_body(body),
            vec![RegistryErrorCode {
                code: "MANIFEST_UNKNOWN".into(),
                message: "manifest unknown".into()
            }]
        );
        assert!(parse_error_body(b"<html>nope</html>").is_empty());
        assert!(parse_error_body(br#"{"errors":"x"}"#).is_empty());
    }

    #[test]
    fn messages_name_the_codes() {
        let e = Error::NotFound {
            what: "manifest 127.0.0.1:5000/app:1.0.0".into(),
            codes: parse_error_body(
                br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#,
            ),
        };
        assert_eq!(
            e.to_string(),
            "manifest 127.0.0.1:5000/app:1.0.0 not found: MANIFEST_UNKNOWN (manifest unknown)"
        );
        let e = Error::Unauthorized {
            url: "http://r/v2/".into(),
            status: 401,
            with_credentials: true,
            codes: vec![],
        };
        assert!(e.to_string().contains("credentials were rejected"), "{e}");
    }

    #[test]
    fn sanitize_strips_control_characters() {
        assert_eq!(sanitize("a\u{1b}[31mb\n"), "a [31mb ");
        assert_eq!(sanitize(&"x".repeat(400)).chars().count(), 301);
    }
}
