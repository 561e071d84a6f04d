//! Canned replies: `answer/templates`, `answer/template/<id>`, and kefu's
//! admin endpoints to create, rename and delete templates and items.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::agent;
use super::error::V1Error;
use super::params::{Params, PathParam};
use super::render::ok;
use crate::api::SharedState;
use crate::domain::paging::Id;
use crate::storage::{ItemRow, TemplateRow};

type Reply = Result<Json<Value>, V1Error>;

pub async fn list(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let templates = state
        .engine
        .templates(&agent, p.identify()?.as_deref())
        .await?;
    let templates: Vec<Value> = templates.iter().map(template_json).collect();
    Ok(Json(ok(json!({ "templates": templates }))))
}

pub async fn items(State(state): State<SharedState>, PathParam(id): PathParam, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let page = p.page("item_id")?;
    p.identify()?;
    let items = state
        .engine
        .template_items(&agent, template_id(&id)?.as_str(), &page)
        .await?;
    let items: Vec<Value> = items.iter().map(item_json).collect();
    Ok(Json(ok(json!({ "items": items }))))
}

pub async fn create(State(state): State<SharedState>, p: Params) -> Reply {
    let agent = agent(&state, &p).await?;
    let identify = p.identify()?;
    let template = state
        .engine
        .create_template(&agent, p.required("title")?, identify.as_deref())
        .await?;
    Ok(Json(ok(template_json(&template))))
}

pub async fn rename(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let id = template_id(&id)?;
    state
        .engine
        .rename_template(&agent, id.as_str(), p.required("title")?)
        .await?;
    Ok(Json(ok(json!({ "template_id": id.as_str() }))))
}

pub async fn delete(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let id = template_id(&id)?;
    state.engine.delete_template(&agent, id.as_str()).await?;
    Ok(Json(ok(json!({ "template_id": id.as_str() }))))
}

pub async fn create_item(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let item = state
        .engine
        .create_item(
            &agent,
            template_id(&id)?.as_str(),
            p.required("question")?,
            p.required("content")?,
        )
        .await?;
    Ok(Json(ok(item_json(&item))))
}

pub async fn update_item(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let item = state
        .engine
        .update_item(
            &agent,
            item_id(&id)?.as_str(),
            p.required("question")?,
            p.required("content")?,
        )
        .await?;
    Ok(Json(ok(item_json(&item))))
}

pub async fn delete_item(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let agent = agent(&state, &p).await?;
    let id = item_id(&id)?;
    state.engine.delete_item(&agent, id.as_str()).await?;
    Ok(Json(ok(json!({ "item_id": id.as_str() }))))
}

fn template_json(t: &TemplateRow) -> Value {
    json!({ "template_id": t.id, "title": t.title })
}

fn item_json(i: &ItemRow) -> Value {
    json!({ "item_id": i.id, "question": i.question, "content": i.content })
}

fn template_id(raw: &str) -> Result<Id, V1Error> {
    Id::parse(raw).map_err(|why| V1Error::invalid("template_id", why))
}

fn item_id(raw: &str) -> Result<Id, V1Error> {
    Id::parse(raw).map_err(|why| V1Error::invalid("item_id", why))
}
