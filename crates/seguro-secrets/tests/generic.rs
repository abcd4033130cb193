//! Context-found secrets: assignments, flags, `mysql -p`, `docker login -p`, Authorization
//! headers, basic-auth blobs, `chpasswd`, URL credentials; and their look-alikes.

mod common;

use common::*;
use seguro_secrets::{Confidence, Kind, mask, mask_in, scan};

/// A random 16-character alphanumeric password (≥ 3.5 bits/char with overwhelming odds).
fn pw(seed: u64) -> String {
    rand(seed, 16, ALNUM)
}

#[test]
fn assignment_forms() {
    let p = pw(1);
    for text in [
        format!("PASSWORD={p}"),
        format!("export DB_PASSWORD=\"{p}\""),
        format!("ENV MYSQL_ROOT_PASSWORD='{p}'"),
        format!("ENV DB_PASSWORD {p}"),
        format!("ARG DB_PASS={p}"),
        format!("{{\"password\": \"{p}\", \"user\": \"app\"}}"),
        format!("db:\n  password: {p}\n"),
        format!("spring.datasource.password={p}"),
        format!("CMD [\"app\", \"-Dplay.http.secret.key={p}\"]"),
        format!("RUN app --password {p} --verbose"),
        format!("RUN app --password={p}"),
        format!("RUN app --api-key {p}"),
        format!("RUN app --client-secret \"{p}\""),
        format!("client_secret = '{p}'"),
        format!("$env:DB_PASSWORD = \"{p}\""),
        format!("SECRET_KEY_BASE={p}"),
        format!("API_KEY: {p}"),
        format!("apiKey: \"{p}\""),
        format!("JENKINS_PSW={p}"),
        format!("MYSQL_PWD={p}"),
        format!("PGPASSWORD={p} psql -h db"),
        format!("GH_PAT={p}"),
        format!("token := \"{p}\""),
        format!("echo \"{{\\\"password\\\": \\\"{p}\\\"}}\" > conf.json"),
        format!("machine api.example.org login me password {p}"),
        format!(
            "//registry.npmjs.org/:_authToken={}-{}-{}-{}-{}",
            rand(2, 8, HEX),
            rand(3, 4, HEX),
            rand(4, 4, HEX),
            rand(5, 4, HEX),
            rand(6, 12, HEX)
        ),
    ] {
        let f = one(&text);
        assert_eq!(f.kind, Kind::SecretAssignment, "{text}");
        let v = &text[f.span.clone()];
        assert!(p == v || text.contains("_authToken"), "{text}: {v}");
        assert!(!mask_in(&text, &[f]).contains(v), "{text}");
    }
}

#[test]
fn assignment_confidence() {
    assert_eq!(
        assert_one(
            &format!("PASSWORD={}", pw(7)),
            Kind::SecretAssignment,
            &pw(7)
        ),
        Confidence::High
    );
    // 8–15 characters, or moderate entropy: medium.
    let short = rand(8, 10, ALNUM);
    assert_eq!(
        assert_one(&format!("PASSWORD={short}"), Kind::SecretAssignment, &short),
        Confidence::Medium
    );
    assert_eq!(
        assert_one(
            "PASSWORD='Tr0ub4dor&3x'",
            Kind::SecretAssignment,
            "Tr0ub4dor&3x"
        ),
        Confidence::Medium
    );
}

#[test]
fn assignment_lookalikes() {
    for text in [
        "PASSWORD=$DB_PASS",
        "PASSWORD=${DB_PASS}",
        "PASSWORD=\"${DB_PASS:-fallback}\"",
        "echo ${PASSWORD:-default_value_here}",
        "PASSWORD=$(cat /run/secrets/db_password)",
        "password: \"{{ .Values.db.password }}\"",
        "token: ${{ secrets.DEPLOY_TOKEN }}",
        "password: <%= ENV['DB_PASSWORD'] %>",
        "set PASSWORD=%DB_PASSWORD%",
        "PASSWORD=changeme",
        "PASSWORD=<password>",
        "PASSWORD=xxx",
        "PASSWORD=xxxxxxxxxxxxxxxx",
        "PASSWORD=********",
        "PASSWORD=your-password-here",
        "SECRET_KEY=build-time-placeholder-secret-32chars",
        "PASSWORD=short",
        "PASSWORD=aaaaaaaaaaaaaaaa",
        "PASSWORD=abcdefghijk",
        "PASSWORD=true",
        "PASSWORD=12345678901234",
        "password = os.getenv(\"DB_PASSWORD\")",
        "password = config.password",
        "password: process.env.DB_PASSWORD",
        "PASSWORD_FILE=/run/secrets/db",
        "TOKEN_URL=https://auth.example.com/oauth/token",
        "TOKEN_TTL=3600",
        "SECRET_NAME=my-app-secret",
        "RUN docker login -u me --password-stdin < /run/secrets/pw",
        "RUN adduser --disabled-password builduser",
        "RUN adduser --disabled-password --gecos '' app",
        "./configure --with-password-argon2 --enable-sasl-pwdb",
        "RUN passwd -d builduser",
        "echo \"mariadb-server\" mysql-server/root_password password 'unused'",
        "if password == \"Zq3vT9pLw2Xr7sKd\": pass",
        "RUN --mount=type=secret,id=mysecret,target=/run/secrets/mysecret cat /run/secrets/mysecret",
        "docker build --secret id=npmrc,src=$HOME/.npmrc .",
        "podman run -e POSTGRESQL_PASSWORD=pass -e POSTGRESQL_USER=user img",
        "Version=3.0.0.0, Culture=neutral, PublicKeyToken=31bf3856ad364e35",
        "ENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D",
        "ARG SWIFT_SIGNING_KEY=A62AE125BBBFBB96A6E042EC925CC1CCED3D1561",
        "api_key: the key used to sign every request",
        "# delete the builduser password",
        "Set-Localuser -Name $env:user -PasswordNeverExpires $true",
        "New-LocalUser -NoPassword -UserMayNotChangePassword",
        "PASSWORD=minioadmin",
        "git config --global credential.helper store",
        "curl https://api.example.com/v1/token/refresh",
        "password:",
        "password=",
        "\"password\": \"\"",
        "  password: cGFzc3dvcmQ=",
        "  api_key: !vault |",
    ] {
        assert_none(text);
    }
}

#[test]
fn mysql_and_docker_login() {
    let p = pw(20);
    for text in [
        format!("RUN mysql -uroot -p{p} -e 'select 1'"),
        format!("RUN mysqldump -u root -p\"{p}\" db > dump.sql"),
        format!("RUN /usr/bin/mysqladmin -p'{p}' status"),
        format!("RUN mariadb -u root -p{p}"),
        format!("RUN docker login -u me -p {p} registry.example.org"),
        format!("RUN podman login -p{p} quay.io"),
    ] {
        assert_one(&text, Kind::SecretAssignment, &p);
    }
    for text in [
        "RUN mysql -uroot -p$MYSQL_ROOT_PASSWORD",
        "RUN mysql -uroot -proot",
        "RUN mysql -u root -p -e 'select 1'",
        "RUN mysql -P 3306 -h db",
        "RUN apt-get install -y mysql-server -p",
        "RUN mysql_install_db -p /var/lib/mysql",
        "RUN docker login -u me -p \"$REGISTRY_PASSWORD\" r.io",
        "RUN docker login -u me --password-stdin r.io",
        "RUN mkdir -p /var/lib/mysql",
    ] {
        assert_none(text);
    }
}

#[test]
fn authorization_headers() {
    let t = rand(30, 40, ALNUM);
    let c = assert_one(
        &format!("RUN curl -H \"Authorization: Bearer {t}\" https://api.x.io"),
        Kind::AuthHeader,
        &t,
    );
    assert_eq!(c, Confidence::High);
    assert_one(
        &format!("RUN curl -H 'Authorization: token {t}' https://api.x.io"),
        Kind::AuthHeader,
        &t,
    );
    let basic = b64std(format!("deploy:{}", pw(31)).as_bytes());
    assert_one(
        &format!("RUN wget --header=\"Authorization: Basic {basic}\" https://x.io/f"),
        Kind::BasicAuth,
        &basic,
    );
    assert_none("RUN curl -H \"Authorization: Bearer $TOKEN\" https://api.x.io");
    assert_none("RUN curl -H \"Authorization: Bearer ${GITHUB_TOKEN}\" https://api.x.io");
    assert_none("RUN curl -H 'Authorization: Bearer <token>' https://api.x.io");
    assert_none(&format!(
        "Authorization: Basic {}",
        b64std(b"user:password")
    ));
}

#[test]
fn basic_auth_blobs() {
    let auth = b64std(format!("robot:{}", pw(40)).as_bytes());
    let docker = format!("{{\"auths\": {{\"registry.example.org\": {{\"auth\": \"{auth}\"}}}}}}");
    let c = assert_one(&docker, Kind::BasicAuth, &auth);
    assert_eq!(c, Confidence::High);
    assert_one(&format!("_auth={auth}"), Kind::BasicAuth, &auth);
    assert_none("{\"auths\": {\"r.io\": {\"auth\": \"\"}}, \"credsStore\": \"desktop\"}");
    assert_none(&format!("{{\"auth\": \"{}\"}}", b64std(b"user:user")));
    assert_none(&format!("{{\"auth\": \"{}\"}}", b64std(b"just-a-string")));
    assert_none("auth: true");
}

#[test]
fn chpasswd() {
    let p = pw(50);
    assert_one(
        &format!("RUN echo 'root:{p}' | chpasswd"),
        Kind::SecretAssignment,
        &p,
    );
    assert_one(
        &format!("RUN echo \"app:{p}\" | chpasswd && true"),
        Kind::SecretAssignment,
        &p,
    );
    assert_none("RUN echo 'root:root' | chpasswd");
    assert_none("RUN echo \"$USER:$PASS\" | chpasswd");
    assert_none("RUN echo 'docker:docker' | chpasswd");
}

#[test]
fn url_credentials() {
    let p = pw(60);
    let text = format!("RUN git clone https://deploy:{p}@git.company.io/team/repo.git");
    let c = assert_one(&text, Kind::UrlCredentials, &p);
    assert_eq!(c, Confidence::High);
    let f = scan(&text);
    assert_eq!(
        mask_in(&text, &f),
        format!(
            "RUN git clone https://deploy:{}@git.company.io/team/repo.git",
            mask(&p)
        )
    );

    // Local or example hosts, short passwords: medium.
    for text in [
        format!("DATABASE_URL=postgresql://app:{p}@db:5432/app"),
        format!("REDIS_URL=redis://:{p}@localhost:6379/0"),
        format!("amqp://guest:{p}@rabbit.example.com/"),
        "mongodb://app:s3cr3t@mongo.internal.io/db".to_string(),
    ] {
        let f = one(&text);
        assert_eq!(f.kind, Kind::UrlCredentials, "{text}");
        assert_eq!(f.confidence, Confidence::Medium, "{text}");
    }

    // A provider token as the password: the provider kind wins.
    let gh = fake("ghp_", 36, ALNUM, 61);
    assert_one(
        &format!("https://x-access-token:{gh}@github.com/o/r.git"),
        Kind::GithubToken,
        &gh,
    );
}

#[test]
fn url_lookalikes() {
    for text in [
        "https://user:${PASS}@host.io/x",
        "https://$USER:$PASS@host.io/x",
        "https://${USER}:${PASS}@host.io/x",
        "https://user:$(cat /run/secrets/p)@host.io/x",
        "http://user@host.io/x",
        "ssh://git@github.com/org/repo.git",
        "git@github.com:org/repo.git",
        "https://user:password@host.io/",
        "https://user:pass@host.io/",
        "https://user:<pass>@host.io/",
        "https://user:xxx@host.io/",
        "https://user:changeme@host.io/",
        "https://user:****@host.io/",
        "https://user:@host.io/",
        "postgresql://build:build@localhost:5432/build",
        "ftp://anonymous:anonymous@ftp.example.org/pub",
        "https://[::1]:8080/health",
        "http://host.io:8080/a@b",
        "https://host.io/?q=a:b@c",
        "https://host.io/path",
        "file:///etc/passwd",
        "see https:// for details",
    ] {
        assert_none(text);
    }
}

#[test]
fn specific_kind_wins_over_assignment() {
    let gh = fake("ghp_", 36, ALNUM, 70);
    assert_one(&format!("ENV GITHUB_TOKEN={gh}"), Kind::GithubToken, &gh);
    let np = fake("npm_", 36, ALNUM, 71);
    assert_one(&format!("NPM_TOKEN=\"{np}\""), Kind::NpmToken, &np);
}
