//! Agents (`supports`): list, show, show_many, create, update, delete to
//! the recycle bin, search, and restore (`servicers`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::render::{self, Page};
use super::request::{id_list, AdminOnly, Caller, Fields, IdPath, JsonBody, Query};
use crate::api::SharedState;
use crate::engine::{Admin, AgentChanges, AgentView, Entity};
use crate::storage::{AgentOrder, AgentQuery, SearchColumn};

type Answer = Result<Json<Value>, AdminError>;

/// `GET /api/v1/supports.json` (管理员).
pub async fn list(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let page = Page::parse(&q, 100)?;
    let query = list_query(&admin, &q, page)?;
    let (views, count) = state.engine.list_agents(&admin, query).await?;
    let items = render::agents(&state.public_url, &admin, &views);
    let links = page.links(&state.public_url, "/api/v1/supports.json", &q, count);
    Ok(render::list("supports", items, count, links))
}

/// The answer of one agent.
fn answer(state: &SharedState, admin: &Admin, view: &AgentView) -> Answer {
    let offset = admin.settings.utc_offset();
    Ok(Json(
        json!({ "support": render::agent(&state.public_url, offset, view) }),
    ))
}

/// The created-time filters and order of a list.
pub fn list_query(admin: &Admin, q: &Query, page: Page) -> Result<AgentQuery, AdminError> {
    let offset = admin.settings.utc_offset();
    let order = match q.get("created_order") {
        None => AgentOrder::IdAsc,
        Some(_) if render::sort_order(q, "created_order", false)? => AgentOrder::CreatedDesc,
        Some(_) => AgentOrder::CreatedAsc,
    };
    Ok(AgentQuery {
        created_from: render::start_filter(q, "created_start", offset)?,
        created_to: render::end_filter(q, "created_end", offset)?,
        order,
        limit: page.per_page,
        offset: page.offset(),
        ..AgentQuery::default()
    })
}

/// `GET /api/v1/supports/{id}.json` (所有客服).
pub async fn show(State(state): State<SharedState>, Caller(admin): Caller, id: IdPath) -> Answer {
    let view = state
        .engine
        .agent_view(&admin, id.of(Entity::Agent)?)
        .await?;
    answer(&state, &admin, &view)
}

/// `GET /api/v1/supports/show_many.json?ids=1,2,3` (管理员).
pub async fn show_many(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let ids = id_list("ids", q.required("ids")?)?;
    if ids.len() > 100 {
        return Err(AdminError::invalid("ids", "at most 100 ids at once"));
    }
    let views = state.engine.agents_by_ids(&admin, &ids).await?;
    Ok(Json(
        json!({ "supports": render::agents(&state.public_url, &admin, &views) }),
    ))
}

/// `POST /api/v1/supports.json` (管理员): 200 with `Location`, as the seed shows.
pub async fn create(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Result<(HeaderMap, Json<Value>), AdminError> {
    let fields = body.object("support")?;
    let mut changes = changes(fields)?;
    changes.account = Some(fields.required_text("sPassportName")?);
    if changes.num.is_none() {
        return Err(AdminError::missing("sNum"));
    }
    let view = state.engine.admin_create_agent(&admin, changes).await?;
    let rendered = render::agent(&state.public_url, admin.settings.utc_offset(), &view);
    Ok(render::created("support", rendered))
}

/// `PUT /api/v1/supports/{id}.json` (所有客服: others' profiles are admins').
pub async fn update(
    State(state): State<SharedState>,
    Caller(admin): Caller,
    id: IdPath,
    body: JsonBody,
) -> Answer {
    let id = id.of(Entity::Agent)?;
    let fields = body.object("support")?;
    let mut changes = changes(fields)?;
    changes.account = fields.text("sPassportName")?;
    let view = state.engine.update_agent(&admin, id, changes).await?;
    answer(&state, &admin, &view)
}

/// `DELETE /api/v1/supports/{id}.json` (管理员): to the recycle bin; a
/// second delete purges.
pub async fn delete(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
) -> Answer {
    let view = state
        .engine
        .delete_agent(&admin, id.of(Entity::Agent)?)
        .await?;
    answer(&state, &admin, &view)
}

/// `GET /api/v1/supportgroups/supports/search.json?query=name:陆华` (管理员).
pub async fn search(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let query = q.required("query")?;
    let (column, text) = query
        .split_once(':')
        .and_then(|(field, text)| {
            let column = match field.trim() {
                "sPassportName" => SearchColumn::Account,
                "name" => SearchColumn::Name,
                "sNum" => SearchColumn::Num,
                "mobile" => SearchColumn::Mobile,
                _ => return None,
            };
            Some((column, text.trim()))
        })
        .ok_or_else(|| {
            AdminError::invalid(
                "query",
                "query must be sPassportName:, name:, sNum: or mobile: and a text",
            )
        })?;
    if text.is_empty() || text.chars().count() > 50 {
        return Err(AdminError::invalid(
            "query",
            "the searched text must be 1 to 50 characters",
        ));
    }
    // The seed pages mobile searches by 10.
    let page = Page::parse(
        &q,
        if column == SearchColumn::Mobile {
            10
        } else {
            100
        },
    )?;
    let desc = render::sort_order(&q, "sort_order", true)?;
    let order = match (q.get("sort_by"), desc) {
        (None, _) => AgentOrder::IdAsc,
        (Some("createDT"), false) => AgentOrder::CreatedAsc,
        (Some("createDT"), true) => AgentOrder::CreatedDesc,
        (Some("updateDT"), false) => AgentOrder::UpdatedAsc,
        (Some("updateDT"), true) => AgentOrder::UpdatedDesc,
        (Some(_), _) => {
            return Err(AdminError::invalid(
                "sort_by",
                "sort_by must be createDT or updateDT",
            ))
        }
    };
    let query = AgentQuery {
        search: Some((column, text.to_owned())),
        order,
        limit: page.per_page,
        offset: page.offset(),
        ..AgentQuery::default()
    };
    let (views, count) = state.engine.list_agents(&admin, query).await?;
    let path = "/api/v1/supportgroups/supports/search.json";
    let (next, previous) = page.links(&state.public_url, path, &q, count);
    // This example of the seed writes the count as text and "" for no page.
    Ok(Json(json!({
        "supports": render::agents(&state.public_url, &admin, &views),
        "count": count.to_string(),
        "previous_page": previous.unwrap_or_default(),
        "next_page": next.unwrap_or_default(),
    })))
}

/// `PUT /api/v1/servicers/{sId}.json` with `{"support": {"isStat": "1"}}`
/// (管理员): restores from the recycle bin (1) or moves there (0).
pub async fn set_stat(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
    body: JsonBody,
) -> Answer {
    let id = id.of(Entity::Agent)?;
    let is_stat = body
        .object("support")?
        .int("isStat")?
        .ok_or_else(|| AdminError::missing("isStat"))?;
    state.engine.set_agent_stat(&admin, id, is_stat).await?;
    Ok(Json(
        json!({ "support": { "sId": id.to_string(), "isStat": is_stat.to_string() } }),
    ))
}

/// The profile fields of a `support` object (read-only ones are ignored).
fn changes(f: Fields<'_>) -> Result<AgentChanges, AdminError> {
    let group_ids = match f.value("groupId") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|v| match v {
                    Value::Number(n) => n.as_i64().filter(|id| *id > 0),
                    Value::String(s) => s.trim().parse().ok().filter(|id: &i64| *id > 0),
                    _ => None,
                })
                .collect::<Option<Vec<i64>>>()
                .ok_or_else(|| AdminError::invalid("groupId", "groupId must list group ids"))?,
        ),
        Some(_) => Some(id_list("groupId", &f.text("groupId")?.unwrap_or_default())?),
    };
    Ok(AgentChanges {
        account: None,
        password: f.text("password")?,
        num: f.text("sNum")?,
        name: f.text("name")?,
        gender: f.int("gnder")?,
        email: f.text("email")?,
        fixnumber: f.text("fixnumber")?,
        mobile: f.text("mobile")?,
        qq: f.text("QQ")?,
        is_admin: f.flag("isAdmin")?,
        group_ids,
        custom_fields: f.value("custom_fields").cloned(),
        is_stat: f.int("isStat")?,
        // kefu's addition: null or "" returns the agent to the tenant default.
        max_chats: match f.0.get("maxChats") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(s)) if s.trim().is_empty() => Some(None),
            Some(_) => Some(f.int("maxChats")?),
        },
    })
}
