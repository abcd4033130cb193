//! Image reference parsing checked against distribution/reference's and go-digest's test tables, plus edge cases.
//!
//! Each upstream table is ported as data; a test runs its whole table and reports every
//! failing case by its input, so one failure names the case.

use seguro_dockerfile::reference::{
    AnyRef, ImageRef, RefError, is_identifier, is_valid_domain, is_valid_tag, parse_any_reference,
    split_registry_glob_match, validate_digest,
};

/// Collects failures of a table so all of them are reported at once.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check<T: PartialEq + std::fmt::Debug>(&mut self, case: &str, what: &str, got: T, want: T) {
        if got != want {
            self.0
                .push(format!("{case:?}: {what}: got {got:?}, want {want:?}"));
        }
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "{} failing cases:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

fn repeat(s: &str, n: usize) -> String {
    s.repeat(n)
}

const SHA256_F: &str = "sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const SHA512_F: &str = "sha512:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
const HEX64: &str = "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";

/// What a grammar-only parse should find: `(domain, name, tag, digest)`, `""` for absent.
type Fields = (&'static str, String, &'static str, String);

fn fields(r: &ImageRef) -> (String, String, String, String) {
    (
        r.domain.clone(),
        r.name(),
        r.tag.clone().unwrap_or_default(),
        r.digest.clone().unwrap_or_default(),
    )
}

fn want_fields(f: &Fields) -> (String, String, String, String) {
    (f.0.to_owned(), f.1.clone(), f.2.to_owned(), f.3.clone())
}

fn ok(
    domain: &'static str,
    name: &str,
    tag: &'static str,
    digest: &str,
) -> Result<Fields, RefError> {
    Ok((domain, name.to_owned(), tag, digest.to_owned()))
}

fn uppercase() -> RefError {
    RefError::NameContainsUppercase { name: None }
}

/// distribution/reference `TestReferenceParse` (upstream `Parse`), latest table.
#[test]
fn upstream_reference_parse() {
    let s = SHA256_F;
    let cases: Vec<(String, Result<Fields, RefError>)> = vec![
        ("test_com".into(), ok("", "test_com", "", "")),
        ("test.com:tag".into(), ok("", "test.com", "tag", "")),
        ("test.com:5000".into(), ok("", "test.com", "5000", "")),
        ("test.com/repo:tag".into(), ok("test.com", "test.com/repo", "tag", "")),
        ("test:5000/repo".into(), ok("test:5000", "test:5000/repo", "", "")),
        ("test:5000/repo:tag".into(), ok("test:5000", "test:5000/repo", "tag", "")),
        (format!("test:5000/repo@{s}"), ok("test:5000", "test:5000/repo", "", s)),
        (format!("test:5000/repo:tag@{s}"), ok("test:5000", "test:5000/repo", "tag", s)),
        ("".into(), Err(RefError::NameEmpty)),
        (":justtag".into(), Err(RefError::Format)),
        (format!("@{s}"), Err(RefError::Format)),
        ("repo@sha256:ffffffffffffffffffffffffffffffffff".into(), Err(RefError::ChecksumLength)),
        (
            "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                .into(),
            Err(RefError::DigestUnsupported),
        ),
        ("Uppercase:tag".into(), Err(uppercase())),
        ("test:5000/Uppercase/lowercase:tag".into(), Err(uppercase())),
        ("lowercase:Uppercase".into(), ok("", "lowercase", "Uppercase", "")),
        (format!("domain/{}:tag", repeat("a", 256)), Err(RefError::NameTooLong)),
        (
            format!("{}a:tag-puts-this-over-max", repeat("a/", 127)),
            ok("a", &format!("{}a", repeat("a/", 127)), "tag-puts-this-over-max", ""),
        ),
        ("aa/asdf$$^/aa".into(), Err(RefError::Format)),
        (
            "sub-dom1.foo.com/bar/baz/quux".into(),
            ok("sub-dom1.foo.com", "sub-dom1.foo.com/bar/baz/quux", "", ""),
        ),
        (
            "sub-dom1.foo.com/bar/baz/quux:some-long-tag".into(),
            ok("sub-dom1.foo.com", "sub-dom1.foo.com/bar/baz/quux", "some-long-tag", ""),
        ),
        (
            "b.gcr.io/test.example.com/my-app:test.example.com".into(),
            ok("b.gcr.io", "b.gcr.io/test.example.com/my-app", "test.example.com", ""),
        ),
        (
            "xn--n3h.com/myimage:xn--n3h.com".into(),
            ok("xn--n3h.com", "xn--n3h.com/myimage", "xn--n3h.com", ""),
        ),
        (
            format!("xn--7o8h.com/myimage:xn--7o8h.com@{SHA512_F}"),
            ok("xn--7o8h.com", "xn--7o8h.com/myimage", "xn--7o8h.com", SHA512_F),
        ),
        ("foo_bar.com:8080".into(), ok("", "foo_bar.com", "8080", "")),
        ("foo/foo_bar.com:8080".into(), ok("foo", "foo/foo_bar.com", "8080", "")),
        ("192.168.1.1".into(), ok("", "192.168.1.1", "", "")),
        ("192.168.1.1:tag".into(), ok("", "192.168.1.1", "tag", "")),
        ("192.168.1.1:5000".into(), ok("", "192.168.1.1", "5000", "")),
        ("192.168.1.1/repo".into(), ok("192.168.1.1", "192.168.1.1/repo", "", "")),
        ("192.168.1.1:5000/repo".into(), ok("192.168.1.1:5000", "192.168.1.1:5000/repo", "", "")),
        (
            "192.168.1.1:5000/repo:5050".into(),
            ok("192.168.1.1:5000", "192.168.1.1:5000/repo", "5050", ""),
        ),
        ("[2001:db8::1]".into(), Err(RefError::Format)),
        ("[2001:db8::1]:5000".into(), Err(RefError::Format)),
        ("[2001:db8::1]:tag".into(), Err(RefError::Format)),
        ("[2001:db8::1]/repo".into(), ok("[2001:db8::1]", "[2001:db8::1]/repo", "", "")),
        (
            "[2001:db8:1:2:3:4:5:6]/repo:tag".into(),
            ok("[2001:db8:1:2:3:4:5:6]", "[2001:db8:1:2:3:4:5:6]/repo", "tag", ""),
        ),
        (
            "[2001:db8::1]:5000/repo".into(),
            ok("[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", "", ""),
        ),
        (
            "[2001:db8::1]:5000/repo:tag".into(),
            ok("[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", "tag", ""),
        ),
        (
            format!("[2001:db8::1]:5000/repo@{s}"),
            ok("[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", "", s),
        ),
        (
            format!("[2001:db8::1]:5000/repo:tag@{s}"),
            ok("[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", "tag", s),
        ),
        (
            "[2001:db8::]:5000/repo".into(),
            ok("[2001:db8::]:5000", "[2001:db8::]:5000/repo", "", ""),
        ),
        ("[::1]:5000/repo".into(), ok("[::1]:5000", "[::1]:5000/repo", "", "")),
        ("[fe80::1%eth0]:5000/repo".into(), Err(RefError::Format)),
        ("[fe80::1%@invalidzone]:5000/repo".into(), Err(RefError::Format)),
        (
            format!("example.com/{}:tag", repeat("a", 255)),
            ok("example.com", &format!("example.com/{}", repeat("a", 255)), "tag", ""),
        ),
        // Older upstream tables expected NameTooLong here, when the limit covered the whole
        // name; since v0.6 only the path counts, and this path is exactly 255 bytes.
        (
            format!("{}a:tag", repeat("a/", 128)),
            ok("a", &format!("{}a", repeat("a/", 128)), "tag", ""),
        ),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        let got = ImageRef::parse_unnormalized(input);
        match (&got, want) {
            (Ok(r), Ok(w)) => {
                failures.check(input, "fields", fields(r), want_fields(w));
                failures.check(input, "round trip", r.to_string(), input.clone());
            }
            (Err(e), Err(w)) => failures.check(input, "error", e, w),
            _ => failures.check(input, "result", format!("{got:?}"), format!("{want:?}")),
        }
    }
    failures.assert_none();
}

/// distribution/reference `TestWithNameFailure`, latest table.
#[test]
fn upstream_with_name_failure() {
    let cases: Vec<(String, RefError)> = vec![
        ("".into(), RefError::Format),
        (":justtag".into(), RefError::Format),
        (format!("@{SHA256_F}"), RefError::Format),
        (
            "validname@invaliddigest:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
                .into(),
            RefError::Format,
        ),
        ("example.com/repo:tag".into(), RefError::Format),
        (format!("example.com/{}", repeat("a", 256)), RefError::NameTooLong),
        ("aa/asdf$$^/aa".into(), RefError::Format),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        failures.check(
            input,
            "result",
            ImageRef::from_name(input),
            Err(want.clone()),
        );
    }
    failures.assert_none();
}

/// distribution/reference `TestDomainAndPath` (upstream `WithName`).
#[test]
fn upstream_domain_and_path() {
    let cases = [
        ("test.com/foo", "test.com", "foo"),
        ("test_com/foo", "", "test_com/foo"),
        ("test:8080/foo", "test:8080", "foo"),
        ("test.com:8080/foo", "test.com:8080", "foo"),
        ("test-com:8080/foo", "test-com:8080", "foo"),
        ("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"),
    ];
    let mut failures = Failures::default();
    for (input, domain, path) in cases {
        let got = ImageRef::from_name(input).map(|r| (r.domain, r.path));
        failures.check(
            input,
            "split",
            got,
            Ok((domain.to_owned(), path.to_owned())),
        );
    }
    failures.assert_none();
}

/// distribution/reference `TestWithTag` and `TestWithDigest`.
#[test]
fn upstream_with_tag_and_digest() {
    let short = "sha256:1234567890098765432112345667890098765";
    // (name, digest added first, tag, combined)
    let with_tag = [
        ("test.com/foo", "", "tag", "test.com/foo:tag".to_owned()),
        ("foo", "", "tag2", "foo:tag2".to_owned()),
        (
            "test.com:8000/foo",
            "",
            "tag4",
            "test.com:8000/foo:tag4".to_owned(),
        ),
        (
            "test.com:8000/foo",
            "",
            "TAG5",
            "test.com:8000/foo:TAG5".to_owned(),
        ),
        (
            "test.com:8000/foo",
            short,
            "TAG5",
            format!("test.com:8000/foo:TAG5@{short}"),
        ),
    ];
    let mut failures = Failures::default();
    for (name, digest, tag, combined) in &with_tag {
        let mut r = ImageRef::from_name(name).expect("valid name");
        if !digest.is_empty() {
            r = r.with_digest(digest).expect("valid digest");
        }
        let got = r.with_tag(tag).map(|r| r.to_string());
        failures.check(combined, "with_tag", got, Ok(combined.clone()));
    }
    // (name, tag added first, digest, combined)
    let with_digest = [
        ("test.com/foo", "", format!("test.com/foo@{short}")),
        ("foo", "", format!("foo@{short}")),
        (
            "test.com:8000/foo",
            "",
            format!("test.com:8000/foo@{short}"),
        ),
        (
            "test.com:8000/foo",
            "latest",
            format!("test.com:8000/foo:latest@{short}"),
        ),
    ];
    for (name, tag, combined) in &with_digest {
        let mut r = ImageRef::from_name(name).expect("valid name");
        if !tag.is_empty() {
            r = r.with_tag(tag).expect("valid tag");
        }
        let got = r.with_digest(short).map(|r| r.to_string());
        failures.check(combined, "with_digest", got, Ok(combined.clone()));
    }
    failures.assert_none();
}

/// distribution/reference `TestParseNamed` (upstream `ParseNamed`).
#[test]
fn upstream_parse_named() {
    // (input, (domain, path) or error)
    type Case = (&'static str, Result<(&'static str, &'static str), RefError>);
    let cases: [Case; 8] = [
        ("test.com/foo", Ok(("test.com", "foo"))),
        ("test:8080/foo", Ok(("test:8080", "foo"))),
        ("test_com/foo", Err(RefError::NameNotCanonical)),
        ("test.com", Err(RefError::NameNotCanonical)),
        ("foo", Err(RefError::NameNotCanonical)),
        ("library/foo", Err(RefError::NameNotCanonical)),
        ("docker.io/library/foo", Ok(("docker.io", "library/foo"))),
        ("docker.io/foo", Err(RefError::NameNotCanonical)),
    ];
    let mut failures = Failures::default();
    for (input, want) in cases {
        let got = ImageRef::parse(input);
        let got = got.as_ref().map(|r| (r.domain.as_str(), r.path.as_str()));
        failures.check(input, "result", got.map_err(Clone::clone), want);
    }
    failures.assert_none();
}

/// distribution/reference `TestValidateReferenceName` and `TestValidateRemoteName`
/// (upstream `ParseNormalizedNamed` accepts or refuses).
#[test]
fn upstream_validate_names() {
    let valid = [
        "docker/docker",
        "library/debian",
        "debian",
        "docker.io/docker/docker",
        "docker.io/library/debian",
        "docker.io/debian",
        "index.docker.io/docker/docker",
        "index.docker.io/library/debian",
        "index.docker.io/debian",
        "127.0.0.1:5000/docker/docker",
        "127.0.0.1:5000/library/debian",
        "127.0.0.1:5000/debian",
        "192.168.0.1",
        "192.168.0.1:80",
        "192.168.0.1:8/debian",
        "192.168.0.2:25000/debian",
        "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
        "[fc00::1]:5000/docker",
        "[fc00::1]:5000/docker/docker",
        "[fc00:1:2:3:4:5:6:7]:5000/library/debian",
        "docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        "Docker/docker",
        "DOCKER/docker",
        // TestValidateRemoteName
        "docker-rules/docker",
        "docker---rules/docker",
        "doc/docker",
        "d/docker",
        "jess/t",
        "dock__er/docker",
    ];
    let invalid = [
        "https://github.com/docker/docker",
        "docker/Docker",
        "-docker",
        "-docker/docker",
        "-docker.io/docker/docker",
        "docker///docker",
        "docker.io/docker/Docker",
        "docker.io/docker///docker",
        "[fc00::1]",
        "[fc00::1]:5000",
        "fc00::1:5000/debian",
        "[fe80::1%eth0]:5000/debian",
        "[2001:db8:3:4::192.0.2.33]:5000/debian",
        "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
        // TestValidateRemoteName
        "docker-/docker",
        "-docker-/docker",
        "____/____",
        "_docker/_docker",
        "dock..er/docker",
        "dock_.er/docker",
        "dock-.er/docker",
        "docker/",
        "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
    ];
    let mut failures = Failures::default();
    for input in valid {
        let got = ImageRef::parse_normalized(input).map(|_| ());
        failures.check(input, "valid", got, Ok(()));
    }
    for input in invalid {
        failures.check(
            input,
            "invalid",
            ImageRef::parse_normalized(input).is_err(),
            true,
        );
    }
    failures.assert_none();
}

/// distribution/reference `TestParseRepositoryInfo`: every spelling of a repository gives
/// the same familiar name, full name, domain and path.
#[test]
fn upstream_repository_info() {
    // (path, familiar, full, ambiguous spelling or "", domain)
    let cases = [
        (
            "fooo/bar",
            "fooo/bar",
            "docker.io/fooo/bar",
            "index.docker.io/fooo/bar",
            "docker.io",
        ),
        (
            "library/ubuntu",
            "ubuntu",
            "docker.io/library/ubuntu",
            "library/ubuntu",
            "docker.io",
        ),
        (
            "nonlibrary/ubuntu",
            "nonlibrary/ubuntu",
            "docker.io/nonlibrary/ubuntu",
            "",
            "docker.io",
        ),
        (
            "other/library",
            "other/library",
            "docker.io/other/library",
            "",
            "docker.io",
        ),
        (
            "private/moonbase",
            "127.0.0.1:8000/private/moonbase",
            "127.0.0.1:8000/private/moonbase",
            "",
            "127.0.0.1:8000",
        ),
        (
            "privatebase",
            "127.0.0.1:8000/privatebase",
            "127.0.0.1:8000/privatebase",
            "",
            "127.0.0.1:8000",
        ),
        (
            "private/moonbase",
            "example.com/private/moonbase",
            "example.com/private/moonbase",
            "",
            "example.com",
        ),
        (
            "privatebase",
            "example.com/privatebase",
            "example.com/privatebase",
            "",
            "example.com",
        ),
        (
            "private/moonbase",
            "example.com:8000/private/moonbase",
            "example.com:8000/private/moonbase",
            "",
            "example.com:8000",
        ),
        (
            "privatebasee",
            "example.com:8000/privatebasee",
            "example.com:8000/privatebasee",
            "",
            "example.com:8000",
        ),
        (
            "library/ubuntu-12.04-base",
            "ubuntu-12.04-base",
            "docker.io/library/ubuntu-12.04-base",
            "index.docker.io/library/ubuntu-12.04-base",
            "docker.io",
        ),
        (
            "library/foo",
            "foo",
            "docker.io/library/foo",
            "docker.io/foo",
            "docker.io",
        ),
        (
            "library/foo/bar",
            "library/foo/bar",
            "docker.io/library/foo/bar",
            "",
            "docker.io",
        ),
        (
            "store/foo/bar",
            "store/foo/bar",
            "docker.io/store/foo/bar",
            "",
            "docker.io",
        ),
        ("bar", "Foo/bar", "Foo/bar", "", "Foo"),
        ("bar", "FOO/bar", "FOO/bar", "", "FOO"),
    ];
    let mut failures = Failures::default();
    for (path, familiar, full, ambiguous, domain) in cases {
        let spellings = [familiar, full, ambiguous];
        for input in spellings.into_iter().filter(|s| !s.is_empty()) {
            let Ok(r) = ImageRef::parse_normalized(input) else {
                failures.check(input, "parse", false, true);
                continue;
            };
            failures.check(input, "familiar name", r.familiar_name().as_str(), familiar);
            failures.check(input, "full name", r.to_string().as_str(), full);
            failures.check(input, "domain", r.domain.as_str(), domain);
            failures.check(input, "path", r.path.as_str(), path);
        }
    }
    failures.assert_none();
}

/// distribution/reference `TestParseReferenceWithTagAndDigest`.
#[test]
fn upstream_tag_and_digest() {
    let short =
        "busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
    let r = ImageRef::parse_normalized(short).expect("valid reference");
    assert_eq!(r.to_string(), format!("docker.io/library/{short}"));
    assert_eq!(r.tag.as_deref(), Some("latest"));
    assert!(r.digest.is_some());
    assert_eq!(r.familiar_string(), short);
}

/// distribution/reference `TestInvalidReferenceComponents`.
#[test]
fn upstream_invalid_components() {
    assert!(ImageRef::parse_normalized("-foo").is_err());
    let r = ImageRef::parse_normalized("busybox").expect("valid reference");
    assert_eq!(r.with_tag("-foo"), Err(RefError::TagInvalid));
    assert_eq!(r.with_digest("foo"), Err(RefError::DigestInvalid));
}

/// distribution/reference `TestParseAnyReference`.
#[test]
fn upstream_parse_any_reference() {
    let d = format!("sha256:{HEX64}");
    let hex63 = &HEX64[..63];
    // (input, display, whether it is a bare digest)
    let cases = [
        (
            "redis".to_owned(),
            "docker.io/library/redis".to_owned(),
            false,
        ),
        (
            "redis:latest".into(),
            "docker.io/library/redis:latest".into(),
            false,
        ),
        (
            "docker.io/library/redis:latest".into(),
            "docker.io/library/redis:latest".into(),
            false,
        ),
        (
            format!("redis@{d}"),
            format!("docker.io/library/redis@{d}"),
            false,
        ),
        (
            format!("docker.io/library/redis@{d}"),
            format!("docker.io/library/redis@{d}"),
            false,
        ),
        (
            "dmcgowan/myapp".into(),
            "docker.io/dmcgowan/myapp".into(),
            false,
        ),
        (
            "dmcgowan/myapp:latest".into(),
            "docker.io/dmcgowan/myapp:latest".into(),
            false,
        ),
        (
            "docker.io/mcgowan/myapp:latest".into(),
            "docker.io/mcgowan/myapp:latest".into(),
            false,
        ),
        (
            format!("dmcgowan/myapp@{d}"),
            format!("docker.io/dmcgowan/myapp@{d}"),
            false,
        ),
        (
            format!("docker.io/dmcgowan/myapp@{d}"),
            format!("docker.io/dmcgowan/myapp@{d}"),
            false,
        ),
        (HEX64.to_owned(), d.clone(), true),
        (d.clone(), d.clone(), true),
        (
            hex63.to_owned(),
            format!("docker.io/library/{hex63}"),
            false,
        ),
        ("dbcc1".into(), "docker.io/library/dbcc1".into(), false),
    ];
    let mut failures = Failures::default();
    for (input, display, is_digest) in &cases {
        let Ok(got) = parse_any_reference(input) else {
            failures.check(input, "parse", false, true);
            continue;
        };
        failures.check(input, "display", &got.to_string(), display);
        failures.check(input, "kind", matches!(got, AnyRef::Digest(_)), *is_digest);
        if let AnyRef::Named(r) = &got {
            failures.check(
                input,
                "same as strict parse",
                Ok(r),
                ImageRef::parse(display).as_ref(),
            );
        }
    }
    failures.assert_none();
}

/// distribution/reference `TestNormalizedSplitHostname`.
#[test]
fn upstream_normalized_split_hostname() {
    let cases = [
        ("test.com/foo", "test.com", "foo"),
        ("test_com/foo", "docker.io", "test_com/foo"),
        ("docker/migrator", "docker.io", "docker/migrator"),
        ("test.com:8080/foo", "test.com:8080", "foo"),
        ("test-com:8080/foo", "test-com:8080", "foo"),
        ("foo", "docker.io", "library/foo"),
        ("xn--n3h.com/foo", "xn--n3h.com", "foo"),
        ("xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo"),
        ("docker.io/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo", "docker.io", "library/foo"),
        ("docker.io/library/foo/bar", "docker.io", "library/foo/bar"),
    ];
    let mut failures = Failures::default();
    for (input, domain, path) in cases {
        let got = ImageRef::parse_normalized(input).map(|r| (r.domain, r.path));
        failures.check(
            input,
            "split",
            got,
            Ok((domain.to_owned(), path.to_owned())),
        );
    }
    failures.assert_none();
}

/// distribution/reference `TestParseDockerRef`.
#[test]
fn upstream_parse_docker_ref() {
    let d = "sha256:e6693c20186f837fc393390135d8a598a96a833917917789d63766cab6c59582";
    let cases = [
        (
            "busybox".to_owned(),
            "docker.io/library/busybox:latest".to_owned(),
        ),
        (
            "busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            format!("busybox@{d}"),
            format!("docker.io/library/busybox@{d}"),
        ),
        (
            "library/busybox".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/busybox".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/library/busybox".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "library/busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "docker.io/library/busybox:latest".into(),
            "docker.io/library/busybox:latest".into(),
        ),
        (
            "gcr.io/library/busybox".into(),
            "gcr.io/library/busybox:latest".into(),
        ),
        (
            format!("gcr.io/library/busybox:latest@{d}"),
            format!("gcr.io/library/busybox@{d}"),
        ),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        let got = ImageRef::parse_docker_ref(input).map(|r| r.to_string());
        failures.check(input, "normalised", got, Ok(want.clone()));
        failures.check(
            input,
            "reparses",
            ImageRef::parse_unnormalized(want).is_ok(),
            true,
        );
    }
    failures.assert_none();
}

/// distribution/reference `TestDomainRegexp`.
#[test]
fn upstream_domain_regexp() {
    let cases = [
        ("test.com", true),
        ("test.com:10304", true),
        ("test.com:http", false),
        ("localhost", true),
        ("localhost:8080", true),
        ("a", true),
        ("a.b", true),
        ("ab.cd.com", true),
        ("a-b.com", true),
        ("-ab.com", false),
        ("ab-.com", false),
        ("ab.c-om", true),
        ("ab.-com", false),
        ("ab.com-", false),
        ("0101.com", true),
        ("001a.com", true),
        ("b.gbc.io:443", true),
        ("b.gbc.io", true),
        ("xn--n3h.com", true),
        ("Asdf.com", true),
        ("192.168.1.1:75050", true),
        ("192.168.1.1:750050", true),
        ("[fd00:1:2::3]:75050", true),
        ("[fd00:1:2::3]75050", false),
        ("[fd00:1:2::3]::75050", false),
        ("[fd00:1:2::3%eth0]:75050", false),
        ("[fd00123123123]:75050", true),
        ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", true),
        ("[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", true),
        ("fd00:1:2::3:75050", false),
    ];
    let mut failures = Failures::default();
    for (input, want) in cases {
        failures.check(input, "is domain", is_valid_domain(input), want);
    }
    failures.assert_none();
}

/// distribution/reference `TestFullNameRegexp` (anchored name: domain and path captures).
#[test]
fn upstream_full_name_regexp() {
    let long = format!("{}a", repeat("a/", 128));
    let long_path = format!("{}a", repeat("a/", 127));
    // (input, Some((domain, path)) when it matches)
    let cases: Vec<(&str, Option<(&str, &str)>)> = vec![
        ("", None),
        ("short", Some(("", "short"))),
        ("simple/name", Some(("simple", "name"))),
        ("library/ubuntu", Some(("library", "ubuntu"))),
        ("docker/stevvooe/app", Some(("docker", "stevvooe/app"))),
        (
            "aa/aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb",
            Some(("aa", "aa/aa/aa/aa/aa/aa/aa/aa/bb/bb/bb/bb/bb/bb")),
        ),
        ("aa/aa/bb/bb/bb", Some(("aa", "aa/bb/bb/bb"))),
        ("a/a/a/a", Some(("a", "a/a/a"))),
        ("a/a/a/a/", None),
        ("a//a/a", None),
        ("a", Some(("", "a"))),
        ("a/aa", Some(("a", "aa"))),
        ("a/aa/a", Some(("a", "aa/a"))),
        ("foo.com", Some(("", "foo.com"))),
        ("foo.com/", None),
        ("foo.com:8080/bar", Some(("foo.com:8080", "bar"))),
        ("foo.com:http/bar", None),
        ("foo.com/bar", Some(("foo.com", "bar"))),
        ("foo.com/bar/baz", Some(("foo.com", "bar/baz"))),
        ("localhost:8080/bar", Some(("localhost:8080", "bar"))),
        (
            "sub-dom1.foo.com/bar/baz/quux",
            Some(("sub-dom1.foo.com", "bar/baz/quux")),
        ),
        ("blog.foo.com/bar/baz", Some(("blog.foo.com", "bar/baz"))),
        ("a^a", None),
        ("aa/asdf$$^/aa", None),
        ("asdf$$^/aa", None),
        ("aa-a/a", Some(("aa-a", "a"))),
        (&long, Some(("a", &long_path))),
        ("a-/a/a/a", None),
        ("foo.com/a-/a/a", None),
        ("-foo/bar", None),
        ("foo/bar-", None),
        ("foo-/bar", None),
        ("foo/-bar", None),
        ("_foo/bar", None),
        ("foo_bar", Some(("", "foo_bar"))),
        ("foo_bar.com", Some(("", "foo_bar.com"))),
        ("foo_bar.com:8080", None),
        ("foo_bar.com:8080/app", None),
        ("foo.com/foo_bar", Some(("foo.com", "foo_bar"))),
        ("____/____", None),
        ("_docker/_docker", None),
        ("docker_/docker_", None),
        (
            "b.gcr.io/test.example.com/my-app",
            Some(("b.gcr.io", "test.example.com/my-app")),
        ),
        ("xn--n3h.com/myimage", Some(("xn--n3h.com", "myimage"))),
        ("xn--7o8h.com/myimage", Some(("xn--7o8h.com", "myimage"))),
        (
            "example.com/xn--7o8h.com/myimage",
            Some(("example.com", "xn--7o8h.com/myimage")),
        ),
        (
            "example.com/some_separator__underscore/myimage",
            Some(("example.com", "some_separator__underscore/myimage")),
        ),
        ("example.com/__underscore/myimage", None),
        ("example.com/..dots/myimage", None),
        ("example.com/.dots/myimage", None),
        ("example.com/nodouble..dots/myimage", None),
        ("docker./docker", None),
        (".docker/docker", None),
        ("docker-/docker", None),
        ("-docker/docker", None),
        ("do..cker/docker", None),
        ("do__cker:8080/docker", None),
        ("do__cker/docker", Some(("", "do__cker/docker"))),
        (
            "registry.io/foo/project--id.module--name.ver---sion--name",
            Some((
                "registry.io",
                "foo/project--id.module--name.ver---sion--name",
            )),
        ),
        ("Asdf.com/foo/bar", Some(("Asdf.com", "foo/bar"))),
        ("Foo/FarB", None),
    ];
    let mut failures = Failures::default();
    for (input, want) in cases {
        let got = ImageRef::from_name(input).ok().map(|r| (r.domain, r.path));
        let want = want.map(|(d, p)| (d.to_owned(), p.to_owned()));
        failures.check(input, "name split", got, want);
    }
    failures.assert_none();
}

/// distribution/reference `TestReferenceRegexp` (name, tag and digest captures).
#[test]
fn upstream_reference_regexp() {
    let d = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
    // (input, (name, tag, digest) when it matches)
    type Case = (String, Option<(&'static str, &'static str, &'static str)>);
    let cases: Vec<Case> = vec![
        (
            "registry.com:8080/myapp:tag".into(),
            Some(("registry.com:8080/myapp", "tag", "")),
        ),
        (
            format!("registry.com:8080/myapp@{d}"),
            Some(("registry.com:8080/myapp", "", d)),
        ),
        (
            format!("registry.com:8080/myapp:tag2@{d}"),
            Some(("registry.com:8080/myapp", "tag2", d)),
        ),
        ("registry.com:8080/myapp@sha256:badbadbadbad".into(), None),
        ("registry.com:8080/myapp:invalid~tag".into(), None),
        ("bad_hostname.com:8080/myapp:tag".into(), None),
        (
            format!("localhost:8080@{d}"),
            Some(("localhost", "8080", d)),
        ),
        (
            format!("localhost:8080/name@{d}"),
            Some(("localhost:8080/name", "", d)),
        ),
        (format!("localhost:http/name@{d}"), None),
        (format!("localhost@{d}"), Some(("localhost", "", d))),
        ("registry.com:8080/myapp@bad".into(), None),
        ("registry.com:8080/myapp@2bad".into(), None),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        let got = ImageRef::parse_unnormalized(input).ok().map(|r| {
            (
                r.name(),
                r.tag.unwrap_or_default(),
                r.digest.unwrap_or_default(),
            )
        });
        let want = want.map(|(n, t, d)| (n.to_owned(), t.to_owned(), d.to_owned()));
        failures.check(input, "captures", got, want);
    }
    failures.assert_none();
}

/// distribution/reference `TestIdentifierRegexp`.
#[test]
fn upstream_identifier_regexp() {
    let cases = [
        (
            "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821",
            true,
        ),
        (
            "7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C",
            false,
        ),
        (
            "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf",
            false,
        ),
        (
            "sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821",
            false,
        ),
        (
            "da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482",
            false,
        ),
    ];
    let mut failures = Failures::default();
    for (input, want) in cases {
        failures.check(input, "is identifier", is_identifier(input), want);
    }
    failures.assert_none();
}

/// go-digest `TestParseDigest`, read with go-digest v1.0.0 and sha256/sha384/sha512 registered
/// (blake3 is a separate module Docker does not register, so it is unsupported here).
#[test]
fn go_digest_parse() {
    let sha384 = "d3fc7881460b7e22e3d172954463dddd7866d17597e7248453c48b3e9d26d9596bf9c4a9cf8072c9d5bad76e19af801d";
    let cases: Vec<(String, Result<(), RefError>)> = vec![
        (
            "sha256:e58fcf7418d4390dec8e8fb69d88c06ec07039d651fedd3aa72af9972e7d046b".into(),
            Ok(()),
        ),
        (format!("sha384:{sha384}"), Ok(())),
        (SHA512_F.into(), Ok(())),
        (
            "blake3:af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262".into(),
            Err(RefError::DigestUnsupported),
        ),
        ("".into(), Err(RefError::ChecksumFormat)),
        ("     ".into(), Err(RefError::ChecksumFormat)),
        ("sha256:".into(), Err(RefError::ChecksumFormat)),
        (
            format!("sha256:{}", repeat(" ", 64)),
            Err(RefError::ChecksumFormat),
        ),
        (":".into(), Err(RefError::ChecksumFormat)),
        (
            "d41d8cd98f00b204e9800998ecf8427e".into(),
            Err(RefError::ChecksumFormat),
        ),
        (
            "sha256:d41d8cd98f00b204e9800m98ecf8427e".into(),
            Err(RefError::ChecksumLength),
        ),
        (
            "sha256:abcdef0123456789".into(),
            Err(RefError::ChecksumLength),
        ),
        (
            "sha512:abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789".into(),
            Err(RefError::ChecksumLength),
        ),
        (
            "foo:d41d8cd98f00b204e9800998ecf8427e".into(),
            Err(RefError::DigestUnsupported),
        ),
        (
            format!("sha384__foo+bar:{sha384}"),
            Err(RefError::ChecksumFormat),
        ),
        (
            format!("sha384.foo+bar:{sha384}"),
            Err(RefError::DigestUnsupported),
        ),
        (
            format!("sha384_foo+bar:{sha384}"),
            Err(RefError::DigestUnsupported),
        ),
        (
            "sha256+b64:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564".into(),
            Err(RefError::DigestUnsupported),
        ),
        (
            "sha256:E58FCF7418D4390DEC8E8FB69D88C06EC07039D651FEDD3AA72AF9972E7D046B".into(),
            Err(RefError::ChecksumFormat),
        ),
        // Own cases: uppercase algorithms are not go-digest's shape at all.
        (format!("SHA256:{HEX64}"), Err(RefError::ChecksumFormat)),
        (format!("sha256:{HEX64}:"), Err(RefError::ChecksumLength)),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        failures.check(input, "validate", validate_digest(input), want.clone());
    }
    failures.assert_none();
}

#[test]
fn error_messages_match_upstream() {
    let cases = [
        (
            ImageRef::parse_normalized("ubu:ntu:x"),
            "invalid reference format",
        ),
        (
            ImageRef::parse_unnormalized(""),
            "repository name must have at least one component",
        ),
        (
            ImageRef::parse_normalized(&repeat("a", 300)),
            "repository name must not be more than 255 characters",
        ),
        (
            ImageRef::parse_normalized("Ubuntu"),
            "invalid reference format: repository name (library/Ubuntu) must be lowercase",
        ),
        (
            ImageRef::parse_unnormalized("Uppercase:tag"),
            "repository name must be lowercase",
        ),
        (
            ImageRef::parse("ubuntu"),
            "repository name must be canonical",
        ),
        (
            ImageRef::parse_normalized(HEX64),
            "invalid repository name (dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c), cannot specify 64-byte hexadecimal strings",
        ),
        (
            ImageRef::parse_normalized("a@sha256:abc0abc0abc0abc0abc0abc0abc0abc0"),
            "invalid checksum digest length",
        ),
        (
            ImageRef::parse_normalized(&format!("a@sha256:{}", repeat("A", 64))),
            "invalid checksum digest format",
        ),
        (
            ImageRef::parse_normalized(&format!("a@md5:{HEX64}")),
            "unsupported digest algorithm",
        ),
    ];
    let mut failures = Failures::default();
    for (i, (got, want)) in cases.iter().enumerate() {
        let got = got.as_ref().map_err(ToString::to_string);
        failures.check(&i.to_string(), "message", got.err(), Some(want.to_string()));
    }
    let hub = ImageRef::parse_normalized("busybox").expect("valid reference");
    failures.check(
        "tag",
        "message",
        hub.with_tag("-x").unwrap_err().to_string(),
        "invalid tag format".into(),
    );
    failures.check(
        "digest",
        "message",
        hub.with_digest("x").unwrap_err().to_string(),
        "invalid digest format".into(),
    );
    failures.assert_none();
}

/// Own cases for the normalising parser: `(input, full form or error)`.
#[test]
fn normalised_edge_cases() {
    let d = format!("sha256:{HEX64}");
    let cases: Vec<(String, Result<String, RefError>)> = vec![
        ("localhost:5000/a".into(), Ok("localhost:5000/a".into())),
        ("localhost/a".into(), Ok("localhost/a".into())),
        ("localhost".into(), Ok("docker.io/library/localhost".into())),
        (
            "localhost:5000".into(),
            Ok("docker.io/library/localhost:5000".into()),
        ),
        ("[::1]:5000/a:tag".into(), Ok("[::1]:5000/a:tag".into())),
        ("[::1]/a".into(), Ok("[::1]/a".into())),
        (format!("a@{d}"), Ok(format!("docker.io/library/a@{d}"))),
        (
            format!("a:tag@{d}"),
            Ok(format!("docker.io/library/a:tag@{d}")),
        ),
        ("UPPER/x".into(), Ok("UPPER/x".into())),
        (
            "UPPER/X".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("X".into()),
            }),
        ),
        (
            "x/UPPER".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("x/UPPER".into()),
            }),
        ),
        (
            "Ubuntu:22.04".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("library/Ubuntu".into()),
            }),
        ),
        (
            "ubuntu:TAG".into(),
            Ok("docker.io/library/ubuntu:TAG".into()),
        ),
        (
            "FOO_BAR/x".into(),
            Err(RefError::NameContainsUppercase { name: None }),
        ),
        (
            "docker.io/ubuntu".into(),
            Ok("docker.io/library/ubuntu".into()),
        ),
        (
            "docker.io/ubuntu:22.04".into(),
            Ok("docker.io/library/ubuntu:22.04".into()),
        ),
        (
            "index.docker.io/library/x".into(),
            Ok("docker.io/library/x".into()),
        ),
        ("index.docker.io/x".into(), Ok("docker.io/library/x".into())),
        ("index.docker.io/u/x".into(), Ok("docker.io/u/x".into())),
        (
            "ghcr.io/acme/app:1.2".into(),
            Ok("ghcr.io/acme/app:1.2".into()),
        ),
        (
            "registry.example.com:5000/team/app".into(),
            Ok("registry.example.com:5000/team/app".into()),
        ),
        // A first component that looks like a host but is not one: upstream keeps the whole
        // as a path with no domain.
        ("foo_bar.com/app".into(), Ok("foo_bar.com/app".into())),
        ("ubuntu:".into(), Err(RefError::Format)),
        ("ubuntu@".into(), Err(RefError::Format)),
        ("ubuntu:tag@".into(), Err(RefError::Format)),
        (":".into(), Err(RefError::Format)),
        ("".into(), Err(RefError::Format)),
        (" ubuntu".into(), Err(RefError::Format)),
        ("ubuntu ".into(), Err(RefError::Format)),
        ("/ubuntu".into(), Err(RefError::Format)),
        ("ubuntu/".into(), Err(RefError::Format)),
        ("ubuntu:a/b".into(), Err(RefError::Format)),
        ("ubuntu@sha256:abc".into(), Err(RefError::Format)),
        (
            format!("ubuntu:{}", repeat("t", 128)),
            Ok(format!("docker.io/library/ubuntu:{}", repeat("t", 128))),
        ),
        (
            format!("ubuntu:{}", repeat("t", 129)),
            Err(RefError::Format),
        ),
        ("ubuntu:.tag".into(), Err(RefError::Format)),
        (
            "ubuntu:_tag".into(),
            Ok("docker.io/library/ubuntu:_tag".into()),
        ),
        (
            repeat("a", 247),
            Ok(format!("docker.io/library/{}", repeat("a", 247))),
        ),
        (repeat("a", 248), Err(RefError::NameTooLong)),
        (
            "ubuntu@SHA256:x".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("library/ubuntu@SHA256".into()),
            }),
        ),
        (
            "ÜBUNTU".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("library/ÜBUNTU".into()),
            }),
        ),
        ("ubüntu".into(), Err(RefError::Format)),
        (
            "\u{212a}ube".into(),
            Err(RefError::NameContainsUppercase {
                name: Some("library/\u{212a}ube".into()),
            }),
        ),
        ("a\0b".into(), Err(RefError::Format)),
    ];
    let mut failures = Failures::default();
    for (input, want) in &cases {
        let got = ImageRef::parse_normalized(input).map(|r| r.to_string());
        failures.check(input, "normalised", got, want.clone());
    }
    failures.assert_none();
}

#[test]
fn accessors() {
    // (input, familiar name, familiar string, docker hub, official, repository)
    let cases = [
        ("ubuntu", "ubuntu", "ubuntu", true, true, "ubuntu"),
        (
            "ubuntu:22.04",
            "ubuntu",
            "ubuntu:22.04",
            true,
            true,
            "ubuntu",
        ),
        (
            "docker.io/library/ubuntu:22.04",
            "ubuntu",
            "ubuntu:22.04",
            true,
            true,
            "ubuntu",
        ),
        ("user/app", "user/app", "user/app", true, false, "app"),
        (
            "library/a/b",
            "library/a/b",
            "library/a/b",
            true,
            false,
            "b",
        ),
        (
            "ghcr.io/x/y:1",
            "ghcr.io/x/y",
            "ghcr.io/x/y:1",
            false,
            false,
            "y",
        ),
        (
            "localhost:5000/a",
            "localhost:5000/a",
            "localhost:5000/a",
            false,
            false,
            "a",
        ),
        (
            "foo_bar.com/app",
            "foo_bar.com/app",
            "foo_bar.com/app",
            false,
            false,
            "app",
        ),
    ];
    let mut failures = Failures::default();
    for (input, familiar, familiar_string, hub, official, repository) in cases {
        let r = ImageRef::parse_normalized(input).expect("valid reference");
        failures.check(input, "familiar name", r.familiar_name().as_str(), familiar);
        failures.check(
            input,
            "familiar string",
            r.familiar_string().as_str(),
            familiar_string,
        );
        failures.check(input, "docker hub", r.is_docker_hub(), hub);
        failures.check(input, "official", r.is_official_image(), official);
        failures.check(input, "repository", r.repository(), repository);
    }
    failures.assert_none();

    let d = format!("sha256:{HEX64}");
    let name_only = ImageRef::parse_normalized("ubuntu").expect("valid reference");
    assert!(name_only.is_name_only());
    assert_eq!(
        name_only.with_default_tag().to_string(),
        "docker.io/library/ubuntu:latest"
    );
    let tagged = ImageRef::parse_normalized("ubuntu:22.04").expect("valid reference");
    assert_eq!(tagged.with_default_tag(), tagged);
    let pinned = ImageRef::parse_normalized(&format!("ubuntu@{d}")).expect("valid reference");
    assert_eq!(pinned.with_default_tag(), pinned);
    let both = ImageRef::parse_normalized(&format!("ubuntu:22.04@{d}")).expect("valid reference");
    assert_eq!(both.name_only(), name_only);
    assert_eq!(both.familiar_string(), format!("ubuntu:22.04@{d}"));
    assert_eq!(both.name(), "docker.io/library/ubuntu");
    assert_eq!("ubuntu".parse::<ImageRef>(), Ok(name_only));
    assert!(is_valid_tag("latest") && !is_valid_tag("") && !is_valid_tag("-x"));
}

#[test]
fn registry_glob_match() {
    // (pattern, image, matches)
    let cases = [
        ("docker.io", "ubuntu", true),
        ("docker.io", "user/app", true),
        ("docker.io", "ghcr.io/x/y", false),
        ("index.docker.io", "ubuntu", true),
        ("DOCKER.IO", "ubuntu", true),
        ("docker.io/library/*", "ubuntu", true),
        ("docker.io/library/*", "user/app", false),
        ("docker.io/ubuntu", "ubuntu:22.04", true),
        ("docker.io/ubuntu", "debian", false),
        ("docker.io/library/ubuntu", "ubuntu", true),
        ("docker.io/user/*", "user/app", true),
        ("docker.io/*", "user/app", true),
        ("ghcr.io", "ghcr.io/acme/app", true),
        ("ghcr.io/acme/*", "ghcr.io/acme/app:1", true),
        ("ghcr.io/acme/*", "ghcr.io/acme/team/app", true),
        ("ghcr.io/acme/*", "ghcr.io/acme", false),
        ("ghcr.io/acme/*", "ghcr.io/acme-evil/app", false),
        ("ghcr.io/acme/", "ghcr.io/acme/app", true),
        ("ghcr.io/acme/app", "ghcr.io/acme/app", true),
        ("ghcr.io/acme/app", "ghcr.io/acme/app2", false),
        ("ghcr.io/acme", "ghcr.io/acme/app", false),
        ("ghcr.io", "ghcr.io.evil.com/acme/app", false),
        ("ghcr.io", "evilghcr.io/acme/app", false),
        (
            "registry.example.com:5000",
            "registry.example.com:5000/app",
            true,
        ),
        (
            "registry.example.com:5000",
            "registry.example.com/app",
            false,
        ),
        (
            "registry.example.com",
            "registry.example.com:5000/app",
            false,
        ),
        ("*.example.com", "registry.example.com/app", true),
        ("*.example.com", "a.b.example.com/app", true),
        ("*.example.com", "example.com/app", false),
        ("*.example.com", "badexample.com/app", false),
        ("*.example.com", "registry.example.com:5000/app", false),
        ("*.example.com:5000", "registry.example.com:5000/app", true),
        ("*", "anything.io/x", true),
        ("*/library/*", "ubuntu", true),
        ("localhost:5000", "localhost:5000/a", true),
        ("[::1]:5000", "[::1]:5000/a:tag", true),
        ("[::1]", "[::1]:5000/a", false),
        ("  ghcr.io  ", "ghcr.io/x/y", true),
        ("", "ubuntu", false),
        ("/", "ubuntu", false),
        ("ubuntu", "ubuntu", false),
    ];
    let mut failures = Failures::default();
    for (pattern, image, want) in cases {
        let image_ref = ImageRef::parse_normalized(image).expect("valid reference");
        let case = format!("{pattern} ~ {image}");
        failures.check(
            &case,
            "matches",
            split_registry_glob_match(pattern, &image_ref),
            want,
        );
    }
    failures.assert_none();
}

/// A small deterministic generator, so the property tests need no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Checks what must hold for any input, and that nothing panics.
fn check_invariants(input: &str, failures: &mut Failures) {
    if let Ok(r) = ImageRef::parse_normalized(input) {
        let full = r.to_string();
        failures.check(input, "path length", r.path.len() <= 255, true);
        failures.check(
            input,
            "reparse",
            ImageRef::parse_normalized(&full).as_ref(),
            Ok(&r),
        );
        failures.check(input, "canonical", ImageRef::parse(&full).as_ref(), Ok(&r));
        if let Some(digest) = &r.digest {
            failures.check(input, "digest", validate_digest(digest), Ok(()));
        }
        if let Some(tag) = &r.tag {
            failures.check(input, "tag", is_valid_tag(tag), true);
        }
        if !r.domain.is_empty() {
            failures.check(
                input,
                "host glob",
                split_registry_glob_match(&r.domain, &r),
                true,
            );
            failures.check(
                input,
                "name glob",
                split_registry_glob_match(&r.name(), &r),
                true,
            );
        }
        let _ = (
            r.familiar_string(),
            r.repository(),
            r.is_official_image(),
            r.with_default_tag(),
        );
    }
    if let Ok(r) = ImageRef::parse_unnormalized(input) {
        failures.check(
            input,
            "unnormalised round trip",
            r.to_string().as_str(),
            input,
        );
    }
    if let Ok(r) = ImageRef::parse(input) {
        failures.check(input, "canonical round trip", r.to_string().as_str(), input);
    }
    let _ = parse_any_reference(input);
    let _ = ImageRef::from_name(input);
    let _ = ImageRef::parse_docker_ref(input);
    let _ = is_valid_domain(input);
    let _ = validate_digest(input);
    if let Ok(hub) = ImageRef::parse_normalized("ubuntu") {
        let _ = split_registry_glob_match(input, &hub);
    }
}

#[test]
fn random_inputs_keep_invariants() {
    let fragments = [
        "a",
        "z",
        "0",
        "9",
        "A",
        "Z",
        ".",
        "_",
        "__",
        "-",
        "--",
        "/",
        ":",
        "@",
        "[",
        "]",
        "::1",
        "sha256:",
        HEX64,
        "f",
        "localhost",
        "docker.io",
        "index.docker.io",
        "library",
        "5000",
        "latest",
        "*",
        "é",
        "İ",
        "\u{212a}",
        "\0",
        " ",
        "%",
        "ghcr.io",
        "x",
        "*.",
        "md5:",
    ];
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let mut failures = Failures::default();
    for _ in 0..20_000 {
        let len = 1 + rng.below(10);
        let input: String = (0..len)
            .map(|_| fragments[rng.below(fragments.len())])
            .collect();
        check_invariants(&input, &mut failures);
    }
    for _ in 0..2_000 {
        let len = rng.below(40);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check_invariants(&String::from_utf8_lossy(&bytes), &mut failures);
    }
    failures.assert_none();
}

#[test]
fn megabyte_inputs_do_not_panic() {
    const MB: usize = 1 << 20;
    let cases: Vec<(String, Option<RefError>)> = vec![
        (repeat("a", MB), Some(RefError::NameTooLong)),
        (repeat("a/", MB / 2) + "a", Some(RefError::NameTooLong)),
        (
            format!("ghcr.io/{}", repeat("a", MB)),
            Some(RefError::NameTooLong),
        ),
        (
            format!("ubuntu:{}", repeat("t", MB)),
            Some(RefError::Format),
        ),
        (
            format!("ubuntu@sha256:{}", repeat("f", MB)),
            Some(RefError::ChecksumLength),
        ),
        (repeat("A", MB), None),
        (repeat(":", MB), None),
        (repeat("@", MB), None),
        (repeat("/", MB), None),
        (repeat("[", MB), None),
        (format!("[{}]:5000/a", repeat(":", MB)), None),
        (repeat("a.", MB / 2) + "/a", None),
        (repeat("a-", MB / 2), None),
        (repeat("a__", MB / 3), None),
        (repeat("é", MB / 2), None),
    ];
    let hub = ImageRef::parse_normalized("ubuntu").expect("valid reference");
    let mut failures = Failures::default();
    for (input, want) in &cases {
        let case: String = input.chars().take(24).collect();
        let got = ImageRef::parse_normalized(input);
        if let Some(want) = want {
            failures.check(&case, "error", got.err().as_ref(), Some(want));
        }
        // Every entry point scans the whole input once; none may panic.
        let _ = ImageRef::parse_unnormalized(input);
        let _ = ImageRef::from_name(input);
        let _ = parse_any_reference(input);
        let _ = split_registry_glob_match(input, &hub);
    }
    failures.assert_none();
}
