//! The test harness: each test gets the real kefu app on a random port with a
//! fresh database (a new SQLite file, or a new PostgreSQL schema), and typed
//! helpers for the requests it sends.
//!
//! PostgreSQL tests run when `KEFU_TEST_POSTGRES_URL` names a server (CI sets
//! it); without it they report that they were skipped.
#![allow(dead_code)]

pub mod binary;
pub mod browser;
pub mod desk;
pub mod http;
pub mod load;
pub mod node;
pub mod pg;
pub mod redis;
pub mod scene;
pub mod tls;
pub mod ws;

use std::path::PathBuf;

use http::Http;
use kefu::domain::egress::AllowedHosts;
use kefu::domain::message::EVENT_NAMES;
use kefu::engine::{Engine, TenantCredentials};
use kefu::ids::random_token;
use kefu::media::MediaStore;
use kefu::server::{HttpLimits, Node, NodeSettings};
use kefu::storage::Store;
use pg::Schema;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const POSTGRES_ENV: &str = "KEFU_TEST_POSTGRES_URL";

/// The status name that takes work by default (a tenant's `accepting` one).
pub const ACCEPTING: &str = "在线";

/// Declares each listed `async fn name(app: TestApp)` as a test on SQLite and
/// on PostgreSQL; `options = f;` first starts each app with the [`Options`]
/// that `fn f() -> Options` gives.
#[macro_export]
macro_rules! on_every_backend {
    (options = $options:ident; $($name:ident),* $(,)?) => {
        $crate::on_every_backend!(@with super::$options(); $($name),*);
    };
    ($($name:ident),* $(,)?) => {
        $crate::on_every_backend!(@with $crate::common::Options::default(); $($name),*);
    };
    (@with $options:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = $crate::common::Backend::Sqlite;
                    let app = $crate::common::TestApp::spawn_with(backend, $options)
                        .await
                        .expect("SQLite always runs");
                    super::$name(app).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let backend = $crate::common::Backend::Postgres;
                    match $crate::common::TestApp::spawn_with(backend, $options).await {
                        Some(app) => super::$name(app).await,
                        None => eprintln!(
                            "SKIPPED {}: set {} to run it on PostgreSQL",
                            stringify!($name),
                            $crate::common::POSTGRES_ENV
                        ),
                    }
                }
            )*
        }
    };
}

/// What a test changes in the node it starts.
#[derive(Clone)]
pub struct Options {
    /// HTTP limits. The harness default lifts the cap of connections per
    /// address: every test client connects from 127.0.0.1.
    pub http: HttpLimits,
    /// Hosts webhooks may reach although internal (`--webhook-allow-host`).
    pub webhook_hosts: Vec<String>,
    /// The token `/metrics` asks for (`--metrics-token`).
    pub metrics_token: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            http: HttpLimits {
                max_connections_per_ip: 0,
                ..HttpLimits::default()
            },
            webhook_hosts: Vec::new(),
            metrics_token: None,
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub engine: Engine,
    pub client: reqwest::Client,
    /// `client` at `base`, with the calls the harnesses share.
    pub http: Http,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The node's background work (fan-out, sweeper, webhooks).
    node: Option<Node>,
    data_dir: PathBuf,
    pg_schema: Option<Schema>,
    /// The database URL the app runs on (for [`TestApp::sql`]).
    database: String,
}

/// A tenant created for a test, with its keys.
pub struct Tenant {
    pub id: i64,
    pub api_key: String,
    pub secret_key: String,
    /// The admin's account (`sPassportName`) and password.
    pub admin_account: String,
    pub admin_password: String,
    /// The admin's `sId`.
    pub admin_id: i64,
}

/// HTTP Basic credentials for the administration API (seed 002).
#[derive(Clone, Debug)]
pub struct Login {
    pub account: String,
    pub password: String,
}

impl Login {
    pub fn new(account: &str, password: &str) -> Self {
        Self {
            account: account.to_owned(),
            password: password.to_owned(),
        }
    }
}

impl Tenant {
    pub fn admin(&self) -> Login {
        Login::new(&self.admin_account, &self.admin_password)
    }
}

impl Agent {
    pub fn login(&self) -> Login {
        Login::new(&self.serv_id, &self.password)
    }
}

/// A response of the administration API: status, headers and JSON body.
pub struct ApiResponse {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

/// A customer holding a session.
#[derive(Clone)]
pub struct Customer {
    pub user_id: String,
    pub session: String,
}

/// An agent bound to a session of its own device.
#[derive(Clone)]
pub struct Agent {
    pub serv_id: String,
    pub password: String,
    pub session: String,
    pub id: i64,
}

impl TestApp {
    /// Starts the app on 127.0.0.1:0 over a fresh database; `None` when the
    /// backend is not configured here.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, Options::default()).await
    }

    /// As [`Self::spawn`], with these options.
    pub async fn spawn_with(backend: Backend, options: Options) -> Option<TestApp> {
        let data_dir = std::env::temp_dir().join(format!("kefu-test-{}", random_token(10)));
        std::fs::create_dir_all(&data_dir).expect("temp dir");
        let (database, pg_schema) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data_dir.join("kefu.db").display()),
                None,
            ),
            Backend::Postgres => {
                let base = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty())?;
                let schema = Schema::create(&base, "kefu_t").await;
                (schema.url.clone(), Some(schema))
            }
        };
        let store = Store::connect(&database)
            .await
            .expect("open the test database");
        let engine = Engine::new(store, MediaStore::new(data_dir.join("media")))
            .with_webhook_hosts(AllowedHosts::new(options.webhook_hosts));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let settings = NodeSettings {
            http: options.http,
            metrics_token: options.metrics_token,
            ..NodeSettings::new(base.clone())
        };
        let node = Node::start(engine, settings).await.expect("start the node");
        let engine = node.engine.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(node.serve(listener, async {
            stopped.await.ok();
        }));
        if std::env::var("KEFU_TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt().with_env_filter("info").try_init();
        }
        let client = reqwest::Client::new();
        Some(TestApp {
            http: Http::with_client(client.clone(), &base),
            base,
            engine,
            client,
            stop: Some(stop),
            server: Some(server),
            node: Some(node),
            data_dir,
            pg_schema,
            database,
        })
    }

    /// Asks the server to shut down (as SIGTERM does) and returns its task,
    /// which ends once in-flight requests are answered.
    pub fn shut_down(&mut self) -> tokio::task::JoinHandle<std::io::Result<()>> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server.take().expect("the server runs")
    }

    /// The app's data folder (media live in `media/` under it).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// Runs one SQL statement on the app's database, as time passing or an
    /// older server would leave it (e.g. a session issued long ago).
    pub async fn sql(&self, statement: &str) {
        if self.database.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&self.database)
                .await
                .expect("SQLite");
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
            pool.close().await;
        } else {
            let pool = sqlx::PgPool::connect(&self.database)
                .await
                .expect("PostgreSQL");
            sqlx::query(statement)
                .execute(&pool)
                .await
                .expect(statement);
            pool.close().await;
        }
    }

    /// A new tenant with its admin.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let TenantCredentials {
            tenant_id,
            api_key,
            secret_key,
            admin,
            ..
        } = self
            .engine
            .create_tenant(name)
            .await
            .expect("create tenant");
        Tenant {
            id: tenant_id,
            api_key,
            secret_key,
            admin_account: admin.account,
            admin_password: admin.password,
            admin_id: admin.agent_id,
        }
    }

    /// A customer of `tenant` with a fresh session (through `POST /v1/session`).
    pub async fn customer(&self, tenant: &Tenant, user_id: &str) -> Customer {
        self.customer_in_app(tenant, user_id, None).await
    }

    pub async fn customer_in_app(
        &self,
        tenant: &Tenant,
        user_id: &str,
        identify: Option<&str>,
    ) -> Customer {
        let session = self
            .http
            .session(&tenant.api_key, &tenant.secret_key, user_id, identify)
            .await;
        Customer {
            user_id: user_id.to_owned(),
            session,
        }
    }

    /// A new agent of `tenant`, bound (`serv/bind`) to a device session of its own.
    pub async fn agent(&self, tenant: &Tenant, serv_id: &str, is_admin: bool) -> Agent {
        let password = format!("pw-{serv_id}");
        let id = self
            .engine
            .create_agent(tenant.id, serv_id, &password, serv_id, is_admin)
            .await
            .expect("create agent");
        let device = self.customer(tenant, &format!("device-of-{serv_id}")).await;
        self.http.bind(&device.session, serv_id, &password).await;
        Agent {
            serv_id: serv_id.to_owned(),
            password,
            session: device.session,
            id,
        }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.http.post(path, form).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        self.http.get(path, query).await
    }

    pub async fn request(&self, method: Method, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        self.http.request(method, path, form).await
    }

    /// A call of the administration API (seed 002) with HTTP Basic auth and
    /// an optional JSON body.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        login: &Login,
        body: Option<Value>,
    ) -> ApiResponse {
        self.http.api(method, path, login, body).await
    }

    /// `GET` of the administration API; panics unless it answers 200.
    pub async fn api_get(&self, path: &str, login: &Login) -> Value {
        let r = self.api(Method::GET, path, login, None).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }

    /// Creates an agent through `POST /api/v1/supports.json`; returns its
    /// `support` object.
    pub async fn api_create_agent(&self, tenant: &Tenant, support: Value) -> Value {
        let r = self
            .api(
                Method::POST,
                "/api/v1/supports.json",
                &tenant.admin(),
                Some(json!({ "support": support })),
            )
            .await;
        assert_eq!(r.status, 200, "create agent: {}", r.body);
        r.body["support"].clone()
    }

    /// Sets an agent's online-chat (module 2) status as the tenant's admin.
    pub async fn set_state(&self, tenant: &Tenant, agent_id: i64, state: &str) {
        let body = json!({ "plate_service_state": { "plate": 2, "state": state } });
        let path = format!("/api/v1/plate_service_state/{agent_id}.json");
        let r = self
            .api(Method::PUT, &path, &tenant.admin(), Some(body))
            .await;
        assert_eq!(r.status, 200, "set state: {}", r.body);
    }

    /// The customer asks a question; returns its id.
    pub async fn ask(&self, c: &Customer, title: &str) -> String {
        self.http.ask(&c.session, title).await
    }

    /// The agent claims a question; panics unless it succeeds.
    pub async fn serve(&self, a: &Agent, question_id: &str) {
        let (status, body) = self.act(a, question_id, "serve").await;
        assert_eq!(status, 200, "serve: {body}");
    }

    /// An agent's lifecycle step (`serve`, `quit`, `finish`, `request_finish`).
    pub async fn act(&self, a: &Agent, question_id: &str, action: &str) -> (u16, Value) {
        self.http
            .act(&a.session, &a.serv_id, question_id, action)
            .await
    }

    /// A customer's text message; returns the response.
    pub async fn customer_says(&self, c: &Customer, question_id: &str, text: &str) -> (u16, Value) {
        self.http
            .send_text(&c.session, &c.user_id, "1", question_id, text)
            .await
    }

    /// An agent's text message; returns the response.
    pub async fn agent_says(&self, a: &Agent, question_id: &str, text: &str) -> (u16, Value) {
        self.http
            .send_text(&a.session, &a.serv_id, "2", question_id, text)
            .await
    }

    /// The agent's pending pool (`GET /v1/question/list`); panics unless it
    /// answers 200.
    pub async fn pending(&self, a: &Agent) -> Value {
        let (status, body) = self
            .get(
                "/v1/question/list",
                &[("session", &a.session), ("serv_id", &a.serv_id)],
            )
            .await;
        assert_eq!(status, 200, "question/list: {body}");
        body
    }

    /// The whole history of a question, oldest first, as the customer reads it.
    pub async fn history(&self, c: &Customer, question_id: &str) -> Vec<Value> {
        self.http.history(&c.session, question_id).await
    }
}

/// Asserts a seed 003 error body: status 300, the code, the field.
pub fn assert_v1_error(result: &(u16, Value), http: u16, code: u64, field: Option<&str>) {
    let (status, body) = result;
    assert_eq!(*status, http, "HTTP status of {body}");
    assert_eq!(body["status"], 300, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["debug"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    match field {
        Some(field) => assert_eq!(body["field"], field, "{body}"),
        None => assert!(body.get("field").is_none(), "{body}"),
    }
}

/// Asserts a seed 002 error: the HTTP status (also in the body), the code, a
/// message, and the field when one is named.
pub fn assert_admin_error(r: &ApiResponse, http: u16, code: &str, field: Option<&str>) {
    let body = &r.body;
    assert_eq!(r.status, http, "HTTP status of {body}");
    assert_eq!(body["status"], http, "{body}");
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    if let Some(field) = field {
        assert_eq!(body["field"], field, "{body}");
    }
}

/// Whether a WebSocket frame is a stored event (one named for a stored
/// message: durable, replayed after a reconnect).
pub fn is_stored(frame: &Value) -> bool {
    frame["event"]
        .as_str()
        .is_some_and(|name| EVENT_NAMES.contains(&name))
}

/// Asserts a chat message in the seed 003 shape: a text (`type` 3) with
/// this id, sender and body, and a timestamp.
pub fn assert_chat(m: &Value, id: &str, sender: &str, sender_type: i64, text: &str) {
    assert_eq!(m["message_id"], id, "{m}");
    assert_eq!(m["sender"], sender, "{m}");
    assert_eq!(m["sender_type"], sender_type, "{m}");
    assert_eq!(m["type"], 3, "{m}");
    assert_eq!(m["text"], text, "{m}");
    assert!(m["timestamp"].is_f64() || m["timestamp"].is_u64(), "{m}");
}

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.node.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        // Last, once the node is told to stop.
        drop(self.pg_schema.take());
    }
}

/// Polls `check` every 50 ms until it holds; fails after 10 s. For state the
/// server changes on its own (the sweeper), observed rather than slept for.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        if check().await {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited 10 s and still not: {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The `question_id`s of a seed 003 question list, in order.
pub fn question_ids(body: &Value) -> Vec<String> {
    body["questions"]
        .as_array()
        .unwrap_or_else(|| panic!("questions in {body}"))
        .iter()
        .map(|q| q["question_id"].as_str().expect("a question_id").to_owned())
        .collect()
}
