//! The customer IM dialect (seed 001, `/customers` and `/admin/access_token`)
//! in the OpenAPI document: its operations, and the tags and components they
//! use, which [`super::document`] merges into the whole. docs/api/customers.md
//! is the reference for people; the two say the same things.

use serde_json::{json, Value};

use super::{object, op, schema_ref, string, text, url, Op};

pub const INTRO: &str = "Customer IM dialect (seed 001) under `/customers`, plus \
`POST /admin/access_token`. The enterprise's backend trades the tenant's `api_key` and \
`secret_key` for an access token (43 characters, valid `expires_in` seconds) and connects its \
users with it (`connect`); a web visitor connects with the public `api_key` alone \
(`client_connect`). Both answer a customer `token` (43 characters) for `history_message`, \
`shutdown_service` and `Transfer`; that token is also a seed 003 `session`, and `rid` is a \
seed 003 `question_id`. Tokens travel in the `Authorization` header, bare as the seed shows or \
after `Bearer `. Parameters come as a form (as the seed says: \
`application/x-www-form-urlencoded` or `multipart/form-data`), a JSON object, or the query \
string (the body wins). Conversations are pushed to agents \
(see docs/api/customers.md, Routing). Errors are `{status, message}` (schema `CustomerError`): \
`status` is a short string such as the seed's \"params invalid\" and \"unauthorized\".";

/// The tags of this dialect's operations.
#[rustfmt::skip]
pub const TAGS: [(&str, &str); 3] = [
    ("access_token", "企业后台令牌 / the enterprise backend's access token (kefu's addition)"),
    ("customers", "客户连接 / connecting customers and web visitors"),
    ("rooms", "会话 / a customer's conversation: history, shutdown, transfer"),
];

/// Who may call, said first in each description, and the security scheme.
struct Caller {
    says: &'static str,
    scheme: Option<&'static str>,
}

const BACKEND: Caller = Caller {
    says: "调用者 / caller: 企业后台 (the enterprise's backend), header `Authorization: \
        <access_token>` from `POST /admin/access_token` (`Bearer <access_token>` works too).",
    scheme: Some("accessToken"),
};
const CUSTOMER: Caller = Caller {
    says: "调用者 / caller: 客户 (the customer), header `Authorization: <token>` with the \
        `token` that `connect` or `client_connect` answered (`Bearer <token>` works too).",
    scheme: Some("customerToken"),
};
const KEYS: Caller = Caller {
    says: "调用者 / caller: 企业后台 (the enterprise's backend) with the tenant's `api_key` and \
        `secret_key`: server-side credentials, never ship them in a web page or an app.",
    scheme: None,
};
const VISITOR: Caller = Caller {
    says: "调用者 / caller: anyone holding the tenant's public `api_key` (a web page's chat \
        widget); no header.",
    scheme: None,
};

const BAD_FORM: &str = "the body is neither a URL-encoded form nor a JSON object";
const NO_ACCESS: &str = "the Authorization header is missing, or its access token is unknown \
or expired (a customer token is not an access token)";
const NO_TOKEN: &str = "the Authorization header is missing, or its token is unknown (an \
access token is not a customer token)";

/// An operation of the dialect, its caller first in the description.
fn call(
    method: &'static str,
    path: &'static str,
    tag: &str,
    summary: &str,
    who: &Caller,
    about: &str,
) -> Op {
    let mut o = op(method, path, tag, summary, &format!("{} {about}", who.says));
    if let Some(scheme) = who.scheme {
        o.v["security"] = json!([{ scheme: [] }]);
    }
    o.refused(
        "5XX",
        &["internal error"],
        "服务器错误 / the server or its storage failed (500); retry later",
        json!({ "status": "internal error", "message": "storage failed" }),
    )
}

impl Op {
    /// An error answer with the `{status, message}` body, `status` one of
    /// `statuses`. Every 401 carries `WWW-Authenticate: Bearer`.
    fn refused(mut self, code: &str, statuses: &[&str], when: &str, example: Value) -> Self {
        let only = json!({ "type": "object", "properties": { "status": { "enum": statuses } } });
        let schema = json!({ "allOf": [schema_ref("CustomerError"), only] });
        let listed: Vec<String> = statuses.iter().map(|s| format!("\"{s}\"")).collect();
        self.v["responses"][code] = json!({
            "description": format!("{}: {when}", listed.join(", ")),
            "content": { "application/json": { "schema": schema, "example": example } },
        });
        if code == "401" {
            self.v["responses"][code]["headers"] = json!({ "WWW-Authenticate": {
                "schema": { "type": "string", "enum": ["Bearer"] },
                "description": "always `Bearer`" } });
        }
        self
    }

    /// 400 for `when`, and 413 for a body over 2 MiB.
    fn params(self, when: &str, example: Value) -> Self {
        let large = json!({ "status": "params invalid",
            "message": "the request body is too large" });
        self.refused(
            "400",
            &["params invalid"],
            &format!("{when}; {BAD_FORM}"),
            example,
        )
        .refused(
            "413",
            &["params invalid"],
            "the body is larger than 2 MiB",
            large,
        )
    }

    /// 401: the credential is missing or wrong.
    fn unauthorized(self, when: &str, message: &str) -> Self {
        let example = json!({ "status": "unauthorized", "message": message });
        self.refused("401", &["unauthorized"], when, example)
    }

    /// 404: a conversation that is not the caller's.
    fn not_yours(self) -> Self {
        self.refused(
            "404",
            &["not found"],
            "no such room: unknown, or another customer's",
            json!({ "status": "not found", "message": "no such room" }),
        )
    }

    /// A form body (as the seed sends it, and the same fields as JSON).
    fn form(mut self, schema: &str, example: Value) -> Self {
        let media = json!({ "schema": schema_ref(schema), "example": example });
        self.v["requestBody"] = json!({ "required": true, "content": {
            "application/x-www-form-urlencoded": media, "multipart/form-data": media,
            "application/json": media } });
        self
    }

    fn returns(self, schema: Value, example: Value) -> Self {
        let content = json!({ "application/json": { "schema": schema, "example": example } });
        self.respond("200", "成功 / success", content)
    }
}

#[rustfmt::skip]
pub fn operations() -> Vec<Op> {
    let unknown_token = "the token is unknown or expired";
    vec![
        call("post", "/admin/access_token", "access_token",
            "获取access_token / Issue an access token (kefu's addition)", &KEYS,
            "The seed's other calls need an \"access_token from admin api\" and name no way to \
            get one; this is it. The token is 43 letters and digits, stored hashed, and valid \
            for `expires_in` seconds (tenant setting `access_token_ttl`, default 7200). Ask for \
            a new one before it expires; earlier ones stay valid until their own expiry.")
            .form("AccessTokenRequest", json!({ "api_key": "ak_3f9c2e71b8d44a0e",
                "secret_key": "sk_8d1f0b6a5c2e4f7a9b3d" }))
            .params("api_key or secret_key is missing", json!({ "status": "params invalid",
                "message": "api_key is required" }))
            .unauthorized("wrong api_key or secret_key", "wrong api_key or secret_key")
            .refused("429", &["too many requests"], "too many wrong secret_keys from this \
                address; retry later", json!({ "status": "too many requests",
                "message": "too many failed attempts; retry in 598 seconds" }))
            .returns(schema_ref("AccessToken"), json!({
                "access_token": "i1BYsLaVNJ3ji4JNmCAN3R3vWY2DuTr2TKqrXaj4anM",
                "expires_in": 7200 })),
        call("get", "/customers/auth_ping", "customers",
            "验证access_token / Auth ping", &BACKEND,
            "Answers the JSON string \"pong\" while the access token is valid.")
            .unauthorized(NO_ACCESS, unknown_token)
            .returns(json!({ "type": "string", "enum": ["pong"] }), json!("pong")),
        call("post", "/customers/connect", "customers",
            "连接客服 / Connect a customer", &BACKEND,
            "Creates a customer named `name` (its account, `username`, is the name followed by \
            a UUID; no password: the customer acts with `token` only), opens a conversation \
            (`rid`) and routes it: to an agent at once (`agent_id`, `wait` 0) or into the \
            queue (`agent_id` \"\", `wait` its place, 1 = next). `department_id` routes it \
            among that department's agents only. `agent_id` and `wait` are kefu's additions, \
            as `client_connect` answers them.")
            .form("ConnectRequest", json!({ "name": "suzhouxiaofangshuan",
                "department_id": "3" }))
            .params("name missing or longer than 64 characters; department_id not a \
                department of the tenant", json!({ "status": "params invalid",
                "message": "name is required" }))
            .unauthorized(NO_ACCESS, unknown_token)
            .returns(schema_ref("Connected"), connected_example()),
        call("post", "/customers/client_connect", "customers",
            "客户连接 / Visitor connect", &VISITOR,
            "Without `group_id`: a new anonymous visitor (`customer_name` 访客 and six letters \
            or digits) and a new conversation, routed as `connect` routes. With the `group_id` \
            (`rid`) of an unfinished conversation and its customer's own `token` (the header \
            `Authorization: <token>`, or the form field `token`): that conversation again, \
            under the same token; `department_id` is then ignored. A `group_id` without a \
            token is 401: a rid and the public api_key never open a conversation. A \
            `group_id` that is unknown, finished, another tenant's or another customer's \
            starts a new visitor and conversation.")
            .form("ClientConnectRequest", json!({ "api_key": "ak_3f9c2e71b8d44a0e",
                "group_id": "0190a3c4e5f60000a1b2c3d4", "department_id": "3" }))
            .params("api_key missing; group_id not 24 hex characters; department_id not a \
                department of the tenant", json!({ "status": "params invalid",
                "message": "group_id must be a room id (rid)" }))
            .unauthorized("unknown api_key; a group_id without the visitor's token, or with \
                an unknown one", "resuming a conversation (group_id) takes the visitor's token")
            .returns(schema_ref("Visit"), visit_example("", 2, "访客k3J9sQ", "默认")),
        call("get", "/customers/history_message", "rooms",
            "客户查看聊天历史 / History messages", &CUSTOMER,
            "The conversation's messages in seed 003's shape and paging: `page` 0–50, `num` \
            1–50 (default 20), `message_id` (the last id of the previous page; wins over \
            `page`), `sort` -1 newest first (default) or 1 oldest first. The parameters may \
            also come as a form body, as the seed shows them. After `shutdown_service` the \
            list is empty unless the tenant keeps transcripts.")
            .query(&["room_id", "page", "num", "cursor_message_id", "sort"])
            .params("room_id missing or not 24 hex characters; page, num, message_id or sort \
                out of range", json!({ "status": "params invalid",
                "message": "room_id is required" }))
            .unauthorized(NO_TOKEN, unknown_token)
            .not_yours()
            .returns(schema_ref("History"), json!({ "status": "success",
                "room_id": "0190a3c4e5f60000a1b2c3d4", "messages": [
                    { "message_id": "0190a3c5a1b20000a1b2c3d4", "sender": "zhangsan",
                        "sender_type": 2, "timestamp": 1_719_900_123.456, "type": 3,
                        "text": "您好，请问有什么可以帮您？" },
                    { "message_id": "0190a3c4e5f70000a1b2c3d4", "sender": "zhangsan",
                        "sender_type": 2, "timestamp": 1_719_900_100.25, "type": 4,
                        "action": 1 }] })),
        call("post", "/customers/shutdown_service", "rooms",
            "关闭会话 / Shut down the conversation", &CUSTOMER,
            "The customer finishes its conversation (notice action 4, sender the customer's \
            `user_id`), then its messages are deleted (注意不会保留历史记录) unless the tenant \
            setting `keep_transcripts` is true. The conversation itself stays, finished: \
            agents still see it in seed 003 lists. Repeating the call on a finished \
            conversation answers success again.")
            .form("ShutdownRequest", json!({ "group_id": "0190a3c4e5f60000a1b2c3d4" }))
            .params("group_id missing or not 24 hex characters", json!({
                "status": "params invalid", "message": "group_id is required" }))
            .unauthorized(NO_TOKEN, unknown_token)
            .not_yours()
            .refused("409", &["conflict"], "the conversation kept changing meanwhile; retry",
                json!({ "status": "conflict",
                    "message": "the question kept changing; retry" }))
            .returns(schema_ref("CustomerSuccess"), json!({ "status": "success" })),
        transfer("/customers/Transfer", "转接客服 / Transfer",
            "The path as the seed capitalises it; `/customers/transfer` is the same call."),
        transfer("/customers/transfer", "转接客服 / Transfer (lowercase path)",
            "kefu's addition: the seed's `/customers/Transfer` in lowercase, for clients that \
            lowercase paths."),
    ]
}

/// `Transfer`, served at two paths.
#[rustfmt::skip]
fn transfer(path: &'static str, summary: &str, which: &str) -> Op {
    call("post", path, "rooms", summary, &CUSTOMER, &format!("{which} Moves the \
        conversation to `agent_id` (an agent's account, or its numeric sId) or, without \
        `agent_id`, to whoever the tenant's routing strategy picks among the available agents \
        of `department_id` other than the current one. With both, `agent_id` wins and \
        `department_id` becomes the conversation's department. The agent must be active, have \
        the accepting online-chat status, be on duty and have room. The conversation is \
        served by the new agent at once, history kept; notice action 7 is recorded with the \
        customer as sender (`user_id`, sender_type 1). Answers as `client_connect`, with the \
        caller's own `token`. A waiting conversation may be transferred too."))
        .form("TransferRequest", json!({ "group_id": "0190a3c4e5f60000a1b2c3d4",
            "agent_id": "lisi", "department_id": "5" }))
        .params("group_id missing or malformed; neither agent_id nor department_id given; \
            agent_id longer than 64 characters; department_id not a department of the \
            tenant", json!({ "status": "params invalid",
                "message": "agent_id or department_id is required" }))
        .unauthorized(NO_TOKEN, "the token is unknown or expired")
        .refused("404", &["not found"], "no such agent (unknown, purged, or another \
            tenant's), or no such room (unknown, or another customer's)",
            json!({ "status": "not found", "message": "no such agent" }))
        .refused("409", &["agent unavailable", "conflict", "finished"], "\"agent unavailable\": \
            the named agent is in the recycle bin, not in the accepting status, off duty or \
            full, or nobody in the department is available; \"conflict\": the named agent \
            already serves it, or it kept changing meanwhile (retry); \"finished\": the \
            conversation is finished",
            json!({ "status": "agent unavailable",
                "message": "the agent is not accepting chats" }))
        .returns(schema_ref("Visit"), visit_example("lisi", 0, "访客k3J9sQ", "售前"))
}

fn connected_example() -> Value {
    json!({
        "base": "https://chat.esheeps.com",
        "config": {},
        "im": {
            "_id": "0190a3c4e5f50000a1b2c3d4",
            "type": "user",
            "status": "online",
            "active": true,
            "name": "suzhouxiaofangshuan",
            "utcOffset": 8,
            "username": "suzhouxiaofangshuan8009bf1c-5fea-4221-b19a-fd4278fcb06f",
        },
        "rid": "0190a3c4e5f60000a1b2c3d4",
        "token": "qoCA9uHhlkGrSBBXtiTIZAVIGQ2OaMNJ1zlYAQVlsRl",
        "agent_id": "zhangsan",
        "wait": 0,
    })
}

fn visit_example(agent: &str, wait: i64, customer: &str, department: &str) -> Value {
    let rid = "0190a3c4e5f60000a1b2c3d4";
    json!({
        "agent_id": agent,
        "base": "https://chat.esheeps.com",
        "config": {},
        "customer_name": customer,
        "group_name": format!("{department}_{customer}_{rid}"),
        "id": "0190a3c4e5f50000a1b2c3d4",
        "rid": rid,
        "status": "success",
        "template": "",
        "timeout": 200,
        "token": "KQkPB3YqsKA6toH4mpHxL1QsZmSbTdqrTKU27ogBE3Q",
        "user_id": "62908c52-036f-4a98-967e-dd08fde88050",
        "wait": wait,
    })
}

#[rustfmt::skip]
pub fn schemas() -> Value {
    let statuses = ["params invalid", "unauthorized", "not found", "agent unavailable",
        "conflict", "finished", "too many requests", "internal error"];
    let success = || json!({ "type": "string", "enum": ["success"] });
    let agent_id = string("服务客服 / the serving agent's account (seed 003 serv_id, seed 002 \
        sPassportName); \"\" while the conversation waits (kefu's addition in connect)");
    let wait = json!({ "type": "integer", "minimum": 0, "description": "排队位置 / the place \
        in its department's queue, 1 = next; 0 when an agent serves it (kefu's addition in \
        connect)" });
    let base = url("客服系统地址 / where customers reach the server: the tenant setting `base`, \
        else the server's public URL");
    let config = json!({ "type": "object", "description": "组件配置 / the tenant setting \
        `config`, a JSON object (default {})" });
    json!({
        "CustomerError": object(&["status", "message"], json!({
            "status": { "type": "string", "enum": statuses, "description": "错误 / what went \
                wrong: params invalid (400, 413), unauthorized (401), not found (404), agent \
                unavailable, conflict or finished (409), too many requests (429), internal \
                error (500)" },
            "message": string("the reason, for people"),
        })),
        "CustomerToken": { "type": "string", "pattern": "^[A-Za-z0-9]{43}$",
            "description": "客服系统的token / the customer's token: 43 letters and digits, \
                stored hashed, never expires; also a seed 003 `session`" },
        "RoomId": { "type": "string", "pattern": "^[0-9a-fA-F]{24}$",
            "description": "房间号 / a conversation id (`rid`; the seed also calls it \
                `group_id` and `room_id`), 24 hex characters; a seed 003 `question_id`" },
        "DepartmentId": { "description": "部门id / a department of the tenant (a seed 002 \
            groupId), as text or a number",
            "oneOf": [{ "type": "string", "pattern": "^[1-9][0-9]*$" },
                { "type": "integer", "minimum": 1 }] },
        "AccessTokenRequest": object(&["api_key", "secret_key"], json!({
            "api_key": string("租户 api_key / the tenant's api_key"),
            "secret_key": string("租户 secret_key / the tenant's secret_key"),
        })),
        "AccessToken": object(&["access_token", "expires_in"], json!({
            "access_token": { "type": "string", "pattern": "^[A-Za-z0-9]{43}$",
                "description": "43 letters and digits; send it as `Authorization`" },
            "expires_in": { "type": "integer", "minimum": 1, "maximum": 2_592_000,
                "description": "seconds it stays valid (setting access_token_ttl)" },
        })),
        "ConnectRequest": object(&["name"], json!({
            "name": text(1, 64, "客户名字 / the customer's name (the seed: 名字加管理员id作为客户\
                账号; kefu adds a UUID instead, and sets no password)"),
            "department_id": schema_ref("DepartmentId"),
        })),
        "ClientConnectRequest": object(&["api_key"], json!({
            "api_key": string("租户 api_key / the tenant's public api_key"),
            "group_id": schema_ref("RoomId"),
            "token": string("访客token / the visitor's own token, to resume `group_id` (or \
                send it in `Authorization`)"),
            "department_id": schema_ref("DepartmentId"),
        })),
        "ShutdownRequest": object(&["group_id"], json!({ "group_id": schema_ref("RoomId") })),
        "TransferRequest": object(&["group_id"], json!({
            "group_id": schema_ref("RoomId"),
            "agent_id": text(1, 64, "客服 / an agent's account (sPassportName, seed 003 \
                serv_id) or its numeric sId; wins over department_id"),
            "department_id": schema_ref("DepartmentId"),
        })),
        "Connected": object(&["base", "config", "im", "rid", "token", "agent_id", "wait"],
            json!({
            "base": base.clone(), "config": config.clone(),
            "im": object(&["_id", "type", "status", "active", "name", "utcOffset", "username"],
                json!({
                "_id": { "type": "string", "pattern": "^[0-9a-f]{24}$",
                    "description": "客户id / the customer's id" },
                "type": { "type": "string", "enum": ["user"] },
                "status": { "type": "string", "enum": ["online"],
                    "description": "the customer just connected" },
                "active": { "type": "boolean", "enum": [true] },
                "name": string("客户名字 / the name sent"),
                "utcOffset": { "type": "number", "description": "the tenant's time zone, \
                    hours east of UTC (settings utc_offset, default 8)" },
                "username": string("账户名 / the name followed by a UUID; the customer's \
                    user_id in seed 003"),
            })),
            "rid": schema_ref("RoomId"),
            "token": schema_ref("CustomerToken"),
            "agent_id": agent_id.clone(),
            "wait": wait.clone(),
        })),
        "Visit": object(&["agent_id", "base", "config", "customer_name", "group_name", "id",
            "rid", "status", "template", "timeout", "token", "user_id", "wait"], json!({
            "agent_id": agent_id, "base": base, "config": config,
            "customer_name": string("客户名字 / 访客 and 6 letters or digits for a visitor; \
                the name sent to connect otherwise"),
            "group_name": string("{department name, or default}_{customer_name}_{rid}"),
            "id": { "type": "string", "pattern": "^[0-9a-f]{24}$",
                "description": "客户id / the customer's id" },
            "rid": schema_ref("RoomId"),
            "status": success(),
            "template": string("欢迎语 / the tenant setting `template` (default \"\")"),
            "timeout": { "type": "integer", "minimum": 0, "description": "seconds a \
                conversation may wait for an agent before it is finished (setting timeout, \
                default 200; 0 never)" },
            "token": schema_ref("CustomerToken"),
            "user_id": string("用户id / a UUID for a visitor; the connect username otherwise; \
                the sender of the customer's messages"),
            "wait": wait,
        })),
        "History": object(&["status", "room_id", "messages"], json!({
            "status": success(),
            "room_id": schema_ref("RoomId"),
            "messages": { "type": "array", "items": schema_ref("Message"),
                "description": "seed 003 messages, notices included" },
        })),
        "CustomerSuccess": object(&["status"], json!({ "status": success() })),
    })
}

#[rustfmt::skip]
pub fn parameters() -> Value {
    json!({
        "room_id": { "name": "room_id", "in": "query", "required": true,
            "schema": schema_ref("RoomId"), "description": "房间号 / the conversation (`rid`); \
                may come in a form body instead" },
    })
}

#[rustfmt::skip]
pub fn security_schemes() -> Value {
    let scheme = |description: &str| json!({ "type": "apiKey", "in": "header",
        "name": "Authorization", "description": description });
    json!({
        "accessToken": scheme("access_token from admin api: the token `POST \
            /admin/access_token` answered, bare or after `Bearer `. 43 characters, valid \
            `expires_in` seconds. Missing, unknown or expired: 401."),
        "customerToken": scheme("token: the customer token `connect` or `client_connect` \
            answered, bare or after `Bearer `. 43 characters; it does not expire and also works \
            as a seed 003 `session`. Missing or unknown: 401."),
    })
}
