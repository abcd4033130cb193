//! SG803: a secret value (token, private key, password) written in the Dockerfile.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::Span;
use seguro_secrets::{mask, scan};

declare_rule! {
    /// ## What it does
    /// Reads the whole Dockerfile, heredocs and comments included, for secret values:
    /// provider tokens (GitHub, GitLab, Slack, Stripe live keys, npm, PyPI, AWS access
    /// keys and secret keys, Google API keys), private key blocks
    /// (`-----BEGIN … PRIVATE KEY-----`), JSON Web Tokens, passwords in URLs
    /// (`https://user:pass@host`), `Authorization:` headers, and values assigned to
    /// password/secret/token names (`PASSWORD=…`, `--password …`, `mysql -p…`) that look
    /// random enough to be real. The value is masked in the message.
    ///
    /// Not reported: variable references (`$TOKEN`, `${PASS}`), placeholders (`changeme`,
    /// `xxxx`, `<your-token>`, `EXAMPLE`), short or low-entropy values (`root`, `admin`),
    /// and URL credentials equal to the user name (`guest:guest`).
    ///
    /// ## Why it matters
    /// A Dockerfile lives in version control and its instructions are copied into the
    /// image history: a secret written there is exposed to everyone with access to either,
    /// for as long as the secret is valid. It has to be revoked, not just deleted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM alpine:3.20
    /// RUN wget -qO /tmp/app.tgz "https://deploy:Wq8zR2vLx4TmN7pK@artifacts.example.com/app-1.0.tgz"
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # syntax=docker/dockerfile:1
    /// FROM alpine:3.20
    /// RUN --mount=type=secret,id=netrc,target=/root/.netrc \
    ///     wget -qO /tmp/app.tgz https://artifacts.example.com/app-1.0.tgz
    /// ```
    ///
    /// ## Fix
    /// None: revoke the secret, then pass it with `--mount=type=secret`.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-798 (hard-coded credentials), CWE-259; chapter 3.1.8.
    pub struct SecretValueHardcoded {
        code: "SG803",
        name: "secret-value-hardcoded",
        severity: Error,
        section: "3.1.8",
        aliases: [],
        fixable: None,
    }
}

impl Check for SecretValueHardcoded {
    fn run(&self, cx: &mut Checker<'_>) {
        let src = cx.src;
        let found: Vec<(Span, String)> = scan(src)
            .into_iter()
            .map(|f| {
                let value = f.value(src);
                let shown = mask(value.lines().next().unwrap_or(value));
                (
                    Span::new(f.span.start, f.span.end),
                    format!(
                        "{} in the Dockerfile: `{shown}`",
                        capitalized(f.kind.description())
                    ),
                )
            })
            .collect();
        for (span, message) in found {
            cx.report(span, message).set_help(
                "revoke it, then pass it at build time with `RUN --mount=type=secret` (never \
                 in the Dockerfile, ARG or ENV)",
            );
        }
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG803",
            &[
                "FROM a\nENV GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n",
                "FROM a\nRUN curl -H 'Authorization: token ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5' https://api.github.com\n",
                "FROM a\nRUN git clone https://deploy:Wq8zR2vLx4TmN7pK@git.example.com/x.git\n",
                "FROM a\nRUN <<EOF\ncat > /root/.ssh/id_ed25519 <<K\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBexampleexampleexampleexampleexampleexampleAAAAJgAAAAA=\n-----END OPENSSH PRIVATE KEY-----\nK\nEOF\n",
                "FROM a\nENV AWS_ACCESS_KEY_ID=AKIAZ7VRSQ5TQJ3PDQ4M\n",
                "# token: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\nFROM a\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG803",
            &[
                "FROM a\nARG GITHUB_TOKEN\nRUN git clone https://${GITHUB_TOKEN}@github.com/x/y\n",
                "FROM a\nENV POSTGRES_PASSWORD=postgres\n",
                "FROM a\nRUN echo 'password: changeme'\n",
                "FROM a\nRUN curl -u \"$USER:$PASS\" https://x\n",
                "FROM a\nENV GPG_KEY=B42F6819007F00F88E364FD4036A9C25BF357DD4\n",
                "FROM a\nRUN echo \"$SHA256  f\" | sha256sum -c -\n",
                "FROM a\nENV RABBITMQ_URL=amqp://guest:guest@localhost:5672/\n",
            ],
        );
    }

    #[test]
    fn message_masks_the_value() {
        let d = check(
            "SG803",
            "FROM a\nENV GITHUB_TOKEN=ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\n",
        );
        assert!(d[0].message.contains("ghp_****"), "{}", d[0].message);
        assert!(!d[0].message.contains("aB3dE5"), "{}", d[0].message);
    }
}
