//! Check-ins (`signin`): the list admins read, and kefu's endpoint for an
//! agent to check in or out (the seed lists records but says not how they
//! are made).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::render::{self, Page};
use super::request::{AdminOnly, Caller, Fields, JsonBody, Query};
use crate::api::SharedState;
use crate::domain::calendar::{format_unix, UtcOffset};
use crate::engine::{CheckinInput, CheckinView};
use crate::storage::CheckinQuery;

type Answer = Result<Json<Value>, AdminError>;

/// `GET /api/v1/signin.json` (管理员).
pub async fn list(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let offset = admin.settings.utc_offset();
    let page = Page::parse(&q, 100)?;
    let query = CheckinQuery {
        tenant_id: 0,
        agent_id: q.int("sId")?,
        created_from: render::start_filter(&q, "created_start", offset)?,
        created_to: render::end_filter(&q, "created_end", offset)?,
        newest_first: render::sort_order(&q, "created_order", false)?,
        limit: page.per_page,
        offset: page.offset(),
    };
    let (rows, count) = state.engine.list_checkins(&admin, query).await?;
    let (next, previous) = page.links(&state.public_url, "/api/v1/signin.json", &q, count);
    let items: Vec<Value> = rows.iter().map(|r| checkin(r, offset)).collect();
    Ok(Json(json!({ "code": "0", "message": "success", "data": {
        "signIn": items,
        "count": count,
        "next_page": next.unwrap_or_default(),
        "previous_page": previous.unwrap_or_default(),
    }})))
}

/// `POST /api/v1/signin.json` with `{"signIn": {"type": "签到", "remark",
/// "attachments", "tags", "clockingPoint"}}` (所有客服, for themselves).
pub async fn check_in(
    State(state): State<SharedState>,
    Caller(admin): Caller,
    body: JsonBody,
) -> Answer {
    let f = body.object("signIn")?;
    let check_out = match f.text("type")?.as_deref().map(str::trim) {
        None | Some("签到" | "1" | "in") => false,
        Some("签退" | "2" | "out") => true,
        Some(_) => return Err(AdminError::invalid("type", "type must be 签到 or 签退")),
    };
    let input = CheckinInput {
        check_out,
        remark: f.text("remark")?.unwrap_or_default(),
        attachments: texts(f, "attachments", true)?,
        tags: texts(f, "tags", false)?,
        location: f.text("clockingPoint")?.unwrap_or_default(),
    };
    let row = state.engine.check_in(&admin, &input).await?;
    let offset = admin.settings.utc_offset();
    Ok(Json(
        json!({ "code": "0", "message": "success", "data": { "signIn": checkin(&row, offset) } }),
    ))
}

/// A list given as a JSON array of strings, or (where `commas`) as one
/// comma-separated text as the seed writes attachments.
fn texts(f: Fields<'_>, name: &'static str, commas: bool) -> Result<Vec<String>, AdminError> {
    let shape = || AdminError::invalid(name, format!("{name} must be a list of texts"));
    match f.value(name) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(shape))
            .collect(),
        Some(Value::String(text)) if commas => Ok(text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()),
        Some(_) => Err(shape()),
    }
}

/// One record as the seed shows it: the first tag says 签到 or 签退.
fn checkin(r: &CheckinView, offset: UtcOffset) -> Value {
    let attachments: Vec<String> = serde_json::from_str(&r.attachments).unwrap_or_default();
    let mut tags = vec![if r.kind == 2 {
        "签退".to_owned()
    } else {
        "签到".to_owned()
    }];
    tags.extend(serde_json::from_str::<Vec<String>>(&r.tags).unwrap_or_default());
    json!({
        "sId": r.agent_id,
        "name": r.name,
        "sNum": r.num,
        "remark": r.remark,
        "attachments": attachments.join(","),
        "tags": tags,
        "checkinTime": format_unix(r.created_at, offset),
        "clockingPoint": r.location,
    })
}
