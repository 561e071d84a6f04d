//! Duty schedules (`schedules.json`): list by dates, create in batch, update
//! or delete one by `dutyId`. Answers use the `{"code","message","data"}`
//! envelope of the seed.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::{AdminOnly, Fields, JsonBody, Query};
use crate::api::SharedState;
use crate::engine::{DutyDay, DutyInput, DutyText};

type Answer = Result<Json<Value>, AdminError>;

/// `GET /api/v1/schedules.json?startDT=2023-12-01&endDT=2023-12-31` (管理员).
/// The seed's example shows one agent-day; kefu answers the list of them.
pub async fn list(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let days = state
        .engine
        .list_duties(&admin, q.get("startDT"), q.get("endDT"), q.int("sid")?)
        .await?;
    let duty: Vec<Value> = days.iter().map(day).collect();
    Ok(Json(
        json!({ "code": "0", "message": "ok", "data": { "duty": duty } }),
    ))
}

/// `POST /api/v1/schedules.json` with `{"duty": [{"sid", "date",
/// "schedules": [...]}]}` (管理员): all or none.
pub async fn create(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Answer {
    let entries = match body.value("duty") {
        Some(Value::Array(entries)) => entries,
        Some(_) => return Err(AdminError::invalid("duty", "duty must be a list")),
        None => return Err(AdminError::missing("duty")),
    };
    let mut input = Vec::with_capacity(entries.len());
    for entry in entries {
        let f = match entry {
            Value::Object(map) => Fields(map),
            _ => return Err(AdminError::invalid("duty", "each duty must be an object")),
        };
        let schedules = match f.value("schedules") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(map) => shift(Fields(map)),
                    _ => Err(AdminError::invalid(
                        "schedules",
                        "each schedule must be an object",
                    )),
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(AdminError::invalid("schedules", "schedules must be a list")),
            None => return Err(AdminError::missing("schedules")),
        };
        input.push(DutyInput {
            agent_id: f.int("sid")?.ok_or_else(|| AdminError::missing("sid"))?,
            date: f.required_text("date")?,
            schedules,
        });
    }
    let days = state.engine.create_duties(&admin, &input).await?;
    let duty: Vec<Value> = days.iter().map(day).collect();
    Ok(Json(
        json!({ "code": "0", "message": "success", "data": { "duty": duty } }),
    ))
}

/// `PUT /api/v1/schedules.json?dutyId=...` with `{"duty": {...}}` (管理员).
pub async fn update(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
    body: JsonBody,
) -> Answer {
    let duty_id = q.required("dutyId")?;
    let text = shift(body.object("duty")?)?;
    let day_ = state.engine.update_duty(&admin, duty_id, &text).await?;
    Ok(Json(
        json!({ "code": "0", "message": "ok", "data": { "duty": day(&day_) } }),
    ))
}

/// `DELETE /api/v1/schedules.json?dutyId=...` (管理员): not one already begun.
pub async fn delete(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let duty_id = q.required("dutyId")?;
    let day_ = state.engine.delete_duty(&admin, duty_id).await?;
    Ok(Json(
        json!({ "code": "0", "message": "ok", "data": { "duty": day(&day_) } }),
    ))
}

fn shift(f: Fields<'_>) -> Result<DutyText, AdminError> {
    Ok(DutyText {
        name: f.text("name")?.unwrap_or_default(),
        remark: f.text("remark")?.unwrap_or_default(),
        url: f.text("url")?.unwrap_or_default(),
        start_time: f.required_text("start_time")?,
        end_time: f.required_text("end_time")?,
    })
}

fn day(d: &DutyDay) -> Value {
    let schedules: Vec<Value> = d
        .schedules
        .iter()
        .map(|s| {
            let mut v = json!({
                "dutyId": s.id,
                "name": s.name,
                "remark": s.remark,
                "start_time": s.start_time,
                "end_time": s.end_time,
                // The seed shows "1" and names no other state.
                "status": "1",
            });
            if !s.url.is_empty() {
                v["url"] = json!(s.url);
            }
            v
        })
        .collect();
    json!({ "sid": d.agent_id.to_string(), "date": d.date, "schedules": schedules })
}
