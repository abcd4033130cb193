//! The sources and destination of COPY/ADD, expanded, and what kind of thing each source is.

use crate::checker::Checker;
use seguro_dockerfile::{Instruction, Kind, Span};

/// One source or destination word of a COPY/ADD.
#[derive(Debug)]
pub(crate) struct Word {
    pub span: Span,
    /// The value after ARG/ENV expansion; `None` when a variable is unset or the word is
    /// an ONBUILD trigger's (expanded later, in another build).
    pub value: Option<String>,
    /// An inline file (`<<EOF`), not a path.
    pub heredoc: bool,
}

/// The arguments of one COPY/ADD.
#[derive(Debug)]
pub(crate) struct CopyArgs<'a> {
    /// Index of the instruction (the ONBUILD instruction for a trigger).
    pub index: usize,
    /// The COPY/ADD itself (the trigger for `ONBUILD ADD`).
    pub inst: &'a Instruction,
    pub sources: Vec<Word>,
    pub dest: Word,
}

/// Every COPY or ADD (`kind`), ONBUILD triggers included when `onbuild` is set, with its
/// sources and destination. Instructions with fewer than two arguments (a build error
/// SG000 reports) are left out.
pub(crate) fn copies<'a>(cx: &Checker<'a>, kind: Kind, onbuild: bool) -> Vec<CopyArgs<'a>> {
    let mut out = Vec::new();
    for (index, inst) in cx.instructions() {
        let (inst, is_trigger) = match (&inst.kind, &inst.onbuild) {
            (k, _) if *k == kind => (inst, false),
            (Kind::Onbuild, Some(child)) if onbuild && child.kind == kind => (child.as_ref(), true),
            _ => continue,
        };
        let mut words: Vec<Word> = inst
            .args
            .iter()
            .map(|a| {
                let heredoc = !inst.json
                    && !inst.heredocs.is_empty()
                    && seguro_dockerfile::parser::parse_heredoc(&a.value)
                        .ok()
                        .flatten()
                        .is_some();
                let value = if heredoc || is_trigger {
                    (!a.value.contains('$')).then(|| unquote(&a.value, inst.json))
                } else {
                    cx.model
                        .expand(&a.value, index)
                        .filter(|e| e.unresolved.is_empty())
                        .map(|e| e.value)
                };
                Word {
                    span: a.span,
                    value,
                    heredoc,
                }
            })
            .collect();
        if words.len() < 2 {
            continue;
        }
        let Some(dest) = words.pop() else { continue };
        out.push(CopyArgs {
            index,
            inst,
            sources: words,
            dest,
        });
    }
    out
}

/// Removes plain quotes from a shell-form word that holds no variable.
fn unquote(word: &str, json: bool) -> String {
    if json {
        return word.to_string();
    }
    word.chars().filter(|c| *c != '"' && *c != '\'').collect()
}

/// What a source of ADD is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SourceKind {
    /// A file or directory of the context (or an inline heredoc): ADD copies it as COPY does.
    Local,
    /// A local file named as a tar archive: ADD extracts it.
    Archive,
    /// A compressed file (`.gz`, `.xz`…) that may or may not hold a tar archive.
    MaybeArchive,
    /// A wildcard that may match archives ADD would extract.
    Pattern,
    /// An http(s) URL or a git repository: ADD downloads it.
    Remote,
    /// An unset variable, or another scheme: cannot tell.
    Unknown,
}

/// Names that are tar archives whatever their compression (ADD extracts them).
const TAR_SUFFIXES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".taz", ".tar.bz2", ".tbz2", ".tbz", ".tb2", ".tar.xz", ".txz",
    ".tar.zst", ".tzst", ".tar.lz4", ".tar.z",
];

/// Compressed names that may hold a tar archive (ADD extracts those that do).
const COMPRESSED_SUFFIXES: &[&str] = &[".gz", ".bz2", ".xz", ".zst", ".lz4", ".z", ".lzma"];

/// Classifies one ADD source.
pub(crate) fn source_kind(word: &Word) -> SourceKind {
    if word.heredoc {
        return SourceKind::Local;
    }
    let Some(value) = word.value.as_deref() else {
        return SourceKind::Unknown;
    };
    if ["http://", "https://", "git://", "ssh://", "git@"]
        .iter()
        .any(|p| value.starts_with(p))
    {
        return SourceKind::Remote;
    }
    if value.contains("://") || value.is_empty() {
        return SourceKind::Unknown;
    }
    let name = value
        .rsplit('/')
        .next()
        .unwrap_or(value)
        .to_ascii_lowercase();
    if name.is_empty() || name == "." || name == ".." {
        return SourceKind::Local;
    }
    // A wildcard: judge the literal tail after the last wildcard character.
    if let Some(last_meta) = name.rfind(['*', '?', '[', ']']) {
        let tail = &name[last_meta + 1..];
        if TAR_SUFFIXES.iter().any(|s| tail.ends_with(s)) {
            return SourceKind::Archive;
        }
        let could_be_archive = TAR_SUFFIXES
            .iter()
            .chain(COMPRESSED_SUFFIXES)
            .any(|s| s.ends_with(tail) || tail.ends_with(s));
        return if could_be_archive {
            SourceKind::Pattern
        } else {
            SourceKind::Local
        };
    }
    if TAR_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        SourceKind::Archive
    } else if COMPRESSED_SUFFIXES.iter().any(|s| name.ends_with(s)) {
        SourceKind::MaybeArchive
    } else {
        SourceKind::Local
    }
}

/// `COPY` or `copy`/`Copy` in the case style of `keyword`.
pub(crate) fn copy_keyword(keyword: &str) -> &'static str {
    if keyword.chars().all(|c| c.is_ascii_lowercase()) {
        "copy"
    } else if keyword.chars().all(|c| c.is_ascii_uppercase()) {
        "COPY"
    } else {
        "Copy"
    }
}

/// What `COPY --from=<value>` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum FromRef {
    /// A stage of this Dockerfile, by index.
    Stage(usize),
    /// A stage number no stage has.
    BadIndex(i64),
    /// A variable: BuildKit does not expand `--from`.
    Variable,
    /// An image reference or a named build context.
    Image(String),
    /// Neither a stage nor a valid image reference.
    Invalid,
}

/// Resolves a `--from` value as BuildKit does: a stage name (case-insensitive, the last
/// stage of that name), a stage number, else an image reference.
pub(crate) fn resolve_from(cx: &Checker<'_>, value: &str) -> FromRef {
    if value.contains('$') {
        return FromRef::Variable;
    }
    if let Ok(n) = value.parse::<i64>() {
        return match usize::try_from(n) {
            Ok(i) if i < cx.model.stages.len() => FromRef::Stage(i),
            _ => FromRef::BadIndex(n),
        };
    }
    let lowered = value.to_lowercase();
    if let Some(stage) = cx
        .model
        .stages
        .iter()
        .rev()
        .find(|s| s.name.as_deref() == Some(lowered.as_str()))
    {
        return FromRef::Stage(stage.index);
    }
    match seguro_dockerfile::reference::ImageRef::parse_normalized(value) {
        Ok(_) => FromRef::Image(value.to_string()),
        Err(_) => FromRef::Invalid,
    }
}

/// Docker Hub's official images (`docker.io/library/<name>`), for telling an image from a
/// mistyped stage name in `COPY --from=<name>`.
pub(crate) const OFFICIAL_IMAGES: &[&str] = &[
    "adminer",
    "aerospike",
    "almalinux",
    "alpine",
    "alt",
    "amazoncorretto",
    "amazonlinux",
    "api-firewall",
    "arangodb",
    "archlinux",
    "backdrop",
    "bash",
    "bonita",
    "buildpack-deps",
    "busybox",
    "caddy",
    "cassandra",
    "centos",
    "chronograf",
    "cirros",
    "clearlinux",
    "clefos",
    "clickhouse",
    "clojure",
    "composer",
    "convertigo",
    "couchbase",
    "couchdb",
    "crate",
    "dart",
    "debian",
    "docker",
    "drupal",
    "eclipse-mosquitto",
    "eclipse-temurin",
    "eggdrop",
    "elasticsearch",
    "elixir",
    "emqx",
    "erlang",
    "fedora",
    "flink",
    "fluentd",
    "friendica",
    "gazebo",
    "gcc",
    "geonetwork",
    "ghost",
    "golang",
    "gradle",
    "groovy",
    "haproxy",
    "haskell",
    "haxe",
    "hello-world",
    "hitch",
    "httpd",
    "hylang",
    "ibm-semeru-runtimes",
    "ibmjava",
    "influxdb",
    "irssi",
    "jetty",
    "joomla",
    "jruby",
    "julia",
    "kapacitor",
    "kibana",
    "kong",
    "krakend",
    "liquibase",
    "logstash",
    "mageia",
    "mariadb",
    "matomo",
    "maven",
    "mediawiki",
    "memcached",
    "mongo",
    "mongo-express",
    "monica",
    "mono",
    "mysql",
    "nats",
    "neo4j",
    "neurodebian",
    "nextcloud",
    "nginx",
    "node",
    "notary",
    "odoo",
    "open-liberty",
    "openjdk",
    "oraclelinux",
    "orientdb",
    "percona",
    "perl",
    "photon",
    "php",
    "php-zendserver",
    "phpmyadmin",
    "plone",
    "postfixadmin",
    "postgres",
    "pypy",
    "python",
    "r-base",
    "rabbitmq",
    "rakudo-star",
    "redis",
    "redmine",
    "registry",
    "rethinkdb",
    "rocket.chat",
    "rockylinux",
    "ruby",
    "rust",
    "sapmachine",
    "satosa",
    "silverpeas",
    "solr",
    "sonarqube",
    "spark",
    "spiped",
    "storm",
    "swift",
    "swipl",
    "teamspeak",
    "telegraf",
    "tomcat",
    "tomee",
    "traefik",
    "ubuntu",
    "unit",
    "varnish",
    "websphere-liberty",
    "wordpress",
    "xwiki",
    "yourls",
    "znc",
    "zookeeper",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(v: &str) -> SourceKind {
        source_kind(&Word {
            span: Span { start: 0, end: 0 },
            value: Some(v.to_string()),
            heredoc: false,
        })
    }

    #[test]
    fn kinds() {
        assert_eq!(kind("app.py"), SourceKind::Local);
        assert_eq!(kind("."), SourceKind::Local);
        assert_eq!(kind("dir/"), SourceKind::Local);
        assert_eq!(kind("app.zip"), SourceKind::Local);
        assert_eq!(kind("rootfs.tar.gz"), SourceKind::Archive);
        assert_eq!(kind("x.TGZ"), SourceKind::Archive);
        assert_eq!(kind("data.gz"), SourceKind::MaybeArchive);
        assert_eq!(kind("https://x/y.tar.gz"), SourceKind::Remote);
        assert_eq!(kind("git@github.com:a/b.git"), SourceKind::Remote);
        assert_eq!(kind("ftp://x/y"), SourceKind::Unknown);
        assert_eq!(kind("*.sh"), SourceKind::Local);
        assert_eq!(kind("dist/*.tar.gz"), SourceKind::Archive);
        assert_eq!(kind("files/*"), SourceKind::Pattern);
        assert_eq!(kind("*.t?z"), SourceKind::Pattern);
        assert_eq!(copy_keyword("add"), "copy");
        assert_eq!(copy_keyword("ADD"), "COPY");
        assert_eq!(copy_keyword("Add"), "Copy");
    }
}
