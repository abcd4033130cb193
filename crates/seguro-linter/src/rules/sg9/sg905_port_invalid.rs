//! SG905: an EXPOSE port outside 0–65535 or not in `port[-port][/protocol]` form.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::{Kind, Span};

declare_rule! {
    /// ## What it does
    /// Checks every `EXPOSE` argument, after ARG/ENV expansion, against the form
    /// `PORT[-PORT][/PROTOCOL]`: ports in 0–65535, a range whose start is not above its
    /// end, and a protocol of `tcp`, `udp` or `sctp`. A host mapping (`8080:80`,
    /// `127.0.0.1:80:80`) is reported too: it belongs to `docker run -p`, and EXPOSE
    /// ignores it. Arguments made of variables without a value are not judged.
    ///
    /// ## Why it matters
    /// The build fails on an out-of-range or malformed port, or, for a host mapping, the
    /// image documents a port publication that never happens.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 80800
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM nginx:1.27
    /// EXPOSE 8080/tcp
    /// ```
    ///
    /// ## Fix
    /// None: the intended port is not known.
    ///
    /// ## Aliases
    /// DL3011, DS-0008
    ///
    /// ## References
    /// Chapter 3.1 (hygiene).
    pub struct PortInvalid {
        code: "SG905",
        name: "port-invalid",
        severity: Error,
        section: "3.1",
        aliases: ["DL3011", "DS-0008"],
        fixable: None,
    }
}

impl Check for PortInvalid {
    fn run(&self, cx: &mut Checker<'_>) {
        let mut found: Vec<(Span, String)> = Vec::new();
        for (i, inst) in cx.instructions() {
            let inst = match inst.kind {
                Kind::Onbuild => match inst.onbuild.as_deref() {
                    Some(child) => child,
                    None => continue,
                },
                _ => inst,
            };
            if inst.kind != Kind::Expose {
                continue;
            }
            for arg in &inst.args {
                let Some(expanded) = cx.model.expand(&arg.value, i) else {
                    continue;
                };
                if !expanded.unresolved.is_empty() {
                    continue;
                }
                for spec in expanded.value.split_whitespace() {
                    if let Err(why) = check_spec(spec) {
                        found.push((arg.span, format!("EXPOSE `{spec}`: {why}")));
                    }
                }
            }
        }
        for (span, message) in found {
            cx.report(span, message)
                .set_help("write `PORT`, `PORT/tcp|udp|sctp` or `START-END` with ports in 0–65535");
        }
    }
}

/// Validates `PORT[-PORT][/PROTO]`.
fn check_spec(spec: &str) -> Result<(), String> {
    let (ports, proto) = match spec.split_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (spec, None),
    };
    if let Some(proto) = proto
        && !matches!(proto.to_ascii_lowercase().as_str(), "tcp" | "udp" | "sctp")
    {
        return Err(format!("unknown protocol `{proto}` (tcp, udp or sctp)"));
    }
    if ports.contains(':') {
        return Err(
            "a host mapping or address is not part of EXPOSE; publish it with `docker run -p`"
                .to_string(),
        );
    }
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => {
            let p = port(ports)?;
            (p, p)
        }
    };
    if lo > hi {
        return Err(format!("the range starts above its end ({lo} > {hi})"));
    }
    Ok(())
}

fn port(s: &str) -> Result<u64, String> {
    if s.is_empty() {
        return Err("a port number is missing".to_string());
    }
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{s}` is not a port number"));
    }
    match s.parse::<u64>() {
        Ok(n) if n <= 65_535 => Ok(n),
        _ => Err(format!("port {s} is outside 0–65535")),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG905",
            &[
                "FROM a\nEXPOSE 80800\n",
                "FROM a\nEXPOSE 65536\n",
                "FROM a\nEXPOSE 80/http\n",
                "FROM a\nEXPOSE 8080:80\n",
                "FROM a\nEXPOSE 9000-8000\n",
                "FROM a\nEXPOSE 8000-70000/udp\n",
                "FROM a\nEXPOSE eighty\n",
                "FROM a\nARG PORT=99999\nEXPOSE $PORT\n",
                "FROM a\nEXPOSE 80 -1\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG905",
            &[
                "FROM a\nEXPOSE 80\n",
                "FROM a\nEXPOSE 0 65535\n",
                "FROM a\nEXPOSE 8080/tcp 53/udp 9/sctp 443/TCP\n",
                "FROM a\nEXPOSE 8000-8010\n",
                "FROM a\nEXPOSE 8000-8010/tcp\n",
                "FROM a\nARG PORT=8080\nEXPOSE $PORT\n",
                "FROM a\nENV PORTS=\"80 443\"\nEXPOSE $PORTS\n",
                "FROM a\nEXPOSE $PORT\n",
                "FROM a\nARG PORT\nEXPOSE ${PORT}/tcp\n",
            ],
        );
    }

    #[test]
    fn message() {
        let d = check("SG905", "FROM a\nEXPOSE 80 70000\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("70000"), "{}", d[0].message);
    }
}
