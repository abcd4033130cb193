//! Real-registry test set-up: Debian's `docker-registry` (CNCF distribution 2.8) started on
//! a free 127.0.0.1 port with a generated configuration (storage in a temporary directory)
//! in one of three modes: open, htpasswd (Basic) or token auth, with a token server
//! written here (ES256 JWTs with an `x5c` header holding a self-signed certificate made
//! with the `openssl` command). Tests skip, saying so, when the registry binary is absent
//! (`scripts/setup/registry.sh` installs it). Also a fake HTTP server for error cases and
//! a tiny image to push.
#![allow(dead_code, clippy::print_stderr)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub const USER: &str = "alice";
pub const PASSWORD: &str = "correct horse battery staple";

/// The registry binary: `/opt/seguro-registry/usr/bin/docker-registry` or on PATH.
pub fn registry_binary() -> Option<PathBuf> {
    let installed = PathBuf::from("/opt/seguro-registry/usr/bin/docker-registry");
    if installed.is_file() {
        return Some(installed);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join("docker-registry"))
        .find(|p| p.is_file())
}

/// How the registry authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    Open,
    Htpasswd,
    Token,
}

/// A running registry; stopped when dropped.
pub struct Registry {
    child: Child,
    /// `127.0.0.1:<port>`.
    pub host: String,
    dir: tempfile::TempDir,
    _token: Option<TokenServer>,
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Registry {
    /// Starts a registry, or `None` (with a note) when the binary is not installed.
    pub fn start(auth: Auth) -> Option<Registry> {
        let Some(binary) = registry_binary() else {
            eprintln!(
                "note: skipping: docker-registry is not installed (run scripts/setup/registry.sh)"
            );
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let host = format!("127.0.0.1:{port}");
        let mut token = None;
        let auth_section = match auth {
            Auth::Open => String::new(),
            Auth::Htpasswd => {
                let hash = bcrypt::hash(PASSWORD, 4).unwrap();
                std::fs::write(dir.path().join("htpasswd"), format!("{USER}:{hash}\n")).unwrap();
                format!(
                    "auth:\n  htpasswd:\n    realm: seguro-test\n    path: {}\n",
                    dir.path().join("htpasswd").display()
                )
            }
            Auth::Token => {
                let server = TokenServer::start(dir.path())?;
                let section = format!(
                    "auth:\n  token:\n    realm: http://{}/token\n    service: seguro-test\n    \
                     issuer: seguro-test-issuer\n    rootcertbundle: {}\n",
                    server.host,
                    dir.path().join("cert.pem").display()
                );
                token = Some(server);
                section
            }
        };
        let config = format!(
            "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n\
             storage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\n\
             http:\n  addr: {host}\n  secret: seguro-test-secret\n{auth_section}",
            dir.path().join("data").display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let log = std::fs::File::create(dir.path().join("registry.log")).unwrap();
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        let registry = Registry {
            child,
            host,
            dir,
            _token: token,
        };
        registry.wait_ready();
        Some(registry)
    }

    fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(mut s) = TcpStream::connect(&self.host) {
                let _ = s.write_all(b"GET /v2/ HTTP/1.0\r\n\r\n");
                let mut first = String::new();
                if BufReader::new(s).read_line(&mut first).is_ok() && first.starts_with("HTTP/") {
                    return;
                }
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let log = std::fs::read_to_string(self.dir.path().join("registry.log")).unwrap_or_default();
        panic!("docker-registry did not start on {}:\n{log}", self.host);
    }

    /// `127.0.0.1:<port>/<path>`.
    pub fn reference(&self, path_and_tag: &str) -> String {
        format!("{}/{path_and_tag}", self.host)
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A token server: anonymous clients get `pull` on `public/*` only, [`USER`] with
/// [`PASSWORD`] gets whatever it asks for, a wrong password gets 401.
pub struct TokenServer {
    pub host: String,
    stop: Arc<AtomicBool>,
}

impl Drop for TokenServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(&self.host);
    }
}

impl TokenServer {
    /// Writes `cert.pem` (self-signed P-256) into `dir` and serves tokens signed with its
    /// key; `None` (with a note) without the `openssl` command.
    fn start(dir: &Path) -> Option<TokenServer> {
        let status = Command::new("openssl")
            .args([
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=seguro-test-token",
            ])
            .arg("-keyout")
            .arg(dir.join("key.pem"))
            .arg("-out")
            .arg(dir.join("cert.pem"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!(
                "note: skipping: the `openssl` command is needed to make the token certificate"
            );
            return None;
        }
        use p256::pkcs8::DecodePrivateKey as _;
        let key_pem = std::fs::read_to_string(dir.join("key.pem")).unwrap();
        let key = p256::ecdsa::SigningKey::from_pkcs8_pem(&key_pem).expect("PKCS#8 P-256 key");
        let cert_pem = std::fs::read_to_string(dir.join("cert.pem")).unwrap();
        let cert_b64: String = cert_pem
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let host = listener.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stop_thread = stop.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stop_thread.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let _ = serve_token(stream, &key, &cert_b64);
            }
        });
        Some(TokenServer { host, stop })
    }
}

/// A parsed HTTP request (enough for tests).
pub struct HttpRequest {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub fn read_request(stream: &TcpStream) -> std::io::Result<HttpRequest> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h)?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((n, v)) = h.split_once(':') {
            headers.push((n.trim().to_owned(), v.trim().to_owned()));
        }
    }
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    Ok(HttpRequest {
        method,
        target,
        headers,
        body,
    })
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        if bytes[i] == b'%'
            && let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn serve_token(
    stream: TcpStream,
    key: &p256::ecdsa::SigningKey,
    cert_b64: &str,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let request = read_request(&stream)?;
    let query = request.target.split_once('?').map_or("", |(_, q)| q);
    let mut service = String::new();
    let mut scopes = Vec::new();
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        match k {
            "service" => service = percent_decode(v),
            "scope" => scopes.push(percent_decode(v)),
            _ => {}
        }
    }
    let authenticated = match request.header("authorization") {
        None => false,
        Some(value) => {
            let decoded = value
                .strip_prefix("Basic ")
                .and_then(|b| STANDARD.decode(b).ok())
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            if decoded.as_deref() != Some(&format!("{USER}:{PASSWORD}")) {
                return respond(
                    &stream,
                    401,
                    "application/json",
                    br#"{"details":"wrong credentials"}"#,
                );
            }
            true
        }
    };
    let mut access = Vec::new();
    for scope in &scopes {
        let mut parts = scope.splitn(3, ':');
        let (Some(kind), Some(name), Some(actions)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let granted: Vec<&str> = actions
            .split(',')
            .filter(|a| authenticated || (name.starts_with("public/") && *a == "pull"))
            .collect();
        access.push(serde_json::json!({"type": kind, "name": name, "actions": granted}));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let header = serde_json::json!({"alg": "ES256", "typ": "JWT", "x5c": [cert_b64]});
    let claims = serde_json::json!({
        "iss": "seguro-test-issuer",
        "sub": if authenticated { USER } else { "" },
        "aud": service,
        "exp": now + 300,
        "nbf": now - 10,
        "iat": now,
        "jti": format!("{now}-{}", scopes.len()),
        "access": access,
    });
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    use p256::ecdsa::signature::Signer as _;
    let signature: p256::ecdsa::Signature = key.sign(signing_input.as_bytes());
    let jwt = format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    );
    let body = serde_json::json!({"token": jwt, "expires_in": 300}).to_string();
    respond(&stream, 200, "application/json", body.as_bytes())
}

pub fn respond(
    mut stream: &TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    stream.flush()
}

/// A fake server answering every connection with `answer(request, stream)`; returns its
/// `127.0.0.1:<port>`. The thread lives as long as the test process.
pub fn fake_server(answer: impl Fn(&HttpRequest, &TcpStream) + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let host = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            if let Ok(request) = read_request(&stream) {
                answer(&request, &stream);
            }
        }
    });
    host
}

/// A small image: one layer, a config with `labels`, an OCI manifest.
pub struct TestImage {
    pub layer: Vec<u8>,
    pub config: Vec<u8>,
    pub manifest: Vec<u8>,
}

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

pub fn sha256(bytes: &[u8]) -> String {
    seguro_registry::digest::sha256(bytes)
}

pub fn image(labels: &[(&str, &str)], salt: &str) -> TestImage {
    let layer = format!("not really a tar, but registries do not look: {salt}").into_bytes();
    let labels: serde_json::Map<String, serde_json::Value> = labels
        .iter()
        .map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v)))
        .collect();
    let config = serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "config": {"Labels": labels, "User": "app"},
        "rootfs": {"type": "layers", "diff_ids": [sha256(&layer)]},
    })
    .to_string()
    .into_bytes();
    let manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(&config), "size": config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": sha256(&layer), "size": layer.len()}],
    })
    .to_string()
    .into_bytes();
    TestImage {
        layer,
        config,
        manifest,
    }
}

/// The labels a well-published `version` carries.
pub fn good_labels(version: &str) -> Vec<(&'static str, String)> {
    vec![
        ("org.opencontainers.image.version", version.to_owned()),
        (
            "org.opencontainers.image.source",
            "https://github.com/acme/app".to_owned(),
        ),
        (
            "org.opencontainers.image.revision",
            "3f9c2ab1e0d4c5b6a7f8e9d0c1b2a3f4e5d6c7b8".to_owned(),
        ),
        (
            "org.opencontainers.image.created",
            "2026-11-28T10:00:00Z".to_owned(),
        ),
    ]
}

/// Pushes `image` under `tag` with `client`; returns the manifest digest.
pub fn push(client: &mut seguro_registry::Client, tag: &str, image: &TestImage) -> String {
    client.push_blob(&image.layer).expect("push layer");
    client.push_blob(&image.config).expect("push config");
    client
        .put_manifest(tag, OCI_MANIFEST, &image.manifest)
        .expect("push manifest")
}

/// Registry options with the given credentials and no config file or environment.
pub fn options(credentials: Option<(&str, &str)>) -> seguro_registry::Options {
    seguro_registry::Options {
        insecure_registries: Vec::new(),
        credentials: seguro_registry::CredentialSource {
            username: credentials.map(|(u, _)| u.to_owned()),
            password: credentials.map(|(_, p)| p.to_owned()),
            docker_config_dir: None,
            path: None,
        },
        timeout: Duration::from_secs(20),
    }
}

/// A one-file uncompressed tar (ustar): `path` holding `content`, mode 0644.
pub fn tar_with_file(path: &str, content: &[u8]) -> Vec<u8> {
    let mut header = [0u8; 512];
    header[..path.len()].copy_from_slice(path.as_bytes());
    let octal = |field: &mut [u8], value: u64| {
        let text = format!("{value:0width$o}\0", width = field.len() - 1);
        field.copy_from_slice(text.as_bytes());
    };
    octal(&mut header[100..108], 0o644);
    octal(&mut header[108..116], 0);
    octal(&mut header[116..124], 0);
    octal(&mut header[124..136], content.len() as u64);
    octal(&mut header[136..148], 0);
    header[156] = b'0';
    header[257..263].copy_from_slice(b"ustar\0");
    header[263..265].copy_from_slice(b"00");
    header[148..156].fill(b' ');
    let sum: u64 = header.iter().map(|&b| u64::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    header[148..156].copy_from_slice(text.as_bytes());
    let mut out = header.to_vec();
    out.extend_from_slice(content);
    out.resize(out.len().div_ceil(512) * 512 + 1024, 0);
    out
}

/// [`image`] with a real tar layer.
pub fn image_with_layer(labels: &[(&str, &str)], layer: Vec<u8>) -> TestImage {
    let mut img = image(labels, "x");
    let config: serde_json::Value = serde_json::from_slice(&img.config).unwrap();
    let mut config = config;
    config["rootfs"]["diff_ids"] = serde_json::json!([sha256(&layer)]);
    img.config = config.to_string().into_bytes();
    img.manifest = serde_json::json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(&img.config), "size": img.config.len()},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                    "digest": sha256(&layer), "size": layer.len()}],
    })
    .to_string()
    .into_bytes();
    img.layer = layer;
    img
}
