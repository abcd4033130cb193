//! Reading an existing `.hadolint.yaml` as a seguro [`Config`], mapping hadolint's ids
//! through the rules' aliases (ids seguro has no rule for are skipped silently).

use crate::config::{Config, ConfigError};
use crate::diagnostic::Severity;
use crate::registry;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// File names hadolint reads, in its order of preference.
pub const FILE_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// The keys of a hadolint configuration seguro understands; the others (`format`,
/// `no-color`, `strict-labels`, …) are accepted and ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct HadolintFile {
    ignored: Option<Vec<String>>,
    #[serde(rename = "trustedRegistries")]
    trusted_registries: Option<Vec<String>>,
    #[serde(rename = "label-schema")]
    label_schema: Option<BTreeMap<String, String>>,
    #[serde(rename = "failure-threshold")]
    failure_threshold: Option<String>,
    #[serde(rename = "override")]
    override_: Option<Overrides>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Overrides {
    error: Option<Vec<String>>,
    warning: Option<Vec<String>>,
    info: Option<Vec<String>>,
    style: Option<Vec<String>>,
}

/// Seguro codes of hadolint ids (or seguro selectors), unknown ones dropped.
fn codes(ids: &[String]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for id in ids {
        for meta in registry::resolve(id) {
            if !out.contains(&meta.code) {
                out.push(meta.code);
            }
        }
    }
    out
}

/// Parses the text of a `.hadolint.yaml`.
///
/// - `ignored` → `ignore`;
/// - `trustedRegistries` → `trusted-registries`;
/// - `label-schema` → the required labels (hadolint requires every key of the schema) and
///   their types;
/// - `failure-threshold` → `fail-on` (`none`/`ignore` become `off`: nothing fails);
/// - `override.{error,warning,info,style}` → `severity.<code>`.
pub fn from_yaml(text: &str, path: Option<&Path>) -> Result<Config, ConfigError> {
    let where_ = path.map_or_else(|| ".hadolint.yaml".to_string(), |p| p.display().to_string());
    let file: HadolintFile = if text.trim().is_empty() {
        HadolintFile::default()
    } else {
        serde_saphyr::from_str::<Option<HadolintFile>>(text)
            .map_err(|e| ConfigError(format!("{where_}: {e}")))?
            .unwrap_or_default()
    };
    let mut cfg = Config {
        path: path.map(Path::to_path_buf),
        ..Config::default()
    };
    if let Some(ids) = &file.ignored {
        cfg.ignore = codes(ids);
    }
    if let Some(registries) = file.trusted_registries {
        cfg.trusted_registries = registries;
    }
    if let Some(schema) = file.label_schema {
        for (key, kind) in schema {
            cfg.required_labels.push(key.clone());
            cfg.label_schema.insert(key, kind);
        }
    }
    if let Some(threshold) = &file.failure_threshold {
        cfg.fail_on = Some(Severity::parse(threshold).ok_or_else(|| {
            ConfigError(format!(
                "{where_}: `failure-threshold` must be error, warning, info, style or none"
            ))
        })?);
    }
    if let Some(o) = &file.override_ {
        // Applied from the mildest to the strictest, so the strictest wins on conflicts.
        for (ids, severity) in [
            (&o.style, Severity::Style),
            (&o.info, Severity::Info),
            (&o.warning, Severity::Warning),
            (&o.error, Severity::Error),
        ] {
            for code in codes(ids.as_deref().unwrap_or_default()) {
                cfg.severity.insert(code, severity);
            }
        }
    }
    Ok(cfg)
}

/// Reads a `.hadolint.yaml` file.
pub fn read(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError(format!("{}: {e}", path.display())))?;
    from_yaml(&text, Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_every_key_through_aliases() {
        let yaml = "\
failure-threshold: error
ignored:
  - DL3004
  - DL9999
override:
  error:
    - DL3000000
  info:
    - sudo
trustedRegistries:
  - docker.io
  - ghcr.io/acme/*
label-schema:
  author: text
  version: semver
strict-labels: true
no-color: true
";
        let cfg = from_yaml(yaml, None).expect("valid config");
        // DL3004 is SG202 (sudo); DL9999 is nothing seguro knows: no error.
        assert_eq!(cfg.ignore, vec!["SG202"]);
        assert_eq!(cfg.fail_on, Some(Severity::Error));
        assert_eq!(cfg.trusted_registries, vec!["docker.io", "ghcr.io/acme/*"]);
        assert_eq!(cfg.required_labels, vec!["author", "version"]);
        assert_eq!(
            cfg.label_schema.get("version").map(String::as_str),
            Some("semver")
        );
        assert_eq!(cfg.severity.get("SG202"), Some(&Severity::Info));
        assert_eq!(cfg.severity.len(), 1);
    }

    #[test]
    fn empty_and_null_files_are_defaults() {
        for text in ["", "\n", "# only a comment\n", "---\n", "ignored:\n"] {
            let cfg = from_yaml(text, None).expect(text);
            assert!(cfg.ignore.is_empty() && cfg.fail_on.is_none(), "{text:?}");
        }
    }

    #[test]
    fn none_threshold_means_off() {
        let cfg = from_yaml("failure-threshold: none\n", None).unwrap();
        assert_eq!(cfg.fail_on, Some(Severity::Off));
    }

    #[test]
    fn errors_name_the_file() {
        let err = from_yaml("ignored: [a\n", Some(Path::new("x/.hadolint.yaml"))).unwrap_err();
        assert!(err.0.starts_with("x/.hadolint.yaml:"), "{err}");
        let err = from_yaml("failure-threshold: loud\n", None).unwrap_err();
        assert!(err.0.contains("failure-threshold"), "{err}");
    }

    #[test]
    fn discover_falls_back_to_hadolint_yaml() {
        let dir = std::env::temp_dir().join(format!(
            "seguro-hadolint-{}-{}",
            std::process::id(),
            line!()
        ));
        let sub = dir.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.join(".hadolint.yml"), "ignored: [DL3004]\n").unwrap();
        let cfg = Config::discover(&sub).unwrap().expect("found");
        assert_eq!(cfg.ignore, vec!["SG202"]);
        assert_eq!(
            cfg.path.as_deref(),
            Some(dir.join(".hadolint.yml").as_path())
        );
        // A seguro config anywhere up the tree wins over a nearer .hadolint.yaml.
        std::fs::write(dir.join("seguro.toml"), "ignore = []\n").unwrap();
        std::fs::write(sub.join(".hadolint.yaml"), "ignored: [DL3004]\n").unwrap();
        let cfg = Config::discover(&sub).unwrap().expect("found");
        assert!(cfg.ignore.is_empty());
        assert_eq!(cfg.path.as_deref(), Some(dir.join("seguro.toml").as_path()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
