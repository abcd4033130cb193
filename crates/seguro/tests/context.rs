//! `seguro context` and the context rules of `seguro lint`, as users see them: the built
//! binary on real temporary trees. Each `files` list is what BuildKit sends for that tree
//! (moby/patternmatcher patterns, tonistiigi/fsutil's walk: symlinks sent as links,
//! excluded directories pruned unless an exception can re-include something below them).

use serde_json::Value;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const BIN: &str = env!("CARGO_BIN_EXE_seguro");
const TOKEN: &str = "ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe";

/// A temporary tree, removed (permissions restored first) when dropped.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "seguro-ctx-{}-{name}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        Tree(dir)
    }

    fn file(&self, rel: &str, contents: impl AsRef<[u8]>) -> &Tree {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, contents).unwrap();
        self
    }

    fn symlink(&self, rel: &str, target: &str) -> &Tree {
        let p = self.0.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(target, p).unwrap();
        self
    }

    fn chmod(&self, rel: &str, mode: u32) -> &Tree {
        std::fs::set_permissions(self.0.join(rel), std::fs::Permissions::from_mode(mode)).unwrap();
        self
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        fn reopen(p: &Path) {
            if let Ok(md) = std::fs::symlink_metadata(p)
                && md.is_dir()
            {
                let _ = std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755));
                for e in std::fs::read_dir(p).into_iter().flatten().flatten() {
                    reopen(&e.path());
                }
            }
        }
        reopen(&self.0);
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn run(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    run_as(dir, args, stdin, None)
}

/// Runs seguro in `dir`, as another user when `user` is given (`setpriv`).
fn run_as(dir: &Path, args: &[&str], stdin: Option<&str>, user: Option<u32>) -> Output {
    let mut cmd = match user {
        Some(uid) => {
            let mut c = Command::new("setpriv");
            c.arg(format!("--reuid={uid}"))
                .arg(format!("--regid={uid}"))
                .arg("--clear-groups")
                .arg(BIN);
            c
        }
        None => Command::new(BIN),
    };
    let mut child = cmd
        .args(args)
        .current_dir(dir)
        .env_remove("SEGURO_FORMAT")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run seguro");
    {
        use std::io::Write;
        let mut pipe = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            pipe.write_all(text.as_bytes()).unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", stdout(out), stderr(out)))
}

/// `seguro context --format json` in `t` with extra arguments.
fn context_json(t: &Tree, extra: &[&str]) -> Value {
    let mut args = vec!["context", "--isolated", "--format", "json"];
    args.extend_from_slice(extra);
    json(&run(t.path(), &args, None))
}

fn files(v: &Value) -> Vec<String> {
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

fn codes(v: &Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

/// The `related` files of the diagnostics with this code.
fn related(v: &Value, code: &str) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == code)
        .flat_map(|d| d["related"].as_array().unwrap().iter())
        .map(|r| r["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn json_matches_the_contract() {
    let t = Tree::new("contract");
    t.file("Dockerfile", "FROM alpine:3.20\nWORKDIR /app\n\n\n\nCOPY src/ ./src/\nCOPY --from=busybox:1.36 /bin/busybox /bin/\n")
        .file("src/main.rs", "fn main() {}\n")
        .file("src/lib.rs", "")
        .file("README.md", "# x\n")
        .file(".dockerignore", "README.md\n");
    let out = run(
        t.path(),
        &["context", "--isolated", "--format", "json"],
        None,
    );
    let v = json(&out);
    // The contract's keys, in its order.
    let text = stdout(&out);
    let keys = [
        "context",
        "dockerfile",
        "dockerignore",
        "files",
        "total_bytes",
        "copies",
        "diagnostics",
    ];
    let at: Vec<usize> = keys
        .iter()
        .map(|k| {
            text.find(&format!("\n  \"{k}\": "))
                .unwrap_or_else(|| panic!("{k}: {text}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert_eq!(v.as_object().unwrap().len(), keys.len());
    assert_eq!(v["context"], ".");
    assert_eq!(v["dockerfile"], "Dockerfile");
    assert_eq!(v["dockerignore"], ".dockerignore");
    assert_eq!(
        files(&v),
        [".dockerignore", "Dockerfile", "src/lib.rs", "src/main.rs"]
    );
    assert_eq!(
        v["files"][3],
        serde_json::json!({"path": "src/main.rs", "size": 13})
    );
    let total: u64 = v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["size"].as_u64().unwrap())
        .sum();
    assert_eq!(v["total_bytes"], total);
    assert_eq!(
        v["copies"],
        serde_json::json!([{"line": 6, "instruction": "COPY src/ ./src/", "files": ["src/lib.rs", "src/main.rs"]}])
    );
    // Diagnostics as in `lint` (the same objects).
    let d = &v["diagnostics"];
    assert!(d.is_array());
    for diag in d.as_array().unwrap() {
        assert!(diag["code"].is_string() && diag["line"].is_u64() && diag["related"].is_array());
    }
    // A context directory other than the current one, and -f.
    let parent = t.path().parent().unwrap();
    let name = t.path().file_name().unwrap().to_str().unwrap();
    let df = format!("{name}/Dockerfile");
    let out = run(
        parent,
        &["context", "--isolated", "--format", "json", name, "-f", &df],
        None,
    );
    let v = json(&out);
    assert_eq!(v["context"], name);
    assert_eq!(v["dockerfile"], df);
    assert_eq!(v["dockerignore"], format!("{name}/.dockerignore"));
    assert_eq!(
        files(&v),
        [".dockerignore", "Dockerfile", "src/lib.rs", "src/main.rs"]
    );
}

#[test]
fn secrets_at_several_depths() {
    let t = Tree::new("depths");
    t.file("Dockerfile", "FROM python:3.12\nCOPY . /app\n")
        .file(".env", "A=1\n")
        .file("app/.env", "B=2\n")
        .file("app/deep/er/.env.production", "C=3\n")
        .file("app/main.py", "print()\n")
        .file("app/settings.py", format!("GITHUB_TOKEN = \"{TOKEN}\"\n"))
        .file("keys/id_rsa", "-----BEGIN OPENSSH PRIVATE KEY-----\n")
        .file("keys/id_rsa.pub", "ssh-ed25519 AAAA\n")
        .file(".dockerignore", ".env\n");
    let out = run(
        t.path(),
        &["context", "--isolated", "--format", "json"],
        None,
    );
    let v = json(&out);
    // `.env` is anchored at the root: the nested ones are sent.
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "app/.env",
            "app/deep/er/.env.production",
            "app/main.py",
            "app/settings.py",
            "keys/id_rsa",
            "keys/id_rsa.pub"
        ]
    );
    assert_eq!(
        related(&v, "SG511"),
        [
            "app/.env",
            "app/deep/er/.env.production",
            "app/settings.py",
            "keys/id_rsa"
        ]
    );
    // The token never appears, masked or not, except as its masked form.
    let text = stdout(&out);
    assert!(!text.contains(TOKEN));
    assert!(text.contains("ghp_****"), "{text}");
    // `.env` matches something (the root one), so SG515 is quiet about it.
    assert!(!codes(&v).contains(&"SG515".to_string()), "{:?}", codes(&v));
    assert_eq!(out.status.code(), Some(1));

    // The human view lists them, masked.
    let out = run(t.path(), &["context", "--isolated"], None);
    let text = stdout(&out);
    assert!(text.contains("Secrets sent (4)"), "{text}");
    assert!(
        text.contains("app/settings.py: a GitHub token (`ghp_****`) on line 1 (copied by line 2)"),
        "{text}"
    );
    assert!(text.contains("Sends:         8 files"), "{text}");
    assert!(text.contains("line 2    COPY . /app"), "{text}");
    assert!(!text.contains(TOKEN));

    // `**/.env*` keeps every one out (the root one too).
    t.file(".dockerignore", "**/.env*\nkeys/id_*\n!keys/*.pub\n");
    let v = context_json(&t, &[]);
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "app/main.py",
            "app/settings.py",
            "keys/id_rsa.pub"
        ]
    );
    assert_eq!(related(&v, "SG511"), ["app/settings.py"]);
}

#[test]
fn exceptions_that_re_include() {
    let t = Tree::new("except");
    t.file("Dockerfile", "FROM nginx\nCOPY . /usr/share/nginx/html\n")
        .file("README.md", "")
        .file("CHANGELOG.md", "")
        .file("docs/keep.md", "")
        .file("docs/other.md", "")
        .file("docs/img/logo.png", "")
        .file("node_modules/a/index.js", "")
        .file("node_modules/keep/index.js", "")
        .file(
            ".dockerignore",
            "*.md\n!README.md\ndocs\n!docs/keep.md\nnode_modules\n!node_modules/keep/**\n",
        );
    let v = context_json(&t, &[]);
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "README.md",
            "docs/keep.md",
            "node_modules/keep/index.js"
        ]
    );
    // BuildKit, unlike docker/cli's check, does not re-include a/b/x with `a/b` then `!a`.
    let t = Tree::new("fsutil");
    t.file("Dockerfile", "FROM alpine\nCOPY a/ /a/\n")
        .file("a/b/x", "")
        .file("a/c", "")
        .file(".dockerignore", "a/b\n!a\n");
    let v = context_json(&t, &[]);
    assert_eq!(files(&v), [".dockerignore", "Dockerfile", "a/c"]);
    assert_eq!(v["copies"][0]["files"], serde_json::json!(["a/c"]));
}

#[test]
fn an_exception_that_re_includes_a_secret() {
    let t = Tree::new("bang");
    t.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("app.sh", "")
        .file("secrets/dev.key", "k")
        .file("secrets/server.key", "k")
        .file("secrets/notes.txt", "")
        .file(
            ".dockerignore",
            "secrets\n!secrets/server.key\n!secrets/notes.txt\n",
        );
    let v = context_json(&t, &[]);
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "app.sh",
            "secrets/notes.txt",
            "secrets/server.key"
        ]
    );
    assert_eq!(
        related(&v, "SG515"),
        [".dockerignore", "secrets/server.key"]
    );
    assert_eq!(related(&v, "SG511"), ["secrets/server.key"]);
    let sg515 = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "SG515")
        .unwrap();
    assert!(
        sg515["message"]
            .as_str()
            .unwrap()
            .contains("line 2: `!secrets/server.key`")
    );
}

#[test]
fn per_dockerfile_ignore_file() {
    let t = Tree::new("per-df");
    t.file("docker/app.Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("docker/app.Dockerfile.dockerignore", "secret.txt\ndocker\n")
        .file("docker/web.Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("secret.txt", "s")
        .file("public.txt", "p")
        .file(".dockerignore", "public.txt\n");
    let v = context_json(&t, &[".", "-f", "docker/app.Dockerfile"]);
    assert_eq!(v["dockerignore"], "docker/app.Dockerfile.dockerignore");
    assert_eq!(files(&v), [".dockerignore", "public.txt"]);
    // Without its own ignore file, a Dockerfile uses the context's.
    let v = context_json(&t, &[".", "-f", "docker/web.Dockerfile"]);
    assert_eq!(v["dockerignore"], ".dockerignore");
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "docker/app.Dockerfile",
            "docker/app.Dockerfile.dockerignore",
            "docker/web.Dockerfile",
            "secret.txt"
        ]
    );
}

#[test]
fn symlinks_are_sent_as_links() {
    let t = Tree::new("links");
    t.file(
        "Dockerfile",
        "FROM alpine\nCOPY to-file /x\nCOPY linked/ /l/\n",
    )
    .file("real/file.txt", "hello")
    .file("real/sub/deep.txt", "deep")
    .symlink("to-file", "real/file.txt")
    .symlink("to-dir", "real/sub")
    .symlink("linked/.env", "../real/file.txt")
    .symlink("dangling", "nowhere")
    .symlink("outside", "/etc/passwd");
    let v = context_json(&t, &[]);
    // Links are entries of their own (size 0), never followed into directories.
    assert_eq!(
        files(&v),
        [
            "Dockerfile",
            "dangling",
            "linked/.env",
            "outside",
            "real/file.txt",
            "real/sub/deep.txt",
            "to-dir",
            "to-file"
        ]
    );
    let size = |p: &str| {
        v["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap()["size"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(size("to-file"), 0);
    assert_eq!(size("real/file.txt"), 5);
    assert_eq!(v["total_bytes"], 5 + 4 + size("Dockerfile"));
    // Naming a link copies its target; a directory copy keeps inner links as links.
    assert_eq!(
        v["copies"][0]["files"],
        serde_json::json!(["real/file.txt"])
    );
    assert_eq!(v["copies"][1]["files"], serde_json::json!(["linked/.env"]));
    // `linked/.env` is copied as a link, not as a secret's content.
    assert!(!codes(&v).contains(&"SG511".to_string()), "{:?}", codes(&v));
}

#[test]
fn names_with_spaces_and_glob_characters() {
    let t = Tree::new("names");
    t.file(
        "Dockerfile",
        "FROM alpine\nCOPY [\"my dir/\", \"/data/\"]\n",
    )
    .file("my dir/a [1].txt", "")
    .file("my dir/star*.txt", "")
    .file("my dir/q?.md", "")
    .file("my dir/[draft] notes.md", "")
    .file("my dir/plain.txt", "")
    .file("weird {a,b}|x.txt", "")
    .file(
        ".dockerignore",
        "my dir/\\[draft\\]*\nmy dir/star\\*.txt\nweird {a,b}|x.txt\n",
    );
    let v = context_json(&t, &[]);
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "my dir/a [1].txt",
            "my dir/plain.txt",
            "my dir/q?.md"
        ]
    );
    assert_eq!(
        v["copies"][0]["files"],
        serde_json::json!(["my dir/a [1].txt", "my dir/plain.txt", "my dir/q?.md"])
    );
    assert!(!codes(&v).contains(&"SG515".to_string()), "{:?}", codes(&v));
}

/// A user id to run as when this process can drop privileges (root) and `setpriv` is
/// there; chmod 000 does not stop root.
fn unprivileged_user() -> Option<u32> {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .ok()
        .map(|o| stdout(&o).trim() == "0");
    let setpriv = Command::new("setpriv")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    (root == Some(true) && setpriv).then_some(65534)
}

#[test]
fn unreadable_entries_are_reported_not_fatal() {
    let t = Tree::new("unreadable");
    t.file("Dockerfile", "FROM alpine\nCOPY . /app\n")
        .file("locked.txt", "x")
        .file("open.txt", "y")
        .file("private/a.txt", "")
        .file("cache/a.txt", "")
        .file(".dockerignore", "cache\n")
        .chmod("locked.txt", 0o000)
        .chmod("private", 0o000)
        .chmod("cache", 0o000);
    let user = unprivileged_user();
    let am_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| stdout(&o).trim() == "0");
    if am_root && user.is_none() {
        eprintln!("skipped: root without setpriv reads everything");
        return;
    }
    let out = run_as(
        t.path(),
        &["context", "--isolated", "--format", "json"],
        None,
        user,
    );
    let v = json(&out);
    // The unreadable file is still sent (and fails the build); the unreadable directory's
    // content cannot be listed; the excluded one is pruned, never read.
    assert_eq!(
        files(&v),
        [".dockerignore", "Dockerfile", "locked.txt", "open.txt"]
    );
    let err = stderr(&out);
    assert!(
        err.contains("locked.txt") && err.contains("BuildKit fails the build"),
        "{err}"
    );
    assert!(err.contains("private"), "{err}");
    assert!(!err.contains("cache"), "{err}");
}

#[test]
fn lint_reads_the_dockerfile_directory_as_context() {
    let t = Tree::new("lint");
    t.file("svc/Dockerfile", "FROM alpine:3.20\nCOPY . /app\n")
        .file("svc/.env", "A=1\n")
        .file(".env", "B=2\n");
    let out = run(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "SG511",
            "--format",
            "json",
            "svc/Dockerfile",
        ],
        None,
    );
    let v = json(&out);
    assert_eq!(related(&v, "SG511"), ["svc/.env"]);
    assert_eq!(out.status.code(), Some(1));
    // `--context` overrides.
    let out = run(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "SG511",
            "--format",
            "json",
            "--context",
            ".",
            "svc/Dockerfile",
        ],
        None,
    );
    assert_eq!(related(&json(&out), "SG511"), [".env", "svc/.env"]);
    // Standard input has no context unless `--context` gives one.
    let df = "FROM alpine:3.20\nCOPY . /app\n";
    let out = run(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "SG5",
            "--format",
            "json",
            "-",
        ],
        Some(df),
    );
    let v = json(&out);
    assert!(codes(&v).is_empty(), "{:?}", codes(&v));
    assert_eq!(out.status.code(), Some(0));
    let out = run(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--select",
            "SG511",
            "--format",
            "json",
            "--context",
            "svc",
            "-",
        ],
        Some(df),
    );
    assert_eq!(related(&json(&out), "SG511"), ["svc/.env"]);
    // A pragma for a context rule is not "unused" when linted without a context.
    let df = "FROM alpine:3.20\n# seguro: ignore=SG511\nCOPY . /app\n";
    let out = run(
        t.path(),
        &[
            "lint",
            "--isolated",
            "--report-unused-pragmas",
            "--format",
            "json",
            "-",
        ],
        Some(df),
    );
    assert!(!codes(&json(&out)).contains(&"SG005".to_string()));
}

#[test]
fn context_rules_name_the_files() {
    let t = Tree::new("rules");
    t.file(
        "Dockerfile",
        "FROM node:22\nCOPY dist/ /app/\nCOPY . /src\n",
    )
    .file("dist/app.js", "")
    .file(".git/HEAD", "ref")
    .file("src/index.js", "")
    .file(".dockerignore", "dist\nbuild/tmp\n");
    let v = context_json(&t, &[]);
    let found = codes(&v);
    for code in ["SG512", "SG513", "SG515"] {
        assert!(found.contains(&code.to_string()), "{code} in {found:?}");
    }
    assert_eq!(related(&v, "SG512"), [".git"]);
    assert_eq!(related(&v, "SG513"), [".dockerignore"]);
    assert_eq!(related(&v, "SG515"), [".dockerignore"]);
    // No ignore file: SG510.
    std::fs::remove_file(t.path().join(".dockerignore")).unwrap();
    let v = context_json(&t, &[]);
    assert!(related(&v, "SG510").contains(&".dockerignore".to_string()));
}

#[test]
fn suggested_dockerignore_keeps_out_what_should_stay_out() {
    let t = Tree::new("suggest");
    t.file(
        "Dockerfile",
        "FROM node:22\nCOPY package.json ./\nCOPY dist/server.js config/server.key ./\nCOPY logs/*.log /logs/\nCOPY . /src\n",
    )
    .file("package.json", "{}")
    .file("dist/server.js", "")
    .file("dist/server.js.map", "")
    .file("src/index.js", "")
    .file("src/node_modules/x/index.js", "")
    .file("node_modules/y/index.js", "")
    .file(".git/HEAD", "ref")
    .file(".env", "A=1\n")
    .file("config/server.key", "k")
    .file("config/id_ed25519", "k")
    .file("logs/app.log", "")
    .file("debug.log", "")
    .file(".vscode/settings.json", "{}")
    .file("my dir/[x]/.env", "A=1\n");
    let out = run(
        t.path(),
        &["context", "--isolated", "--suggest-dockerignore"],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let suggested = stdout(&out);
    for line in [
        ".git",
        "**/node_modules",
        ".env",
        "config/id_ed25519",
        "my dir/\\[x\\]/.env",
        "dist",
        "**/*.log",
        ".vscode",
        // What the Dockerfile names is brought back.
        "!dist/server.js",
        "!logs/app.log",
    ] {
        assert!(
            suggested.lines().any(|l| l == line),
            "{line:?} missing:\n{suggested}"
        );
    }
    // A secret the Dockerfile names is left in, with a note.
    assert!(
        !suggested.lines().any(|l| l == "config/server.key"),
        "{suggested}"
    );
    assert!(
        suggested.contains("#   config/server.key: a private key file (line 3)"),
        "{suggested}"
    );

    // Used as the ignore file: every COPY still works, no secret but the named one is
    // copied, and nothing is left for SG510/SG512/SG513/SG515.
    t.file(".dockerignore", &suggested);
    let v = context_json(&t, &[]);
    assert_eq!(
        files(&v),
        [
            ".dockerignore",
            "Dockerfile",
            "config/server.key",
            "dist/server.js",
            "logs/app.log",
            "package.json",
            "src/index.js"
        ]
    );
    let found = codes(&v);
    for code in ["SG510", "SG512", "SG513", "SG515"] {
        assert!(!found.contains(&code.to_string()), "{code} in {found:?}");
    }
    assert_eq!(
        related(&v, "SG511"),
        ["config/server.key", "config/server.key"]
    );
    // Suggesting again adds nothing.
    let out = run(
        t.path(),
        &["context", "--isolated", "--suggest-dockerignore"],
        None,
    );
    assert_eq!(stdout(&out), suggested);
}
