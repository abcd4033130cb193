//! Reading Dockerfiles: bytes from a file or stdin, decoded to text without losing data.

use std::io::Read;
use std::path::Path;

/// A Dockerfile's text and where it came from.
pub struct Source {
    pub name: String,
    pub text: String,
    /// The file was not valid UTF-8 (invalid bytes were replaced for analysis).
    pub lossy: bool,
}

/// Reads a file (or stdin for `-`); I/O errors carry the path.
pub fn read(path: &Path) -> Result<Source, String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("<stdin>: {e}"))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let name = if path.as_os_str() == "-" {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    };
    let (text, lossy) = match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(e) => (String::from_utf8_lossy(e.as_bytes()).into_owned(), true),
    };
    Ok(Source { name, text, lossy })
}
