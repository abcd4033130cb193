//! SI003: an image that exposes ports has no healthcheck (or `HEALTHCHECK NONE`).

use crate::check::ImageChecker;
use crate::rules::Check;

declare_image_rule! {
    /// ## What it does
    /// Finds images that expose a port (`ExposedPorts`) and have no usable healthcheck:
    /// no `Healthcheck` in the config, an empty test, or `HEALTHCHECK NONE` (which
    /// disables one inherited from the base image).
    ///
    /// The `Healthcheck` field is a Docker extension the OCI image spec only reserves:
    /// converting a Docker-format image to OCI format (`skopeo copy docker-archive:… oci:…`,
    /// `buildah push --format oci`) drops it, so an image built with a `HEALTHCHECK` can
    /// lose it on the way. The message says so.
    ///
    /// ## Why it matters
    /// Without a healthcheck, Docker and Swarm only know whether the process is alive, not
    /// whether the service answers: a hung server keeps receiving traffic and is never
    /// restarted.
    ///
    /// ## Example
    /// ```text
    /// config ExposedPorts=8080/tcp
    /// config Healthcheck=NONE
    /// ```
    ///
    /// Use instead:
    /// ```text
    /// config ExposedPorts=8080/tcp
    /// config Healthcheck=CMD /app/healthcheck
    /// layer
    /// file /app/healthcheck 0755
    /// ```
    ///
    /// ## Fix
    /// None: add a `HEALTHCHECK` to the Dockerfile; keep the Docker image format (or
    /// re-add it with the orchestrator's probe) when converting.
    ///
    /// ## Aliases
    /// CIS-DI-0006, healthcheck-missing
    ///
    /// ## References
    /// CIS Docker Benchmark 4.6; chapter 3.1.9.
    pub struct HealthcheckMissing {
        code: "SI003",
        name: "image-healthcheck-missing",
        severity: Warning,
        section: "3.1.9",
        aliases: ["CIS-DI-0006", "healthcheck-missing"],
        fixable: None,
    }
}

impl Check for HealthcheckMissing {
    fn run(&self, cx: &mut ImageChecker<'_>) {
        let config = &cx.image.config;
        if config.exposed_ports.is_empty() {
            return;
        }
        let ports = config.exposed_ports.join(", ");
        let test = config.healthcheck.as_ref().map(|h| h.test.as_slice());
        let message = match test {
            Some([first, ..]) if first.eq_ignore_ascii_case("NONE") => format!(
                "the image exposes {ports} but its healthcheck is disabled (`HEALTHCHECK NONE`)"
            ),
            Some([_, ..]) => return,
            Some([]) => format!("the image exposes {ports} but its healthcheck has no test"),
            None => format!(
                "the image exposes {ports} but has no healthcheck (if the Dockerfile has a \
                 HEALTHCHECK, a conversion from Docker to OCI format may have dropped it)"
            ),
        };
        let at = cx.at_field("config.Healthcheck");
        cx.report(message, at).set_help(
            "add `HEALTHCHECK CMD …` to the Dockerfile, or a probe in the orchestrator; keep \
             the Docker image format when copying (`skopeo copy --format v2s2`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{fire, one, quiet};

    #[test]
    fn fires() {
        fire(
            "SI003",
            &[
                "config ExposedPorts=8080/tcp\n",
                "config ExposedPorts=53/udp\nconfig Healthcheck=NONE\n",
                "config ExposedPorts=80\nconfig Healthcheck=\n",
            ],
        );
        let d = one("SI003", "config ExposedPorts=8080/tcp\n");
        assert!(d.message.contains("conversion"), "{}", d.message);
        let d = one(
            "SI003",
            "config ExposedPorts=8080/tcp\nconfig Healthcheck=NONE\n",
        );
        assert!(d.message.contains("HEALTHCHECK NONE"), "{}", d.message);
    }

    #[test]
    fn stays_quiet() {
        quiet(
            "SI003",
            &[
                "config User=app\n",
                "config ExposedPorts=8080/tcp\nconfig Healthcheck=CMD curl -f http://localhost:8080/\n",
                "config ExposedPorts=8080/tcp\nconfig Healthcheck=CMD-SHELL wget -q -O- localhost || exit 1\n",
            ],
        );
    }
}
