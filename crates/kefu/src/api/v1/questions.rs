//! Questions: asking, the lists, and the lifecycle steps.

use axum::extract::State;
use axum::response::Html;
use axum::Json;
use serde_json::{json, Value};

use super::error::V1Error;
use super::params::{Params, PathParam};
use super::render::{any_line, ok, question_line, served_line, wait_line};
use super::{agent, agent_with_serv_id, caller, customer};
use crate::api::SharedState;
use crate::domain::paging::Id;
use crate::domain::question::{parse_labels, validate_label};
use crate::engine::CustomerList;
use crate::storage::ConversationSummary;

type Reply = Result<Json<Value>, V1Error>;

pub async fn ask(State(state): State<SharedState>, p: Params) -> Reply {
    let session = customer(&state, &p).await?;
    let title = p.optional("title").unwrap_or_default();
    let labels = match p.optional("label") {
        Some(raw) => parse_labels(raw).map_err(|why| V1Error::invalid("label", why))?,
        None => Vec::new(),
    };
    let question = state.engine.ask(&session, title, &labels).await?;
    Ok(Json(ok(json!({
        "question_id": question.id,
        "question": { "id": question.id, "status": question.status },
    }))))
}

pub async fn pending(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let page = p.page("question_id")?;
    let label = p
        .optional("label")
        .map(|l| validate_label(l).map(str::to_owned))
        .transpose()
        .map_err(|why| V1Error::invalid("label", why))?;
    let questions = state
        .engine
        .pending(&agent, p.identify()?, label, &page)
        .await?;
    Ok(lines(&questions, question_line))
}

/// The seed names the agent in the path only; the bound session says who
/// asks (an admin may read another agent's tasks).
pub async fn agent_tasks(
    State(state): State<SharedState>,
    PathParam(serv_id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let page = p.page("question_id")?;
    let questions = state
        .engine
        .agent_tasks(&agent, &serv_id, p.identify()?, &page)
        .await?;
    Ok(lines(&questions, question_line))
}

pub async fn user_waits(state: State<SharedState>, path: PathParam, p: Params) -> Reply {
    user_list(state, path, p, CustomerList::Waits, wait_line).await
}

pub async fn user_tasks(state: State<SharedState>, path: PathParam, p: Params) -> Reply {
    user_list(state, path, p, CustomerList::Tasks, served_line).await
}

pub async fn user_overs(state: State<SharedState>, path: PathParam, p: Params) -> Reply {
    user_list(state, path, p, CustomerList::Overs, served_line).await
}

pub async fn user_alls(state: State<SharedState>, path: PathParam, p: Params) -> Reply {
    user_list(state, path, p, CustomerList::Alls, any_line).await
}

async fn user_list(
    State(state): State<SharedState>,
    PathParam(user_id): PathParam,
    p: Params,
    list: CustomerList,
    line: fn(&ConversationSummary) -> Value,
) -> Reply {
    let caller = caller(&state, &p).await?;
    let page = p.page("question_id")?;
    let questions = state
        .engine
        .customer_questions(&caller, &user_id, list, p.identify()?, &page)
        .await?;
    Ok(lines(&questions, line))
}

pub async fn serve(State(state): State<SharedState>, PathParam(id): PathParam, p: Params) -> Reply {
    let agent = agent_with_serv_id(&state, &p).await?;
    let notice = state
        .engine
        .serve(&agent, question_id(&id)?.as_str())
        .await?;
    Ok(notice_reply(&notice.id))
}

pub async fn quit(State(state): State<SharedState>, PathParam(id): PathParam, p: Params) -> Reply {
    let agent = agent_with_serv_id(&state, &p).await?;
    let notice = state
        .engine
        .quit(&agent, question_id(&id)?.as_str())
        .await?;
    Ok(notice_reply(&notice.id))
}

pub async fn finish(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent_with_serv_id(&state, &p).await?;
    let notice = state
        .engine
        .finish(&agent, question_id(&id)?.as_str())
        .await?;
    Ok(notice_reply(&notice.id))
}

pub async fn request_finish(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent_with_serv_id(&state, &p).await?;
    let notice = state
        .engine
        .request_finish(&agent, question_id(&id)?.as_str())
        .await?;
    Ok(notice_reply(&notice.id))
}

pub async fn reopen(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let session = customer(&state, &p).await?;
    let notice = state
        .engine
        .reopen(&session, question_id(&id)?.as_str())
        .await?;
    Ok(notice_reply(&notice.id))
}

/// `POST /v1/question/{question_id}/rate`: the question's customer rates it
/// once it is finished, `score` 1 to 5 and an optional `comment`.
pub async fn rate(State(state): State<SharedState>, PathParam(id): PathParam, p: Params) -> Reply {
    let session = customer(&state, &p).await?;
    let score = p
        .required("score")?
        .trim()
        .parse::<i64>()
        .map_err(|_| V1Error::invalid("score", "score must be 1, 2, 3, 4 or 5"))?;
    let comment = p.optional("comment").unwrap_or_default();
    let notice = state
        .engine
        .rate(&session, question_id(&id)?.as_str(), score, comment)
        .await?;
    Ok(Json(ok(json!({
        "message_id": notice.id,
        "rating": super::render::rating(&notice),
    }))))
}

/// `GET /v1/user?question_id=`: an HTML page about the question's customer
/// (name, device count, group count) for the agent app's web view.
pub async fn user_page(
    State(state): State<SharedState>,
    p: Params,
) -> Result<Html<String>, V1Error> {
    let agent = agent(&state, &p).await?;
    let id = question_id(p.required("question_id")?)?;
    let profile = state.engine.customer_profile(&agent, id.as_str()).await?;
    Ok(Html(format!(
        "<!doctype html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>用户信息</title></head>\n\
         <body><dl>\n<dt>用户名</dt><dd id=\"user_name\">{}</dd>\n\
         <dt>用户设备数</dt><dd id=\"device_count\">{}</dd>\n\
         <dt>用户组数</dt><dd id=\"group_count\">{}</dd>\n</dl></body></html>\n",
        escape_html(&profile.name),
        profile.device_count,
        profile.group_count
    )))
}

pub(super) fn question_id(raw: &str) -> Result<Id, V1Error> {
    Id::parse(raw).map_err(|why| V1Error::invalid("question_id", why))
}

fn notice_reply(message_id: &str) -> Json<Value> {
    Json(ok(json!({ "message_id": message_id })))
}

fn lines(
    questions: &[ConversationSummary],
    line: fn(&ConversationSummary) -> Value,
) -> Json<Value> {
    Json(ok(
        json!({ "questions": questions.iter().map(line).collect::<Vec<_>>() }),
    ))
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
