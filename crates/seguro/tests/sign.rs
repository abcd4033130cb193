//! `seguro keygen` / `sign` / `verify` as users run them: the built binary on OCI layouts
//! written here, with tampering, broken keys, and an independent check in Python.

use seguro_sign::Digest;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_seguro");
const PASSWORD: &str = "correct horse";
const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// A fresh temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seguro-sign-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn join(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs seguro in `dir` with no terminal; `password` sets SEGURO_PASSWORD.
fn seguro(dir: &Path, args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .current_dir(dir)
        .env_remove("SEGURO_PASSWORD")
        .env_remove("COSIGN_PASSWORD")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("SEGURO_PASSWORD", password);
    }
    command.output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[track_caller]
fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(
        code(output),
        expected,
        "stdout:\n{}\nstderr:\n{}",
        stdout(output),
        stderr(output)
    );
}

/// A one-file tar archive (ustar header, the file, two zero blocks).
fn tar_with(name: &str, contents: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..name.len()].copy_from_slice(name.as_bytes());
    header[100..108].copy_from_slice(b"0000644\0");
    header[108..116].copy_from_slice(b"0000000\0");
    header[116..124].copy_from_slice(b"0000000\0");
    header[124..136].copy_from_slice(format!("{:011o}\0", contents.len()).as_bytes());
    header[136..148].copy_from_slice(b"00000000000\0");
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].copy_from_slice(b"        ");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut tar = header.to_vec();
    tar.extend_from_slice(contents);
    tar.resize(tar.len().div_ceil(512) * 512, 0);
    tar.extend_from_slice(&[0u8; 1024]);
    tar
}

/// A minimal OCI image layout: `oci-layout`, `index.json`, a manifest, a config and one
/// tar layer per `(ref name, file contents)` image.
struct Layout {
    dir: PathBuf,
}

impl Layout {
    fn new(dir: PathBuf, images: &[(&str, &str)]) -> Layout {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        let layout = Layout { dir };
        let mut entries = Vec::new();
        for (name, contents) in images {
            let descriptor = layout.image(contents);
            entries.push(with_ref_name(descriptor, name));
        }
        layout.write_index(&json!({"schemaVersion": 2, "manifests": entries}));
        layout
    }

    /// Writes an image's blobs; returns its manifest descriptor.
    fn image(&self, contents: &str) -> Value {
        let tar = tar_with("hello.txt", contents.as_bytes());
        let layer = self.blob(&tar);
        let config = json!({
            "architecture": "amd64",
            "os": "linux",
            "config": {"Cmd": ["/hello"]},
            "rootfs": {"type": "layers", "diff_ids": [layer.as_str()]},
        });
        let config_bytes = serde_json::to_vec(&config).unwrap();
        let config_digest = self.blob(&config_bytes);
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest.as_str(), "size": config_bytes.len()},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": layer.as_str(), "size": tar.len()}],
        });
        let bytes = serde_json::to_vec(&manifest).unwrap();
        let digest = self.blob(&bytes);
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest.as_str(), "size": bytes.len()})
    }

    fn blob(&self, bytes: &[u8]) -> Digest {
        let digest = Digest::of(bytes);
        std::fs::write(self.blob_path(&digest), bytes).unwrap();
        digest
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.dir.join("blobs/sha256").join(digest.hex())
    }

    fn read_blob(&self, digest: &str) -> Vec<u8> {
        std::fs::read(self.blob_path(&Digest::parse(digest).unwrap())).unwrap()
    }

    fn index(&self) -> Value {
        serde_json::from_slice(&std::fs::read(self.dir.join("index.json")).unwrap()).unwrap()
    }

    fn write_index(&self, index: &Value) {
        std::fs::write(
            self.dir.join("index.json"),
            serde_json::to_vec_pretty(index).unwrap(),
        )
        .unwrap();
    }

    fn entry(&self, ref_name: &str) -> Option<Value> {
        self.index()["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["annotations"][REF_NAME] == ref_name)
            .cloned()
    }

    fn digest_of(&self, ref_name: &str) -> String {
        self.entry(ref_name).unwrap()["digest"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    fn sig_tag(&self, ref_name: &str) -> String {
        format!(
            "sha256-{}.sig",
            &self.digest_of(ref_name)["sha256:".len()..]
        )
    }

    /// The signature manifest of the image tagged `ref_name`.
    fn sig_manifest(&self, ref_name: &str) -> Value {
        let entry = self
            .entry(&self.sig_tag(ref_name))
            .expect("a signature entry");
        serde_json::from_slice(&self.read_blob(entry["digest"].as_str().unwrap())).unwrap()
    }

    /// Replaces the signature manifest of `ref_name` by `manifest` (new blob + index entry).
    fn put_sig_manifest(&self, ref_name: &str, manifest: &Value) {
        let tag = self.sig_tag(ref_name);
        self.put_tagged(&tag, manifest);
    }

    fn put_tagged(&self, tag: &str, manifest: &Value) {
        let bytes = serde_json::to_vec(manifest).unwrap();
        let digest = self.blob(&bytes);
        let mut index = self.index();
        let entries = index["manifests"].as_array_mut().unwrap();
        entries.retain(|e| e["annotations"][REF_NAME] != tag);
        entries.push(with_ref_name(
            json!({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest.as_str(), "size": bytes.len()}),
            tag,
        ));
        self.write_index(&index);
    }

    /// Every file under the layout with its bytes, to prove nothing was written.
    fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        snapshot(&self.dir)
    }

    fn arg(&self) -> String {
        self.dir.display().to_string()
    }
}

fn with_ref_name(mut descriptor: Value, name: &str) -> Value {
    descriptor["annotations"] = json!({REF_NAME: name});
    descriptor
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// A key pair made with `seguro keygen` in `tmp` under `prefix`.
fn keygen(tmp: &TempDir, prefix: &str) -> (String, String) {
    let output = seguro(
        tmp.path(),
        &["keygen", "--output-key-prefix", prefix],
        Some(PASSWORD),
    );
    assert_exit(&output, 0);
    (
        tmp.join(&format!("{prefix}.key")).display().to_string(),
        tmp.join(&format!("{prefix}.pub")).display().to_string(),
    )
}

fn sign(tmp: &TempDir, key: &str, image: &str) -> Output {
    seguro(tmp.path(), &["sign", "--key", key, image], Some(PASSWORD))
}

fn verify(tmp: &TempDir, public: &str, image: &str) -> Output {
    seguro(tmp.path(), &["verify", "--key", public, image], None)
}

/// A layout with one image, signed with a fresh key: (tmp, layout, key, pub).
fn signed_layout(name: &str) -> (TempDir, Layout, String, String) {
    let tmp = TempDir::new(name);
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let (key, public) = keygen(&tmp, "cosign");
    assert_exit(&sign(&tmp, &key, &layout.arg()), 0);
    (tmp, layout, key, public)
}

#[test]
fn keygen_sign_verify_round_trip() {
    let tmp = TempDir::new("roundtrip");
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let (key, public) = keygen(&tmp, "cosign");

    // The key file: cosign's current label and scrypt cost, private permissions.
    let key_text = std::fs::read_to_string(&key).unwrap();
    assert!(key_text.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    assert!(key_text.ends_with("-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    let body: String = key_text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let envelope: Value = serde_json::from_slice(&base64_decode(&body)).unwrap();
    assert_eq!(envelope["kdf"]["name"], "scrypt");
    assert_eq!(
        envelope["kdf"]["params"],
        json!({"N": 65536, "r": 8, "p": 1})
    );
    assert_eq!(envelope["cipher"]["name"], "nacl/secretbox");
    assert_eq!(
        base64_decode(envelope["kdf"]["salt"].as_str().unwrap()).len(),
        32
    );
    assert_eq!(
        base64_decode(envelope["cipher"]["nonce"].as_str().unwrap()).len(),
        24
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o077,
            0,
            "the private key is readable by others: {mode:o}"
        );
    }
    assert!(
        std::fs::read_to_string(&public)
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----\n")
    );

    let image_digest = layout.digest_of("latest");
    let output = sign(&tmp, &key, &layout.arg());
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains(&image_digest),
        "{}",
        stderr(&output)
    );

    // Stored as cosign does: one simple-signing layer whose blob is the payload.
    let manifest = layout.sig_manifest("latest");
    assert_eq!(manifest["schemaVersion"], 2);
    assert_eq!(
        manifest["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    let layers = manifest["layers"].as_array().unwrap();
    assert_eq!(layers.len(), 1);
    assert_eq!(layers[0]["mediaType"], SIMPLE_SIGNING);
    let payload = layout.read_blob(layers[0]["digest"].as_str().unwrap());
    assert_eq!(layers[0]["size"], payload.len());
    let expected = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":""}},"image":{{"docker-manifest-digest":"{image_digest}"}},"type":"cosign container image signature"}},"optional":null}}"#
    );
    assert_eq!(String::from_utf8(payload).unwrap(), expected);
    let signature = base64_decode(
        layers[0]["annotations"][SIGNATURE_ANNOTATION]
            .as_str()
            .unwrap(),
    );
    assert_eq!(signature[0], 0x30, "DER SEQUENCE");
    let config = layout.read_blob(manifest["config"]["digest"].as_str().unwrap());
    let config: Value = serde_json::from_slice(&config).unwrap();
    assert_eq!(config["rootfs"]["diff_ids"], json!([layers[0]["digest"]]));
    // The image itself is still the only image: `DIR` keeps selecting it.
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("1 of 1 signature valid"),
        "{}",
        stdout(&output)
    );
    assert_exit(
        &verify(&tmp, &public, &format!("{}:latest", layout.arg())),
        0,
    );
    assert_exit(
        &verify(&tmp, &public, &format!("{}@{image_digest}", layout.arg())),
        0,
    );

    // Signing again with the same key adds nothing (ECDSA here is deterministic).
    let before = layout.snapshot();
    let output = sign(&tmp, &key, &layout.arg());
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("nothing written"),
        "{}",
        stderr(&output)
    );
    assert_eq!(layout.snapshot(), before);

    // A second key appends a layer; both keys verify, the image entry is untouched.
    let (key2, public2) = keygen(&tmp, "second");
    assert_exit(&sign(&tmp, &key2, &layout.arg()), 0);
    let manifest = layout.sig_manifest("latest");
    assert_eq!(manifest["layers"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["layers"][0], layers[0]);
    assert_eq!(layout.digest_of("latest"), image_digest);
    let signature_entries = layout.index()["manifests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["annotations"][REF_NAME] == layout.sig_tag("latest"))
        .count();
    assert_eq!(signature_entries, 1);
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("1 of 2 signatures valid"),
        "{}",
        stdout(&output)
    );
    assert_exit(&verify(&tmp, &public2, &layout.arg()), 0);

    // The signature stored in the layout is not taken for a second image.
    let layout_dir = tmp.join("image");
    let output = seguro(
        tmp.path(),
        &["image", "--format", "json", layout_dir.to_str().unwrap()],
        None,
    );
    assert!(
        !stderr(&output).contains("images"),
        "seguro image warns about the signature: {}",
        stderr(&output)
    );
    assert!(matches!(code(&output), 0 | 1), "{}", stderr(&output));
}

#[test]
fn identity_comes_from_a_full_ref_name_or_the_flag() {
    let tmp = TempDir::new("identity");
    let layout = Layout::new(
        tmp.join("image"),
        &[("registry.example:5000/team/app:1.0", "hello")],
    );
    let (key, public) = keygen(&tmp, "cosign");
    assert_exit(&sign(&tmp, &key, &layout.arg()), 0);
    let tag = "registry.example:5000/team/app:1.0";
    let manifest = layout.sig_manifest(tag);
    let payload = layout.read_blob(manifest["layers"][0]["digest"].as_str().unwrap());
    let payload: Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(
        payload["critical"]["identity"]["docker-reference"],
        "registry.example:5000/team/app"
    );

    let other = Layout::new(tmp.join("other"), &[("latest", "other")]);
    let output = seguro(
        tmp.path(),
        &[
            "sign",
            "--key",
            &key,
            "--sign-container-identity",
            "example.org/x",
            &other.arg(),
        ],
        Some(PASSWORD),
    );
    assert_exit(&output, 0);
    let manifest = other.sig_manifest("latest");
    let payload: Value =
        serde_json::from_slice(&other.read_blob(manifest["layers"][0]["digest"].as_str().unwrap()))
            .unwrap();
    assert_eq!(
        payload["critical"]["identity"]["docker-reference"],
        "example.org/x"
    );
    let output = verify(&tmp, &public, &other.arg());
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("example.org/x"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn several_images_need_a_selector_and_nested_indexes_sign_the_index() {
    let tmp = TempDir::new("select");
    let layout = Layout::new(tmp.join("image"), &[("a", "one"), ("b", "two")]);
    let (key, public) = keygen(&tmp, "cosign");
    let before = layout.snapshot();
    let output = sign(&tmp, &key, &layout.arg());
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("DIR:TAG"), "{}", stderr(&output));
    assert_eq!(layout.snapshot(), before);
    let output = sign(&tmp, &key, &format!("{}:nope", layout.arg()));
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("no image tagged `nope`"),
        "{}",
        stderr(&output)
    );

    assert_exit(&sign(&tmp, &key, &format!("{}:a", layout.arg())), 0);
    assert_exit(&verify(&tmp, &public, &format!("{}:a", layout.arg())), 0);
    let output = verify(&tmp, &public, &format!("{}:b", layout.arg()));
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("no signature"),
        "{}",
        stderr(&output)
    );

    // A multi-platform image: the entry is an index; its digest is what gets signed.
    let inner = layout.image("platform");
    let nested = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [inner],
    });
    let bytes = serde_json::to_vec(&nested).unwrap();
    let digest = layout.blob(&bytes);
    let mut index = layout.index();
    index["manifests"].as_array_mut().unwrap().push(with_ref_name(
        json!({"mediaType": "application/vnd.oci.image.index.v1+json", "digest": digest.as_str(), "size": bytes.len()}),
        "multi",
    ));
    layout.write_index(&index);
    assert_exit(&sign(&tmp, &key, &format!("{}:multi", layout.arg())), 0);
    assert!(
        layout
            .entry(&format!("sha256-{}.sig", digest.hex()))
            .is_some()
    );
    assert_exit(
        &verify(&tmp, &public, &format!("{}@{digest}", layout.arg())),
        0,
    );
}

#[test]
fn verify_reports_no_signature() {
    let tmp = TempDir::new("nosig");
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let (_, public) = keygen(&tmp, "cosign");
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("no signature"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(&layout.sig_tag("latest")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_with_another_key_fails() {
    let (tmp, layout, _, _) = signed_layout("otherkey");
    let (_, other) = keygen(&tmp, "other");
    let output = verify(&tmp, &other, &layout.arg());
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("other key"), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("does not verify with this key"),
        "{}",
        stderr(&output)
    );
    // The fixture key that signed busybox is just as foreign.
    let busybox = fixtures()
        .join("sigstore-rs/busybox.pub")
        .display()
        .to_string();
    assert_exit(&verify(&tmp, &busybox, &layout.arg()), 1);
}

#[test]
fn verify_detects_an_altered_payload_digest() {
    let (tmp, layout, _, public) = signed_layout("payload");
    let mut manifest = layout.sig_manifest("latest");
    let payload = layout.read_blob(manifest["layers"][0]["digest"].as_str().unwrap());
    let text = String::from_utf8(payload).unwrap();
    let image_hex = &layout.digest_of("latest")["sha256:".len()..];
    let altered = text.replace(image_hex, &"0".repeat(64));
    assert_ne!(altered, text);
    let digest = layout.blob(altered.as_bytes());
    manifest["layers"][0]["digest"] = json!(digest.as_str());
    manifest["layers"][0]["size"] = json!(altered.len());
    layout.put_sig_manifest("latest", &manifest);
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("does not verify with this key"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_detects_altered_signature_bytes() {
    let (tmp, layout, _, public) = signed_layout("sigbytes");
    let manifest = layout.sig_manifest("latest");
    let annotation = manifest["layers"][0]["annotations"][SIGNATURE_ANNOTATION]
        .as_str()
        .unwrap();
    let mut signature = base64_decode(annotation);
    let last = signature.len() - 1;
    signature[last] ^= 0x01;
    let mut altered = manifest.clone();
    altered["layers"][0]["annotations"][SIGNATURE_ANNOTATION] = json!(base64_encode(&signature));
    layout.put_sig_manifest("latest", &altered);
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("does not verify with this key"),
        "{}",
        stderr(&output)
    );

    // Not base64 at all: a bad signature.
    let mut garbage = manifest.clone();
    garbage["layers"][0]["annotations"][SIGNATURE_ANNOTATION] = json!("%%% not base64 %%%");
    layout.put_sig_manifest("latest", &garbage);
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("bad signature"),
        "{}",
        stderr(&output)
    );

    // No annotation: a bad signature too.
    let mut missing = manifest.clone();
    missing["layers"][0]["annotations"] = json!({});
    layout.put_sig_manifest("latest", &missing);
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("bad signature"),
        "{}",
        stderr(&output)
    );

    // Restored, it verifies again (the cases above failed for their own reason).
    layout.put_sig_manifest("latest", &manifest);
    assert_exit(&verify(&tmp, &public, &layout.arg()), 0);
}

#[test]
fn verify_reports_a_signature_copied_from_another_image_as_digest_mismatch() {
    let tmp = TempDir::new("mismatch");
    let layout = Layout::new(tmp.join("image"), &[("a", "one"), ("b", "two")]);
    let (key, public) = keygen(&tmp, "cosign");
    assert_exit(&sign(&tmp, &key, &format!("{}:a", layout.arg())), 0);
    // Copy a's signature manifest under b's signature tag.
    let manifest = layout.sig_manifest("a");
    layout.put_sig_manifest("b", &manifest);
    let output = verify(&tmp, &public, &format!("{}:b", layout.arg()));
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("digest mismatch"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains(&layout.digest_of("a")),
        "{}",
        stderr(&output)
    );
}

#[test]
fn verify_reports_the_busybox_signature_as_digest_mismatch() {
    // The real cosign signature, stored as cosign stores it, over another image's digest.
    let tmp = TempDir::new("busybox");
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let payload = std::fs::read(fixtures().join("sigstore-rs/busybox.payload.json")).unwrap();
    let signature =
        std::fs::read_to_string(fixtures().join("sigstore-rs/busybox.sig.b64")).unwrap();
    let payload_digest = layout.blob(&payload);
    let config = layout.blob(b"{}");
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config.as_str(), "size": 2},
        "layers": [{
            "mediaType": SIMPLE_SIGNING,
            "digest": payload_digest.as_str(),
            "size": payload.len(),
            "annotations": {SIGNATURE_ANNOTATION: signature.trim()},
        }],
    });
    layout.put_sig_manifest("latest", &manifest);
    let busybox = fixtures()
        .join("sigstore-rs/busybox.pub")
        .display()
        .to_string();
    let output = verify(&tmp, &busybox, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("digest mismatch"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output)
            .contains("sha256:f3cfc9d0dbf931d3db4685ec659b7ac68e2a578219da4aae65427886e649b06b"),
        "{}",
        stderr(&output)
    );
    let other = fixtures()
        .join("sigstore-rs/other.pub")
        .display()
        .to_string();
    let output = verify(&tmp, &other, &layout.arg());
    assert_exit(&output, 1);
    assert!(stderr(&output).contains("other key"), "{}", stderr(&output));
}

#[test]
fn verify_with_missing_blobs() {
    let (tmp, layout, _, public) = signed_layout("missing");
    // The payload blob gone: a bad signature (exit 1).
    let manifest = layout.sig_manifest("latest");
    let payload = Digest::parse(manifest["layers"][0]["digest"].as_str().unwrap()).unwrap();
    let payload_bytes = std::fs::read(layout.blob_path(&payload)).unwrap();
    std::fs::remove_file(layout.blob_path(&payload)).unwrap();
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("bad signature"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("missing"), "{}", stderr(&output));
    std::fs::write(layout.blob_path(&payload), &payload_bytes).unwrap();
    assert_exit(&verify(&tmp, &public, &layout.arg()), 0);

    // The signature entry points to a missing manifest blob: a broken layout (exit 2).
    let sig_entry = layout.entry(&layout.sig_tag("latest")).unwrap();
    let sig_blob = Digest::parse(sig_entry["digest"].as_str().unwrap()).unwrap();
    std::fs::remove_file(layout.blob_path(&sig_blob)).unwrap();
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("missing blob"),
        "{}",
        stderr(&output)
    );

    // The image entry points to a missing manifest: exit 2 for sign and verify, nothing
    // written.
    let image = Digest::parse(&layout.digest_of("latest")).unwrap();
    std::fs::remove_file(layout.blob_path(&image)).unwrap();
    let output = verify(&tmp, &public, &layout.arg());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("missing blob"),
        "{}",
        stderr(&output)
    );
    let before = layout.snapshot();
    let output = sign(
        &tmp,
        &tmp.join("cosign.key").display().to_string(),
        &layout.arg(),
    );
    assert_exit(&output, 2);
    assert_eq!(layout.snapshot(), before);
}

#[test]
fn verify_ignores_a_blob_whose_bytes_do_not_match_its_digest() {
    let (tmp, layout, _, public) = signed_layout("corruptblob");
    let manifest = layout.sig_manifest("latest");
    let payload = Digest::parse(manifest["layers"][0]["digest"].as_str().unwrap()).unwrap();
    std::fs::write(layout.blob_path(&payload), b"{}").unwrap();
    let output = verify(&tmp, &public, &layout.arg());
    assert_ne!(code(&output), 0);
    assert!(
        stderr(&output).contains("does not match its digest"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn keygen_refuses_to_overwrite_without_force() {
    let tmp = TempDir::new("overwrite");
    let (key, public) = keygen(&tmp, "cosign");
    let before = snapshot(tmp.path());
    let output = seguro(tmp.path(), &["keygen"], Some(PASSWORD));
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("--force"), "{}", stderr(&output));
    assert_eq!(snapshot(tmp.path()), before);
    // Only the .pub existing is enough to refuse.
    std::fs::remove_file(&key).unwrap();
    let output = seguro(tmp.path(), &["keygen"], Some(PASSWORD));
    assert_exit(&output, 2);
    assert!(!Path::new(&key).exists());

    let output = seguro(tmp.path(), &["keygen", "--force"], Some(PASSWORD));
    assert_exit(&output, 0);
    assert!(Path::new(&key).exists());
    assert_ne!(
        std::fs::read(&public).unwrap(),
        before[&PathBuf::from(&public)]
    );
    // Nothing but the two files (no temporary leftovers).
    assert_eq!(snapshot(tmp.path()).len(), 2);
}

#[test]
fn passwords_come_from_the_environment_or_nowhere() {
    let tmp = TempDir::new("password");
    // No variable and no terminal: exit 2, nothing written.
    let output = seguro(tmp.path(), &["keygen"], None);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("SEGURO_PASSWORD"),
        "{}",
        stderr(&output)
    );
    assert!(snapshot(tmp.path()).is_empty());

    // COSIGN_PASSWORD is the fallback; the empty password is allowed.
    let output = Command::new(BIN)
        .args(["keygen"])
        .current_dir(tmp.path())
        .env_remove("SEGURO_PASSWORD")
        .env("COSIGN_PASSWORD", "")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_exit(&output, 0);
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let before = layout.snapshot();
    // The wrong password: exit 2, the key file named, nothing written.
    let output = sign(&tmp, "cosign.key", &layout.arg());
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("cosign.key"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("wrong password"),
        "{}",
        stderr(&output)
    );
    assert_eq!(layout.snapshot(), before);
    // SEGURO_PASSWORD wins over COSIGN_PASSWORD.
    let output = Command::new(BIN)
        .args(["sign", "--key", "cosign.key", &layout.arg()])
        .current_dir(tmp.path())
        .env("SEGURO_PASSWORD", "")
        .env("COSIGN_PASSWORD", "wrong")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_exit(&output, 0);
    assert_exit(&verify(&tmp, "cosign.pub", &layout.arg()), 0);
}

#[test]
fn broken_keys_exit_2_and_write_nothing() {
    let tmp = TempDir::new("badkeys");
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let (key, public) = keygen(&tmp, "cosign");
    let key_text = std::fs::read_to_string(&key).unwrap();
    let public_text = std::fs::read_to_string(&public).unwrap();
    let lines: Vec<&str> = key_text.lines().collect();
    let mut corrupt = lines.clone();
    let middle = corrupt.len() / 2;
    let garbled = corrupt[middle].replace(|c: char| c.is_ascii_alphanumeric(), "A");
    corrupt[middle] = &garbled;
    let cases: Vec<(&str, String, &str)> = vec![
        ("corrupt.key", corrupt.join("\n"), "malformed encrypted key"),
        (
            "truncated.key",
            lines[..lines.len() - 3].join("\n"),
            "not a PEM file",
        ),
        (
            "label.key",
            key_text.replace("ENCRYPTED SIGSTORE PRIVATE KEY", "EC PRIVATE KEY"),
            "unsupported PEM block `EC PRIVATE KEY`",
        ),
        (
            "public-as-private.key",
            public_text.clone(),
            "unsupported PEM block `PUBLIC KEY`",
        ),
        ("empty.key", String::new(), "not a PEM file"),
    ];
    let before = layout.snapshot();
    for (name, text, message) in &cases {
        std::fs::write(tmp.join(name), text).unwrap();
        let output = sign(&tmp, name, &layout.arg());
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(name),
            "{name}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{name}: {}",
            stderr(&output)
        );
        assert_eq!(layout.snapshot(), before, "{name}");
    }
    // Public keys: a private key given to verify, a truncated or garbled public key.
    let public_lines: Vec<&str> = public_text.lines().collect();
    let public_cases: Vec<(&str, String, &str)> = vec![
        (
            "private-as-public.pub",
            key_text.clone(),
            "unsupported PEM block",
        ),
        (
            "truncated.pub",
            public_lines[..2].join("\n"),
            "not a PEM file",
        ),
        (
            "short.pub",
            format!(
                "{}\n{}\n{}",
                public_lines[0],
                &public_lines[1][..40],
                public_lines[3]
            ),
            "public key",
        ),
    ];
    for (name, text, message) in &public_cases {
        std::fs::write(tmp.join(name), text).unwrap();
        let output = verify(&tmp, name, &layout.arg());
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(message),
            "{name}: {}",
            stderr(&output)
        );
    }
    assert_eq!(layout.snapshot(), before);
}

#[test]
fn conformance_keys_sign_through_the_cli() {
    // cosign's own key file (old label, N=32768, no final newline) signs; its derived
    // public key verifies.
    let tmp = TempDir::new("cosignkey");
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let key = fixtures()
        .join("sigstore-cosign/pemcosignkey.key")
        .display()
        .to_string();
    let public = fixtures()
        .join("sigstore-cosign/pemcosignkey.derived.pub")
        .display()
        .to_string();
    let output = seguro(
        tmp.path(),
        &["sign", "--key", &key, &layout.arg()],
        Some("hello"),
    );
    assert_exit(&output, 0);
    assert_exit(&verify(&tmp, &public, &layout.arg()), 0);
    // The SEC1 key cosign refuses: exit 2, nothing written.
    let before = layout.snapshot();
    let rejected = fixtures()
        .join("sigstore-cosign/pemcosigneckey.key")
        .display()
        .to_string();
    let output = seguro(
        tmp.path(),
        &["sign", "--key", &rejected, &layout.arg()],
        Some("hello"),
    );
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("PKCS#8"), "{}", stderr(&output));
    assert_eq!(layout.snapshot(), before);
}

#[test]
fn registry_references_and_missing_paths_are_usage_errors() {
    let tmp = TempDir::new("registry");
    let (key, public) = keygen(&tmp, "cosign");
    let output = sign(&tmp, &key, "registry.example/app:1.0");
    assert_exit(&output, 2);
    assert!(stderr(&output).contains("registry"), "{}", stderr(&output));
    let output = verify(&tmp, &public, "./no-such-dir");
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("no such OCI image layout"),
        "{}",
        stderr(&output)
    );
    let output = verify(&tmp, &public, &key);
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("not an OCI image layout"),
        "{}",
        stderr(&output)
    );
}

/// seguro's keys and signatures checked by an independent implementation: Python's
/// `cryptography` (ECDSA, SPKI) with `hashlib.scrypt` and PyNaCl (secretbox). Python also
/// writes a key (scrypt N=131072, the cost no fixture covers) that seguro must read.
#[test]
fn python_cross_check() {
    let probe = Command::new("python3")
        .args([
            "-c",
            "import cryptography, nacl.secret, hashlib; hashlib.scrypt",
        ])
        .output();
    if !matches!(&probe, Ok(o) if o.status.success()) {
        eprintln!(
            "note: python_cross_check skipped: needs python3 with `cryptography` and `pynacl` \
             (pip install cryptography pynacl)"
        );
        return;
    }
    let (tmp, layout, key, public) = signed_layout("python");
    let script = r#"
import base64, hashlib, json, os, sys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.exceptions import InvalidSignature
import nacl.secret, nacl.utils

key_path, pub_path, password, layout, out_key = sys.argv[1:6]
REF = "org.opencontainers.image.ref.name"

def pem_body(path):
    lines = open(path).read().strip().splitlines()
    return lines[0], base64.b64decode("".join(lines[1:-1]))

# 1. The private key: scrypt + secretbox + PKCS#8, public key equal to the .pub file.
label, body = pem_body(key_path)
assert label == "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----", label
env = json.loads(body)
p = env["kdf"]["params"]
assert (p["N"], p["r"], p["p"]) == (65536, 8, 1), p
secret = hashlib.scrypt(password.encode(), salt=base64.b64decode(env["kdf"]["salt"]),
                        n=p["N"], r=p["r"], p=p["p"], maxmem=256 * 1024 * 1024, dklen=32)
der = nacl.secret.SecretBox(secret).decrypt(base64.b64decode(env["ciphertext"]),
                                            base64.b64decode(env["cipher"]["nonce"]))
private = serialization.load_der_private_key(der, password=None)
assert isinstance(private.curve, ec.SECP256R1)
public = serialization.load_pem_public_key(open(pub_path, "rb").read())
spki = lambda k: k.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
assert spki(private.public_key()) == spki(public), "the .pub is not the .key's public key"

# 2. The signature in the layout: digests, payload, ECDSA-SHA256 over the stored bytes.
def blob(digest):
    assert digest.startswith("sha256:")
    data = open(os.path.join(layout, "blobs", "sha256", digest[7:]), "rb").read()
    assert hashlib.sha256(data).hexdigest() == digest[7:]
    return data
index = json.load(open(os.path.join(layout, "index.json")))
image = [m for m in index["manifests"] if m["annotations"][REF] == "latest"][0]
image_digest = "sha256:" + hashlib.sha256(blob(image["digest"])).hexdigest()
tag = "sha256-%s.sig" % image_digest[7:]
sig_entry = [m for m in index["manifests"] if m["annotations"][REF] == tag][0]
manifest = json.loads(blob(sig_entry["digest"]))
layer = manifest["layers"][0]
assert layer["mediaType"] == "application/vnd.dev.cosign.simplesigning.v1+json"
payload = blob(layer["digest"])
signature = base64.b64decode(layer["annotations"]["dev.cosignproject.cosign/signature"])
public.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
try:
    public.verify(signature, payload + b"\n", ec.ECDSA(hashes.SHA256()))
    raise SystemExit("a changed payload verified")
except InvalidSignature:
    pass
doc = json.loads(payload)
assert doc["critical"]["image"]["docker-manifest-digest"] == image_digest
assert doc["critical"]["type"] == "cosign container image signature"
assert payload == json.dumps(doc, separators=(",", ":")).encode(), "not compact"

# 3. Python writes a key seguro must read: SIGSTORE label, scrypt N=131072.
other = ec.generate_private_key(ec.SECP256R1())
pkcs8 = other.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
salt, nonce = os.urandom(32), os.urandom(24)
secret = hashlib.scrypt(b"py-pass", salt=salt, n=131072, r=8, p=1, maxmem=512 * 1024 * 1024, dklen=32)
sealed = nacl.secret.SecretBox(secret).encrypt(pkcs8, nonce).ciphertext
envelope = {"kdf": {"name": "scrypt", "params": {"N": 131072, "r": 8, "p": 1},
                    "salt": base64.b64encode(salt).decode()},
            "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
            "ciphertext": base64.b64encode(sealed).decode()}
text = base64.b64encode(json.dumps(envelope, separators=(",", ":")).encode()).decode()
with open(out_key + ".key", "w") as f:
    f.write("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n")
    f.write("\n".join(text[i:i + 64] for i in range(0, len(text), 64)))
    f.write("\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----")  # no final newline
with open(out_key + ".pub", "wb") as f:
    f.write(other.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo))
print("ok")
"#;
    let out_key = tmp.join("python").display().to_string();
    let output = Command::new("python3")
        .args([
            "-c",
            script,
            &key,
            &public,
            PASSWORD,
            &layout.arg(),
            &out_key,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success() && stdout(&output).trim() == "ok",
        "python: {}{}",
        stdout(&output),
        stderr(&output)
    );
    // seguro signs with Python's key; both Python's public key and seguro agree.
    let py_key = format!("{out_key}.key");
    let py_pub = format!("{out_key}.pub");
    let output = seguro(
        tmp.path(),
        &["sign", "--key", &py_key, &layout.arg()],
        Some("py-pass"),
    );
    assert_exit(&output, 0);
    assert_exit(&verify(&tmp, &py_pub, &layout.arg()), 0);
    assert_exit(&verify(&tmp, &public, &layout.arg()), 0);
}

/// The prompt on a terminal (a pseudo-terminal made by Python's `pty`): asked twice for
/// keygen, no echo, a mismatch refused; the key then opens with what was typed.
#[test]
fn keygen_prompts_on_a_terminal() {
    if !matches!(Command::new("python3").args(["-c", "import pty"]).output(), Ok(o) if o.status.success())
    {
        eprintln!("note: keygen_prompts_on_a_terminal skipped: needs python3");
        return;
    }
    let script = r#"
import os, pty, select, sys, termios, time
binary, directory, first, second = sys.argv[1:5]
env = {k: v for k, v in os.environ.items() if k not in ("SEGURO_PASSWORD", "COSIGN_PASSWORD")}
pid, fd = pty.fork()
if pid == 0:
    os.chdir(directory)
    os.execve(binary, [binary, "keygen"], env)
seen = b""
def read_until(marker):
    global seen
    deadline = time.time() + 120
    while marker not in seen:
        if time.time() > deadline:
            raise SystemExit("timeout waiting for %r in %r" % (marker, seen))
        if select.select([fd], [], [], 1)[0]:
            try:
                chunk = os.read(fd, 1024)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
def type_when_echo_is_off(text):
    # The prompt is printed before echo is turned off: wait for the terminal mode.
    deadline = time.time() + 120
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        if time.time() > deadline:
            raise SystemExit("echo never turned off")
        time.sleep(0.01)
    os.write(fd, text.encode() + b"\n")
read_until(b"Enter password for private key:")
type_when_echo_is_off(first)
read_until(b"again:")
type_when_echo_is_off(second)
read_until(b"\x00never")
_, status = os.waitpid(pid, 0)
sys.stdout.write(seen.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(status))
"#;
    let tmp = TempDir::new("prompt");
    let run = |first: &str, second: &str| {
        Command::new("python3")
            .args([
                "-c",
                script,
                BIN,
                &tmp.path().display().to_string(),
                first,
                second,
            ])
            .output()
            .unwrap()
    };
    let output = run("typed secret", "typed differently");
    assert_exit(&output, 2);
    assert!(
        stdout(&output).contains("do not match"),
        "{}",
        stdout(&output)
    );
    assert!(snapshot(tmp.path()).is_empty());

    let output = run("typed secret", "typed secret");
    assert_exit(&output, 0);
    assert!(
        !stdout(&output).contains("typed secret"),
        "echoed: {}",
        stdout(&output)
    );
    let layout = Layout::new(tmp.join("image"), &[("latest", "hello")]);
    let output = seguro(
        tmp.path(),
        &["sign", "--key", "cosign.key", &layout.arg()],
        Some("typed secret"),
    );
    assert_exit(&output, 0);
}

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/cosign")
}

fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buffer = 0u32;
    let mut bits = 0;
    for byte in text
        .bytes()
        .filter(|b| *b != b'=' && !b.is_ascii_whitespace())
    {
        let value = ALPHABET.iter().position(|&c| c == byte).expect("base64") as u32;
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    out
}

fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
        for _ in chunk.len()..3 {
            out.push('=');
        }
    }
    out
}
