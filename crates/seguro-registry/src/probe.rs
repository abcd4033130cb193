//! Can anyone pull this image? The anonymous pull probe of the distribution API: the
//! manifest request is sent without credentials; on a Bearer challenge an anonymous token
//! is asked for and the request is sent again with it. Only that retried manifest request
//! decides: a token endpoint that hands out a token grants nothing by itself (it may
//! return a token with no access at all).

use crate::client::{
    Access, Client, MANIFEST_ACCEPT, Options, Request, challenges, read_capped, read_small,
};
use crate::credentials::CredentialSource;
use crate::digest;
use crate::error::{Error, parse_error_body};
use seguro_dockerfile::reference::ImageRef;
use ureq::Body;
use ureq::http::Response;

/// What an anonymous client may do with a repository.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AnonymousPull {
    /// The manifest was served to an anonymous client.
    Allowed { digest: String },
    /// Anonymous access was granted but the tag (or repository) does not exist.
    AllowedTagMissing,
    /// The registry refused: credentials required (Basic), the token endpoint refused an
    /// anonymous token, or `403 DENIED`.
    Denied { reason: String },
    /// `401` even with an anonymous token: the repository is private or does not exist
    /// (registries answer both alike on purpose).
    NotFoundOrDenied { reason: String },
}

impl AnonymousPull {
    /// Whether an anonymous client may pull from the repository.
    pub fn is_allowed(&self) -> bool {
        matches!(
            self,
            AnonymousPull::Allowed { .. } | AnonymousPull::AllowedTagMissing
        )
    }

    /// One line for reports.
    pub fn describe(&self) -> String {
        match self {
            AnonymousPull::Allowed { .. } => "anonymous pull allowed".into(),
            AnonymousPull::AllowedTagMissing => {
                "anonymous pull allowed (the tag does not exist)".into()
            }
            AnonymousPull::Denied { reason } => format!("anonymous pull denied: {reason}"),
            AnonymousPull::NotFoundOrDenied { reason } => {
                format!("anonymous pull denied (or the repository does not exist): {reason}")
            }
        }
    }
}

/// Probes whether `reference` (its tag or digest; `latest` when it has neither) can be
/// pulled without credentials. Credentials in `options` are never used.
pub fn anonymous_pull(reference: &ImageRef, options: &Options) -> Result<AnonymousPull, Error> {
    let anonymous = Options {
        credentials: CredentialSource::none(),
        ..options.clone()
    };
    let client = Client::new(reference, &anonymous)?;
    let target = reference
        .digest
        .clone()
        .or_else(|| reference.tag.clone())
        .unwrap_or_else(|| "latest".to_owned());
    if target.contains(':') {
        digest::check_sha256(&target)?;
    }
    let url = format!(
        "{}/v2/{}/manifests/{target}",
        client.endpoint().base_url(),
        client.repository()
    );
    let request = Request {
        method: "GET",
        url: url.clone(),
        headers: vec![("Accept", MANIFEST_ACCEPT.to_owned())],
        body: None,
    };
    let mut response = client.raw(&request)?;
    if response.status().as_u16() != 401 {
        return classify(&url, &mut response, false);
    }
    let found = challenges(&response);
    if let Some(bearer) = found.iter().find(|c| c.is("bearer")) {
        let realm = bearer.param("realm").unwrap_or_default();
        if realm.is_empty() {
            return Err(Error::malformed(&url, "Bearer challenge without a realm"));
        }
        let service = bearer.param("service").unwrap_or_default();
        let own_scope = client.scope(Access::Pull);
        let scope = bearer.param("scope").unwrap_or(&own_scope);
        let token = match client.request_token(realm, service, scope, None)? {
            Ok(token) => token,
            Err((status, codes)) => {
                let codes = codes.iter().map(|c| c.code.as_str()).collect::<Vec<_>>();
                return Ok(AnonymousPull::Denied {
                    reason: format!(
                        "the token endpoint refused an anonymous token (HTTP {status}{}{})",
                        if codes.is_empty() { "" } else { ", " },
                        codes.join(", ")
                    ),
                });
            }
        };
        let mut retried = client.raw_with(&request, Some(&format!("Bearer {}", token.token)))?;
        return classify(&url, &mut retried, true);
    }
    if found.iter().any(|c| c.is("basic")) {
        return Ok(AnonymousPull::Denied {
            reason: "the registry requires credentials (Basic authentication)".into(),
        });
    }
    let schemes: Vec<&str> = found.iter().map(|c| c.scheme.as_str()).collect();
    Ok(AnonymousPull::Denied {
        reason: if schemes.is_empty() {
            "HTTP 401 without a WWW-Authenticate challenge".into()
        } else {
            format!("HTTP 401 asking for {}", schemes.join(", "))
        },
    })
}

/// Classifies the (possibly retried) manifest answer.
fn classify(
    url: &str,
    response: &mut Response<Body>,
    with_token: bool,
) -> Result<AnonymousPull, Error> {
    let status = response.status().as_u16();
    match status {
        200 => {
            let bytes = read_capped(response, crate::MAX_MANIFEST_BYTES, url)?;
            Ok(AnonymousPull::Allowed {
                digest: digest::sha256(&bytes),
            })
        }
        404 => Ok(AnonymousPull::AllowedTagMissing),
        401 => {
            let error = challenges(response)
                .iter()
                .find_map(|c| c.param("error").map(str::to_owned));
            let reason = match (with_token, error) {
                (true, Some(error)) => format!("HTTP 401 with an anonymous token ({error})"),
                (true, None) => "HTTP 401 with an anonymous token".into(),
                (false, _) => "HTTP 401".into(),
            };
            Ok(AnonymousPull::NotFoundOrDenied { reason })
        }
        403 => {
            let body = read_small(response).unwrap_or_default();
            let codes = parse_error_body(&body);
            let code = codes.first().map_or("forbidden", |c| c.code.as_str());
            Ok(AnonymousPull::Denied {
                reason: format!("HTTP 403 ({code})"),
            })
        }
        _ => {
            let body = read_small(response).unwrap_or_default();
            Err(Error::Status {
                method: "GET",
                url: url.to_owned(),
                status,
                codes: parse_error_body(&body),
            })
        }
    }
}
