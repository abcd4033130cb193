//! `seguro sign --key P.key IMAGE`: signs the image's manifest digest and stores the
//! signature beside it as cosign does; also opens the store `verify` reads.

use crate::commands::keygen;
use seguro_sign::{OciLayout, PrivateKey, SignatureStore};
use std::path::Path;
use std::process::ExitCode;

pub fn run(
    key: &Path,
    image: &str,
    identity: Option<&str>,
    insecure_registries: &[String],
) -> Result<ExitCode, String> {
    let mut store = open_store(image, insecure_registries)?;
    let password = keygen::password(false)?;
    let key = PrivateKey::from_file(key, &password)?;
    let outcome = seguro_sign::sign(store.as_mut(), &key, identity).map_err(|e| e.to_string())?;
    if outcome.already_present {
        eprintln!(
            "{image} ({}) already carries this signature in `{}`; nothing written",
            outcome.image_digest, outcome.tag
        );
    } else {
        eprintln!(
            "Signed {image} ({}): signature stored in `{}` ({} signature{})",
            outcome.image_digest,
            outcome.tag,
            outcome.signatures_stored,
            if outcome.signatures_stored == 1 {
                ""
            } else {
                "s"
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The signature store for IMAGE: an OCI layout when IMAGE names one (`DIR`, `DIR:TAG`,
/// `DIR@sha256:…`), else a registry.
pub(crate) fn open_store(
    image: &str,
    insecure_registries: &[String],
) -> Result<Box<dyn SignatureStore>, String> {
    if let Some((dir, selector)) = seguro_sign::parse_layout_ref(image) {
        let layout = OciLayout::open(&dir, &selector).map_err(|e| e.to_string())?;
        return Ok(Box::new(layout));
    }
    let path = Path::new(image);
    if path.exists() {
        return Err(format!("{image}: not an OCI image layout directory"));
    }
    if image.starts_with('/') || image.starts_with("./") || image.starts_with("../") {
        return Err(format!("{image}: no such OCI image layout directory"));
    }
    registry_store(image, insecure_registries)
}

/// A registry reference: seguro-registry's store (signatures under `sha256-<hex>.sig`).
fn registry_store(
    image: &str,
    insecure_registries: &[String],
) -> Result<Box<dyn SignatureStore>, String> {
    let options = seguro_registry::Options {
        insecure_registries: insecure_registries.to_vec(),
        ..seguro_registry::Options::default()
    };
    let store =
        seguro_registry::signature_store(image, &options).map_err(|e| format!("{image}: {e}"))?;
    Ok(Box::new(store))
}
