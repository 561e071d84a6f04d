//! A tenant seen from outside: its admin, and its backend's seed 001 access
//! token for pushing conversations (`/customers/connect`). Test files add
//! the calls only they make in an `impl Desk` of their own.

use reqwest::header::AUTHORIZATION;
use reqwest::Method;
use serde_json::{json, Value};

use super::{ApiResponse, Tenant, TestApp};

/// The tenant's settings (seed 002).
pub const SETTINGS: &str = "/api/v1/settings.json";

pub struct Desk<'a> {
    pub app: &'a TestApp,
    pub t: Tenant,
    pub access_token: String,
    /// The token of each visitor's conversation (`rid`), as the widget keeps
    /// it to resume the chat.
    pub visitor_tokens: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl<'a> Desk<'a> {
    /// A new tenant and an access token for it (`POST /admin/access_token`).
    pub async fn new(app: &'a TestApp, name: &str) -> Desk<'a> {
        let t = app.tenant(name).await;
        let (status, body) = app
            .post(
                "/admin/access_token",
                &[("api_key", &t.api_key), ("secret_key", &t.secret_key)],
            )
            .await;
        assert_eq!(status, 200, "access token: {body}");
        let access_token = body["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("access_token in {body}"))
            .to_owned();
        Desk {
            app,
            t,
            access_token,
            visitor_tokens: Default::default(),
        }
    }

    /// `connect` without a department; the answer.
    pub async fn connect(&self, name: &str) -> Value {
        self.connect_in(name, None).await
    }

    /// `POST /customers/connect`, in `department` if given; the answer.
    pub async fn connect_in(&self, name: &str, department: Option<i64>) -> Value {
        let mut form = vec![("name", name.to_owned())];
        if let Some(department) = department {
            form.push(("department_id", department.to_string()));
        }
        let response = self
            .app
            .client
            .post(format!("{}/customers/connect", self.app.base))
            .header(AUTHORIZATION, &self.access_token)
            .form(&form)
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        let body: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        assert_eq!(status, 200, "connect {name}: {body}");
        body
    }

    /// A call of the administration API as the tenant's admin.
    pub async fn admin(&self, method: Method, path: &str, body: Option<Value>) -> ApiResponse {
        self.app.api(method, path, &self.t.admin(), body).await
    }

    pub async fn get_settings(&self) -> Value {
        self.app.api_get(SETTINGS, &self.t.admin()).await["settings"].clone()
    }

    pub async fn put_settings(&self, settings: Value) -> ApiResponse {
        self.admin(Method::PUT, SETTINGS, Some(json!({ "settings": settings })))
            .await
    }

    /// Changes settings; the settings answered.
    pub async fn settings_ok(&self, settings: Value) -> Value {
        let r = self.put_settings(settings).await;
        assert_eq!(r.status, 200, "settings: {}", r.body);
        r.body["settings"].clone()
    }

    /// Sets the agent's online-chat (module 2) status.
    pub async fn set_state(&self, id: i64, state: &str) {
        self.app.set_state(&self.t, id, state).await;
    }
}
