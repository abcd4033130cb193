//! SI006: a secret file in any layer, deleted later or not.

use crate::check::{ImageChecker, absolute, is_under};
use crate::model::{EntryKind, EntryRef};
use crate::rules::{Check, report_all};
use seguro_secrets::Confidence;

declare_image_rule! {
    /// ## What it does
    /// Looks at every file of **every layer**, not only the final filesystem, and reports
    /// secret files, whether a later layer deleted them or not.
    ///
    /// Secret files are found:
    /// - by name: SSH private keys (`id_rsa`, `id_ed25519`, `.ssh/*`), `.npmrc`,
    ///   `.pypirc`, `.netrc`, `.git-credentials`, `.aws/credentials`,
    ///   `.docker/config.json`, `.env`, private keys (`server.key`, `*.pem`),
    ///   keystores, kubeconfigs, cloud credentials, Terraform state …;
    /// - by content, for the small files the image reader keeps: private key blocks,
    ///   provider tokens, passwords in URLs, `_authToken` lines.
    ///
    /// A name that only may hold a secret (`.npmrc`, `*.pem`, `.docker/config.json`) is
    /// reported when its content shows one, or when the content was not kept. The message
    /// names the layer and says whether a later layer deleted or replaced the file.
    ///
    /// ## Why it matters
    /// Deleting a file in a later step does not remove it from the image: each layer is a
    /// tar archive that anyone who pulls the image can extract, and the file is in the
    /// layer that added it. dockle and `docker run … ls` only see the final filesystem
    /// and miss exactly these.
    ///
    /// ## Example
    /// ```text
    /// layer COPY .npmrc /root/.npmrc # buildkit
    /// file /root/.npmrc 0600 "//registry.npmjs.org/:_authToken=npm_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8Ua\n"
    /// layer RUN /bin/sh -c npm ci && rm /root/.npmrc # buildkit
    /// delete /root/.npmrc
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer RUN /bin/sh -c npm ci # buildkit
    /// file /app/package.json 0644 "{}"
    /// file /etc/ssl/certs/ca-certificates.crt 0644
    /// ```
    ///
    /// ## Fix
    /// None: pass credentials with `RUN --mount=type=secret` (or `--mount=type=ssh`),
    /// keep them out of the build context (`.dockerignore`), rebuild, and rotate them.
    ///
    /// ## Aliases
    /// CIS-DI-0010
    ///
    /// ## References
    /// CWE-538, CWE-798; chapter 3.1.8.
    pub struct SecretFileInLayer {
        code: "SI006",
        name: "secret-file-in-layer",
        severity: Error,
        section: "3.1.8",
        aliases: ["CIS-DI-0010"],
        fixable: None,
    }
}

/// How many bytes of a kept file the content scan reads.
const SCAN_MAX: usize = 1024 * 1024;

impl Check for SecretFileInLayer {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (li, layer) in cx.image.layers.iter().enumerate() {
            for (ei, e) in layer.entries.iter().enumerate() {
                if !matches!(e.kind, EntryKind::File | EntryKind::Hardlink) {
                    continue;
                }
                let r = EntryRef {
                    layer: li,
                    entry: ei,
                };
                let content = cx
                    .view
                    .data_entry(r)
                    .and_then(|(_, d)| d.content.as_deref());
                let what =
                    match content.map(|c| (c, seguro_secrets::scan_file_content(c, SCAN_MAX))) {
                        Some((c, findings)) if !findings.is_empty() => {
                            let text = String::from_utf8_lossy(c);
                            let f = &findings[0];
                            let value = text.get(f.span.clone()).unwrap_or("");
                            Some(format!(
                                "holds {} ({})",
                                f.kind.description(),
                                seguro_secrets::mask(value)
                            ))
                        }
                        kept => seguro_secrets::secret_file_kind(&e.path)
                            .filter(|k| kept.is_none() || k.confidence() == Confidence::High)
                            .map(|k| format!("is {}", k.description())),
                    };
                let Some(what) = what else { continue };
                let added = cx.layer_label(li);
                let fate = if cx.view.is_visible(r) {
                    format!("added in {added}, still in the final filesystem")
                } else {
                    match hidden_by(cx, li, &e.path) {
                        Some((later, deleted)) => format!(
                            "added in {added}, {} in {}, still readable in layer {li}",
                            if deleted { "deleted" } else { "replaced" },
                            cx.layer_label(later),
                        ),
                        None => {
                            format!("added in {added}, hidden later, still readable in layer {li}")
                        }
                    }
                };
                found.push((
                    format!("`{}` {what}: {fate}", absolute(&e.path)),
                    cx.at_entry(r),
                ));
            }
        }
        report_all(
            cx,
            found,
            "pass credentials with `RUN --mount=type=secret` (or `type=ssh`) so they never \
             reach a layer, rebuild, and rotate the exposed secret",
            "secret files",
        );
    }
}

/// The first layer above `layer` that deletes (`true`: a whiteout or opaque directory) or
/// replaces (`false`: an entry at the same path) `path`.
fn hidden_by(cx: &ImageChecker<'_>, layer: usize, path: &str) -> Option<(usize, bool)> {
    for (li, l) in cx.image.layers.iter().enumerate().skip(layer + 1) {
        for e in &l.entries {
            match e.kind {
                EntryKind::Whiteout if is_under(path, &e.path) => return Some((li, true)),
                EntryKind::OpaqueWhiteout if is_under(path, &e.path) && path != e.path => {
                    return Some((li, true));
                }
                _ if e.path == path => return Some((li, false)),
                _ => {}
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    const KEY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\\nQyNTUxOQAAACDGw3Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQeAAAAJh3nN1Bd5zd\\n-----END OPENSSH PRIVATE KEY-----\\n";

    #[test]
    fn deleted_later_is_still_found() {
        let d = one(
            "SI006",
            "layer COPY id_rsa /root/.ssh/id_rsa\nfile /root/.ssh/id_rsa 0600\nlayer RUN rm -rf /root/.ssh\ndelete /root/.ssh\n",
        );
        assert!(d.message.contains("deleted in layer 1"), "{}", d.message);
        assert!(
            d.message.contains("still readable in layer 0"),
            "{}",
            d.message
        );
        let loc = d.location.unwrap();
        assert_eq!(loc.layer.unwrap().index, 0);
        assert_eq!(loc.path.as_deref(), Some("/root/.ssh/id_rsa"));
    }

    #[test]
    fn replaced_and_opaque() {
        let found = &fire(
            "SI006",
            &["layer\nfile /app/.env 0644 \"X=1\"\nlayer\nfile /app/.env 0644 size=0\n"],
        )[0];
        assert_eq!(found.len(), 2);
        assert!(
            found[0].message.contains("replaced in layer 1"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("still in the final filesystem"),
            "{}",
            found[1].message
        );
        let d = one(
            "SI006",
            "layer\nfile /root/.aws/credentials 0600\nlayer\nopaque /root/.aws\n",
        );
        assert!(d.message.contains("deleted in layer 1"), "{}", d.message);
    }

    #[test]
    fn fires() {
        fire(
            "SI006",
            &[
                "layer\nfile /home/app/.ssh/id_ed25519 0600\n",
                &format!("layer\nfile /srv/deploy.txt 0600 \"{KEY}\"\n"),
                "layer\nfile /root/.npmrc 0600 \"//registry.npmjs.org/:_authToken=npm_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8Ua\\n\"\n",
                "layer\nfile /root/.docker/config.json 0600\n",
                "layer\nfile /real 0600 \"GITHUB_TOKEN=ghp_Zq8Lm2Xv9Rt4Kp7Wn3Bc6Hd1Jf5Gs0Ty8UaQe\"\nlayer\nhardlink /app/.env /real\n",
            ],
        );
        let d = one(
            "SI006",
            &format!("layer\nfile /srv/deploy.txt 0600 \"{KEY}\"\n"),
        );
        assert!(
            d.message
                .contains("-----BEGIN OPENSSH PRIVATE KEY-----****"),
            "{}",
            d.message
        );
        assert!(!d.message.contains("b3BlbnNz"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI006",
            &[
                "layer\nfile /root/.npmrc 0644 \"registry=https://registry.npmjs.org/\\n\"\n",
                "layer\nfile /etc/ssl/certs/ca-certificates.crt 0644\nfile /root/.ssh/known_hosts 0644\n",
                "layer\nfile /app/.env.example 0644\nfile /home/app/.ssh/id_rsa.pub 0644\n",
                "layer\ndir /root/.ssh 0700\n",
                "layer\nfile /srv/readme.txt 0644 \"nothing to see\"\n",
            ],
        );
    }
}
