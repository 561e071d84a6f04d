//! The agent console's calls (kefu's additions under `/v1`,
//! docs/api/console.md) in the OpenAPI document.

use serde_json::{json, Value};

use super::{object, ok_body, op, schema_ref, string, text, Op, BOUND, NO_QUESTION};

/// The tags of these operations.
#[rustfmt::skip]
pub const TAGS: [(&str, &str); 1] = [
    ("console", "客服工作台 / the agent console's calls (kefu's addition, docs/api/console.md)"),
];

const ME: &str = "The agent's online-chat status (module 2), the tenant's status names and \
the one that takes conversations.";

#[rustfmt::skip]
pub fn operations() -> Vec<Op> {
    vec![
        op("post", "/v1/console/login", "console", "客服登录 / Agent signs in",
            "Anyone, with an agent's `account` and `password` (accounts are unique on the \
            server). Answers a new seed 003 session bound to the agent. Failures count in the \
            login throttle of `serv/bind` and the administration API.")
            .body("ConsoleLogin").v1()
            .fail("401", "2002 账号或密码错误 / wrong account or password")
            .fail("403", "2004 客服已停用 / agent not active")
            .fail("429", "2005 失败次数过多 / too many failures, retry later")
            .ok(ok_body(&["session", "serv_id", "name", "is_admin"], json!({
                "session": schema_ref("Session"), "serv_id": schema_ref("ServId"),
                "name": string("客服名称 / the agent's name"),
                "is_admin": { "type": "boolean" } }))),
        op("post", "/v1/console/logout", "console", "客服退出 / Agent signs out",
            "The agent's bound `session` (or `Authorization: Bearer`). The session ends for \
            good; its sockets close with 4001.")
            .body("BoundRequest").by(BOUND).ok(ok_body(&[], json!({}))),
        op("get", "/v1/console/me", "console", "当前客服 / The signed-in agent", ME)
            .by(BOUND).ok(me()),
        op("put", "/v1/console/status", "console", "修改自己的在线状态 / Set own status",
            "The agent's bound `session`: `state`, one of the tenant's module 2 names. Every \
            agent gets `agent_status`; an agent who starts accepting gets waiting conversations.")
            .body("StatusRequest").by(BOUND).ok(me()),
        op("get", "/v1/console/agents", "console", "可转接的客服 / Colleagues and departments",
            "Any agent (its bound `session`): the tenant's active agents with status and load, \
            and its departments.")
            .by(BOUND).ok(ok_body(&["agents", "departments"], json!({
                "agents": { "type": "array", "items": object(&[], json!({
                    "serv_id": schema_ref("ServId"), "name": string("客服名称 / name"),
                    "state": string("在线状态 / online-chat status"),
                    "accepting": { "type": "boolean", "description": "whether the status takes conversations" },
                    "serving": { "type": "integer", "description": "conversations served now" },
                    "max_chats": { "type": "integer" },
                    "departments": { "type": "array", "items": { "type": "integer" } } })) },
                "departments": { "type": "array", "items": object(&["id", "name"], json!({
                    "id": { "type": "integer" }, "name": string("部门名称 / name") })) } }))),
        op("get", "/v1/question/{question_id}", "console", "问题详情 / One question",
            "The question's customer (`session`) or any agent of the tenant: the question with \
            its customer and serving agent (`\"\"` before one).")
            .by(BOUND).fail("404", NO_QUESTION)
            .ok(ok_body(&["question_id", "status_code", "serv_id", "serv_name"], json!({
                "question_id": schema_ref("Id"), "title": string("标题 / title"),
                "label": { "type": "array", "items": { "type": "string" } },
                "status_code": schema_ref("QuestionStatus"),
                "timestamp": { "type": "number" }, "identify": string("APP包名 / app, or \"\""),
                "user_id": string("用户id / user id"), "user_name": string("用户名 / name"),
                "user_image_url": string("头像 / avatar URL, or \"\""),
                "serv_id": string("客服账号 / serving agent, or \"\""),
                "serv_name": string("客服名称 / its name, or \"\""),
                "rating": { "oneOf": [schema_ref("Rating"), { "type": "null" }],
                    "description": "the customer's rating once it rated, else null" } }))),
        op("post", "/v1/question/{question_id}/transfer", "console", "转接 / Agent transfers",
            "The serving agent: to `agent_id` (an account) or to `department_id` (the routing \
            strategy picks an available agent there). Notice action 7 to both sides.")
            .body("TransferRequest").by(BOUND).fail("404", NO_QUESTION)
            .fail("409", "4002 问题已结束 / finished; 4003 未开始 / not served; 4004 其他客服在处理 / \
                served by another agent; 4008 客服不可接待 / the agent (or department) is not \
                available")
            .ok(ok_body(&["serv_id"], json!({ "serv_id": schema_ref("ServId") }))),
    ]
}

fn me() -> Value {
    ok_body(
        &[
            "serv_id",
            "name",
            "is_admin",
            "state",
            "accepting",
            "states",
            "accepting_state",
            "tenant",
        ],
        json!({
        "serv_id": schema_ref("ServId"), "name": string("客服名称 / name"),
        "is_admin": { "type": "boolean" }, "state": string("在线状态 / online-chat status"),
        "accepting": { "type": "boolean" },
        "states": { "type": "array", "items": { "type": "string" } },
        "accepting_state": string("接待状态 / the status that takes conversations"),
        "tenant": string("企业名称 / tenant name") }),
    )
}

#[rustfmt::skip]
pub fn schemas() -> Value {
    json!({
        "ConsoleLogin": object(&["account", "password"], json!({
            "account": text(1, 20, "客服账号 / the agent's account (sPassportName)"),
            "password": text(1, 20, "密码 / password") })),
        "StatusRequest": object(&["state"], json!({
            "session": schema_ref("Session"),
            "state": text(1, 20, "状态名称 / one of the tenant's module 2 status names") })),
        "TransferRequest": object(&[], json!({
            "session": schema_ref("Session"),
            "agent_id": text(1, 64, "目标客服账号 / the agent to take it"),
            "department_id": { "type": "integer", "description": "目标部门 / a department" } })),
    })
}
