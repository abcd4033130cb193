//! Provider formats: each kind is found in context, and its look-alikes are not.

mod common;

use common::*;
use seguro_secrets::{Confidence, Kind, mask, scan};

#[test]
fn aws_access_key_ids() {
    for (i, p) in ["AKIA", "ASIA", "ABIA", "ACCA"].iter().enumerate() {
        let id = fake(p, 16, UPPER_DIGITS, i as u64);
        let c = assert_one(
            &format!("ENV AWS_ACCESS_KEY_ID={id}\n"),
            Kind::AwsAccessKeyId,
            &id,
        );
        assert_eq!(c, Confidence::High);
        assert_one(&format!("key: \"{id}\""), Kind::AwsAccessKeyId, &id);
        assert_eq!(mask(&id), format!("{p}****"));
    }
}

#[test]
fn aws_access_key_id_lookalikes() {
    let body = rand(7, 16, UPPER_DIGITS);
    // The AWS documentation example, built so this file does not hold it literally.
    assert_none(&format!("id={}{}", "AKIAIOSFODNN7", "EXAMPLE"));
    assert_none(&format!("akia{body}")); // lower case
    assert_none(&format!("AKIA{}", &body[..15])); // too short
    assert_none(&format!("AKIA{body}Q")); // too long
    assert_none(&format!("XAKIA{body}")); // glued to a word
    assert_none(&format!("AKIA{}", "A".repeat(16))); // one repeated character
    assert_none("ENV TZ=Asia/Tokyo LANG=C.UTF-8");
    assert_none("RUN echo ASIA_PACIFIC_REGION");
}

#[test]
fn aws_secret_access_key_by_name() {
    let id = fake("AKIA", 16, UPPER_DIGITS, 1);
    let secret = rand(2, 40, B64);
    let text = format!(
        "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\nregion = eu-west-1\n"
    );
    let f = scan(&text);
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!(f[0].kind, Kind::AwsAccessKeyId);
    assert_eq!(f[1].kind, Kind::AwsSecretAccessKey);
    assert_eq!(&text[f[1].span.clone()], secret);

    // By name alone, without an id nearby.
    assert_one(
        &format!("ENV AWS_SECRET_ACCESS_KEY=\"{secret}\""),
        Kind::AwsSecretAccessKey,
        &secret,
    );
    assert_one(
        &format!("RUN aws configure set aws_secret_access_key {secret}"),
        Kind::AwsSecretAccessKey,
        &secret,
    );
}

#[test]
fn aws_secret_access_key_near_an_id() {
    let id = fake("AKIA", 16, UPPER_DIGITS, 3);
    let secret = rand(4, 40, B64);
    let text = format!("creds = (\"{id}\", \"{secret}\")");
    assert_eq!(values(&text, Kind::AwsSecretAccessKey), [secret.as_str()]);
    // Far from the id: not taken.
    let far = format!("{id}\n{}\nx = \"{secret}\"", "#".repeat(400));
    assert!(values(&far, Kind::AwsSecretAccessKey).is_empty());
    // A 40-hex SHA-1 near the id is not a secret key.
    let sha1 = rand(5, 40, HEX);
    let text = format!("{id} {sha1}");
    assert!(values(&text, Kind::AwsSecretAccessKey).is_empty());
}

#[test]
fn aws_secret_access_key_lookalikes() {
    // The AWS documentation example secret.
    let doc = format!("{}{}", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY");
    assert_none(&format!("aws_secret_access_key = {doc}"));
    assert_none("aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}");
    assert_none("aws_secret_access_key=");
}

#[test]
fn github_tokens() {
    for (i, p) in ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].iter().enumerate() {
        let t = fake(p, 36, ALNUM, 10 + i as u64);
        let c = assert_one(
            &format!("RUN git clone https://{t}@github.com/o/r"),
            Kind::GithubToken,
            &t,
        );
        assert_eq!(c, Confidence::High);
        assert_eq!(mask(&t), format!("{p}****"));
    }
    let fine = format!("github_pat_{}_{}", rand(20, 22, ALNUM), rand(21, 59, ALNUM));
    assert_one(&format!("GH_TOKEN={fine}"), Kind::GithubToken, &fine);
    assert_eq!(mask(&fine), "github_pat_****");
}

#[test]
fn github_lookalikes() {
    assert_none(&fake("ghp_", 35, ALNUM, 1)); // too short
    assert_none(&format!("ghp_{}", "x".repeat(36))); // placeholder
    assert_none(&format!("ghp_{}", "A".repeat(36))); // one repeated character
    assert_none(&format!("ghp_{}", "aB".repeat(18))); // half one char, half another: filler
    assert_none(&format!("xghp_{}", rand(2, 36, ALNUM))); // glued
    assert_none(&format!("GHP_{}", rand(3, 36, ALNUM))); // wrong case
    assert_none(&format!("ghx_{}", rand(4, 36, ALNUM))); // unknown type
    assert_none(&format!("github_pat_{}", rand(5, 30, ALNUM))); // too short
    assert_none("ENV GITHUB_TOKEN=ghp_YOUR_TOKEN_HERE");
}

#[test]
fn gitlab_tokens() {
    for (i, p) in ["glpat-", "glptt-", "gldt-", "glrt-"].iter().enumerate() {
        let t = fake(p, 20, B64URL, 30 + i as u64);
        assert_one(&format!("token: {t}\n"), Kind::GitlabToken, &t);
        assert_eq!(mask(&t), format!("{p}****"));
    }
    assert_none(&format!("glpat-{}", "x".repeat(20)));
    assert_none(&fake("glpat-", 19, ALNUM, 1));
    assert_none(&format!("GLPAT-{}", rand(2, 20, ALNUM)));
}

#[test]
fn slack_tokens_and_webhooks() {
    for (i, p) in ["xoxa-", "xoxb-", "xoxp-", "xoxr-"].iter().enumerate() {
        let t = format!(
            "{p}{}-{}-{}",
            rand(40 + i as u64, 11, b"0123456789"),
            rand(50 + i as u64, 12, b"0123456789"),
            rand(60 + i as u64, 24, ALNUM)
        );
        assert_one(&format!("SLACK_BOT={t}"), Kind::SlackToken, &t);
        assert_eq!(mask(&t), format!("{p}****"));
    }
    let path = format!(
        "T{}/B{}/{}",
        rand(1, 8, UPPER_DIGITS),
        rand(2, 10, UPPER_DIGITS),
        rand(3, 24, ALNUM)
    );
    let url = format!("https://hooks.slack.com/services/{path}");
    let c = assert_one(&format!("curl -X POST {url}"), Kind::SlackWebhook, &path);
    assert_eq!(c, Confidence::High);

    assert_none("xoxb-your-bot-token");
    assert_none("xoxb-123");
    assert_none(&format!("xoxb-{}", "x".repeat(30)));
    assert_none("https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX");
    assert_none("see https://hooks.slack.com/ for details");
}

#[test]
fn stripe_keys() {
    for (i, p) in ["sk_live_", "rk_live_"].iter().enumerate() {
        let t = fake(p, 24, ALNUM, 70 + i as u64);
        assert_one(&format!("STRIPE={t}"), Kind::StripeLiveKey, &t);
        assert_eq!(mask(&t), format!("{p}****"));
    }
    // Test-mode and publishable keys are not secrets worth an error.
    assert_none(&format!("STRIPE={}", fake("sk_test_", 24, ALNUM, 1)));
    assert_none(&format!("STRIPE={}", fake("pk_live_", 24, ALNUM, 2)));
    assert_none(&fake("sk_live_", 10, ALNUM, 3));
}

#[test]
fn npm_tokens() {
    let t = fake("npm_", 36, ALNUM, 80);
    assert_one(
        &format!("//registry.npmjs.org/:_authToken={t}\n"),
        Kind::NpmToken,
        &t,
    );
    assert_eq!(mask(&t), "npm_****");
    assert_none("ENV npm_config_cache=/tmp/.npm npm_config_loglevel=warn");
    assert_none(&fake("npm_", 35, ALNUM, 1));
    assert_none(&fake("npm_", 37, ALNUM, 2));
}

#[test]
fn pypi_tokens() {
    let t = fake("pypi-AgEIcHlwaS5vcmc", 80, B64URL, 90);
    assert_one(
        &format!("[pypi]\nusername = __token__\npassword = {t}\n"),
        Kind::PypiToken,
        &t,
    );
    assert_eq!(mask(&t), "pypi-****");
    assert_none(&fake("pypi-AgEIcHlwaS5vcmc", 20, B64URL, 1));
    assert_none("pip install pypi-simple");
}

#[test]
fn google_api_keys() {
    let t = fake("AIza", 35, B64URL, 100);
    let c = assert_one(&format!("GOOGLE_API_KEY={t}"), Kind::GoogleApiKey, &t);
    assert_eq!(c, Confidence::Medium);
    assert_eq!(mask(&t), "AIza****");
    assert_none(&fake("AIza", 34, B64URL, 1));
    assert_none(&fake("AIza", 36, B64URL, 2));
    assert_none("Zaire AIza");
}

#[test]
fn gcp_service_account_json() {
    let body: Vec<String> = (0..10).map(|i| rand(200 + i, 64, B64)).collect();
    let key = format!(
        "-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n",
        body.join("\\n")
    );
    let json = format!(
        "{{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"{key}\",\n  \"client_email\": \"x@p.iam.gserviceaccount.com\"\n}}\n",
        rand(1, 40, HEX)
    );
    let f = one(&json);
    assert_eq!(f.kind, Kind::GcpServiceAccountKey);
    assert_eq!(f.confidence, Confidence::High);
    let v = &json[f.span.clone()];
    assert!(v.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert!(v.ends_with("-----END PRIVATE KEY-----"));
    assert_eq!(mask(v), "-----BEGIN PRIVATE KEY-----****");
}

#[test]
fn azure_storage_keys() {
    let key = format!("{}==", rand(110, 86, B64));
    let cs = format!(
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net"
    );
    assert_one(
        &format!("ENV AZURE_STORAGE_CONNECTION_STRING=\"{cs}\""),
        Kind::AzureStorageKey,
        &key,
    );
    let sb = format!(
        "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey={}=",
        rand(111, 43, B64)
    );
    assert_eq!(values(&sb, Kind::AzureStorageKey).len(), 1);

    assert_none("AccountKey=<your-account-key>");
    assert_none("AccountKey=${STORAGE_KEY};");
    assert_none("AccountKey=;");
    // The storage emulator's published key is public.
    assert_none(&format!(
        "AccountKey={}{};",
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/",
        "K1SZFPTOtr/KBHBeksoGMGw=="
    ));
}

#[test]
fn azure_sas_signatures() {
    let sig = format!("{}%3D", rand(120, 43, B64));
    let url = format!(
        "https://acct.blob.core.windows.net/c/b.tar?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig={sig}"
    );
    assert_one(&format!("ADD {url} /x\n"), Kind::AzureSasSignature, &sig);
    assert_none("https://example.com/?sig=abcdefghijklmnopqrstuvwx");
    assert_none("https://a.blob.core.windows.net/c?sv=2022&sig=<signature>");
    assert_none("sv=2022&sig=${SAS_SIG}");
}

#[test]
fn private_key_blocks() {
    for (i, label) in [
        "PRIVATE KEY",
        "RSA PRIVATE KEY",
        "EC PRIVATE KEY",
        "DSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
    ]
    .iter()
    .enumerate()
    {
        let block = pem(label, 8, 300 + i as u64);
        let text = format!("RUN cat > /root/key <<EOF\n{block}\nEOF\n");
        let c = assert_one(&text, Kind::PrivateKey, &block);
        assert_eq!(c, Confidence::High);
        assert_eq!(mask(&block), format!("-----BEGIN {label}-----****"));
    }
}

#[test]
fn private_key_in_echo_with_escapes() {
    let body: Vec<String> = (0..4).map(|i| rand(400 + i, 64, B64)).collect();
    let key = format!(
        "-----BEGIN OPENSSH PRIVATE KEY-----\\n{}\\n-----END OPENSSH PRIVATE KEY-----",
        body.join("\\n")
    );
    let text = format!("RUN echo -e \"{key}\" > /root/.ssh/id_ed25519");
    assert_one(&text, Kind::PrivateKey, &key);
}

#[test]
fn private_key_without_end_is_medium() {
    let block = pem("RSA PRIVATE KEY", 6, 500);
    let cut = &block[..block.find("-----END").unwrap()];
    let f = one(cut);
    assert_eq!(f.kind, Kind::PrivateKey);
    assert_eq!(f.confidence, Confidence::Medium);
    assert_eq!(&cut[f.span.clone()], cut.trim_end());
}

#[test]
fn private_key_lookalikes() {
    assert_none("-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----");
    assert_none("-----BEGIN RSA PRIVATE KEY-----\n<your key here>\n-----END RSA PRIVATE KEY-----");
    assert_none(&pem("PUBLIC KEY", 6, 1));
    assert_none(&pem("CERTIFICATE", 6, 2));
    assert_none(&pem("PGP PUBLIC KEY BLOCK", 6, 3));
    assert_none("RUN echo \"-----BEGIN RSA PRIVATE KEY-----\" > k && echo \"$KEY\" >> k");
    assert_none("grep -q 'BEGIN OPENSSH PRIVATE KEY' ~/.ssh/id_ed25519");
}

#[test]
fn jwts() {
    let t = jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"sub":"svc","iat":1700000000}"#,
        600,
    );
    let c = assert_one(&format!("Authorization: Bearer {t}"), Kind::Jwt, &t);
    assert_eq!(c, Confidence::Medium);
    assert_eq!(mask(&t), "eyJ****");
    // In an assignment, the JWT (specific) wins over the generic finding.
    assert_one(&format!("ENV API_TOKEN={t}"), Kind::Jwt, &t);
}

#[test]
fn jwt_lookalikes() {
    // Header without `alg`.
    assert_none(&jwt(r#"{"typ":"JWT"}"#, r#"{"sub":"x"}"#, 1));
    // Two parts only.
    let two = format!(
        "{}.{}",
        b64url(br#"{"alg":"HS256"}"#),
        b64url(br#"{"sub":"x"}"#)
    );
    assert_none(&two);
    // Unsigned (`alg: none`, empty signature).
    assert_none(&format!("{two}."));
    // Not base64 JSON.
    assert_none("eyJhbGciOiJub25lIn0.notjson.signaturesignaturesig");
    assert_none("Eyjafjallajokull erupted");
    // A Supabase-style anon key is public by design.
    assert_none(&jwt(
        r#"{"alg":"HS256","typ":"JWT"}"#,
        r#"{"iss":"supabase","role":"anon","iat":1700000000}"#,
        2,
    ));
}

#[test]
fn several_kinds_in_one_text_are_sorted_and_disjoint() {
    let gh = fake("ghp_", 36, ALNUM, 1);
    let id = fake("AKIA", 16, UPPER_DIGITS, 2);
    let st = fake("sk_live_", 30, ALNUM, 3);
    let text = format!("a={gh}\nb={id}\nc={st}\n");
    let f = scan(&text);
    let kinds: Vec<Kind> = f.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        [Kind::GithubToken, Kind::AwsAccessKeyId, Kind::StripeLiveKey]
    );
    for w in f.windows(2) {
        assert!(w[0].span.end <= w[1].span.start);
    }
}

#[test]
fn kind_ids_are_unique() {
    let all = [
        Kind::AwsAccessKeyId,
        Kind::AwsSecretAccessKey,
        Kind::GithubToken,
        Kind::GitlabToken,
        Kind::SlackToken,
        Kind::SlackWebhook,
        Kind::StripeLiveKey,
        Kind::NpmToken,
        Kind::PypiToken,
        Kind::GoogleApiKey,
        Kind::GcpServiceAccountKey,
        Kind::AzureStorageKey,
        Kind::AzureSasSignature,
        Kind::PrivateKey,
        Kind::Jwt,
        Kind::UrlCredentials,
        Kind::BasicAuth,
        Kind::AuthHeader,
        Kind::SecretAssignment,
    ];
    let ids: std::collections::HashSet<&str> = all.iter().map(|k| k.id()).collect();
    assert_eq!(ids.len(), all.len());
    for k in all {
        assert!(!k.description().is_empty());
        assert_eq!(k.to_string(), k.id());
    }
}
