//! Secret files by name (`id_rsa`, `.npmrc`, `.env`, `*.pem` …) and by content.

use crate::{Confidence, Finding, scan};

/// What a secret file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    /// `id_rsa`, `id_dsa`, `id_ecdsa`, `id_ed25519` (and `_sk` variants, suffixed copies),
    /// PuTTY `*.ppk`, anywhere.
    SshPrivateKey,
    /// The `.ssh` directory, or a file in it other than known hosts, config and public keys.
    SshDirectory,
    /// `.npmrc` (may hold `_authToken`).
    NpmRc,
    /// `.pypirc` (may hold an upload password or token).
    PypiRc,
    /// `.netrc` / `_netrc`.
    Netrc,
    /// `.git-credentials`, GitHub CLI `.config/gh/hosts.yml`.
    GitCredentials,
    /// `.aws/` (the directory), `.aws/credentials`, `.aws/sso/cache/*`, `.aws/cli/cache/*`.
    AwsCredentials,
    /// `.docker/config.json`, `.dockercfg`, the `.docker/` directory (auths may be inline).
    DockerConfig,
    /// `.env`, `.env.*` except templates.
    DotEnv,
    /// A private key file: TLS/private-named `*.key`, key-named `*.pem`, `*.asc` named
    /// private/secret,
    /// `.gnupg/private-keys-v1.d/*`, `secring.gpg`.
    PrivateKeyFile,
    /// A `*.pem` or `*.key` that may be a certificate, a public key or a private key.
    MaybeKey,
    /// `*.p12`, `*.pfx`, `*.jks`, `*.keystore`, `*.bks`, `*.p8`, `*.kdbx`.
    Keystore,
    /// `.kube/config`, `kubeconfig`, `kubeconfig.*`, `*.kubeconfig`, the `.kube/` directory.
    Kubeconfig,
    /// Cloud credential files: `credentials.json`, `service-account*.json`,
    /// `client_secret*.json`, `application_default_credentials.json`, `.config/gcloud/`,
    /// `.azure/`, `.s3cfg`, `.boto`.
    CloudCredentials,
    /// `*.tfvars`, `*.tfvars.json` (often, not always, secret).
    TerraformVars,
    /// `*.tfstate`, `*.tfstate.backup` (resource secrets in clear).
    TerraformState,
    /// `htpasswd`, `.htpasswd` (password hashes).
    Htpasswd,
    /// `secrets.{yml,yaml,json,toml,env}`, `secret.{yml,yaml}`, `*.secret`.
    SecretsFile,
    /// `.vault-token`.
    VaultToken,
    /// The `.gnupg/` directory.
    GnupgHome,
    /// `.pgpass`.
    PgPass,
    /// `.my.cnf` (MySQL client options, may hold a password).
    MysqlConfig,
    /// Package registry credentials: `.cargo/credentials[.toml]`, `.gem/credentials`,
    /// `.composer/auth.json`.
    RegistryCredentials,
}

impl FileKind {
    /// A stable kebab-case identifier.
    pub fn id(self) -> &'static str {
        match self {
            FileKind::SshPrivateKey => "ssh-private-key",
            FileKind::SshDirectory => "ssh-directory",
            FileKind::NpmRc => "npmrc",
            FileKind::PypiRc => "pypirc",
            FileKind::Netrc => "netrc",
            FileKind::GitCredentials => "git-credentials",
            FileKind::AwsCredentials => "aws-credentials",
            FileKind::DockerConfig => "docker-config",
            FileKind::DotEnv => "dotenv",
            FileKind::PrivateKeyFile => "private-key-file",
            FileKind::MaybeKey => "maybe-key",
            FileKind::Keystore => "keystore",
            FileKind::Kubeconfig => "kubeconfig",
            FileKind::CloudCredentials => "cloud-credentials",
            FileKind::TerraformVars => "terraform-vars",
            FileKind::TerraformState => "terraform-state",
            FileKind::Htpasswd => "htpasswd",
            FileKind::SecretsFile => "secrets-file",
            FileKind::VaultToken => "vault-token",
            FileKind::GnupgHome => "gnupg-home",
            FileKind::PgPass => "pgpass",
            FileKind::MysqlConfig => "mysql-config",
            FileKind::RegistryCredentials => "registry-credentials",
        }
    }

    /// A short human description ("an SSH private key").
    pub fn description(self) -> &'static str {
        match self {
            FileKind::SshPrivateKey => "an SSH private key",
            FileKind::SshDirectory => "an SSH directory or file",
            FileKind::NpmRc => "an npm config (may hold an auth token)",
            FileKind::PypiRc => "a PyPI config (may hold an upload token)",
            FileKind::Netrc => "a .netrc (machine passwords)",
            FileKind::GitCredentials => "stored Git credentials",
            FileKind::AwsCredentials => "AWS credentials",
            FileKind::DockerConfig => "a Docker client config (may hold registry auths)",
            FileKind::DotEnv => "a .env file",
            FileKind::PrivateKeyFile => "a private key file",
            FileKind::MaybeKey => "a PEM file (certificate or private key)",
            FileKind::Keystore => "a keystore",
            FileKind::Kubeconfig => "a kubeconfig",
            FileKind::CloudCredentials => "cloud credentials",
            FileKind::TerraformVars => "Terraform variables",
            FileKind::TerraformState => "a Terraform state",
            FileKind::Htpasswd => "an htpasswd file",
            FileKind::SecretsFile => "a secrets file",
            FileKind::VaultToken => "a Vault token",
            FileKind::GnupgHome => "a GnuPG home (private keyring)",
            FileKind::PgPass => "a PostgreSQL password file",
            FileKind::MysqlConfig => "a MySQL client config (may hold a password)",
            FileKind::RegistryCredentials => "package registry credentials",
        }
    }

    /// [`Confidence::High`] when the file exists to hold a secret; [`Confidence::Medium`]
    /// when it often but not always does (`.npmrc`, `.pypirc`, Docker config, `*.pem`,
    /// `*.tfvars`, `.my.cnf`, registry configs, non-key files under `.ssh/`).
    pub fn confidence(self) -> Confidence {
        match self {
            FileKind::SshDirectory
            | FileKind::NpmRc
            | FileKind::PypiRc
            | FileKind::DockerConfig
            | FileKind::MaybeKey
            | FileKind::TerraformVars
            | FileKind::MysqlConfig
            | FileKind::RegistryCredentials => Confidence::Medium,
            _ => Confidence::High,
        }
    }
}

const TEMPLATE_MARKS: &[&str] = &[
    ".example",
    ".sample",
    ".template",
    ".tmpl",
    ".tpl",
    ".dist",
    ".defaults",
    ".schema",
];

const SSH_PUBLIC_FILES: &[&str] = &[
    "known_hosts",
    "known_hosts.old",
    "config",
    "authorized_keys",
    "authorized_keys2",
    "environment",
    "rc",
];

const TRUST_DIRS: &[&str] = &[
    "etc/ssl/certs/",
    "ssl/certs/",
    "ca-certificates",
    "certifi/",
    "etc/pki/ca-trust",
    "etc/pki/tls/certs",
    "ca-trust/",
];

fn has_any(s: &str, words: &[&str]) -> bool {
    words.iter().any(|w| s.contains(w))
}

/// What secret a file is by its path, or `None`.
///
/// # Decisions
/// - Names are compared ASCII case-insensitively; paths are `/`-separated, relative or
///   absolute; `.` components and a trailing `/` are ignored.
/// - Templates are never secrets: a name containing `.example`, `.sample`, `.template`,
///   `.tmpl`, `.tpl`, `.dist`, `.defaults` or `.schema` (`.env.example`,
///   `terraform.tfvars.example`, `secrets.yml.sample`).
/// - Public material is never a secret: `*.pub`, `*.crt`, `*.cer`, `*.csr`.
/// - `.ssh/`: the directory itself and any file in it are secrets
///   ([`FileKind::SshDirectory`], or [`FileKind::SshPrivateKey`] for `id_*`), except
///   `known_hosts`, `config`, `authorized_keys`, `environment`, `rc` and `*.pub`, which hold no
///   key. A custom-named private key (`.ssh/deploy`) is thus still caught.
/// - `*.pem` may be a public certificate: certificate-like names (`cert`, `chain`,
///   `bundle`, `ca`, `public`, `trust`) and system trust stores (`/etc/ssl/certs`,
///   `ca-certificates`, `certifi`) are not reported; key-like names (`key`, `priv`,
///   `secret`) are [`FileKind::PrivateKeyFile`]; any other `*.pem` is
///   [`FileKind::MaybeKey`] (medium confidence; [`scan_file_content`] settles it).
/// - `*.key` is not reported when the name says package-signing key (`gpg`, `pgp`, `pub`,
///   `public`, `apt`, `repo`, `archive`, `keyring`, `release`, `signing`:
///   `nodesource.gpg.key`, `nginx_signing.key`); it is a [`FileKind::PrivateKeyFile`] when the
///   name says TLS/private (`server.key`, `tls.key`, `client.key`, `privkey.key`, Rails
///   `master.key`); any other `*.key` is [`FileKind::MaybeKey`]: `jenkins.io-2026.key` in the
///   dev corpus is a public GPG key copied to `jenkins-key.pub`.
/// - Keystores (`*.p12`, `*.pfx`, `*.jks`, `*.keystore`, `*.bks`, `*.p8`, `*.kdbx`) are secrets
///   unless the name says trust store (`truststore.jks`, `cacerts`).
/// - `.aws/`: the directory, `credentials` and the SSO/CLI token caches; `.aws/config` holds
///   no secret.
/// - `.env` and `.env.*` (`.env.local`, `.env.production`); `*.env` is not reported
///   (too often plain configuration), except `secrets.env`.
/// - Not covered by name: `settings.py`, `database.yml`, `config.json` (except
///   `.docker/config.json`), bare `credentials` outside `.aws`/`.cargo`/`.gem`, `*.ovpn`:
///   too many false alarms (dockle's complaints); the content scan finds real secrets there.
///
/// ```
/// use seguro_secrets::{FileKind, secret_file_kind};
/// assert_eq!(secret_file_kind("home/u/.ssh/id_ed25519"), Some(FileKind::SshPrivateKey));
/// assert_eq!(secret_file_kind("/root/.ssh/id_rsa.pub"), None);
/// assert_eq!(secret_file_kind("app/.env.production"), Some(FileKind::DotEnv));
/// assert_eq!(secret_file_kind(".env.example"), None);
/// assert_eq!(secret_file_kind("certs/server.pem"), Some(FileKind::MaybeKey));
/// ```
pub fn secret_file_kind(path: &str) -> Option<FileKind> {
    let lower = path.to_ascii_lowercase();
    let comps: Vec<&str> = lower
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    let (&base, dirs) = comps.split_last()?;
    let parent = dirs.last().copied().unwrap_or("");
    let under = |d: &str| dirs.contains(&d);

    if has_any(base, TEMPLATE_MARKS) {
        return None;
    }
    let ext = base.rsplit_once('.').map_or("", |(_, e)| e);
    if matches!(ext, "pub" | "crt" | "cer" | "csr") {
        return None;
    }

    // Directories that are secrets as a whole.
    match base {
        ".ssh" => return Some(FileKind::SshDirectory),
        ".aws" => return Some(FileKind::AwsCredentials),
        ".gnupg" => return Some(FileKind::GnupgHome),
        ".kube" => return Some(FileKind::Kubeconfig),
        ".docker" => return Some(FileKind::DockerConfig),
        ".azure" => return Some(FileKind::CloudCredentials),
        "gcloud" if parent == ".config" => return Some(FileKind::CloudCredentials),
        _ => {}
    }

    // SSH keys.
    if let Some(rest) = base.strip_prefix("id_")
        && ["rsa", "dsa", "ecdsa", "ed25519"]
            .iter()
            .any(|k| rest.starts_with(k))
    {
        return Some(FileKind::SshPrivateKey);
    }
    if ext == "ppk" {
        return Some(FileKind::SshPrivateKey);
    }
    if under(".ssh") {
        return if SSH_PUBLIC_FILES.contains(&base) {
            None
        } else {
            Some(FileKind::SshDirectory)
        };
    }

    // Dotfiles with a fixed name.
    match base {
        ".npmrc" => return Some(FileKind::NpmRc),
        ".pypirc" => return Some(FileKind::PypiRc),
        ".netrc" | "_netrc" => return Some(FileKind::Netrc),
        ".git-credentials" => return Some(FileKind::GitCredentials),
        ".pgpass" => return Some(FileKind::PgPass),
        ".my.cnf" => return Some(FileKind::MysqlConfig),
        ".vault-token" => return Some(FileKind::VaultToken),
        ".s3cfg" | ".boto" => return Some(FileKind::CloudCredentials),
        ".dockercfg" => return Some(FileKind::DockerConfig),
        "htpasswd" | ".htpasswd" => return Some(FileKind::Htpasswd),
        _ => {}
    }

    // Files in tool directories.
    if under(".aws") {
        let cache = under("sso") || under("cli");
        return (base == "credentials" || cache).then_some(FileKind::AwsCredentials);
    }
    if parent == ".docker" && base == "config.json" {
        return Some(FileKind::DockerConfig);
    }
    if parent == ".kube" && base == "config" {
        return Some(FileKind::Kubeconfig);
    }
    if base == "kubeconfig" || base.starts_with("kubeconfig.") || base.ends_with(".kubeconfig") {
        return Some(FileKind::Kubeconfig);
    }
    if (parent == ".cargo" && (base == "credentials" || base == "credentials.toml"))
        || (parent == ".gem" && base == "credentials")
        || (parent == ".composer" && base == "auth.json")
    {
        return Some(FileKind::RegistryCredentials);
    }
    if parent == "gh" && base == "hosts.yml" && under(".config") {
        return Some(FileKind::GitCredentials);
    }
    if under(".gnupg") {
        return (under("private-keys-v1.d") || base == "secring.gpg")
            .then_some(FileKind::PrivateKeyFile);
    }
    if under(".config") && under("gcloud") {
        return Some(FileKind::CloudCredentials);
    }

    // .env files.
    if base == ".env" || base.starts_with(".env.") {
        return Some(FileKind::DotEnv);
    }

    // Cloud credential JSON.
    if ext == "json"
        && (matches!(
            base,
            "credentials.json" | "credential.json" | "application_default_credentials.json"
        ) || base.starts_with("client_secret")
            || has_any(
                base,
                &["service-account", "service_account", "serviceaccount"],
            ))
    {
        return Some(FileKind::CloudCredentials);
    }

    // Terraform.
    if base.ends_with(".tfstate") || base.ends_with(".tfstate.backup") {
        return Some(FileKind::TerraformState);
    }
    if base.ends_with(".tfvars") || base.ends_with(".tfvars.json") {
        return Some(FileKind::TerraformVars);
    }

    // Secrets files.
    if matches!(
        base,
        "secrets.yml"
            | "secrets.yaml"
            | "secrets.json"
            | "secrets.toml"
            | "secrets.env"
            | "secret.yml"
            | "secret.yaml"
    ) || ext == "secret"
    {
        return Some(FileKind::SecretsFile);
    }

    // Keys and keystores by extension.
    let stem = base.strip_suffix(ext).unwrap_or(base);
    match ext {
        "pem" => {
            if has_any(&lower, TRUST_DIRS) || has_any(stem, &["public", "pub"]) {
                return None;
            }
            if has_any(stem, &["key", "priv", "secret", "id_rsa"]) {
                return Some(FileKind::PrivateKeyFile);
            }
            if has_any(stem, &["cert", "chain", "bundle", "trust", "crt"])
                || stem == "ca."
                || has_any(stem, &["-ca.", "_ca.", ".ca.", "ca-", "ca_", "rootca"])
            {
                return None;
            }
            Some(FileKind::MaybeKey)
        }
        "key" => {
            if has_any(
                stem,
                &[
                    "gpg", "pgp", "pub", "public", "apt", "repo", "archive", "keyring", "release",
                    "asc", "signing",
                ],
            ) {
                None
            } else if has_any(
                stem,
                &[
                    "priv", "secret", "server", "client", "tls", "ssl", "master", "id_", "cert",
                ],
            ) {
                Some(FileKind::PrivateKeyFile)
            } else {
                Some(FileKind::MaybeKey)
            }
        }
        "p12" | "pfx" | "jks" | "keystore" | "bks" | "p8" | "kdbx" => {
            if has_any(stem, &["trust", "cacerts"]) {
                None
            } else {
                Some(FileKind::Keystore)
            }
        }
        "asc" | "gpg" => {
            has_any(stem, &["private", "secret", "secring"]).then_some(FileKind::PrivateKeyFile)
        }
        _ => None,
    }
}

/// How many leading bytes [`scan_file_content`] inspects for a NUL to call a file binary.
pub const BINARY_SNIFF: usize = 8 * 1024;

/// Scans at most `max` bytes of a file's content. Returns nothing for binary content (a NUL
/// byte in the first [`BINARY_SNIFF`] bytes). Invalid UTF-8 is tolerated: each valid run is
/// scanned on its own, and spans are byte offsets into `bytes`.
pub fn scan_file_content(bytes: &[u8], max: usize) -> Vec<Finding> {
    let data = &bytes[..bytes.len().min(max)];
    if data[..data.len().min(BINARY_SNIFF)].contains(&0) {
        return Vec::new();
    }
    if let Ok(text) = std::str::from_utf8(data) {
        return scan(text);
    }
    let mut out = Vec::new();
    let mut offset = 0;
    for chunk in data.utf8_chunks() {
        let valid = chunk.valid();
        for mut f in scan(valid) {
            f.span = f.span.start + offset..f.span.end + offset;
            out.push(f);
        }
        offset += valid.len() + chunk.invalid().len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_names() {
        assert_eq!(secret_file_kind(".ssh/"), Some(FileKind::SshDirectory));
        assert_eq!(secret_file_kind("/root/.ssh/known_hosts"), None);
        assert_eq!(secret_file_kind("./.npmrc"), Some(FileKind::NpmRc));
        assert_eq!(secret_file_kind(""), None);
        assert_eq!(secret_file_kind("/"), None);
    }
}
