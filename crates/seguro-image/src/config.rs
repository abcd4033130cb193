//! The image config (OCI and Docker share one shape) parsed with our own tolerant structs:
//! every field may be missing or `null`, `Healthcheck` is read whatever the media type, and
//! `container_config` (the builder container of Docker v1 configs) is never read.

use crate::model::{Healthcheck, History, ImageConfig};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize, Default)]
struct RawConfig {
    architecture: Option<String>,
    os: Option<String>,
    variant: Option<String>,
    created: Option<String>,
    author: Option<String>,
    config: Option<RawRunConfig>,
    rootfs: Option<RawRootfs>,
    history: Option<Vec<Option<RawHistory>>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RawRunConfig {
    user: Option<String>,
    env: Option<Vec<Option<String>>>,
    entrypoint: Option<StringOrList>,
    cmd: Option<StringOrList>,
    working_dir: Option<String>,
    exposed_ports: Option<BTreeMap<String, serde_json::Value>>,
    volumes: Option<BTreeMap<String, serde_json::Value>>,
    labels: Option<BTreeMap<String, Option<String>>>,
    stop_signal: Option<String>,
    shell: Option<Vec<Option<String>>>,
    on_build: Option<Vec<Option<String>>>,
    healthcheck: Option<RawHealthcheck>,
}

/// `Cmd`/`Entrypoint` are arrays; a few writers put a bare string.
#[derive(Deserialize)]
#[serde(untagged)]
enum StringOrList {
    List(Vec<Option<String>>),
    One(String),
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RawHealthcheck {
    test: Option<Vec<Option<String>>>,
    interval: Option<i64>,
    timeout: Option<i64>,
    start_period: Option<i64>,
    start_interval: Option<i64>,
    retries: Option<i64>,
}

#[derive(Deserialize, Default)]
struct RawRootfs {
    diff_ids: Option<Vec<Option<String>>>,
}

#[derive(Deserialize, Default)]
struct RawHistory {
    created: Option<String>,
    created_by: Option<String>,
    author: Option<String>,
    comment: Option<String>,
    empty_layer: Option<bool>,
}

fn strings(v: Option<Vec<Option<String>>>) -> Vec<String> {
    v.unwrap_or_default().into_iter().flatten().collect()
}

fn list(v: Option<StringOrList>) -> Vec<String> {
    match v {
        Some(StringOrList::List(l)) => l.into_iter().flatten().collect(),
        Some(StringOrList::One(s)) => vec![s],
        None => Vec::new(),
    }
}

/// Parses a config blob. History entries are mapped onto layers later
/// ([`map_history`]), once the layer count is known.
pub(crate) fn parse_config(bytes: &[u8]) -> Result<ImageConfig, String> {
    let raw: Option<RawConfig> = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let raw = raw.unwrap_or_default();
    let run = raw.config.unwrap_or_default();
    Ok(ImageConfig {
        architecture: raw.architecture.unwrap_or_default(),
        os: raw.os.unwrap_or_default(),
        variant: raw.variant.filter(|v| !v.is_empty()),
        created: raw.created,
        author: raw.author,
        user: run.user.unwrap_or_default(),
        env: strings(run.env),
        entrypoint: list(run.entrypoint),
        cmd: list(run.cmd),
        working_dir: run.working_dir.unwrap_or_default(),
        exposed_ports: run.exposed_ports.unwrap_or_default().into_keys().collect(),
        volumes: run.volumes.unwrap_or_default().into_keys().collect(),
        labels: run
            .labels
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k, v.unwrap_or_default()))
            .collect(),
        stop_signal: run.stop_signal,
        shell: strings(run.shell),
        on_build: strings(run.on_build),
        healthcheck: run.healthcheck.map(|h| Healthcheck {
            test: strings(h.test),
            interval: h.interval,
            timeout: h.timeout,
            start_period: h.start_period,
            start_interval: h.start_interval,
            retries: h.retries,
        }),
        history: raw
            .history
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|h| History {
                created: h.created,
                created_by: h.created_by.unwrap_or_default(),
                author: h.author,
                comment: h.comment,
                empty_layer: h.empty_layer.unwrap_or(false),
                layer: None,
            })
            .collect(),
        diff_ids: strings(raw.rootfs.and_then(|r| r.diff_ids)),
    })
}

/// Maps history steps that made a layer (`empty_layer` false), in order, onto layers:
/// best effort, extra steps or extra layers stay unmapped. Returns, per layer, its step.
pub(crate) fn map_history(history: &mut [History], layers: usize) -> Vec<Option<usize>> {
    let mut per_layer = vec![None; layers];
    let mut next = 0;
    for (i, h) in history.iter_mut().enumerate() {
        if h.empty_layer {
            continue;
        }
        if next < layers {
            h.layer = Some(next);
            per_layer[next] = Some(i);
        }
        next += 1;
    }
    per_layer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_and_healthcheck() {
        let c = parse_config(
            br##"{"architecture":"arm64","os":"linux","config":{"User":null,"Env":null,
            "Cmd":"run","Labels":{"a":null},"Healthcheck":{"Test":["CMD","x"],"Interval":30000000000}},
            "container_config":{"User":"root","Cmd":["/bin/sh","-c","#(nop)"]},
            "rootfs":{"type":"layers","diff_ids":null},"history":[null,{"created_by":"RUN x"}]}"##,
        )
        .unwrap();
        assert_eq!(c.user, "");
        assert_eq!(c.cmd, ["run"]);
        assert_eq!(c.labels["a"], "");
        let h = c.healthcheck.unwrap();
        assert_eq!(h.test, ["CMD", "x"]);
        assert_eq!(h.interval, Some(30_000_000_000));
        assert_eq!(c.history.len(), 1);
        assert!(parse_config(b"null").unwrap().diff_ids.is_empty());
        assert!(parse_config(b"[1]").is_err());
    }

    #[test]
    fn history_mapping() {
        let mut h: Vec<History> = [false, true, false, false]
            .iter()
            .map(|&e| History {
                empty_layer: e,
                ..History::default()
            })
            .collect();
        let per = map_history(&mut h, 2);
        assert_eq!(per, [Some(0), Some(2)]);
        assert_eq!(h[3].layer, None);
        assert_eq!(h[2].layer, Some(1));
    }
}
