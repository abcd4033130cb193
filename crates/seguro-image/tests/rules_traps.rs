//! The traps of the image rules, on real images: each case is written in every format
//! `seguro_image::build` knows, read back with `seguro_image::open`, and checked with one
//! rule; the findings must be the same as on the in-memory image of the notation.

use seguro_image::build::Format;
use seguro_image::check::check_rule;
use seguro_image::rules::example::{example_image, example_spec};
use seguro_image::rules::find;
use seguro_linter::Diagnostic;

/// Findings of `code` on `desc` as a real image in `format`.
fn on_disk(code: &str, desc: &str, format: Format) -> Vec<Diagnostic> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("image");
    example_spec(desc).unwrap().write(format, &path).unwrap();
    let image = seguro_image::open(&path, &Default::default())
        .unwrap_or_else(|e| panic!("{format:?}: {e}"));
    check_rule(&image, find(code).unwrap())
}

/// `(message count, places)` in every format and in memory must agree; returns them.
fn findings(code: &str, desc: &str) -> Vec<Diagnostic> {
    let memory = check_rule(&example_image(desc).unwrap(), find(code).unwrap());
    let places = |ds: &[Diagnostic]| -> Vec<(Option<String>, Option<String>, Option<usize>)> {
        ds.iter()
            .map(|d| {
                let l = d.location.clone().unwrap_or_default();
                (l.path, l.field, l.layer.map(|l| l.index))
            })
            .collect()
    };
    for format in Format::ALL {
        let disk = on_disk(code, desc, format);
        assert_eq!(
            places(&disk),
            places(&memory),
            "{code} {format:?} differs from the notation's image on:\n{desc}\n{disk:#?}"
        );
    }
    memory
}

fn fires(code: &str, desc: &str) -> Vec<Diagnostic> {
    let f = findings(code, desc);
    assert!(!f.is_empty(), "{code} should fire on:\n{desc}");
    f
}

fn quiet(code: &str, desc: &str) {
    let f = findings(code, desc);
    assert!(f.is_empty(), "{code} should stay quiet on:\n{desc}\n{f:#?}");
}

const PASSWD: &str = "file /etc/passwd 0644 \"root:x:0:0:root:/root:/bin/sh\\ntoor:x:0:0::/root:/bin/sh\\napp:x:1000:1000::/home/app:/bin/sh\\n\"\n";

#[test]
fn a_secret_deleted_later_is_still_found() {
    let f = fires(
        "SI006",
        "layer COPY . /root/ # buildkit\nfile /root/.ssh/id_ed25519 0600 \"-----BEGIN OPENSSH PRIVATE KEY-----\\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\\n-----END OPENSSH PRIVATE KEY-----\\n\"\nlayer RUN /bin/sh -c rm -rf /root/.ssh # buildkit\ndelete /root/.ssh\n",
    );
    assert_eq!(f.len(), 1);
    assert!(
        f[0].message.contains("deleted in layer 1"),
        "{}",
        f[0].message
    );
    assert!(!f[0].message.contains("b3BlbnNz"), "{}", f[0].message);
}

#[test]
fn root_users() {
    fires("SI001", &format!("config User=0:0\nlayer\n{PASSWD}"));
    fires("SI001", &format!("config User=toor\nlayer\n{PASSWD}"));
    fires("SI001", &format!("config User=root:root\nlayer\n{PASSWD}"));
    quiet("SI001", &format!("config User=app\nlayer\n{PASSWD}"));
    quiet("SI001", &format!("config User=4242:4242\nlayer\n{PASSWD}"));
}

#[test]
fn passwd_through_a_hardlink_and_a_symlink() {
    let linked = "config User=toor\nlayer\nfile /usr/share/base-passwd/passwd 0644 \"toor:x:0:0::/:/bin/sh\\n\"\nhardlink /etc/passwd.orig usr/share/base-passwd/passwd\nsymlink /etc/passwd passwd.orig\n";
    fires("SI001", linked);
    quiet("SI002", linked);
}

#[test]
fn unknown_users() {
    fires("SI002", &format!("config User=ghost\nlayer\n{PASSWD}"));
    quiet("SI002", &format!("config User=4242\nlayer\n{PASSWD}"));
    quiet("SI002", "config User=4242:4242\nlayer\nfile /app 0755\n");
}

#[test]
fn healthcheck_none_is_missing() {
    fires(
        "SI003",
        "config ExposedPorts=8080/tcp\nconfig Healthcheck=NONE\n",
    );
    quiet(
        "SI003",
        "config ExposedPorts=8080/tcp\nconfig Healthcheck=CMD /app/probe\n",
    );
}

#[test]
fn gpg_key_env_is_not_a_secret() {
    quiet(
        "SI004",
        "config Env=GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n",
    );
    fires(
        "SI004",
        "config Env=API_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d\n",
    );
}

#[test]
fn build_args_in_history() {
    let f = fires(
        "SI005",
        "layer RUN |2 TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d OTHER=x /bin/sh -c make # buildkit\nfile /app 0755\n",
    );
    assert!(f[0].message.contains("TOKEN=ghp_****"), "{}", f[0].message);
}

#[test]
fn setuid() {
    quiet(
        "SI007",
        "layer\nfile /bin/su 4755\nfile /usr/bin/passwd 4755\n",
    );
    fires(
        "SI007",
        "layer\nfile /opt/tool 0755\nlayer\nhardlink /usr/bin/passwd opt/tool 4755\n",
    );
    quiet(
        "SI007",
        "layer\nfile /usr/bin/passwd 4755\nhardlink /usr/local/bin/chpw usr/bin/passwd 4755\n",
    );
    fires("SI007", "layer\nfile /usr/local/bin/backup 4755\n");
}

#[test]
fn capabilities_travel_in_pax_headers() {
    fires(
        "SI020",
        "layer\nfile /usr/local/bin/tool 0755 xattr=security.capability:0100000200002000000000000000000000000000\n",
    );
    quiet(
        "SI020",
        "layer\nfile /bin/ping 0755 xattr=security.capability:0100000200200000000000000000000000000000\n",
    );
}

#[test]
fn hostile_names_are_reported() {
    let f = fires(
        "SI023",
        "layer\nfile /etc/cron.d/x 0644\nhazard parent-traversal\nfile /etc/y 0644\nhazard absolute-name\n",
    );
    assert_eq!(f.len(), 2);
}

#[test]
fn accounts() {
    fires(
        "SI016",
        "layer\nfile /etc/shadow 0640 \"root::19000:0:99999:7:::\\n\"\n",
    );
    quiet(
        "SI016",
        "layer\nfile /etc/shadow 0640 \"root:*:19000:0:99999:7:::\\n\"\n",
    );
    fires("SI017", &format!("layer\n{PASSWD}"));
    quiet(
        "SI017",
        "layer\nfile /etc/passwd 0644 \"root\\nx:y\\nroot:x:0:0::/:/bin/sh\\n\"\n",
    );
}
