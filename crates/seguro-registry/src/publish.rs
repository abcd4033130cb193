//! `seguro publish-check`: gathers the facts about a published image (what its tag
//! resolves to, its labels, its signature, who can pull it, how the registry is reached)
//! and runs the `SR` rules over them. Gathering talks to the registry; the rules only read
//! [`Facts`], so they are tested without one.

use crate::client::{Client, DOCKER_LIST, Endpoint, OCI_INDEX, Options};
use crate::error::Error;
use crate::probe::{self, AnonymousPull};
use crate::rules;
use crate::sign_store::RegistryStore;
use seguro_dockerfile::reference::ImageRef;
use seguro_linter::Diagnostic;
use seguro_sign::{PublicKey, Verdict};
use serde::Deserialize;
use std::collections::BTreeMap;

/// Largest image config read.
const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;

/// Who should be able to pull the repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Anonymous pulls must be refused.
    Private,
    /// Anonymous pulls must work.
    Public,
}

/// What the check is asked to hold the image to.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    pub visibility: Option<Visibility>,
    /// The digest the tag must still point to (`sha256:…`).
    pub digest: Option<String>,
}

/// What is known about the image's signatures.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signature {
    /// No `sha256-<hex>.sig` tag for the resolved digest.
    Absent { tag: String },
    /// A signature tag exists; no key was given, so it was not verified.
    Unverified { tag: String },
    /// At least one signature by the key covers the digest.
    Valid { valid: usize, total: usize },
    /// Signatures exist but none verifies with the key: `kind` says why (`other key`,
    /// `digest mismatch`, `bad signature`).
    Invalid { kind: String, problems: Vec<String> },
}

/// Everything the rules look at.
#[derive(Clone, Debug)]
pub struct Facts {
    /// The reference as checked (normalised; `tag` is `None` when the user gave none).
    pub reference: ImageRef,
    pub endpoint: Endpoint,
    /// The digest the tag (or digest) resolves to: the SHA-256 of the manifest bytes.
    pub digest: String,
    pub media_type: String,
    /// Config labels, completed by the manifest's annotations.
    pub labels: BTreeMap<String, String>,
    /// Signatures, when looked for.
    pub signature: Option<Signature>,
    /// The anonymous pull probe, when it ran.
    pub anonymous: Option<AnonymousPull>,
    pub expect: Expectations,
}

impl Facts {
    /// The reference users see (`ghcr.io/acme/app:1.2.3`).
    pub fn display(&self) -> String {
        self.reference.to_string()
    }

    /// The tag, if the reference has one.
    pub fn tag(&self) -> Option<&str> {
        self.reference.tag.as_deref()
    }
}

/// Collects the facts about `reference`. `key`: verify signatures with it (else only look
/// for a signature tag). Errors are problems reaching or reading the registry (exit 2).
pub fn gather(
    reference: &str,
    options: &Options,
    key: Option<&PublicKey>,
    expect: Expectations,
) -> Result<Facts, Error> {
    if let Some(digest) = &expect.digest {
        crate::digest::check_sha256(digest)?;
    }
    let (mut client, parsed) = Client::for_reference(reference, options)?;
    let target = parsed
        .digest
        .clone()
        .or_else(|| parsed.tag.clone())
        .unwrap_or_else(|| "latest".to_owned());
    let manifest = client.get_manifest(&target)?;
    let labels = labels(&mut client, &manifest.media_type, &manifest.bytes)?;
    let endpoint = client.endpoint().clone();

    let digest_ref = parsed
        .name_only()
        .with_digest(&manifest.digest)
        .map_err(|e| Error::malformed(reference, format!("digest {}: {e}", manifest.digest)))?;
    let mut store = RegistryStore::new(client, digest_ref);
    let signature = match key {
        Some(key) => Some(
            match seguro_sign::verify(&mut store, key)
                .map_err(|e| Error::malformed("signature", e))?
            {
                Verdict::Valid { valid, total, .. } => Signature::Valid { valid, total },
                Verdict::NoSignature { tag, .. } => Signature::Absent { tag },
                Verdict::Invalid { kind, problems, .. } => Signature::Invalid {
                    kind: kind.name().to_owned(),
                    problems,
                },
            },
        ),
        None => {
            let tag = format!("sha256-{}.sig", &manifest.digest["sha256:".len()..]);
            Some(match store.client().head_manifest(&tag)? {
                Some(_) => Signature::Unverified { tag },
                None => Signature::Absent { tag },
            })
        }
    };

    // The probe decides SR004; without an expectation it is only informative, so a
    // failure then is not fatal.
    let anonymous = match probe::anonymous_pull(&parsed, options) {
        Ok(result) => Some(result),
        Err(e) if expect.visibility.is_some() => return Err(e),
        Err(_) => None,
    };
    Ok(Facts {
        reference: parsed,
        endpoint,
        digest: manifest.digest,
        media_type: manifest.media_type,
        labels,
        signature,
        anonymous,
        expect,
    })
}

/// Runs every SR rule over the facts.
pub fn check(facts: &Facts) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for rule in rules::RULES {
        rule.check(facts, &mut out);
    }
    out
}

#[derive(Deserialize)]
struct ManifestDoc {
    #[serde(default)]
    config: Option<DescriptorDoc>,
    #[serde(default)]
    manifests: Option<Vec<DescriptorDoc>>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct DescriptorDoc {
    #[serde(default)]
    digest: String,
    #[serde(default)]
    platform: Option<PlatformDoc>,
    #[serde(default)]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize)]
struct PlatformDoc {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
}

#[derive(Deserialize)]
struct ConfigDoc {
    #[serde(default)]
    config: Option<ConfigInner>,
}

#[derive(Deserialize)]
struct ConfigInner {
    #[serde(rename = "Labels", default)]
    labels: Option<BTreeMap<String, String>>,
}

/// The labels of the image (for an index: of its linux/amd64 image, else the first real
/// one), completed by manifest annotations.
fn labels(
    client: &mut Client,
    media_type: &str,
    bytes: &[u8],
) -> Result<BTreeMap<String, String>, Error> {
    let what = "manifest";
    let mut doc: ManifestDoc =
        serde_json::from_slice(bytes).map_err(|e| Error::malformed(what, e))?;
    let mut annotations = doc.annotations.take().unwrap_or_default();
    if media_type == OCI_INDEX || media_type == DOCKER_LIST || doc.manifests.is_some() {
        let entries = doc.manifests.take().unwrap_or_default();
        let is_image = |d: &&DescriptorDoc| {
            let attestation = d
                .annotations
                .as_ref()
                .and_then(|a| a.get("vnd.docker.reference.type"))
                .is_some_and(|t| t == "attestation-manifest");
            let unknown = d.platform.as_ref().is_some_and(|p| p.os == "unknown");
            !attestation && !unknown
        };
        let chosen = entries
            .iter()
            .filter(is_image)
            .find(|d| {
                d.platform
                    .as_ref()
                    .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
            })
            .or_else(|| entries.iter().find(is_image));
        let Some(chosen) = chosen else {
            return Ok(annotations);
        };
        let inner = client.get_manifest(&chosen.digest)?;
        let mut inner_doc: ManifestDoc =
            serde_json::from_slice(&inner.bytes).map_err(|e| Error::malformed(what, e))?;
        for (k, v) in inner_doc.annotations.take().unwrap_or_default() {
            annotations.entry(k).or_insert(v);
        }
        doc = inner_doc;
    }
    let mut labels = BTreeMap::new();
    if let Some(config) = doc.config.filter(|c| !c.digest.is_empty()) {
        let bytes = client.get_blob_bytes(&config.digest, MAX_CONFIG_BYTES)?;
        // A config that is not an image config (an artifact's `{}`) has no labels.
        if let Ok(parsed) = serde_json::from_slice::<ConfigDoc>(&bytes) {
            labels = parsed.config.and_then(|c| c.labels).unwrap_or_default();
        }
    }
    for (k, v) in annotations {
        labels.entry(k).or_insert(v);
    }
    Ok(labels)
}
