//! Setting up a tenant through the public API only, as an enterprise would:
//! seed 002 administration (settings, agents, their status), seed 003
//! sessions and agent binding, seed 001 access tokens and `connect`.

use std::net::SocketAddr;

use base64::Engine as _;
use hyper::Method;
use serde_json::{json, Value};

use crate::client::{parallel, Conn};
use crate::server::Tenant;
use crate::Result;

/// The status name that takes work, and the one that does not (defaults).
pub const ONLINE: &str = "在线";
pub const OFFLINE: &str = "离线";

/// Agent setup hashes passwords (argon2) on the server: a few at a time
/// keep both cores busy without queueing.
const SETUP_WORKERS: usize = 4;

/// An agent created for the bench and bound to a device session of its own.
#[derive(Clone, Debug)]
pub struct Agent {
    pub account: String,
    pub s_id: i64,
    pub session: String,
}

/// A customer `connect` answered.
#[derive(Clone, Debug)]
pub struct Connected {
    /// The conversation (seed 003 question id).
    pub rid: String,
    /// The customer token, also a seed 003 session.
    pub token: String,
    /// `im.username`: the customer's seed 003 user id, its `sender`.
    pub username: String,
    /// The serving agent's account, empty while waiting.
    pub agent_id: String,
    /// Place in the queue, 0 when served.
    pub wait: u64,
}

/// The tenant's API as its administrator and backend use it.
pub struct Api {
    pub addr: SocketAddr,
    pub tenant: Tenant,
    basic: String,
}

fn text(body: &Value, field: &str) -> Result<String> {
    body[field]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no {field} in {body}").into())
}

impl Api {
    pub fn new(addr: SocketAddr, tenant: Tenant) -> Api {
        let login = format!("{}:{}", tenant.admin, tenant.admin_password);
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(login)
        );
        Api {
            addr,
            tenant,
            basic,
        }
    }

    /// A seed 002 call as the admin; the JSON answer, an error unless 200.
    pub async fn admin(
        &self,
        conn: &mut Conn,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let what = format!("{method} {path}");
        conn.json(method, path, &self.basic, body.as_ref())
            .await?
            .ok(&what)?
            .json()
    }

    pub async fn settings(&self, conn: &mut Conn) -> Result<Value> {
        let body = self
            .admin(conn, Method::GET, "/api/v1/settings.json", None)
            .await?;
        Ok(body["settings"].clone())
    }

    pub async fn put_settings(&self, conn: &mut Conn, settings: Value) -> Result<()> {
        let body = json!({ "settings": settings });
        self.admin(conn, Method::PUT, "/api/v1/settings.json", Some(body))
            .await?;
        Ok(())
    }

    /// `POST /admin/access_token` (seed 001).
    pub async fn access_token(&self, conn: &mut Conn) -> Result<String> {
        let form = [
            ("api_key", self.tenant.api_key.as_str()),
            ("secret_key", self.tenant.secret_key.as_str()),
        ];
        let reply = conn.post_form("/admin/access_token", None, &form).await?;
        text(&reply.ok("access_token")?.json()?, "access_token")
    }

    /// A seed 003 session for `user_id` (`POST /v1/session`).
    pub async fn session(&self, conn: &mut Conn, user_id: &str) -> Result<String> {
        let form = [
            ("api_key", self.tenant.api_key.as_str()),
            ("secret_key", self.tenant.secret_key.as_str()),
            ("user_id", user_id),
        ];
        let reply = conn.post_form("/v1/session", None, &form).await?;
        text(&reply.ok("session")?.json()?, "session")
    }

    /// A new agent (`POST /api/v1/supports.json`); its `sId`.
    pub async fn create_agent(
        &self,
        conn: &mut Conn,
        account: &str,
        password: &str,
    ) -> Result<i64> {
        let support = json!({ "support": {
            "sPassportName": account, "sNum": account, "name": account, "password": password,
        }});
        let body = self
            .admin(conn, Method::POST, "/api/v1/supports.json", Some(support))
            .await?;
        body["support"]["sId"]
            .as_i64()
            .ok_or_else(|| format!("no sId in {body}").into())
    }

    /// The agent's online-chat (module 2) status.
    pub async fn set_state(&self, conn: &mut Conn, s_id: i64, state: &str) -> Result<()> {
        let body = json!({ "plate_service_state": { "plate": "2", "state": state } });
        let path = format!("/api/v1/plate_service_state/{s_id}.json");
        self.admin(conn, Method::PUT, &path, Some(body)).await?;
        Ok(())
    }

    /// Creates the agents named `accounts`, each bound to a device session.
    pub async fn agents(&self, accounts: &[String]) -> Result<Vec<Agent>> {
        parallel(
            self.addr,
            SETUP_WORKERS,
            accounts.len(),
            async |conn: &mut Conn, i: usize| {
                let account = &accounts[i];
                let password = format!("pw-{account}");
                let s_id = self.create_agent(conn, account, &password).await?;
                let session = self.session(conn, &format!("device-of-{account}")).await?;
                bind(conn, &session, account, &password).await?;
                Ok(Agent {
                    account: account.clone(),
                    s_id,
                    session,
                })
            },
        )
        .await
    }

    pub async fn set_states(&self, agents: &[Agent], state: &str) -> Result<()> {
        parallel(
            self.addr,
            SETUP_WORKERS,
            agents.len(),
            async |conn: &mut Conn, i: usize| self.set_state(conn, agents[i].s_id, state).await,
        )
        .await?;
        Ok(())
    }

    /// `count` customers `connect`ed (seed 001), named `{prefix}-{i}`.
    pub async fn connect_many(
        &self,
        access_token: &str,
        prefix: &str,
        count: usize,
    ) -> Result<Vec<Connected>> {
        parallel(self.addr, 8, count, async |conn: &mut Conn, i: usize| {
            connect(conn, access_token, &format!("{prefix}-{i}")).await
        })
        .await
    }
}

/// `POST /v1/serv/bind`: the agent's device session acts as the agent.
pub async fn bind(conn: &mut Conn, session: &str, serv_id: &str, password: &str) -> Result<()> {
    let form = [
        ("session", session),
        ("serv_id", serv_id),
        ("password", password),
    ];
    conn.post_form("/v1/serv/bind", None, &form)
        .await?
        .ok("serv/bind")?;
    Ok(())
}

/// `POST /customers/connect` (seed 001) with the backend's access token.
pub async fn connect(conn: &mut Conn, access_token: &str, name: &str) -> Result<Connected> {
    let reply = conn
        .post_form("/customers/connect", Some(access_token), &[("name", name)])
        .await?;
    parse_connected(&reply.ok("customers/connect")?.json()?)
}

pub fn parse_connected(body: &Value) -> Result<Connected> {
    Ok(Connected {
        rid: text(body, "rid")?,
        token: text(body, "token")?,
        username: body["im"]["username"]
            .as_str()
            .ok_or_else(|| format!("no im.username in {body}"))?
            .to_owned(),
        agent_id: body["agent_id"].as_str().unwrap_or_default().to_owned(),
        wait: body["wait"].as_u64().unwrap_or_default(),
    })
}

/// The path and the form up to `text=` of the customer's seed 003
/// `send_text`, built once for the hot loops (which append the text).
pub fn text_form(c: &Connected) -> (String, String) {
    let prefix = serde_urlencoded::to_string([
        ("session", c.token.as_str()),
        ("sender", c.username.as_str()),
        ("sender_type", "1"),
    ])
    .expect("a form encodes");
    (
        format!("/v1/question/{}/message/send_text", c.rid),
        format!("{prefix}&text="),
    )
}

/// `POST /customers/shutdown_service`: the customer ends its conversation.
pub async fn shutdown_service(conn: &mut Conn, token: &str, rid: &str) -> Result<()> {
    conn.post_form(
        "/customers/shutdown_service",
        Some(token),
        &[("group_id", rid)],
    )
    .await?
    .ok("customers/shutdown_service")?;
    Ok(())
}
