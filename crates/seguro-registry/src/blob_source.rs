//! A registry as seguro-image's [`BlobSource`], so `seguro image REF` reads a published
//! image the way it reads an OCI layout: manifests by digest, blobs streamed (seguro-image
//! hashes and size-checks every byte; the client checks digests too).

use crate::client::{Client, Options};
use crate::error::Error;
use seguro_image::BlobSource;
use seguro_image::digest::Digest;
use std::cell::RefCell;
use std::fmt;
use std::io::{self, Cursor, Read};

/// A registry repository serving blobs to the image reader.
#[derive(Debug)]
pub struct RegistryBlobSource {
    client: RefCell<Client>,
}

impl RegistryBlobSource {
    pub fn new(client: Client) -> RegistryBlobSource {
        RegistryBlobSource {
            client: RefCell::new(client),
        }
    }
}

fn io_error(error: Error) -> io::Error {
    io::Error::other(error)
}

impl BlobSource for RegistryBlobSource {
    fn describe(&self) -> String {
        format!("registry {}", self.client.borrow().display_name())
    }

    fn open_blob(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>> {
        match self.client.borrow_mut().get_blob(digest.as_str()) {
            Ok(reader) => Ok(Some(Box::new(reader))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }

    fn open_manifest(
        &self,
        digest: &Digest,
        _size: Option<u64>,
    ) -> io::Result<Option<Box<dyn Read + '_>>> {
        match self.client.borrow_mut().get_manifest(digest.as_str()) {
            Ok(manifest) => Ok(Some(Box::new(Cursor::new(manifest.bytes)))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(io_error(e)),
        }
    }
}

/// Why a registry image could not be read.
#[derive(Debug)]
pub enum ReadImageError {
    /// The registry refused or could not be reached.
    Registry(Error),
    /// The image itself is malformed.
    Image(seguro_image::Error),
}

impl fmt::Display for ReadImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadImageError::Registry(e) => e.fmt(f),
            ReadImageError::Image(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadImageError {}

/// Reads the image `reference` names (tag, digest, or `latest`) from its registry into
/// seguro-image's model, streaming every layer once.
pub fn read_image(
    reference: &str,
    options: &Options,
    image_options: &seguro_image::Options,
) -> Result<seguro_image::Image, ReadImageError> {
    let (mut client, parsed) =
        Client::for_reference(reference, options).map_err(ReadImageError::Registry)?;
    let target = parsed
        .digest
        .clone()
        .or_else(|| parsed.tag.clone())
        .unwrap_or_else(|| "latest".to_owned());
    let root = client
        .get_manifest(&target)
        .map_err(ReadImageError::Registry)?;
    let source = RegistryBlobSource::new(client);
    let mut image = seguro_image::read_oci(&source, &root.bytes, image_options)
        .map_err(ReadImageError::Image)?;
    image.source = parsed.to_string();
    Ok(image)
}
