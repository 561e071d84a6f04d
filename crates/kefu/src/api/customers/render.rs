//! Response shapes of seed 001, field for field.

use serde_json::{json, Value};

use crate::engine::Connected;

/// Where customers reach the server: the tenant's `base`, else this server.
fn base(c: &Connected, public_url: &str) -> String {
    match c.routing.base.as_str() {
        "" => public_url.to_owned(),
        base => base.to_owned(),
    }
}

/// Whole hours as an integer (8), others as a fraction (5.5).
fn utc_offset(minutes: i32) -> Value {
    match minutes % 60 {
        0 => json!(minutes / 60),
        _ => json!(f64::from(minutes) / 60.0),
    }
}

/// The serving agent's account (seed 003 `serv_id`), or "" while waiting.
fn agent_id(c: &Connected) -> String {
    c.routed.agent.clone().unwrap_or_default()
}

/// `connect`: the seed's fields, plus kefu's `agent_id` and `wait` (who
/// serves, or the queue place) as `client_connect` answers them.
pub fn connect(c: &Connected, public_url: &str) -> Value {
    json!({
        "base": base(c, public_url),
        "config": c.routing.config,
        "im": {
            "_id": c.customer.id,
            "type": "user",
            "status": "online",
            "active": true,
            "name": c.customer.name,
            "utcOffset": utc_offset(c.utc_offset_minutes),
            "username": c.customer.user_id,
        },
        "rid": c.routed.conversation.id,
        "token": c.token,
        "agent_id": agent_id(c),
        "wait": c.routed.position,
    })
}

/// `client_connect` and `Transfer`.
pub fn visit(c: &Connected, public_url: &str) -> Value {
    let department = c.department.as_deref().unwrap_or("default");
    json!({
        "agent_id": agent_id(c),
        "base": base(c, public_url),
        "config": c.routing.config,
        "customer_name": c.customer.name,
        "group_name": format!("{department}_{}_{}", c.customer.name, c.routed.conversation.id),
        "id": c.customer.id,
        "rid": c.routed.conversation.id,
        "status": "success",
        "template": c.routing.template,
        "timeout": c.routing.timeout,
        "token": c.token,
        "user_id": c.customer.user_id,
        "wait": c.routed.position,
    })
}
