//! Command-line arguments (clap derive; each doc comment is the help text).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// seguro: secure container images, from the first line of the Dockerfile to the
/// published image.
#[derive(Debug, Parser)]
#[command(name = "seguro", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (exit 0: nothing at or above the failure threshold, 1: findings,
    /// 2: usage, I/O or configuration error).
    Lint(Box<LintArgs>),
    /// Print the parse of one Dockerfile as JSON (exit 1 when BuildKit would refuse it).
    Dump {
        /// The Dockerfile (`-` reads standard input).
        file: PathBuf,
        /// Print BuildKit's s-expression dump instead of JSON.
        #[arg(long)]
        sexpr: bool,
    },
    /// Print the documentation of one rule (by code, name or alias such as DL3008).
    Rule {
        /// A rule code (`SG202`), name (`sudo`) or alias (`DL3004`).
        rule: String,
    },
    /// Show what the build context sends (files, size, heaviest folders, secrets found)
    /// and what each COPY/ADD takes from it (exit 1 on findings at or above the failure
    /// threshold).
    Context(Box<ContextArgs>),
    /// Check a built image: a `docker save` tarball, an OCI layout directory or an
    /// oci-archive tarball (exit 0: nothing at or above the failure threshold, 1:
    /// findings, 2: the image cannot be read, usage or configuration error).
    Image(Box<ImageArgs>),
    /// List every rule.
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Write the rule documentation (`README.md` and one `<CODE>.md` per rule) to DIR
        /// instead of listing.
        #[arg(long, value_name = "DIR")]
        write_docs: Option<PathBuf>,
    },
    /// Write a cosign-compatible key pair: P.key (encrypted with the password from
    /// SEGURO_PASSWORD, else COSIGN_PASSWORD, else a prompt) and P.pub.
    Keygen {
        /// Write P.key and P.pub.
        #[arg(long, value_name = "P", default_value = "cosign")]
        output_key_prefix: PathBuf,
        /// Overwrite existing key files.
        #[arg(long)]
        force: bool,
    },
    /// Sign an image (an OCI layout `DIR`, `DIR:TAG`, `DIR@sha256:…`, or a registry
    /// reference) with a cosign key; the signature is stored beside it as cosign does.
    Sign {
        /// The encrypted private key (cosign's or seguro's `.key`).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The repository written into the payload (`critical.identity.docker-reference`;
        /// default: the registry repository, or the layout entry's full reference).
        #[arg(long, value_name = "REPOSITORY")]
        sign_container_identity: Option<String>,
        /// A registry reached over plain HTTP (`HOST[:PORT]`; loopback registries always
        /// are). Only for registry references.
        #[arg(long, value_name = "HOST[:PORT]")]
        insecure_registry: Vec<String>,
        /// The image.
        image: String,
    },
    /// Verify an image's cosign signature with a public key (exit 0: a valid signature by
    /// that key covers the image; 1: no signature, bad signature, digest mismatch or other
    /// key; 2: usage or I/O error).
    Verify {
        /// The public key (PEM).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// A registry reached over plain HTTP (`HOST[:PORT]`; loopback registries always
        /// are). Only for registry references.
        #[arg(long, value_name = "HOST[:PORT]")]
        insecure_registry: Vec<String>,
        /// The image.
        image: String,
    },
    /// Check an image where it is published: versioned tag, signature, OCI labels, who can
    /// pull it, HTTPS, tag drift (rules SR001-SR006; exit 1 on findings of warning or
    /// worse, 2 when the registry cannot be read). Credentials: SEGURO_REGISTRY_USERNAME and
    /// SEGURO_REGISTRY_PASSWORD, else Docker's config.json and credential helpers.
    PublishCheck(Box<PublishCheckArgs>),
}

/// `seguro rules` output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

/// Report formats of `seguro lint`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Code frames for people.
    Human,
    /// One JSON object (the contract in design/cli-contract.md).
    Json,
    /// SARIF 2.1.0 (GitHub code scanning and other viewers).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`).
    Github,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML: one test suite per file, one test case per finding.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

/// A severity as given on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Error,
    Warning,
    Info,
    Style,
    /// Never fail.
    Off,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Dockerfiles or directories to search (default: the current directory; `-` reads
    /// standard input).
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, env = "SEGURO_FORMAT", default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Use this configuration file (seguro.toml or .hadolint.yaml) for every file.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    #[command(flatten)]
    pub selection: Selection,

    /// The stage that is built (`docker build --target`); default: the last.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// The build context (default: each Dockerfile's directory).
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// The file name to report (and to find the configuration from) when reading `-`.
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply the safe fixes, rewriting the files.
    #[arg(long, overrides_with = "no_fix")]
    pub fix: bool,

    /// Do not apply fixes (the default).
    #[arg(long, overrides_with = "fix", hide = true)]
    pub no_fix: bool,

    /// Also apply unsafe fixes (with --fix or --diff).
    #[arg(long, overrides_with = "no_unsafe_fixes")]
    pub unsafe_fixes: bool,

    /// Do not apply unsafe fixes (the default).
    #[arg(long, overrides_with = "unsafe_fixes", hide = true)]
    pub no_unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change, write nothing (exit 1 when there
    /// would be changes).
    #[arg(long, conflicts_with = "fix")]
    pub diff: bool,

    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,

    /// Report pragmas (`# seguro: ignore=…`, `# hadolint ignore=…`, …) that suppress
    /// nothing.
    #[arg(long)]
    pub report_unused_pragmas: bool,
}

/// Output formats of `seguro context`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ContextFormat {
    /// A summary for people.
    Human,
    /// One JSON object (the contract in design/cli-contract.md).
    Json,
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    /// The build context directory (default: the current directory).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// The Dockerfile (default: DIR/Dockerfile; `-` reads standard input). Its own
    /// `<Dockerfile>.dockerignore` wins over DIR/.dockerignore, as in BuildKit.
    #[arg(short = 'f', long = "file", value_name = "DOCKERFILE")]
    pub file: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = ContextFormat::Human)]
    pub format: ContextFormat,

    /// Print a .dockerignore that keeps out version control, secrets, dependencies,
    /// build outputs, logs and editor files, without excluding what the Dockerfile
    /// copies (the current ignore file's lines come first).
    #[arg(long)]
    pub suggest_dockerignore: bool,

    /// The stage that is built (`docker build --target`); default: the last.
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// Use this configuration file (seguro.toml or .hadolint.yaml).
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,
}

/// Who should be able to pull a repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VisibilityArg {
    Private,
    Public,
}

#[derive(Debug, Args)]
pub struct PublishCheckArgs {
    /// The published image (`ghcr.io/acme/app:v1.4.2`, `…@sha256:…`).
    pub reference: String,
    /// Verify the signature with this public key (PEM); without it, only the presence of
    /// a signature tag is checked.
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Whether anonymous pulls must be refused (private) or must work (public).
    #[arg(long, value_enum, value_name = "VISIBILITY")]
    pub expect_visibility: Option<VisibilityArg>,
    /// The digest the tag must still resolve to (`sha256:…`).
    #[arg(long, value_name = "DIGEST")]
    pub expect_digest: Option<String>,
    /// Reach this registry (`HOST[:PORT]`) over plain HTTP; loopback registries always are.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub insecure_registry: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, env = "SEGURO_FORMAT", default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image: a `docker save` tarball (gzip too), an OCI layout directory, an
    /// oci-archive tarball, `-` for a tarball on standard input, or a registry reference
    /// (`ghcr.io/acme/app:1.0`; credentials from the environment or
    /// `~/.docker/config.json`).
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// Output format.
    #[arg(long, value_enum, env = "SEGURO_FORMAT", default_value_t = Format::Human)]
    pub format: Format,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// The platform to check in a multi-platform image (`os/arch[/variant]`, e.g.
    /// `linux/arm64`); default: the only one, else linux/amd64.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Option<String>,
    /// A registry reached over plain HTTP (`HOST[:PORT]`; loopback registries always
    /// are). Only for registry references.
    #[arg(long, value_name = "HOST[:PORT]")]
    pub insecure_registry: Vec<String>,

    /// Use this configuration file (seguro.toml or .hadolint.yaml); default: the one
    /// found from the current directory upwards.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    #[command(flatten)]
    pub selection: Selection,

    /// Print the number of findings per rule instead of each finding.
    #[arg(long)]
    pub statistics: bool,
}

/// Which rules run and which findings fail the run (`lint` and `image`).
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// Run only these rules (codes, names, prefixes like SG3 or SI0, aliases like DL3008
    /// or CIS-DI-0001).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Also run these rules, on top of the selection.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Fail (exit 1) on findings of this severity or worse (default: warning; `off`:
    /// never).
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,
}
