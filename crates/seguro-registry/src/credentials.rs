//! Registry credentials, found as Docker finds them: `SEGURO_REGISTRY_USERNAME` /
//! `SEGURO_REGISTRY_PASSWORD` first (for every registry), then `config.json` in
//! `$DOCKER_CONFIG` or `~/.docker`: `credHelpers.<host>`, then `credsStore`, then the
//! `auths.<host>` entry (`auth` = base64 `user:password`, or `username`/`password`, or an
//! `identitytoken`). Credential helpers are run as `docker-credential-<name> get`, without
//! a shell, with the server URL on standard input.

use crate::error::Error;
use base64::Engine as _;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What to authenticate with.
#[derive(Clone, PartialEq, Eq)]
pub enum Credential {
    /// A user name and password (or personal access token).
    Basic { username: String, password: String },
    /// An OAuth2 refresh token (`identitytoken`), exchanged at the token endpoint.
    IdentityToken { username: String, token: String },
}

impl std::fmt::Debug for Credential {
    /// Never prints the secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credential::Basic { username, .. } => write!(f, "Basic({username}, ****)"),
            Credential::IdentityToken { username, .. } => {
                write!(f, "IdentityToken({username}, ****)")
            }
        }
    }
}

/// Where credentials come from; [`CredentialSource::from_env`] reads the process
/// environment, tests build one by hand.
#[derive(Clone, Debug, Default)]
pub struct CredentialSource {
    /// `SEGURO_REGISTRY_USERNAME`.
    pub username: Option<String>,
    /// `SEGURO_REGISTRY_PASSWORD`.
    pub password: Option<String>,
    /// The directory holding `config.json` (`$DOCKER_CONFIG`, else `~/.docker`).
    pub docker_config_dir: Option<PathBuf>,
    /// The `PATH` credential helpers are searched in.
    pub path: Option<OsString>,
}

/// Docker Hub's key in `config.json`.
const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

impl CredentialSource {
    /// Reads `SEGURO_REGISTRY_USERNAME`, `SEGURO_REGISTRY_PASSWORD`, `DOCKER_CONFIG`,
    /// `HOME` and `PATH`.
    pub fn from_env() -> CredentialSource {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let docker_config_dir = var("DOCKER_CONFIG")
            .map(PathBuf::from)
            .or_else(|| var("HOME").map(|home| Path::new(&home).join(".docker")));
        CredentialSource {
            username: var("SEGURO_REGISTRY_USERNAME"),
            password: std::env::var("SEGURO_REGISTRY_PASSWORD").ok(),
            docker_config_dir,
            path: std::env::var_os("PATH"),
        }
    }

    /// No credentials at all (anonymous access only).
    pub fn none() -> CredentialSource {
        CredentialSource::default()
    }

    /// The credential for registry `host` (as in the reference: `docker.io`,
    /// `ghcr.io`, `127.0.0.1:5000`), or `None` for anonymous access.
    pub fn lookup(&self, host: &str) -> Result<Option<Credential>, Error> {
        if let Some(username) = &self.username {
            return Ok(Some(Credential::Basic {
                username: username.clone(),
                password: self.password.clone().unwrap_or_default(),
            }));
        }
        let Some(dir) = &self.docker_config_dir else {
            return Ok(None);
        };
        let file = dir.join("config.json");
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::Credentials(format!("{}: {e}", file.display()))),
        };
        let config: DockerConfig = serde_json::from_str(&text)
            .map_err(|e| Error::Credentials(format!("{}: not valid JSON: {e}", file.display())))?;
        let server = server_key(host);
        if let Some(helper) = config
            .cred_helpers
            .iter()
            .find(|(k, _)| normalize_key(k) == normalize_key(&server))
            .map(|(_, v)| v)
        {
            return self.run_helper(helper, &server);
        }
        if let Some(store) = config.creds_store.as_deref().filter(|s| !s.is_empty())
            && let Some(credential) = self.run_helper(store, &server)?
        {
            return Ok(Some(credential));
        }
        let Some(entry) = config
            .auths
            .iter()
            .find(|(k, _)| normalize_key(k) == normalize_key(&server))
            .map(|(_, v)| v)
        else {
            return Ok(None);
        };
        entry.credential(&file, &server)
    }

    /// Runs `docker-credential-<name> get` with `server` on standard input.
    fn run_helper(&self, name: &str, server: &str) -> Result<Option<Credential>, Error> {
        if name.is_empty()
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        {
            return Err(Error::Credentials(format!(
                "credential helper name `{name}` is not a plain name"
            )));
        }
        let program = format!("docker-credential-{name}");
        let Some(path) = self.find_program(&program) else {
            return Err(Error::Credentials(format!(
                "credential helper `{program}` (from config.json) is not on PATH"
            )));
        };
        let mut child = Command::new(&path)
            .arg("get")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::Credentials(format!("running {}: {e}", path.display())))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A helper that exits without reading gives a broken pipe: its output decides.
            let _ = stdin.write_all(server.as_bytes());
        }
        let output = child
            .wait_with_output()
            .map_err(|e| Error::Credentials(format!("running {}: {e}", path.display())))?;
        if !output.status.success() {
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            // The helpers' protocol: this message means "no credentials for that server".
            if stdout.contains("credentials not found") || stderr.contains("credentials not found")
            {
                return Ok(None);
            }
            return Err(Error::Credentials(format!(
                "{program} get failed ({}): {}",
                output.status,
                crate::error::sanitize(stderr.trim())
            )));
        }
        #[derive(Deserialize)]
        struct HelperOutput {
            #[serde(rename = "Username", default)]
            username: String,
            #[serde(rename = "Secret", default)]
            secret: String,
        }
        let parsed: HelperOutput = serde_json::from_slice(&output.stdout)
            .map_err(|e| Error::Credentials(format!("{program} get: output is not JSON: {e}")))?;
        if parsed.secret.is_empty() {
            return Ok(None);
        }
        // Helpers report identity tokens with this user name.
        if parsed.username == "<token>" {
            return Ok(Some(Credential::IdentityToken {
                username: String::new(),
                token: parsed.secret,
            }));
        }
        Ok(Some(Credential::Basic {
            username: parsed.username,
            password: parsed.secret,
        }))
    }

    fn find_program(&self, program: &str) -> Option<PathBuf> {
        let path = self.path.as_ref()?;
        std::env::split_paths(path)
            .map(|dir| dir.join(program))
            .find(|candidate| candidate.is_file())
    }
}

#[derive(Deserialize, Default)]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(rename = "credsStore", default)]
    creds_store: Option<String>,
    #[serde(rename = "credHelpers", default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

impl AuthEntry {
    fn credential(&self, file: &Path, server: &str) -> Result<Option<Credential>, Error> {
        let (mut username, mut password) = (self.username.clone(), self.password.clone());
        if let Some(auth) = self.auth.as_deref().filter(|a| !a.is_empty()) {
            let bad = || {
                Error::Credentials(format!(
                    "{}: auths.\"{server}\".auth is not base64 of `user:password`",
                    file.display()
                ))
            };
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(auth.trim())
                .map_err(|_| bad())?;
            let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
            let (user, pass) = decoded.split_once(':').ok_or_else(bad)?;
            username = Some(user.to_owned());
            password = Some(pass.to_owned());
        }
        if let Some(token) = self.identitytoken.as_deref().filter(|t| !t.is_empty()) {
            return Ok(Some(Credential::IdentityToken {
                username: username.unwrap_or_default(),
                token: token.to_owned(),
            }));
        }
        Ok(match (username, password) {
            (Some(username), Some(password)) if !username.is_empty() => {
                Some(Credential::Basic { username, password })
            }
            _ => None,
        })
    }
}

/// The key Docker stores a registry's credentials under.
pub fn server_key(host: &str) -> String {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" | "registry.hub.docker.com" => {
            DOCKER_HUB_KEY.to_owned()
        }
        _ => host.to_owned(),
    }
}

/// `https://host/v1/` and `host` name the same registry (as Docker's `ConvertToHostname`).
fn normalize_key(key: &str) -> String {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = key.split('/').next().unwrap_or(key);
    match host {
        "index.docker.io" | "docker.io" | "registry-1.docker.io" => "index.docker.io".to_owned(),
        _ => host.to_ascii_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(dir: &Path) -> CredentialSource {
        CredentialSource {
            docker_config_dir: Some(dir.to_owned()),
            path: Some(dir.as_os_str().to_owned()),
            ..CredentialSource::default()
        }
    }

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    fn basic(user: &str, pass: &str) -> Option<Credential> {
        Some(Credential::Basic {
            username: user.into(),
            password: pass.into(),
        })
    }

    #[test]
    fn env_overrides_everything() {
        let s = CredentialSource {
            username: Some("u".into()),
            password: Some("p".into()),
            ..CredentialSource::default()
        };
        assert_eq!(s.lookup("ghcr.io").unwrap(), basic("u", "p"));
    }

    #[test]
    fn auths_base64_username_password_and_identity_token() {
        let dir = tempfile::tempdir().unwrap();
        // "alice:s3cr:et" — the password may hold colons.
        write(
            dir.path(),
            "config.json",
            r#"{"auths":{
                "https://index.docker.io/v1/":{"auth":"YWxpY2U6czNjcjpldA=="},
                "127.0.0.1:5000":{"username":"bob","password":"pw"},
                "ghcr.io":{"auth":"","identitytoken":"refresh-me"},
                "bad.example":{"auth":"!!!"}
            }}"#,
        );
        let s = source(dir.path());
        assert_eq!(s.lookup("docker.io").unwrap(), basic("alice", "s3cr:et"));
        assert_eq!(s.lookup("127.0.0.1:5000").unwrap(), basic("bob", "pw"));
        assert_eq!(
            s.lookup("ghcr.io").unwrap(),
            Some(Credential::IdentityToken {
                username: String::new(),
                token: "refresh-me".into()
            })
        );
        assert_eq!(s.lookup("quay.io").unwrap(), None);
        let err = s.lookup("bad.example").unwrap_err().to_string();
        assert!(err.contains("not base64"), "{err}");
    }

    #[test]
    fn missing_or_broken_config() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(source(dir.path()).lookup("ghcr.io").unwrap(), None);
        write(dir.path(), "config.json", "{nope");
        let err = source(dir.path())
            .lookup("ghcr.io")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not valid JSON"), "{err}");
    }

    #[test]
    fn urls_and_hosts_are_the_same_key() {
        assert_eq!(normalize_key("https://ghcr.io/v1/"), "ghcr.io");
        assert_eq!(normalize_key("GHCR.io"), "ghcr.io");
        assert_eq!(
            normalize_key("https://index.docker.io/v1/"),
            normalize_key("docker.io")
        );
        assert_eq!(server_key("docker.io"), DOCKER_HUB_KEY);
        assert_eq!(server_key("127.0.0.1:5000"), "127.0.0.1:5000");
    }

    #[cfg(unix)]
    fn helper(dir: &Path, name: &str, script: &str) {
        use std::os::unix::fs::PermissionsExt as _;
        let path = dir.join(format!("docker-credential-{name}"));
        std::fs::write(&path, script).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn credential_helpers_get_the_server_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        // Echoes the server it was asked about as the user name: proves stdin is the URL.
        helper(
            dir.path(),
            "echo",
            "#!/bin/sh\n[ \"$1\" = get ] || exit 3\nread server\nprintf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"pw\"}' \"$server\" \"$server\"\n",
        );
        helper(
            dir.path(),
            "none",
            "#!/bin/sh\necho 'credentials not found in native keychain'\nexit 1\n",
        );
        helper(
            dir.path(),
            "tok",
            "#!/bin/sh\necho '{\"Username\":\"<token>\",\"Secret\":\"idt\"}'\n",
        );
        helper(dir.path(), "broken", "#!/bin/sh\necho boom >&2\nexit 4\n");
        write(
            dir.path(),
            "config.json",
            r#"{"credsStore":"none",
                "credHelpers":{"ghcr.io":"echo","docker.io":"echo","tok.example":"tok",
                               "broken.example":"broken","missing.example":"missing",
                               "evil.example":"../../bin/sh"},
                "auths":{"quay.io":{"auth":"dTpw"}}}"#,
        );
        let s = source(dir.path());
        assert_eq!(s.lookup("ghcr.io").unwrap(), basic("ghcr.io", "pw"));
        assert_eq!(s.lookup("docker.io").unwrap(), basic(DOCKER_HUB_KEY, "pw"));
        assert_eq!(
            s.lookup("tok.example").unwrap(),
            Some(Credential::IdentityToken {
                username: String::new(),
                token: "idt".into()
            })
        );
        // credsStore has nothing: the auths entry is used.
        assert_eq!(s.lookup("quay.io").unwrap(), basic("u", "p"));
        let err = s.lookup("broken.example").unwrap_err().to_string();
        assert!(err.contains("boom"), "{err}");
        let err = s.lookup("missing.example").unwrap_err().to_string();
        assert!(err.contains("not on PATH"), "{err}");
        let err = s.lookup("evil.example").unwrap_err().to_string();
        assert!(err.contains("not a plain name"), "{err}");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = basic("u", "hunter2").unwrap();
        assert!(!format!("{c:?}").contains("hunter2"));
    }
}
