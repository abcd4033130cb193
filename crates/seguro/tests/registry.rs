//! `seguro publish-check`, `sign` and `verify` against a real registry (CNCF distribution
//! started by the test; skipped with a note when it is not installed), and their exit
//! codes: 0 clean, 1 findings, 2 when the registry cannot be read.

#[path = "../../seguro-registry/tests/support/mod.rs"]
mod support;

use serde_json::Value;
use std::process::{Command, Output};
use support::{Auth, PASSWORD, Registry, USER, good_labels, image, options, push};

fn seguro(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_seguro"));
    command
        .args(args)
        .env_remove("SEGURO_REGISTRY_USERNAME")
        .env_remove("SEGURO_REGISTRY_PASSWORD")
        .env_remove("SEGURO_FORMAT")
        // No ~/.docker/config.json of the machine.
        .env("DOCKER_CONFIG", "/nonexistent-seguro-test");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// `publish-check --format json`: the exit code and the finding codes.
fn publish_check(args: &[&str], env: &[(&str, &str)]) -> (i32, Vec<String>, Value) {
    let mut all = vec!["publish-check", "--format", "json"];
    all.extend_from_slice(args);
    let output = seguro(&all, env);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        )
    });
    let codes = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect();
    (code(&output), codes, json)
}

fn labelled(version: &str, salt: &str) -> support::TestImage {
    let labels = good_labels(version);
    let refs: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
    image(&refs, salt)
}

#[test]
fn publish_sign_verify_round_trip() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    let reference = registry.reference("acme/app:v1.0.0");
    let mut client = seguro_registry::Client::for_reference(&reference, &options(None))
        .unwrap()
        .0;
    let digest = push(&mut client, "v1.0.0", &labelled("1.0.0", "one"));

    // Unsigned: SR002 (error) and SR005 (info, loopback): exit 1.
    let (exit, codes, json) = publish_check(&[&reference], &[]);
    assert_eq!(
        (exit, codes.as_slice()),
        (1, &["SR002".to_owned(), "SR005".to_owned()][..]),
        "{json}"
    );
    assert_eq!(json["digest"], digest.as_str());
    assert_eq!(json["signature"], "absent");
    assert_eq!(json["anonymous_pull"], "allowed");
    assert_eq!(json["diagnostics"][0]["file"], reference.as_str());
    assert_eq!(
        json["diagnostics"][0]["location"]["reference"],
        reference.as_str()
    );
    assert_eq!(json["summary"]["errors"], 1);

    // keygen, sign, verify through the CLI.
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("cosign");
    let prefix = prefix.to_str().unwrap();
    let password = [("SEGURO_PASSWORD", "test password")];
    let out = seguro(&["keygen", "--output-key-prefix", prefix], &password);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let (key, public) = (format!("{prefix}.key"), format!("{prefix}.pub"));
    let out = seguro(&["sign", "--key", &key, &reference], &password);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let out = seguro(&["verify", "--key", &public, &reference], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    // Signed and verified with the key: only the loopback info remains, exit 0.
    let (exit, codes, json) = publish_check(&["--key", &public, &reference], &[]);
    assert_eq!(
        (exit, codes.as_slice()),
        (0, &["SR005".to_owned()][..]),
        "{json}"
    );
    assert_eq!(json["signature"], "valid");
    let human = seguro(&["publish-check", "--key", &public, &reference], &[]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("signature: valid (1 of 1)") && text.contains("info[SR005]"),
        "{text}"
    );

    // Another key: verify fails (exit 1) saying why; publish-check reports SR002.
    // (A key pair made by the library: keygen's scrypt is slow in debug builds.)
    let other = dir.path().join("other");
    let other = other.to_str().unwrap();
    let other_key = seguro_sign::PrivateKey::generate().unwrap();
    std::fs::write(format!("{other}.pub"), other_key.public_key().to_pem()).unwrap();
    let out = seguro(
        &["verify", "--key", &format!("{other}.pub"), &reference],
        &[],
    );
    assert_eq!(
        code(&out),
        1,
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(stderr(&out).contains("other key"), "{}", stderr(&out));

    // The tag is moved to another image: verify finds no signature for the new digest,
    // and --expect-digest reports SR006.
    push(&mut client, "v1.0.0", &labelled("1.0.0", "two"));
    let out = seguro(&["verify", "--key", &public, &reference], &[]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("no signature"), "{}", stderr(&out));
    let (exit, codes, _) = publish_check(
        &["--key", &public, "--expect-digest", &digest, &reference],
        &[],
    );
    assert_eq!(exit, 1);
    assert!(
        codes.contains(&"SR006".to_owned()) && codes.contains(&"SR002".to_owned()),
        "{codes:?}"
    );

    // Tag policy and labels: `latest` without labels.
    push(&mut client, "latest", &image(&[], "bare"));
    let (exit, codes, _) = publish_check(&[&registry.reference("acme/app")], &[]);
    assert_eq!(exit, 1);
    assert!(
        codes.contains(&"SR001".to_owned()) && codes.contains(&"SR003".to_owned()),
        "{codes:?}"
    );
}

#[test]
fn visibility_with_token_auth() {
    let Some(registry) = Registry::start(Auth::Token) else {
        return;
    };
    let private = registry.reference("private/app:1.0.0");
    let public = registry.reference("public/app:1.0.0");
    for reference in [&private, &public] {
        let mut c =
            seguro_registry::Client::for_reference(reference, &options(Some((USER, PASSWORD))))
                .unwrap()
                .0;
        push(&mut c, "1.0.0", &labelled("1.0.0", reference));
    }
    let creds = [
        ("SEGURO_REGISTRY_USERNAME", USER),
        ("SEGURO_REGISTRY_PASSWORD", PASSWORD),
    ];
    let sr004 = |reference: &str, visibility: &str| {
        let (_, codes, json) =
            publish_check(&["--expect-visibility", visibility, reference], &creds);
        (
            codes.contains(&"SR004".to_owned()),
            json["anonymous_pull"].as_str().unwrap().to_owned(),
        )
    };
    assert_eq!(
        sr004(&private, "private"),
        (false, "not-found-or-denied".to_owned())
    );
    assert_eq!(
        sr004(&private, "public"),
        (true, "not-found-or-denied".to_owned())
    );
    assert_eq!(sr004(&public, "private"), (true, "allowed".to_owned()));
    assert_eq!(sr004(&public, "public"), (false, "allowed".to_owned()));

    // Wrong password: exit 2 with a clear message.
    let out = seguro(
        &["publish-check", &private],
        &[
            ("SEGURO_REGISTRY_USERNAME", USER),
            ("SEGURO_REGISTRY_PASSWORD", "wrong"),
        ],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("credentials were rejected"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreadable_registries_exit_2() {
    let garbage = support::fake_server(|_, mut stream| {
        use std::io::Write as _;
        let _ = stream.write_all(b"\x00\x01\x02 this is not HTTP\r\n\r\n");
    });
    let out = seguro(&["publish-check", &format!("{garbage}/a/b:1.0.0")], &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("valid HTTP"), "{}", stderr(&out));

    let big = support::fake_server(|_, stream| {
        let _ = support::respond(
            stream,
            200,
            support::OCI_MANIFEST,
            &vec![b' '; 5 * 1024 * 1024],
        );
    });
    let out = seguro(&["publish-check", &format!("{big}/a/b:1.0.0")], &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("limit"), "{}", stderr(&out));

    let port = support::free_port();
    let out = seguro(
        &["publish-check", &format!("127.0.0.1:{port}/a/b:1.0.0")],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("cannot reach the registry"),
        "{}",
        stderr(&out)
    );

    let out = seguro(&["publish-check", "Not A Reference"], &[]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("not an image reference"),
        "{}",
        stderr(&out)
    );

    let out = seguro(
        &[
            "publish-check",
            "--insecure-registry",
            "http://x",
            "127.0.0.1:1/a:1.0.0",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("without scheme"), "{}", stderr(&out));
}

#[test]
fn registry_rules_are_documented() {
    let out = seguro(&["rule", "SR001"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let page = String::from_utf8_lossy(&out.stdout);
    assert!(
        page.contains("tag-not-versioned") && page.contains("## Why it matters"),
        "{page}"
    );
}

#[test]
fn image_reads_a_registry_reference() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    let reference = registry.reference("acme/leaky:1.0.0");
    let mut client = seguro_registry::Client::for_reference(&reference, &options(None))
        .unwrap()
        .0;
    // A layer that ships a private key: SI006 must find it through the registry.
    let key = b"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----\n";
    let layer = support::tar_with_file("root/.ssh/id_rsa", key);
    push(
        &mut client,
        "1.0.0",
        &support::image_with_layer(&[("org.opencontainers.image.version", "1.0.0")], layer),
    );
    let out = seguro(&["image", "--format", "json", &reference], &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let si006: Vec<&Value> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "SI006")
        .collect();
    assert_eq!(si006.len(), 1, "{json}");
    assert_eq!(si006[0]["file"], reference.as_str());
    assert_eq!(si006[0]["location"]["layer"]["index"], 0, "{json}");
    // A tag the registry does not have: exit 2, and the message names it.
    let missing = registry.reference("acme/leaky:9.9.9");
    let out = seguro(&["image", &missing], &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("9.9.9"), "{}", stderr(&out));
}

#[test]
fn publish_check_speaks_every_report_format() {
    let Some(registry) = Registry::start(Auth::Open) else {
        return;
    };
    let reference = registry.reference("acme/fmt:latest");
    let mut client = seguro_registry::Client::for_reference(&reference, &options(None))
        .unwrap()
        .0;
    push(&mut client, "latest", &labelled("1.0.0", "fmt"));
    // SARIF through the shared renderer (and from SEGURO_FORMAT, as CI sets it for lint).
    let out = seguro(
        &["publish-check", &reference],
        &[("SEGURO_FORMAT", "sarif")],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let rules: Vec<&str> = results
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"SR001"), "{rules:?}");
    assert!(rules.contains(&"SR002"), "{rules:?}");
    // GitHub annotations name the rule and the reference.
    let out = seguro(&["publish-check", "--format", "github", &reference], &[]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error") && l.contains("SR002")),
        "{text}"
    );
}
