//! Event bodies as sockets receive them (docs/api/realtime.md). A body is
//! a JSON object without its cursor: each socket puts its own cursor first.

use serde_json::{json, Map, Value};

use crate::api::v1::render;
use crate::domain::message::event_name;
use crate::storage::MessageRow;

/// The event a stored message makes: `message`, or the notice's name, with
/// the message in seed 003's shape.
pub fn durable_body(m: &MessageRow, public_url: &str) -> String {
    json!({
        "event": event_name(m.kind, m.action),
        "question_id": m.conversation_id,
        "message": render::message(m, public_url),
    })
    .to_string()
}

/// A live event: `{"event": name, ...fields}` (`fields` is an object).
pub fn live_body(name: &str, fields: Value) -> String {
    let mut body = Map::new();
    body.insert("event".into(), Value::from(name));
    if let Value::Object(fields) = fields {
        body.extend(fields);
    }
    Value::Object(body).to_string()
}

/// The frame a socket sends: the body with `cursor` first.
pub fn with_cursor(cursor: i64, body: &str) -> String {
    let rest = body.strip_prefix('{').unwrap_or(body);
    let sep = if rest.starts_with('}') { "" } else { "," };
    format!("{{\"cursor\":\"{cursor}\"{sep}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_goes_first_and_the_body_stays_json() {
        let body = live_body("typing", json!({"question_id": "q", "sender_type": 1}));
        let frame: Value = serde_json::from_str(&with_cursor(42, &body)).unwrap();
        assert_eq!(frame["cursor"], "42");
        assert_eq!(frame["event"], "typing");
        assert_eq!(frame["sender_type"], 1);
        let empty: Value = serde_json::from_str(&with_cursor(7, "{}")).unwrap();
        assert_eq!(empty, json!({"cursor": "7"}));
    }
}
