//! Module permission (`permissions`, call center `mType` 4) and per-module
//! status (`plate_service_state`: 1 tickets, 2 online chat, 3 call center).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::{AdminOnly, IdPath, JsonBody, Query};
use crate::api::SharedState;
use crate::engine::{Entity, Error};
use crate::storage::Plate;

type Answer = Result<Json<Value>, AdminError>;

/// The call-center module, the only one the seed's `permissions` knows.
const CALL_CENTER: i64 = 4;

/// `permissions` answers an unknown agent with the seed's exact 403 body.
fn sid_error(e: Error) -> AdminError {
    match e {
        Error::NotFound(Entity::Agent) => AdminError::sid_does_not_exist(),
        other => other.into(),
    }
}

/// `GET /api/v1/permissions/{sId}.json` (管理员; kefu's addition, to read
/// what the PUT sets).
pub async fn permission(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
) -> Answer {
    let id = id.ok_or_else(AdminError::sid_does_not_exist)?;
    let open = state
        .engine
        .call_center(&admin, id)
        .await
        .map_err(sid_error)?;
    Ok(Json(permission_body(id, open)))
}

/// `PUT /api/v1/permissions/{sId}.json` with `{"permission": {"mType": "4",
/// "state": "0"}}` (管理员): state "0" opens the module, "1" closes it.
pub async fn set_permission(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Answer {
    let id = id.ok_or_else(AdminError::sid_does_not_exist)?;
    let fields = body.object("permission")?;
    match fields.int("mType") {
        Ok(Some(CALL_CENTER)) => {}
        Ok(None) => return Err(AdminError::missing("mType")),
        _ => return Err(AdminError::bad_plate("mType")),
    }
    let open = match fields.required_text("state")?.trim() {
        "0" => true,
        "1" => false,
        _ => {
            return Err(AdminError::invalid(
                "state",
                "state must be \"0\" (open) or \"1\" (closed)",
            ))
        }
    };
    state
        .engine
        .set_call_center(&admin, id, open)
        .await
        .map_err(sid_error)?;
    Ok(Json(permission_body(id, open)))
}

fn permission_body(id: i64, open: bool) -> Value {
    json!({ "permission": {
        "sId": id.to_string(),
        "mType": CALL_CENTER.to_string(),
        "state": if open { "0" } else { "1" },
    }})
}

fn plate(value: Option<i64>) -> Result<(Plate, i64), AdminError> {
    match value {
        Some(1) => Ok((Plate::Tickets, 1)),
        Some(2) => Ok((Plate::OnlineChat, 2)),
        Some(3) => Ok((Plate::CallCenter, 3)),
        _ => Err(AdminError::bad_plate("plate")),
    }
}

/// `GET /api/v1/plate_service_state/{sId}.json?plate=2` (管理员).
pub async fn show_state(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
    q: Query,
) -> Answer {
    let (plate, number) = plate(q.int("plate").map_err(|_| AdminError::bad_plate("plate"))?)?;
    let id = id.ok_or_else(AdminError::no_such_agent)?;
    let name = state.engine.agent_state(&admin, id, plate).await?;
    Ok(Json(state_body(id, number, &name)))
}

/// `PUT /api/v1/plate_service_state/{sId}.json` with
/// `{"plate_service_state": {"plate": "1", "state": "在线"}}` (管理员).
pub async fn set_state(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Answer {
    let fields = body.object("plate_service_state")?;
    let (plate, number) = plate(
        fields
            .int("plate")
            .map_err(|_| AdminError::bad_plate("plate"))?,
    )?;
    let name = fields.required_text("state")?;
    let id = id.ok_or_else(AdminError::no_such_agent)?;
    state
        .engine
        .set_agent_state(&admin, id, plate, &name)
        .await?;
    Ok(Json(state_body(id, number, &name)))
}

fn state_body(id: i64, plate: i64, name: &str) -> Value {
    json!({ "plate_service_state": { "sId": id, "plate": plate.to_string(), "state": name } })
}
