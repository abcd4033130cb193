//! Secret detection (provider tokens, private keys, credentials in URLs, password assignments) and masking.
//!
//! This crate is shared by the Dockerfile rules (SG801 secret-in-arg-env, SG802
//! secret-file-copied, SG803 secret-value-hardcoded), the build-context check SG511 and
//! the image checks (SI004–SI006). It knows nothing about Dockerfiles or images: it reads
//! text, names and paths.
//!
//! # Entry points
//! - [`scan`]: every secret value in a text, as [`Finding`]s (a [`Kind`], the byte span of
//!   the value, a [`Confidence`]).
//! - [`mask`] / [`mask_in`]: hide a secret (or every finding of a text) so it can be shown
//!   in a message, an `original` string or a history line.
//! - [`secret_file_kind`] / [`scan_file_content`]: is a file a secret by its name, and does
//!   its content hold one.
//! - [`secret_like_name`], [`value_is_plainly_public`] and [`arg_env_is_secret`]: the
//!   ARG/ENV decision of SG801.
//!
//! # How `scan` works, and why it is fast
//! One Aho-Corasick automaton (ASCII case-insensitive) looks for short *anchors*: provider
//! prefixes (`ghp_`, `AKIA`, `xoxb-`, `-----BEGIN `, `eyJ` …), `://`, and the words that
//! name a secret (`pass`, `pwd`, `secret`, `token`, `key`, `auth` …). Text with no anchor
//! is skipped at prefilter speed. Each anchor runs one small verifier on the bytes around it
//! (a few regexes, anchored on a bounded window, the rest hand-written byte checks); no
//! verifier looks further than its line or a bounded window, except private key blocks
//! (up to 64 KiB to their END line).
//!
//! # Thresholds (generic assignments and URL passwords)
//! Provider formats (GitHub, GitLab, Slack, Stripe, npm, PyPI, AWS ids, Google keys, private
//! key blocks, JWTs, Azure keys) are recognised by shape alone: their prefix and length are
//! distinctive enough. A value is only dropped there when it is plainly a placeholder
//! (`EXAMPLE`, `xxxx`, `your…`, one repeated character, an `abcdef…`/`123456…` run).
//!
//! Values found next to a secret *name* (`PASSWORD=…`, `"token": "…"`, `--api-key …`,
//! `mysql -p…`) carry no shape, so they are judged by [`entropy`]:
//! - dropped if they are a variable reference (`$X`, `${X}`, `$(…)`, `%X%`, `$env:X`,
//!   `{{ … }}`, `<% … %>`, `#{…}`), a placeholder (see [`is_placeholder`]), a value that is
//!   plainly something else (boolean, number, version, path, URL without credentials), a
//!   command-line flag, a code expression (`os.getenv(…)`, `config.password`), or a phrase
//!   (two spaces or more);
//! - dropped if shorter than **8** characters: short values (`root`, `admin`, `1234`) are
//!   default/dummy passwords far more often than secrets, and SG801 already reports the
//!   *name* when one is hardcoded in ARG/ENV;
//! - dropped if the Shannon entropy is below **2.5 bits/char** (8–11 chars) or **3.0
//!   bits/char** (12 chars or more). An 8-character string cannot exceed 3.0 bits/char, and
//!   an 8-character password with one repeated character has 2.75, hence the lower bar for
//!   short values; English words and `aaaabbbb`-style fillers fall below;
//! - reported with [`Confidence::High`] when at least **16** characters long, with at least
//!   **3.5 bits/char**, mixing at least two of lower-case, upper-case and digits (random
//!   base64/hex/alphanumeric keys of that length sit at 3.5–4.5 bits/char; natural-language
//!   passphrases around 3.0–3.4; `budget_app_dev_local`-style word runs have one class),
//!   otherwise [`Confidence::Medium`].
//! - a base64 value that decodes to a placeholder (`cGFzc3dvcmQ=`, Kubernetes manifests) is
//!   dropped; a base64 `user:password` under an `auth`/`_auth` key is [`Kind::BasicAuth`].
//!
//! URL credentials (`scheme://user:password@host`) are dropped when the password is empty, a
//! variable reference, a placeholder, or equal to the user name (`guest:guest`,
//! `build:build`: well-known defaults, not secrets); they are [`Confidence::Medium`] when the
//! host is local or an example domain (`localhost`, `127.0.0.1`, `*.example.com`, `*.local`,
//! `*.test`, a bare single-label host such as `db`) or the password is short (< 8) or of low
//! entropy, and [`Confidence::High`] otherwise.
//!
//! # Known gaps
//! - Passphrases with two spaces or more, values shorter than 8 characters, and values
//!   containing `(`, `[` or a `$` followed by a letter are never reported as assignments
//!   (too many false alarms); SG801 still reports the *name* when they sit in ARG/ENV.
//! - Secrets split across lines, built by concatenation or encoded (other than a base64
//!   `user:pass` under `auth`) are not found.
//! - Provider formats not listed in [`Kind`] (OpenAI/Anthropic `sk-…`, Twilio, SendGrid,
//!   Hugging Face, DigitalOcean, Heroku, Docker Hub PATs, `age` keys …) are only found when
//!   assigned to a secret-looking name.
//! - `curl -u user:pass`, `.pgpass` lines and `htpasswd` hashes are not read as secrets.
//! - `&`/`|` end a bare value only as shell operators; `;` always ends it, so
//!   `ENV K=ab;cd` reports `ab` (and masks only that part).
//! - GitHub token checksums are not verified, so a well-formed fake token is reported.
#![warn(clippy::print_stdout, clippy::print_stderr)]
#![warn(missing_docs)]

mod assign;
mod base64;
pub mod entropy;
mod files;
mod mask;
mod names;
mod placeholder;
mod providers;
mod scan;

pub use files::{BINARY_SNIFF, FileKind, scan_file_content, secret_file_kind};
pub use mask::{MASK, mask, mask_in};
pub use names::{arg_env_is_secret, secret_like_name, value_is_plainly_public};
pub use placeholder::{is_placeholder, is_variable_reference};
pub use scan::scan;

use std::fmt;
use std::ops::Range;

/// What a [`Finding`] is.
///
/// Kinds are ordered roughly from the most specific (a provider format) to the most generic
/// (a value next to a secret-looking name); [`Kind::is_generic`] tells the two groups apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// AWS access key id: `AKIA…` (long-term), `ASIA…` (temporary), `ABIA…`, `ACCA…`,
    /// followed by 16 upper-case letters or digits.
    AwsAccessKeyId,
    /// AWS secret access key: 40 base64 characters, only when assigned to an
    /// `aws_secret_access_key`-like name or found within 256 bytes of an access key id.
    AwsSecretAccessKey,
    /// GitHub token: `ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` + 36 or more alphanumerics, or a
    /// fine-grained `github_pat_…`.
    GithubToken,
    /// GitLab token: `glpat-`, `glptt-`, `gldt-`, `glrt-` + 20 or more characters.
    GitlabToken,
    /// Slack token: `xoxa-`, `xoxb-`, `xoxp-`, `xoxr-` + at least 20 characters.
    SlackToken,
    /// Slack incoming webhook: the secret path of `hooks.slack.com/services/T…/B…/…`.
    SlackWebhook,
    /// Stripe live secret or restricted key: `sk_live_…`, `rk_live_…` (never `sk_test_`).
    StripeLiveKey,
    /// npm access token: `npm_` + 36 alphanumerics.
    NpmToken,
    /// PyPI API token: `pypi-AgEIcHlwaS5vcmc…` (a macaroon for pypi.org).
    PypiToken,
    /// Google API key: `AIza` + 35 characters. [`Confidence::Medium`]: many are meant to be
    /// embedded in client apps and are restricted by referrer.
    GoogleApiKey,
    /// A private key inside a GCP service-account JSON (`"private_key": "-----BEGIN …`).
    GcpServiceAccountKey,
    /// Azure storage account key or shared access key in a connection string
    /// (`AccountKey=…`, `SharedAccessKey=…`).
    AzureStorageKey,
    /// Azure shared access signature: the `sig=` value of a SAS URL or token.
    AzureSasSignature,
    /// A private key block: `-----BEGIN [RSA |EC |DSA |OPENSSH |ENCRYPTED ]PRIVATE KEY-----`
    /// or `-----BEGIN PGP PRIVATE KEY BLOCK-----` with a body.
    PrivateKey,
    /// A JSON Web Token: three base64url parts, the header decoding to JSON with `alg`, the
    /// payload to a JSON object, a signature of 16+ characters (unsigned tokens are not
    /// credentials). [`Confidence::Medium`]: often short-lived or sample tokens. Tokens whose
    /// payload says `"role":"anon"` (Supabase anon keys, public by design) are dropped.
    Jwt,
    /// The password of a `scheme://user:password@host` URL.
    UrlCredentials,
    /// A base64 `user:password` pair under an `auth`/`_auth` key (`.docker/config.json`,
    /// `.npmrc`).
    BasicAuth,
    /// The credential of an `Authorization: Bearer|Basic|token …` header.
    AuthHeader,
    /// A value assigned to a password/secret/token/API-key name (`PASSWORD=…`,
    /// `"password": "…"`, `--password …`, `mysql -p…`), judged by entropy.
    SecretAssignment,
}

impl Kind {
    /// A stable kebab-case identifier, for JSON output and configuration.
    pub fn id(self) -> &'static str {
        match self {
            Kind::AwsAccessKeyId => "aws-access-key-id",
            Kind::AwsSecretAccessKey => "aws-secret-access-key",
            Kind::GithubToken => "github-token",
            Kind::GitlabToken => "gitlab-token",
            Kind::SlackToken => "slack-token",
            Kind::SlackWebhook => "slack-webhook",
            Kind::StripeLiveKey => "stripe-live-key",
            Kind::NpmToken => "npm-token",
            Kind::PypiToken => "pypi-token",
            Kind::GoogleApiKey => "google-api-key",
            Kind::GcpServiceAccountKey => "gcp-service-account-key",
            Kind::AzureStorageKey => "azure-storage-key",
            Kind::AzureSasSignature => "azure-sas-signature",
            Kind::PrivateKey => "private-key",
            Kind::Jwt => "jwt",
            Kind::UrlCredentials => "url-credentials",
            Kind::BasicAuth => "basic-auth",
            Kind::AuthHeader => "auth-header",
            Kind::SecretAssignment => "secret-assignment",
        }
    }

    /// A short human description, for diagnostics ("a GitHub token").
    pub fn description(self) -> &'static str {
        match self {
            Kind::AwsAccessKeyId => "an AWS access key id",
            Kind::AwsSecretAccessKey => "an AWS secret access key",
            Kind::GithubToken => "a GitHub token",
            Kind::GitlabToken => "a GitLab token",
            Kind::SlackToken => "a Slack token",
            Kind::SlackWebhook => "a Slack webhook URL",
            Kind::StripeLiveKey => "a Stripe live secret key",
            Kind::NpmToken => "an npm access token",
            Kind::PypiToken => "a PyPI API token",
            Kind::GoogleApiKey => "a Google API key",
            Kind::GcpServiceAccountKey => "a GCP service-account private key",
            Kind::AzureStorageKey => "an Azure storage/shared access key",
            Kind::AzureSasSignature => "an Azure SAS signature",
            Kind::PrivateKey => "a private key",
            Kind::Jwt => "a JSON Web Token",
            Kind::UrlCredentials => "a password in a URL",
            Kind::BasicAuth => "a base64 user:password pair",
            Kind::AuthHeader => "an Authorization header credential",
            Kind::SecretAssignment => "a hardcoded password, secret or token",
        }
    }

    /// `true` for kinds found by context rather than by a provider format
    /// ([`Kind::SecretAssignment`], [`Kind::UrlCredentials`], [`Kind::AuthHeader`]). When a
    /// generic and a specific finding overlap, [`scan`] keeps the specific one.
    pub fn is_generic(self) -> bool {
        matches!(
            self,
            Kind::SecretAssignment | Kind::UrlCredentials | Kind::AuthHeader
        )
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How sure a [`Finding`] is. `Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    /// Plausible: a generic value of moderate entropy, a local URL, a JWT, a Google API key,
    /// a key block without its END line.
    Medium,
    /// A provider format, a complete private key block, or a long random-looking value next
    /// to a secret name.
    High,
}

impl Confidence {
    /// `"high"` or `"medium"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::High => "high",
            Confidence::Medium => "medium",
        }
    }
}

/// One secret found by [`scan`] or [`scan_file_content`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Finding {
    /// What the secret is.
    pub kind: Kind,
    /// Byte range of the secret *value* in the scanned text (for a URL, the password only;
    /// for an assignment, the value without its quotes; for a key block, the whole block).
    /// Always on `char` boundaries.
    pub span: Range<usize>,
    /// How sure the finding is.
    pub confidence: Confidence,
}

impl Finding {
    /// The secret value in `text` (the text that was scanned).
    ///
    /// Returns `""` if the span does not fit `text`.
    pub fn value<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.span.clone()).unwrap_or("")
    }
}
