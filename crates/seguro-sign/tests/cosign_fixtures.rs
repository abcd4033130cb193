//! cosign/sigstore conformance data (`../shared/conformance/cosign`, read in place): real
//! encrypted keys with their passwords and a real cosign signature.

use base64::Engine as _;
use seguro_sign::key::KeyError;
use seguro_sign::{PrivateKey, PublicKey};
use serde_json::Value;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cosign")
}

fn index() -> Value {
    let text = std::fs::read(fixtures().join("fixtures.json")).expect("fixtures.json");
    serde_json::from_slice(&text).expect("fixtures.json is JSON")
}

fn key_entry(id: &str) -> Value {
    index()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no key {id} in fixtures.json"))
        .clone()
}

const OK_KEYS: [&str; 4] = [
    "sigstore-rs/cosign_generated_empty_password",
    "sigstore-rs/ecdsa_password_123",
    "cosign/pemsigstorekey",
    "cosign/pemcosignkey",
];
const REJECTED_KEYS: [&str; 1] = ["cosign/pemcosigneckey"];

#[test]
fn counts_match_and_every_key_is_covered() {
    let index = index();
    assert_eq!(index["counts"]["keys"], 5);
    assert_eq!(index["counts"]["keys_ok"], 4);
    assert_eq!(index["counts"]["keys_reject"], 1);
    assert_eq!(index["counts"]["signatures"], 2);
    let keys = index["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 5);
    for key in keys {
        let id = key["id"].as_str().unwrap();
        match key["expect"].as_str().unwrap() {
            "ok" => assert!(OK_KEYS.contains(&id), "{id} is not tested"),
            "reject" => assert!(REJECTED_KEYS.contains(&id), "{id} is not tested"),
            other => panic!("unknown expectation {other}"),
        }
    }
    assert_eq!(index["signatures"].as_array().unwrap().len(), 2);
}

/// Decrypts with the fixture's password through the path `seguro sign` uses and compares
/// the public key's SPKI DER with the derived one; then the wrong password must fail.
fn check_ok_key(id: &str) {
    let entry = key_entry(id);
    assert_eq!(entry["expect"], "ok");
    let path = fixtures().join(entry["file"].as_str().unwrap());
    let password = entry["password"].as_str().unwrap();
    let key =
        PrivateKey::from_file(&path, password.as_bytes()).unwrap_or_else(|e| panic!("{id}: {e}"));
    let expected = PublicKey::from_file(&fixtures().join(entry["public_key"].as_str().unwrap()))
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(
        key.public_key().to_spki_der(),
        expected.to_spki_der(),
        "{id}"
    );
    // The derived PEM's DER, read without seguro's code, is the same bytes.
    let pem_text =
        std::fs::read_to_string(fixtures().join(entry["public_key"].as_str().unwrap())).unwrap();
    let body: String = pem_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    assert_eq!(key.public_key().to_spki_der(), der, "{id}");

    let text = std::fs::read(&path).unwrap();
    let wrong = format!("{password}x");
    assert_eq!(
        PrivateKey::from_encrypted_pem(&text, wrong.as_bytes()).unwrap_err(),
        KeyError::WrongPassword,
        "{id}"
    );
    let message = PrivateKey::from_file(&path, wrong.as_bytes()).unwrap_err();
    assert!(
        message.contains(entry["file"].as_str().unwrap().rsplit('/').next().unwrap()),
        "{message}"
    );
    assert!(message.contains("wrong password"), "{message}");
}

#[test]
fn key_cosign_generated_empty_password() {
    check_ok_key(OK_KEYS[0]);
}

#[test]
fn key_sigstore_rs_password_123() {
    check_ok_key(OK_KEYS[1]);
}

#[test]
fn key_cosign_pemsigstorekey() {
    check_ok_key(OK_KEYS[2]);
}

#[test]
fn key_cosign_pemcosignkey() {
    check_ok_key(OK_KEYS[3]);
}

#[test]
fn key_cosign_pemcosigneckey_is_refused() {
    let entry = key_entry(REJECTED_KEYS[0]);
    assert_eq!(entry["expect"], "reject");
    let text = std::fs::read(fixtures().join(entry["file"].as_str().unwrap())).unwrap();
    let password = entry["password"].as_str().unwrap();
    // The envelope opens (not a password error) but the plaintext is SEC1, not PKCS#8.
    assert_eq!(
        PrivateKey::from_encrypted_pem(&text, password.as_bytes()).unwrap_err(),
        KeyError::NotPkcs8
    );
    assert_eq!(
        PrivateKey::from_encrypted_pem(&text, b"hellox").unwrap_err(),
        KeyError::WrongPassword
    );
}

fn busybox() -> (Vec<u8>, Vec<u8>) {
    let dir = fixtures().join("sigstore-rs");
    let payload = std::fs::read(dir.join("busybox.payload.json")).unwrap();
    let b64 = std::fs::read_to_string(dir.join("busybox.sig.b64")).unwrap();
    let signature = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .unwrap();
    (payload, signature)
}

#[test]
fn busybox_signature_verifies_with_its_key() {
    let (payload, signature) = busybox();
    assert_eq!(payload.len(), 248);
    assert_eq!(signature.len(), 71);
    let key = PublicKey::from_file(&fixtures().join("sigstore-rs/busybox.pub")).unwrap();
    assert!(key.verify(&payload, &signature));
    let facts = seguro_sign::payload::parse(&payload).unwrap();
    assert_eq!(
        facts.manifest_digest,
        "sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"
    );
    assert_eq!(facts.kind, "cosign container image signature");
    assert_eq!(facts.docker_reference, "registry-testing.svc.lan/busybox");
    // seguro builds the same bytes for the same image.
    assert_eq!(
        seguro_sign::payload::build(&facts.docker_reference, &facts.manifest_digest),
        payload
    );
}

#[test]
fn busybox_signature_fails_with_other_key_and_other_bytes() {
    let (payload, signature) = busybox();
    let other = PublicKey::from_file(&fixtures().join("sigstore-rs/other.pub")).unwrap();
    assert!(!other.verify(&payload, &signature));
    let key = PublicKey::from_file(&fixtures().join("sigstore-rs/busybox.pub")).unwrap();
    let mut with_newline = payload.clone();
    with_newline.push(b'\n');
    assert!(!key.verify(&with_newline, &signature));
    let value: Value = serde_json::from_slice(&payload).unwrap();
    let pretty = serde_json::to_vec_pretty(&value).unwrap();
    assert!(!key.verify(&pretty, &signature));
    let mut flipped = signature.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert!(!key.verify(&payload, &flipped));
    assert!(!key.verify(&payload, b"not der"));
}

#[test]
fn public_key_pem_round_trips_byte_for_byte() {
    // busybox.pub has no final newline; seguro writes one, as cosign does. Otherwise equal.
    let text = std::fs::read_to_string(fixtures().join("sigstore-rs/busybox.pub")).unwrap();
    let key = PublicKey::from_pem(text.as_bytes()).unwrap();
    assert_eq!(key.to_pem(), format!("{text}\n"));
}
