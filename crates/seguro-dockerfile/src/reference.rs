//! Docker image references: registry host[:port], path, tag, digest, normalisation.
//!
//! Behaves like `github.com/distribution/reference` v0.6, the package Docker and BuildKit
//! use, with digests checked like `github.com/opencontainers/go-digest` v1.0.0 with the
//! sha256, sha384 and sha512 algorithms registered. The grammar:
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] path
//! domain     := host [ ":" port ]                 port := [0-9]+
//! host       := label ( "." label )* | "[" [0-9A-Fa-f:]+ "]"
//! label      := [A-Za-z0-9] | [A-Za-z0-9] [A-Za-z0-9-]* [A-Za-z0-9]
//! path       := component ( "/" component )*      at most 255 bytes
//! component  := [a-z0-9]+ ( separator [a-z0-9]+ )*
//! separator  := "." | "_" | "__" | "-"+
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest     := algorithm ":" [0-9A-Fa-f]{32,}
//! algorithm  := word ( [-_+.] word )*             word := [A-Za-z] [A-Za-z0-9]*
//! ```
//!
//! Familiar names are what users type (`ubuntu`, `user/app`); normalised names carry the
//! registry (`docker.io/library/ubuntu`, `docker.io/user/app`). A first path component is a
//! registry host when it is `localhost`, contains `.` or `:`, or has an uppercase letter.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// How many [`ImageRef::parse_normalized`] results each thread remembers.
const RECENT_REFERENCES: usize = 8;
/// Longer strings are not remembered (references are short; this bounds the memory).
const RECENT_MAX_LEN: usize = 256;

/// A string given to [`ImageRef::parse_normalized`] and what it made of it.
type Remembered = (Box<str>, Result<ImageRef, RefError>);

thread_local! {
    /// The last [`RECENT_REFERENCES`] strings given to [`ImageRef::parse_normalized`] and
    /// what it made of them, oldest first. The rules that lint one file read its base images
    /// over and over, so most calls repeat a recent one; the result only depends on the
    /// string.
    static RECENT: RefCell<VecDeque<Remembered>> = const { RefCell::new(VecDeque::new()) };
}

/// Registry host of Docker Hub in normalised references.
pub const DEFAULT_DOMAIN: &str = "docker.io";
/// Older host name of Docker Hub; normalised to [`DEFAULT_DOMAIN`].
pub const LEGACY_DEFAULT_DOMAIN: &str = "index.docker.io";
/// Namespace of Docker Hub's official images: `ubuntu` is `docker.io/library/ubuntu`.
pub const OFFICIAL_REPO_PREFIX: &str = "library/";
/// Tag a reference gets when it names neither tag nor digest.
pub const DEFAULT_TAG: &str = "latest";
/// Longest path (the name without its domain), in bytes.
pub const PATH_MAX_LEN: usize = 255;

const LOCALHOST: &str = "localhost";
const TAG_MAX_LEN: usize = 128;
const IDENTIFIER_LEN: usize = 64;
const DIGEST_HEX_MIN_LEN: usize = 32;

/// Why a string is not an image reference. Messages are upstream's, word for word.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RefError {
    /// The string does not fit the reference grammar.
    Format,
    /// The string is empty (only [`ImageRef::parse_unnormalized`] says so; the normalising
    /// parsers report [`RefError::Format`], as upstream does).
    NameEmpty,
    /// The path is longer than [`PATH_MAX_LEN`] bytes.
    NameTooLong,
    /// The repository name has uppercase letters. `name` is the offending part when the
    /// normalising parser found it, `None` when the grammar check did.
    NameContainsUppercase { name: Option<String> },
    /// [`ImageRef::parse`] was given something other than the full normalised form.
    NameNotCanonical,
    /// A 64-hex-digit string is an image ID, never a repository name.
    NameIsIdentifier { name: String },
    /// [`ImageRef::with_tag`] was given a bad tag.
    TagInvalid,
    /// [`ImageRef::with_digest`] was given a string that does not fit the digest grammar.
    DigestInvalid,
    /// The digest's encoded part is not lowercase hex, or its algorithm is malformed.
    ChecksumFormat,
    /// The digest's encoded part has the wrong length for its algorithm.
    ChecksumLength,
    /// The digest's algorithm is well formed but not sha256, sha384 or sha512.
    DigestUnsupported,
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RefError::Format => f.write_str("invalid reference format"),
            RefError::NameEmpty => f.write_str("repository name must have at least one component"),
            RefError::NameTooLong => write!(
                f,
                "repository name must not be more than {PATH_MAX_LEN} characters"
            ),
            RefError::NameContainsUppercase { name: None } => {
                f.write_str("repository name must be lowercase")
            }
            RefError::NameContainsUppercase { name: Some(name) } => write!(
                f,
                "invalid reference format: repository name ({name}) must be lowercase"
            ),
            RefError::NameNotCanonical => f.write_str("repository name must be canonical"),
            RefError::NameIsIdentifier { name } => write!(
                f,
                "invalid repository name ({name}), cannot specify 64-byte hexadecimal strings"
            ),
            RefError::TagInvalid => f.write_str("invalid tag format"),
            RefError::DigestInvalid => f.write_str("invalid digest format"),
            RefError::ChecksumFormat => f.write_str("invalid checksum digest format"),
            RefError::ChecksumLength => f.write_str("invalid checksum digest length"),
            RefError::DigestUnsupported => f.write_str("unsupported digest algorithm"),
        }
    }
}

impl std::error::Error for RefError {}

/// A named image reference: `domain/path[:tag][@digest]`.
///
/// After [`ImageRef::parse_normalized`] the domain is a registry host (`docker.io` for Docker
/// Hub). It is empty only for references read by [`ImageRef::parse_unnormalized`] or
/// [`ImageRef::from_name`] without a host, and in one upstream corner: a first component that
/// looks like a host but is not a valid one, while the whole is a valid path
/// (`foo_bar.com/app` has domain `""` and path `foo_bar.com/app`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ImageRef {
    pub domain: String,
    pub path: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Parses a familiar or full reference and normalises it, like `ParseNormalizedNamed`:
    /// `ubuntu` becomes `docker.io/library/ubuntu`, `user/app` `docker.io/user/app`,
    /// `index.docker.io/x` `docker.io/library/x`. A 64-hex-digit string is refused.
    pub fn parse_normalized(s: &str) -> Result<ImageRef, RefError> {
        if s.len() > RECENT_MAX_LEN {
            return Self::normalize(s);
        }
        let known = RECENT.with_borrow(|recent| {
            let (_, parsed) = recent.iter().rev().find(|(text, _)| **text == *s)?;
            Some(parsed.clone())
        });
        if let Some(parsed) = known {
            return parsed;
        }
        let parsed = Self::normalize(s);
        RECENT.with_borrow_mut(|recent| {
            if recent.len() == RECENT_REFERENCES {
                recent.pop_front();
            }
            recent.push_back((s.into(), parsed.clone()));
        });
        parsed
    }

    /// [`ImageRef::parse_normalized`] without the memory of recent results.
    fn normalize(s: &str) -> Result<ImageRef, RefError> {
        if is_identifier(s) {
            return Err(RefError::NameIsIdentifier { name: s.to_owned() });
        }
        let (domain, namespace, rest) = split_docker_domain(s);
        // The remainder is `namespace` + `rest`; the namespace has no ':' and no uppercase.
        let remote = find_byte(b':', rest.as_bytes()).map_or(rest, |colon| &rest[..colon]);
        if has_uppercase(remote) {
            return Err(RefError::NameContainsUppercase {
                name: Some([namespace, remote].concat()),
            });
        }
        let mut full = String::with_capacity(domain.len() + 1 + namespace.len() + rest.len());
        for piece in [domain, "/", namespace, rest] {
            full.push_str(piece);
        }
        Self::parse_unnormalized(&full)
    }

    /// Parses a reference that must already be in full normalised form, like `ParseNamed`:
    /// `docker.io/library/ubuntu:22.04` is accepted, `ubuntu:22.04` is
    /// [`RefError::NameNotCanonical`].
    pub fn parse(s: &str) -> Result<ImageRef, RefError> {
        let reference = Self::parse_normalized(s)?;
        if reference.to_string() != s {
            return Err(RefError::NameNotCanonical);
        }
        Ok(reference)
    }

    /// Checks the grammar only, like upstream's `Parse`: no Docker Hub defaults, and the first
    /// component is the domain whenever it can be one (`a/b` has domain `a`), else the domain
    /// is empty (`ubuntu` has domain `""`).
    pub fn parse_unnormalized(s: &str) -> Result<ImageRef, RefError> {
        if s.is_empty() {
            return Err(RefError::NameEmpty);
        }
        let Some(parts) = split_reference(s) else {
            let fits_lowercased = has_uppercase(s) && split_reference(&to_lower(s)).is_some();
            return Err(if fits_lowercased {
                RefError::NameContainsUppercase { name: None }
            } else {
                RefError::Format
            });
        };
        if parts.path.len() > PATH_MAX_LEN {
            return Err(RefError::NameTooLong);
        }
        if let Some(digest) = parts.digest {
            validate_digest(digest)?;
        }
        Ok(ImageRef {
            domain: parts.domain.to_owned(),
            path: parts.path.to_owned(),
            tag: parts.tag.map(str::to_owned),
            digest: parts.digest.map(str::to_owned),
        })
    }

    /// Parses a name without tag or digest, like `WithName`; no Docker Hub defaults.
    pub fn from_name(name: &str) -> Result<ImageRef, RefError> {
        let (domain, path) = split_name(name).ok_or(RefError::Format)?;
        if path.len() > PATH_MAX_LEN {
            return Err(RefError::NameTooLong);
        }
        Ok(ImageRef {
            domain: domain.to_owned(),
            path: path.to_owned(),
            tag: None,
            digest: None,
        })
    }

    /// Normalises like `ParseDockerRef`: a reference with a digest loses its tag, one with
    /// neither gets `latest`.
    pub fn parse_docker_ref(s: &str) -> Result<ImageRef, RefError> {
        let mut reference = Self::parse_normalized(s)?;
        if reference.digest.is_some() {
            reference.tag = None;
            return Ok(reference);
        }
        Ok(reference.with_default_tag())
    }

    /// `domain/path`, or the path alone when the domain is empty.
    pub fn name(&self) -> String {
        if self.domain.is_empty() {
            return self.path.clone();
        }
        format!("{}/{}", self.domain, self.path)
    }

    /// The name as users write it, like `FamiliarName`: Docker Hub's domain is dropped, and
    /// `library/` too when one component follows it (`ubuntu`, `user/app`, `ghcr.io/x/y`).
    pub fn familiar_name(&self) -> String {
        if self.domain != DEFAULT_DOMAIN {
            return self.name();
        }
        match self.path.strip_prefix(OFFICIAL_REPO_PREFIX) {
            Some(official) if !official.contains('/') => official.to_owned(),
            _ => self.path.clone(),
        }
    }

    /// The familiar name with `:tag` and `@digest`, like `FamiliarString`.
    pub fn familiar_string(&self) -> String {
        format!("{}{}", self.familiar_name(), self.suffix())
    }

    /// Whether the image is on Docker Hub.
    pub fn is_docker_hub(&self) -> bool {
        self.domain == DEFAULT_DOMAIN
    }

    /// Whether the image is one of Docker Hub's official images (`docker.io/library/<name>`).
    pub fn is_official_image(&self) -> bool {
        self.is_docker_hub()
            && self
                .path
                .strip_prefix(OFFICIAL_REPO_PREFIX)
                .is_some_and(|official| !official.contains('/'))
    }

    /// The last path component: `app` for `ghcr.io/acme/app:1`.
    pub fn repository(&self) -> &str {
        self.path
            .rsplit_once('/')
            .map_or(&self.path, |(_, last)| last)
    }

    /// Whether the reference has neither tag nor digest, like `IsNameOnly`.
    pub fn is_name_only(&self) -> bool {
        self.tag.is_none() && self.digest.is_none()
    }

    /// Adds the `latest` tag when there is neither tag nor digest, like `TagNameOnly`.
    pub fn with_default_tag(&self) -> ImageRef {
        let mut reference = self.clone();
        if reference.is_name_only() {
            reference.tag = Some(DEFAULT_TAG.to_owned());
        }
        reference
    }

    /// Replaces the tag, keeping any digest, like `WithTag`.
    pub fn with_tag(&self, tag: &str) -> Result<ImageRef, RefError> {
        if !is_valid_tag(tag) {
            return Err(RefError::TagInvalid);
        }
        Ok(ImageRef {
            tag: Some(tag.to_owned()),
            ..self.clone()
        })
    }

    /// Replaces the digest, keeping any tag, like `WithDigest`: the digest must fit the
    /// grammar; its algorithm and length are not checked.
    pub fn with_digest(&self, digest: &str) -> Result<ImageRef, RefError> {
        if !is_digest_syntax(digest) {
            return Err(RefError::DigestInvalid);
        }
        Ok(ImageRef {
            digest: Some(digest.to_owned()),
            ..self.clone()
        })
    }

    /// The name alone, without tag or digest, like `TrimNamed`.
    pub fn name_only(&self) -> ImageRef {
        ImageRef {
            tag: None,
            digest: None,
            ..self.clone()
        }
    }

    fn suffix(&self) -> String {
        let mut suffix = String::new();
        if let Some(tag) = &self.tag {
            suffix.push(':');
            suffix.push_str(tag);
        }
        if let Some(digest) = &self.digest {
            suffix.push('@');
            suffix.push_str(digest);
        }
        suffix
    }
}

impl fmt::Display for ImageRef {
    /// The full reference: `docker.io/library/ubuntu:22.04@sha256:…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.name(), self.suffix())
    }
}

impl FromStr for ImageRef {
    type Err = RefError;

    /// Same as [`ImageRef::parse_normalized`].
    fn from_str(s: &str) -> Result<ImageRef, RefError> {
        ImageRef::parse_normalized(s)
    }
}

/// What [`parse_any_reference`] finds: an image ID or digest, or a named reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum AnyRef {
    /// `algorithm:hex`; a bare 64-hex-digit ID becomes `sha256:<id>`.
    Digest(String),
    /// A normalised named reference.
    Named(ImageRef),
}

impl fmt::Display for AnyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AnyRef::Digest(digest) => f.write_str(digest),
            AnyRef::Named(reference) => reference.fmt(f),
        }
    }
}

/// Parses an image ID, a digest or a familiar name, like `ParseAnyReference`.
pub fn parse_any_reference(s: &str) -> Result<AnyRef, RefError> {
    if is_identifier(s) {
        return Ok(AnyRef::Digest(format!("sha256:{s}")));
    }
    if validate_digest(s).is_ok() {
        return Ok(AnyRef::Digest(s.to_owned()));
    }
    ImageRef::parse_normalized(s).map(AnyRef::Named)
}

/// Whether `s` is a 64-hex-digit image ID (lowercase), which is never taken as a name.
pub fn is_identifier(s: &str) -> bool {
    s.len() == IDENTIFIER_LEN && s.bytes().all(is_lower_hex)
}

/// Whether `s` is a valid tag: a word character, then up to 127 word characters, `.` or `-`.
pub fn is_valid_tag(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(|&first| is_word(first))
        && bytes.len() <= TAG_MAX_LEN
        && bytes.iter().all(|&b| has_class(b, TAG))
}

/// Whether `s` is a registry host with an optional port: DNS-like labels, IPv4 in decimal
/// or a bracketed IPv6 address (no zone), as upstream's `DomainRegexp`.
pub fn is_valid_domain(s: &str) -> bool {
    let (host, port) = split_port(s);
    port.is_none_or(is_port) && (is_ipv6_literal(host) || is_domain_name(host))
}

/// Checks a digest like go-digest's `Parse`: sha256, sha384 and sha512 are known and need
/// exactly 64, 96 or 128 lowercase hex digits; other well-formed algorithms are unsupported.
pub fn validate_digest(s: &str) -> Result<(), RefError> {
    let Some((algorithm, encoded)) = s.split_once(':') else {
        return Err(RefError::ChecksumFormat);
    };
    if algorithm.is_empty() || encoded.is_empty() {
        return Err(RefError::ChecksumFormat);
    }
    let Some(hex_len) = registered_hex_len(algorithm) else {
        return Err(if is_plausible_digest(algorithm, encoded) {
            RefError::DigestUnsupported
        } else {
            RefError::ChecksumFormat
        });
    };
    if encoded.len() != hex_len {
        return Err(RefError::ChecksumLength);
    }
    if !encoded.bytes().all(is_lower_hex) {
        return Err(RefError::ChecksumFormat);
    }
    Ok(())
}

/// Whether `image` comes from the registry, and path, that `pattern` names; for
/// trusted-registry policies.
///
/// A pattern is `host[/path]`, trimmed; an empty one matches nothing.
/// - `host` is compared with the image's domain ignoring ASCII case, port included:
///   `registry.example.com:5000` matches only that port, `registry.example.com` only
///   references without a port. `index.docker.io` counts as `docker.io`.
/// - `*.example.com` matches hosts below `example.com` at any depth (`a.example.com`,
///   `a.b.example.com`), not `example.com` itself. `*` alone matches every host.
/// - A bare host matches every image of that host: `docker.io` matches every normalised Docker
///   Hub image, official ones included (`ubuntu` is `docker.io/library/ubuntu`). `host/*` is
///   the same as a bare host.
/// - `host/path/*` (or `host/path/`) matches images below `path` at any depth, not `path`
///   itself: `ghcr.io/acme/*` matches `ghcr.io/acme/app` and `ghcr.io/acme/team/app`, not
///   `ghcr.io/acme-evil/app`.
/// - `host/path` matches that one repository. On Docker Hub a one-component path is read like a
///   reference, so `docker.io/ubuntu` matches `docker.io/library/ubuntu`.
/// - Tags and digests of the image play no part; `*` anywhere else is a literal character.
pub fn split_registry_glob_match(pattern: &str, image: &ImageRef) -> bool {
    let pattern = pattern.trim();
    let (host_pattern, path_pattern) = match pattern.split_once('/') {
        Some((host, path)) => (host, Some(path)),
        None => (pattern, None),
    };
    if !host_matches(host_pattern, &image.domain) {
        return false;
    }
    let Some(path_pattern) = path_pattern else {
        return true;
    };
    if path_pattern.is_empty() || path_pattern == "*" {
        return true;
    }
    if let Some(prefix) = path_pattern
        .strip_suffix("/*")
        .or_else(|| path_pattern.strip_suffix('/'))
    {
        return image
            .path
            .strip_prefix(prefix)
            .is_some_and(|below| below.starts_with('/'));
    }
    let on_hub = canonical_host(host_pattern).eq_ignore_ascii_case(DEFAULT_DOMAIN);
    let official = on_hub && !path_pattern.contains('/');
    image.path == path_pattern
        || official
            && image
                .path
                .strip_prefix(OFFICIAL_REPO_PREFIX)
                .is_some_and(|name| name == path_pattern)
}

/// The pieces of a reference that fits the grammar, borrowed from the input.
struct Parts<'a> {
    domain: &'a str,
    path: &'a str,
    tag: Option<&'a str>,
    digest: Option<&'a str>,
}

/// Splits `s` by the grammar, or `None` when it does not fit.
fn split_reference(s: &str) -> Option<Parts<'_>> {
    // One pass finds the first '@' and, before it, the first and last '/' and the last ':'.
    let (mut at, mut first_slash, mut last_slash, mut last_colon) = (None, None, None, None);
    for (i, &b) in s.as_bytes().iter().enumerate() {
        match b {
            b'@' => {
                at = Some(i);
                break;
            }
            b'/' => {
                first_slash = first_slash.or(Some(i));
                last_slash = Some(i);
            }
            b':' => last_colon = Some(i),
            _ => {}
        }
    }
    // Neither name nor tag holds '@': the digest is all that follows the first one.
    let (rest, digest) = match at {
        Some(at) => (&s[..at], Some(&s[at + 1..])),
        None => (s, None),
    };
    // A ':' in the name belongs to the domain, which a '/' always follows, and a tag holds
    // neither ':' nor '/': so the tag is what follows the last ':' when no '/' does.
    let (name, tag) = match last_colon {
        Some(colon) if last_slash.is_none_or(|slash| slash < colon) => {
            (&rest[..colon], Some(&rest[colon + 1..]))
        }
        _ => (rest, None),
    };
    if !tag.is_none_or(is_valid_tag) || !digest.is_none_or(is_digest_syntax) {
        return None;
    }
    // With a tag every '/' comes before its ':', so the first '/' is in the name.
    let (domain, path) = split_name_at(name, first_slash)?;
    Some(Parts {
        domain,
        path,
        tag,
        digest,
    })
}

/// Splits a name into domain and path. The first component is the domain whenever it can be
/// one and the rest is a valid path; otherwise the whole name must be a path.
fn split_name(name: &str) -> Option<(&str, &str)> {
    split_name_at(name, find_byte(b'/', name.as_bytes()))
}

/// [`split_name`] with the position of the first '/' in `name` already known.
fn split_name_at(name: &str, first_slash: Option<usize>) -> Option<(&str, &str)> {
    if let Some(slash) = first_slash {
        let (domain, path) = (&name[..slash], &name[slash + 1..]);
        if is_valid_domain(domain) && is_path(path) {
            return Some((domain, path));
        }
    }
    is_path(name).then_some(("", name))
}

/// Splits a familiar name into registry and remainder the way Docker does, adding Docker
/// Hub's domain and `library/` namespace where they are implied. The remainder is returned
/// as the implied namespace (`library/` or nothing) and the rest of `s`, so that the caller
/// can assemble the full name with one allocation.
fn split_docker_domain(s: &str) -> (&str, &'static str, &str) {
    let Some(slash) = find_byte(b'/', s.as_bytes()) else {
        return (DEFAULT_DOMAIN, OFFICIAL_REPO_PREFIX, s);
    };
    let (first, rest) = (&s[..slash], &s[slash + 1..]);
    let (domain, remainder) = if first == LOCALHOST {
        (first, rest)
    } else if first == LEGACY_DEFAULT_DOMAIN {
        (DEFAULT_DOMAIN, rest)
    } else if first.bytes().any(|b| b == b'.' || b == b':') || has_uppercase(first) {
        (first, rest)
    } else {
        (DEFAULT_DOMAIN, s)
    };
    if domain == DEFAULT_DOMAIN && find_byte(b'/', remainder.as_bytes()).is_none() {
        return (domain, OFFICIAL_REPO_PREFIX, remainder);
    }
    (domain, "", remainder)
}

/// Splits `host[:port]`; an IPv6 literal's colons stay in the host.
fn split_port(s: &str) -> (&str, Option<&str>) {
    let bytes = s.as_bytes();
    let host_end = if bytes.first() == Some(&b'[') {
        find_byte(b']', bytes).unwrap_or(s.len())
    } else {
        0
    };
    match find_byte(b':', &bytes[host_end..]) {
        Some(colon) => (&s[..host_end + colon], Some(&s[host_end + colon + 1..])),
        None => (s, None),
    }
}

fn is_port(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_ipv6_literal(s: &str) -> bool {
    s.strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|address| {
            !address.is_empty() && address.bytes().all(|b| b.is_ascii_hexdigit() || b == b':')
        })
}

/// Dot-separated DNS-like labels: alphanumerics, with hyphens only inside a label.
fn is_domain_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut at = 0;
    loop {
        // A label: an alphanumeric, then alphanumerics and hyphens, not ending in a hyphen.
        if !bytes.get(at).is_some_and(|&b| has_class(b, ALNUM)) {
            return false;
        }
        at += 1;
        while bytes
            .get(at)
            .is_some_and(|&b| has_class(b, ALNUM) || b == b'-')
        {
            at += 1;
        }
        if bytes[at - 1] == b'-' {
            return false;
        }
        match bytes.get(at) {
            None => return true,
            Some(b'.') => at += 1,
            Some(_) => return false,
        }
    }
}

/// Slash-separated components, each lowercase alphanumeric runs joined by one separator
/// each: `.`, `_`, `__` or any number of `-`.
fn is_path(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut at = 0;
    loop {
        let run_start = at;
        while bytes.get(at).is_some_and(|&b| has_class(b, LOWER_ALNUM)) {
            at += 1;
        }
        if at == run_start {
            return false;
        }
        match bytes.get(at) {
            None => return true,
            // The next component, or the rest of this one after a separator: either way
            // an alphanumeric run must follow.
            Some(b'/' | b'.') => at += 1,
            Some(b'_') => {
                at += if bytes.get(at + 1) == Some(&b'_') {
                    2
                } else {
                    1
                }
            }
            Some(b'-') => {
                while bytes.get(at) == Some(&b'-') {
                    at += 1;
                }
            }
            Some(_) => return false,
        }
    }
}

/// The digest grammar: an algorithm of letter-led words joined by `-_+.`, then 32 or more hex digits.
fn is_digest_syntax(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    algorithm.split(['-', '_', '+', '.']).all(is_algorithm_word)
        && hex.len() >= DIGEST_HEX_MIN_LEN
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_algorithm_word(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.iter().all(u8::is_ascii_alphanumeric)
}

/// go-digest's looser shape for digests of algorithms it does not know: lowercase
/// alphanumeric words joined by `.+_-`, then URL-safe base64 characters.
fn is_plausible_digest(algorithm: &str, encoded: &str) -> bool {
    algorithm
        .split(['.', '+', '_', '-'])
        .all(|word| !word.is_empty() && word.bytes().all(is_lower_alnum))
        && encoded
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'=' | b'_' | b'-'))
}

fn registered_hex_len(algorithm: &str) -> Option<usize> {
    match algorithm {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    }
}

fn canonical_host(host: &str) -> &str {
    if host.eq_ignore_ascii_case(LEGACY_DEFAULT_DOMAIN) {
        DEFAULT_DOMAIN
    } else {
        host
    }
}

fn host_matches(pattern: &str, domain: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let (pattern_host, pattern_port) = split_port(canonical_host(pattern));
    let (host, port) = split_port(canonical_host(domain));
    if pattern_host.is_empty() || pattern_port != port {
        return false;
    }
    let Some(suffix) = pattern_host.strip_prefix("*.") else {
        return pattern_host.eq_ignore_ascii_case(host);
    };
    let (host, suffix) = (host.as_bytes(), suffix.as_bytes());
    host.len() > suffix.len() + 1
        && host[host.len() - suffix.len() - 1] == b'.'
        && host[host.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
}

/// Whether lower-casing changes `s`, judged rune by rune as Go's `strings.ToLower` does.
fn has_uppercase(s: &str) -> bool {
    let bytes = s.as_bytes();
    match bytes.iter().position(|&b| has_class(b, UPPER_OR_NON_ASCII)) {
        None => false,
        Some(at) if bytes[at].is_ascii() => true,
        // Everything before is ASCII, so `at` starts a character.
        Some(at) => s[at..].chars().any(|c| to_lower_char(c) != c),
    }
}

/// Index of the first `needle` in `haystack`. References are short: a plain loop beats
/// setting up a vectorised search.
fn find_byte(needle: u8, haystack: &[u8]) -> Option<usize> {
    haystack.iter().position(|&b| b == needle)
}

fn to_lower(s: &str) -> String {
    s.chars().map(to_lower_char).collect()
}

/// Go's simple lowercase mapping: one character for one; U+0130 is the one character whose
/// full mapping (Rust's) is longer.
fn to_lower_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{130}' {
        return 'i';
    }
    c.to_lowercase().next().unwrap_or(c)
}

fn is_word(b: u8) -> bool {
    has_class(b, WORD)
}

fn is_lower_alnum(b: u8) -> bool {
    has_class(b, LOWER_ALNUM)
}

/// `[a-z0-9]`
const LOWER_ALNUM: u8 = 1;
/// `[A-Za-z0-9]`
const ALNUM: u8 = 2;
/// `[A-Za-z0-9_]`
const WORD: u8 = 4;
/// `[A-Za-z0-9_.-]`
const TAG: u8 = 8;
/// `[A-Z]` and every byte of a non-ASCII character.
const UPPER_OR_NON_ASCII: u8 = 16;

/// The classes of every byte, one bit each, so that the grammar checks take one lookup
/// per byte.
static CLASSES: [u8; 256] = {
    let mut classes = [0u8; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        let mut class = 0;
        if b.is_ascii_lowercase() || b.is_ascii_digit() {
            class |= LOWER_ALNUM;
        }
        if b.is_ascii_alphanumeric() {
            class |= ALNUM | WORD | TAG;
        }
        if b == b'_' {
            class |= WORD | TAG;
        }
        if b == b'.' || b == b'-' {
            class |= TAG;
        }
        if b.is_ascii_uppercase() || !b.is_ascii() {
            class |= UPPER_OR_NON_ASCII;
        }
        classes[byte] = class;
        byte += 1;
    }
    classes
};

fn has_class(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}

fn is_lower_hex(b: u8) -> bool {
    b.is_ascii_digit() || (b'a'..=b'f').contains(&b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_classes_match_their_definitions() {
        for b in 0..=u8::MAX {
            let lower_alnum = b.is_ascii_lowercase() || b.is_ascii_digit();
            assert_eq!(has_class(b, LOWER_ALNUM), lower_alnum, "{b:#x}");
            assert_eq!(has_class(b, ALNUM), b.is_ascii_alphanumeric(), "{b:#x}");
            let word = b.is_ascii_alphanumeric() || b == b'_';
            assert_eq!(has_class(b, WORD), word, "{b:#x}");
            assert_eq!(has_class(b, TAG), word || b == b'.' || b == b'-', "{b:#x}");
            let upper = b.is_ascii_uppercase() || !b.is_ascii();
            assert_eq!(has_class(b, UPPER_OR_NON_ASCII), upper, "{b:#x}");
        }
    }

    #[test]
    fn remembered_results_are_the_computed_ones() {
        let inputs = [
            "ubuntu:22.04",
            "Foo/bar",
            "ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "",
            "İ/x",
            "localhost:5000/a/b:c",
        ];
        // More inputs than are remembered, twice over, so that hits and evictions both occur.
        for _ in 0..2 {
            for (n, input) in inputs
                .iter()
                .cycle()
                .take(3 * RECENT_REFERENCES)
                .enumerate()
            {
                let input = format!("{input}{}", if n % 2 == 0 { "" } else { "x" });
                assert_eq!(
                    ImageRef::parse_normalized(&input),
                    ImageRef::normalize(&input),
                    "{input}"
                );
            }
        }
        let long = "a/".repeat(RECENT_MAX_LEN) + "b";
        assert_eq!(
            ImageRef::parse_normalized(&long),
            ImageRef::normalize(&long)
        );
    }
}
