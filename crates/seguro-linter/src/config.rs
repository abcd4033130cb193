//! Configuration: `seguro.toml` / `.seguro.toml` (or `.hadolint.yaml`), rule selection
//! by code, name, prefix or alias, severities, failure threshold and rule options.

use crate::diagnostic::Severity;
use crate::registry;
use crate::rule::{Rule, RuleMeta};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// A loaded configuration (the default selects every rule not `off` by default).
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// Rule codes explicitly selected (`None`: the defaults).
    pub select: Option<Vec<&'static str>>,
    pub extend_select: Vec<&'static str>,
    pub ignore: Vec<&'static str>,
    pub severity: HashMap<&'static str, Severity>,
    pub fail_on: Option<Severity>,
    pub trusted_registries: Vec<String>,
    pub required_labels: Vec<String>,
    pub label_schema: HashMap<String, String>,
    pub per_file: Vec<(globset::GlobMatcher, Vec<&'static str>)>,
    pub rule_options: HashMap<&'static str, toml::Table>,
    /// [`Config::enabled_rules`], worked out once per configuration.
    #[doc(hidden)]
    pub enabled: EnabledCache,
}

/// The rules a configuration runs, computed on first use. A clone starts empty, so a
/// cloned configuration can still be changed before it is used.
#[derive(Default)]
pub struct EnabledCache(std::sync::OnceLock<Vec<(&'static dyn Rule, Severity)>>);

impl Clone for EnabledCache {
    fn clone(&self) -> Self {
        EnabledCache::default()
    }
}

impl std::fmt::Debug for EnabledCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("EnabledCache")
    }
}

/// A configuration problem, with the file it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// The Dockerfile rules this configuration runs (per-file ignores aside), with their
    /// severities, in code order. Computed on first use; do not change the selection
    /// afterwards.
    pub fn enabled_rules(&self) -> &[(&'static dyn Rule, Severity)] {
        self.enabled.0.get_or_init(|| {
            registry::all()
                .iter()
                .filter(|r| self.enabled_anywhere(r.meta()))
                .map(|r| (*r, self.severity_of(r.meta())))
                .collect()
        })
    }

    /// Whether the rule runs on `file`.
    pub fn is_enabled(&self, meta: &RuleMeta, file: &Path) -> bool {
        let code = meta.code;
        if self
            .per_file
            .iter()
            .any(|(glob, codes)| codes.contains(&code) && glob.is_match(file))
        {
            return false;
        }
        self.enabled_anywhere(meta)
    }

    /// Whether the rule runs, per-file ignores aside.
    fn enabled_anywhere(&self, meta: &RuleMeta) -> bool {
        let code = meta.code;
        if self.ignore.contains(&code) {
            return false;
        }
        let explicit = self.select.as_ref().is_some_and(|s| s.contains(&code))
            || self.extend_select.contains(&code);
        let by_default = self.select.is_none() && meta.severity != Severity::Off;
        (explicit || by_default) && self.severity_of(meta) != Severity::Off
    }

    /// The severity findings of the rule get (an `off` default becomes `warning` when
    /// the rule is selected explicitly).
    pub fn severity_of(&self, meta: &RuleMeta) -> Severity {
        if !self.severity.is_empty()
            && let Some(s) = self.severity.get(meta.code)
        {
            return *s;
        }
        match meta.severity {
            Severity::Off => Severity::Warning,
            s => s,
        }
    }

    /// Findings at or above this fail the run (default `warning`).
    pub fn fail_on(&self) -> Severity {
        self.fail_on.unwrap_or(Severity::Warning)
    }

    /// Options table of a rule (`[rules.SG301] policy = "forbid"`).
    pub fn rule_option(&self, code: &str, key: &str) -> Option<&toml::Value> {
        self.rule_options.get(code).and_then(|t| t.get(key))
    }

    /// Parses a `seguro.toml` text.
    pub fn from_toml(text: &str, path: Option<&Path>) -> Result<Config, ConfigError> {
        let where_ = path.map_or_else(|| "config".to_string(), |p| p.display().to_string());
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| ConfigError(format!("{where_}: {}", e.message())))?;
        let mut cfg = Config {
            path: path.map(Path::to_path_buf),
            ..Config::default()
        };
        let codes = |v: &toml::Value, key: &str| -> Result<Vec<&'static str>, ConfigError> {
            let list = v
                .as_array()
                .ok_or_else(|| ConfigError(format!("{where_}: `{key}` must be a list")))?;
            let mut out = Vec::new();
            for item in list {
                let s = item.as_str().ok_or_else(|| {
                    ConfigError(format!("{where_}: `{key}` entries must be strings"))
                })?;
                let found = registry::resolve(s);
                if found.is_empty() {
                    return Err(ConfigError(format!(
                        "{where_}: `{key}`: unknown rule `{s}`"
                    )));
                }
                out.extend(found.iter().map(|m| m.code));
            }
            Ok(out)
        };
        for (key, value) in &table {
            match key.as_str() {
                "select" => cfg.select = Some(codes(value, key)?),
                "extend-select" => cfg.extend_select = codes(value, key)?,
                "ignore" => cfg.ignore = codes(value, key)?,
                "fail-on" => {
                    cfg.fail_on =
                        Some(value.as_str().and_then(Severity::parse).ok_or_else(|| {
                            ConfigError(format!(
                                "{where_}: `fail-on` must be error, warning, info or style"
                            ))
                        })?)
                }
                "severity" => {
                    let t = value.as_table().ok_or_else(|| {
                        ConfigError(format!("{where_}: `severity` must be a table"))
                    })?;
                    for (rule, sev) in t {
                        let sev = sev.as_str().and_then(Severity::parse).ok_or_else(|| {
                            ConfigError(format!("{where_}: severity.{rule}: not a severity"))
                        })?;
                        for m in registry::resolve(rule) {
                            cfg.severity.insert(m.code, sev);
                        }
                    }
                }
                "trusted-registries" => {
                    cfg.trusted_registries = strings(value, key, &where_)?;
                }
                "labels" => {
                    let t = value.as_table().ok_or_else(|| {
                        ConfigError(format!("{where_}: `labels` must be a table"))
                    })?;
                    if let Some(req) = t.get("required") {
                        cfg.required_labels = strings(req, "labels.required", &where_)?;
                    }
                    if let Some(schema) = t.get("schema").and_then(|s| s.as_table()) {
                        for (k, v) in schema {
                            cfg.label_schema
                                .insert(k.clone(), v.as_str().unwrap_or("text").to_string());
                        }
                    }
                }
                "per-file" => {
                    for entry in value.as_array().into_iter().flatten() {
                        let glob = entry.get("glob").and_then(|g| g.as_str()).ok_or_else(|| {
                            ConfigError(format!("{where_}: [[per-file]] needs `glob`"))
                        })?;
                        let matcher = globset::Glob::new(glob)
                            .map_err(|e| ConfigError(format!("{where_}: per-file glob: {e}")))?
                            .compile_matcher();
                        let ignore = match entry.get("ignore") {
                            Some(v) => codes(v, "per-file.ignore")?,
                            None => Vec::new(),
                        };
                        cfg.per_file.push((matcher, ignore));
                    }
                }
                "rules" => {
                    for (rule, opts) in value.as_table().into_iter().flatten() {
                        let opts = opts.as_table().cloned().unwrap_or_default();
                        for m in registry::resolve(rule) {
                            cfg.rule_options.insert(m.code, opts.clone());
                        }
                    }
                }
                other => {
                    return Err(ConfigError(format!("{where_}: unknown key `{other}`")));
                }
            }
        }
        Ok(cfg)
    }

    /// Finds `seguro.toml` or `.seguro.toml` from `start` upwards; when there is none,
    /// the nearest `.hadolint.yaml` / `.hadolint.yml` (read by [`crate::hadolint_config`]).
    pub fn discover(start: &Path) -> Result<Option<Config>, ConfigError> {
        let mut dir = Some(start);
        while let Some(d) = dir {
            for name in ["seguro.toml", ".seguro.toml"] {
                let p = d.join(name);
                if p.is_file() {
                    let text = std::fs::read_to_string(&p)
                        .map_err(|e| ConfigError(format!("{}: {e}", p.display())))?;
                    return Config::from_toml(&text, Some(&p)).map(Some);
                }
            }
            dir = d.parent();
        }
        let mut dir = Some(start);
        while let Some(d) = dir {
            for name in crate::hadolint_config::FILE_NAMES {
                let p = d.join(name);
                if p.is_file() {
                    return crate::hadolint_config::read(&p).map(Some);
                }
            }
            dir = d.parent();
        }
        Ok(None)
    }
}

fn strings(v: &toml::Value, key: &str, where_: &str) -> Result<Vec<String>, ConfigError> {
    v.as_array()
        .ok_or_else(|| ConfigError(format!("{where_}: `{key}` must be a list")))?
        .iter()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .ok_or_else(|| ConfigError(format!("{where_}: `{key}` entries must be strings")))
        })
        .collect()
}
