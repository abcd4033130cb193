//! SG207: VOLUME or WORKDIR on a host-sensitive path (`/proc`, `/sys`, `/dev`, docker.sock …).

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

/// Kernel and host paths: mounting over them exposes or shadows the host's.
const SENSITIVE_DIRS: &[&str] = &["/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found"];

declare_rule! {
    /// ## What it does
    /// Finds `VOLUME` and `WORKDIR` paths (ARG/ENV values resolved, relative WORKDIRs
    /// joined to the one in effect) that are, or are under, `/proc`, `/sys`, `/dev`,
    /// `/boot`, `/initrd` or `/lost+found`, and any path to a Docker socket
    /// (`/var/run/docker.sock`, `/run/docker.sock`).
    ///
    /// ## Why it matters
    /// A volume on these paths asks whoever runs the image to mount the host's kernel
    /// interfaces, devices or Docker daemon into the container: with the Docker socket, a
    /// process in the container controls the host's daemon and therefore the host. A
    /// WORKDIR there makes the build and the application write into kernel or device
    /// filesystems.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM docker:27-cli
    /// VOLUME /var/run/docker.sock
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM docker:27-cli
    /// ENV DOCKER_HOST=tcp://docker:2376
    /// ```
    ///
    /// ## Fix
    /// None: the image's design has to change.
    ///
    /// ## Aliases
    /// DS-0030
    ///
    /// ## References
    /// CWE-250, CWE-668; chapter 3.1.2.
    pub struct SensitiveMountPoint {
        code: "SG207",
        name: "sensitive-mount-point",
        severity: Warning,
        section: "3.1.2",
        aliases: ["DS-0030"],
        fixable: None,
    }
}

impl Check for SensitiveMountPoint {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (i, inst) in cx.instructions() {
            match inst.kind {
                Kind::Volume => {
                    for arg in &inst.args {
                        // `VOLUME $DIRS` may hold several paths.
                        let value = cx.expand(&arg.value, i);
                        for path in value.split_whitespace() {
                            if let Some(why) = sensitive(&normalize(path)) {
                                found.push((arg.span, format!("VOLUME `{path}` {why}")));
                            }
                        }
                    }
                }
                Kind::Workdir => {
                    let Some(arg) = inst.args.first() else {
                        continue;
                    };
                    let value = cx.expand(&arg.value, i);
                    let path = if value.starts_with('/') {
                        value.clone()
                    } else {
                        let base = cx
                            .model
                            .state_before(i)
                            .and_then(|s| s.workdir.clone())
                            .unwrap_or_else(|| "/".to_string());
                        format!("{}/{value}", base.trim_end_matches('/'))
                    };
                    if let Some(why) = sensitive(&normalize(&path)) {
                        found.push((arg.span, format!("WORKDIR `{value}` {why}")));
                    }
                }
                _ => {}
            }
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("keep host kernel, device and Docker daemon paths out of the image");
        }
    }
}

/// Why a normalised absolute path is sensitive.
fn sensitive(path: &str) -> Option<&'static str> {
    if path.ends_with("/docker.sock") {
        return Some("exposes the Docker daemon's socket, which controls the host");
    }
    SENSITIVE_DIRS
        .iter()
        .any(|d| path == *d || path.starts_with(&format!("{d}/")))
        .then_some("is a host kernel, device or boot path")
}

/// The path as an absolute, cleaned path (Go's `path.Clean` of `/` + path).
fn normalize(path: &str) -> String {
    seguro_context::gopath::clean(&format!("/{path}"))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG207",
            &[
                "FROM a\nVOLUME /var/run/docker.sock\n",
                "FROM a\nVOLUME [\"/data\", \"/run/docker.sock\"]\n",
                "FROM a\nVOLUME /sys/fs/cgroup\n",
                "FROM a\nVOLUME /proc\n",
                "FROM a\nVOLUME /dev/\n",
                "FROM a\nVOLUME /data /boot\n",
                "FROM a\nWORKDIR /proc/self\n",
                "FROM a\nWORKDIR /\nWORKDIR dev\n",
                "FROM a\nARG D=/sys\nWORKDIR $D\n",
                "FROM a\nVOLUME /srv/../dev\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG207",
            &[
                "FROM a\nVOLUME /data\n",
                "FROM a\nVOLUME [\"/var/lib/docker\"]\n",
                "FROM a\nWORKDIR /app\n",
                "FROM a\nWORKDIR /app\nWORKDIR dev\n",
                "FROM a\nWORKDIR /srv/proc\n",
                "FROM a\nVOLUME /devices /system\n",
                "FROM a\nRUN mkdir /dev/shm/x\n",
            ],
        );
    }

    #[test]
    fn span() {
        let src = "FROM a\nVOLUME /data /var/run/docker.sock\n";
        let d = check("SG207", src);
        assert_eq!(d.len(), 1);
        assert_eq!(&src[d[0].span.range()], "/var/run/docker.sock");
    }
}
