//! SG312: package-manager caches left in a layer of the final image.

use super::{
    Finding, OpAt, Run, cache_mount_targets, commands, env_value, insert_after, runs, trim_dir,
    under,
};
use crate::checker::Checker;
use crate::declare_rule;
use crate::diagnostic::Fix;
use crate::rule::Check;
use seguro_shell::{Action, Command, Manager};

declare_rule! {
    /// ## What it does
    /// Finds package-manager caches a RUN leaves in its layer:
    ///
    /// - apt lists after `apt-get update` with no `rm -rf /var/lib/apt/lists/*` (or
    ///   `apt-get distclean`) later in the RUN;
    /// - `apk add`/`update`/`upgrade` without `--no-cache` and no removal of
    ///   `/var/cache/apk`;
    /// - `dnf`/`yum`/`microdnf`/`tdnf` installs, upgrades and `makecache` with no
    ///   `clean all` (or removal of `/var/cache/dnf`, `/var/cache/yum`) after them;
    ///   `zypper` with no `zypper clean`;
    /// - `pip install` without `--no-cache-dir` (nor `PIP_NO_CACHE_DIR` in the
    ///   environment, nor `pip cache purge` or removal of `~/.cache/pip` after it);
    ///   `uv pip install`/`uv sync` without `--no-cache`/`UV_NO_CACHE`;
    /// - `npm install`/`npm ci` with no `npm cache clean --force`, `yarn` installs with no
    ///   `yarn cache clean`, `pnpm install` with no `pnpm store prune`.
    ///
    /// A BuildKit cache or tmpfs mount on the cache directory
    /// (`RUN --mount=type=cache,target=/var/lib/apt/lists`, `…,target=/root/.cache/pip`)
    /// keeps the cache out of the layer and is never reported; neither is a cache moved
    /// elsewhere (`PIP_CACHE_DIR`, `--cache-dir`, `npm --cache`, `YARN_CACHE_FOLDER`) and
    /// removed or mounted there.
    ///
    /// Only stages that end up in the built image are checked (the final stage, or the
    /// `--target`, and the stages it is built `FROM`): a cache left in a builder stage
    /// whose files are copied out does not ship.
    ///
    /// ## Why it matters
    /// A cache is useless in a running container but stays in the image forever, even if
    /// a later RUN deletes it: tens to hundreds of megabytes per layer, pulled by every
    /// node that runs the image. Package lists also record what the build could see.
    ///
    /// ## Example
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// Use instead:
    /// ```dockerfile
    /// FROM python:3.12-slim
    /// RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
    /// ```
    ///
    /// ## Fix
    /// Safe, for pip only: inserts `--no-cache-dir` after `install`, which changes only
    /// where pip keeps downloads, not what it installs. Other caches are left to the
    /// author (where to clean depends on the rest of the RUN).
    ///
    /// ## Aliases
    /// DL3009, DL3019, DL3032, DL3036, DL3040, DL3042, DL3060
    ///
    /// ## References
    /// Chapter 3.1.1 (minimal images).
    pub struct PackageCacheLeft {
        code: "SG312",
        name: "package-cache-left",
        severity: Info,
        section: "3.1.1",
        aliases: ["DL3009", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042", "DL3060"],
        fixable: Sometimes,
    }
}

/// A package cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cache {
    Apt,
    Apk,
    Rpm,
    Zypper,
    Pip,
    Uv,
    Npm,
    Yarn,
    Pnpm,
}

impl Cache {
    const ALL: [Cache; 9] = [
        Cache::Apt,
        Cache::Apk,
        Cache::Rpm,
        Cache::Zypper,
        Cache::Pip,
        Cache::Uv,
        Cache::Npm,
        Cache::Yarn,
        Cache::Pnpm,
    ];

    /// The cache a command fills, if it does and does not opt out.
    fn of(cx: &Checker<'_>, at: &OpAt<'_>) -> Option<Cache> {
        let op = &at.op;
        let action = &op.action;
        let fills = matches!(
            action,
            Action::Install | Action::Upgrade | Action::DistUpgrade | Action::Update
        );
        Some(match op.manager {
            Manager::AptGet | Manager::Apt | Manager::Aptitude if *action == Action::Update => {
                Cache::Apt
            }
            // `--no-network` reads only what is already there.
            Manager::Apk if fills && !op.has_flag(&["--no-cache", "--no-network"]) => Cache::Apk,
            Manager::Dnf | Manager::Yum | Manager::Microdnf | Manager::Tdnf if fills => Cache::Rpm,
            Manager::Zypper if fills => Cache::Zypper,
            Manager::Pip if *action == Action::Install => {
                let off = op.has_flag(&["--no-cache-dir", "--no-cache"])
                    || env_value(cx, at, "PIP_NO_CACHE_DIR").is_some();
                if off {
                    return None;
                }
                Cache::Pip
            }
            Manager::Uv if *action == Action::Install => {
                if op.has_flag(&["--no-cache", "-n"]) || env_value(cx, at, "UV_NO_CACHE").is_some()
                {
                    return None;
                }
                Cache::Uv
            }
            Manager::Npm if *action == Action::Install => Cache::Npm,
            Manager::Yarn if *action == Action::Install => Cache::Yarn,
            Manager::Pnpm if *action == Action::Install => Cache::Pnpm,
            _ => return None,
        })
    }

    /// Whether removing or mounting `path` takes care of the cache (`path` trimmed).
    fn covered_by(self, path: &str) -> bool {
        if path == "/" || path.is_empty() {
            return false;
        }
        let home = |rel: &[&str]| {
            rel.iter()
                .any(|r| path.ends_with(r) || path == r.trim_start_matches('/'))
        };
        match self {
            Cache::Apt => under("/var/lib/apt/lists", path) && path != "/var",
            Cache::Apk => under("/var/cache/apk", path) || under("/etc/apk/cache", path),
            Cache::Rpm => [
                "/var/cache/dnf",
                "/var/cache/yum",
                "/var/cache/libdnf5",
                "/var/cache/tdnf",
            ]
            .iter()
            .any(|d| under(d, path)),
            Cache::Zypper => under("/var/cache/zypp", path),
            Cache::Pip => home(&["/.cache/pip", "/.cache"]),
            Cache::Uv => home(&["/.cache/uv", "/.cache"]),
            Cache::Npm => home(&["/.npm", "/.npm/_cacache"]),
            Cache::Yarn => home(&[
                "/.cache/yarn",
                "/.cache",
                "/.yarn",
                "/.yarn/cache",
                "/.yarn/berry",
            ]),
            Cache::Pnpm => home(&["/.pnpm-store", "/pnpm/store", "/.local/share/pnpm", "/pnpm"]),
        }
    }

    /// Where the command was told to keep its cache instead (flag or environment).
    fn moved_to(self, cx: &Checker<'_>, at: &OpAt<'_>) -> Vec<String> {
        let (flags, vars): (&[&str], &[&str]) = match self {
            Cache::Pip => (&["--cache-dir"], &["PIP_CACHE_DIR"]),
            Cache::Uv => (&["--cache-dir"], &["UV_CACHE_DIR"]),
            Cache::Npm => (&["--cache"], &["npm_config_cache", "NPM_CONFIG_CACHE"]),
            Cache::Yarn => (&["--cache-folder"], &["YARN_CACHE_FOLDER"]),
            Cache::Pnpm => (
                &["--store-dir"],
                &["npm_config_store_dir", "PNPM_STORE_DIR"],
            ),
            _ => (&[], &[]),
        };
        let mut out: Vec<String> = flags
            .iter()
            .filter_map(|f| at.op.flag_value(&[f]))
            .map(|w| w.text().to_string())
            .collect();
        out.extend(vars.iter().filter_map(|v| env_value(cx, at, v)));
        out.iter().map(|d| trim_dir(d).to_string()).collect()
    }

    /// Whether a later command cleans the cache with the manager itself.
    fn cleaned_by_manager(self, later: &OpAt<'_>) -> bool {
        let m = later.op.manager;
        let clean = later.op.action == Action::CleanCache;
        match self {
            Cache::Apt => matches!(m.family(), "apt") && later.sub_is(&["distclean", "dist-clean"]),
            Cache::Apk => m == Manager::Apk && clean,
            Cache::Rpm => {
                m.family() == "rpm"
                    && clean
                    && later
                        .cmd
                        .positionals()
                        .skip(1)
                        .any(|w| matches!(w.text(), "all" | "metadata" | "dbcache"))
            }
            Cache::Zypper => m == Manager::Zypper && clean,
            Cache::Pip => m == Manager::Pip && clean,
            Cache::Uv => m == Manager::Uv && later.sub_is(&["cache"]),
            Cache::Npm => m == Manager::Npm && clean,
            Cache::Yarn => m == Manager::Yarn && clean,
            Cache::Pnpm => m == Manager::Pnpm && clean,
        }
    }

    fn message(self, label: &str, manager: &str) -> String {
        let rpm_dir = match manager {
            "dnf" | "dnf5" => "/var/cache/dnf",
            "tdnf" => "/var/cache/tdnf",
            _ => "/var/cache/yum",
        };
        let rpm = format!("its metadata and package cache ({rpm_dir})");
        let what = match self {
            Cache::Apt => "the package lists (/var/lib/apt/lists)",
            Cache::Apk => "the package index (/var/cache/apk)",
            Cache::Rpm => rpm.as_str(),
            Cache::Zypper => "its cache (/var/cache/zypp)",
            Cache::Pip => "pip's download cache (~/.cache/pip)",
            Cache::Uv => "uv's cache (~/.cache/uv)",
            Cache::Npm => "npm's cache (~/.npm)",
            Cache::Yarn => "yarn's cache",
            Cache::Pnpm => "pnpm's store",
        };
        let without = if self == Cache::Apk {
            " without `--no-cache`"
        } else {
            ""
        };
        format!("`{label}`{without} leaves {what} in the image layer")
    }

    fn help(self, manager: &str) -> String {
        match self {
            Cache::Apt => "end the RUN with `rm -rf /var/lib/apt/lists/*`, or use `RUN --mount=type=cache,target=/var/lib/apt/lists`".into(),
            Cache::Apk => "use `apk add --no-cache` (or remove /var/cache/apk/* at the end of the RUN)".into(),
            Cache::Rpm => format!("end the RUN with `{manager} clean all`, or use a cache mount on its cache directory"),
            Cache::Zypper => "end the RUN with `zypper clean --all`, or use `RUN --mount=type=cache,target=/var/cache/zypp`".into(),
            Cache::Pip => "use `pip install --no-cache-dir` (or `ENV PIP_NO_CACHE_DIR=1`, or `RUN --mount=type=cache,target=/root/.cache/pip`)".into(),
            Cache::Uv => "use `--no-cache` (or `ENV UV_NO_CACHE=1`, or `RUN --mount=type=cache,target=/root/.cache/uv`)".into(),
            Cache::Npm => "end the RUN with `npm cache clean --force`, or use `RUN --mount=type=cache,target=/root/.npm`".into(),
            Cache::Yarn => "end the RUN with `yarn cache clean`, or use a cache mount on yarn's cache folder".into(),
            Cache::Pnpm => "end the RUN with `pnpm store prune`, or use a cache mount on the pnpm store".into(),
        }
    }
}

/// The static text of a path argument (quotes of a dynamic word dropped).
fn path_text(w: &seguro_shell::Word) -> String {
    trim_dir(w.text().trim_matches(|c| c == '"' || c == '\'')).to_string()
}

/// Whether command `c` deletes `covers`-matching paths (`rm -rf …`, `find … -delete`).
fn removes(c: &Command, covers: &dyn Fn(&str) -> bool) -> bool {
    if c.is("rm") {
        return c.positionals().any(|w| covers(&path_text(w)));
    }
    if c.is("find") {
        let deletes = c.args.iter().any(|a| a.is("-delete") || a.is("rm"));
        return deletes && c.positional(0).is_some_and(|w| covers(&path_text(w)));
    }
    false
}

/// Whether the cache filled by `at` is mounted, cleaned or removed in the same RUN.
fn handled(
    cx: &Checker<'_>,
    mounts: &[String],
    removers: &[((usize, usize), &Command)],
    cleaned: &[(Cache, (usize, usize))],
    at: &OpAt<'_>,
    cache: Cache,
) -> bool {
    let moved = cache.moved_to(cx, at);
    let covers = |p: &str| cache.covered_by(p) || moved.iter().any(|d| under(d, p));
    if mounts.iter().any(|m| covers(m)) {
        return true;
    }
    let after = at.order();
    if cleaned
        .iter()
        .any(|&(c, order)| c == cache && order > after)
    {
        return true;
    }
    let first = removers.partition_point(|(order, _)| *order <= after);
    removers[first..].iter().any(|(_, c)| removes(c, &covers))
}

/// The last command of the RUN that cleans `cache` through its manager (`apt-get
/// clean`, `pip cache purge`…).
fn last_clean(run: &Run<'_>, cache: Cache) -> Option<(usize, usize)> {
    run.ops
        .iter()
        .rev()
        .find(|later| cache.cleaned_by_manager(later))
        .map(|later| later.order())
}

/// The `rm` and `find` commands of a RUN, in order: the only ones [`removes`] accepts.
fn removers<'r>(run: &'r Run<'_>) -> Vec<((usize, usize), &'r Command)> {
    commands(run)
        .filter(|(_, c)| c.is_any(&["rm", "find"]))
        .collect()
}

impl Check for PackageCacheLeft {
    fn run(&self, cx: &mut Checker<'_>) {
        let shipped = cx.final_image_instructions();
        let mut findings = Vec::new();
        for run in runs(cx).iter() {
            if !shipped.contains(&run.index) {
                continue;
            }
            let mounts = cache_mount_targets(cx, run);
            let removers = removers(run);
            let cleaned: Vec<(Cache, (usize, usize))> = Cache::ALL
                .iter()
                .filter_map(|&c| last_clean(run, c).map(|order| (c, order)))
                .collect();
            let mut reported: Vec<Cache> = Vec::new();
            for at in &run.ops {
                let Some(cache) = Cache::of(cx, at) else {
                    continue;
                };
                if reported.contains(&cache) || handled(cx, &mounts, &removers, &cleaned, at, cache)
                {
                    continue;
                }
                reported.push(cache);
                let label = at.label();
                let manager = at.cmd.program().unwrap_or(at.op.manager.name());
                let mut f = Finding::new(
                    at.head_span(),
                    cache.message(&label, manager),
                    cache.help(manager),
                );
                if cache == Cache::Pip {
                    // Every pip install of the RUN that keeps its cache gets the flag.
                    let edits: Option<Vec<_>> = run
                        .ops
                        .iter()
                        .filter(|o| {
                            Cache::of(cx, o) == Some(Cache::Pip)
                                && !handled(cx, &mounts, &removers, &cleaned, o, Cache::Pip)
                        })
                        .map(|o| {
                            o.op.subcommand
                                .as_ref()
                                .filter(|s| s.is("install"))
                                .and_then(|s| insert_after(cx.src, o, s, "--no-cache-dir"))
                        })
                        .collect();
                    f.fix = edits.map(|e| Fix::safe("Add `--no-cache-dir`", e));
                }
                findings.push(f);
            }
        }
        for f in findings {
            f.emit(cx);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::{check, fail, fix, pass};

    #[test]
    fn fires() {
        fail(
            "SG312",
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN rm -rf /var/lib/apt/lists/* && apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get clean\n",
                "FROM alpine\nRUN apk add curl\n",
                "FROM alpine\nRUN apk update && apk add --no-cache curl\n",
                "FROM rockylinux:9\nRUN dnf install -y httpd\n",
                "FROM centos:7\nRUN yum install -y httpd && yum clean packages\n",
                "FROM opensuse/leap\nRUN zypper -n install curl\n",
                "FROM python\nRUN pip install -r requirements.txt\n",
                "FROM python\nRUN python -m pip install -r requirements.txt\n",
                "FROM python\nRUN uv pip install --system -r requirements.txt\n",
                "FROM node\nRUN npm ci --omit=dev\n",
                "FROM node\nRUN yarn install --frozen-lockfile\n",
                "FROM node\nRUN pnpm install --frozen-lockfile\n",
                // a cache mount elsewhere does not cover apt lists
                "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y curl\n",
                // builder stage's cache ships when the final stage is built FROM it
                "FROM python AS base\nRUN pip install -r requirements.txt\nFROM base\nCMD [\"python\"]\n",
                "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
            ],
        );
    }

    #[test]
    fn quiet() {
        pass(
            "SG312",
            &[
                "FROM debian\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
                "FROM debian\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends \\\n  curl git \\\n && apt-get clean \\\n && rm -rf /var/lib/apt/lists\n",
                "FROM debian\nRUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n  apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN --mount=type=cache,target=/var/lib/apt/lists,sharing=locked apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN --mount=type=tmpfs,target=/var/lib/apt/lists apt-get update && apt-get install -y curl\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl && apt-get distclean\n",
                "FROM debian\nRUN apt-get update && apt-get install -y curl && find /var/lib/apt/lists -type f -delete\n",
                "FROM debian\nRUN set -eux; apt-get update; apt-get install -y curl; rm -rf /var/lib/apt/lists/* /var/cache/apt/*\n",
                "FROM python\nUSER app\nRUN pip install --user -r r.txt && rm -rf \"$HOME/.cache/pip\"\n",
                "FROM debian\nRUN apt-get install -y curl\n",
                "FROM alpine\nRUN apk add --no-cache curl\n",
                "FROM alpine\nRUN apk add --no-network --virtual .rundeps so:libc.so\n",
                "FROM photon\nRUN --mount=type=cache,target=/var/cache/tdnf tdnf install -y less\n",
                "FROM node\nRUN yarn --version\n",
                "FROM alpine\nRUN apk add --update curl && rm -rf /var/cache/apk/*\n",
                "FROM alpine\nRUN --mount=type=cache,target=/var/cache/apk apk add curl\n",
                "FROM rockylinux:9\nRUN dnf install -y httpd && dnf clean all\n",
                "FROM rockylinux:9\nRUN dnf install -y httpd && dnf clean all && rm -rf /var/cache/dnf\n",
                "FROM centos:7\nRUN yum install -y httpd && yum clean all\n",
                "FROM ubi-minimal\nRUN microdnf install -y shadow-utils && microdnf clean all\n",
                "FROM rockylinux:9\nRUN if true; then dnf install -y x; fi && dnf clean all\n",
                "FROM opensuse/leap\nRUN zypper -n install curl && zypper clean -a\n",
                "FROM python\nRUN pip install --no-cache-dir -r requirements.txt\n",
                "FROM python\nRUN pip install --no-cache -r requirements.txt\n",
                "FROM python\nENV PIP_NO_CACHE_DIR=1\nRUN pip install -r requirements.txt\n",
                "FROM python\nRUN PIP_NO_CACHE_DIR=off pip install -r requirements.txt\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt\n",
                "FROM python\nRUN pip install -r requirements.txt && rm -rf ~/.cache/pip\n",
                "FROM python\nRUN pip install -r requirements.txt && pip cache purge\n",
                "FROM python\nENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install -r requirements.txt\n",
                "FROM python\nRUN uv pip install --system --no-cache -r requirements.txt\n",
                "FROM python\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen\n",
                "FROM node\nRUN npm ci --omit=dev && npm cache clean --force\n",
                "FROM node\nRUN --mount=type=cache,target=/root/.npm npm ci\n",
                "FROM node\nRUN npm ci && rm -rf /root/.npm\n",
                "FROM node\nRUN yarn install --frozen-lockfile && yarn cache clean\n",
                "FROM node\nRUN --mount=type=cache,target=/usr/local/share/.cache/yarn yarn install\n",
                "FROM node\nRUN pnpm install && pnpm store prune\n",
                // builder stages do not ship
                "FROM python AS build\nRUN pip install -r requirements.txt\nFROM python:slim\nCOPY --from=build /usr/local /usr/local\n",
                "FROM node AS build\nRUN npm ci && npm run build\nFROM nginx\nCOPY --from=build /app/dist /usr/share/nginx/html\n",
            ],
        );
    }

    #[test]
    fn one_finding_per_cache_and_run() {
        let d = check(
            "SG312",
            "FROM python\nRUN pip install a==1 && pip install b==2 && apt-get update\n",
        );
        assert_eq!(d.len(), 2);
    }

    #[test]
    fn fixes() {
        fix(
            "SG312",
            &[
                (
                    "FROM python\nRUN pip install -r requirements.txt\n",
                    "FROM python\nRUN pip install --no-cache-dir -r requirements.txt\n",
                ),
                (
                    "FROM python\nRUN pip install -U pip && python3 -m pip install -r r.txt\n",
                    "FROM python\nRUN pip install --no-cache-dir -U pip && python3 -m pip install --no-cache-dir -r r.txt\n",
                ),
                (
                    "FROM python\nRUN <<EOF\npip install -r r.txt\nEOF\n",
                    "FROM python\nRUN <<EOF\npip install --no-cache-dir -r r.txt\nEOF\n",
                ),
                // apt lists: no fix
                (
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
                ),
            ],
        );
    }
}
