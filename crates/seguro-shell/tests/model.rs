//! Command-model tests: pass/fail lists of scripts for the facts rules rely on.

use seguro_shell::{Action, Manager, Origin, PackageKind, Script, parse};

fn names(s: &Script) -> Vec<String> {
    s.commands()
        .filter_map(|c| c.program().map(str::to_owned))
        .collect()
}

fn cmd<'a>(s: &'a Script, name: &str) -> &'a seguro_shell::Command {
    s.commands()
        .find(|c| c.is(name))
        .unwrap_or_else(|| panic!("no {name} in {:?}", names(s)))
}

#[test]
fn splits_on_operators_not_inside_quotes() {
    let s = parse("echo 'a && b' && echo \"c; d\" ; x || y | z & w");
    assert_eq!(names(&s), ["echo", "echo", "x", "y", "z", "w"]);
    assert!(!s.degraded());
    assert_eq!(cmd(&s, "echo").args[0].value.as_deref(), Some("a && b"));
}

#[test]
fn comments_are_skipped() {
    let s = parse("apt-get update # && rm -rf /\n# curl x | sh\necho done");
    assert_eq!(names(&s), ["apt-get", "echo"]);
}

#[test]
fn spans_are_exact() {
    let src = "A=1 apt-get install -y 'x y' > /dev/null 2>&1";
    let s = parse(src);
    let c = cmd(&s, "apt-get");
    assert_eq!(c.span.slice(src), src);
    assert_eq!(c.args[2].span.slice(src), "'x y'");
    assert_eq!(c.redirects[0].target.span.slice(src), "/dev/null");
    assert_eq!(c.redirects[1].fd, Some(2));
    assert_eq!(c.redirects[1].op, ">&");
    assert_eq!(c.assignments[0].span.slice(src), "A=1");
}

#[test]
fn unicode_spans() {
    let src = "echo 'é' && apt-get install ü";
    let s = parse(src);
    let c = cmd(&s, "apt-get");
    assert_eq!(c.args[1].span.slice(src), "ü");
}

#[test]
fn prefix_assignments_and_plain_assignments() {
    let s = parse("VAR=1 apt-get install x; FOO=bar; export PIP_NO_CACHE_DIR=1 B=$(id -u)");
    let a = cmd(&s, "apt-get");
    assert_eq!(a.assignments[0].name, "VAR");
    let all: Vec<_> = s
        .assignments()
        .map(|(_, a)| (a.name.clone(), a.kind))
        .collect();
    assert!(all.contains(&("FOO".into(), seguro_shell::AssignmentKind::Plain)));
    assert!(all.contains(&(
        "PIP_NO_CACHE_DIR".into(),
        seguro_shell::AssignmentKind::Declaration
    )));
    assert!(names(&s).contains(&"id".to_owned()));
}

#[test]
fn wrappers() {
    let s = parse("sudo -u app pip install flask");
    let c = cmd(&s, "pip");
    assert!(c.has_wrapper("sudo"));
    assert_eq!(c.wrappers[0].user.as_ref().map(|w| w.text()), Some("app"));
    let s = parse("xargs apt-get install -y < list");
    let c = cmd(&s, "apt-get");
    assert!(c.has_wrapper("xargs"));
    let op = seguro_shell::package_op(c).expect("op");
    assert!(op.args_from_stdin);
    for src in [
        "env DEBIAN_FRONTEND=noninteractive apt-get install -y x",
        "nohup apt-get install -y x",
        "timeout 10 apt-get install -y x",
        "gosu app apt-get install -y x",
        "su-exec app apt-get install -y x",
        "/usr/bin/time -v apt-get install -y x",
        "command apt-get install -y x",
        "exec apt-get install -y x",
        "nice -n 10 apt-get install -y x",
        "stdbuf -oL apt-get install -y x",
        "chroot /mnt apt-get install -y x",
        "eatmydata apt-get install -y x",
        "time apt-get install -y x",
    ] {
        let s = parse(src);
        assert!(
            s.commands()
                .any(|c| c.is("apt-get") && c.positional(0).is_some_and(|w| w.is("install"))),
            "{src}"
        );
    }
    let s = parse("env DEBIAN_FRONTEND=noninteractive apt-get install -y x");
    assert_eq!(cmd(&s, "apt-get").assignments[0].name, "DEBIAN_FRONTEND");
    // a bare wrapper is the command itself
    let s = parse("sudo -i");
    assert!(s.commands().next().is_some_and(|c| c.is("sudo")));
    let s = parse("command -v curl");
    assert!(s.commands().next().is_some_and(|c| c.is("command")));
}

#[test]
fn nested_shell_strings() {
    let src = "sh -c \"apt-get update && apt-get install -y \\\"curl\\\"\"";
    let s = parse(src);
    let inner: Vec<_> = s
        .commands()
        .filter(|c| matches!(c.origin, Origin::ShellString { .. }))
        .collect();
    assert_eq!(inner.len(), 2);
    assert_eq!(inner[1].args[2].value.as_deref(), Some("curl"));
    assert_eq!(inner[1].args[2].span.slice(src), "\\\"curl\\\"");
    assert_eq!(inner[0].span.slice(src), "apt-get update");
    for src in [
        "bash -c 'pip install flask'",
        "bash -ec 'pip install flask'",
        "su app -c 'pip install flask'",
        "su -c 'pip install flask' app",
        "eval 'pip install flask'",
        "sudo sh -c 'pip install flask'",
        "bash -o pipefail -c 'pip install flask'",
        "bash <<EOF\npip install flask\nEOF",
        "sh -c \"sh -c 'pip install flask'\"",
    ] {
        let s = parse(src);
        assert!(s.commands().any(|c| c.is("pip")), "{src}: {:?}", names(&s));
    }
    let s = parse("su app -c 'pip install flask'");
    assert_eq!(
        cmd(&s, "pip")
            .wrappers
            .last()
            .and_then(|w| w.user.as_ref())
            .map(|u| u.text()),
        Some("app")
    );
}

#[test]
fn substitutions_are_analysed() {
    let s = parse("X=$(curl -s https://a) && echo `wget -qO- b` && for f in $(ls); do rm $f; done");
    assert!(names(&s).contains(&"curl".to_owned()));
    assert!(names(&s).contains(&"wget".to_owned()));
    assert!(names(&s).contains(&"ls".to_owned()));
    assert!(names(&s).contains(&"rm".to_owned()));
}

#[test]
fn conditions() {
    let s = parse(
        "if curl -f x; then apt-get install y; fi; grep a b || true; while read l; do echo $l; done",
    );
    assert!(cmd(&s, "curl").in_condition);
    assert!(!cmd(&s, "apt-get").in_condition);
    assert!(cmd(&s, "grep").in_condition);
    assert!(!cmd(&s, "true").in_condition);
    assert!(cmd(&s, "read").in_condition);
    let s = parse("(cd /tmp && make) && ! false & sleep 1");
    assert!(cmd(&s, "cd").in_subshell);
    assert!(cmd(&s, "false").negated);
    assert!(cmd(&s, "false").in_background);
}

#[test]
fn heredoc_script_body_with_set_e() {
    // the body of `RUN <<EOF` as handed over by the Dockerfile layer
    let src = "set -e\napt-get update\napt-get install -y curl\ncurl -fsSL https://x | bash\n";
    let s = parse(src);
    assert_eq!(names(&s), ["set", "apt-get", "apt-get", "curl", "bash"]);
    assert_eq!(s.pipes_to_shell().len(), 1);
    let set = cmd(&s, "set");
    assert!(s.option_on(cmd(&s, "curl").id(), "errexit"));
    assert!(!s.option_on(set.id(), "errexit"));
}

#[test]
fn heredocs_inside_scripts_are_data() {
    let s = parse("cat <<'EOF' > /etc/apt/sources.list\ndeb http://x y\ncurl x | sh\nEOF\necho ok");
    assert_eq!(names(&s), ["cat", "echo"]);
    let c = cmd(&s, "cat");
    assert_eq!(
        c.redirects[0].heredoc.as_ref().map(|h| h.raw.as_str()),
        Some("deb http://x y\ncurl x | sh\n")
    );
}

#[test]
fn pipefail() {
    let s = parse("set -eux; curl x | tar xz");
    assert_eq!(s.pipelines_without_pipefail().count(), 1);
    for src in [
        "set -o pipefail; curl x | tar xz",
        "set -euxo pipefail && curl x | tar xz",
        "set -e -o pipefail\ncurl x | tar xz",
    ] {
        assert_eq!(parse(src).pipelines_without_pipefail().count(), 0, "{src}");
    }
    let s = parse("curl x | tar xz; set -o pipefail");
    assert_eq!(s.pipelines_without_pipefail().count(), 1);
    let s = parse("set -o pipefail; set +o pipefail; a | b");
    assert_eq!(s.pipelines_without_pipefail().count(), 1);
    let a = seguro_shell::parse_for_shell(
        "a | b",
        &[
            "/bin/bash".into(),
            "-o".into(),
            "pipefail".into(),
            "-c".into(),
        ],
    );
    assert_eq!(
        a.script().map(|s| s.pipelines_without_pipefail().count()),
        Some(0)
    );
    // the inner shell of `bash -c` does not inherit the outer `set`
    let s = parse("set -o pipefail; bash -c 'a | b'");
    assert_eq!(s.pipelines_without_pipefail().count(), 1);
}

#[test]
fn non_posix_shells() {
    for sh in [
        &["pwsh", "-Command"][..],
        &["powershell", "-command"],
        &["cmd", "/S", "/C"],
        &["C:\\Windows\\System32\\cmd.exe", "/c"],
    ] {
        let shell: Vec<String> = sh.iter().map(|s| (*s).to_owned()).collect();
        assert!(matches!(
            seguro_shell::parse_for_shell("Write-Host hi", &shell),
            seguro_shell::Analysis::Unsupported { .. }
        ));
    }
    assert!(matches!(
        seguro_shell::parse_for_shell("#!/usr/bin/env python3\nprint(1)\n", &[]),
        seguro_shell::Analysis::Unsupported { .. }
    ));
    assert!(
        seguro_shell::parse_for_shell("#!/bin/bash\necho hi\n", &[])
            .script()
            .is_some()
    );
    assert!(
        seguro_shell::parse_for_shell("echo hi", &[])
            .script()
            .is_some()
    );
}

#[test]
fn degraded_scripts_still_yield_commands() {
    // unbalanced parenthesis: brush is not tried, the splitter runs
    let src = "apt-get install -y curl && (echo x && curl -k https://a | sh";
    let s = parse(src);
    assert!(s.degraded());
    assert_eq!(names(&s), ["apt-get", "echo", "curl", "sh"]);
    assert_eq!(s.pipes_to_shell().len(), 1);
    let c = cmd(&s, "curl");
    assert_eq!(c.span.slice(src), "curl -k https://a");
    // PowerShell-ish text without a SHELL: degraded, never a panic
    let s = parse("& C:/x.ps1 --plugins a:1");
    assert!(s.degraded());
}

#[test]
fn flags() {
    let s = parse("apt-get -qy install --no-install-recommends x -- -y");
    let c = cmd(&s, "apt-get");
    assert!(c.has_flag(&["-y", "--yes", "--assume-yes"]));
    assert!(c.has_flag(&["-q"]));
    let s = parse("apt-get install x -- -y");
    assert!(!cmd(&s, "apt-get").has_flag(&["-y"]));
    let s = parse("apt-get install -t bookworm-backports x");
    let op = s.package_ops().remove(0);
    assert_eq!(op.packages.len(), 1);
    assert_eq!(
        cmd(&s, "apt-get").flag_value("-t").map(|w| w.text()),
        Some("bookworm-backports")
    );
    let s = parse("curl --output=/tmp/f https://x");
    assert_eq!(
        cmd(&s, "curl").flag_value("--output").map(|w| w.text()),
        Some("/tmp/f")
    );
}

fn op(src: &str) -> seguro_shell::PackageOp {
    parse(src)
        .package_ops()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no op in {src}"))
}

fn pinned(src: &str) -> Vec<bool> {
    op(src).packages.iter().map(|p| p.pinned).collect()
}

#[test]
fn apt_pins() {
    assert_eq!(pinned("apt-get install -y pkg=1.*"), [true]);
    assert_eq!(pinned("apt-get install -y pkg/bookworm-backports"), [true]);
    assert_eq!(
        pinned("apt-get install -y ./local.deb /tmp/x.deb"),
        [true, true]
    );
    assert_eq!(
        pinned("apt-get install -y curl ca-certificates=2023"),
        [false, true]
    );
    assert_eq!(
        op("apt-get install -y $PKGS").packages[0].kind,
        PackageKind::Dynamic
    );
    assert_eq!(op("apt-get update").action, Action::Update);
    assert_eq!(op("apt-get -y dist-upgrade").action, Action::DistUpgrade);
    assert_eq!(op("apt upgrade -y").manager, Manager::Apt);
    assert_eq!(op("apt-get clean").action, Action::CleanCache);
}

#[test]
fn apk_pins() {
    assert_eq!(
        pinned("apk add --no-cache curl=8.5.0-r0 bash~5 'git>2' 'x<3' y"),
        [true, true, true, true, false]
    );
    assert_eq!(pinned("apk add --virtual .deps gcc"), [false]);
    assert_eq!(op("apk add --virtual .deps gcc").packages[0].name, "gcc");
    assert_eq!(pinned("apk add --allow-untrusted /tmp/x.apk"), [true]);
    assert_eq!(op("apk upgrade").action, Action::Upgrade);
}

#[test]
fn rpm_pins() {
    assert_eq!(
        pinned("yum install -y httpd-2.4.6-97.el7 java-11-openjdk nodejs"),
        [true, false, false]
    );
    assert_eq!(
        pinned("dnf install -y 'python3 >= 3.9' ./x.rpm"),
        [true, true]
    );
    assert_eq!(pinned("microdnf install -y shadow-utils-4.6"), [true]);
    assert_eq!(pinned("dnf module install -y nodejs:18"), [true]);
    assert_eq!(op("yum update -y").action, Action::Upgrade);
    assert_eq!(op("yum clean all").action, Action::CleanCache);
    assert_eq!(
        pinned("zypper -n install pkg=1.2 'other>=1' third"),
        [true, true, false]
    );
    assert_eq!(op("zypper dup").action, Action::DistUpgrade);
    assert_eq!(
        op("zypper --non-interactive refresh").action,
        Action::Update
    );
}

#[test]
fn pip_pins() {
    assert_eq!(
        pinned("pip install flask==2.0 'requests>=2' x~=1 bare"),
        [true, true, true, false]
    );
    let o = op("pip install -r requirements.txt");
    assert_eq!(o.packages[0].kind, PackageKind::Requirements);
    assert!(o.packages[0].pinned);
    assert_eq!(
        pinned("pip install -c constraints.txt flask"),
        [false, true]
    );
    assert_eq!(pinned("pip3 install ."), [true]);
    assert_eq!(pinned("pip install ./dist/x-1.0-py3-none-any.whl"), [true]);
    assert_eq!(
        pinned("pip install git+https://github.com/a/b@v1.0"),
        [true]
    );
    assert_eq!(pinned("pip install git+https://github.com/a/b"), [false]);
    assert_eq!(pinned("pip install 'pkg[extra]==1'"), [true]);
    assert_eq!(
        pinned("python3 -m pip install --no-cache-dir flask==2"),
        [true]
    );
    assert_eq!(pinned("python -m pip install --upgrade pip"), [false]);
    assert!(op("pip install --require-hashes -r r.txt").has_flag(&["--require-hashes"]));
    assert_eq!(pinned("sudo -u app pip install flask"), [false]);
    assert_eq!(pinned("uv pip install flask==1"), [true]);
    assert_eq!(op("uv pip install flask==1").manager, Manager::Uv);
    assert_eq!(pinned("pipx install black==24.1"), [true]);
    assert_eq!(pinned("poetry add requests@^2.31"), [true]);
    assert!(op("poetry install --no-root").from_manifest);
    assert_eq!(op("pip cache purge").action, Action::CleanCache);
    assert!(op("pip install --index-url http://x flask==1").has_flag(&["--index-url"]));
}

#[test]
fn npm_pins() {
    assert!(op("npm ci").from_manifest);
    assert!(op("npm install").from_manifest);
    assert!(op("yarn install --frozen-lockfile").from_manifest);
    assert_eq!(
        pinned("npm install -g pkg@1.2 @scope/pkg@1 @scope/other typescript@latest bare"),
        [true, true, false, false, false]
    );
    assert_eq!(op("npm i @scope/pkg@1").packages[0].name, "@scope/pkg");
    assert_eq!(pinned("yarn global add pkg@2"), [true]);
    assert_eq!(pinned("pnpm add -D pkg@^1"), [true]);
    assert_eq!(
        pinned("npm install git+https://github.com/a/b.git#v1 ./local"),
        [true, true]
    );
    assert_eq!(op("npm cache clean --force").action, Action::CleanCache);
}

#[test]
fn gem_go_cargo_composer_conda_pins() {
    assert_eq!(pinned("gem install x:1.2"), [true]);
    assert_eq!(pinned("gem install bundler -v 2.4.1"), [true]);
    assert_eq!(pinned("gem install rails --version '~> 7'"), [true]);
    assert_eq!(pinned("gem install rails"), [false]);
    assert!(op("bundle install --jobs 4").from_manifest);
    assert_eq!(
        pinned("go install golang.org/x/tools/gopls@v0.14.2"),
        [true]
    );
    assert_eq!(pinned("go install github.com/a/b@latest"), [false]);
    assert_eq!(pinned("go get github.com/a/b"), [false]);
    assert_eq!(pinned("go install -ldflags '-s -w' ./cmd/x"), [true]);
    assert!(op("go mod download").from_manifest);
    assert_eq!(pinned("cargo install ripgrep --version 14.0.0"), [true]);
    assert_eq!(pinned("cargo install ripgrep@14.0.0"), [true]);
    assert_eq!(pinned("cargo install ripgrep --locked"), [false]);
    assert_eq!(
        pinned("cargo install --git https://github.com/a/b --rev abc123"),
        [true]
    );
    assert_eq!(
        pinned("composer require vendor/pkg:^1.2 other/pkg"),
        [true, false]
    );
    assert!(op("composer install --no-dev").from_manifest);
    assert_eq!(
        pinned("conda install -y -c conda-forge numpy=1.26 scipy 'pandas>=2'"),
        [true, false, true]
    );
    assert_eq!(op("conda clean -afy").action, Action::CleanCache);
}

#[test]
fn downloads_and_verification() {
    let s = parse("curl -fsSL https://x/f.tgz -o f.tgz && echo \"$SHA  f.tgz\" | sha256sum -c -");
    let d = &s.downloads()[0];
    assert!(s.download_verified(d));
    let pass = [
        "curl -fsSLO https://x/f.tgz && sha256sum -c SHA256SUMS",
        "wget -q https://x/f.tgz && echo \"$SHA *f.tgz\" | sha256sum --check",
        "curl -o /tmp/f https://x && [ \"$(sha256sum /tmp/f | cut -d' ' -f1)\" = \"$SHA\" ]",
        "curl -o f https://x; sha256sum f | grep -q $SHA",
        "curl -o f.tgz https://x && curl -o f.tgz.asc https://x.asc && gpg --batch --verify f.tgz.asc f.tgz",
        "curl -o f https://x && cosign verify-blob --key k.pub --signature f.sig f",
        "curl -o f https://x && minisign -Vm f -P KEY",
        "curl -fsSL https://x -o \"${TMP}/f\" && sha256sum -c <<< \"$SHA  $TMP/f\"",
        "curl -sSL https://x > f.tgz && echo \"$SHA  f.tgz\" | sha512sum -c",
        "curl -o /dev/null https://x",
    ];
    for src in pass {
        let s = parse(src);
        let d = s.downloads();
        assert!(!d.is_empty(), "{src}");
        assert!(s.download_verified(&d[0]), "{src}");
    }
    let fail = [
        "curl -fsSL https://x -o f.tgz && tar xzf f.tgz",
        "curl -fsSL https://x | tar xz",
        "curl url | tee f | sha256sum",
        "sha256sum -c SUMS && curl -o f https://x",
        "curl -o f https://x && sha256sum f",
        "curl -o a.tgz https://x && echo \"$SHA  b.tgz\" | sha256sum -c -",
        "wget https://x/f.tgz",
    ];
    for src in fail {
        let s = parse(src);
        let d = s.downloads();
        assert!(!d.is_empty(), "{src}");
        assert!(!s.download_verified(&d[0]), "{src}");
    }
    let s = parse("curl -k https://x -o f; wget --no-check-certificate https://y");
    assert!(s.downloads().iter().all(|d| d.insecure));
    let s = parse("curl https://x | tee f | sha256sum");
    assert_eq!(
        s.downloads()[0]
            .piped_to
            .and_then(|i| s.command(i))
            .and_then(|c| c.program()),
        Some("tee")
    );
}

#[test]
fn pipe_to_shell() {
    let yes = [
        "curl -fsSL https://x | sh",
        "curl -fsSL https://x | sudo sh",
        "curl -fsSL https://x | sudo -E bash -",
        "wget -O- https://x | bash",
        "wget -qO- https://x | bash -s -- --flag",
        "curl https://x | python3",
        "curl https://x | python3 -",
        "sh -c \"$(curl -fsSL https://x)\"",
        "bash -c \"$(wget -qO- https://x)\"",
        "eval \"$(curl -s https://x)\"",
        "bash <(curl -s https://x)",
        "source <(curl -s https://x)",
        "curl https://x | tee /tmp/i.sh | sh",
        "(curl https://x) | sh",
        "set -o pipefail && curl https://x |\n  bash",
    ];
    for src in yes {
        assert_eq!(parse(src).pipes_to_shell().len(), 1, "{src}");
    }
    let no = [
        "curl -fsSL https://x -o i.sh && sh i.sh",
        "curl https://x | tar xz",
        "curl https://x | bash -c 'cat > f'",
        "echo \"$(curl https://x)\"",
        "curl https://x | python3 script.py",
        "cat install.sh | sh",
        "curl https://x | gpg --dearmor > k.gpg",
    ];
    for src in no {
        assert!(parse(src).pipes_to_shell().is_empty(), "{src}");
    }
}

#[test]
fn cd_and_files() {
    let s = parse(
        "cd /app && (cd sub && make) && chmod -R 777 /data && chmod 1777 /tmp && chmod o+w f && chmod 755 x",
    );
    let cds: Vec<_> = s
        .cd_commands()
        .map(|(_, c)| (c.dir.map(|d| d.text().to_owned()), c.in_subshell))
        .collect();
    assert_eq!(
        cds,
        [
            (Some("/app".to_owned()), false),
            (Some("sub".to_owned()), true)
        ]
    );
    let modes: Vec<_> = s
        .commands()
        .filter_map(seguro_shell::programs::files::chmod)
        .map(|m| (m.world_writable, m.sticky, m.recursive))
        .collect();
    assert_eq!(
        modes,
        [
            (true, false, true),
            (true, true, false),
            (true, false, false),
            (false, false, false)
        ]
    );
    let s = parse("curl -sL https://x | tar -xz -C /opt && tar xzf a.tgz");
    let ex: Vec<_> = s
        .commands()
        .filter_map(seguro_shell::programs::files::extract)
        .map(|e| e.archive.map(|a| a.text().to_owned()))
        .collect();
    assert_eq!(ex, [None, Some("a.tgz".to_owned())]);
}

#[test]
fn users_keys_git_ssh() {
    use seguro_shell::programs::{gpg, users};
    let s =
        parse("useradd -u 1000000 -m app && useradd -l -u 99999999 b && echo 'root:pw' | chpasswd");
    let u: Vec<_> = s
        .commands()
        .filter_map(users::user_add)
        .map(|u| (u.uid.map(|w| w.text().to_owned()), u.no_log_init))
        .collect();
    assert_eq!(
        u,
        [
            (Some("1000000".to_owned()), false),
            (Some("99999999".to_owned()), true)
        ]
    );
    assert_eq!(s.password_sets().count(), 1);
    let s = parse(
        "gpg --batch --keyserver hkps://k --recv-keys 0x1234ABCD B42F6819007F00F88E364FD4036A9C25BF357DD4 && apt-key adv --recv-keys 1234567890ABCDEF",
    );
    let kinds: Vec<_> = s
        .key_fetches()
        .flat_map(|(_, k)| k.keys.into_iter().map(|(_, id)| id))
        .collect();
    assert_eq!(
        kinds,
        [gpg::KeyId::Short, gpg::KeyId::Fingerprint, gpg::KeyId::Long]
    );
    let s = parse(
        "git clone git@github.com:a/b.git && git -c http.sslVerify=false clone https://x && git config --global http.sslVerify false",
    );
    assert_eq!(s.ssh_uses().count(), 1);
    assert_eq!(
        s.commands()
            .filter(|c| seguro_shell::programs::git::disables_tls(c))
            .count(),
        2
    );
}
