//! The "simple signing" payload cosign signs: compact JSON naming the image's repository
//! and manifest digest. Signatures cover its exact bytes; it is never re-serialised.

use serde::{Deserialize, Serialize};

/// `critical.type` of a cosign container image signature.
pub const COSIGN_TYPE: &str = "cosign container image signature";

/// Builds the payload exactly as cosign writes it: compact, keys in cosign's order,
/// `"optional":null`, no final newline.
pub fn build(docker_reference: &str, manifest_digest: &str) -> Vec<u8> {
    let payload = Payload {
        critical: Critical {
            identity: Identity {
                docker_reference: docker_reference.to_owned(),
            },
            image: Image {
                docker_manifest_digest: manifest_digest.to_owned(),
            },
            kind: COSIGN_TYPE.to_owned(),
        },
        optional: None,
    };
    // Serialising plain strings into a Vec cannot fail.
    serde_json::to_vec(&payload).unwrap_or_default()
}

/// The fields of a payload a verifier looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayloadFacts {
    pub docker_reference: String,
    pub manifest_digest: String,
    pub kind: String,
}

/// Reads a payload (the stored bytes); `Err` names what is missing or malformed.
pub fn parse(bytes: &[u8]) -> Result<PayloadFacts, String> {
    let payload: Payload =
        serde_json::from_slice(bytes).map_err(|e| format!("not a simple-signing payload: {e}"))?;
    Ok(PayloadFacts {
        docker_reference: payload.critical.identity.docker_reference,
        manifest_digest: payload.critical.image.docker_manifest_digest,
        kind: payload.critical.kind,
    })
}

#[derive(Serialize, Deserialize)]
struct Payload {
    critical: Critical,
    optional: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Serialize, Deserialize)]
struct Critical {
    identity: Identity,
    image: Image,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Serialize, Deserialize)]
struct Identity {
    #[serde(rename = "docker-reference")]
    docker_reference: String,
}

#[derive(Serialize, Deserialize)]
struct Image {
    #[serde(rename = "docker-manifest-digest")]
    docker_manifest_digest: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_cosign_bytes() {
        let digest = "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b";
        let built = build("registry-testing.svc.lan/busybox", digest);
        let expected = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/conformance/cosign/sigstore-rs/busybox.payload.json"),
        )
        .unwrap();
        assert_eq!(built.len(), 248);
        assert_eq!(
            String::from_utf8(built).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn parses_and_refuses() {
        let facts = parse(&build("r/x", "sha256:00")).unwrap();
        assert_eq!(facts.docker_reference, "r/x");
        assert_eq!(facts.manifest_digest, "sha256:00");
        assert_eq!(facts.kind, COSIGN_TYPE);
        assert!(parse(b"{}").is_err());
        assert!(parse(b"not json").is_err());
        // `optional` may be absent or a map (cosign -a k=v).
        let with_optional = br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"t"},"optional":{"k":"v"}}"#;
        assert_eq!(parse(with_optional).unwrap().kind, "t");
        let without = br#"{"critical":{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"d"},"type":"t"}}"#;
        assert_eq!(parse(without).unwrap().manifest_digest, "d");
    }
}
