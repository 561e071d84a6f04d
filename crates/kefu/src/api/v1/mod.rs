//! Seed 003, the question-chat dialect, mounted at `/v1`: customers open
//! questions, agents bind their app, claim, chat, use canned replies and
//! finish. Handlers parse parameters, call the engine, and shape the answer.

mod console;
pub mod error;
pub(crate) mod messages;
pub(crate) mod params;
mod questions;
pub(crate) mod render;
mod serv;
mod templates;

use super::{Routes, SharedState};
use crate::engine::{AgentCtx, Caller, SessionCtx};
use error::V1Error;
use params::Params;

/// Upload bodies: a 4 MiB clip as URL-encoded base64 stays under this.
const UPLOAD_BODY_LIMIT: usize = 16 * 1024 * 1024;

pub fn routes(r: Routes) -> Routes {
    r.post("/v1/session", serv::mint_session)
        .post("/v1/serv/bind", serv::bind)
        .post("/v1/serv/unbind", serv::unbind)
        .get("/v1/serv/{serv_id}/tasks", questions::agent_tasks)
        .post("/v1/console/login", console::login)
        .post("/v1/console/logout", console::logout)
        .get("/v1/console/me", console::me)
        .put("/v1/console/status", console::set_status)
        .get("/v1/console/agents", console::agents)
        .get("/v1/question/{question_id}", console::question)
        .post("/v1/question/{question_id}/transfer", console::transfer)
        .post("/v1/question/new", questions::ask)
        .get("/v1/question/list", questions::pending)
        .post("/v1/question/{question_id}/serve", questions::serve)
        .post("/v1/question/{question_id}/quit", questions::quit)
        .post("/v1/question/{question_id}/finish", questions::finish)
        .post(
            "/v1/question/{question_id}/request_finish",
            questions::request_finish,
        )
        .post("/v1/question/{question_id}/reopen", questions::reopen)
        .post("/v1/question/{question_id}/rate", questions::rate)
        .get("/v1/question/{question_id}/message", messages::history)
        .post(
            "/v1/question/{question_id}/message/send_text",
            messages::send_text,
        )
        .post_upload(
            "/v1/question/{question_id}/message/send_image",
            UPLOAD_BODY_LIMIT,
            messages::send_image,
        )
        .post_upload(
            "/v1/question/{question_id}/message/send_audio",
            UPLOAD_BODY_LIMIT,
            messages::send_audio,
        )
        .get("/v1/media/{tenant}/{name}", messages::media)
        .get("/v1/user/{user_id}/waits", questions::user_waits)
        .get("/v1/user/{user_id}/tasks", questions::user_tasks)
        .get("/v1/user/{user_id}/overs", questions::user_overs)
        .get("/v1/user/{user_id}/alls", questions::user_alls)
        .get("/v1/user", questions::user_page)
        .get("/v1/answer/templates", templates::list)
        .post("/v1/answer/templates", templates::create)
        .get("/v1/answer/template/{template_id}", templates::items)
        .put("/v1/answer/template/{template_id}", templates::rename)
        .delete("/v1/answer/template/{template_id}", templates::delete)
        .post(
            "/v1/answer/template/{template_id}/items",
            templates::create_item,
        )
        .put("/v1/answer/item/{item_id}", templates::update_item)
        .delete("/v1/answer/item/{item_id}", templates::delete_item)
}

/// The agent a request acts as: its bound `session` alone, or with a
/// `serv_id` that must name the same agent.
async fn agent(state: &SharedState, p: &Params) -> Result<AgentCtx, V1Error> {
    let serv_id = p.optional_bounded("serv_id", 1, 20)?;
    agent_named(state, p, serv_id).await
}

/// The agent a request acts as, where the seed's table requires `serv_id`
/// (serve, quit, finish): the bound `session` and that `serv_id`.
async fn agent_with_serv_id(state: &SharedState, p: &Params) -> Result<AgentCtx, V1Error> {
    let serv_id = p.bounded("serv_id", 1, 20)?;
    agent_named(state, p, Some(serv_id)).await
}

/// The agent a request acts as, when the agent is named elsewhere than in
/// `serv_id` (a path, or `sender`), or not at all.
async fn agent_named(
    state: &SharedState,
    p: &Params,
    serv_id: Option<&str>,
) -> Result<AgentCtx, V1Error> {
    Ok(state.engine.agent(p.session()?, serv_id).await?)
}

/// The customer a request acts as.
async fn customer(state: &SharedState, p: &Params) -> Result<SessionCtx, V1Error> {
    Ok(state.engine.customer_session(p.session()?).await?)
}

/// Whoever holds the session: the agent bound to it (a `serv_id` sent must
/// match), else its customer.
async fn caller(state: &SharedState, p: &Params) -> Result<Caller, V1Error> {
    if p.optional("serv_id").is_some() {
        return Ok(Caller::Agent(agent(state, p).await?));
    }
    Ok(state.engine.holder(p.session()?).await?)
}
