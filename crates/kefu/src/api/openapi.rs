//! The OpenAPI 3 description of every route, served at `/openapi.json`.
//!
//! Each operation is built with [`Op`]; what operations share (the error body,
//! credentials, paging, list lines, messages, request bodies) lives under
//! `components` and is referenced by name. `tests/openapi.rs` checks that the
//! document and [`super::route_table`] name the same (method, path) pairs and
//! that every `$ref` resolves. The tables below are laid out by hand. The
//! administration dialect (seed 002) lives in [`admin`], the customer IM
//! dialect (seed 001) in [`customers`].

mod admin;
mod console;
mod customers;

use axum::Json;
use serde_json::{json, Map, Value};

pub async fn serve() -> Json<Value> {
    Json(document())
}

pub fn document() -> Value {
    let mut paths = Map::new();
    let all = operations()
        .into_iter()
        .chain(admin::operations())
        .chain(customers::operations())
        .chain(console::operations());
    for op in all {
        paths.entry(op.path).or_insert_with(|| json!({}))[op.method] = op.v;
    }
    let tags: Vec<Value> = TAGS
        .iter()
        .chain(&admin::TAGS)
        .chain(&customers::TAGS)
        .chain(&console::TAGS)
        .map(|(name, description)| json!({ "name": name, "description": description }))
        .collect();
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "kefu 客服", "version": env!("CARGO_PKG_VERSION"),
            "description": format!("{INTRO}\n\n{}\n\n{}", admin::INTRO, customers::INTRO),
        },
        "servers": [{ "url": "/" }],
        "tags": tags,
        "paths": paths,
        "components": {
            "schemas": merged(
                merged(merged(schemas(), admin::schemas()), customers::schemas()),
                console::schemas(),
            ),
            "parameters": merged(merged(parameters(), admin::parameters()),
                customers::parameters()),
            "responses": admin::responses(),
            "securitySchemes": merged(admin::security_schemes(), customers::security_schemes()),
        },
    })
}

/// The tags of the question-chat dialect's operations.
#[rustfmt::skip]
const TAGS: [(&str, &str); 8] = [
    ("meta", "服务状态与文档 / health and this document"),
    ("events", "实时事件 / real-time events over one WebSocket (docs/api/realtime.md)"),
    ("session", "签发用户session / sessions (kefu's addition)"),
    ("serv", "客服登录与任务 / agent binding and tasks"),
    ("question", "问题 / questions and their lifecycle"),
    ("message", "聊天消息 / chat messages and media"),
    ("user", "用户问题列表与信息 / a customer's lists and profile"),
    ("answer", "快速回答 / canned replies"),
];

/// The members of two JSON objects.
fn merged(mut into: Value, from: Value) -> Value {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
    into
}

const INTRO: &str = "Three dialects, plus `/healthz`, `/readyz`, `/metrics` and this document.\n\nQuestion-chat \
dialect (seed 003) under `/v1`. POST, PUT and DELETE parameters come as a form \
(`application/x-www-form-urlencoded`, or `multipart/form-data` where a file part is read as \
its base64) or a JSON object with the same fields (non-string JSON values are read as their \
JSON text); GET parameters come in the query string. Query and \
body are merged (the body wins), so body parameters may also be sent in the query.\n\n\
Credentials: a customer acts with `session` (12 characters, issued by `POST /v1/session`, or \
a seed 001 customer token of 43 characters); an \
agent acts with a `session` bound to it by `POST /v1/serv/bind`: the bound session alone names \
the agent (also as `Authorization: Bearer SESSION`, which keeps it out of URLs), and a `serv_id` sent as well (the seed requires it for serve, quit and finish) must \
name the same agent. A `serv_id` alone never acts.\n\nSuccess bodies are `{status: 200, ...}`; failures are `{status: 300, error, \
field, debug}` (schema `V1Error`) with a fitting HTTP status.";

const BAD: &str = "参数错误 / bad parameter: 1001 缺少 missing, 1002 不合法 invalid, \
1003 编码错误 not URL-encoded or not a JSON object; `field` names the parameter";
const SERVER: &str = "5000 内部错误 / internal error (500); \
5001 存储不可用 / storage unavailable (503), retry later; 5002 请求超时 / the request took too \
long (503), retry";
const NO_SESSION: &str = "2001 session 不存在 / unknown session";
const BAD_LOGIN: &str = "2001 session 不存在 / unknown session; \
2002 客服账号或密码错误 / wrong serv_id or password";
const NOT_AGENT: &str = "2003 无权操作 / not allowed (session not bound to this serv_id, \
not an administrator, another user's data); 2004 客服已停用 / agent not active";
const LIFECYCLE: &str = "4002 问题已结束 / finished; 4003 问题未开始 / not served yet; \
4004 其他客服在处理 / served by another agent; 4007 请重试 / kept changing, retry";
const SENDING: &str = "4002 问题已结束 / finished; 4003 问题未开始 / not served yet (agents); \
4004 其他客服在处理 / served by another agent; 4006 client_msg_id 已被他人使用 / used by another \
sender; 4007 请重试 / retry";
const THROTTLED: &str = "2005 失败次数过多 / too many failed logins for this account or \
address, retry later";
const NO_QUESTION: &str = "3001 问题不存在 / question not found";
const NO_TEMPLATE: &str = "3003 模板不存在 / template not found";
const NO_ITEM: &str = "3004 快速回答不存在 / item not found";
const AGENT: &str = "An agent (its bound `session`; a `serv_id` sent as well must match).";
const EITHER: &str = "The question's customer (`session`) or any agent of the tenant (its \
bound `session`).";
const ADMIN: &str = "kefu's addition. An administrator agent (its bound `session`, in the \
body or the query); other agents get 2003.";
const SEND: &str = "The customer (`session`, `sender` = its user_id, `sender_type` 1) or the \
serving agent (`session` bound to `sender` = its serv_id, `sender_type` 2). With `client_msg_id` \
a retried send returns the first message instead of storing another.";

/// Credentials, as `Op::by` takes them.
const CUSTOMER: &[&str] = &["session"];
/// The seed lists `serv_id` as required (serve, quit, finish).
const AN_AGENT: &[&str] = &["session", "serv_id"];
/// A bound session alone, or with a matching `serv_id`.
const BOUND: &[&str] = &["session", "serv_id_optional"];

/// One operation under construction.
struct Op {
    method: &'static str,
    path: &'static str,
    v: Value,
}

fn schema_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn param_ref(name: &str) -> Value {
    json!({ "$ref": format!("#/components/parameters/{name}") })
}

/// An operation; each path parameter `{name}` references `path_<name>`.
fn op(method: &'static str, path: &'static str, tag: &str, summary: &str, about: &str) -> Op {
    let params: Vec<Value> = path_parameters(path)
        .map(|name| param_ref(&format!("path_{name}")))
        .collect();
    let words: Vec<&str> = path.split(|c: char| !c.is_ascii_alphanumeric()).collect();
    let id = format!("{method} {}", words.join(" "));
    Op {
        method,
        path,
        v: json!({
            "operationId": id.split_whitespace().collect::<Vec<_>>().join("_"),
            "tags": [tag],
            "summary": summary,
            "description": about,
            "parameters": params,
            "responses": {},
        }),
    }
}

/// The parameters of a path: `{name}` in a segment, which may go on after
/// it (seed 002's `{id}.json`).
pub fn path_parameters(path: &str) -> impl Iterator<Item = &str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.split_once('}').map(|(name, _)| name))
}

impl Op {
    fn query(mut self, names: &[&str]) -> Self {
        if let Some(list) = self.v["parameters"].as_array_mut() {
            list.extend(names.iter().map(|n| param_ref(n)));
        }
        self
    }

    /// `page`, `num`, the cursor `cursor_<cursor>`, `sort` and `identify`.
    fn paging(self, cursor: &str) -> Self {
        let cursor = format!("cursor_{cursor}");
        self.query(&["page", "num", &cursor, "sort", "identify"])
    }

    /// The body schema `name`, as a form and as JSON.
    fn body(mut self, name: &str) -> Self {
        let schema = json!({ "schema": schema_ref(name) });
        self.v["requestBody"] = json!({ "required": true, "content": {
            "application/x-www-form-urlencoded": schema, "multipart/form-data": schema,
            "application/json": schema } });
        self
    }

    fn respond(mut self, status: &str, description: &str, content: Value) -> Self {
        self.v["responses"][status] = json!({ "description": description, "content": content });
        self
    }

    fn ok(self, schema: Value) -> Self {
        let content = json!({ "application/json": { "schema": schema } });
        self.respond("200", "成功 / success", content)
    }

    /// An error response with the shared `V1Error` body.
    fn fail(self, status: &str, codes: &str) -> Self {
        let content = json!({ "application/json": { "schema": schema_ref("V1Error") } });
        self.respond(status, codes, content)
    }

    /// Errors every `/v1` call that reads parameters can answer.
    fn v1(self) -> Self {
        self.fail("400", BAD).fail("5XX", SERVER)
    }

    /// Authenticated by `credentials`, query parameters of a GET: a customer
    /// by `session`, an agent by `session` + `serv_id`.
    fn by(self, credentials: &[&str]) -> Self {
        let get = self.method == "get";
        let op = self.query(if get { credentials } else { &[] }).v1();
        match credentials {
            [_session] => op.fail("401", NO_SESSION),
            _ => op.fail("401", NO_SESSION).fail("403", NOT_AGENT),
        }
    }
}

fn object(required: &[&str], props: Value) -> Value {
    let mut schema = json!({ "type": "object", "properties": props });
    if !required.is_empty() {
        schema["required"] = json!(required);
    }
    schema
}

/// `{status: 200, ...props}`.
fn ok_body(required: &[&str], props: Value) -> Value {
    let mut schema = object(&[&["status"][..], required].concat(), props);
    schema["properties"]["status"] = json!({ "type": "integer", "enum": [200] });
    schema
}

fn list_of(key: &str, item: &str) -> Value {
    let list = json!({ "type": "array", "items": schema_ref(item) });
    ok_body(&[key], json!({ key: list }))
}

fn message_id() -> Value {
    ok_body(&["message_id"], json!({ "message_id": schema_ref("Id") }))
}

fn string(description: &str) -> Value {
    json!({ "type": "string", "description": description })
}

fn text(min: u32, max: u32, description: &str) -> Value {
    json!({ "type": "string", "minLength": min, "maxLength": max, "description": description })
}

fn url(description: &str) -> Value {
    json!({ "type": "string", "format": "uri", "description": description })
}

/// `base` with the fields of `extra` added, none of them required.
fn with_optional(base: Value, extra: Value) -> Value {
    let mut schema = base;
    for (key, value) in extra.as_object().into_iter().flatten() {
        schema["properties"][key] = value.clone();
    }
    schema
}

/// `base` with the fields of `extra` added, all of them required.
fn extend(base: Value, extra: Value) -> Value {
    let keys: Vec<Value> = extra
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| json!(k))
        .collect();
    let mut schema = with_optional(base, extra);
    if let Some(required) = schema["required"].as_array_mut() {
        required.extend(keys);
    }
    schema
}

#[rustfmt::skip]
fn operations() -> Vec<Op> {
    let user_list = |path, summary, line| {
        op("get", path, "user", summary, "The user (its own `session`) or any agent of the \
            tenant (`session` + `serv_id`).")
            .by(BOUND).paging("question_id")
            .fail("404", "3002 用户不存在 / user not found (agents)")
            .ok(list_of("questions", line))
    };
    let health = |status: &str| object(&["status"], json!({
        "status": { "type": "string", "enum": [status] } }));
    let readiness = |status: &str| object(&["status", "storage", "redis"], json!({
        "status": { "type": "string", "enum": [status] },
        "storage": { "type": "string", "enum": ["ok", "unreachable"] },
        "redis": { "type": "string", "enum": ["ok", "unreachable", "not used"] } }));
    vec![
        op("get", "/healthz", "meta", "存活检查 / Liveness",
            "Anyone, no credential. 200 while the process serves requests, whatever storage \
            and Redis do (restarting kefu would not bring them back): see `/readyz`.")
            .ok(extend(health("ok"), json!({ "storage": {
                "type": "string", "enum": ["sqlite", "postgres"] },
                "durability": { "type": "string", "enum": ["normal", "strict"],
                    "description": "what an acknowledged write survives (--durability)" },
                "sockets": { "type": "integer", "description": "WebSockets open on this node" } }))),
        op("get", "/readyz", "meta", "就绪检查 / Readiness",
            "Anyone, no credential. Whether this node can do its work now: storage answers and, \
            when the node fans out through Redis (`--redis`), Redis answers. A load balancer \
            sends traffic elsewhere while it answers 503.")
            .ok(readiness("ready"))
            .respond("503", "未就绪 / storage or Redis unreachable",
                json!({ "application/json": { "schema": readiness("not ready") } })),
        op("get", "/metrics", "meta", "监控指标 / Prometheus metrics",
            "Prometheus text format 0.0.4 (`text/plain; version=0.0.4`). With `--metrics-token`, \
            only to `Authorization: Bearer TOKEN` (401 otherwise). Families: \
            `kefu_http_request_duration_seconds{method,route,status}`, \
            `kefu_messages_stored_total`, `kefu_group_commit_size`, `kefu_sockets_open`, \
            `kefu_conversations_waiting`, `kefu_webhook_deliveries_pending`, \
            `kefu_routing_rounds_total{outcome}`, `kefu_webhook_attempts_total{outcome}`, \
            `kefu_storage_errors_total`; docs/operations.md explains each.")
            .respond("200", "指标 / the exposition",
                json!({ "text/plain": { "schema": { "type": "string" } } }))
            .respond("401", "需要令牌 / the metrics token is required",
                json!({ "application/json": { "schema": health("a metrics token is required") } })),
        op("get", "/openapi.json", "meta", "接口文档 / This OpenAPI document",
            "Anyone, no credential.")
            .ok(json!({ "type": "object", "description": "OpenAPI 3.0 document" })),
        op("get", "/ws", "events", "实时事件 / Real-time events (WebSocket)",
            "Upgrades to a WebSocket that delivers JSON events to a customer (`session`) or an \
            agent (its bound `session`); `Authorization: Bearer SESSION` works instead of \
            `session`. With `cursor`, everything stored after it is replayed first, in order. \
            Events, client frames, limits and close codes: docs/api/realtime.md. A GET that is \
            no WebSocket upgrade is 400 (1002, `field` `Upgrade`).")
            .query(&["ws_session", "ws_serv_id", "ws_cursor"]).v1()
            .fail("401", NO_SESSION).fail("403", NOT_AGENT)
            .fail("429", "2006 连接过多 / too many sockets for this user or tenant")
            .respond("101", "切换为WebSocket / switching to WebSocket", json!({})),
        op("post", "/v1/session", "session", "签发用户session / Issue a customer session",
            "kefu's addition. The tenant's backend, with its `api_key` and `secret_key` \
            (server-side credentials: never ship them in an app), creates or updates its user \
            `user_id` and gets a new `session` for that user.")
            .body("SessionRequest").v1()
            .fail("401", "2002 api_key 或 secret_key 错误 / wrong api_key or secret_key")
            .fail("429", "2005 失败次数过多 / too many wrong secret_keys from this address, \
                retry later")
            .ok(ok_body(&["session", "user_id"], json!({
                "session": schema_ref("Session"), "user_id": string("用户id / user id") }))),
        op("post", "/v1/serv/bind", "serv", "客服登陆(绑定APP) / Agent login (bind app)",
            "Any `session` holder with the agent's `serv_id` and `password`. Binds the agent to \
            the session; from then on the session alone acts as the agent.")
            .body("BindRequest").v1().fail("401", BAD_LOGIN)
            .fail("403", "2004 客服已停用 / agent not active").fail("429", THROTTLED)
            .ok(ok_body(&[], json!({}))),
        op("post", "/v1/serv/unbind", "serv", "客服注销(解绑APP) / Agent logout (unbind app)",
            "The session bound to `serv_id`, with its `password` again. Releases the session.")
            .body("BindRequest").v1().fail("401", BAD_LOGIN).fail("403", NOT_AGENT)
            .fail("429", THROTTLED)
            .ok(ok_body(&[], json!({}))),
        op("get", "/v1/serv/{serv_id}/tasks", "serv",
            "客服'解决中'问题列表 / Questions an agent is serving",
            "An agent (its bound `session`): the agent in the path, or an administrator \
            reading another agent's tasks. Questions the agent in the path serves, reopened \
            ones included.")
            .by(BOUND).paging("question_id")
            .fail("404", "3006 客服不存在 / agent not found")
            .ok(list_of("questions", "QuestionLine")),
        op("post", "/v1/question/new", "question", "客户提问问题 / Customer asks a question",
            "A customer (`session`). The question waits in `GET /v1/question/list`.")
            .body("AskRequest").by(CUSTOMER)
            .ok(ok_body(&["question_id", "question"], json!({
                "question_id": schema_ref("Id"),
                "question": object(&["id", "status"], json!({
                    "id": schema_ref("Id"), "status": schema_ref("QuestionStatus") })),
            }))),
        op("get", "/v1/question/list", "question",
            "客服获取'待解决'用户问题列表 / Pending questions",
            &format!("{AGENT} The tenant's questions that no agent serves yet."))
            .by(BOUND).paging("question_id").query(&["label"])
            .ok(list_of("questions", "QuestionLine")),
        op("post", "/v1/question/{question_id}/serve", "question",
            "开始回答用户问题 / Agent starts serving",
            &format!("{AGENT} Claims a waiting question, which leaves the pending list; of \
                concurrent claims one wins. Answers the notice message (action 1)."))
            .body("AgentRequest").by(AN_AGENT).fail("404", NO_QUESTION)
            .fail("409", "4001 已被客服接受 / already served; 4002 问题已结束 / finished; \
                4007 请重试 / retry")
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/quit", "question",
            "退出回答用户问题 / Agent quits serving",
            "The serving agent (`session` + `serv_id`). The question goes back to the pending \
            list (notice action 2).")
            .body("AgentRequest").by(AN_AGENT).fail("404", NO_QUESTION).fail("409", LIFECYCLE)
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/finish", "question",
            "完成用户问题 / Agent finishes",
            "The serving agent (`session` + `serv_id`). Closes the question (notice action 4).")
            .body("AgentRequest").by(AN_AGENT).fail("404", NO_QUESTION).fail("409", LIFECYCLE)
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/request_finish", "question",
            "客服请求结束处理 / Agent asks to finish",
            "The serving agent (`session` + `serv_id`). Asks the customer to let the question \
            finish (notice action 3); the status does not change.")
            .body("AgentRequest").by(AN_AGENT).fail("404", NO_QUESTION).fail("409", LIFECYCLE)
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/reopen", "question",
            "客户重开问题 / Customer reopens",
            "The question's customer (`session`). A finished question goes back to its agent if \
            that agent is still active, else to the pending list (notice action 6).")
            .body("CustomerRequest").by(CUSTOMER)
            .fail("404", "3001 问题不存在 / question not found, or not the customer's")
            .fail("409", "4005 问题未结束 / only a finished question can be reopened; 4007 retry")
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/rate", "question",
            "客户评价 / Customer rates (kefu's addition)",
            "The question's customer (`session`), once the question is finished and an agent \
            served it: `score` 1 to 5 and an optional `comment` (at most 500 characters). Once \
            per question; stored as notice action 8, which carries `rating` and `text`.")
            .body("RateRequest").by(CUSTOMER)
            .fail("400", "1001 score missing; 1002 score not 1–5 or comment too long")
            .fail("404", "3001 问题不存在 / question not found, or not the customer's")
            .fail("409", "4011 not finished, or no agent served it; 4012 rated already")
            .ok(ok_body(&["message_id", "rating"], json!({ "message_id": schema_ref("Id"),
                "rating": schema_ref("Rating") }))),
        op("get", "/v1/question/{question_id}/message", "message",
            "获取问题聊天消息 / Chat history", EITHER)
            .by(BOUND).paging("message_id").fail("404", NO_QUESTION)
            .ok(list_of("messages", "Message")),
        op("post", "/v1/question/{question_id}/message/send_text", "message",
            "发送问题聊天文字消息 / Send a text message", SEND)
            .body("SendTextRequest").by(BOUND).fail("404", NO_QUESTION).fail("409", SENDING)
            .ok(message_id()),
        op("post", "/v1/question/{question_id}/message/send_image", "message",
            "发送问题聊天图片消息 / Send an image message",
            &format!("{SEND} `image` is a base64 JPEG of at most 2 MiB that decodes whole \
                (at most 8192 pixels a side, 24 megapixels); in a multipart form, a file part."))
            .body("SendImageRequest").by(BOUND).fail("404", NO_QUESTION).fail("409", SENDING)
            .fail("413", "1004 图片过大 / image or body too large")
            .ok(extend(message_id(), json!({ "image_url": url("图片url / image URL") }))),
        op("post", "/v1/question/{question_id}/message/send_audio", "message",
            "发送问题聊天语音消息 / Send an audio message",
            &format!("kefu's addition (seed 003 lists audio messages but no way to send one). \
                {SEND} `audio` is base64 AMR, MP3, AAC, M4A, OGG or WAV of at most 4 MiB."))
            .body("SendAudioRequest").by(BOUND).fail("404", NO_QUESTION).fail("409", SENDING)
            .fail("413", "1004 语音过大 / audio or body too large")
            .ok(extend(message_id(), json!({ "audio_url": url("语音url / audio URL") }))),
        op("get", "/v1/media/{tenant}/{name}", "message",
            "媒体文件 / An uploaded image or audio clip",
            "Anyone with the URL, no credential. Each upload gets a fresh random name in its \
            tenant's folder (nobody can test whether some file was ever uploaded), so a file \
            never changes: cacheable for good. Answered with `X-Content-Type-Options: nosniff`, \
            `Content-Disposition: inline` and a sandboxing Content-Security-Policy.")
            .fail("404", "3005 文件不存在 / media not found")
            .respond("200", "图片或语音 / image/jpeg or audio/*", media_types()),
        user_list("/v1/user/{user_id}/waits",
            "用户'待解决'问题列表 / A user's waiting questions", "WaitLine"),
        user_list("/v1/user/{user_id}/tasks",
            "用户'解决中'问题列表 / A user's questions being served", "ServedLine"),
        user_list("/v1/user/{user_id}/overs",
            "用户'已解决'问题列表 / A user's finished questions", "ServedLine"),
        user_list("/v1/user/{user_id}/alls",
            "用户所有问题列表 / All of a user's questions", "AnyLine"),
        op("get", "/v1/user", "user", "客服获取用户信息 / Customer profile page",
            &format!("{AGENT} An HTML page for the agent app's web view: name (用户名), \
                device count (用户设备数) and group count (用户组数) of the customer who asked \
                `question_id`."))
            .by(BOUND).query(&["question_id"])
            .fail("404", "3001 问题不存在 / question not found; 3002 用户不存在 / user not found")
            .respond("200", "用户信息页面 / the profile page",
                json!({ "text/html": { "schema": { "type": "string" } } })),
        op("get", "/v1/answer/templates", "answer", "快速回答模板列表 / Canned-reply templates",
            &format!("{AGENT} `identify` selects one app's templates."))
            .by(BOUND).query(&["identify"])
            .ok(list_of("templates", "Template")),
        op("post", "/v1/answer/templates", "answer", "新建快速回答模板 / Create a template", ADMIN)
            .body("TemplateCreateRequest").by(BOUND)
            .ok(ok_body(&["template_id", "title"], template_props())),
        op("get", "/v1/answer/template/{template_id}", "answer",
            "快速回答列表 / A template's items", AGENT)
            .by(BOUND).paging("item_id").fail("404", NO_TEMPLATE)
            .ok(list_of("items", "Item")),
        op("put", "/v1/answer/template/{template_id}", "answer",
            "重命名快速回答模板 / Rename a template", ADMIN)
            .body("TemplateTitleRequest").by(BOUND).fail("404", NO_TEMPLATE)
            .ok(ok_body(&["template_id"], json!({ "template_id": schema_ref("Id") }))),
        op("delete", "/v1/answer/template/{template_id}", "answer",
            "删除快速回答模板 / Delete a template (and its items)", ADMIN)
            .body("BoundRequest").by(BOUND).fail("404", NO_TEMPLATE)
            .ok(ok_body(&["template_id"], json!({ "template_id": schema_ref("Id") }))),
        op("post", "/v1/answer/template/{template_id}/items", "answer",
            "新建快速回答 / Add an item", ADMIN)
            .body("ItemRequest").by(BOUND).fail("404", NO_TEMPLATE)
            .ok(ok_body(&["item_id", "question", "content"], item_props())),
        op("put", "/v1/answer/item/{item_id}", "answer", "修改快速回答 / Change an item", ADMIN)
            .body("ItemRequest").by(BOUND).fail("404", NO_ITEM)
            .ok(ok_body(&["item_id", "question", "content"], item_props())),
        op("delete", "/v1/answer/item/{item_id}", "answer", "删除快速回答 / Delete an item", ADMIN)
            .body("BoundRequest").by(BOUND).fail("404", NO_ITEM)
            .ok(ok_body(&["item_id"], json!({ "item_id": schema_ref("Id") }))),
    ]
}

fn media_types() -> Value {
    let file = json!({ "schema": { "type": "string", "format": "binary" } });
    let types = "image/jpeg audio/amr audio/mpeg audio/aac audio/mp4 audio/ogg audio/wav";
    let types = types.split(' ').map(|ty| (ty.to_owned(), file.clone()));
    Value::Object(types.collect())
}

fn template_props() -> Value {
    json!({ "template_id": schema_ref("Id"), "title": string("模板标题 / template title") })
}

fn item_props() -> Value {
    json!({
        "item_id": schema_ref("Id"),
        "question": string("提问 / the question it answers"),
        "content": string("应答 / the reply"),
    })
}

/// The dialect's error codes (`V1Error.error`), with their HTTP status.
#[rustfmt::skip]
const ERROR_CODES: [(u32, &str); 30] = [
    (1001, "缺少参数 / missing parameter (400)"), (1002, "参数不合法 / invalid parameter (400)"),
    (1003, "编码错误 / not decodable (400)"), (1004, "请求或文件过大 / too large (413)"),
    (2001, "session 不存在 / unknown session (401)"), (2002, "密钥或密码错误 / wrong keys (401)"),
    (2003, "无权操作 / not allowed (403)"), (2004, "客服已停用 / agent not active (403)"),
    (2005, "登录失败次数过多 / too many failed logins (429)"),
    (3000, "接口不存在 / no such endpoint (404)"), (3001, "问题不存在 / no such question (404)"),
    (3002, "用户不存在 / no such user (404)"), (3003, "模板不存在 / no such template (404)"),
    (3004, "快速回答不存在 / no such item (404)"), (3005, "文件不存在 / no such media (404)"),
    (3006, "客服不存在 / no such agent (404)"), (3007, "方法不支持 / method not allowed (405)"),
    (4001, "已被客服接受 / already served (409)"), (4002, "问题已结束 / finished (409)"),
    (4003, "问题未开始 / not served yet (409)"), (4004, "其他客服在处理 / another agent's (409)"),
    (4005, "问题未结束 / not finished (409)"), (4006, "client_msg_id 已被使用 / used (409)"),
    (4007, "冲突, 请重试 / conflict, retry (409)"),
    (4008, "无法接收 / the agent or department cannot take it now (409)"),
    (4011, "不可评价 / only a finished question an agent served can be rated (409)"),
    (4012, "已评价 / rated already (409)"), (5000, "内部错误 / internal error (500)"),
    (5001, "存储不可用 / storage unavailable, retry later (503)"),
    (5002, "请求超时 / the request took too long, retry (503)"),
];

#[rustfmt::skip]
fn schemas() -> Value {
    let table: Vec<String> = ERROR_CODES.iter().map(|(c, m)| format!("- {c}: {m}")).collect();
    let codes: Vec<u32> = ERROR_CODES.iter().map(|(c, _)| *c).collect();
    let line = |extra| extend(object(&["question_id", "timestamp"], json!({
        "question_id": schema_ref("Id"), "timestamp": schema_ref("Timestamp") })), extra);
    let serv_id = string("该问题客服id / the (last) serving agent; \"\" before any agent");
    let agent = |required: &[&str], mut props: Value| {
        props["session"] = schema_ref("Session");
        props["serv_id"] = schema_ref("ServId");
        object(&[&["session", "serv_id"][..], required].concat(), props)
    };
    let bound = |required: &[&str], mut props: Value| {
        props["session"] = schema_ref("Session");
        props["serv_id"] = text(1, 20, "客服账号, 可选, 须为绑定的客服 / optional, must be the \
            agent bound to `session`");
        object(&[&["session"][..], required].concat(), props)
    };
    let send = |required: &[&str], mut props: Value| {
        props["session"] = schema_ref("Session");
        props["sender"] = string("发送者, 用户id或客服id / the user_id (type 1) or serv_id (2)");
        props["sender_type"] = schema_ref("SenderType");
        props["serv_id"] = text(1, 20, "客服账号, 可选, 须等于 sender / optional, = sender");
        props["client_msg_id"] = text(1, 64, "客户端消息id / idempotency key, printable ASCII");
        object(&[&["session", "sender", "sender_type"][..], required].concat(), props)
    };
    let title = text(1, 100, "模板标题 / template title");
    let item = json!({ "question": text(1, 500, "提问 / the question it answers"),
        "content": text(1, 5000, "应答 / the reply") });
    let message = |kind: u8, extra| extend(object(&["message_id", "sender", "sender_type",
        "timestamp", "type"], json!({
        "message_id": schema_ref("Id"), "sender": string("发送者id / user_id or serv_id"),
        "sender_type": schema_ref("SenderType"), "timestamp": schema_ref("Timestamp"),
        "type": { "type": "integer", "enum": [kind],
            "description": "1 语音 audio, 2 图片 image, 3 文本 text, 4 通知 notice" } })), extra);
    let seconds = json!({ "type": "integer", "minimum": 1, "maximum": 600,
        "description": "语音长度(秒) / length in seconds" });
    json!({
        "V1Error": object(&["status", "error", "debug"], json!({
            "status": { "type": "integer", "enum": [300] },
            "error": { "type": "integer", "enum": codes,
                "description": format!("错误代码 / error code:\n{}", table.join("\n")) },
            "field": string("错误字段 / the parameter at fault, when there is one"),
            "debug": string("具体错误原因 / the reason, for people"),
        })),
        "Session": { "type": "string", "pattern": "^(.{12}|.{43})$",
            "description": "用户session / 12 characters, issued by POST /v1/session; or a \
                seed 001 customer token (43 characters, from connect or client_connect)" },
        "ServId": text(1, 20, "客服账号 / agent account"),
        "Identify": text(1, 80, "APP包名 / app package name"),
        "Id": { "type": "string", "minLength": 24, "maxLength": 24, "pattern": "^[0-9a-fA-F]{24}$",
            "description": "24位id / 24-character hex id, time-ordered" },
        "Timestamp": { "type": "number", "format": "double",
            "description": "Unix 时间戳(秒) / Unix time in seconds" },
        "SenderType": { "type": "integer", "enum": [1, 2],
            "description": "发送者类型 / sender type: 1 用户 customer, 2 客服 agent" },
        "QuestionStatus": { "type": "integer", "enum": [1, 2, 3],
            "description": "问题状态 / 1 待解决 waiting, 2 解决中 serving, 3 已解决 finished" },
        "QuestionLine": line(json!({
            "user_id": string("提问用户 / the asking user's id"),
            "user_image_url": string("用户头像url / avatar URL, may be empty"),
            "user_name": string("用户昵称 / nickname"),
            "title": string("问题标题 / title"),
            "last_mess_text": string("最后一次聊天消息内容 / the last chat message: its \
                text, [语音] or [图片]; \"\" before the first one"),
            "last_mess_timestamp": { "type": "number", "format": "double",
                "description": "最后一次聊天消息时间戳 / its time; the question's own \
                `timestamp` before the first one" },
            "last_mess_sender": string("最后一次聊天消息发送者 / its sender's id; \"\" before \
                the first one"),
            "last_mess_sender_type": { "type": "integer", "enum": [0, 1, 2],
                "description": "发送者类型 / its sender type: 1 用户 customer, 2 客服 agent; 0 \
                before the first one" },
        })),
        "WaitLine": line(json!({})),
        "ServedLine": line(json!({ "serv_id": serv_id })),
        "AnyLine": line(json!({ "status": schema_ref("QuestionStatus"), "serv_id": serv_id })),
        "Message": {
            "oneOf": (["AudioMessage", "ImageMessage", "TextMessage", "NoticeMessage"]
                .map(schema_ref)),
            "description": "消息, 按 type 区分 / a message, shaped by its `type`",
        },
        "AudioMessage": message(1, json!({ "audio_url": url("语音url / audio URL"),
            "audio_len": seconds })),
        "ImageMessage": message(2, json!({ "image_url": url("图片url / image URL") })),
        "TextMessage": message(3, json!({ "text": string("文本内容 / the text") })),
        // `rating` and `text` come with action 8 only: added after `extend`,
        // which makes what it adds required.
        "NoticeMessage": with_optional(message(4, json!({ "action": { "type": "integer",
            "enum": [1, 2, 3, 4, 5, 6, 7, 8], "description": "动作类型 / action: 1 客服开始处理 \
            agent started, 2 客服退出处理 agent quit, 3 客服请求结束处理 finish requested, 4 本问题\
            已完成处理 finished, 5 本问题已超时 timed out, 6 用户重开问题 reopened, 7 转接 \
            transferred, 8 客户评价 rated (7 and 8 are kefu's additions)" } })), json!({
            "rating": { "type": "integer", "minimum": 1, "maximum": 5,
                "description": "action 8 only: the score" },
            "text": string("action 8 only: the customer's comment, or \"\"") })),
        "Rating": object(&["score", "comment", "created_at"], json!({
            "score": { "type": "integer", "minimum": 1, "maximum": 5 },
            "comment": string("评价内容 / the comment, or \"\""),
            "created_at": { "type": "number", "description": "Unix seconds" } })),
        "RateRequest": object(&["session", "score"], json!({
            "session": schema_ref("Session"),
            "score": { "type": "integer", "minimum": 1, "maximum": 5, "description": "1 to 5 星" },
            "comment": text(0, 500, "评价内容 / optional comment") })),
        "Template": object(&["template_id", "title"], template_props()),
        "Item": object(&["item_id", "question", "content"], item_props()),
        "SessionRequest": object(&["api_key", "secret_key", "user_id"], json!({
            "api_key": string("租户 api_key / the tenant's api_key"),
            "secret_key": string("租户 secret_key / the tenant's secret_key"),
            "user_id": text(1, 64, "用户id / the tenant's id for the user"),
            "name": text(0, 64, "用户昵称 / nickname"),
            "avatar": text(0, 512, "用户头像url / avatar URL: an http:// or https:// link"),
            "identify": schema_ref("Identify"),
        })),
        "BindRequest": agent(&["password"], json!({
            "password": text(1, 20, "客服密码 / password") })),
        "AgentRequest": agent(&[], json!({})),
        "CustomerRequest": object(&["session"], json!({ "session": schema_ref("Session") })),
        "AskRequest": object(&["session"], json!({
            "session": schema_ref("Session"),
            "title": text(0, 200, "问题标题 / title"),
            "label": string("问题标签列表字符串 / labels as a JSON list, \
                e.g. '[\"激活\",\"安卓4.3\"]': \
                at most 10, each 1 to 32 characters (a JSON body may send the list itself)"),
        })),
        "SendTextRequest": send(&["text"], json!({
            "text": text(1, 5000, "utf8字符串 / the text, not blank") })),
        "SendImageRequest": send(&["image"], json!({ "image": { "type": "string",
            "format": "byte", "description": "jpg格式图片base64字符串 / base64 JPEG, at most \
            2 MiB decoded; a `data:` URL prefix is accepted" } })),
        "SendAudioRequest": send(&["audio", "audio_len"], json!({ "audio": { "type": "string",
            "format": "byte", "description": "base64 语音 / base64 AMR, MP3, AAC, M4A, OGG or \
            WAV, at most 4 MiB decoded" }, "audio_len": seconds })),
        "BoundRequest": bound(&[], json!({})),
        "TemplateCreateRequest": bound(&["title"], json!({ "title": title,
            "identify": schema_ref("Identify") })),
        "TemplateTitleRequest": bound(&["title"], json!({ "title": title })),
        "ItemRequest": bound(&["question", "content"], item),
    })
}

#[rustfmt::skip]
fn parameters() -> Value {
    let query = |name: &str, required: bool, schema: Value, description: &str| json!({
        "name": name, "in": "query", "required": required, "schema": schema,
        "description": description });
    let path = |name: &str, schema: Value, description: &str| json!({
        "name": name, "in": "path", "required": true, "schema": schema,
        "description": description });
    let cursor = |name| query(name, false, schema_ref("Id"),
        "前一页最后一条的id / last id of the previous page; when given, `page` is ignored");
    json!({
        "page": query("page", false, json!({ "type": "integer", "minimum": 0, "maximum": 50,
            "default": 0 }), "页数 / page number"),
        "num": query("num", false, json!({ "type": "integer", "minimum": 1, "maximum": 50,
            "default": 20 }), "每页数目 / items per page"),
        "sort": query("sort", false, json!({ "type": "integer", "enum": [1, -1], "default": -1 }),
            "获取顺序, 默认是倒序-1 / 1 oldest first, -1 newest first (default)"),
        "cursor_question_id": cursor("question_id"),
        "ws_session": query("session", false, json!({ "type": "string", "minLength": 12,
            "maxLength": 43 }), "用户或客服的session / the session of a customer or agent \
            (or `Authorization: Bearer`)"),
        "ws_serv_id": query("serv_id", false, json!({ "type": "string" }),
            "客服账号, 可选 / optional: the agent bound to the session (must match)"),
        "ws_cursor": query("cursor", false, json!({ "type": "string", "pattern": "^[0-9]+$" }),
            "上次收到的最后一个事件的cursor / the cursor of the last event received: replay \
            what was stored after it"),
        "cursor_message_id": cursor("message_id"),
        "cursor_item_id": cursor("item_id"),
        "identify": query("identify", false, schema_ref("Identify"), "APP包名 / app package name"),
        "label": query("label", false, json!({ "type": "string", "minLength": 1, "maxLength": 32 }),
            "筛选问题标签 / only questions with this label"),
        "session": query("session", true, schema_ref("Session"), "用户session / the caller"),
        "serv_id_optional": query("serv_id", false, schema_ref("ServId"),
            "客服账号, 可选 / optional: when given, it must name the agent bound to `session`"),
        "question_id": query("question_id", true, schema_ref("Id"), "问题ID / question id"),
        "path_question_id": path("question_id", schema_ref("Id"), "问题id / question id"),
        "path_serv_id": path("serv_id", schema_ref("ServId"), "客服账号 / whose tasks to list"),
        "path_user_id": path("user_id", text(1, 64, "用户id / user id"), "用户id / user id"),
        "path_template_id": path("template_id", schema_ref("Id"), "模板id / template id"),
        "path_item_id": path("item_id", schema_ref("Id"), "快速回答id / item id"),
        "path_tenant": path("tenant", json!({ "type": "string", "pattern": "^[1-9][0-9]*$" }),
            "租户 / the tenant's folder in image_url or audio_url"),
        "path_name": path("name", json!({ "type": "string",
            "pattern": "^[A-Za-z0-9]{32}\\.(jpg|amr|mp3|aac|m4a|ogg|wav)$" }),
            "文件名 / the file name in image_url or audio_url"),
    })
}
