//! [`SignatureStore`] for an OCI image layout directory (`oci-layout`, `index.json`,
//! `blobs/sha256/…`): the image is chosen by `DIR` (the only image), `DIR:TAG` (the entry
//! annotated `org.opencontainers.image.ref.name` = TAG) or `DIR@sha256:…`; signatures are
//! entries whose ref name is `sha256-<hex>.sig`, as `skopeo copy` pushes them to that tag.

use crate::store::{Digest, MAX_MANIFEST_BYTES, SignatureStore, StoreError, StoredManifest};
use serde_json::{Map, Value};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

/// The annotation naming an index entry.
pub const REF_NAME: &str = "org.opencontainers.image.ref.name";
const MAX_INDEX_BYTES: u64 = 4 * 1024 * 1024;
const INDEX_MEDIA_TYPE: &str = "application/vnd.oci.image.index.v1+json";

/// How the image inside a layout is chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    /// The only image entry (signature entries are not images).
    Only,
    /// The entry whose ref name is this.
    Tag(String),
    /// The entry with this digest.
    Digest(Digest),
}

/// Splits `IMAGE` into a layout directory and a selector when it names an existing layout:
/// `DIR`, `DIR:TAG` or `DIR@sha256:…`. `None` means "not a layout here" (a registry
/// reference, or a path that does not exist).
pub fn parse_layout_ref(image: &str) -> Option<(PathBuf, Selector)> {
    let is_layout =
        |dir: &Path| dir.join("oci-layout").is_file() || dir.join("index.json").is_file();
    if Path::new(image).is_dir() {
        return Some((PathBuf::from(image), Selector::Only));
    }
    if let Some((dir, digest)) = image.rsplit_once('@')
        && is_layout(Path::new(dir))
    {
        // A malformed digest still names this layout; `open` reports it.
        let selector = match Digest::parse(digest) {
            Ok(digest) => Selector::Digest(digest),
            Err(_) => Selector::Tag(format!("@{digest}")),
        };
        return Some((PathBuf::from(dir), selector));
    }
    if let Some((dir, tag)) = image.rsplit_once(':')
        && !tag.contains('/')
        && is_layout(Path::new(dir))
    {
        return Some((PathBuf::from(dir), Selector::Tag(tag.to_owned())));
    }
    None
}

/// An OCI image layout with one selected image.
#[derive(Debug)]
pub struct OciLayout {
    dir: PathBuf,
    selected: Value,
}

impl OciLayout {
    /// Opens `dir` and selects the image. Errors name the layout and what is wrong.
    pub fn open(dir: &Path, selector: &Selector) -> Result<OciLayout, StoreError> {
        let layout = read_capped(&dir.join("oci-layout"), 64 * 1024)?
            .ok_or_else(|| err(dir, "not an OCI image layout (no `oci-layout` file)"))?;
        let layout: Value = serde_json::from_slice(&layout)
            .map_err(|e| err(dir, &format!("`oci-layout` is not JSON: {e}")))?;
        if layout
            .get("imageLayoutVersion")
            .and_then(Value::as_str)
            .is_none()
        {
            return Err(err(dir, "`oci-layout` has no imageLayoutVersion"));
        }
        let index = read_index(dir)?;
        let entries = manifests(&index);
        let images: Vec<&Value> = entries.iter().filter(|e| !is_signature_entry(e)).collect();
        let chosen: Vec<&Value> = match selector {
            Selector::Only => images.clone(),
            Selector::Tag(tag) => images
                .iter()
                .copied()
                .filter(|e| ref_name(e) == Some(tag.as_str()))
                .collect(),
            Selector::Digest(digest) => images
                .iter()
                .copied()
                .filter(|e| e.get("digest").and_then(Value::as_str) == Some(digest.as_str()))
                .collect(),
        };
        let selected = match (chosen.as_slice(), selector) {
            ([one], _) => (*one).clone(),
            ([], Selector::Only) => return Err(err(dir, "index.json lists no image")),
            ([], _) => {
                let names: Vec<String> = images
                    .iter()
                    .map(|e| ref_name(e).map_or_else(|| entry_digest_text(e), str::to_owned))
                    .collect();
                return Err(err(
                    dir,
                    &format!(
                        "no image {} in index.json (it has: {})",
                        describe(selector),
                        names.join(", ")
                    ),
                ));
            }
            (many, Selector::Only) => {
                return Err(err(
                    dir,
                    &format!(
                        "index.json lists {} images; choose one with DIR:TAG or DIR@sha256:…",
                        many.len()
                    ),
                ));
            }
            (many, _) => {
                // The same digest listed twice (under several tags) is one image.
                let first = many[0];
                if many.iter().all(|e| e.get("digest") == first.get("digest")) {
                    first.clone()
                } else {
                    return Err(err(
                        dir,
                        &format!("{} entries match {}", many.len(), describe(selector)),
                    ));
                }
            }
        };
        Ok(OciLayout {
            dir: dir.to_owned(),
            selected,
        })
    }

    fn blob_path(&self, digest: &Digest) -> PathBuf {
        self.dir.join("blobs").join("sha256").join(digest.hex())
    }
}

impl SignatureStore for OciLayout {
    fn image_digest(&mut self) -> Result<Digest, StoreError> {
        let digest = entry_digest(&self.dir, &self.selected)?;
        // The entry must point to a real manifest: a digest with nothing behind it is a
        // broken layout, not something to sign or verify.
        match self.read_blob(&digest, MAX_MANIFEST_BYTES)? {
            Some(_) => Ok(digest),
            None => Err(err(
                &self.dir,
                &format!("index.json points to missing blob {digest}"),
            )),
        }
    }

    fn docker_reference(&self) -> Option<String> {
        repository_of(ref_name(&self.selected)?)
    }

    fn read_tagged_manifest(
        &mut self,
        tag: &str,
        max_bytes: u64,
    ) -> Result<Option<StoredManifest>, StoreError> {
        let index = read_index(&self.dir)?;
        let entries = manifests(&index);
        let Some(entry) = entries.iter().rev().find(|e| ref_name(e) == Some(tag)) else {
            return Ok(None);
        };
        let digest = entry_digest(&self.dir, entry)?;
        let bytes = self.read_blob(&digest, max_bytes)?.ok_or_else(|| {
            err(
                &self.dir,
                &format!("index.json entry `{tag}` points to missing blob {digest}"),
            )
        })?;
        let media_type = entry
            .get("mediaType")
            .and_then(Value::as_str)
            .unwrap_or(crate::signatures::OCI_MANIFEST_MEDIA_TYPE)
            .to_owned();
        Ok(Some(StoredManifest { media_type, bytes }))
    }

    fn read_blob(
        &mut self,
        digest: &Digest,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.blob_path(digest);
        let Some(bytes) = read_capped(&path, max_bytes)? else {
            return Ok(None);
        };
        if Digest::of(&bytes) != *digest {
            return Err(err(
                &self.dir,
                &format!("blob {digest} does not match its digest"),
            ));
        }
        Ok(Some(bytes))
    }

    fn write_blob(&mut self, digest: &Digest, bytes: &[u8]) -> Result<(), StoreError> {
        if Digest::of(bytes) != *digest {
            return Err(StoreError::new(format!(
                "refusing to store bytes under the wrong digest {digest}"
            )));
        }
        let path = self.blob_path(digest);
        if let Ok(Some(existing)) = read_capped(&path, bytes.len() as u64)
            && existing == bytes
        {
            return Ok(());
        }
        write_atomic(&path, bytes).map_err(|e| err(&self.dir, &e))
    }

    fn write_tagged_manifest(
        &mut self,
        tag: &str,
        manifest: &StoredManifest,
    ) -> Result<(), StoreError> {
        let digest = Digest::of(&manifest.bytes);
        self.write_blob(&digest, &manifest.bytes)?;
        // Re-read index.json so entries added since `open` survive.
        let mut index = read_index(&self.dir)?;
        let object = index
            .as_object_mut()
            .ok_or_else(|| err(&self.dir, "index.json is not a JSON object"))?;
        let mut entries = match object.remove("manifests") {
            Some(Value::Array(entries)) => entries,
            _ => Vec::new(),
        };
        entries.retain(|e| ref_name(e) != Some(tag));
        let mut annotations = Map::new();
        annotations.insert(REF_NAME.to_owned(), Value::String(tag.to_owned()));
        let mut entry = Map::new();
        entry.insert(
            "mediaType".to_owned(),
            Value::String(manifest.media_type.clone()),
        );
        entry.insert(
            "digest".to_owned(),
            Value::String(digest.as_str().to_owned()),
        );
        entry.insert("size".to_owned(), Value::from(manifest.bytes.len() as u64));
        entry.insert("annotations".to_owned(), Value::Object(annotations));
        entries.push(Value::Object(entry));
        object.insert("manifests".to_owned(), Value::Array(entries));
        object.entry("schemaVersion").or_insert(Value::from(2));
        let bytes = serde_json::to_vec(&index)
            .map_err(|e| err(&self.dir, &format!("encoding index.json: {e}")))?;
        write_atomic(&self.dir.join("index.json"), &bytes).map_err(|e| err(&self.dir, &e))
    }
}

fn err(dir: &Path, message: &str) -> StoreError {
    StoreError::new(format!("{}: {message}", dir.display()))
}

fn describe(selector: &Selector) -> String {
    match selector {
        Selector::Only => "(the only one)".to_owned(),
        Selector::Tag(tag) => format!("tagged `{tag}`"),
        Selector::Digest(digest) => format!("with digest {digest}"),
    }
}

fn read_index(dir: &Path) -> Result<Value, StoreError> {
    let bytes = read_capped(&dir.join("index.json"), MAX_INDEX_BYTES)?
        .ok_or_else(|| err(dir, "not an OCI image layout (no `index.json`)"))?;
    let index: Value = serde_json::from_slice(&bytes)
        .map_err(|e| err(dir, &format!("index.json is not JSON: {e}")))?;
    if !index.is_object() {
        return Err(err(dir, "index.json is not a JSON object"));
    }
    if let Some(media_type) = index.get("mediaType").and_then(Value::as_str)
        && media_type != INDEX_MEDIA_TYPE
    {
        return Err(err(
            dir,
            &format!("index.json has media type `{media_type}`"),
        ));
    }
    Ok(index)
}

fn manifests(index: &Value) -> Vec<Value> {
    index
        .get("manifests")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn ref_name(entry: &Value) -> Option<&str> {
    entry.get("annotations")?.get(REF_NAME)?.as_str()
}

fn entry_digest_text(entry: &Value) -> String {
    entry
        .get("digest")
        .and_then(Value::as_str)
        .unwrap_or("?")
        .to_owned()
}

fn entry_digest(dir: &Path, entry: &Value) -> Result<Digest, StoreError> {
    let text = entry
        .get("digest")
        .and_then(Value::as_str)
        .ok_or_else(|| err(dir, "an index.json entry has no digest"))?;
    Digest::parse(text).map_err(|e| err(dir, &format!("index.json: {e}")))
}

/// Signature, attestation and SBOM entries cosign-style tools add (`sha256-<hex>.sig` …).
fn is_signature_entry(entry: &Value) -> bool {
    let Some(name) = ref_name(entry) else {
        return false;
    };
    let Some(rest) = name.strip_prefix("sha256-") else {
        return false;
    };
    let Some((hex, suffix)) = rest.split_once('.') else {
        return false;
    };
    hex.len() == 64
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
        && matches!(suffix, "sig" | "att" | "sbom")
}

/// The repository of a full reference used as a ref name (`registry/app:1.0` →
/// `registry/app`); `None` for a plain tag such as `latest`, which names no repository.
fn repository_of(name: &str) -> Option<String> {
    if !name.contains('/') {
        return None;
    }
    let name = name.split_once('@').map_or(name, |(repo, _)| repo);
    let last_slash = name.rfind('/').unwrap_or(0);
    let repo = match name[last_slash..].rfind(':') {
        Some(colon) => &name[..last_slash + colon],
        None => name,
    };
    Some(repo.to_owned())
}

/// Reads at most `max` bytes; `None` when the file does not exist; larger files are refused.
fn read_capped(path: &Path, max: u64) -> Result<Option<Vec<u8>>, StoreError> {
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::new(format!("{}: {e}", path.display()))),
    };
    let mut bytes = Vec::new();
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| StoreError::new(format!("{}: {e}", path.display())))?;
    if bytes.len() as u64 > max {
        return Err(StoreError::new(format!(
            "{}: larger than {max} bytes",
            path.display()
        )));
    }
    Ok(Some(bytes))
}

/// Writes `path` through a temporary file in the same directory and a rename, so readers
/// see either the old or the new file.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let mut attempt = 0u32;
    let (tmp, mut file) = loop {
        let tmp = parent.join(format!(
            ".{name}.seguro-{}-{attempt}.tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(file) => break (tmp, file),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => {
                attempt += 1
            }
            Err(e) => return Err(format!("{}: {e}", tmp.display())),
        }
    };
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{}: {e}", path.display()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_from_ref_name() {
        assert_eq!(repository_of("latest"), None);
        assert_eq!(
            repository_of("registry:5000/app:1.0").as_deref(),
            Some("registry:5000/app")
        );
        assert_eq!(
            repository_of("registry:5000/app").as_deref(),
            Some("registry:5000/app")
        );
        assert_eq!(
            repository_of("docker.io/library/nginx@sha256:00").as_deref(),
            Some("docker.io/library/nginx")
        );
    }

    #[test]
    fn signature_entries_are_not_images() {
        let tag = format!("sha256-{}.sig", "a".repeat(64));
        let entry = serde_json::json!({"annotations": {REF_NAME: tag}});
        assert!(is_signature_entry(&entry));
        assert!(!is_signature_entry(
            &serde_json::json!({"annotations": {REF_NAME: "latest"}})
        ));
        assert!(!is_signature_entry(
            &serde_json::json!({"annotations": {REF_NAME: "sha256-zz.sig"}})
        ));
    }
}
