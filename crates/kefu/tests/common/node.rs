//! The real `kefu` binary as a process, for tests that need one (the server's
//! memory, several nodes on one database): `kefu tenant create`, nodes started
//! with `kefu serve`, typed calls of its HTTP API (over `super::http`), and a
//! small WebSocket client that remembers the stored events it received.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};

pub use super::http::Http;
use super::{is_stored, Login};

const KEFU: &str = env!("CARGO_BIN_EXE_kefu");

/// How long `Socket::expect` waits for an event.
const EXPECT: Duration = Duration::from_secs(20);

/// A folder removed at the end, kept (and named) when the test failed.
pub struct TempDir {
    pub path: PathBuf,
}

impl TempDir {
    /// `kefu-{what}-RANDOM` in the system's temporary folder.
    pub fn new(what: &str) -> Self {
        let path = std::env::temp_dir().join(format!("kefu-{what}-{}", kefu::ids::random_token(8)));
        std::fs::create_dir_all(&path).expect("create the test folder");
        Self { path }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("server logs kept in {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// `kefu` with the `KEFU_*` variables of the caller's environment removed.
pub fn kefu() -> Command {
    let mut command = Command::new(KEFU);
    for (name, _) in std::env::vars() {
        if name.starts_with("KEFU_") {
            command.env_remove(name);
        }
    }
    command
}

/// What `kefu tenant create` printed: the keys and the first admin.
pub struct TenantKeys {
    api_key: String,
    secret_key: String,
    pub admin: Login,
}

/// `kefu tenant create` on the database the nodes of `dir` use (`database`
/// holds `--database URL`, or nothing for the SQLite file of `dir/node`).
pub fn create_tenant(dir: &Path, database: &[&str]) -> TenantKeys {
    let output = kefu()
        .args(["tenant", "create", "--name", "Acme", "--data-dir"])
        .arg(dir.join("node"))
        .args(database)
        .output()
        .expect("run kefu tenant create");
    assert!(
        output.status.success(),
        "tenant create: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).expect("JSON from tenant create");
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    TenantKeys {
        api_key: text(&created["api_key"]),
        secret_key: text(&created["secret_key"]),
        admin: Login::new(
            &text(&created["admin"]["account"]),
            &text(&created["admin"]["password"]),
        ),
    }
}

/// A running `kefu serve`; SIGTERM (then SIGKILL) when dropped.
pub struct Node {
    child: Child,
    /// `127.0.0.1:PORT`
    pub addr: String,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    pub http: Http,
}

impl Node {
    /// Starts `kefu serve` with its data folder `dir/name` and log `dir/name.log`.
    pub fn start(dir: &Path, name: &str, args: &[&str]) -> Self {
        let log = std::fs::File::create(dir.join(format!("{name}.log"))).expect("create the log");
        let mut child = kefu()
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join(name))
            // Every test client connects from 127.0.0.1: no cap per address.
            .args(["--max-connections-per-ip", "0"])
            .args(args)
            .env("KEFU_LOG", "info,sqlx=warn")
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("start kefu serve");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut base = None;
        for line in stdout.lines() {
            let line = line.expect("a line of kefu serve's output");
            if let Some(url) = line.strip_prefix("kefu is listening on ") {
                base = Some(url.trim().to_owned());
            }
            if line.contains("API docs:") {
                break;
            }
        }
        let base = base.unwrap_or_else(|| {
            panic!(
                "kefu serve printed no address; see {}",
                dir.join(format!("{name}.log")).display()
            )
        });
        let addr = base.trim_start_matches("http://").to_owned();
        Self {
            child,
            addr,
            http: Http::new(&base),
            base,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `sockets` of `/healthz`: the WebSockets open on this node.
    pub async fn sockets(&self) -> Option<i64> {
        let (_, body) = self.http.get("/healthz", &[]).await;
        body["sockets"].as_i64()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        super::binary::stop(&mut self.child);
    }
}

/// A session holder: a customer, or an agent bound to its device's session.
#[derive(Clone)]
pub struct User {
    pub user_id: String,
    pub session: String,
    pub serv_id: Option<String>,
}

impl User {
    /// The query of `GET /ws` for this user.
    pub fn query(&self) -> Vec<(&str, &str)> {
        let mut query = vec![("session", self.session.as_str())];
        if let Some(serv_id) = &self.serv_id {
            query.push(("serv_id", serv_id));
        }
        query
    }
}

/// A customer session minted with the tenant's keys (`POST /v1/session`).
pub async fn session(http: &Http, tenant: &TenantKeys, user_id: &str) -> User {
    let session = http
        .session(&tenant.api_key, &tenant.secret_key, user_id, None)
        .await;
    User {
        user_id: user_id.to_owned(),
        session,
        serv_id: None,
    }
}

/// An agent created by the admin over `create_on` (seed 002) and bound to a
/// device session over `bind_on` (seed 003 `serv/bind`).
pub async fn agent(create_on: &Http, bind_on: &Http, tenant: &TenantKeys, serv_id: &str) -> User {
    let password = format!("pw-{serv_id}");
    let support = json!({"support": {"sPassportName": serv_id, "sNum": serv_id,
                                     "name": serv_id, "password": password}});
    let r = create_on
        .api(
            Method::POST,
            "/api/v1/supports.json",
            &tenant.admin,
            Some(support),
        )
        .await;
    assert_eq!(r.status, 200, "create agent: {}", r.body);
    let device = session(bind_on, tenant, &format!("device-of-{serv_id}")).await;
    bind_on.bind(&device.session, serv_id, &password).await;
    User {
        serv_id: Some(serv_id.to_owned()),
        ..device
    }
}

/// A new question of `customer`; its id.
pub async fn ask(http: &Http, customer: &User, title: &str) -> String {
    http.ask(&customer.session, title).await
}

/// The agent claims the question (`POST /v1/question/ID/serve`).
pub async fn serve(http: &Http, agent: &User, question: &str) -> (u16, Value) {
    let serv_id = agent.serv_id.as_deref().expect("an agent");
    http.act(&agent.session, serv_id, question, "serve").await
}

/// `/ws?...` with the query encoded.
pub fn ws_target(query: &[(&str, &str)]) -> String {
    let url = reqwest::Url::parse_with_params("http://localhost/ws", query).expect("a valid URL");
    format!("/ws?{}", url.query().unwrap_or_default())
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<TcpStream>>;

/// A client (tungstenite answers pings while it reads) that remembers every
/// stored event it received, in order.
pub struct Socket {
    ws: Ws,
    pub stored: Vec<Value>,
}

impl Socket {
    /// Opens `/ws` and reads the `hello` frame.
    pub async fn open(base: &str, query: &[(&str, &str)]) -> (Socket, Value) {
        match Self::try_open(base, query).await {
            Ok(opened) => opened,
            Err((status, body)) => panic!("GET /ws refused with {status}: {body}"),
        }
    }

    /// Like `open`, or the refused upgrade's HTTP status and body.
    pub async fn try_open(
        base: &str,
        query: &[(&str, &str)],
    ) -> Result<(Socket, Value), (u16, Value)> {
        let url = format!("{}{}", base.replacen("http", "ws", 1), ws_target(query));
        match tokio_tungstenite::connect_async(url).await {
            Ok((ws, _)) => {
                let mut socket = Socket {
                    ws,
                    stored: Vec::new(),
                };
                let hello = socket.expect("hello", |_| true).await;
                assert_eq!(hello["event"], "hello", "the first frame: {hello}");
                Ok((socket, hello))
            }
            Err(tungstenite::Error::Http(response)) => {
                let status = response.status().as_u16();
                let body = response.body().clone().unwrap_or_default();
                let body = serde_json::from_slice(&body)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into()));
                Err((status, body))
            }
            Err(e) => panic!("GET /ws failed: {e}"),
        }
    }

    pub async fn send(&mut self, frame: Value) {
        self.ws
            .send(Message::text(frame.to_string()))
            .await
            .expect("send a frame");
    }

    /// The next event that `wanted` accepts within `limit`; others are skipped.
    pub async fn within(
        &mut self,
        limit: Duration,
        wanted: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let frame = tokio::time::timeout_at(deadline, self.ws.next())
                .await
                .ok()?;
            match frame {
                Some(Ok(Message::Text(text))) => {
                    let event: Value = serde_json::from_str(&text).expect("a JSON frame");
                    if is_stored(&event) {
                        self.stored.push(event.clone());
                    }
                    if wanted(&event) {
                        return Some(event);
                    }
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!(
                    "the socket ended: {other:?}; stored events so far: {:?}",
                    self.stored
                ),
            }
        }
    }

    /// Like `within`, failing after 20 s.
    pub async fn expect(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        match self.within(EXPECT, wanted).await {
            Some(event) => event,
            None => panic!(
                "no {what} within {} s; stored events so far: {:?}",
                EXPECT.as_secs(),
                self.stored
            ),
        }
    }

    /// The next stored event of `question`.
    pub async fn next_stored(&mut self, question: &str) -> Value {
        let what = format!("stored event of {question}");
        self.expect(&what, |e| e["question_id"] == question && is_stored(e))
            .await
    }

    /// Reads for `period` and counts the server's pings; the socket must stay open.
    pub async fn read_for(&mut self, period: Duration) -> usize {
        let deadline = tokio::time::Instant::now() + period;
        let mut pings = 0;
        while let Ok(frame) = tokio::time::timeout_at(deadline, self.ws.next()).await {
            match frame {
                Some(Ok(Message::Ping(_))) => pings += 1,
                Some(Ok(Message::Text(_) | Message::Pong(_))) => {}
                other => panic!("a client answering pings was closed: {other:?}"),
            }
        }
        pings
    }

    /// The close code the server sends within `limit`; fails if the socket
    /// stays open or ends without one.
    pub async fn close_code_within(mut self, limit: Duration) -> u16 {
        super::ws::close_code_within(&mut self.ws, limit).await
    }

    /// A clean close: send a close frame and read until the server's answer.
    pub async fn close(mut self) {
        self.ws.close(None).await.expect("send a close frame");
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while let Ok(Some(Ok(_))) = tokio::time::timeout_at(deadline, self.ws.next()).await {}
    }
}
