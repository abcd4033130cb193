//! Ad-hoc dump of the model for a script given in SEGURO_SHELL_DUMP (ignored test).

#[test]
#[ignore = "debugging aid"]
fn dump() {
    let Ok(src) = std::env::var("SEGURO_SHELL_DUMP") else {
        return;
    };
    let s = seguro_shell::parse(&src);
    let mut out = String::new();
    out.push_str(&format!(
        "degraded={} problems={:?}\n",
        s.degraded(),
        s.problems()
    ));
    for c in s.commands() {
        out.push_str(&format!(
            "#{} {:?} name={:?} args={:?} wr={:?} asg={:?} redir={:?} span={:?} pl={} {}/{} cond={} sub={} origin={:?}\n",
            c.sequence_index,
            c.span.slice(&src),
            c.name.as_ref().map(|w| w.text()),
            c.args.iter().map(|w| w.text()).collect::<Vec<_>>(),
            c.wrappers.iter().map(|w| (&w.name, w.user.as_ref().map(|u| u.text()))).collect::<Vec<_>>(),
            c.assignments.iter().map(|a| (&a.name, a.value.text(), a.kind)).collect::<Vec<_>>(),
            c.redirects.iter().map(|r| (&r.op, r.fd, r.target.text(), r.heredoc.as_ref().map(|h| h.raw.clone()))).collect::<Vec<_>>(),
            c.span,
            c.pipeline, c.index_in_pipeline, c.pipeline_len, c.in_condition, c.in_subshell, c.origin
        ));
    }
    for p in s.package_ops() {
        out.push_str(&format!(
            "PKG {:?} {:?} {:?} manifest={}\n",
            p.manager,
            p.action,
            p.packages
                .iter()
                .map(|p| (&p.name, &p.version, p.pinned, p.kind))
                .collect::<Vec<_>>(),
            p.from_manifest
        ));
    }
    for d in s.downloads() {
        out.push_str(&format!(
            "DL {:?} verified={}\n",
            d,
            s.download_verified(&d)
        ));
    }
    out.push_str(&format!("P2S {:?}\n", s.pipes_to_shell()));
    std::fs::write("/tmp/seguro_dump.txt", out).unwrap();
}
