//! Secret files by name, and the content check.

mod common;

use common::*;
use seguro_secrets::{Confidence, FileKind, Kind, scan_file_content, secret_file_kind};

#[test]
fn secret_names() {
    use FileKind::*;
    for (path, kind) in [
        ("id_rsa", SshPrivateKey),
        ("/root/.ssh/id_rsa", SshPrivateKey),
        ("keys/id_ed25519", SshPrivateKey),
        ("deploy/id_ecdsa_sk", SshPrivateKey),
        ("backup/id_dsa.old", SshPrivateKey),
        ("id_rsa_github", SshPrivateKey),
        ("putty/server.ppk", SshPrivateKey),
        (".ssh", SshDirectory),
        (".ssh/", SshDirectory),
        ("home/app/.ssh/deploy_key", SshDirectory),
        (".npmrc", NpmRc),
        ("frontend/.npmrc", NpmRc),
        (".pypirc", PypiRc),
        (".netrc", Netrc),
        ("_netrc", Netrc),
        (".git-credentials", GitCredentials),
        (".config/gh/hosts.yml", GitCredentials),
        (".aws", AwsCredentials),
        (".aws/credentials", AwsCredentials),
        ("/root/.aws/sso/cache/abc.json", AwsCredentials),
        (".docker/config.json", DockerConfig),
        (".dockercfg", DockerConfig),
        (".env", DotEnv),
        ("./.env", DotEnv),
        ("app/.env.local", DotEnv),
        (".env.production", DotEnv),
        ("tls/server.key", PrivateKeyFile),
        ("config/master.key", PrivateKeyFile),
        ("certs/privkey.pem", PrivateKeyFile),
        ("tls/key.pem", PrivateKeyFile),
        ("tls/server-key.pem", PrivateKeyFile),
        ("keys/private.asc", PrivateKeyFile),
        (".gnupg/private-keys-v1.d/ABC.key", PrivateKeyFile),
        (".gnupg/secring.gpg", PrivateKeyFile),
        ("certs/server.pem", MaybeKey),
        ("deploy.pem", MaybeKey),
        ("jenkins.io-2026.key", MaybeKey),
        ("app.key", MaybeKey),
        ("keystore.p12", Keystore),
        ("cert.pfx", Keystore),
        ("release.jks", Keystore),
        ("android/app/upload.keystore", Keystore),
        ("AuthKey_ABC123.p8", Keystore),
        ("passwords.kdbx", Keystore),
        (".kube", Kubeconfig),
        (".kube/config", Kubeconfig),
        ("kubeconfig", Kubeconfig),
        ("kubeconfig.yaml", Kubeconfig),
        ("prod.kubeconfig", Kubeconfig),
        ("credentials.json", CloudCredentials),
        ("gcp/service-account.json", CloudCredentials),
        ("service-account-prod.json", CloudCredentials),
        ("my_service_account_key.json", CloudCredentials),
        (
            "client_secret_123.apps.googleusercontent.com.json",
            CloudCredentials,
        ),
        (".config/gcloud", CloudCredentials),
        (
            ".config/gcloud/application_default_credentials.json",
            CloudCredentials,
        ),
        (".azure", CloudCredentials),
        (".s3cfg", CloudCredentials),
        ("terraform.tfvars", TerraformVars),
        ("prod.auto.tfvars", TerraformVars),
        ("vars.tfvars.json", TerraformVars),
        ("terraform.tfstate", TerraformState),
        ("terraform.tfstate.backup", TerraformState),
        ("htpasswd", Htpasswd),
        ("nginx/.htpasswd", Htpasswd),
        ("config/secrets.yml", SecretsFile),
        ("secrets.yaml", SecretsFile),
        ("k8s/secret.yaml", SecretsFile),
        ("db.secret", SecretsFile),
        (".vault-token", VaultToken),
        (".gnupg", GnupgHome),
        (".pgpass", PgPass),
        (".my.cnf", MysqlConfig),
        (".cargo/credentials.toml", RegistryCredentials),
        (".gem/credentials", RegistryCredentials),
        (".composer/auth.json", RegistryCredentials),
        ("ID_RSA", SshPrivateKey),
        ("Server.PEM", MaybeKey),
    ] {
        assert_eq!(secret_file_kind(path), Some(kind), "{path}");
        assert!(!kind.id().is_empty() && !kind.description().is_empty());
    }
}

#[test]
fn not_secret_names() {
    for path in [
        "id_rsa.pub",
        "/root/.ssh/id_ed25519.pub",
        ".ssh/known_hosts",
        ".ssh/known_hosts.old",
        ".ssh/config",
        ".ssh/authorized_keys",
        ".env.example",
        ".env.sample",
        ".env.template",
        ".env.dist",
        ".env.local.example",
        "terraform.tfvars.example",
        "config/secrets.yml.sample",
        ".npmrc.example",
        "prod.env",
        "envs/",
        "cacert.pem",
        "ca.pem",
        "certs/ca-bundle.pem",
        "fullchain.pem",
        "chain.pem",
        "certs/server-cert.pem",
        "keys/public.pem",
        "keys/pubkey.pem",
        "/etc/ssl/certs/ISRG_Root_X1.pem",
        "usr/lib/python3/site-packages/certifi/cacert.pem",
        "usr/share/ca-certificates/mozilla/x.pem",
        "tls/server.crt",
        "tls/server.cer",
        "tls/server.csr",
        "nodesource-repo.gpg.key",
        "nginx_signing.key",
        "keys/docker-archive-keyring.key",
        "KEYS.asc",
        "release.tar.gz.asc",
        "truststore.jks",
        "cacerts.jks",
        ".aws/config",
        ".docker/daemon.json",
        ".kube/cache/discovery/x.json",
        ".gnupg/pubring.kbx",
        "settings.py",
        "config/database.yml",
        "config.json",
        "package.json",
        "Dockerfile",
        "src/keyboard.rs",
        "docs/monkey.md",
        "",
        "/",
        ".",
    ] {
        assert_eq!(secret_file_kind(path), None, "{path}");
    }
}

#[test]
fn file_kind_confidence() {
    assert_eq!(FileKind::SshPrivateKey.confidence(), Confidence::High);
    assert_eq!(FileKind::MaybeKey.confidence(), Confidence::Medium);
    assert_eq!(FileKind::NpmRc.confidence(), Confidence::Medium);
    assert_eq!(FileKind::TerraformState.confidence(), Confidence::High);
}

#[test]
fn content_scan_finds_and_offsets() {
    let key = pem("OPENSSH PRIVATE KEY", 6, 1);
    let bytes = format!("# key\n{key}\n").into_bytes();
    let f = scan_file_content(&bytes, 1 << 20);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, Kind::PrivateKey);
    assert_eq!(&bytes[f[0].span.clone()], key.as_bytes());
}

#[test]
fn content_scan_skips_binary() {
    let gh = fake("ghp_", 36, ALNUM, 2);
    let mut bytes = vec![0u8, 1, 2, 3];
    bytes.extend_from_slice(gh.as_bytes());
    assert!(scan_file_content(&bytes, 1 << 20).is_empty());
    // A NUL after the first 8 KiB does not make the file binary.
    let mut late = vec![b' '; 9000];
    late.extend_from_slice(gh.as_bytes());
    late.push(0);
    assert_eq!(scan_file_content(&late, 1 << 20).len(), 1);
}

#[test]
fn content_scan_respects_max() {
    let gh = fake("ghp_", 36, ALNUM, 3);
    let bytes = format!("{}{gh}", " ".repeat(100)).into_bytes();
    assert!(scan_file_content(&bytes, 100).is_empty());
    assert!(scan_file_content(&bytes, 120).is_empty()); // token cut short
    assert_eq!(scan_file_content(&bytes, bytes.len()).len(), 1);
    assert!(scan_file_content(&[], 10).is_empty());
}

#[test]
fn content_scan_tolerates_invalid_utf8() {
    let gh = fake("ghp_", 36, ALNUM, 4);
    let np = fake("npm_", 36, ALNUM, 5);
    let mut bytes = b"a=\xff\xfe ".to_vec();
    let at1 = bytes.len();
    bytes.extend_from_slice(gh.as_bytes());
    bytes.extend_from_slice(b" \xc3\x28 ");
    let at2 = bytes.len();
    bytes.extend_from_slice(np.as_bytes());
    let f = scan_file_content(&bytes, 1 << 20);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].span, at1..at1 + gh.len());
    assert_eq!(f[1].span, at2..at2 + np.len());
    // max cutting a multi-byte character.
    let text = format!("é{gh}é");
    let b = text.as_bytes();
    for max in 0..=b.len() {
        let _ = scan_file_content(b, max);
    }
}

#[test]
fn content_of_typical_secret_files() {
    let token = fake("npm_", 36, ALNUM, 6);
    let npmrc =
        format!("registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={token}\n");
    assert_eq!(scan_file_content(npmrc.as_bytes(), 1 << 20).len(), 1);
    let npmrc_env = "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n";
    assert!(scan_file_content(npmrc_env.as_bytes(), 1 << 20).is_empty());

    let p = rand(7, 20, ALNUM);
    let netrc = format!("machine github.com\n  login bot\n  password {p}\n");
    assert_eq!(scan_file_content(netrc.as_bytes(), 1 << 20).len(), 1);
    let one_line = format!("machine github.com login bot password {p}\n");
    assert_eq!(scan_file_content(one_line.as_bytes(), 1 << 20).len(), 1);

    let env = format!(
        "DEBUG=false\nDATABASE_URL=postgres://app:{p}@db.internal.io/app\nSECRET_KEY={}\n",
        rand(8, 50, ALNUM)
    );
    assert_eq!(scan_file_content(env.as_bytes(), 1 << 20).len(), 2);

    let example =
        "DATABASE_URL=postgres://app:changeme@localhost/app\nSECRET_KEY=your-secret-key\n";
    assert!(scan_file_content(example.as_bytes(), 1 << 20).is_empty());
}
