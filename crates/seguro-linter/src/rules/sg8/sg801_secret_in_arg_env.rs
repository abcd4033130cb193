//! SG801: an ARG or ENV whose name says it holds a secret.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use crate::rules::sg4::shared::settings;
use seguro_dockerfile::Kind;
use seguro_secrets::entropy::{char_classes, shannon};
use seguro_secrets::{arg_env_is_secret, mask};

declare_rule! {
    /// ## What it does
    /// Finds `ARG` and `ENV` variables whose name says they hold a secret (`*_TOKEN`,
    /// `*_PASSWORD`, `*_SECRET`, `API_KEY`, `AWS_SECRET_ACCESS_KEY`, `*_PSW` …), in every
    /// stage and in the global ARGs.
    ///
    /// Not reported:
    /// - values that are plainly public: a GPG fingerprint (`ARG GPG_KEY=<40 hex>`), a
    ///   checksum, a URL without credentials, a version, a path, a boolean, a placeholder,
    ///   a reference to another variable (`ENV TOKEN=$TOKEN` — the ARG it copies is
    ///   reported);
    /// - names that say the value is about the secret, not the secret: `*_FILE`, `*_PATH`,
    ///   `*_URL`, `*_ID`, `*_USER`, `PUBLIC_*`, `*_VERSION` … (`ENV PASSWORD_FILE=/run/secrets/pw`);
    /// - names whose only secret word is `key` when the value does not look random
    ///   (`ENV Filters__0__Key=ProcessId`, `ENV CACHE_KEY=build-cache`): such keys name a
    ///   setting; a random-looking value (16+ characters of high entropy) is still reported;
    /// - names on the accept list of the configuration (glob patterns, case-insensitive):
    ///
    /// ```toml
    /// [rules.SG801]
    /// allow = ["SONAR_TOKEN_NAME", "*_KEY_ALGO"]
    /// ```
    ///
    /// An `ARG` declared without a value (to be given with `--build-arg`) is reported:
    /// the value is recorded in the image history and in provenance attestations.
    ///
    /// ## Why it matters
    /// ENV values are stored in the image configuration and visible to anyone who can pull
    /// the image (`docker inspect`). Build arguments end up in `docker history`, in the
    /// build cache and in SLSA provenance. Deleting the variable later does not remove
    /// it from earlier layers' metadata.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM node:20-slim
    /// ARG NPM_TOKEN
    /// RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM node:20-slim
    /// RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci
    /// ```
    ///
    /// ## Fix
    /// None: the secret has to move to a secret mount (`docker build --secret`).
    ///
    /// ## Aliases
    /// SecretsUsedInArgOrEnv, DL3064, DS-0031
    ///
    /// ## References
    /// CWE-798 (hard-coded credentials), CWE-538 (sensitive information in an accessible
    /// file); chapter 3.1.8.
    pub struct SecretInArgEnv {
        code: "SG801",
        name: "secret-in-arg-env",
        severity: Error,
        section: "3.1.8",
        aliases: ["SecretsUsedInArgOrEnv", "DL3064", "DS-0031"],
        fixable: None,
    }
}

impl Check for SecretInArgEnv {
    fn run(&self, cx: &mut Checker<'_>) {
        let allow = accept_list(cx);
        let mut found = Vec::new();
        for s in settings(cx).iter() {
            if allow.iter().any(|g| g.is_match(&s.name)) {
                continue;
            }
            // `ARG X=""` is declared without a value, as far as secrets go.
            let value = match (s.kind, s.value.as_deref()) {
                (Kind::Arg, Some("")) => None,
                (_, v) => v,
            };
            if !arg_env_is_secret(&s.name, value) {
                continue;
            }
            // `Filters__0__Key=ProcessId`: a `key` that names a setting, not a secret.
            if value.is_some_and(|v| only_key_word(&s.name) && !looks_random(v)) {
                continue;
            }
            let (message, help) = match (s.kind, value) {
                (Kind::Arg, None) => (
                    format!(
                        "ARG `{}` looks like a secret: build arguments are recorded in the \
                         image history and provenance",
                        s.name
                    ),
                    format!(
                        "pass it as a build secret instead: `RUN --mount=type=secret,id={},env={} …` \
                         with `docker build --secret id={},env={}`",
                        s.name.to_ascii_lowercase(),
                        s.name,
                        s.name.to_ascii_lowercase(),
                        s.name
                    ),
                ),
                (kind, Some(v)) => (
                    format!(
                        "{} `{}` sets a secret-looking value (`{}`) that stays in the image{}",
                        kind.name(),
                        s.name,
                        mask(v),
                        if kind == Kind::Env {
                            " config"
                        } else {
                            " history"
                        }
                    ),
                    "remove it; provide the secret at build time with `RUN --mount=type=secret` \
                     and at run time from the orchestrator"
                        .to_string(),
                ),
                (kind, None) => (
                    format!("{} `{}` looks like a secret", kind.name(), s.name),
                    "use `RUN --mount=type=secret` instead".to_string(),
                ),
            };
            found.push((s.span, message, help));
        }
        for (span, message, help) in found {
            cx.report(span, message).set_help(help);
        }
    }
}

/// Whether the only secret-like word of a name is `key`/`keys` (a dictionary or setting
/// key as often as a secret key).
fn only_key_word(name: &str) -> bool {
    let words = words(name);
    let strong = |w: &str| {
        matches!(
            w,
            "password"
                | "passwd"
                | "pwd"
                | "pass"
                | "pword"
                | "passphrase"
                | "secret"
                | "secrets"
                | "token"
                | "tokens"
                | "auth"
                | "apikey"
                | "credential"
                | "credentials"
                | "creds"
                | "psw"
                | "pat"
                | "private"
                | "privatekey"
                | "secretkey"
                | "accesskey"
        ) || ["password", "passwd", "secret", "token", "apikey"]
            .iter()
            .any(|s| w.len() > s.len() && w.ends_with(s))
    };
    words.iter().any(|w| w == "key" || w == "keys")
        && !words.iter().any(|w| strong(w))
        && !(words.contains(&"api".to_string()) || words.contains(&"access".to_string()))
}

/// Lower-case words of a name, split on punctuation and camelCase.
fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A value random enough to be a key (not an identifier such as `ProcessId`).
fn looks_random(v: &str) -> bool {
    let v = v.trim();
    let n = v.chars().count();
    !v.contains(char::is_whitespace)
        && ((n >= 16 && shannon(v) >= 3.0) || (n >= 12 && char_classes(v) >= 3))
}

/// The configured accept list (`[rules.SG801] allow = [...]`), as case-insensitive globs.
fn accept_list(cx: &Checker<'_>) -> Vec<globset::GlobMatcher> {
    let patterns: Vec<String> = match cx.config.rule_option("SG801", "allow") {
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(toml::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    patterns
        .iter()
        .filter_map(|p| {
            globset::GlobBuilder::new(p)
                .case_insensitive(true)
                .build()
                .ok()
                .map(|g| g.compile_matcher())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use crate::lint::{Options, lint};
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG801",
            &[
                "FROM a\nARG NPM_TOKEN\n",
                "ARG GITHUB_TOKEN\nFROM a\n",
                "FROM a\nARG NPM_TOKEN=\"\"\n",
                "FROM a\nENV DB_PASSWORD=s3cr3tP4ssw0rdXq\n",
                "FROM a\nENV AWS_SECRET_ACCESS_KEY wJalrXUtnFEMIK7MDENGbPxRfiCYzq83hTwq9vLc\n",
                "FROM a\nARG API_KEY=9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n",
                "FROM a\nENV JENKINS_PSW=Zx8vQ2mL4pR7tK1w\n",
                "FROM a AS build\nARG SECRET_KEY\nFROM b\n",
                "FROM a\nENV ENCRYPTION_KEY=Zx8vQ2mL4pR7tK1wHq\n",
                "FROM a\nARG SIGNING_KEY\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG801",
            &[
                "FROM a\nARG GPG_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4\n",
                "FROM a\nENV PASSWORD_FILE=/run/secrets/pw\n",
                "FROM a\nENV NODE_VERSION=20.1.0\n",
                "FROM a\nENV TOKEN_URL=https://auth.example.com/token\n",
                "FROM a\nENV KEYCLOAK_VERSION=24.0\n",
                "FROM a\nENV PUBLIC_KEY=abc\n",
                "FROM a\nARG PASSWORD_LENGTH=16\n",
                "FROM a\nENV DB_USER=app\n",
                "FROM a\nENV POSTGRES_PASSWORD=\n",
                "FROM a\nENV GH_TOKEN=${GH_TOKEN}\n",
                "FROM a\nENV API_TOKEN=changeme\n",
                "FROM a\nENV DefaultProcess__Filters__0__Key=ProcessId\n",
                "FROM a\nENV CACHE_KEY=build-cache\n",
            ],
        );
    }

    #[test]
    fn value_is_masked_and_help_names_the_mount() {
        let d = check("SG801", "FROM a\nENV DB_PASSWORD=s3cr3tP4ssw0rdXqZ\n");
        assert!(
            !d[0].message.contains("s3cr3tP4ssw0rdXqZ"),
            "{}",
            d[0].message
        );
        let d = check("SG801", "FROM a\nARG NPM_TOKEN\n");
        assert!(
            d[0].help
                .as_deref()
                .unwrap_or("")
                .contains("--mount=type=secret")
        );
    }

    #[test]
    fn accept_list_from_config() {
        let mut config =
            Config::from_toml("[rules.SG801]\nallow = [\"npm_*\"]\n", None).expect("config");
        config.select = Some(vec!["SG801"]);
        let src = "FROM a\nARG NPM_TOKEN\nARG GITHUB_TOKEN\n";
        let d = lint("Dockerfile", src, &config, Options::default());
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("GITHUB_TOKEN"));
    }
}
