//! Ad-hoc extraction of shell-form RUN bodies from Dockerfiles (for measurements only).

/// Shell-form RUN bodies of a Dockerfile: continuation lines joined, comment lines inside
/// continuations skipped, here-documents attached; files with `# escape=` or a non-POSIX
/// `SHELL` are skipped.
#[must_use]
pub fn run_bodies(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    if src
        .lines()
        .take(5)
        .any(|l| l.trim_start().starts_with('#') && l.to_ascii_lowercase().contains("escape=`"))
    {
        return out;
    }
    let lines: Vec<&str> = src.lines().collect();
    let mut nonposix = false;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i].trim_start();
        let upper = l.get(..6).unwrap_or("").to_ascii_uppercase();
        if upper.starts_with("SHELL ") {
            let low = l.to_ascii_lowercase();
            nonposix = low.contains("powershell") || low.contains("pwsh") || low.contains("cmd");
        }
        if nonposix || !(upper.starts_with("RUN ") || upper.starts_with("RUN\t")) {
            i += 1;
            continue;
        }
        let mut body = String::new();
        let mut cur = l[4..].to_owned();
        loop {
            let t = cur.trim_end();
            if let Some(t) = t.strip_suffix('\\') {
                body.push_str(t);
                i += 1;
                while i < lines.len()
                    && (lines[i].trim_start().starts_with('#') || lines[i].trim().is_empty())
                {
                    i += 1;
                }
                if i >= lines.len() {
                    break;
                }
                cur = lines[i].to_owned();
            } else {
                body.push_str(t);
                break;
            }
        }
        let mut b = body.trim_start().to_owned();
        while b.starts_with("--") {
            b = b
                .find(' ')
                .map(|p| b[p..].trim_start().to_owned())
                .unwrap_or_default();
        }
        if b.starts_with('[') {
            i += 1;
            continue;
        }
        // here-documents: collect their bodies from the following lines
        let mut delims = Vec::new();
        let mut rest = b.as_str();
        while let Some(p) = rest.find("<<") {
            let mut t = &rest[p + 2..];
            if let Some(after) = t.strip_prefix('<') {
                rest = after;
                continue;
            }
            t = t.trim_start_matches('-').trim_start_matches(['\'', '"']);
            let d: String = t
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !d.is_empty() {
                delims.push(d);
            }
            rest = t;
        }
        if delims.is_empty() {
            out.push(b);
        } else {
            let only = b.trim_start().starts_with("<<");
            let mut full = if only {
                String::new()
            } else {
                format!("{b}\n")
            };
            for d in &delims {
                i += 1;
                while i < lines.len() && lines[i].trim() != d {
                    full.push_str(lines[i]);
                    full.push('\n');
                    i += 1;
                }
                if !only {
                    full.push_str(d);
                    full.push('\n');
                }
            }
            out.push(full);
        }
        i += 1;
    }
    out
}
