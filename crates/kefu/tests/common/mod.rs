//! The test harness: each test gets the real kefu app on a random port with a
//! fresh database (a new SQLite file, or a new PostgreSQL schema), and typed
//! helpers for the requests it sends.
//!
//! PostgreSQL tests run when `KEFU_TEST_POSTGRES_URL` names a server (CI sets
//! it); without it they report that they were skipped.
#![allow(dead_code)]

pub mod node;
pub mod ws;

use std::path::PathBuf;

use kefu::engine::{Engine, TenantCredentials};
use kefu::ids::random_token;
use kefu::media::MediaStore;
use kefu::realtime::Limits;
use kefu::server::Node;
use kefu::storage::Store;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const POSTGRES_ENV: &str = "KEFU_TEST_POSTGRES_URL";

/// Declares each listed `async fn name(app: TestApp)` as a test on SQLite and
/// on PostgreSQL.
#[macro_export]
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::common::TestApp::spawn($crate::common::Backend::Sqlite)
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
                    match $crate::common::TestApp::spawn($crate::common::Backend::Postgres).await {
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

pub struct TestApp {
    pub base: String,
    pub engine: Engine,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The node's background work (fan-out, sweeper, webhooks).
    node: Option<Node>,
    data_dir: PathBuf,
    pg_schema: Option<(String, String)>,
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
        let data_dir = std::env::temp_dir().join(format!("kefu-test-{}", random_token(10)));
        std::fs::create_dir_all(&data_dir).expect("temp dir");
        let (database, pg_schema) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data_dir.join("kefu.db").display()),
                None,
            ),
            Backend::Postgres => {
                let base = std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty())?;
                let schema = format!("kefu_t_{}", random_token(12).to_lowercase());
                let admin = sqlx::PgPool::connect(&base)
                    .await
                    .expect("connect to the test PostgreSQL");
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&admin)
                    .await
                    .expect("create a test schema");
                admin.close().await;
                let sep = if base.contains('?') { '&' } else { '?' };
                let url = format!("{base}{sep}options=-c%20search_path%3D{schema}");
                (url, Some((base, schema)))
            }
        };
        let store = Store::connect(&database)
            .await
            .expect("open the test database");
        let engine = Engine::new(store, MediaStore::new(data_dir.join("media")));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let node = Node::start(engine, base.clone(), Limits::default(), None)
            .await
            .expect("start the node");
        let engine = node.engine.clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(kefu::server::serve(listener, node.app(), async {
            stopped.await.ok();
        }));
        if std::env::var("KEFU_TEST_LOG").is_ok() {
            let _ = tracing_subscriber::fmt().with_env_filter("info").try_init();
        }
        Some(TestApp {
            base,
            engine,
            client: reqwest::Client::new(),
            stop: Some(stop),
            server: Some(server),
            node: Some(node),
            data_dir,
            pg_schema,
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
        let mut form = vec![
            ("api_key", tenant.api_key.as_str()),
            ("secret_key", tenant.secret_key.as_str()),
            ("user_id", user_id),
            ("name", user_id),
        ];
        if let Some(identify) = identify {
            form.push(("identify", identify));
        }
        let (status, body) = self.post("/v1/session", &form).await;
        assert_eq!(status, 200, "mint session: {body}");
        Customer {
            user_id: user_id.to_owned(),
            session: body["session"].as_str().expect("session").to_owned(),
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
        let (status, body) = self
            .post(
                "/v1/serv/bind",
                &[
                    ("session", &device.session),
                    ("serv_id", serv_id),
                    ("password", &password),
                ],
            )
            .await;
        assert_eq!(status, 200, "bind: {body}");
        Agent {
            serv_id: serv_id.to_owned(),
            password,
            session: device.session,
            id,
        }
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("request");
        read(response).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .query(query)
            .send()
            .await
            .expect("request");
        read(response).await
    }

    pub async fn request(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> (u16, Value) {
        let response = self
            .client
            .request(method, format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("request");
        read(response).await
    }

    /// A call of the administration API (seed 002) with HTTP Basic auth and
    /// an optional JSON body.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        login: &Login,
        body: Option<Value>,
    ) -> ApiResponse {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .basic_auth(&login.account, Some(&login.password));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        ApiResponse {
            status,
            headers,
            body,
        }
    }

    /// `GET` of the administration API; panics unless it answers 200.
    pub async fn api_get(&self, path: &str, login: &Login) -> Value {
        let r = self.api(reqwest::Method::GET, path, login, None).await;
        assert_eq!(r.status, 200, "GET {path}: {}", r.body);
        r.body
    }

    /// Creates an agent through `POST /api/v1/supports.json`; returns its
    /// `support` object.
    pub async fn api_create_agent(&self, tenant: &Tenant, support: Value) -> Value {
        let r = self
            .api(
                reqwest::Method::POST,
                "/api/v1/supports.json",
                &tenant.admin(),
                Some(serde_json::json!({ "support": support })),
            )
            .await;
        assert_eq!(r.status, 200, "create agent: {}", r.body);
        r.body["support"].clone()
    }

    /// The customer asks a question; returns its id.
    pub async fn ask(&self, c: &Customer, title: &str) -> String {
        let (status, body) = self
            .post(
                "/v1/question/new",
                &[("session", &c.session), ("title", title)],
            )
            .await;
        assert_eq!(status, 200, "ask: {body}");
        body["question_id"]
            .as_str()
            .expect("question_id")
            .to_owned()
    }

    /// The agent claims a question; panics unless it succeeds.
    pub async fn serve(&self, a: &Agent, question_id: &str) {
        let (status, body) = self
            .post(
                &format!("/v1/question/{question_id}/serve"),
                &[("session", &a.session), ("serv_id", &a.serv_id)],
            )
            .await;
        assert_eq!(status, 200, "serve: {body}");
    }

    /// An agent's lifecycle step (`serve`, `quit`, `finish`, `request_finish`).
    pub async fn act(&self, a: &Agent, question_id: &str, action: &str) -> (u16, Value) {
        self.post(
            &format!("/v1/question/{question_id}/{action}"),
            &[("session", &a.session), ("serv_id", &a.serv_id)],
        )
        .await
    }

    /// A customer's text message; returns the response.
    pub async fn customer_says(&self, c: &Customer, question_id: &str, text: &str) -> (u16, Value) {
        self.post(
            &format!("/v1/question/{question_id}/message/send_text"),
            &[
                ("session", &c.session),
                ("sender", &c.user_id),
                ("sender_type", "1"),
                ("text", text),
            ],
        )
        .await
    }

    /// An agent's text message; returns the response.
    pub async fn agent_says(&self, a: &Agent, question_id: &str, text: &str) -> (u16, Value) {
        self.post(
            &format!("/v1/question/{question_id}/message/send_text"),
            &[
                ("session", &a.session),
                ("sender", &a.serv_id),
                ("sender_type", "2"),
                ("text", text),
            ],
        )
        .await
    }

    /// The whole history of a question, oldest first, as the customer reads it.
    pub async fn history(&self, c: &Customer, question_id: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![
                ("session", c.session.as_str()),
                ("sort", "1"),
                ("num", "50"),
            ];
            if let Some(cursor) = &cursor {
                query.push(("message_id", cursor));
            }
            let (status, body) = self
                .get(&format!("/v1/question/{question_id}/message"), &query)
                .await;
            assert_eq!(status, 200, "history: {body}");
            let page = body["messages"].as_array().expect("messages").clone();
            if page.is_empty() {
                return all;
            }
            cursor = page
                .last()
                .and_then(|m| m["message_id"].as_str())
                .map(str::to_owned);
            all.extend(page);
        }
    }
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
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

impl Drop for TestApp {
    fn drop(&mut self) {
        drop(self.node.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some((base, schema)) = self.pg_schema.take() {
            // The test's runtime is ending: drop the schema from a runtime of our own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(runtime) = runtime {
                    runtime.block_on(async {
                        if let Ok(pool) = sqlx::PgPool::connect(&base).await {
                            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                                .execute(&pool)
                                .await;
                            pool.close().await;
                        }
                    });
                }
            })
            .join();
        }
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
