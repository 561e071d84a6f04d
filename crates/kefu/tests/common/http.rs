//! Requests to one kefu server, for the in-process `TestApp` and for the
//! `kefu serve` processes of `node` alike: the answer's body is JSON, or the
//! text when it is not. Also the seed 003 steps both take to set up a
//! conversation, so that each is written once.

use std::time::Duration;

use reqwest::Method;
use serde_json::Value;

use super::{ApiResponse, Login};

/// One part of a `multipart/form-data` body.
pub enum Part<'a> {
    Text(&'a str),
    File { file_name: &'a str, bytes: &'a [u8] },
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    base: String,
}

impl Http {
    /// A client that gives up on a request after 30 s (a node may hang).
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Self::with_client(client, base)
    }

    pub fn with_client(client: reqwest::Client, base: &str) -> Self {
        Self {
            client,
            base: base.to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
        let response = read(request.send().await.expect("request")).await;
        (response.status, response.body)
    }

    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        Self::send(self.client.post(self.url(path)).form(form)).await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> (u16, Value) {
        Self::send(self.client.post(self.url(path)).json(body)).await
    }

    /// A `multipart/form-data` POST, written out as `curl -F` and a
    /// browser's `FormData` send it.
    pub async fn post_multipart(&self, path: &str, parts: &[(&str, Part<'_>)]) -> (u16, Value) {
        let boundary = "----kefu-test-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (name, part) in parts {
            body.extend(format!("--{boundary}\r\n").as_bytes());
            match part {
                Part::Text(text) => {
                    body.extend(
                        format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                            .as_bytes(),
                    );
                    body.extend(text.as_bytes());
                }
                Part::File { file_name, bytes } => {
                    body.extend(
                        format!(
                            "Content-Disposition: form-data; name=\"{name}\"; \
                             filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        )
                        .as_bytes(),
                    );
                    body.extend(*bytes);
                }
            }
            body.extend(b"\r\n");
        }
        body.extend(format!("--{boundary}--\r\n").as_bytes());
        let request = self
            .client
            .post(self.url(path))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body);
        Self::send(request).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> (u16, Value) {
        Self::send(self.client.get(self.url(path)).query(query)).await
    }

    pub async fn request(&self, method: Method, path: &str, form: &[(&str, &str)]) -> (u16, Value) {
        Self::send(self.client.request(method, self.url(path)).form(form)).await
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
        let mut request = self
            .client
            .request(method, self.url(path))
            .basic_auth(&login.account, Some(&login.password));
        if let Some(body) = body {
            request = request.json(&body);
        }
        read(request.send().await.expect("request")).await
    }

    /// A customer session minted with a tenant's keys (`POST /v1/session`).
    pub async fn session(
        &self,
        api_key: &str,
        secret_key: &str,
        user_id: &str,
        identify: Option<&str>,
    ) -> String {
        let mut form = vec![
            ("api_key", api_key),
            ("secret_key", secret_key),
            ("user_id", user_id),
            ("name", user_id),
        ];
        if let Some(identify) = identify {
            form.push(("identify", identify));
        }
        let (status, body) = self.post("/v1/session", &form).await;
        assert_eq!(status, 200, "session: {body}");
        body["session"].as_str().expect("a session").to_owned()
    }

    /// Binds the agent `serv_id` to a device session (`POST /v1/serv/bind`).
    pub async fn bind(&self, session: &str, serv_id: &str, password: &str) {
        let (status, body) = self
            .post(
                "/v1/serv/bind",
                &[
                    ("session", session),
                    ("serv_id", serv_id),
                    ("password", password),
                ],
            )
            .await;
        assert_eq!(status, 200, "bind: {body}");
    }

    /// A new question of the customer holding `session`; its id.
    pub async fn ask(&self, session: &str, title: &str) -> String {
        let (status, body) = self
            .post(
                "/v1/question/new",
                &[("session", session), ("title", title)],
            )
            .await;
        assert_eq!(status, 200, "ask: {body}");
        body["question_id"]
            .as_str()
            .expect("a question_id")
            .to_owned()
    }

    /// An agent's lifecycle step (`serve`, `quit`, `finish`,
    /// `request_finish`) on a question; the answer.
    pub async fn act(
        &self,
        session: &str,
        serv_id: &str,
        question_id: &str,
        action: &str,
    ) -> (u16, Value) {
        self.post(
            &format!("/v1/question/{question_id}/{action}"),
            &[("session", session), ("serv_id", serv_id)],
        )
        .await
    }

    /// A text message from `sender` (`sender_type` 1 customer, 2 agent); the
    /// answer.
    pub async fn send_text(
        &self,
        session: &str,
        sender: &str,
        sender_type: &str,
        question_id: &str,
        text: &str,
    ) -> (u16, Value) {
        self.post(
            &format!("/v1/question/{question_id}/message/send_text"),
            &[
                ("session", session),
                ("sender", sender),
                ("sender_type", sender_type),
                ("text", text),
            ],
        )
        .await
    }

    /// A question's whole history, oldest first, as the holder of `session`
    /// reads it (page after page, by the cursor).
    pub async fn history(&self, session: &str, question_id: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("session", session), ("sort", "1"), ("num", "50")];
            if let Some(cursor) = &cursor {
                query.push(("message_id", cursor));
            }
            let (status, body) = self
                .get(&format!("/v1/question/{question_id}/message"), &query)
                .await;
            assert_eq!(status, 200, "history: {body}");
            let page = body["messages"].as_array().expect("messages").clone();
            let Some(last) = page.last() else {
                return all;
            };
            cursor = last["message_id"].as_str().map(str::to_owned);
            all.extend(page);
        }
    }
}

/// A response's status, headers and body: JSON, or the text when it is not.
pub async fn read(response: reqwest::Response) -> ApiResponse {
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
