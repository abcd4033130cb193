//! The client, the anonymous pull probe, signatures and the publish check against a real
//! registry (CNCF distribution, open / htpasswd / token auth) and fake servers.

mod support;

use seguro_registry::publish::{self, Expectations, Signature, Visibility};
use seguro_registry::{
    AnonymousPull, Client, Error, anonymous_pull, parse_reference, signature_store,
};
use seguro_sign::{FailureKind, PrivateKey, SignatureStore, Verdict};
use support::{Auth, PASSWORD, Registry, USER, good_labels, image, options, push};

fn client(reference: &str, credentials: Option<(&str, &str)>) -> Client {
    Client::for_reference(reference, &options(credentials))
        .unwrap()
        .0
}

fn labels(version: &str) -> Vec<(&'static str, String)> {
    good_labels(version)
}

fn as_refs<'a>(labels: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    labels.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn codes(diagnostics: &[seguro_linter::Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn open_registry_push_pull_sign_verify_tamper() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    let reference = registry.reference("acme/app:v1.4.2");
    let mut c = client(&reference, None);
    let labels = labels("1.4.2");
    let img = image(&as_refs(&labels), "a");
    let digest = push(&mut c, "v1.4.2", &img);

    // The manifest digest is the hash of the bytes; the tag and the digest give the same.
    let by_tag = c.get_manifest("v1.4.2").unwrap();
    assert_eq!(by_tag.digest, digest);
    assert_eq!(by_tag.bytes, img.manifest);
    assert_eq!(by_tag.media_type, support::OCI_MANIFEST);
    assert_eq!(c.get_manifest(&digest).unwrap().bytes, img.manifest);
    let head = c.head_manifest("v1.4.2").unwrap().unwrap();
    assert_eq!(head.digest.as_deref(), Some(digest.as_str()));
    assert_eq!(c.head_manifest("nope").unwrap(), None);
    let err = c.get_manifest("nope").unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(err.to_string().contains("MANIFEST_UNKNOWN"), "{err}");

    // Blobs: streamed and checked, existence, chunked upload.
    let layer_digest = support::sha256(&img.layer);
    assert_eq!(c.get_blob_bytes(&layer_digest, 1 << 20).unwrap(), img.layer);
    assert!(c.blob_exists(&layer_digest).unwrap());
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let big_digest = c.push_blob_chunked(&big, 64 * 1024).unwrap();
    assert_eq!(c.get_blob_bytes(&big_digest, 1 << 20).unwrap(), big);
    let err = c.get_blob_bytes(&big_digest, 1000).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    let missing = support::sha256(b"never pushed");
    assert!(!c.blob_exists(&missing).unwrap());
    assert!(c.get_blob_bytes(&missing, 10).unwrap_err().is_not_found());

    // Tags.
    push(&mut c, "v1.4.3", &image(&as_refs(&labels), "b"));
    let mut tags = c.list_tags().unwrap();
    tags.sort();
    assert_eq!(tags, ["v1.4.2", "v1.4.3"]);

    // Open registry: anyone can pull.
    let parsed = parse_reference(&reference).unwrap();
    let probe = anonymous_pull(&parsed, &options(None)).unwrap();
    assert_eq!(
        probe,
        AnonymousPull::Allowed {
            digest: digest.clone()
        }
    );
    let missing_tag = parse_reference(&registry.reference("acme/app:v9.9.9")).unwrap();
    assert_eq!(
        anonymous_pull(&missing_tag, &options(None)).unwrap(),
        AnonymousPull::AllowedTagMissing
    );

    // Unsigned: SR002 without a key (no .sig tag), the rest clean; SR005 is info on loopback.
    let facts = publish::gather(&reference, &options(None), None, Expectations::default()).unwrap();
    assert_eq!(facts.digest, digest);
    assert_eq!(facts.labels["org.opencontainers.image.version"], "1.4.2");
    assert!(matches!(facts.signature, Some(Signature::Absent { .. })));
    let found = publish::check(&facts);
    assert_eq!(codes(&found), ["SR002", "SR005"], "{found:?}");
    assert_eq!(found[1].severity, seguro_linter::Severity::Info);

    // Sign with seguro-sign through the registry store, then verify.
    let key = PrivateKey::generate().unwrap();
    let mut store = signature_store(&reference, &options(None)).unwrap();
    assert_eq!(
        store.docker_reference().as_deref(),
        Some(format!("{}/acme/app", registry.host).as_str())
    );
    let outcome = seguro_sign::sign(&mut store, &key, None).unwrap();
    assert_eq!(outcome.image_digest.as_str(), digest);
    assert_eq!(outcome.tag, format!("sha256-{}.sig", &digest[7..]));
    let mut store = signature_store(&reference, &options(None)).unwrap();
    let verdict = seguro_sign::verify(&mut store, &key.public_key()).unwrap();
    assert!(
        matches!(
            verdict,
            Verdict::Valid {
                valid: 1,
                total: 1,
                ..
            }
        ),
        "{verdict:?}"
    );
    let facts = publish::gather(
        &reference,
        &options(None),
        Some(&key.public_key()),
        Expectations::default(),
    )
    .unwrap();
    assert_eq!(
        facts.signature,
        Some(Signature::Valid { valid: 1, total: 1 })
    );
    assert_eq!(codes(&publish::check(&facts)), ["SR005"]);

    // Another key: not this key.
    let other = PrivateKey::generate().unwrap();
    let mut store = signature_store(&reference, &options(None)).unwrap();
    let verdict = seguro_sign::verify(&mut store, &other.public_key()).unwrap();
    assert!(
        matches!(
            verdict,
            Verdict::Invalid {
                kind: FailureKind::NotThisKey,
                ..
            }
        ),
        "{verdict:?}"
    );
    let facts = publish::gather(
        &reference,
        &options(None),
        Some(&other.public_key()),
        Expectations::default(),
    )
    .unwrap();
    let found = publish::check(&facts);
    assert_eq!(codes(&found), ["SR002", "SR005"]);
    assert!(
        found[0].message.contains("other key"),
        "{}",
        found[0].message
    );

    // Tamper: v1.4.3's signature copied onto v1.4.2's signature tag is a digest mismatch.
    let ref3 = registry.reference("acme/app:v1.4.3");
    let mut store3 = signature_store(&ref3, &options(None)).unwrap();
    let signed3 = seguro_sign::sign(&mut store3, &key, None).unwrap();
    let sig3 = c.get_manifest(&signed3.tag).unwrap();
    c.put_manifest(&outcome.tag, &sig3.media_type, &sig3.bytes)
        .unwrap();
    let mut store = signature_store(&reference, &options(None)).unwrap();
    let verdict = seguro_sign::verify(&mut store, &key.public_key()).unwrap();
    assert!(
        matches!(
            verdict,
            Verdict::Invalid {
                kind: FailureKind::DigestMismatch,
                ..
            }
        ),
        "{verdict:?}"
    );

    // The tag moved: v1.4.2 now points elsewhere.
    push(&mut c, "v1.4.2", &image(&as_refs(&labels), "c"));
    let expect = Expectations {
        digest: Some(digest.clone()),
        ..Expectations::default()
    };
    let facts = publish::gather(&reference, &options(None), None, expect).unwrap();
    assert!(codes(&publish::check(&facts)).contains(&"SR006"));
}

#[test]
fn tampered_blob_is_refused() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    // A fake registry in front serves the real manifest but altered blob bytes.
    let mut c = client(&registry.reference("acme/t:1.0.0"), None);
    let img = image(&[], "t");
    push(&mut c, "1.0.0", &img);
    let layer = img.layer.clone();
    let host = support::fake_server(move |req, stream| {
        if req.target.contains("/blobs/") {
            let mut bad = layer.clone();
            bad[0] ^= 1;
            let _ = support::respond(stream, 200, "application/octet-stream", &bad);
        } else {
            let _ = support::respond(stream, 404, "application/json", b"{}");
        }
    });
    let mut fake = client(&format!("{host}/acme/t:1.0.0"), None);
    let err = fake
        .get_blob_bytes(&support::sha256(&img.layer), 1 << 20)
        .unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
}

#[test]
fn htpasswd_registry() {
    let Some(registry) = Registry::start(Auth::Htpasswd) else {
        return;
    };
    let reference = registry.reference("acme/app:2.0.0");
    let mut c = client(&reference, Some((USER, PASSWORD)));
    let labels = labels("2.0.0");
    let digest = push(&mut c, "2.0.0", &image(&as_refs(&labels), "h"));
    assert_eq!(c.get_manifest("2.0.0").unwrap().digest, digest);

    // Wrong password: a clear refusal naming the rejected credentials.
    let mut wrong = client(&reference, Some((USER, "wrong")));
    let err = wrong.get_manifest("2.0.0").unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                status: 401,
                with_credentials: true,
                ..
            }
        ),
        "{err}"
    );
    assert!(
        err.to_string().contains("credentials were rejected"),
        "{err}"
    );
    // No credentials at all.
    let err = client(&reference, None).get_manifest("2.0.0").unwrap_err();
    assert!(
        err.to_string().contains("no credentials were found"),
        "{err}"
    );

    let probe = anonymous_pull(
        &parse_reference(&reference).unwrap(),
        &options(Some((USER, PASSWORD))),
    )
    .unwrap();
    assert!(
        matches!(&probe, AnonymousPull::Denied { reason } if reason.contains("Basic")),
        "{probe:?}"
    );
}

#[test]
fn token_registry_public_and_private() {
    let Some(registry) = Registry::start(Auth::Token) else {
        return;
    };
    let public = registry.reference("public/app:1.0.0");
    let private = registry.reference("private/app:1.0.0");
    let labels = labels("1.0.0");
    let mut user = client(&public, Some((USER, PASSWORD)));
    let public_digest = push(&mut user, "1.0.0", &image(&as_refs(&labels), "pub"));
    let mut user_private = client(&private, Some((USER, PASSWORD)));
    push(
        &mut user_private,
        "1.0.0",
        &image(&as_refs(&labels), "priv"),
    );

    // Anonymous pull: decided by the retried manifest request.
    let probe = anonymous_pull(&parse_reference(&public).unwrap(), &options(None)).unwrap();
    assert_eq!(
        probe,
        AnonymousPull::Allowed {
            digest: public_digest.clone()
        }
    );
    let missing = parse_reference(&registry.reference("public/app:9.9.9")).unwrap();
    assert_eq!(
        anonymous_pull(&missing, &options(None)).unwrap(),
        AnonymousPull::AllowedTagMissing
    );
    let probe = anonymous_pull(&parse_reference(&private).unwrap(), &options(None)).unwrap();
    assert!(
        matches!(&probe, AnonymousPull::NotFoundOrDenied { reason } if reason.contains("insufficient_scope")),
        "{probe:?}"
    );

    // An anonymous client reads public/ and is refused private/ and pushes.
    let mut anon = client(&public, None);
    assert_eq!(anon.get_manifest("1.0.0").unwrap().digest, public_digest);
    let err = client(&private, None).get_manifest("1.0.0").unwrap_err();
    assert!(matches!(err, Error::Unauthorized { .. }), "{err}");
    assert!(anon.push_blob(b"anonymous push").is_err());

    // Wrong password: the token endpoint refuses.
    let err = client(&private, Some((USER, "nope")))
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Unauthorized {
                with_credentials: true,
                ..
            }
        ),
        "{err}"
    );

    // SR004: private repository expected private is quiet, expected public fires; the
    // public one the other way round.
    let check = |reference: &str, visibility| {
        let expect = Expectations {
            visibility: Some(visibility),
            ..Expectations::default()
        };
        let facts =
            publish::gather(reference, &options(Some((USER, PASSWORD))), None, expect).unwrap();
        codes(&publish::check(&facts)).contains(&"SR004")
    };
    assert!(!check(&private, Visibility::Private));
    assert!(check(&private, Visibility::Public));
    assert!(check(&public, Visibility::Private));
    assert!(!check(&public, Visibility::Public));

    // Signing in a token-auth registry (push scope tokens) and verifying anonymously.
    let key = PrivateKey::generate().unwrap();
    let mut store = signature_store(&public, &options(Some((USER, PASSWORD)))).unwrap();
    seguro_sign::sign(&mut store, &key, None).unwrap();
    let mut store = signature_store(&public, &options(None)).unwrap();
    let verdict = seguro_sign::verify(&mut store, &key.public_key()).unwrap();
    assert!(matches!(verdict, Verdict::Valid { .. }), "{verdict:?}");
}

#[test]
fn manifest_bigger_than_the_cap_is_refused() {
    let big = vec![b' '; 5 * 1024 * 1024];
    // With a Content-Length …
    let with_length = support::fake_server(move |_, stream| {
        let _ = support::respond(stream, 200, support::OCI_MANIFEST, &big);
    });
    let err = client(&format!("{with_length}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit: 4194304, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("4194304-byte limit"), "{err}");
    // … and without one (the body just goes on).
    let streaming = support::fake_server(|_, mut stream| {
        use std::io::Write as _;
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nConnection: close\r\n\r\n");
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..80 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let err = client(&format!("{streaming}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err}");
}

#[test]
fn garbage_answers_are_clear_errors() {
    let not_http = support::fake_server(|_, mut stream| {
        use std::io::Write as _;
        let _ = stream.write_all(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01garbage\r\n\r\n");
    });
    let err = client(&format!("{not_http}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
    assert!(err.to_string().contains("valid HTTP"), "{err}");

    let html = support::fake_server(|_, stream| {
        let _ = support::respond(stream, 200, "text/html", b"<html>welcome</html>");
    });
    let err = client(&format!("{html}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err}");
    assert!(err.to_string().contains("not a JSON object"), "{err}");

    // A token endpoint answering without a token.
    let token_host = support::fake_server(|_, stream| {
        let _ = support::respond(stream, 200, "application/json", br#"{"nothing":"here"}"#);
    });
    let challenge = format!("Bearer realm=\"http://{token_host}/token\",service=\"s\"");
    let registry = support::fake_server(move |_, mut stream| {
        use std::io::Write as _;
        let _ = write!(
            stream,
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: {challenge}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    });
    let err = client(&format!("{registry}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(
        err.to_string().contains("no `token` or `access_token`"),
        "{err}"
    );

    // Nobody listening.
    let port = support::free_port();
    let err = client(&format!("127.0.0.1:{port}/a/b:1.0.0"), None)
        .get_manifest("1.0.0")
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[test]
fn manifest_served_under_a_wrong_digest_is_refused() {
    let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}"#;
    let other = support::sha256(b"something else");
    let announced = other.clone();
    let host = support::fake_server(move |_, mut stream| {
        use std::io::Write as _;
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.oci.image.manifest.v1+json\r\nDocker-Content-Digest: {announced}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(body);
    });
    let mut c = client(&format!("{host}/a/b:1.0.0"), None);
    let err = c.get_manifest("1.0.0").unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
    let err = c.get_manifest(&other).unwrap_err();
    assert!(matches!(err, Error::DigestMismatch { .. }), "{err}");
}

#[test]
fn image_reader_reads_from_the_registry() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    let reference = registry.reference("acme/img:1.0.0");
    let mut c = client(&reference, None);
    let layer = support::tar_with_file("etc/hello.txt", b"hello from the registry\n");
    let img = support::image_with_layer(&[("org.opencontainers.image.version", "1.0.0")], layer);
    push(&mut c, "1.0.0", &img);
    let image = seguro_registry::read_image(
        &reference,
        &options(None),
        &seguro_image::Options::default(),
    )
    .unwrap();
    assert_eq!(image.config.user, "app");
    assert_eq!(image.layers.len(), 1);
    let paths: Vec<&str> = image.layers[0]
        .entries
        .iter()
        .map(|e| e.path.as_str())
        .collect();
    assert!(
        paths.iter().any(|p| p.ends_with("etc/hello.txt")),
        "{paths:?}"
    );
    let err = seguro_registry::read_image(
        &registry.reference("acme/img:2.0.0"),
        &options(None),
        &seguro_image::Options::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("MANIFEST_UNKNOWN"), "{err}");
}
