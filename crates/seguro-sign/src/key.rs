//! cosign's key files: the encrypted private key envelope (scrypt + NaCl secretbox over a
//! PKCS#8 P-256 key, PEM labels `ENCRYPTED SIGSTORE PRIVATE KEY` and `ENCRYPTED COSIGN
//! PRIVATE KEY`) and the public key (PEM SubjectPublicKeyInfo).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use crypto_secretbox::aead::AeadInPlace as _;
use crypto_secretbox::{KeyInit as _, XSalsa20Poly1305};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use p256::pkcs8::{
    DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use zeroize::Zeroizing;

/// The PEM label current cosign writes (and seguro writes).
pub const SIGSTORE_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The PEM label older cosign wrote.
pub const COSIGN_LABEL: &str = "ENCRYPTED COSIGN PRIVATE KEY";
/// The PEM label of a public key.
pub const PUBLIC_KEY_LABEL: &str = "PUBLIC KEY";
/// The scrypt cost seguro writes (cosign's "standard" parameters).
pub const WRITE_SCRYPT_N: u32 = 65536;
/// The scrypt costs accepted when reading: cosign's legacy, standard and OWASP sets. Others
/// are refused, as cosign does (a huge N is a denial of service).
pub const ACCEPTED_SCRYPT_N: [u32; 3] = [32768, 65536, 131072];
/// Largest key file read.
pub const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// Why a key could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// Reading or writing the file failed.
    Io(String),
    /// Not a PEM block, or a truncated one.
    NotPem(String),
    /// A PEM block with a label seguro does not read here.
    UnknownLabel {
        found: String,
        expected: Vec<&'static str>,
    },
    /// The PEM body is not the JSON envelope cosign writes, or its fields are malformed.
    MalformedEnvelope(String),
    /// A KDF, cipher or scrypt parameter set cosign would refuse.
    UnsupportedEnvelope(String),
    /// The secretbox did not open: wrong password (or a corrupted file).
    WrongPassword,
    /// The decrypted key is not PKCS#8 (e.g. a SEC1 `EC PRIVATE KEY`).
    NotPkcs8,
    /// A PKCS#8 or SPKI key of another algorithm or curve than ECDSA P-256.
    UnsupportedKeyType(String),
    /// The public key's SPKI DER is malformed.
    MalformedPublicKey(String),
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::Io(message) => f.write_str(message),
            KeyError::NotPem(why) => write!(f, "not a PEM file ({why})"),
            KeyError::UnknownLabel { found, expected } => write!(
                f,
                "unsupported PEM block `{found}` (expected {})",
                expected
                    .iter()
                    .map(|l| format!("`{l}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            KeyError::MalformedEnvelope(why) => write!(f, "malformed encrypted key: {why}"),
            KeyError::UnsupportedEnvelope(why) => write!(f, "unsupported encrypted key: {why}"),
            KeyError::WrongPassword => {
                f.write_str("decryption failed: wrong password (or a corrupted key file)")
            }
            KeyError::NotPkcs8 => f.write_str(
                "the decrypted key is not a PKCS#8 private key (an SEC1 `EC PRIVATE KEY` inside \
                 the envelope is refused, as cosign does)",
            ),
            KeyError::UnsupportedKeyType(what) => {
                write!(
                    f,
                    "unsupported key type {what} (only ECDSA P-256 keys are supported)"
                )
            }
            KeyError::MalformedPublicKey(why) => write!(f, "malformed public key: {why}"),
        }
    }
}

impl std::error::Error for KeyError {}

/// The JSON inside the encrypted PEM (secure-systems-lab's "encrypted" format, field order
/// as cosign writes it).
#[derive(Debug, Serialize, Deserialize)]
struct Envelope {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    salt: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N")]
    n: u64,
    r: u64,
    p: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

/// A P-256 private key able to sign.
#[derive(Clone)]
pub struct PrivateKey {
    key: p256::SecretKey,
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(…)")
    }
}

/// A P-256 public key able to verify.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKey {
    key: p256::PublicKey,
}

impl PrivateKey {
    /// A fresh random key (from the operating system's generator).
    pub fn generate() -> Result<PrivateKey, KeyError> {
        loop {
            let mut bytes = [0u8; 32];
            getrandom::fill(&mut bytes)
                .map_err(|e| KeyError::Io(format!("no random numbers from the system: {e}")))?;
            // Out-of-range scalars (zero, >= the group order) are astronomically rare: retry.
            if let Ok(key) = p256::SecretKey::from_slice(&bytes) {
                return Ok(PrivateKey { key });
            }
        }
    }

    /// Reads an encrypted key file (either cosign label, any accepted scrypt cost).
    pub fn from_encrypted_pem(text: &[u8], password: &[u8]) -> Result<PrivateKey, KeyError> {
        let pem = parse_pem(text)?;
        if pem.tag() != SIGSTORE_LABEL && pem.tag() != COSIGN_LABEL {
            return Err(KeyError::UnknownLabel {
                found: pem.tag().to_owned(),
                expected: vec![SIGSTORE_LABEL, COSIGN_LABEL],
            });
        }
        let der = decrypt_envelope(pem.contents(), password)?;
        PrivateKey::from_pkcs8_der(&der)
    }

    /// Reads a key file, naming `path` in every error.
    pub fn from_file(path: &Path, password: &[u8]) -> Result<PrivateKey, String> {
        let text = read_capped(path)?;
        PrivateKey::from_encrypted_pem(&text, password)
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey, KeyError> {
        match p256::SecretKey::from_pkcs8_der(der) {
            Ok(key) => Ok(PrivateKey { key }),
            Err(_) => match p256::pkcs8::PrivateKeyInfoRef::try_from(der) {
                Ok(info) => Err(KeyError::UnsupportedKeyType(describe_algorithm(
                    &info.algorithm.oid.to_string(),
                    info.algorithm
                        .parameters_oid()
                        .ok()
                        .map(|o| o.to_string())
                        .as_deref(),
                ))),
                Err(_) => Err(KeyError::NotPkcs8),
            },
        }
    }

    /// The encrypted PEM file cosign writes today: label `ENCRYPTED SIGSTORE PRIVATE KEY`,
    /// scrypt N=65536 r=8 p=1, a random 32-byte salt and 24-byte nonce.
    pub fn to_encrypted_pem(&self, password: &[u8]) -> Result<String, KeyError> {
        let der = self
            .key
            .to_pkcs8_der()
            .map_err(|e| KeyError::MalformedEnvelope(format!("encoding PKCS#8: {e}")))?;
        let mut salt = [0u8; 32];
        let mut nonce = [0u8; 24];
        getrandom::fill(&mut salt)
            .and_then(|()| getrandom::fill(&mut nonce))
            .map_err(|e| KeyError::Io(format!("no random numbers from the system: {e}")))?;
        let secret = scrypt_key(password, &salt, WRITE_SCRYPT_N)?;
        let cipher = XSalsa20Poly1305::new(&(*secret).into());
        let mut body = Zeroizing::new(der.as_bytes().to_vec());
        let tag = cipher
            .encrypt_in_place_detached(&nonce.into(), b"", &mut body)
            .map_err(|_| KeyError::MalformedEnvelope("encryption failed".to_owned()))?;
        let mut sealed = tag.to_vec();
        sealed.extend_from_slice(&body);
        let envelope = Envelope {
            kdf: Kdf {
                name: "scrypt".to_owned(),
                params: ScryptParams {
                    n: u64::from(WRITE_SCRYPT_N),
                    r: 8,
                    p: 1,
                },
                salt: STANDARD.encode(salt),
            },
            cipher: Cipher {
                name: "nacl/secretbox".to_owned(),
                nonce: STANDARD.encode(nonce),
            },
            ciphertext: STANDARD.encode(&sealed),
        };
        let json = serde_json::to_vec(&envelope)
            .map_err(|e| KeyError::MalformedEnvelope(e.to_string()))?;
        Ok(encode_pem(SIGSTORE_LABEL, &json))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            key: self.key.public_key(),
        }
    }

    /// ASN.1 DER ECDSA-SHA256 signature over `message` (deterministic, RFC 6979).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signing = p256::ecdsa::SigningKey::from(&self.key);
        let signature: p256::ecdsa::Signature = signing.sign(message);
        signature.to_der().as_bytes().to_vec()
    }
}

impl PublicKey {
    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo) holding an ECDSA P-256 key.
    pub fn from_pem(text: &[u8]) -> Result<PublicKey, KeyError> {
        let pem = parse_pem(text)?;
        if pem.tag() != PUBLIC_KEY_LABEL {
            return Err(KeyError::UnknownLabel {
                found: pem.tag().to_owned(),
                expected: vec![PUBLIC_KEY_LABEL],
            });
        }
        PublicKey::from_spki_der(pem.contents())
    }

    /// Reads a public key file, naming `path` in every error.
    pub fn from_file(path: &Path) -> Result<PublicKey, String> {
        let text = read_capped(path)?;
        PublicKey::from_pem(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Reads SubjectPublicKeyInfo DER.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, KeyError> {
        match p256::PublicKey::from_public_key_der(der) {
            Ok(key) => Ok(PublicKey { key }),
            Err(e) => match p256::pkcs8::spki::SubjectPublicKeyInfoRef::try_from(der) {
                Ok(info) => {
                    let oid = info.algorithm.oid.to_string();
                    let param = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
                    if oid == EC_PUBLIC_KEY_OID && param.as_deref() == Some(P256_OID) {
                        Err(KeyError::MalformedPublicKey(e.to_string()))
                    } else {
                        Err(KeyError::UnsupportedKeyType(describe_algorithm(
                            &oid,
                            param.as_deref(),
                        )))
                    }
                }
                Err(e) => Err(KeyError::MalformedPublicKey(e.to_string())),
            },
        }
    }

    /// SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.key
            .to_public_key_der()
            .map(|d| d.as_bytes().to_vec())
            .unwrap_or_default()
    }

    /// PEM `PUBLIC KEY`, LF line endings, 64-column lines, final newline (as cosign).
    pub fn to_pem(&self) -> String {
        encode_pem(PUBLIC_KEY_LABEL, &self.to_spki_der())
    }

    /// Checks an ASN.1 DER ECDSA-SHA256 signature over the exact bytes of `message`.
    pub fn verify(&self, message: &[u8], der_signature: &[u8]) -> bool {
        let Ok(signature) = p256::ecdsa::Signature::from_der(der_signature) else {
            return false;
        };
        let verifying = p256::ecdsa::VerifyingKey::from(&self.key);
        verifying.verify(message, &signature).is_ok()
    }
}

const EC_PUBLIC_KEY_OID: &str = "1.2.840.10045.2.1";
const P256_OID: &str = "1.2.840.10045.3.1.7";

fn describe_algorithm(oid: &str, parameter: Option<&str>) -> String {
    let name = match (oid, parameter) {
        (EC_PUBLIC_KEY_OID, Some("1.3.132.0.34")) => "ECDSA P-384",
        (EC_PUBLIC_KEY_OID, Some("1.3.132.0.35")) => "ECDSA P-521",
        (EC_PUBLIC_KEY_OID, Some("1.3.132.0.10")) => "ECDSA secp256k1",
        (EC_PUBLIC_KEY_OID, _) => "EC (other curve)",
        ("1.2.840.113549.1.1.1", _) => "RSA",
        ("1.3.101.112", _) => "Ed25519",
        _ => return format!("with algorithm OID {oid}"),
    };
    name.to_owned()
}

fn read_capped(path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut text = Vec::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(format!(
            "{}: not a key file (larger than {MAX_KEY_FILE_BYTES} bytes)",
            path.display()
        ));
    }
    Ok(text)
}

fn parse_pem(text: &[u8]) -> Result<pem::Pem, KeyError> {
    let pems = pem::parse_many(text).map_err(|e| KeyError::NotPem(e.to_string()))?;
    match pems.len() {
        0 => Err(KeyError::NotPem(
            "no complete `-----BEGIN …-----`/`-----END …-----` block".to_owned(),
        )),
        1 => Ok(pems.into_iter().next().unwrap_or_else(|| unreachable!())),
        n => Err(KeyError::NotPem(format!("{n} PEM blocks, expected one"))),
    }
}

fn encode_pem(label: &str, contents: &[u8]) -> String {
    pem::encode_config(
        &pem::Pem::new(label, contents),
        pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
    )
}

fn decode_b64(what: &str, text: &str) -> Result<Vec<u8>, KeyError> {
    STANDARD
        .decode(text)
        .map_err(|e| KeyError::MalformedEnvelope(format!("{what} is not base64: {e}")))
}

fn scrypt_key(password: &[u8], salt: &[u8], n: u32) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let log_n = n.trailing_zeros() as u8;
    let params = scrypt::Params::new(log_n, 8, 1)
        .map_err(|e| KeyError::UnsupportedEnvelope(format!("scrypt parameters: {e}")))?;
    let mut out = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password, salt, &params, out.as_mut_slice())
        .map_err(|e| KeyError::UnsupportedEnvelope(format!("scrypt: {e}")))?;
    Ok(out)
}

/// Opens the envelope: checks its fields, derives the key with scrypt and opens the
/// secretbox. Returns the plaintext (PKCS#8 DER for a good key).
fn decrypt_envelope(body: &[u8], password: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let envelope: Envelope = serde_json::from_slice(body).map_err(|e| {
        KeyError::MalformedEnvelope(format!("the PEM body is not cosign's JSON envelope: {e}"))
    })?;
    if envelope.kdf.name != "scrypt" {
        return Err(KeyError::UnsupportedEnvelope(format!(
            "key derivation `{}` (expected `scrypt`)",
            envelope.kdf.name
        )));
    }
    let ScryptParams { n, r, p } = envelope.kdf.params;
    let n = u32::try_from(n)
        .ok()
        .filter(|n| ACCEPTED_SCRYPT_N.contains(n));
    let (Some(n), 8, 1) = (n, r, p) else {
        return Err(KeyError::UnsupportedEnvelope(format!(
            "scrypt parameters N={} r={r} p={p} (accepted: N 32768, 65536 or 131072 with r=8 p=1)",
            envelope.kdf.params.n
        )));
    };
    if envelope.cipher.name != "nacl/secretbox" {
        return Err(KeyError::UnsupportedEnvelope(format!(
            "cipher `{}` (expected `nacl/secretbox`)",
            envelope.cipher.name
        )));
    }
    let salt = decode_b64("the salt", &envelope.kdf.salt)?;
    let nonce = decode_b64("the nonce", &envelope.cipher.nonce)?;
    let sealed = decode_b64("the ciphertext", &envelope.ciphertext)?;
    let nonce: [u8; 24] = nonce.try_into().map_err(|n: Vec<u8>| {
        KeyError::MalformedEnvelope(format!("the nonce has {} bytes, expected 24", n.len()))
    })?;
    if sealed.len() < 16 {
        return Err(KeyError::MalformedEnvelope(
            "the ciphertext is too short".to_owned(),
        ));
    }
    let secret = scrypt_key(password, &salt, n)?;
    let cipher = XSalsa20Poly1305::new(&(*secret).into());
    let (tag, body) = sealed.split_at(16);
    let mut plaintext = Zeroizing::new(body.to_vec());
    cipher
        .decrypt_in_place_detached(&nonce.into(), b"", &mut plaintext, tag.into())
        .map_err(|_| KeyError::WrongPassword)?;
    Ok(plaintext)
}
