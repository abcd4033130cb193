//! SG511: a COPY/ADD takes a secret file (by name or by content) from the build context.

use super::context::{count, name_list};
use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_context::FileKind;

declare_rule! {
    /// ## What it does
    /// Finds secret files that the build context sends and a `COPY`/`ADD` takes into
    /// the image: private keys, `.env` files, cloud and registry credentials, Terraform
    /// state (by name), and any file whose content holds a credential (a provider token,
    /// a private key block, a password in a URL…). Each file is named; its content never
    /// is (values appear masked, `ghp_****`). Files are read up to 1 MiB. A symlink met
    /// inside a copied directory is copied as a link and not judged by its target; a
    /// symlink named by a source brings its target, which is. Runs only with a build
    /// context.
    ///
    /// ## Why it matters
    /// A file copied into a layer stays in the image even if a later `RUN rm` deletes
    /// it: anyone who can pull the image can extract it with `docker save`. `COPY . .`
    /// quietly takes whatever sits in the working tree, including `.env` files and keys
    /// that were never meant to leave the developer's machine.
    ///
    /// ## Example
    /// ```dockerfile
    /// # context: .env = DATABASE_URL=postgres://app:s3cr3t-Pa55w0rd@db/app\n
    /// # context: server.js
    /// FROM node:22-slim
    /// COPY . /app
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// # context: .env = DATABASE_URL=postgres://app:s3cr3t-Pa55w0rd@db/app\n
    /// # context: server.js
    /// # context: .dockerignore = .env\n
    /// FROM node:22-slim
    /// COPY . /app
    /// ```
    ///
    /// ## Fix
    /// None: keep the file out with `.dockerignore` and give the build what it needs
    /// with `RUN --mount=type=secret`, the running container with its orchestrator's
    /// secrets.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// CWE-522 (insufficiently protected credentials), CWE-538. Chapter 3.2.4.
    pub struct SecretInContext {
        code: "SG511",
        name: "secret-in-context",
        severity: Error,
        section: "3.2.4",
        aliases: [],
        fixable: None,
    }
}

impl Check for SecretInContext {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(ctx) = cx.build_context() else {
            return;
        };
        let Some(files) = ctx.files() else {
            return;
        };
        for copy in &ctx.copies {
            for (src, m) in copy.resolved_sources() {
                let regular = m
                    .files
                    .iter()
                    .map(String::as_str)
                    .filter(|p| files.get(p).is_some_and(|f| f.kind == FileKind::File));
                let secrets = ctx.secrets_among(regular);
                if secrets.is_empty() {
                    continue;
                }
                let names: Vec<&str> = secrets.iter().map(|s| s.path.as_str()).collect();
                let related = secrets
                    .iter()
                    .map(|s| ctx.related(&s.path, s.description()))
                    .collect();
                let d = cx.report(
                    src.span,
                    format!(
                        "`{}` copies {} into the image: {}",
                        src.value,
                        count(secrets.len(), "secret file"),
                        name_list(&names, 5)
                    ),
                );
                d.set_help("keep secrets out of the context with .dockerignore and pass what the build needs with `RUN --mount=type=secret`");
                d.related = related;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::sg5::test_context::{Ctx, related_files};

    const CODE: &str = "SG511";
    const TOKEN: &str = "ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe";

    fn tree(tag: &str) -> Ctx {
        Ctx::new(tag)
            .file("app.py", "print()")
            .file(".env", "A=1")
            .file(
                "config/deep/er/id_rsa",
                "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
            )
            .file("config/settings.py", &format!("TOKEN = \"{TOKEN}\"\n"))
            .file("config/plain.txt", "nothing here")
    }

    #[test]
    fn secrets_at_several_depths_by_name_and_content() {
        let t = tree("sg511-depths");
        let found = t.fail(CODE, "FROM python:3.12\nCOPY . /app\n");
        assert_eq!(found.len(), 1);
        let files = related_files(&found);
        assert_eq!(
            files,
            [
                t.shown(".env"),
                t.shown("config/deep/er/id_rsa"),
                t.shown("config/settings.py")
            ]
        );
        // Content never appears, masked values may.
        let text = format!("{found:?}");
        assert!(!text.contains(TOKEN), "{text}");
        assert!(text.contains("ghp_****"), "{text}");
        // Only the secrets a source takes.
        let found = t.fail(CODE, "FROM python:3.12\nCOPY config/ /app/\n");
        assert_eq!(related_files(&found).len(), 2);
        let found = t.fail(
            CODE,
            "FROM python:3.12\nCOPY config/*/er/id_rsa /root/.ssh/\n",
        );
        assert_eq!(related_files(&found), [t.shown("config/deep/er/id_rsa")]);
    }

    #[test]
    fn excluded_secrets_are_not_sent() {
        let t =
            tree("sg511-ignored").file(".dockerignore", ".env\nconfig/deep\nconfig/settings.py\n");
        t.pass(CODE, "FROM python:3.12\nCOPY . /app\n");
        // `--exclude` keeps them out too.
        let t = tree("sg511-exclude");
        t.pass(
            CODE,
            "# syntax=docker/dockerfile:1.7-labs\nFROM python:3.12\nCOPY --exclude=.env --exclude=config . /app\n",
        );
    }

    #[test]
    fn an_exception_that_re_includes_a_secret() {
        let t = tree("sg511-bang").file(".dockerignore", "config\n!config/deep/er/id_rsa\n.env\n");
        let found = t.fail(CODE, "FROM python:3.12\nCOPY . /app\n");
        assert_eq!(related_files(&found), [t.shown("config/deep/er/id_rsa")]);
    }

    #[test]
    fn per_dockerfile_ignore_file() {
        let t = tree("sg511-own")
            .file(".dockerignore", "")
            .file("docker/app.Dockerfile.dockerignore", ".env\nconfig\n");
        let found = t.lint_file(
            CODE,
            "docker/app.Dockerfile",
            "FROM python:3.12\nCOPY . /app\n",
            "",
        );
        assert!(found.is_empty(), "{found:#?}");
        let found = t.lint_file(
            CODE,
            "docker/web.Dockerfile",
            "FROM python:3.12\nCOPY . /app\n",
            "",
        );
        assert_eq!(related_files(&found).len(), 3);
    }

    #[test]
    fn symlinks_are_links_not_content() {
        let t = Ctx::new("sg511-links")
            .file("app.py", "")
            .file("keys/real.txt", &format!("t={TOKEN}\n"))
            .symlink("linked/.env", "../keys/real.txt")
            .symlink("outside", "/etc/passwd");
        // `COPY linked/ …` copies the link, not the token.
        t.pass(CODE, "FROM alpine\nCOPY linked/ /app/\n");
        t.pass(CODE, "FROM alpine\nCOPY outside /app/\n");
        // Naming the link copies its target: the token.
        let found = t.fail(CODE, "FROM alpine\nCOPY linked/.env /app/\n");
        assert_eq!(related_files(&found), [t.shown("keys/real.txt")]);
    }

    #[test]
    fn names_with_spaces_and_glob_characters() {
        let t = Ctx::new("sg511-names")
            .file("my keys/id_ed25519", "k")
            .file("weird[1]/*.env/.env", "A=1")
            .file("ok/readme.md", "");
        let found = t.fail(CODE, "FROM alpine\nCOPY . /app\n");
        assert_eq!(
            related_files(&found),
            [
                t.shown("my keys/id_ed25519"),
                t.shown("weird[1]/*.env/.env")
            ]
        );
        t.pass(CODE, "FROM alpine\nCOPY ok/ /app/\n");
    }

    #[test]
    fn quiet() {
        let t = Ctx::new("sg511-quiet")
            .file("app.py", "print()")
            .file(".env.example", "A=changeme")
            .file("certs/ca.crt", "-----BEGIN CERTIFICATE-----\n")
            .file("id_rsa.pub", "ssh-ed25519 AAAA")
            .file(
                "big.bin",
                "\0\0binary ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe",
            );
        for df in [
            "FROM python:3.12\nCOPY . /app\n",
            "FROM python:3.12\nCOPY --from=build /src/.env /app/\n",
            "FROM python:3.12\nRUN --mount=type=secret,id=env cat /run/secrets/env\n",
        ] {
            t.pass(CODE, df);
        }
        // A secret in the context that no COPY takes is not copied.
        let t = tree("sg511-untouched");
        t.pass(CODE, "FROM python:3.12\nCOPY app.py /app/\n");
        // Without a context: never.
        crate::rules::test_support::pass(CODE, &["FROM python:3.12\nCOPY .env /app/\n"]);
    }

    #[test]
    fn unreadable_files_are_judged_by_name() {
        let t = tree("sg511-unreadable")
            .file(
                "locked/server.pem",
                &format!(
                    "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
                    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7".repeat(4)
                ),
            )
            .chmod("locked/server.pem", 0o000);
        let found = t.fail(CODE, "FROM python:3.12\nCOPY locked/ /app/\n");
        // Read as root (content: a private key) or not (a suspicious name): reported.
        assert_eq!(related_files(&found), [t.shown("locked/server.pem")]);
    }
}
