//! `seguro keygen`: a cosign-compatible key pair (`P.key` encrypted, `P.pub`), and the
//! password lookup `sign` shares.

use seguro_sign::PrivateKey;
use std::ffi::OsString;
use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The key password: `SEGURO_PASSWORD`, else `COSIGN_PASSWORD` (set but empty means the
/// empty password, which cosign allows), else a prompt on the terminal (asked twice when
/// `confirm`). Without a terminal and without either variable: an error (exit 2).
pub(crate) fn password(confirm: bool) -> Result<Vec<u8>, String> {
    for var in ["SEGURO_PASSWORD", "COSIGN_PASSWORD"] {
        if let Some(value) = std::env::var_os(var) {
            return Ok(value.into_encoded_bytes());
        }
    }
    if !std::io::stdin().is_terminal() {
        return Err(
            "no password: set SEGURO_PASSWORD (or COSIGN_PASSWORD), or run on a terminal \
                    to be asked for it"
                .to_owned(),
        );
    }
    let first = rpassword::prompt_password("Enter password for private key: ")
        .map_err(|e| format!("reading the password: {e}"))?;
    if confirm {
        let again = rpassword::prompt_password("Enter password for private key again: ")
            .map_err(|e| format!("reading the password: {e}"))?;
        if again != first {
            return Err("the passwords do not match".to_owned());
        }
    }
    Ok(first.into_bytes())
}

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(prefix.as_os_str());
    name.push(suffix);
    PathBuf::from(name)
}

pub fn run(prefix: &Path, force: bool) -> Result<ExitCode, String> {
    let key_path = with_suffix(prefix, ".key");
    let pub_path = with_suffix(prefix, ".pub");
    if !force {
        for path in [&key_path, &pub_path] {
            if path.symlink_metadata().is_ok() {
                return Err(format!(
                    "{} already exists; not overwriting it (use --force to replace the key pair)",
                    path.display()
                ));
            }
        }
    }
    let password = password(true)?;
    let key = PrivateKey::generate().map_err(|e| e.to_string())?;
    let private_pem = key.to_encrypted_pem(&password).map_err(|e| e.to_string())?;
    let public_pem = key.public_key().to_pem();

    // Both files are written to temporary names first, then moved into place: on any
    // error nothing is left behind.
    let key_tmp = write_temp(&key_path, private_pem.as_bytes(), 0o600)?;
    let pub_tmp = match write_temp(&pub_path, public_pem.as_bytes(), 0o644) {
        Ok(tmp) => tmp,
        Err(e) => {
            let _ = std::fs::remove_file(&key_tmp);
            return Err(e);
        }
    };
    if let Err(e) = install(&key_tmp, &key_path, force) {
        let _ = std::fs::remove_file(&key_tmp);
        let _ = std::fs::remove_file(&pub_tmp);
        return Err(e);
    }
    if let Err(e) = install(&pub_tmp, &pub_path, force) {
        let _ = std::fs::remove_file(&pub_tmp);
        let _ = std::fs::remove_file(&key_path);
        return Err(e);
    }
    eprintln!("Private key written to {}", key_path.display());
    eprintln!("Public key written to {}", pub_path.display());
    Ok(ExitCode::SUCCESS)
}

fn write_temp(path: &Path, bytes: &[u8], mode: u32) -> Result<PathBuf, String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for attempt in 0..100 {
        let tmp = dir.join(format!(
            ".{name}.seguro-{}-{attempt}.tmp",
            std::process::id()
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
        #[cfg(not(unix))]
        let _ = mode;
        match options.open(&tmp) {
            Ok(mut file) => {
                let written = file.write_all(bytes).and_then(|()| file.sync_all());
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&tmp);
                    return Err(format!("{}: {e}", path.display()));
                }
                return Ok(tmp);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    Err(format!("{}: no free temporary file name", path.display()))
}

/// Moves `tmp` to `path`; without `force` an existing `path` is never replaced (a hard
/// link fails when the name is taken, so a file created meanwhile survives).
fn install(tmp: &Path, path: &Path, force: bool) -> Result<(), String> {
    if force {
        return std::fs::rename(tmp, path).map_err(|e| format!("{}: {e}", path.display()));
    }
    match std::fs::hard_link(tmp, path) {
        Ok(()) => {
            let _ = std::fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(format!(
            "{} already exists; not overwriting it (use --force to replace the key pair)",
            path.display()
        )),
        // File systems without hard links: check, then rename.
        Err(_) if path.symlink_metadata().is_err() => {
            std::fs::rename(tmp, path).map_err(|e| format!("{}: {e}", path.display()))
        }
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}
