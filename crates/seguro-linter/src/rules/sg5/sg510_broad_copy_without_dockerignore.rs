//! SG510: the whole build context is copied and no ignore file keeps anything out.

use super::context::{count, human_size};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_context::gopath;

declare_rule! {
    /// ## What it does
    /// Finds `COPY`/`ADD` of the whole build context (`.`, `./`, `/`, `*`) when the
    /// context has no `.dockerignore` and the Dockerfile no `<Dockerfile>.dockerignore`.
    /// Runs only when linting with a build context (a Dockerfile's directory by default,
    /// `--context DIR`; never on standard input without `--context`).
    ///
    /// ## Why it matters
    /// Without an ignore file, everything in the directory goes to the builder and then
    /// into the image: `.git` with its history, `.env` files, private keys, local
    /// `node_modules`, build outputs, logs. The image grows, every edit anywhere busts
    /// the layer cache, and whatever secret sits in the working tree ships with the
    /// image. The finding lists the notable entries the copy would take.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: .env = API_KEY=dev\n
    /// # context: app.py
    /// # context: .git/HEAD = ref: refs/heads/main\n
    /// FROM python:3.12-slim
    /// COPY . /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: .env = API_KEY=dev\n
    /// # context: app.py
    /// # context: .git/HEAD = ref: refs/heads/main\n
    /// # context: .dockerignore = .git\n.env\n
    /// FROM python:3.12-slim
    /// COPY . /app
    /// ```
    ///
    /// ## Fix
    /// None here: `seguro context --suggest-dockerignore` prints an ignore file that
    /// keeps out version control, secrets, dependencies and build outputs without
    /// excluding anything the Dockerfile names.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-538 (insertion of sensitive information into an externally accessible file).
    /// Chapter 3.2.4.
    pub struct BroadCopyWithoutDockerignore {
        code: "SG510",
        name: "broad-copy-without-dockerignore",
        severity: Warning,
        section: "3.2.4",
        aliases: [],
        fixable: None,
    }
}

/// Names that should rarely reach an image, reported when the copy takes them.
const NOTABLE_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "__pycache__",
    ".venv",
];

/// Whether a source names the whole context.
fn is_broad(value: &str) -> bool {
    let path = gopath::clean(&format!("/{value}"));
    path == "/" || path == "/*"
}

impl Check for BroadCopyWithoutDockerignore {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        if ctx.ignore_file.is_some() {
            return;
        }
        for copy in &ctx.copies {
            for (i, src) in copy.sources.iter().enumerate() {
                if !is_broad(&src.value) {
                    continue;
                }
                let mut related = Vec::new();
                let mut sent = String::new();
                if let Some(files) = ctx.files() {
                    sent = format!(
                        " ({}, {})",
                        count(files.files.len(), "file"),
                        human_size(files.total_bytes())
                    );
                    let taken: Vec<&str> = copy
                        .resolved
                        .as_ref()
                        .and_then(|r| r.sources.get(i))
                        .map(|m| m.files.iter().map(String::as_str).collect())
                        .unwrap_or_default();
                    related.extend(
                        notable(&taken)
                            .into_iter()
                            .map(|(path, why)| ctx.related(&path, why)),
                    );
                }
                related.insert(
                    0,
                    ctx.related(
                        ".dockerignore",
                        format!("does not exist: the whole context is sent{sent}"),
                    ),
                );
                let d = cx.report(
                    src.span,
                    format!(
                        "`{}` copies the whole build context and no .dockerignore keeps anything out",
                        src.value
                    ),
                );
                d.set_help("add a .dockerignore (`seguro context --suggest-dockerignore` writes one), or copy only what the image needs");
                d.related = related;
            }
        }
    }
}

/// The notable entries among the taken files: version control and dependency
/// directories (once each, outermost), and files secret by their name.
fn notable(taken: &[&str]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut dirs: Vec<(String, usize)> = Vec::new();
    for path in taken {
        let parts: Vec<&str> = path.split('/').collect();
        if let Some(at) = parts[..parts.len() - 1]
            .iter()
            .position(|p| NOTABLE_DIRS.contains(p))
        {
            let dir = parts[..=at].join("/");
            match dirs.iter_mut().find(|(d, _)| *d == dir) {
                Some((_, n)) => *n += 1,
                None => dirs.push((dir, 1)),
            }
            continue;
        }
        if let Some(kind) = seguro_secrets::secret_file_kind(path) {
            out.push((
                (*path).to_string(),
                format!("copied too: {}", kind.description()),
            ));
        }
    }
    let mut all: Vec<(String, String)> = dirs
        .into_iter()
        .map(|(d, n)| (d, format!("copied too ({})", count(n, "file"))))
        .collect();
    all.extend(out);
    all.truncate(8);
    all
}

#[cfg(test)]
mod tests {
    use super::is_broad;
    use crate::rules::sg5::test_context::Ctx;

    const CODE: &str = "SG510";

    #[test]
    fn broad_sources() {
        for yes in [".", "./", "/", "..", "*", "./*", "/*"] {
            assert!(is_broad(yes), "{yes}");
        }
        for no in ["src", "*.json", "./src/", "src/*"] {
            assert!(!is_broad(no), "{no}");
        }
    }

    #[test]
    fn fires() {
        let t = Ctx::new("sg510-fire")
            .file("app.py", "print()")
            .file(".env", "A=1")
            .file(".git/HEAD", "ref");
        for df in [
            "FROM python:3.12\nCOPY . /app\n",
            "FROM python:3.12\nCOPY ./ /app/\n",
            "FROM python:3.12\nADD * /app/\n",
            "FROM python:3.12\nARG SRC=.\nCOPY $SRC /app\n",
            "FROM python:3.12\nCOPY [\".\", \"/app\"]\n",
        ] {
            let d = t.lint(CODE, df);
            assert_eq!(d.len(), 1, "{df}: {d:#?}");
            let files: Vec<&str> = d[0]
                .related
                .iter()
                .filter_map(|r| r.file.as_deref())
                .collect();
            assert!(
                files.iter().any(|f| f.ends_with(".dockerignore")),
                "{files:?}"
            );
            assert!(files.iter().any(|f| f.ends_with(".git")), "{files:?}");
            assert!(files.iter().any(|f| f.ends_with(".env")), "{files:?}");
        }
    }

    #[test]
    fn quiet() {
        let t = Ctx::new("sg510-quiet")
            .file("app.py", "")
            .file(".env", "A=1");
        for df in [
            "FROM python:3.12\nCOPY app.py /app/\n",
            "FROM python:3.12\nCOPY --from=build . /app\n",
            "FROM python:3.12\nCOPY <<EOF /app/x\nhi\nEOF\n",
            "FROM python:3.12\nADD https://example.com/x.tar.gz /x\n",
            "FROM python:3.12\nCOPY $UNSET /app\n",
            "FROM python:3.12\nRUN echo .\n",
        ] {
            t.pass(CODE, df);
        }
        // An ignore file, even an empty one, is a decision.
        let t = Ctx::new("sg510-ignored")
            .file("app.py", "")
            .file(".dockerignore", "");
        t.pass(CODE, "FROM python:3.12\nCOPY . /app\n");
        // So is the Dockerfile's own ignore file.
        let t = Ctx::new("sg510-own")
            .file("app.py", "")
            .file("Dockerfile.dockerignore", ".git\n");
        t.pass(CODE, "FROM python:3.12\nCOPY . /app\n");
        // Without a context (standard input, other rules' tests): never.
        crate::rules::test_support::pass(CODE, &["FROM python:3.12\nCOPY . /app\n"]);
    }
}
