//! The notation the registry rules' documentation examples are written in: one fact per
//! line, everything else as a real check would find it (a signed, labelled, versioned
//! image on an HTTPS registry, with no expectations).
//!
//! ```text
//! # comments and blank lines are ignored
//! reference ghcr.io/acme/app:1.4.2      # what was checked (required)
//! digest sha256:<64 hex>                # what it resolved to
//! label org.opencontainers.image.version=1.4.2   # replaces the default labels (repeat)
//! signature absent|unverified|valid|invalid
//! anonymous allowed|denied              # the anonymous pull probe
//! expect-visibility private|public      # --expect-visibility
//! expect-digest sha256:<64 hex>         # --expect-digest
//! insecure-registry                     # reached over plain HTTP (--insecure-registry)
//! ```

use crate::client::Endpoint;
use crate::probe::AnonymousPull;
use crate::publish::{Expectations, Facts, Signature, Visibility};
use seguro_dockerfile::reference::ImageRef;
use std::collections::BTreeMap;

/// The digest examples resolve to unless they say otherwise.
pub const EXAMPLE_DIGEST: &str =
    "sha256:4b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c";

/// The facts a description gives, or which line is wrong.
pub fn facts(text: &str) -> Result<Facts, String> {
    let mut reference = None;
    let mut digest = EXAMPLE_DIGEST.to_owned();
    let mut labels: Option<BTreeMap<String, String>> = None;
    let mut signature = Signature::Valid { valid: 1, total: 1 };
    let mut anonymous = AnonymousPull::Allowed {
        digest: EXAMPLE_DIGEST.to_owned(),
    };
    let mut expect = Expectations::default();
    let mut insecure = false;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split(" #").next().unwrap_or(raw).trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |why: &str| format!("line {}: {why}: `{line}`", n + 1);
        let (key, value) = line.split_once(' ').unwrap_or((line, ""));
        let value = value.trim();
        match key {
            "reference" => {
                reference =
                    Some(ImageRef::parse_normalized(value).map_err(|e| bad(&e.to_string()))?);
            }
            "digest" => digest = value.to_owned(),
            "label" => {
                let (k, v) = value
                    .split_once('=')
                    .ok_or_else(|| bad("label needs k=v"))?;
                labels
                    .get_or_insert_with(BTreeMap::new)
                    .insert(k.to_owned(), v.to_owned());
            }
            "signature" => {
                signature = match value {
                    "absent" => Signature::Absent {
                        tag: "sha256-….sig".into(),
                    },
                    "unverified" => Signature::Unverified {
                        tag: "sha256-….sig".into(),
                    },
                    "valid" => Signature::Valid { valid: 1, total: 1 },
                    "invalid" => Signature::Invalid {
                        kind: "other key".into(),
                        problems: vec![
                            "layer 0: the signature does not verify with this key".into(),
                        ],
                    },
                    _ => return Err(bad("absent|unverified|valid|invalid")),
                }
            }
            "anonymous" => {
                anonymous = match value {
                    "allowed" => AnonymousPull::Allowed {
                        digest: digest.clone(),
                    },
                    "denied" => AnonymousPull::NotFoundOrDenied {
                        reason: "HTTP 401 with an anonymous token (insufficient_scope)".into(),
                    },
                    _ => return Err(bad("allowed|denied")),
                }
            }
            "expect-visibility" => {
                expect.visibility = Some(match value {
                    "private" => Visibility::Private,
                    "public" => Visibility::Public,
                    _ => return Err(bad("private|public")),
                })
            }
            "expect-digest" => expect.digest = Some(value.to_owned()),
            "insecure-registry" => insecure = true,
            _ => return Err(bad("unknown fact")),
        }
    }
    let reference = reference.ok_or("no `reference` line")?;
    let mut endpoint = Endpoint::for_domain(&reference.domain, &[]).map_err(|e| e.to_string())?;
    endpoint.plain_http |= insecure;
    let labels = labels.unwrap_or_else(|| {
        let version = reference.tag.as_deref().unwrap_or("");
        let version = version.strip_prefix('v').unwrap_or(version);
        [
            ("org.opencontainers.image.version", version),
            (
                "org.opencontainers.image.source",
                "https://github.com/acme/app",
            ),
            (
                "org.opencontainers.image.revision",
                "0123456789abcdef0123456789abcdef01234567",
            ),
            ("org.opencontainers.image.created", "2026-11-28T10:00:00Z"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    });
    Ok(Facts {
        reference,
        endpoint,
        digest,
        media_type: crate::client::OCI_MANIFEST.to_owned(),
        labels,
        signature: Some(signature),
        anonymous: Some(anonymous),
        expect,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_a_clean_image() {
        let f = facts("reference ghcr.io/acme/app:v1.2.3").unwrap();
        assert_eq!(f.labels["org.opencontainers.image.version"], "1.2.3");
        assert!(!f.endpoint.plain_http);
        assert!(
            crate::publish::check(&f).is_empty(),
            "{:?}",
            crate::publish::check(&f)
        );
    }

    #[test]
    fn bad_lines_are_named() {
        assert!(facts("label x").unwrap_err().contains("line 1"));
        assert!(facts("nonsense 1").unwrap_err().contains("unknown fact"));
        assert!(facts("").unwrap_err().contains("no `reference`"));
    }
}
