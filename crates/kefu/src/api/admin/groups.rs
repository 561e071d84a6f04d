//! Departments (`supportgroups`), in the style of `supports`: list, show,
//! create, rename, delete, and list members. A group's id is what agents'
//! `groupId` lists and seed 001's `department_id` names.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::render::{self, Page};
use super::request::{AdminOnly, IdPath, JsonBody, Query};
use super::supports::list_query;
use crate::api::SharedState;
use crate::domain::calendar::{format_unix, UtcOffset};
use crate::engine::{Admin, Entity, GroupView};

type Answer = Result<Json<Value>, AdminError>;

fn group(base: &str, offset: UtcOffset, g: &GroupView) -> Value {
    json!({
        "groupId": g.id,
        "url": format!("{base}/api/v1/supportgroups/{}.json", g.id),
        "name": g.name,
        "members": g.members,
        "createDT": format_unix(g.created_at, offset),
        "updateDT": format_unix(g.updated_at, offset),
    })
}

/// The answer of one group.
fn answer(state: &SharedState, admin: &Admin, g: &GroupView) -> Answer {
    let offset = admin.settings.utc_offset();
    Ok(Json(
        json!({ "supportgroup": group(&state.public_url, offset, g) }),
    ))
}

/// `GET /api/v1/supportgroups.json` (管理员).
pub async fn list(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let page = Page::parse(&q, 100)?;
    let (groups, count) = state
        .engine
        .list_groups(&admin, page.per_page, page.offset())
        .await?;
    let offset = admin.settings.utc_offset();
    let items = groups
        .iter()
        .map(|g| group(&state.public_url, offset, g))
        .collect();
    let links = page.links(&state.public_url, "/api/v1/supportgroups.json", &q, count);
    Ok(render::list("supportgroups", items, count, links))
}

/// `GET /api/v1/supportgroups/{groupId}.json` (管理员).
pub async fn show(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
) -> Answer {
    let g = state.engine.group(&admin, id.of(Entity::Group)?).await?;
    answer(&state, &admin, &g)
}

/// `POST /api/v1/supportgroups.json` with `{"supportgroup": {"name": "售后"}}` (管理员).
pub async fn create(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Result<(HeaderMap, Json<Value>), AdminError> {
    let name = body.object("supportgroup")?.required_text("name")?;
    let g = state.engine.create_group(&admin, &name).await?;
    let rendered = group(&state.public_url, admin.settings.utc_offset(), &g);
    Ok(render::created("supportgroup", rendered))
}

/// `PUT /api/v1/supportgroups/{groupId}.json` (管理员): renames.
pub async fn rename(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
    body: JsonBody,
) -> Answer {
    let name = body.object("supportgroup")?.required_text("name")?;
    let id = id.of(Entity::Group)?;
    let g = state.engine.rename_group(&admin, id, &name).await?;
    answer(&state, &admin, &g)
}

/// `DELETE /api/v1/supportgroups/{groupId}.json` (管理员): its agents stay.
pub async fn delete(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
) -> Answer {
    let g = state
        .engine
        .delete_group(&admin, id.of(Entity::Group)?)
        .await?;
    answer(&state, &admin, &g)
}

/// `GET /api/v1/supportgroups/{groupId}/supports.json` (管理员): members,
/// paged and filtered like the agent list.
pub async fn members(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
    q: Query,
) -> Answer {
    let id = id.of(Entity::Group)?;
    let page = Page::parse(&q, 100)?;
    let query = list_query(&admin, &q, page)?;
    let (views, count) = state.engine.group_members(&admin, id, query).await?;
    let items = render::agents(&state.public_url, &admin, &views);
    let path = format!("/api/v1/supportgroups/{id}/supports.json");
    let links = page.links(&state.public_url, &path, &q, count);
    Ok(render::list("supports", items, count, links))
}
