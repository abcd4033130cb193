//! ARG/ENV names and values: `secret_like_name`, `value_is_plainly_public`, `arg_env_is_secret`.

mod common;

use common::*;
use seguro_secrets::{arg_env_is_secret, secret_like_name, value_is_plainly_public};

#[test]
fn buildkit_tokens_are_secret_like() {
    // BuildKit's SecretsUsedInArgOrEnv words, as whole name, first, middle or last word.
    for n in [
        "APIKEY",
        "AUTH",
        "CREDENTIAL",
        "CREDENTIALS",
        "KEY",
        "PASSWORD",
        "PWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "api_key",
        "DATABASE_PASSWORD",
        "GITHUB_TOKEN",
        "secret_MESSAGE",
        "AWS_SECRET_ACCESS_KEY",
        "MY_AUTH_THING",
        "SSH_KEY",
        "LICENSE_KEY",
        "SECRET_KEY_BASE",
        "GOOGLE_APPLICATION_CREDENTIALS",
    ] {
        assert!(secret_like_name(n), "{n}");
    }
}

#[test]
fn additions_to_buildkit() {
    for n in [
        "JENKINS_CREDS_PSW", // Jenkins credentials binding (moby/buildkit#6064)
        "MYSQL_PWD",
        "DB_PASS",
        "PGPASSWORD",
        "DBPASSWORD",
        "CLIENTSECRET",
        "APITOKEN",
        "GH_PAT",
        "SSH_PASSPHRASE",
        "npmAuthToken",
        "AWS_ACCESS_KEY_ID",
        "VAULT_SECRET_ID",
        "REGISTRY_CREDS",
    ] {
        assert!(secret_like_name(n), "{n}");
    }
}

#[test]
fn accepted_names() {
    for n in [
        // BuildKit's own accept words.
        "SECRET_FILE",
        "PUBLIC_KEY",
        "KEY_VERSION",
        "NODE_AUTH_TOKEN_FILE",
        "SSH_PUBLIC_KEY",
        "SSH_PUB_KEY",
        // Locations, identities, settings.
        "PASSWORD_PATH",
        "SECRETS_DIR",
        "AUTH_URL",
        "TOKEN_URI",
        "AUTH_SERVER",
        "KEY_SERVER",
        "AUTH_HOST",
        "KMS_KEY_ID",
        "GPG_KEY_ID",
        "KMS_KEY_ARN",
        "SECRET_NAME",
        "AUTH_USER",
        "JENKINS_CREDS_USR",
        "AUTH_TYPE",
        "AUTH_ENABLED",
        "TOKEN_TTL",
        "KEY_SIZE",
        "KEY_ALGORITHM",
        "AUTH_PLUGIN",
        "USE_GKE_GCLOUD_AUTH_PLUGIN",
        "RABBITMQ_PGP_KEY_ID",
        "OPENSSL_PGP_KEY_IDS",
        "KEY_FINGERPRINT",
        // GPG fingerprints by convention.
        "GPG_KEY",
        "GPG_KEYS",
        "PGP_KEY",
        "WORDPRESS_CLI_GPG_KEY",
        // Words that merely contain a secret word.
        "KEYCLOAK_VERSION",
        "KEYCLOAK_ADMIN",
        "MONKEY",
        "OAUTH_CLIENT_ID",
        "AUTHOR",
        "PASSTHROUGH",
        "BYPASS_CACHE",
        "PGP_KEYSERVER",
        "USERNAME",
        "DB_USERNAME",
        "PATH",
        "",
        "_",
    ] {
        assert!(!secret_like_name(n), "{n}");
    }
}

#[test]
fn plainly_public_values() {
    let fpr = "A035C8C19219BA821ECEA86B64E628F8D684696D";
    for v in [
        "",
        "  ",
        "\"\"",
        "$VAR",
        "${VAR}",
        "${VAR:-default}",
        "$(cat /run/secrets/x)",
        "\"Bearer ${TOKEN}\"",
        fpr,
        &format!("0x{fpr}"),
        "A035 C8C1 9219 BA82 1ECE  A86B 64E6 28F8 D684 696D",
        &format!("{fpr} {fpr}"),
        "0x0A9AF2115F4687BD29803A206B73A36E6026DFCA",
        &rand(1, 32, HEX),
        &rand(2, 40, HEX),
        &rand(3, 64, HEX),
        &rand(4, 128, HEX),
        &format!("sha256:{}", rand(5, 64, HEX)),
        "https://example.com/download/tool.tar.gz",
        "https://user@host.io/",
        "git@github.com:org/repo.git",
        "1.2.3",
        "3.11.4-slim",
        "v20",
        "22.04",
        "latest",
        "/run/secrets/db_password",
        "./config",
        "~/.ssh/known_hosts",
        "C:\\secrets\\x",
        "true",
        "False",
        "yes",
        "0",
        "8080",
        "3.5",
        "30s",
        "keyserver.ubuntu.com",
        "ops@example.com",
        "changeme",
        "<your-token>",
        "xxx",
        "unused",
    ] {
        assert!(value_is_plainly_public(v), "{v:?}");
    }
}

#[test]
fn not_plainly_public_values() {
    for v in [
        rand(1, 20, ALNUM),
        rand(2, 12, ALNUM),
        "hunter2hunter2".to_string(),
        fake("ghp_", 36, ALNUM, 3),
        format!("https://u:{}@host.io/", rand(4, 16, ALNUM)),
        format!("https://host.io/x?access_token={}", rand(5, 20, ALNUM)),
        format!("${{X}}{}", rand(6, 24, ALNUM)),
        rand(7, 63, HEX),
        "base64:".to_string() + &rand(8, 44, B64),
    ] {
        assert!(!value_is_plainly_public(&v), "{v:?}");
    }
}

#[test]
fn arg_env_decision() {
    let fpr = "A62AE125BBBFBB96A6E042EC925CC1CCED3D1561";
    // The BuildKit false alarm users hate: a GPG key *fingerprint*.
    assert!(!arg_env_is_secret("GPG_KEY", Some(fpr)));
    assert!(!arg_env_is_secret("SWIFT_SIGNING_KEY", Some(fpr)));
    assert!(!arg_env_is_secret(
        "SWIFT_SIGNING_KEY",
        Some("$SWIFT_SIGNING_KEY")
    ));
    assert!(!arg_env_is_secret(
        "GPG_KEYS",
        Some(&format!("{fpr} {fpr}"))
    ));
    // ARG without default: passed with --build-arg, recorded in history.
    assert!(arg_env_is_secret("ACTIVESTATE_API_KEY", None));
    assert!(arg_env_is_secret("SWIFT_SIGNING_KEY", None));
    assert!(!arg_env_is_secret("GPG_KEY", None));
    // Explicitly empty.
    assert!(!arg_env_is_secret("ACTIVESTATE_API_KEY", Some("")));
    // Hex under a password/secret/token/API-key name is a generated secret.
    assert!(arg_env_is_secret("SECRET_KEY", Some(&rand(1, 64, HEX))));
    assert!(arg_env_is_secret("API_TOKEN", Some(&rand(2, 40, HEX))));
    assert!(arg_env_is_secret("API_KEY", Some(&rand(3, 32, HEX))));
    // Values that are plainly something else.
    assert!(!arg_env_is_secret(
        "GOOGLE_APPLICATION_CREDENTIALS",
        Some("/secrets/sa.json")
    ));
    assert!(!arg_env_is_secret(
        "USE_GKE_GCLOUD_AUTH_PLUGIN",
        Some("True")
    ));
    assert!(!arg_env_is_secret("AUTH", Some("true")));
    assert!(!arg_env_is_secret("TOKEN", Some("${TOKEN}")));
    // Real-looking values.
    assert!(arg_env_is_secret("DB_PASSWORD", Some("s3cr3t-Pa55")));
    assert!(arg_env_is_secret("MYSQL_ROOT_PASSWORD", Some("hunter22")));
    assert!(arg_env_is_secret(
        "NPM_TOKEN",
        Some(&fake("npm_", 36, ALNUM, 4))
    ));
    // Names that are not secret-like never fire.
    assert!(!arg_env_is_secret("VERSION", Some(&rand(5, 30, ALNUM))));
    assert!(!arg_env_is_secret("PASSWORD_FILE", None));
}
