//! SI010: the history shows remote content taken in unverified (`curl … | sh`, `ADD
//! https://…`).

use crate::check::{ImageChecker, mask_text};
use crate::rules::Check;
use crate::rules::history::{Step, step};

declare_image_rule! {
    /// ## What it does
    /// Reads the image history and finds remote content that went into the image without
    /// a check.
    ///
    /// It finds:
    /// - RUN steps that execute a download as it arrives: `curl … | sh`,
    ///   `wget -qO- … | bash`, `sh -c "$(curl …)"`, `bash <(curl …)` (the shell analysis
    ///   of SG401);
    /// - `ADD http://…` / `ADD https://…` steps (BuildKit records the URL; the legacy
    ///   builder's `ADD file:<hash> in /` of a base image's root filesystem is local and
    ///   not reported).
    ///
    /// ## Why it matters
    /// Nothing verified what the server sent: a compromised or spoofed host, a hijacked
    /// domain or a truncated transfer ends up in the image, and the same build can give a
    /// different image tomorrow. In a built image this is the only trace left of how the
    /// content arrived.
    ///
    /// ## Example
    /// ```text
    /// layer RUN /bin/sh -c curl -fsSL https://get.example.com/install.sh | sh # buildkit
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// layer ADD --checksum=sha256:5b8f3c1e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912a3b https://get.example.com/v1.4.2/tool.tgz /tmp/ # buildkit
    /// layer /bin/sh -c #(nop) ADD file:4b3c5d8e9f in /
    /// ```
    ///
    /// ## Fix
    /// None: download to a file, verify its checksum or signature, then use it (or
    /// `ADD --checksum=sha256:…`), and rebuild.
    ///
    /// ## Aliases
    /// CIS-DI-0009
    ///
    /// ## References
    /// CWE-494; chapter 3.1.4.
    pub struct RemoteFetchInHistory {
        code: "SI010",
        name: "remote-fetch-in-history",
        severity: Warning,
        section: "3.1.4",
        aliases: ["CIS-DI-0009"],
        fixable: None,
    }
}

impl Check for RemoteFetchInHistory {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let mut found = Vec::new();
        for (i, h) in cx.image.config.history.iter().enumerate() {
            match step(&h.created_by) {
                Step::Run { script, .. } => {
                    let parsed = seguro_shell::parse(&script);
                    if let Some(p) = parsed.pipes_to_shell().first() {
                        let (Some(d), Some(s)) =
                            (parsed.command(p.download), parsed.command(p.shell))
                        else {
                            continue;
                        };
                        let url = seguro_shell::programs::download::download(d)
                            .and_then(|x| x.url)
                            .map(|u| format!(" of `{}`", u.raw))
                            .unwrap_or_default();
                        found.push((
                            i,
                            format!(
                                "history step {i}: a `{}` download{url} is run by `{}` unverified",
                                d.program().unwrap_or("curl"),
                                s.program().unwrap_or("sh"),
                            ),
                        ));
                    }
                }
                Step::Add {
                    instruction: "ADD",
                    words,
                } => {
                    if words.iter().any(|w| w.starts_with("--checksum")) {
                        continue;
                    }
                    if let Some(url) = words.iter().find(|w| {
                        let l = w.to_ascii_lowercase();
                        l.starts_with("http://") || l.starts_with("https://")
                    }) {
                        found.push((
                            i,
                            format!("history step {i}: `ADD {url}` fetched remote content without a checksum"),
                        ));
                    }
                }
                _ => {}
            }
        }
        for (i, message) in found {
            let at = cx.at_history(i);
            cx.report(mask_text(&message), at).set_help(
                "download to a file and verify its checksum or signature before using it \
                 (`ADD --checksum=sha256:…`, `sha256sum -c`, `gpg --verify`)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI010",
            &[
                "layer RUN /bin/sh -c curl -fsSL https://x.example/i.sh | sh # buildkit",
                "layer /bin/sh -c wget -qO- https://x.example/i.sh | bash -s -- -y",
                "layer RUN /bin/sh -c sh -c \"$(curl -fsSL https://x.example/i.sh)\" # buildkit",
                "layer ADD https://x.example/tool.tgz /opt/ # buildkit",
                "layer /bin/sh -c #(nop) ADD http://x.example/tool.tgz /opt/",
            ],
        );
        let d = one(
            "SI010",
            "layer RUN /bin/sh -c curl -fsSL https://x.example/i.sh | sh # buildkit",
        );
        assert!(
            d.message.contains("https://x.example/i.sh"),
            "{}",
            d.message
        );
        assert!(d.message.contains("`sh`"), "{}", d.message);
    }

    #[test]
    fn masks_credentials_in_urls() {
        let d = one(
            "SI010",
            "layer ADD https://deploy:Zq8Lm2Xv9Rt4Kp7W@x.example/tool.tgz /opt/ # buildkit",
        );
        assert!(!d.message.contains("Zq8Lm2Xv9Rt4Kp7W"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI010",
            &[
                "layer /bin/sh -c #(nop) ADD file:4b3c5d8e9f in /",
                "layer ADD --checksum=sha256:5b8f3c1e0d1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f80912a3b https://x.example/t.tgz /opt/ # buildkit",
                "layer COPY https-notes.txt /opt/ # buildkit",
                "layer RUN /bin/sh -c curl -fsSLo /tmp/i.sh https://x.example/i.sh && sha256sum -c sums && sh /tmp/i.sh # buildkit",
            ],
        );
    }
}
