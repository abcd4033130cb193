//! `seguro verify --key P.pub IMAGE`: exit 0 when a signature by that key covers the
//! image's manifest digest; 1 with the reason otherwise.

use crate::commands::sign::open_store;
use seguro_sign::{PublicKey, Verdict};
use std::path::Path;
use std::process::ExitCode;

pub fn run(
    key_path: &Path,
    image: &str,
    insecure_registries: &[String],
) -> Result<ExitCode, String> {
    let key = PublicKey::from_file(key_path)?;
    let mut store = open_store(image, insecure_registries)?;
    match seguro_sign::verify(store.as_mut(), &key).map_err(|e| e.to_string())? {
        Verdict::Valid {
            image_digest,
            valid,
            total,
            docker_reference,
        } => {
            println!(
                "Verified {image} ({image_digest}) with {}: {valid} of {total} signature{} valid \
                 (identity `{docker_reference}`; key-based, no transparency log checked)",
                key_path.display(),
                if total == 1 { "" } else { "s" }
            );
            Ok(ExitCode::SUCCESS)
        }
        Verdict::NoSignature { image_digest, tag } => {
            eprintln!("seguro: verify: no signature: {image} ({image_digest}) has no `{tag}`");
            Ok(ExitCode::from(1))
        }
        Verdict::Invalid {
            image_digest,
            kind,
            problems,
        } => {
            eprintln!(
                "seguro: verify: {}: no signature of {image} ({image_digest}) is valid for {}",
                kind.name(),
                key_path.display()
            );
            for problem in problems {
                eprintln!("  {problem}");
            }
            Ok(ExitCode::from(1))
        }
    }
}
