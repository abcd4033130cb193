//! SI019: an SSH server in the image (port 22 exposed, or sshd/dropbear present).

use crate::check::{ImageChecker, absolute};
use crate::rules::{Check, is_tcp_port};

declare_image_rule! {
    /// ## What it does
    /// Finds images that run or can run an SSH server: `22/tcp` in `ExposedPorts`, or an
    /// SSH daemon in the final filesystem (`sshd` or `dropbear` in `/usr/sbin`, `/sbin`,
    /// `/usr/bin`, `/usr/local/sbin`, `/usr/local/bin`, symlinks followed). The SSH
    /// client (`ssh`) is not reported.
    ///
    /// ## Why it matters
    /// A container is not a virtual machine: `docker exec` and `kubectl exec` give a
    /// shell without a daemon, keys or passwords to manage. An SSH server adds a
    /// network-facing root process, host keys baked into every copy of the image, and
    /// usually a password or authorized key that someone will forget to rotate.
    ///
    /// ## Example
    /// ```text
    /// config ExposedPorts=22/tcp
    /// layer RUN /bin/sh -c apt-get install -y openssh-server # buildkit
    /// file /usr/sbin/sshd 0755
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config ExposedPorts=8080/tcp
    /// layer
    /// file /usr/bin/ssh 0755
    /// ```
    ///
    /// ## Fix
    /// None: remove the server; use `docker exec` / `kubectl exec` for access.
    ///
    /// ## Aliases
    /// None.
    ///
    /// ## References
    /// Chapter 3.1.1.
    pub struct SshServer {
        code: "SI019",
        name: "ssh-server",
        severity: Warning,
        section: "3.1.1",
        aliases: [],
        fixable: None,
    }
}

const DIRS: &[&str] = &[
    "usr/sbin",
    "sbin",
    "usr/bin",
    "usr/local/sbin",
    "usr/local/bin",
];

impl Check for SshServer {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        if let Some(port) = cx
            .image
            .config
            .exposed_ports
            .iter()
            .find(|p| is_tcp_port(p, 22))
        {
            let at = cx.at_field("config.ExposedPorts");
            cx.report(format!("the image exposes the SSH port ({port})"), at)
                .set_help("use `docker exec` / `kubectl exec` instead of an SSH server");
        }
        let daemon = DIRS
            .iter()
            .flat_map(|d| ["sshd", "dropbear"].map(|n| format!("{d}/{n}")))
            .find(|p| cx.view.has_file(p));
        if let Some(path) = daemon
            && let Some((r, _)) = cx.view.lookup(&path)
        {
            let mut at = cx.at_entry(r);
            at.path = Some(absolute(&path));
            cx.report(
                format!("the image ships an SSH server (`{}`)", absolute(&path)),
                at,
            )
            .set_help("remove the SSH server; use `docker exec` / `kubectl exec` for access");
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, quiet};

    #[test]
    fn fires() {
        fire(
            "SI019",
            &[
                "config ExposedPorts=22/tcp",
                "config ExposedPorts=22",
                "layer\nfile /usr/sbin/sshd 0755\n",
                "layer\nfile /usr/sbin/dropbearmulti 0755\nsymlink /usr/sbin/dropbear dropbearmulti\n",
            ],
        );
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI019",
            &[
                "config ExposedPorts=2222/tcp\nconfig ExposedPorts=22/udp",
                "layer\nfile /usr/bin/ssh 0755\nfile /usr/share/doc/openssh-server/sshd 0644\n",
                "layer\nfile /usr/sbin/sshd 0755\nlayer\ndelete /usr/sbin/sshd\n",
            ],
        );
    }
}
