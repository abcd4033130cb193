//! SG901: a service image without a HEALTHCHECK.

use crate::checker::Checker;
use crate::declare_rule;
use crate::rule::Check;
use seguro_dockerfile::model::Base;
use seguro_dockerfile::reference::ImageRef;
use seguro_dockerfile::{Instruction, Kind, Span};

/// Programs that serve requests until stopped.
const SERVERS: &[&str] = &[
    "nginx",
    "httpd",
    "apache2",
    "apache2ctl",
    "apachectl",
    "lighttpd",
    "caddy",
    "traefik",
    "haproxy",
    "envoy",
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "uwsgi",
    "puma",
    "unicorn",
    "thin",
    "php-fpm",
    "http-server",
    "catalina.sh",
    "redis-server",
    "postgres",
    "mysqld",
    "mariadbd",
    "mongod",
    "memcached",
    "rabbitmq-server",
    "sshd",
];

/// Official images whose default command is a server.
const SERVER_IMAGES: &[&str] = &[
    "nginx",
    "httpd",
    "caddy",
    "traefik",
    "haproxy",
    "tomcat",
    "jetty",
    "postgres",
    "mysql",
    "mariadb",
    "redis",
    "mongo",
    "rabbitmq",
    "memcached",
];

declare_rule! {
    /// ## What it does
    /// Reports a final image (the final or `--target` stage, with the stages it is built
    /// `FROM`) that looks like a service and has no HEALTHCHECK. It looks like a service
    /// when it `EXPOSE`s a port, when its ENTRYPOINT or CMD starts a server (`nginx`,
    /// `gunicorn`, `uvicorn`, `php-fpm`, `rails server`, `flask run`, `manage.py
    /// runserver`, `php -S`, `python -m http.server`, `redis-server` …), or when it is
    /// built on an official server image (`nginx`, `httpd`, `tomcat`, `postgres`, `php:*-apache`
    /// …). Images without any of these signs (CLI tools, build and CI images) are left
    /// alone. A HEALTHCHECK in a stage the final one is built from counts, and
    /// `HEALTHCHECK NONE` is read as a deliberate choice (for example when an orchestrator
    /// probes the service) and silences the rule.
    ///
    /// ## Why it matters
    /// Without a health check the engine only knows whether the process is alive, not
    /// whether it answers: a deadlocked or half-started server keeps receiving traffic and
    /// is never restarted.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// EXPOSE 8000
    /// CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// COPY . /app
    /// EXPOSE 8000
    /// HEALTHCHECK --interval=30s --timeout=3s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
    /// CMD ["gunicorn", "-b", "0.0.0.0:8000", "app:app"]
    /// ```
    ///
    /// ## Fix
    /// None: the right probe (endpoint, tool, interval) depends on the service.
    ///
    /// ## Aliases
    /// DS-0026, CKV_DOCKER_2, DL3057
    ///
    /// ## References
    /// Chapter 3.1.9.
    pub struct HealthcheckMissing {
        code: "SG901",
        name: "healthcheck-missing",
        severity: Warning,
        section: "3.1.9",
        aliases: ["DS-0026", "CKV_DOCKER_2", "DL3057"],
        fixable: None,
    }
}

impl Check for HealthcheckMissing {
    fn run(&self, cx: &mut Checker<'_>) {
        let Some(stage) = cx.final_stage() else {
            return;
        };
        let indices = cx.final_image_instructions();
        let insts: Vec<(usize, &Instruction)> = indices
            .iter()
            .filter_map(|&i| Some((i, cx.df.instructions.get(i)?)))
            .collect();
        if insts.iter().any(|(_, inst)| inst.kind == Kind::Healthcheck) {
            return;
        }
        let found: Option<(Span, String)> = exposed(cx, &insts)
            .or_else(|| server_command(&insts))
            .or_else(|| {
                let Some(Base::Image(image)) = cx.model.root_base(stage.index) else {
                    return None;
                };
                is_server_image(image).then(|| {
                    (
                        stage.base_span,
                        format!(
                            "the final image runs the server of `{image}` but has no HEALTHCHECK"
                        ),
                    )
                })
            });
        if let Some((span, message)) = found {
            cx.report(span, message)
                .set_help("add `HEALTHCHECK CMD …` probing the service with a tool the image has");
        }
    }
}

/// The last EXPOSE of the final image.
fn exposed(cx: &Checker<'_>, insts: &[(usize, &Instruction)]) -> Option<(Span, String)> {
    let (i, inst) = insts.iter().rev().find(|(_, x)| x.kind == Kind::Expose)?;
    let first = inst.args.first()?;
    let last = inst.args.last()?;
    let ports: Vec<String> = inst.args.iter().map(|a| cx.expand(&a.value, *i)).collect();
    Some((
        first.span.cover(last.span),
        format!(
            "the final image exposes {} but has no HEALTHCHECK",
            ports.join(" ")
        ),
    ))
}

/// The effective ENTRYPOINT or CMD, when it starts a server.
fn server_command(insts: &[(usize, &Instruction)]) -> Option<(Span, String)> {
    for kind in [Kind::Entrypoint, Kind::Cmd] {
        let Some((_, inst)) = insts.iter().rev().find(|(_, x)| x.kind == kind) else {
            continue;
        };
        let words: Vec<String> = if inst.json {
            inst.values().map(str::to_string).collect()
        } else {
            let Some((text, _)) = inst.shell_script() else {
                continue;
            };
            let script = seguro_shell::parse(text);
            let found = script.commands().find_map(|c| {
                let words: Vec<String> = c.words().map(|w| w.text().to_string()).collect();
                server_name(&words)
            });
            if let Some(name) = found {
                return Some(report_command(inst, &name));
            }
            continue;
        };
        if let Some(name) = server_name(&words) {
            return Some(report_command(inst, &name));
        }
    }
    None
}

fn report_command(inst: &Instruction, server: &str) -> (Span, String) {
    let span = match (inst.args.first(), inst.args.last()) {
        (Some(a), Some(b)) => a.span.cover(b.span),
        _ => inst.keyword_span,
    };
    (
        span,
        format!(
            "the final image's {} starts `{server}` but there is no HEALTHCHECK",
            inst.kind.name()
        ),
    )
}

/// The server a command line starts, looking through wrappers and `sh -c`.
fn server_name(words: &[String]) -> Option<String> {
    let mut i = 0;
    // Skip init wrappers and user switchers.
    while let Some(w) = words.get(i) {
        let base = w.rsplit('/').next().unwrap_or(w);
        match base {
            "tini" | "dumb-init" | "exec" | "nohup" | "--" => i += 1,
            "gosu" | "su-exec" => i += 2,
            "sh" | "bash" | "ash" | "dash" if words.get(i + 1).is_some_and(|f| f == "-c") => {
                let script = seguro_shell::parse(words.get(i + 2)?);
                return script.commands().find_map(|c| {
                    let inner: Vec<String> = c.words().map(|w| w.text().to_string()).collect();
                    // no deeper `sh -c` recursion needed in practice
                    simple_server(&inner)
                });
            }
            _ => break,
        }
    }
    simple_server(words.get(i..)?)
}

fn simple_server(words: &[String]) -> Option<String> {
    let prog = words.first()?;
    let base = prog.rsplit('/').next().unwrap_or(prog);
    let args: Vec<&str> = words.iter().skip(1).map(String::as_str).collect();
    let has = |w: &str| args.contains(&w);
    if SERVERS.contains(&base) || base.starts_with("php-fpm") {
        return Some(base.to_string());
    }
    let found = match base {
        "rails" if has("server") || has("s") => "rails server",
        "flask" if has("run") => "flask run",
        "php" if has("-S") => "php -S",
        "python" | "python3" if args.windows(2).any(|w| w == ["-m", "http.server"]) => {
            "python -m http.server"
        }
        "python" | "python3"
            if args.iter().any(|a| a.ends_with("manage.py")) && has("runserver") =>
        {
            "manage.py runserver"
        }
        "streamlit" if has("run") => "streamlit run",
        "jupyter" if has("notebook") || has("lab") => "jupyter",
        "next" if has("start") => "next start",
        "hugo" if has("server") => "hugo server",
        "mkdocs" | "jekyll" if has("serve") => return Some(format!("{base} serve")),
        _ => return None,
    };
    Some(found.to_string())
}

/// Official server images (and `php:*-apache` / `php:*-fpm`).
fn is_server_image(image: &str) -> bool {
    let Ok(r) = ImageRef::parse_normalized(image) else {
        return false;
    };
    let Some(name) = r
        .path
        .strip_prefix("library/")
        .filter(|_| r.is_docker_hub())
    else {
        return r.domain == "docker.io" && r.path == "nginxinc/nginx-unprivileged";
    };
    let tag = r.tag.as_deref().unwrap_or("");
    SERVER_IMAGES.contains(&name)
        || (name == "php" && (tag.contains("apache") || tag.contains("fpm")))
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, pass};

    #[test]
    fn fires() {
        fail(
            "SG901",
            &[
                "FROM node:20\nEXPOSE 3000\nCMD [\"node\", \"index.js\"]\n",
                "FROM a\nARG PORT=8080\nEXPOSE $PORT\n",
                "FROM python:3.12\nCMD gunicorn app:app\n",
                "FROM python:3.12\nCMD [\"python\", \"manage.py\", \"runserver\", \"0.0.0.0:8000\"]\n",
                "FROM a\nENTRYPOINT [\"tini\", \"--\", \"uvicorn\", \"main:app\"]\n",
                "FROM a\nCMD [\"sh\", \"-c\", \"migrate && exec gunicorn app\"]\n",
                "FROM nginx:1.27-alpine\nCOPY dist /usr/share/nginx/html\n",
                "FROM php:8.3-apache\nCOPY . /var/www/html\n",
                // EXPOSE inherited from an earlier stage
                "FROM a AS base\nEXPOSE 80\nFROM base\nRUN x\n",
                // a HEALTHCHECK in another branch does not help
                "FROM a AS other\nHEALTHCHECK CMD x\nFROM a\nEXPOSE 80\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG901",
            &[
                "FROM a\nEXPOSE 80\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n",
                "FROM a\nEXPOSE 80\nHEALTHCHECK NONE\n",
                // inherited HEALTHCHECK counts
                "FROM a AS base\nHEALTHCHECK CMD x\nFROM base\nEXPOSE 80\n",
                // not a service
                "FROM golang:1.22\nRUN go build -o /app .\nCMD [\"/app\", \"--help\"]\n",
                "FROM alpine:3.20\nRUN apk add --no-cache git\nENTRYPOINT [\"git\"]\n",
                "FROM python:3.12\nCMD [\"python\", \"train.py\"]\n",
                // EXPOSE only in a builder stage
                "FROM a AS build\nEXPOSE 80\nFROM b\nCOPY --from=build /x /x\n",
                // a server base image whose command is not the final target
                "FROM nginx AS web\nFROM alpine\nCMD [\"sh\"]\n",
            ],
        );
    }

    #[test]
    fn message() {
        let d = check("SG901", "FROM a\nARG P=8080\nEXPOSE $P/tcp\n");
        assert!(d[0].message.contains("8080/tcp"), "{}", d[0].message);
    }
}
