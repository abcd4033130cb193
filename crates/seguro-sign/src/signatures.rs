//! Signing and verifying an image in any [`SignatureStore`], in cosign's classic format: the
//! `sha256-<hex>.sig` manifest with one simple-signing layer per signature.

use crate::key::{PrivateKey, PublicKey};
use crate::payload::{self, COSIGN_TYPE};
use crate::store::{
    Digest, MAX_MANIFEST_BYTES, MAX_PAYLOAD_BYTES, SignatureStore, StoreError, StoredManifest,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Media type of a signature layer (its blob is the payload).
pub const SIMPLE_SIGNING_MEDIA_TYPE: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// Layer annotation holding the base64 DER signature.
pub const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Media type of the signature manifest seguro writes.
pub const OCI_MANIFEST_MEDIA_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
/// Docker v2 manifest (cosign with `COSIGN_DOCKER_MEDIA_TYPES=1`): read and kept on append.
pub const DOCKER_MANIFEST_MEDIA_TYPE: &str = "application/vnd.docker.distribution.manifest.v2+json";
const OCI_CONFIG_MEDIA_TYPE: &str = "application/vnd.oci.image.config.v1+json";
const DOCKER_CONFIG_MEDIA_TYPE: &str = "application/vnd.docker.container.image.v1+json";

/// What `sign` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOutcome {
    /// The signed manifest digest.
    pub image_digest: Digest,
    /// The tag the signature manifest is stored under.
    pub tag: String,
    /// The payload signed.
    pub payload: Vec<u8>,
    /// Base64 DER signature.
    pub signature: String,
    /// Signatures in the manifest after this one (cosign appends).
    pub signatures_stored: usize,
    /// The same signature was already stored: nothing was written.
    pub already_present: bool,
}

/// Signs the image `store` resolves to and stores the signature beside it, appending to an
/// existing signature manifest. `docker_reference` overrides the store's repository name in
/// the payload.
pub fn sign(
    store: &mut dyn SignatureStore,
    key: &PrivateKey,
    docker_reference: Option<&str>,
) -> Result<SignOutcome, StoreError> {
    let image_digest = store.image_digest()?;
    let reference = match docker_reference {
        Some(reference) => reference.to_owned(),
        None => store.docker_reference().unwrap_or_default(),
    };
    let payload = payload::build(&reference, image_digest.as_str());
    let signature = STANDARD.encode(key.sign(&payload));
    let payload_digest = Digest::of(&payload);
    let tag = image_digest.signature_tag();

    let (media_type, mut layers) = match store.read_tagged_manifest(&tag, MAX_MANIFEST_BYTES)? {
        Some(existing) => {
            let manifest = parse_manifest(&existing.bytes).map_err(|e| {
                StoreError::invalid(format!("existing signature manifest `{tag}`: {e}"))
            })?;
            let media_type = manifest
                .media_type
                .clone()
                .filter(|m| m == DOCKER_MANIFEST_MEDIA_TYPE)
                .unwrap_or_else(|| OCI_MANIFEST_MEDIA_TYPE.to_owned());
            (media_type, manifest.layers)
        }
        None => (OCI_MANIFEST_MEDIA_TYPE.to_owned(), Vec::new()),
    };
    let already_present = layers.iter().any(|layer| {
        layer.digest == payload_digest.as_str()
            && layer.annotation(SIGNATURE_ANNOTATION) == Some(signature.as_str())
    });
    if already_present {
        return Ok(SignOutcome {
            image_digest,
            tag,
            payload,
            signature,
            signatures_stored: layers.len(),
            already_present,
        });
    }
    layers.push(Descriptor {
        media_type: SIMPLE_SIGNING_MEDIA_TYPE.to_owned(),
        size: payload.len() as u64,
        digest: payload_digest.as_str().to_owned(),
        annotations: Some(BTreeMap::from([(
            SIGNATURE_ANNOTATION.to_owned(),
            serde_json::Value::String(signature.clone()),
        )])),
        rest: BTreeMap::new(),
    });

    let config = signature_config(&layers);
    let config_digest = Digest::of(&config);
    let config_media_type = if media_type == DOCKER_MANIFEST_MEDIA_TYPE {
        DOCKER_CONFIG_MEDIA_TYPE
    } else {
        OCI_CONFIG_MEDIA_TYPE
    };
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(media_type.clone()),
        config: Descriptor {
            media_type: config_media_type.to_owned(),
            size: config.len() as u64,
            digest: config_digest.as_str().to_owned(),
            annotations: None,
            rest: BTreeMap::new(),
        },
        layers,
        rest: BTreeMap::new(),
    };
    let manifest_bytes = serde_json::to_vec(&manifest)
        .map_err(|e| StoreError::new(format!("encoding the signature manifest: {e}")))?;
    let signatures_stored = manifest.layers.len();

    // Blobs first, the tag last: a failure leaves the store as it was (plus unused blobs).
    store.write_blob(&payload_digest, &payload)?;
    store.write_blob(&config_digest, &config)?;
    store.write_tagged_manifest(
        &tag,
        &StoredManifest {
            media_type,
            bytes: manifest_bytes,
        },
    )?;
    Ok(SignOutcome {
        image_digest,
        tag,
        payload,
        signature,
        signatures_stored,
        already_present,
    })
}

/// The result of `verify`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// At least one signature by the key covers the image digest.
    Valid {
        image_digest: Digest,
        /// How many layers verified.
        valid: usize,
        /// How many signature layers there are.
        total: usize,
        /// `critical.identity.docker-reference` of the first valid payload.
        docker_reference: String,
    },
    /// No signature manifest (or one without signature layers).
    NoSignature { image_digest: Digest, tag: String },
    /// Signatures exist but none is valid for this key and image; `problems` has one entry
    /// per signature layer, `kind` the most telling of them.
    Invalid {
        image_digest: Digest,
        kind: FailureKind,
        problems: Vec<String>,
    },
}

/// Why no signature was accepted, most telling first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FailureKind {
    /// A signature by this key over a payload for another digest (a signature copied from
    /// another image).
    DigestMismatch,
    /// A signature by this key over a payload that is not a cosign image signature.
    WrongPayloadType,
    /// A well-formed signature that does not verify with this key: made with another key,
    /// or the payload or signature bytes were altered. ECDSA cannot tell these apart.
    NotThisKey,
    /// Malformed: signature annotation missing or not base64 DER, payload blob missing or
    /// not matching its digest, signature manifest not a manifest.
    BadSignature,
}

impl FailureKind {
    /// A short name for messages and JSON: `digest mismatch`, …
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::DigestMismatch => "digest mismatch",
            FailureKind::WrongPayloadType => "bad signature",
            FailureKind::NotThisKey => "other key",
            FailureKind::BadSignature => "bad signature",
        }
    }
}

/// Verifies the image `store` resolves to against `key`, reading its cosign signatures.
/// `Err` is a storage problem (the CLI's exit 2), never a failed verification.
pub fn verify(store: &mut dyn SignatureStore, key: &PublicKey) -> Result<Verdict, StoreError> {
    let image_digest = store.image_digest()?;
    let tag = image_digest.signature_tag();
    let Some(stored) = store.read_tagged_manifest(&tag, MAX_MANIFEST_BYTES)? else {
        return Ok(Verdict::NoSignature { image_digest, tag });
    };
    let manifest = match parse_manifest(&stored.bytes) {
        Ok(manifest) => manifest,
        Err(e) => {
            return Ok(Verdict::Invalid {
                image_digest,
                kind: FailureKind::BadSignature,
                problems: vec![format!("signature manifest `{tag}`: {e}")],
            });
        }
    };
    if manifest.layers.is_empty() {
        return Ok(Verdict::NoSignature { image_digest, tag });
    }
    let total = manifest.layers.len();
    let mut valid = 0;
    let mut docker_reference = None;
    let mut failures = Vec::new();
    for (index, layer) in manifest.layers.iter().enumerate() {
        match check_layer(store, key, &image_digest, layer)? {
            Ok(reference) => {
                valid += 1;
                docker_reference.get_or_insert(reference);
            }
            Err((kind, why)) => failures.push((kind, format!("signature {}: {why}", index + 1))),
        }
    }
    if valid > 0 {
        return Ok(Verdict::Valid {
            image_digest,
            valid,
            total,
            docker_reference: docker_reference.unwrap_or_default(),
        });
    }
    let kind = failures
        .iter()
        .map(|(kind, _)| *kind)
        .min()
        .unwrap_or(FailureKind::BadSignature);
    Ok(Verdict::Invalid {
        image_digest,
        kind,
        problems: failures.into_iter().map(|(_, why)| why).collect(),
    })
}

type LayerResult = Result<String, (FailureKind, String)>;

fn check_layer(
    store: &mut dyn SignatureStore,
    key: &PublicKey,
    image_digest: &Digest,
    layer: &Descriptor,
) -> Result<LayerResult, StoreError> {
    let bad = |why: String| Ok(Err((FailureKind::BadSignature, why)));
    if layer.media_type != SIMPLE_SIGNING_MEDIA_TYPE {
        return bad(format!(
            "layer media type `{}` is not a simple-signing payload",
            layer.media_type
        ));
    }
    let Some(signature_b64) = layer.annotation(SIGNATURE_ANNOTATION) else {
        return bad(format!("no `{SIGNATURE_ANNOTATION}` annotation"));
    };
    let Ok(signature) = STANDARD.decode(signature_b64) else {
        return bad("the signature annotation is not base64".to_owned());
    };
    if p256::ecdsa::Signature::from_der(&signature).is_err() {
        return bad("the signature is not an ASN.1 DER ECDSA P-256 signature".to_owned());
    }
    let digest = match Digest::parse(&layer.digest) {
        Ok(digest) => digest,
        Err(e) => return bad(format!("payload: {e}")),
    };
    if layer.size > MAX_PAYLOAD_BYTES {
        return bad(format!(
            "payload of {} bytes is larger than allowed",
            layer.size
        ));
    }
    let Some(payload) = store.read_blob(&digest, MAX_PAYLOAD_BYTES)? else {
        return bad(format!("payload blob {digest} is missing"));
    };
    if Digest::of(&payload) != digest || payload.len() as u64 != layer.size {
        return bad(format!(
            "payload blob does not match its descriptor {digest}"
        ));
    }
    if !key.verify(&payload, &signature) {
        return Ok(Err((
            FailureKind::NotThisKey,
            "does not verify with this key (signed by another key, or payload/signature altered)"
                .to_owned(),
        )));
    }
    let facts = match payload::parse(&payload) {
        Ok(facts) => facts,
        Err(e) => return Ok(Err((FailureKind::WrongPayloadType, e))),
    };
    if facts.kind != COSIGN_TYPE {
        return Ok(Err((
            FailureKind::WrongPayloadType,
            format!("payload type `{}` is not `{COSIGN_TYPE}`", facts.kind),
        )));
    }
    if facts.manifest_digest != image_digest.as_str() {
        return Ok(Err((
            FailureKind::DigestMismatch,
            format!(
                "valid signature by this key, but it covers {}, not the image {image_digest}",
                facts.manifest_digest
            ),
        )));
    }
    Ok(Ok(facts.docker_reference))
}

/// An image manifest, as far as signature manifests need one.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType", skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    config: Descriptor,
    layers: Vec<Descriptor>,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType")]
    media_type: String,
    size: u64,
    digest: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(flatten)]
    rest: BTreeMap<String, serde_json::Value>,
}

impl Descriptor {
    fn annotation(&self, name: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(name)?.as_str()
    }
}

fn parse_manifest(bytes: &[u8]) -> Result<Manifest, String> {
    let manifest: Manifest =
        serde_json::from_slice(bytes).map_err(|e| format!("not an image manifest: {e}"))?;
    if manifest.schema_version != 2 {
        return Err(format!(
            "schemaVersion {} (expected 2)",
            manifest.schema_version
        ));
    }
    Ok(manifest)
}

/// The config blob of a signature manifest: go-containerregistry's empty image config with
/// one `rootfs.diff_ids` entry and one history entry per layer, as cosign's appends leave
/// it. Verifiers ignore it.
fn signature_config(layers: &[Descriptor]) -> Vec<u8> {
    let config = serde_json::json!({
        "architecture": "",
        "created": "0001-01-01T00:00:00Z",
        "history": layers.iter().map(|_| serde_json::json!({"created": "0001-01-01T00:00:00Z"})).collect::<Vec<_>>(),
        "os": "",
        "rootfs": {
            "type": "layers",
            "diff_ids": layers.iter().map(|l| l.digest.clone()).collect::<Vec<_>>(),
        },
        "config": {},
    });
    serde_json::to_vec(&config).unwrap_or_default()
}
