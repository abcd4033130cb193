//! SI004: a secret in the image config's `Env`.

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Reads every `config.Env` entry (`NAME=VALUE`) and reports the ones holding a
    /// secret: a secret-looking name (`*_TOKEN`, `*PASSWORD*`, `*_SECRET`, `API_KEY` …)
    /// with a value that is not plainly public, or any value in which a known credential
    /// format is found (a GitHub token, an AWS key, a private key …), whatever the name.
    ///
    /// Names that conventionally hold public data are not secrets: `GPG_KEY` and
    /// `*_GPG_KEYS` (key fingerprints of the docker-library images), `*_FILE`/`*_PATH`
    /// (where a secret is mounted), and values that are checksums, versions, paths, URLs
    /// without credentials or placeholders. Values are masked in every report.
    ///
    /// dockle reads secrets only from the history text; the config's `Env` is what every
    /// container of the image gets, and what `docker inspect` shows to anyone who pulls it.
    ///
    /// ## Why it matters
    /// The config blob travels with the image: every registry user, every node that pulls
    /// it and every process in the container can read the value. Rotating it is the only
    /// remedy once published.
    ///
    /// ## Example
    /// ```text
    /// config Env=GITHUB_TOKEN=ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config Env=GITHUB_TOKEN_FILE=/run/secrets/github_token
    /// config Env=GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
    /// ```
    ///
    /// ## Fix
    /// None: remove the ENV, pass the secret at run time (a mounted secret file, the
    /// orchestrator's secret store) and rotate the exposed value.
    ///
    /// ## Aliases
    /// CIS-DI-0010
    ///
    /// ## References
    /// CWE-798, CWE-522; chapter 3.1.8.
    pub struct SecretInEnv {
        code: "SI004",
        name: "secret-in-env",
        severity: Error,
        section: "3.1.8",
        aliases: ["CIS-DI-0010"],
        fixable: None,
    }
}

/// What makes `NAME=VALUE` a secret, with the value masked, or `None`.
pub(crate) fn secret_assignment(name: &str, value: &str) -> Option<String> {
    let findings = seguro_secrets::scan(value);
    if let Some(f) = findings.iter().find(|f| !f.kind.is_generic()) {
        return Some(format!(
            "{name}={} ({})",
            seguro_secrets::mask_in(value, &findings),
            f.kind.description()
        ));
    }
    if seguro_secrets::arg_env_is_secret(name, Some(value)) {
        return Some(format!("{name}={}", seguro_secrets::mask(value)));
    }
    None
}

impl Check for SecretInEnv {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (i, entry) in cx.image.config.env.iter().enumerate() {
            let (name, value) = entry.split_once('=').unwrap_or((entry, ""));
            if let Some(shown) = secret_assignment(name, value) {
                found.push((i, shown));
            }
        }
        for (i, shown) in found {
            let at = cx.at_field(format!("config.Env[{i}]"));
            cx.report(format!("secret in the image environment: {shown}"), at)
                .set_help(
                    "remove it from the image (no ENV, no ARG), pass it at run time as a \
                     mounted secret, and rotate the exposed value",
                );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    const TOKEN: &str = "ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe";

    #[test]
    fn fires() {
        fire(
            "SI004",
            &[
                &format!("config Env=GITHUB_TOKEN={TOKEN}"),
                &format!("config Env=SOME_VALUE={TOKEN}"),
                "config Env=DB_PASSWORD=Xk9mQ2vL7pR4wZ8t",
                "config Env=AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYzq8Lm2Xv9R",
            ],
        );
    }

    #[test]
    fn masks_the_value_and_names_the_field() {
        let d = one(
            "SI004",
            &format!("config Env=PATH=/usr/bin\nconfig Env=GITHUB_TOKEN={TOKEN}"),
        );
        assert!(!d.message.contains(TOKEN), "{}", d.message);
        assert!(d.message.contains("ghp_****"), "{}", d.message);
        assert_eq!(d.location.unwrap().field.as_deref(), Some("config.Env[1]"));
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI004",
            &[
                "config Env=GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
                "config Env=PYTHON_GPG_KEYS=A035C8C19219BA821ECEA86B64E628F8D684696D 7169605F62C751356D054A26A821E680E5FA6305",
                "config Env=PASSWORD_FILE=/run/secrets/db",
                "config Env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "config Env=NODE_VERSION=20.11.1",
                "config Env=API_TOKEN=",
                "config Env=JAVA_HOME",
                "config Env=DB_PASSWORD=changeme",
            ],
        );
    }
}
