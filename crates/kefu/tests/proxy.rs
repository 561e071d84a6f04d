//! kefu behind the reverse proxies the docs give, each configured by the very
//! file the docs show, its ports and certificate put in: Debian's nginx
//! (`docs/deploy/nginx.conf`) and Debian's Caddy (`docs/deploy/Caddyfile`).
//! The proxy ends TLS on 127.0.0.1 and kefu, trusting it
//! (`--trusted-proxy 127.0.0.1`), answers HTTPS, opens `wss://` sockets that
//! get live events, and counts each client by the address the proxy
//! forwards, not by the proxy's own; plain HTTP is redirected to HTTPS.
//!
//! Without nginx or Caddy its test says it was SKIPPED, unless
//! `KEFU_TEST_NGINX` or `KEFU_TEST_CADDY` is `required` (CI), when it fails.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::binary::{stop, temp_dir};
use common::http::Http;
use common::tls::{next_json, TestCert};
use common::{Backend, Options, TestApp};
use kefu::api::TrustedProxies;
use kefu::engine::throttle::KEYS_LIMIT;
use kefu::server::HttpLimits;
use serde_json::Value;

/// The documented configurations.
const NGINX_CONF: &str = include_str!("../../../docs/deploy/nginx.conf");
const CADDYFILE: &str = include_str!("../../../docs/deploy/Caddyfile");

/// A proxy's binary: on the PATH or in /usr/sbin (Debian's nginx); `None`
/// (after saying so) when it is not installed and `env` does not require it.
fn installed(name: &str, env: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|bin| bin.is_file());
    if found.is_none() {
        assert_ne!(
            std::env::var(env).as_deref(),
            Ok("required"),
            "{env}=required but {name} is not installed (apt-get install {name})"
        );
        eprintln!(
            "SKIPPED the {name} test: {name} is not installed (apt-get install {name}; \
             {env}=required makes this a failure)"
        );
    }
    found
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// `text` with `from`, which must be there exactly once, replaced: a
/// documented line the test no longer finds fails it instead of leaving a
/// part of the file untested.
fn put_in(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "the documented file has `{from}` once:\n{text}"
    );
    text.replace(from, to)
}

/// A reverse proxy running as a child in the foreground, everything it
/// writes kept in `prefix`; stopped on drop.
struct Proxy {
    child: Child,
    https_port: u16,
    http_port: u16,
    /// The permanent redirect's status for plain HTTP (to the same path
    /// over HTTPS, on 443: neither proxy names its test port).
    redirect: u16,
    prefix: PathBuf,
}

impl Proxy {
    /// nginx with the documented server blocks, for kefu on `kefu_port` and
    /// with `cert`, inside a main configuration that keeps to `prefix`.
    fn nginx(binary: &Path, prefix: &Path, cert: &TestCert, kefu_port: u16) -> Proxy {
        let (https_port, http_port) = (free_port(), free_port());
        let mut site = put_in(
            NGINX_CONF,
            "server 127.0.0.1:8080;",
            &format!("server 127.0.0.1:{kefu_port};"),
        );
        site = put_in(
            &site,
            "listen 443 ssl;",
            &format!("listen 127.0.0.1:{https_port} ssl;"),
        );
        site = put_in(
            &site,
            "listen 80;",
            &format!("listen 127.0.0.1:{http_port};"),
        );
        site = put_in(
            &site,
            "/etc/letsencrypt/live/kefu.example.com/fullchain.pem",
            cert.cert.to_str().unwrap(),
        );
        site = put_in(
            &site,
            "/etc/letsencrypt/live/kefu.example.com/privkey.pem",
            cert.key.to_str().unwrap(),
        );
        std::fs::write(prefix.join("kefu.conf"), site).unwrap();
        let p = prefix.display();
        let main = format!(
            "pid {p}/nginx.pid;\n\
             error_log {p}/error.log;\n\
             worker_processes 1;\n\
             events {{ worker_connections 128; }}\n\
             http {{\n\
             \x20   access_log {p}/access.log;\n\
             \x20   client_body_temp_path {p}/client_body;\n\
             \x20   proxy_temp_path {p}/proxy;\n\
             \x20   fastcgi_temp_path {p}/fastcgi;\n\
             \x20   uwsgi_temp_path {p}/uwsgi;\n\
             \x20   scgi_temp_path {p}/scgi;\n\
             \x20   include {p}/kefu.conf;\n\
             }}\n"
        );
        std::fs::write(prefix.join("nginx.conf"), main).unwrap();
        let mut command = Command::new(binary);
        command
            .arg("-p")
            .arg(prefix)
            .arg("-e")
            .arg(prefix.join("error.log"))
            .arg("-c")
            .arg(prefix.join("nginx.conf"))
            .args(["-g", "daemon off;"])
            .stderr(Stdio::null());
        // The documented `return 301 https://$host$request_uri;`.
        Proxy::run(command, prefix, (https_port, http_port), 301)
    }

    /// Caddy with the documented site, for kefu on `kefu_port`, served on
    /// 127.0.0.1 with `cert` instead of one from Let's Encrypt (this machine
    /// has no network), its ports, storage and admin API kept to `prefix`.
    fn caddy(binary: &Path, prefix: &Path, cert: &TestCert, kefu_port: u16) -> Proxy {
        let (https_port, http_port) = (free_port(), free_port());
        let mut site = put_in(
            CADDYFILE,
            "reverse_proxy 127.0.0.1:8080",
            &format!("reverse_proxy 127.0.0.1:{kefu_port}"),
        );
        site = put_in(
            &site,
            "kefu.example.com {",
            &format!(
                "127.0.0.1 {{\n\ttls {} {}",
                cert.cert.display(),
                cert.key.display()
            ),
        );
        let global = format!(
            "{{\n\tadmin off\n\thttp_port {http_port}\n\thttps_port {https_port}\n\
             \tstorage file_system {}\n}}\n\n",
            prefix.join("caddy").display()
        );
        let config = prefix.join("Caddyfile");
        std::fs::write(&config, global + &site).unwrap();
        let mut command = Command::new(binary);
        command
            .args(["run", "--adapter", "caddyfile", "--config"])
            .arg(&config)
            .env("HOME", prefix)
            .env("XDG_CONFIG_HOME", prefix)
            .env("XDG_DATA_HOME", prefix)
            .stderr(std::fs::File::create(prefix.join("error.log")).unwrap());
        // Caddy's own redirect.
        Proxy::run(command, prefix, (https_port, http_port), 308)
    }

    fn run(
        mut command: Command,
        prefix: &Path,
        (https_port, http_port): (u16, u16),
        redirect: u16,
    ) -> Proxy {
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .expect("run the proxy");
        let mut proxy = Proxy {
            child,
            https_port,
            http_port,
            redirect,
            prefix: prefix.to_owned(),
        };
        proxy.wait_listening();
        proxy
    }

    fn wait_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("the proxy exited ({status}): {}", self.error_log());
            }
            let listening = |port| std::net::TcpStream::connect(("127.0.0.1", port)).is_ok();
            if listening(self.https_port) && listening(self.http_port) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the proxy is not listening: {}",
                self.error_log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn error_log(&self) -> String {
        std::fs::read_to_string(self.prefix.join("error.log")).unwrap_or_default()
    }

    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.https_port)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // SIGTERM: nginx's master stops its workers (a killed master would
        // leave them listening).
        stop(&mut self.child);
    }
}

/// `POST /admin/access_token` through the proxy from the client address `from`
/// (another address of the loopback network), with these headers.
async fn access_token(
    cert: &TestCert,
    base: &str,
    from: &str,
    forwarded: Option<&str>,
    keys: (&str, &str),
) -> u16 {
    let client = cert
        .https()
        .local_address(from.parse::<IpAddr>().unwrap())
        .build()
        .unwrap();
    let mut request = client
        .post(format!("{base}/admin/access_token"))
        .form(&[("api_key", keys.0), ("secret_key", keys.1)]);
    if let Some(claimed) = forwarded {
        request = request.header("x-forwarded-for", claimed);
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kefu_behind_the_documented_nginx() {
    let Some(binary) = installed("nginx", "KEFU_TEST_NGINX") else {
        return;
    };
    kefu_behind(|dir, cert, kefu_port| Proxy::nginx(&binary, dir, cert, kefu_port)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kefu_behind_the_documented_caddy() {
    let Some(binary) = installed("caddy", "KEFU_TEST_CADDY") else {
        return;
    };
    kefu_behind(|dir, cert, kefu_port| Proxy::caddy(&binary, dir, cert, kefu_port)).await;
}

/// kefu trusting 127.0.0.1, behind the proxy `start` runs.
async fn kefu_behind(start: impl FnOnce(&Path, &TestCert, u16) -> Proxy) {
    let options = Options {
        http: HttpLimits {
            trusted_proxies: TrustedProxies(vec!["127.0.0.1".parse().unwrap()]),
            ..Options::default().http
        },
        ..Options::default()
    };
    let app = TestApp::spawn_with(Backend::Sqlite, options)
        .await
        .expect("SQLite always runs");
    let kefu_port = reqwest::Url::parse(&app.base).unwrap().port().unwrap();
    let dir = temp_dir();
    let cert = TestCert::new(&dir);
    let proxy = start(&dir, &cert, kefu_port);
    let base = proxy.base();
    let via = Http::with_client(cert.https().build().unwrap(), &base);

    // HTTPS through the proxy; plain HTTP is sent to HTTPS.
    let (status, health) = via.get("/healthz", &[]).await;
    assert_eq!(
        (status, &health["status"]),
        (200, &Value::from("ok")),
        "{health}"
    );
    let redirect = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{}/console", proxy.http_port))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), proxy.redirect);
    assert_eq!(
        redirect.headers()["location"],
        "https://127.0.0.1/console",
        "to the same path over HTTPS"
    );

    // An agent's wss:// socket through the proxy says hello, then hears of a
    // question a customer asks through the proxy.
    let t = app.tenant("Acme").await;
    let agent = app.agent(&t, "ma", false).await;
    let customer = app.customer(&t, "u-behind-a-proxy").await;
    let wss = format!(
        "{}/ws?session={}",
        base.replacen("https", "wss", 1),
        agent.session
    );
    let mut ws = cert.wss(&wss).await.unwrap();
    let hello = next_json(&mut ws).await;
    assert_eq!(
        (&hello["event"], &hello["role"]),
        (&Value::from("hello"), &Value::from("agent")),
        "{hello}"
    );
    let question = via.ask(&customer.session, "你好，通过反向代理").await;
    let created = loop {
        let frame = next_json(&mut ws).await;
        if frame["event"] == "question_created" {
            break frame;
        }
    };
    assert_eq!(created["question_id"], question.as_str(), "{created}");

    // kefu counts the client the proxy names: wrong secret keys from 127.0.0.2
    // lock that address out, not the proxy's 127.0.0.1, so 127.0.0.3 (even
    // claiming to be 127.0.0.2) still gets a token with the right keys.
    let wrong = (t.api_key.as_str(), "not-the-secret");
    for _ in 0..KEYS_LIMIT {
        assert_eq!(
            access_token(&cert, &base, "127.0.0.2", None, wrong).await,
            401
        );
    }
    let right = (t.api_key.as_str(), t.secret_key.as_str());
    assert_eq!(
        access_token(&cert, &base, "127.0.0.2", None, right).await,
        429,
        "127.0.0.2 is held back"
    );
    assert_eq!(
        access_token(&cert, &base, "127.0.0.3", Some("127.0.0.2"), right).await,
        200,
        "another client is not, and its own X-Forwarded-For is not believed"
    );

    drop(ws);
    drop(proxy);
    std::fs::remove_dir_all(dir).ok();
}
