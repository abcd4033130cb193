//! gpg and apt-key: keys fetched from key servers, and whether they are named by a full
//! fingerprint.

use crate::args::{Spec, Style};
use crate::script::{Command, Script};
use crate::word::Word;

/// gpg options that take a value.
pub(crate) const SPEC: Spec = Spec {
    style: Style::Gnu,
    takes_value: &[
        "--keyserver",
        "--homedir",
        "-o",
        "--output",
        "--keyring",
        "--primary-keyring",
        "--trustdb-name",
        "--keyserver-options",
        "--default-key",
        "-u",
        "--local-user",
        "-r",
        "--recipient",
        "--trust-model",
        "--status-fd",
        "--logger-fd",
        "--passphrase",
        "--passphrase-fd",
        "--pinentry-mode",
        "--export-options",
        "--import-options",
        "--auto-key-locate",
    ],
};

/// How a key is named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyId {
    /// 8 hex digits.
    Short,
    /// 16 hex digits.
    Long,
    /// 40 (or 64) hex digits: a full fingerprint.
    Fingerprint,
    /// An e-mail, a variable, or something else.
    Other,
}

/// Classifies a key id (`0x` prefix and spaces allowed).
#[must_use]
pub fn key_id(s: &str) -> KeyId {
    let t: String = s
        .trim_start_matches("0x")
        .trim_start_matches("0X")
        .chars()
        .filter(|c| *c != ' ')
        .collect();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return KeyId::Other;
    }
    match t.len() {
        8 => KeyId::Short,
        16 => KeyId::Long,
        40 | 64 => KeyId::Fingerprint,
        _ => KeyId::Other,
    }
}

/// A key fetched from a key server (`gpg --recv-keys`, `apt-key adv --recv-keys`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyFetch {
    /// The key server, if given.
    pub keyserver: Option<Word>,
    /// The key ids as written, with their classification (`Other` for dynamic words).
    pub keys: Vec<(Word, KeyId)>,
}

/// Parses a key fetch.
#[must_use]
pub fn key_fetch(c: &Command) -> Option<KeyFetch> {
    if !c.is_any(&["gpg", "gpg2", "apt-key"]) {
        return None;
    }
    let pos = c
        .opts
        .flags
        .iter()
        .find(|f| {
            matches!(
                f.name.as_str(),
                "--recv-keys" | "--recv-key" | "--receive-keys"
            )
        })?
        .arg_index;
    let keys = c.args[pos + 1..]
        .iter()
        .take_while(|w| !w.text().starts_with('-'))
        .map(|w| (w.clone(), w.value.as_deref().map_or(KeyId::Other, key_id)))
        .collect();
    Some(KeyFetch {
        keyserver: c.flag_value("--keyserver").cloned(),
        keys,
    })
}

impl Script {
    /// Every key fetched from a key server.
    pub fn key_fetches(&self) -> impl Iterator<Item = (&Command, KeyFetch)> + '_ {
        self.commands
            .iter()
            .filter_map(|c| key_fetch(c).map(|k| (c, k)))
    }
}
