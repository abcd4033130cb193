//! SI005: a secret in the image history (build arguments of a RUN, ENV/ARG steps,
//! values written in a command).

use crate::check::ImageChecker;
use crate::rules::Check;
use crate::rules::history::{Step, step};
use crate::rules::si004_secret_in_env::secret_assignment;

declare_image_rule! {
    /// ## What it does
    /// Reads every `history[].created_by` and reports the secrets written there.
    ///
    /// It looks at:
    /// - build arguments a RUN used, which BuildKit and the legacy builder record in
    ///   clear (`RUN |2 TOKEN=abc OTHER=x /bin/sh -c …`);
    /// - `ENV`/`ARG` steps (`ENV API_KEY=…`, `/bin/sh -c #(nop)  ENV …`);
    /// - credentials written in any step's text (a token in a `curl -H`, a password in a
    ///   URL).
    ///
    /// Names and values are judged as in SI004 (`GPG_KEY` fingerprints and `*_FILE`
    /// paths are not secrets); values are masked in every report.
    ///
    /// ## Why it matters
    /// `docker history --no-trunc` shows these lines to anyone who can pull the image.
    /// `--build-arg` is not a way to pass secrets: the value of every build argument a RUN
    /// sees is stored in the history (docker/cli#2473). BuildKit secret mounts
    /// (`RUN --mount=type=secret`) leave no trace.
    ///
    /// ## Example
    /// ```text
    /// layer RUN |1 NPM_TOKEN=npm_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8Ua /bin/sh -c npm ci # buildkit
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c npm ci # buildkit
    /// history ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D
    /// ```
    ///
    /// ## Fix
    /// None: use `RUN --mount=type=secret,id=npm_token …` in the Dockerfile, rebuild, and
    /// rotate the exposed value.
    ///
    /// ## Aliases
    /// CIS-DI-0010
    ///
    /// ## References
    /// CWE-798, CWE-532; chapter 3.1.8.
    pub struct SecretInHistory {
        code: "SI005",
        name: "secret-in-history",
        severity: Error,
        section: "3.1.8",
        aliases: ["CIS-DI-0010"],
        fixable: None,
    }
}

impl Check for SecretInHistory {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found: Vec<(usize, String)> = Vec::new();
        for (i, h) in cx.image.config.history.iter().enumerate() {
            let mut shown = Vec::new();
            match step(&h.created_by) {
                Step::Run { args, .. } => {
                    for (name, value) in &args {
                        if let Some(s) = secret_assignment(name, value) {
                            shown.push(format!("build argument {s}"));
                        }
                    }
                }
                Step::Assign { instruction, pairs } => {
                    for (name, value) in &pairs {
                        if let Some(s) = secret_assignment(name, value) {
                            shown.push(format!("{instruction} {s}"));
                        }
                    }
                }
                _ => {}
            }
            if shown.is_empty() {
                // A credential written anywhere in the step (`curl -H "Authorization: …"`).
                let findings = seguro_secrets::scan(&h.created_by);
                if let Some(f) = findings.first() {
                    shown.push(format!(
                        "{} ({})",
                        f.kind.description(),
                        seguro_secrets::mask(f.value(&h.created_by))
                    ));
                }
            }
            for s in shown {
                found.push((i, s));
            }
        }
        for (i, shown) in found {
            let at = cx.at_history(i);
            cx.report(format!("secret in history step {i}: {shown}"), at)
                .set_help(
                    "pass secrets with `RUN --mount=type=secret` instead of --build-arg or \
                     ENV, rebuild, and rotate the exposed value",
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
            "SI005",
            &[
                &format!("layer RUN |2 TOKEN={TOKEN} OTHER=x /bin/sh -c make # buildkit"),
                "layer |1 DB_PASSWORD=Xk9mQ2vL7pR4wZ8t /bin/sh -c make",
                &format!("history ENV GITHUB_TOKEN={TOKEN}"),
                "history /bin/sh -c #(nop)  ENV API_SECRET=Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1",
                &format!(
                    "layer RUN /bin/sh -c curl -H \"Authorization: token {TOKEN}\" https://api.github.com # buildkit"
                ),
            ],
        );
    }

    #[test]
    fn masks_and_places() {
        let d = one(
            "SI005",
            &format!("history ENV A=1\nlayer RUN |1 TOKEN={TOKEN} /bin/sh -c make # buildkit"),
        );
        assert!(!d.message.contains(TOKEN));
        assert!(d.message.contains("TOKEN=ghp_****"), "{}", d.message);
        let loc = d.location.unwrap();
        assert_eq!(loc.history, Some(1));
        assert_eq!(loc.layer.unwrap().index, 0);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI005",
            &[
                "layer RUN |1 VERSION=1.2.3 /bin/sh -c make # buildkit",
                "history ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D",
                "history /bin/sh -c #(nop)  ENV PASSWORD_FILE=/run/secrets/pw",
                "history ARG TOKEN",
                "layer RUN /bin/sh -c --mount=type=secret,id=t cat /run/secrets/t # buildkit",
            ],
        );
    }
}
