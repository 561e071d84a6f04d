//! The agent console's calls (docs/api/console.md): sign in and out, the
//! agent's own status, who a conversation can go to, one question, and the
//! serving agent's transfer. Same conventions and error body as seed 003.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::V1Error;
use super::params::{Params, PathParam};
use super::questions::question_id;
use super::render::{self, ok};
use super::{agent, caller};
use crate::api::{PeerAddr, SharedState};
use crate::engine::Me;

type Reply = Result<Json<Value>, V1Error>;

/// `POST /v1/console/login`: account and password → a bound session.
pub async fn login(State(state): State<SharedState>, PeerAddr(peer): PeerAddr, p: Params) -> Reply {
    let account = p.bounded("account", 1, 20)?;
    let password = p.bounded("password", 1, 20)?;
    let (session, agent) = state.engine.console_login(account, password, peer).await?;
    Ok(Json(ok(json!({
        "session": session,
        "serv_id": agent.account,
        "name": agent.name,
        "is_admin": agent.is_admin,
    }))))
}

/// `POST /v1/console/logout`: the session ends for good.
pub async fn logout(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    state.engine.console_logout(&agent).await?;
    Ok(Json(ok(json!({}))))
}

/// `GET /v1/console/me`.
pub async fn me(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    Ok(Json(render_me(&state.engine.me(&agent).await?)))
}

/// `PUT /v1/console/status` with `state`.
pub async fn set_status(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let name = p.bounded("state", 1, 20)?;
    Ok(Json(render_me(
        &state.engine.set_own_state(&agent, name).await?,
    )))
}

fn render_me(me: &Me) -> Value {
    ok(json!({
        "serv_id": me.agent.account,
        "name": me.agent.name,
        "is_admin": me.agent.is_admin,
        "state": me.state,
        "accepting": me.accepting,
        "states": me.states,
        "accepting_state": me.accepting_state,
        "tenant": me.tenant,
    }))
}

/// `GET /v1/console/agents`: who a conversation can go to.
pub async fn agents(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let (colleagues, departments) = state.engine.colleagues(&agent).await?;
    let agents: Vec<Value> = colleagues
        .iter()
        .map(|c| {
            json!({
                "serv_id": c.agent.account,
                "name": c.agent.name,
                "state": c.state,
                "accepting": c.accepting,
                "serving": c.serving,
                "max_chats": c.max_chats,
                "departments": c.departments,
            })
        })
        .collect();
    let departments: Vec<Value> = departments
        .iter()
        .map(|d| json!({ "id": d.id, "name": d.name }))
        .collect();
    Ok(Json(ok(
        json!({ "agents": agents, "departments": departments }),
    )))
}

/// `GET /v1/question/{question_id}`: one question, for its customer or any
/// agent of the tenant.
pub async fn question(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let caller = caller(&state, &p).await?;
    let id = question_id(&id)?;
    let d = state.engine.question_detail(&caller, id.as_str()).await?;
    let labels: Vec<String> = serde_json::from_str(&d.question.labels).unwrap_or_default();
    Ok(Json(ok(json!({
        "question_id": d.question.id,
        "title": d.question.title,
        "label": labels,
        "status_code": d.question.status,
        "timestamp": d.question.created_at,
        "identify": d.question.identify.as_deref().unwrap_or_default(),
        "user_id": d.customer.user_id,
        "user_name": d.customer.name,
        "user_image_url": d.customer.avatar_url,
        "serv_id": d.agent.as_ref().map(|a| a.account.as_str()).unwrap_or_default(),
        "serv_name": d.agent.as_ref().map(|a| a.name.as_str()).unwrap_or_default(),
        "rating": d.rating.as_ref().map(render::rating),
    }))))
}

/// `POST /v1/question/{question_id}/transfer`: the serving agent hands the
/// conversation to `agent_id` or a `department_id`.
pub async fn transfer(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let id = question_id(&id)?;
    let to = p.optional_bounded("agent_id", 1, 64)?;
    let department = p
        .optional("department_id")
        .map(|d| {
            d.parse::<i64>()
                .map_err(|_| V1Error::invalid("department_id", "department_id must be a number"))
        })
        .transpose()?;
    if to.is_none() && department.is_none() {
        return Err(V1Error::missing("agent_id"));
    }
    let routed = state
        .engine
        .agent_transfer(&agent, id.as_str(), to, department)
        .await?;
    Ok(Json(ok(
        json!({ "serv_id": routed.agent.unwrap_or_default() }),
    )))
}
