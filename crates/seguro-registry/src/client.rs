//! The HTTP side: one [`Client`] per repository, speaking the OCI distribution API over
//! HTTPS (plain HTTP only for loopback hosts and `--insecure-registry` entries), with
//! anonymous, Basic and Bearer-token authentication negotiated from `WWW-Authenticate`.
//!
//! Every manifest is read with a cap ([`MAX_MANIFEST_BYTES`]) and hashed: the digest of a
//! manifest is the SHA-256 of the bytes received, never only the `Docker-Content-Digest`
//! header. Blobs are streamed and checked against their digest at the end.

use crate::challenge::{self, Challenge};
use crate::credentials::{Credential, CredentialSource};
use crate::digest::{self, Sha256Reader};
use crate::error::{Error, parse_error_body, sanitize};
use base64::Engine as _;
use seguro_dockerfile::reference::{ImageRef, is_valid_tag};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::time::{Duration, Instant};
use ureq::Body;
use ureq::http::Response;

/// Largest manifest or index read (the distribution registry accepts 4 MiB).
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// Largest error, token or tag-list body read.
const MAX_SMALL_BODY: u64 = 1024 * 1024;
/// Pages of `tags/list` followed at most.
const MAX_TAG_PAGES: usize = 100;

pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";

/// The `Accept` header of every manifest request: without it some registries answer 404
/// or down-convert to an older schema.
pub const MANIFEST_ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
     application/vnd.oci.image.manifest.v1+json, \
     application/vnd.docker.distribution.manifest.list.v2+json, \
     application/vnd.docker.distribution.manifest.v2+json";

/// How to reach registries.
#[derive(Clone, Debug)]
pub struct Options {
    /// `HOST[:PORT]` entries reached over plain HTTP (loopback hosts always are). An entry
    /// without a port matches every port of that host.
    pub insecure_registries: Vec<String>,
    /// Where credentials come from ([`CredentialSource::none`] for anonymous access).
    pub credentials: CredentialSource,
    /// Overall time limit of one HTTP exchange.
    pub timeout: Duration,
}

impl Default for Options {
    /// Credentials from the environment and `~/.docker/config.json`, no insecure
    /// registries, 60-second exchanges.
    fn default() -> Options {
        Options {
            insecure_registries: Vec::new(),
            credentials: CredentialSource::from_env(),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Where a registry answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The registry as the reference names it (`docker.io`, `127.0.0.1:5000`).
    pub domain: String,
    /// The host (and port) the API is at (`registry-1.docker.io` for Docker Hub).
    pub host: String,
    /// Reached over plain HTTP.
    pub plain_http: bool,
    /// The host is this machine (`localhost`, 127.0.0.0/8, `::1`).
    pub loopback: bool,
}

impl Endpoint {
    /// The endpoint of a reference's registry.
    pub fn for_domain(domain: &str, insecure: &[String]) -> Result<Endpoint, Error> {
        if domain.is_empty() {
            return Err(Error::Usage("the reference names no registry".into()));
        }
        let host = match domain {
            "docker.io" | "index.docker.io" => "registry-1.docker.io".to_owned(),
            _ => domain.to_owned(),
        };
        let loopback = is_loopback(domain);
        let mut listed = false;
        for entry in insecure {
            listed |= insecure_entry_matches(entry, domain)?;
        }
        Ok(Endpoint {
            domain: domain.to_owned(),
            host,
            plain_http: loopback || listed,
            loopback,
        })
    }

    /// `https://host` or `http://host`.
    pub fn base_url(&self) -> String {
        let scheme = if self.plain_http { "http" } else { "https" };
        format!("{scheme}://{}", self.host)
    }
}

/// Splits `host[:port]` (IPv6 in brackets) and drops the brackets.
fn host_and_port(s: &str) -> (&str, Option<&str>) {
    if let Some(rest) = s.strip_prefix('[') {
        return match rest.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => (rest, None),
        };
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, Some(port)),
        _ => (s, None),
    }
}

/// Whether `host[:port]` names this machine.
pub fn is_loopback(domain: &str) -> bool {
    let (host, _) = host_and_port(domain);
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(v4)) => v4.is_loopback(),
        Ok(IpAddr::V6(v6)) => v6 == Ipv6Addr::LOCALHOST,
        Err(_) => false,
    }
}

fn insecure_entry_matches(entry: &str, domain: &str) -> Result<bool, Error> {
    let entry = entry.trim();
    if entry.is_empty() || entry.contains("://") || entry.contains('/') {
        return Err(Error::Usage(format!(
            "--insecure-registry `{entry}`: give HOST or HOST:PORT, without scheme or path"
        )));
    }
    let (entry_host, entry_port) = host_and_port(entry);
    let (host, port) = host_and_port(domain);
    Ok(entry_host.eq_ignore_ascii_case(host) && (entry_port.is_none() || entry_port == port))
}

/// A manifest or index as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Manifest {
    /// `sha256:<hex>` of `bytes`.
    pub digest: String,
    pub media_type: String,
    pub bytes: Vec<u8>,
}

/// What a HEAD request tells about a manifest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Descriptor {
    /// From `Docker-Content-Digest` (a HEAD has no body to hash).
    pub digest: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<u64>,
}

/// What `/v2/` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ping {
    /// 200 without credentials.
    Open,
    /// 401 with these challenges.
    AuthRequired(Vec<Challenge>),
}

/// Access a request needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Access {
    Pull,
    Push,
}

/// How the registry wants to be authenticated, learnt from its first 401.
#[derive(Clone, Debug)]
enum AuthMode {
    Unknown,
    Basic,
    Bearer { realm: String, service: String },
}

/// A request to send (kept so it can be sent again after authenticating).
pub(crate) struct Request<'a> {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<&'a [u8]>,
}

impl Request<'_> {
    /// A plain `GET` (no extra headers, no body).
    pub(crate) fn get(url: String) -> Self {
        Request {
            method: "GET",
            url,
            headers: Vec::new(),
            body: None,
        }
    }

    /// A plain `HEAD`.
    pub(crate) fn head(url: String) -> Self {
        Request {
            method: "HEAD",
            ..Request::get(url)
        }
    }
}

/// A client for one repository of one registry.
pub struct Client {
    agent: ureq::Agent,
    endpoint: Endpoint,
    repository: String,
    source: CredentialSource,
    /// The credential, looked up on the first 401 (`Some(None)`: there is none).
    credential: Option<Option<Credential>>,
    insecure: Vec<String>,
    mode: AuthMode,
    tokens: HashMap<Access, (String, Instant)>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.endpoint)
            .field("repository", &self.repository)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for the repository `reference` names (its tag and digest are ignored).
    pub fn new(reference: &ImageRef, options: &Options) -> Result<Client, Error> {
        let endpoint = Endpoint::for_domain(&reference.domain, &options.insecure_registries)?;
        if reference.path.is_empty() {
            return Err(Error::Usage(format!("`{reference}` names no repository")));
        }
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(options.timeout))
            .user_agent(concat!("seguro/", env!("CARGO_PKG_VERSION")))
            .max_redirects(10)
            .build()
            .new_agent();
        Ok(Client {
            agent,
            endpoint,
            repository: reference.path.clone(),
            source: options.credentials.clone(),
            credential: None,
            insecure: options.insecure_registries.clone(),
            mode: AuthMode::Unknown,
            tokens: HashMap::new(),
        })
    }

    /// Parses a reference (familiar or full) and makes a client for its repository.
    pub fn for_reference(reference: &str, options: &Options) -> Result<(Client, ImageRef), Error> {
        let parsed = parse_reference(reference)?;
        Ok((Client::new(&parsed, options)?, parsed))
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The repository path (`library/ubuntu`).
    pub fn repository(&self) -> &str {
        &self.repository
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/v2/{}/{tail}", self.endpoint.base_url(), self.repository)
    }

    /// `GET /v2/` without credentials.
    pub fn ping(&mut self) -> Result<Ping, Error> {
        let url = format!("{}/v2/", self.endpoint.base_url());
        let mut response = self.raw(&Request::get(url.clone()))?;
        match response.status().as_u16() {
            200 => Ok(Ping::Open),
            401 => Ok(Ping::AuthRequired(challenges(&response))),
            status => {
                let body = read_small(&mut response).unwrap_or_default();
                Err(Error::Status {
                    method: "GET",
                    url,
                    status,
                    codes: parse_error_body(&body),
                })
            }
        }
    }

    /// The manifest (or index) `reference` (a tag or a digest) points to, hashed.
    pub fn get_manifest(&mut self, reference: &str) -> Result<Manifest, Error> {
        let by_digest = check_tag_or_digest(reference)?;
        let url = self.url(&format!("manifests/{reference}"));
        let what = format!("manifest {}:{reference}", self.display_name());
        let mut response = self.send(
            &Request {
                method: "GET",
                url: url.clone(),
                headers: vec![("Accept", MANIFEST_ACCEPT.to_owned())],
                body: None,
            },
            Access::Pull,
        )?;
        if response.status().as_u16() != 200 {
            return Err(self.error_for("GET", &url, &what, &mut response));
        }
        let announced = header(&response, "docker-content-digest");
        let content_type = header(&response, "content-type");
        let bytes = read_capped(&mut response, MAX_MANIFEST_BYTES, &what)?;
        let digest = digest::sha256(&bytes);
        if by_digest && digest != reference {
            return Err(Error::DigestMismatch {
                what,
                expected: reference.to_owned(),
                actual: digest,
            });
        }
        if let Some(announced) = announced.filter(|a| a.starts_with("sha256:"))
            && announced != digest
        {
            return Err(Error::DigestMismatch {
                what: format!("{what} (Docker-Content-Digest)"),
                expected: announced,
                actual: digest,
            });
        }
        let media_type = manifest_media_type(content_type.as_deref(), &bytes, &what)?;
        Ok(Manifest {
            digest,
            media_type,
            bytes,
        })
    }

    /// `HEAD` of a manifest: `None` when it does not exist.
    pub fn head_manifest(&mut self, reference: &str) -> Result<Option<Descriptor>, Error> {
        check_tag_or_digest(reference)?;
        let url = self.url(&format!("manifests/{reference}"));
        let what = format!("manifest {}:{reference}", self.display_name());
        let mut response = self.send(
            &Request {
                method: "HEAD",
                url: url.clone(),
                headers: vec![("Accept", MANIFEST_ACCEPT.to_owned())],
                body: None,
            },
            Access::Pull,
        )?;
        match response.status().as_u16() {
            200 => Ok(Some(Descriptor {
                digest: header(&response, "docker-content-digest"),
                media_type: header(&response, "content-type"),
                size: header(&response, "content-length").and_then(|s| s.parse().ok()),
            })),
            404 => Ok(None),
            _ => Err(self.error_for("HEAD", &url, &what, &mut response)),
        }
    }

    /// The blob `digest` as a stream; reading it to the end fails unless the bytes hash
    /// to `digest`.
    pub fn get_blob(
        &mut self,
        digest: &str,
    ) -> Result<Sha256Reader<ureq::BodyReader<'static>>, Error> {
        digest::check_sha256(digest)?;
        let url = self.url(&format!("blobs/{digest}"));
        let what = format!("blob {digest} of {}", self.display_name());
        let mut response = self.send(&Request::get(url.clone()), Access::Pull)?;
        if response.status().as_u16() != 200 {
            return Err(self.error_for("GET", &url, &what, &mut response));
        }
        let size = header(&response, "content-length").and_then(|s| s.parse().ok());
        Ok(Sha256Reader::new(
            response.into_body().into_reader(),
            digest.to_owned(),
            size,
            what,
        ))
    }

    /// The blob `digest`, read whole (at most `max_bytes`) and checked.
    pub fn get_blob_bytes(&mut self, digest: &str, max_bytes: u64) -> Result<Vec<u8>, Error> {
        let mut reader = self.get_blob(digest)?;
        let what = reader.what().to_owned();
        if reader.announced_size().is_some_and(|size| size > max_bytes) {
            return Err(Error::TooLarge {
                what,
                limit: max_bytes,
            });
        }
        let mut out = Vec::new();
        use std::io::Read as _;
        (&mut reader)
            .take(max_bytes + 1)
            .read_to_end(&mut out)
            .map_err(|e| digest::io_error(e, &what))?;
        if out.len() as u64 > max_bytes {
            return Err(Error::TooLarge {
                what,
                limit: max_bytes,
            });
        }
        reader.finish()?;
        Ok(out)
    }

    /// Whether the blob exists in this repository.
    pub fn blob_exists(&mut self, digest: &str) -> Result<bool, Error> {
        digest::check_sha256(digest)?;
        let url = self.url(&format!("blobs/{digest}"));
        let what = format!("blob {digest} of {}", self.display_name());
        let mut response = self.send(&Request::head(url.clone()), Access::Pull)?;
        match response.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            _ => Err(self.error_for("HEAD", &url, &what, &mut response)),
        }
    }

    /// Uploads a blob in one request (`POST` then `PUT ?digest=`); returns its digest.
    /// Nothing is sent when the blob already exists.
    pub fn push_blob(&mut self, bytes: &[u8]) -> Result<String, Error> {
        self.push_blob_chunked(bytes, usize::MAX)
    }

    /// Uploads a blob in `PATCH` chunks of `chunk_size` bytes, then `PUT ?digest=`.
    pub fn push_blob_chunked(&mut self, bytes: &[u8], chunk_size: usize) -> Result<String, Error> {
        let digest = digest::sha256(bytes);
        if self.blob_exists_for_push(&digest)? {
            return Ok(digest);
        }
        let what = format!("upload of blob {digest} to {}", self.display_name());
        let start_url = self.url("blobs/uploads/");
        let mut response = self.send(
            &Request {
                method: "POST",
                url: start_url.clone(),
                headers: Vec::new(),
                body: Some(&[]),
            },
            Access::Push,
        )?;
        if response.status().as_u16() != 202 {
            return Err(self.error_for("POST", &start_url, &what, &mut response));
        }
        let mut location = self.location(&response, &what)?;
        let chunk_size = chunk_size.max(1);
        if chunk_size < bytes.len() {
            let mut offset = 0;
            for chunk in bytes.chunks(chunk_size) {
                let end = offset + chunk.len() - 1;
                let mut response = self.send(
                    &Request {
                        method: "PATCH",
                        url: location.clone(),
                        headers: vec![
                            ("Content-Type", "application/octet-stream".to_owned()),
                            ("Content-Range", format!("{offset}-{end}")),
                        ],
                        body: Some(chunk),
                    },
                    Access::Push,
                )?;
                if response.status().as_u16() != 202 {
                    return Err(self.error_for("PATCH", &location, &what, &mut response));
                }
                location = self.location(&response, &what)?;
                offset = end + 1;
            }
        }
        let separator = if location.contains('?') { '&' } else { '?' };
        let put_url = format!("{location}{separator}digest={digest}");
        let body: &[u8] = if chunk_size < bytes.len() { &[] } else { bytes };
        let mut response = self.send(
            &Request {
                method: "PUT",
                url: put_url.clone(),
                headers: vec![("Content-Type", "application/octet-stream".to_owned())],
                body: Some(body),
            },
            Access::Push,
        )?;
        if response.status().as_u16() != 201 {
            return Err(self.error_for("PUT", &put_url, &what, &mut response));
        }
        Ok(digest)
    }

    fn blob_exists_for_push(&mut self, digest: &str) -> Result<bool, Error> {
        let url = self.url(&format!("blobs/{digest}"));
        let response = self.send(
            &Request {
                method: "HEAD",
                url,
                headers: Vec::new(),
                body: None,
            },
            Access::Push,
        )?;
        Ok(response.status().as_u16() == 200)
    }

    /// Stores a manifest under `reference` (a tag, or its own digest); returns its digest.
    pub fn put_manifest(
        &mut self,
        reference: &str,
        media_type: &str,
        bytes: &[u8],
    ) -> Result<String, Error> {
        let by_digest = check_tag_or_digest(reference)?;
        let digest = digest::sha256(bytes);
        if by_digest && digest != reference {
            return Err(Error::DigestMismatch {
                what: "manifest to push".into(),
                expected: reference.to_owned(),
                actual: digest,
            });
        }
        if bytes.len() as u64 > MAX_MANIFEST_BYTES {
            return Err(Error::TooLarge {
                what: "manifest to push".into(),
                limit: MAX_MANIFEST_BYTES,
            });
        }
        let url = self.url(&format!("manifests/{reference}"));
        let what = format!("manifest {}:{reference}", self.display_name());
        let mut response = self.send(
            &Request {
                method: "PUT",
                url: url.clone(),
                headers: vec![("Content-Type", media_type.to_owned())],
                body: Some(bytes),
            },
            Access::Push,
        )?;
        if response.status().as_u16() != 201 {
            return Err(self.error_for("PUT", &url, &what, &mut response));
        }
        Ok(digest)
    }

    /// Every tag of the repository, following `Link` pagination.
    pub fn list_tags(&mut self) -> Result<Vec<String>, Error> {
        #[derive(serde::Deserialize)]
        struct TagList {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let what = format!("tag list of {}", self.display_name());
        let mut url = self.url("tags/list");
        let mut tags = Vec::new();
        for _ in 0..MAX_TAG_PAGES {
            let mut response = self.send(&Request::get(url.clone()), Access::Pull)?;
            if response.status().as_u16() != 200 {
                return Err(self.error_for("GET", &url, &what, &mut response));
            }
            let next = header(&response, "link").and_then(|link| next_link(&link));
            let body = read_capped(&mut response, MAX_SMALL_BODY, &what)?;
            let page: TagList =
                serde_json::from_slice(&body).map_err(|e| Error::malformed(&what, e))?;
            tags.extend(page.tags.unwrap_or_default());
            match next {
                Some(next) => url = self.resolve(&next),
                None => return Ok(tags),
            }
        }
        Ok(tags)
    }

    /// `registry/repository`, as users write it.
    pub fn display_name(&self) -> String {
        format!("{}/{}", self.endpoint.domain, self.repository)
    }

    /// An absolute URL for a `Location` or `Link` value (relative ones are on this host).
    fn resolve(&self, location: &str) -> String {
        if location.starts_with("http://") || location.starts_with("https://") {
            location.to_owned()
        } else if location.starts_with('/') {
            format!("{}{location}", self.endpoint.base_url())
        } else {
            format!("{}/{location}", self.endpoint.base_url())
        }
    }

    fn location(&self, response: &Response<Body>, what: &str) -> Result<String, Error> {
        header(response, "location")
            .map(|l| self.resolve(&l))
            .ok_or_else(|| Error::malformed(what, "upload answer without a Location header"))
    }

    /// An error for a response that is not the one expected.
    fn error_for(
        &self,
        method: &'static str,
        url: &str,
        what: &str,
        response: &mut Response<Body>,
    ) -> Error {
        let status = response.status().as_u16();
        let body = read_small(response).unwrap_or_default();
        let codes = parse_error_body(&body);
        match status {
            401 | 403 => Error::Unauthorized {
                url: url.to_owned(),
                status,
                with_credentials: matches!(self.credential, Some(Some(_))),
                codes,
            },
            404 => Error::NotFound {
                what: what.to_owned(),
                codes,
            },
            _ => Error::Status {
                method,
                url: url.to_owned(),
                status,
                codes,
            },
        }
    }

    /// Sends a request with the authorization known for `access`; on a 401, authenticates
    /// as the challenge asks (token, or Basic credentials) and sends it once more.
    pub(crate) fn send(
        &mut self,
        request: &Request<'_>,
        access: Access,
    ) -> Result<Response<Body>, Error> {
        let authorization = self.authorization(access);
        let response = self.raw_with(request, authorization.as_deref())?;
        if response.status().as_u16() != 401 {
            return Ok(response);
        }
        let challenges = challenges(&response);
        if let Some(bearer) = challenges.iter().find(|c| c.is("bearer")) {
            let realm = bearer.param("realm").unwrap_or_default().to_owned();
            let service = bearer.param("service").unwrap_or_default().to_owned();
            if realm.is_empty() {
                return Err(Error::malformed(
                    &request.url,
                    "Bearer challenge without a realm",
                ));
            }
            self.mode = AuthMode::Bearer { realm, service };
            let token = self.fetch_token(access)?;
            return self.raw_with(request, Some(&format!("Bearer {token}")));
        }
        if challenges.iter().any(|c| c.is("basic")) {
            self.mode = AuthMode::Basic;
            if let Some(Credential::Basic { username, password }) = self.credential()? {
                let header = basic_header(&username, &password);
                return self.raw_with(request, Some(&header));
            }
        }
        Ok(response)
    }

    /// The `Authorization` header for `access` from what is known, if any.
    fn authorization(&self, access: Access) -> Option<String> {
        match &self.mode {
            AuthMode::Unknown => None,
            AuthMode::Basic => match self.credential.as_ref()? {
                Some(Credential::Basic { username, password }) => {
                    Some(basic_header(username, password))
                }
                _ => None,
            },
            AuthMode::Bearer { .. } => {
                let candidates: &[Access] = match access {
                    Access::Pull => &[Access::Pull, Access::Push],
                    Access::Push => &[Access::Push],
                };
                candidates.iter().find_map(|a| {
                    self.tokens
                        .get(a)
                        .filter(|(_, expiry)| Instant::now() < *expiry)
                        .map(|(token, _)| format!("Bearer {token}"))
                })
            }
        }
    }

    fn credential(&mut self) -> Result<Option<Credential>, Error> {
        if self.credential.is_none() {
            self.credential = Some(self.source.lookup(&self.endpoint.domain)?);
        }
        Ok(self.credential.clone().flatten())
    }

    /// The scope string of `access` on this repository.
    pub(crate) fn scope(&self, access: Access) -> String {
        match access {
            Access::Pull => format!("repository:{}:pull", self.repository),
            Access::Push => format!("repository:{}:pull,push", self.repository),
        }
    }

    /// Gets (and caches) a token for `access` with the credential at hand.
    fn fetch_token(&mut self, access: Access) -> Result<String, Error> {
        let AuthMode::Bearer { realm, service } = self.mode.clone() else {
            return Err(Error::malformed(
                &self.endpoint.domain,
                "no token endpoint known",
            ));
        };
        let credential = self.credential()?;
        let scope = self.scope(access);
        let outcome = self.request_token(&realm, &service, &scope, credential.as_ref())?;
        let token = outcome.map_err(|(status, codes)| Error::Unauthorized {
            url: realm.clone(),
            status,
            with_credentials: credential.is_some(),
            codes,
        })?;
        let expiry = Instant::now() + token.lifetime;
        self.tokens.insert(access, (token.token.clone(), expiry));
        Ok(token.token)
    }

    /// Asks the token endpoint for a token (anonymously when `credential` is `None`).
    /// `Ok(Err((status, codes)))`: the endpoint refused (401/403).
    pub(crate) fn request_token(
        &self,
        realm: &str,
        service: &str,
        scope: &str,
        credential: Option<&Credential>,
    ) -> Result<Result<Token, (u16, Vec<crate::error::RegistryErrorCode>)>, Error> {
        let realm_host = realm
            .strip_prefix("https://")
            .or_else(|| realm.strip_prefix("http://"))
            .map(|rest| rest.split(['/', '?']).next().unwrap_or(rest));
        let Some(realm_host) = realm_host else {
            return Err(Error::malformed(
                &self.endpoint.domain,
                format!("token realm `{}` is not an http(s) URL", sanitize(realm)),
            ));
        };
        if credential.is_some()
            && realm.starts_with("http://")
            && !is_loopback(realm_host)
            && !self
                .insecure
                .iter()
                .any(|e| insecure_entry_matches(e, realm_host).unwrap_or(false))
        {
            return Err(Error::Credentials(format!(
                "refusing to send credentials to the plain-HTTP token endpoint {realm} \
                 (add --insecure-registry {realm_host} if that is intended)"
            )));
        }
        let mut query = Vec::new();
        if !service.is_empty() {
            query.push(("service", service));
        }
        query.push(("scope", scope));
        let what = format!("token from {realm}");
        let mut response = match credential {
            Some(Credential::IdentityToken { token, .. }) => {
                let mut form = query.clone();
                form.extend([
                    ("grant_type", "refresh_token"),
                    ("client_id", "seguro"),
                    ("refresh_token", token.as_str()),
                ]);
                let body = encode_query(&form);
                self.raw(&Request {
                    method: "POST",
                    url: realm.to_owned(),
                    headers: vec![(
                        "Content-Type",
                        "application/x-www-form-urlencoded".to_owned(),
                    )],
                    body: Some(body.as_bytes()),
                })?
            }
            _ => {
                let separator = if realm.contains('?') { '&' } else { '?' };
                let url = format!("{realm}{separator}{}", encode_query(&query));
                let authorization = match credential {
                    Some(Credential::Basic { username, password }) => {
                        Some(basic_header(username, password))
                    }
                    _ => None,
                };
                self.raw_with(
                    &Request {
                        method: "GET",
                        url,
                        headers: Vec::new(),
                        body: None,
                    },
                    authorization.as_deref(),
                )?
            }
        };
        let status = response.status().as_u16();
        if status == 401 || status == 403 {
            let body = read_small(&mut response).unwrap_or_default();
            return Ok(Err((status, parse_error_body(&body))));
        }
        if status != 200 {
            let body = read_small(&mut response).unwrap_or_default();
            return Err(Error::Status {
                method: "GET",
                url: realm.to_owned(),
                status,
                codes: parse_error_body(&body),
            });
        }
        let body = read_capped(&mut response, MAX_SMALL_BODY, &what)?;
        Token::parse(&body, &what).map(Ok)
    }

    /// Sends without any authorization.
    pub(crate) fn raw(&self, request: &Request<'_>) -> Result<Response<Body>, Error> {
        self.raw_with(request, None)
    }

    pub(crate) fn raw_with(
        &self,
        request: &Request<'_>,
        authorization: Option<&str>,
    ) -> Result<Response<Body>, Error> {
        fn dress<T>(
            mut builder: ureq::RequestBuilder<T>,
            request: &Request<'_>,
            authorization: Option<&str>,
            https_only: bool,
        ) -> ureq::RequestBuilder<T> {
            for (name, value) in &request.headers {
                builder = builder.header(*name, value);
            }
            if let Some(authorization) = authorization {
                builder = builder.header("Authorization", authorization);
            }
            if https_only {
                // No redirect may downgrade an HTTPS registry to plain HTTP.
                builder = builder.config().https_only(true).build();
            }
            builder
        }
        let https_only = !self.endpoint.plain_http;
        let url = request.url.as_str();
        let body = request.body.unwrap_or(&[]);
        let result = match request.method {
            "GET" => dress(self.agent.get(url), request, authorization, https_only).call(),
            "HEAD" => dress(self.agent.head(url), request, authorization, https_only).call(),
            "DELETE" => dress(self.agent.delete(url), request, authorization, https_only).call(),
            "POST" => dress(self.agent.post(url), request, authorization, https_only).send(body),
            "PUT" => dress(self.agent.put(url), request, authorization, https_only).send(body),
            "PATCH" => dress(self.agent.patch(url), request, authorization, https_only).send(body),
            other => return Err(Error::Usage(format!("unsupported HTTP method {other}"))),
        };
        result.map_err(|e| Error::Transport {
            url: request.url.clone(),
            message: transport_message(&e),
        })
    }
}

/// A bearer token and how long to use it.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub token: String,
    pub lifetime: Duration,
}

impl Token {
    /// `{"token": …}` or `{"access_token": …}`, with `expires_in` seconds (default 60).
    fn parse(body: &[u8], what: &str) -> Result<Token, Error> {
        #[derive(serde::Deserialize)]
        struct Answer {
            #[serde(default)]
            token: Option<String>,
            #[serde(default)]
            access_token: Option<String>,
            #[serde(default)]
            expires_in: Option<u64>,
        }
        let answer: Answer = serde_json::from_slice(body).map_err(|e| Error::malformed(what, e))?;
        let token = answer
            .token
            .filter(|t| !t.is_empty())
            .or(answer.access_token.filter(|t| !t.is_empty()))
            .ok_or_else(|| Error::malformed(what, "no `token` or `access_token` in the answer"))?;
        // Renew a little early; never trust a lifetime shorter than 10 s.
        let seconds = answer.expires_in.unwrap_or(60).clamp(10, 24 * 3600);
        Ok(Token {
            token,
            lifetime: Duration::from_secs(seconds - 5),
        })
    }
}

/// Parses a reference as users type it, for registry use: `docker.io` names get `library/`,
/// no tag and no digest mean `latest`.
pub fn parse_reference(reference: &str) -> Result<ImageRef, Error> {
    ImageRef::parse_normalized(reference.trim())
        .map_err(|e| Error::Usage(format!("`{reference}` is not an image reference: {e}")))
}

/// Checks a tag or digest before it goes into a URL; `true` for a digest.
fn check_tag_or_digest(reference: &str) -> Result<bool, Error> {
    if reference.contains(':') {
        digest::check_sha256(reference)?;
        return Ok(true);
    }
    if !is_valid_tag(reference) {
        return Err(Error::Usage(format!("`{reference}` is not a valid tag")));
    }
    Ok(false)
}

/// The media type of a manifest: the `Content-Type` when it is specific, else the body's
/// `mediaType`, else the shape of the body (older writers omit it).
fn manifest_media_type(
    content_type: Option<&str>,
    bytes: &[u8],
    what: &str,
) -> Result<String, Error> {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "mediaType", default)]
        media_type: Option<String>,
        #[serde(default)]
        manifests: Option<serde_json::Value>,
        #[serde(default)]
        layers: Option<serde_json::Value>,
    }
    let probe: Probe = serde_json::from_slice(bytes)
        .map_err(|e| Error::malformed(what, format!("the manifest is not a JSON object ({e})")))?;
    let content_type = content_type
        .map(|c| c.split(';').next().unwrap_or(c).trim().to_owned())
        .filter(|c| c.starts_with("application/vnd."));
    if let Some(media_type) = content_type.or(probe.media_type) {
        return Ok(media_type);
    }
    if probe.manifests.is_some() {
        return Ok(OCI_INDEX.to_owned());
    }
    if probe.layers.is_some() {
        return Ok(OCI_MANIFEST.to_owned());
    }
    Err(Error::malformed(
        what,
        "neither an image manifest nor an index",
    ))
}

pub(crate) fn challenges(response: &Response<Body>) -> Vec<Challenge> {
    challenge::parse_all(
        response
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok()),
    )
}

pub(crate) fn header(response: &Response<Body>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
}

fn basic_header(username: &str, password: &str) -> String {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {encoded}")
}

/// Reads a body of at most `limit` bytes; bigger is [`Error::TooLarge`].
pub(crate) fn read_capped(
    response: &mut Response<Body>,
    limit: u64,
    what: &str,
) -> Result<Vec<u8>, Error> {
    if header(response, "content-length")
        .and_then(|s| s.parse::<u64>().ok())
        .is_some_and(|len| len > limit)
    {
        return Err(Error::TooLarge {
            what: what.to_owned(),
            limit,
        });
    }
    response
        .body_mut()
        .with_config()
        .limit(limit)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Error::TooLarge {
                what: what.to_owned(),
                limit,
            },
            other => Error::Transport {
                url: what.to_owned(),
                message: transport_message(&other),
            },
        })
}

/// Reads a small (error) body, at most 1 MiB.
pub(crate) fn read_small(response: &mut Response<Body>) -> Result<Vec<u8>, Error> {
    read_capped(response, MAX_SMALL_BODY, "error body")
}

fn transport_message(error: &ureq::Error) -> String {
    match error {
        ureq::Error::Protocol(_) | ureq::Error::Http(_) => format!(
            "the server did not answer with valid HTTP ({}); is it an OCI registry, and is \
             the scheme right (HTTPS unless --insecure-registry)?",
            sanitize(&error.to_string())
        ),
        other => sanitize(&other.to_string()),
    }
}

/// The `rel="next"` target of a `Link` header.
fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim().replace(' ', "");
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| target.to_owned())
    })
}

fn encode_query(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::for_domain("docker.io", &[]).unwrap();
        assert_eq!(e.base_url(), "https://registry-1.docker.io");
        assert!(!e.plain_http && !e.loopback);
        for loopback in [
            "localhost:5000",
            "127.0.0.1:5000",
            "127.9.9.9",
            "[::1]:5000",
            "localhost",
        ] {
            let e = Endpoint::for_domain(loopback, &[]).unwrap();
            assert!(e.plain_http && e.loopback, "{loopback}");
        }
        assert!(Endpoint::for_domain("[::1]:5000", &[]).unwrap().base_url() == "http://[::1]:5000");
        for remote in [
            "ghcr.io",
            "128.0.0.1:5000",
            "[::2]:1",
            "localhost.example.com",
        ] {
            assert!(
                !Endpoint::for_domain(remote, &[]).unwrap().plain_http,
                "{remote}"
            );
        }
        let insecure = vec!["reg.lan:5000".to_owned(), "other.lan".to_owned()];
        assert!(
            Endpoint::for_domain("reg.lan:5000", &insecure)
                .unwrap()
                .plain_http
        );
        assert!(
            !Endpoint::for_domain("reg.lan:5001", &insecure)
                .unwrap()
                .plain_http
        );
        assert!(
            !Endpoint::for_domain("reg.lan", &insecure)
                .unwrap()
                .plain_http
        );
        assert!(
            Endpoint::for_domain("other.lan:443", &insecure)
                .unwrap()
                .plain_http
        );
        let e = Endpoint::for_domain("reg.lan:5000", &insecure).unwrap();
        assert!(!e.loopback);
        let err = Endpoint::for_domain("x", &["http://x".to_owned()]).unwrap_err();
        assert!(err.to_string().contains("without scheme"), "{err}");
    }

    #[test]
    fn references() {
        let r = parse_reference("ubuntu").unwrap();
        assert_eq!(
            (r.domain.as_str(), r.path.as_str()),
            ("docker.io", "library/ubuntu")
        );
        let r = parse_reference("127.0.0.1:5000/app:1.0").unwrap();
        assert_eq!(r.domain, "127.0.0.1:5000");
        assert_eq!(r.tag.as_deref(), Some("1.0"));
        assert!(parse_reference("acme/UPPER").is_err());
        assert!(parse_reference("").is_err());
    }

    #[test]
    fn tags_and_digests_are_checked_before_use_in_urls() {
        assert_eq!(check_tag_or_digest("v1.2.3"), Ok(false));
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(check_tag_or_digest(&d), Ok(true));
        assert!(check_tag_or_digest("../../x").is_err());
        assert!(check_tag_or_digest("sha256:../../etc").is_err());
        assert!(check_tag_or_digest(&format!("sha512:{}", "a".repeat(128))).is_err());
    }

    #[test]
    fn media_types() {
        let what = "m";
        assert_eq!(
            manifest_media_type(
                Some("application/vnd.oci.image.manifest.v1+json"),
                b"{}",
                what
            )
            .unwrap(),
            OCI_MANIFEST
        );
        assert_eq!(
            manifest_media_type(Some("application/json"), br#"{"mediaType":"x.y"}"#, what).unwrap(),
            "x.y"
        );
        assert_eq!(
            manifest_media_type(None, br#"{"manifests":[]}"#, what).unwrap(),
            OCI_INDEX
        );
        assert_eq!(
            manifest_media_type(None, br#"{"layers":[]}"#, what).unwrap(),
            OCI_MANIFEST
        );
        let err = manifest_media_type(None, b"<html>", what).unwrap_err();
        assert!(err.to_string().contains("not a JSON object"), "{err}");
        assert!(manifest_media_type(None, b"{}", what).is_err());
    }

    #[test]
    fn tokens() {
        let t = Token::parse(br#"{"token":"a","expires_in":300}"#, "t").unwrap();
        assert_eq!((t.token.as_str(), t.lifetime.as_secs()), ("a", 295));
        let t = Token::parse(br#"{"access_token":"b"}"#, "t").unwrap();
        assert_eq!((t.token.as_str(), t.lifetime.as_secs()), ("b", 55));
        let t = Token::parse(br#"{"token":"","access_token":"c","expires_in":1}"#, "t").unwrap();
        assert_eq!((t.token.as_str(), t.lifetime.as_secs()), ("c", 5));
        assert!(Token::parse(br#"{"expires_in":1}"#, "t").is_err());
        assert!(Token::parse(b"garbage", "t").is_err());
    }

    #[test]
    fn links_and_queries() {
        assert_eq!(
            next_link(r#"</v2/app/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/app/tags/list?last=b&n=2")
        );
        assert_eq!(next_link(r#"<https://x/y>; rel="prev""#), None);
        assert_eq!(
            encode_query(&[("scope", "repository:a/b:pull,push"), ("service", "r s")]),
            "scope=repository%3Aa%2Fb%3Apull%2Cpush&service=r%20s"
        );
    }
}
