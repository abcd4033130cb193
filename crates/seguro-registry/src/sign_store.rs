//! seguro-sign's [`SignatureStore`] for an image in a registry: signatures are stored as
//! cosign stores them, in the image's repository under the tag `sha256-<hex>.sig`.

use crate::client::{Client, Options};
use crate::error::Error;
use seguro_dockerfile::reference::ImageRef;
use seguro_sign::{Digest, SignatureStore, StoreError, StoredManifest};

/// An image in a registry, as a place to read and write its signatures.
#[derive(Debug)]
pub struct RegistryStore {
    client: Client,
    reference: ImageRef,
    resolved: Option<Digest>,
}

/// The store for a registry reference (`ghcr.io/acme/app:1.2.3`, `…@sha256:…`); a
/// reference with neither tag nor digest means `latest`. Nothing is fetched yet.
pub fn signature_store(reference: &str, options: &Options) -> Result<RegistryStore, Error> {
    let (client, parsed) = Client::for_reference(reference, options)?;
    Ok(RegistryStore::new(client, parsed))
}

impl RegistryStore {
    pub fn new(client: Client, reference: ImageRef) -> RegistryStore {
        RegistryStore {
            client,
            reference,
            resolved: None,
        }
    }

    /// The client, e.g. to look at other tags.
    pub fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    fn target(&self) -> String {
        self.reference
            .digest
            .clone()
            .or_else(|| self.reference.tag.clone())
            .unwrap_or_else(|| "latest".to_owned())
    }
}

fn store_error(error: Error) -> StoreError {
    StoreError::new(error.to_string())
}

impl SignatureStore for RegistryStore {
    fn image_digest(&mut self) -> Result<Digest, StoreError> {
        if let Some(digest) = &self.resolved {
            return Ok(digest.clone());
        }
        // A digest reference is fetched too: the manifest must exist and hash to it.
        let manifest = self
            .client
            .get_manifest(&self.target())
            .map_err(store_error)?;
        let digest = Digest::parse(&manifest.digest)?;
        self.resolved = Some(digest.clone());
        Ok(digest)
    }

    fn docker_reference(&self) -> Option<String> {
        // cosign writes Docker Hub repositories as `index.docker.io/<path>`.
        let domain = match self.reference.domain.as_str() {
            "docker.io" => "index.docker.io",
            other => other,
        };
        Some(format!("{domain}/{}", self.reference.path))
    }

    fn read_tagged_manifest(
        &mut self,
        tag: &str,
        max_bytes: u64,
    ) -> Result<Option<StoredManifest>, StoreError> {
        match self.client.get_manifest(tag) {
            Ok(manifest) if manifest.bytes.len() as u64 > max_bytes => Err(StoreError::new(
                format!("manifest `{tag}` is larger than {max_bytes} bytes"),
            )),
            Ok(manifest) => Ok(Some(StoredManifest {
                media_type: manifest.media_type,
                bytes: manifest.bytes,
            })),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn read_blob(
        &mut self,
        digest: &Digest,
        max_bytes: u64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        match self.client.get_blob_bytes(digest.as_str(), max_bytes) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(store_error(e)),
        }
    }

    fn write_blob(&mut self, digest: &Digest, bytes: &[u8]) -> Result<(), StoreError> {
        let pushed = self.client.push_blob(bytes).map_err(store_error)?;
        if pushed != digest.as_str() {
            return Err(StoreError::new(format!(
                "blob to store hashes to {pushed}, not {digest}"
            )));
        }
        Ok(())
    }

    fn write_tagged_manifest(
        &mut self,
        tag: &str,
        manifest: &StoredManifest,
    ) -> Result<(), StoreError> {
        self.client
            .put_manifest(tag, &manifest.media_type, &manifest.bytes)
            .map_err(store_error)?;
        Ok(())
    }
}
