//! Tenant settings for this API (`settings.json`, kefu's addition): time
//! zone, the default password of new agents, each module's status names, the
//! agents' custom field definitions, and routing (seed 001's `template`,
//! `timeout`, `config`, `base`, plus strategy, capacity and transcripts).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::{AdminOnly, Fields, JsonBody};
use crate::api::SharedState;
use crate::domain::custom_fields::FieldDef;
use crate::domain::routing::Strategy;
use crate::engine::{PlateStates, RoutingChanges, SettingsChanges, TenantSettings};
use crate::storage::Plate;

type Answer = Result<Json<Value>, AdminError>;

const PLATES: [(&str, Plate); 3] = [
    ("1", Plate::Tickets),
    ("2", Plate::OnlineChat),
    ("3", Plate::CallCenter),
];

fn render(s: &TenantSettings) -> Value {
    let mut plates = serde_json::Map::new();
    for (key, plate) in PLATES {
        let states = s.states(plate);
        plates.insert(
            key.to_owned(),
            json!({ "states": states.names, "accepting": states.accepting, "initial": states.initial }),
        );
    }
    json!({ "settings": {
        // Whole hours as an integer (8), others as a fraction (5.5).
        "utc_offset": match s.utc_offset_minutes % 60 {
            0 => json!(s.utc_offset_minutes / 60),
            _ => json!(f64::from(s.utc_offset_minutes) / 60.0),
        },
        "default_password_set": s.default_password_hash.is_some(),
        "plate_states": plates,
        "custom_fields": s.custom_fields,
        "routing_strategy": s.routing.strategy.as_str(),
        "max_chats": s.routing.max_chats,
        "timeout": s.routing.timeout,
        "template": s.routing.template,
        "config": s.routing.config,
        "keep_transcripts": s.routing.keep_transcripts,
        "base": s.routing.base,
        "access_token_ttl": s.routing.access_token_ttl,
        "session_idle_timeout": s.sessions.idle_timeout,
        "session_lifetime": s.sessions.lifetime,
        "allowed_origins": s.embedding.allowed_origins,
        "frame_ancestors": s.embedding.frame_ancestors,
    }})
}

/// `GET /api/v1/settings.json` (管理员).
pub async fn show(AdminOnly(admin): AdminOnly) -> Answer {
    Ok(Json(render(&admin.settings)))
}

/// `PUT /api/v1/settings.json` with `{"settings": {...}}` (管理员): the keys
/// given are replaced, the others kept.
pub async fn update(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Answer {
    let f = body.object("settings")?;
    let mut changes = SettingsChanges {
        default_password: f.text("default_password")?,
        ..SettingsChanges::default()
    };
    if let Some(offset) = f.value("utc_offset") {
        let hours = offset
            .as_f64()
            .or_else(|| offset.as_str().and_then(|s| s.trim().parse().ok()))
            .filter(|h: &f64| h.is_finite() && (h * 60.0).fract() == 0.0)
            .ok_or_else(|| {
                AdminError::invalid("utc_offset", "utc_offset must be hours, e.g. 8 or 5.5")
            })?;
        changes.utc_offset_minutes = Some((hours * 60.0) as i64);
    }
    if let Some(plates) = f.value("plate_states") {
        let plates = plates.as_object().ok_or_else(|| {
            AdminError::invalid(
                "plate_states",
                "plate_states must map 1, 2, 3 to status names",
            )
        })?;
        for (key, value) in plates {
            let plate = PLATES
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, p)| *p)
                .ok_or_else(|| AdminError::bad_plate("plate_states"))?;
            changes.states.push((plate, plate_states(value)?));
        }
    }
    if let Some(defs) = f.value("custom_fields") {
        let defs: Vec<FieldDef> = serde_json::from_value(defs.clone())
            .map_err(|e| AdminError::invalid("custom_fields", format!("custom_fields: {e}")))?;
        changes.custom_fields = Some(defs);
    }
    changes.routing = routing_changes(&f)?;
    changes.session_idle_timeout = f.int("session_idle_timeout")?;
    changes.session_lifetime = f.int("session_lifetime")?;
    changes.allowed_origins = text_list(&f, "allowed_origins")?;
    changes.frame_ancestors = text_list(&f, "frame_ancestors")?;
    let settings = state.engine.update_settings(&admin, changes).await?;
    Ok(Json(render(&settings)))
}

/// A list of strings (`["https://a.com"]`), when the key is given.
fn text_list(f: &Fields<'_>, key: &'static str) -> Result<Option<Vec<String>>, AdminError> {
    let Some(value) = f.value(key) else {
        return Ok(None);
    };
    serde_json::from_value(value.clone())
        .map(Some)
        .map_err(|_| AdminError::invalid(key, format!("{key} must be a list of origins")))
}

fn routing_changes(f: &Fields<'_>) -> Result<RoutingChanges, AdminError> {
    let strategy = f
        .text("routing_strategy")?
        .map(|s| {
            Strategy::parse(&s).ok_or_else(|| {
                AdminError::invalid(
                    "routing_strategy",
                    "routing_strategy must be random, least_busy or round_robin",
                )
            })
        })
        .transpose()?;
    Ok(RoutingChanges {
        strategy,
        max_chats: f.int("max_chats")?,
        timeout: f.int("timeout")?,
        template: f.text("template")?,
        config: f.value("config").cloned(),
        keep_transcripts: f.flag("keep_transcripts")?,
        base: f.text("base")?,
        access_token_ttl: f.int("access_token_ttl")?,
    })
}

fn plate_states(value: &Value) -> Result<PlateStates, AdminError> {
    let bad = || {
        AdminError::invalid(
            "plate_states",
            "each module takes {\"states\": [names], \"accepting\": name, \"initial\": name}",
        )
    };
    let object = value.as_object().ok_or_else(bad)?;
    let names = object
        .get("states")
        .and_then(Value::as_array)
        .ok_or_else(bad)?
        .iter()
        .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
        .collect::<Result<Vec<_>, _>>()?;
    let name = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(bad)
    };
    Ok(PlateStates {
        names,
        accepting: name("accepting")?,
        initial: name("initial")?,
    })
}
