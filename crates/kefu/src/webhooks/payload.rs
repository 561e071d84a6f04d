//! The JSON body of a delivery, built once when the delivery is queued, so
//! every attempt sends the same bytes.

use serde_json::{json, Value};

use crate::storage::StoredEvent;

/// Who an event concerns, as the enterprise knows them.
pub struct Parties<'a> {
    /// The customer's user id (seed 003 `user_id`), if the customer exists.
    pub user_id: Option<&'a str>,
    /// The conversation's agent account (`serv_id`), if it has one.
    pub serv_id: Option<&'a str>,
}

/// `{id, event, cursor, question_id, user_id, serv_id, message, created_at}`.
pub fn build(
    delivery_id: &str,
    event: &str,
    e: &StoredEvent,
    parties: &Parties<'_>,
    public_url: &str,
    created_at: f64,
) -> Value {
    json!({
        "id": delivery_id,
        "event": event,
        "cursor": e.message.seq.to_string(),
        "question_id": e.message.conversation_id,
        "user_id": parties.user_id,
        "serv_id": parties.serv_id,
        "message": crate::api::v1::render::message(&e.message, public_url),
        "created_at": created_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::MessageRow;

    #[test]
    fn the_payload_carries_the_event_and_the_message() {
        let e = StoredEvent {
            message: MessageRow {
                id: "m1".into(),
                tenant_id: 1,
                conversation_id: "q1".into(),
                sender: "u-1".into(),
                sender_type: 1,
                kind: 3,
                text: Some("你好".into()),
                media_path: None,
                audio_len: None,
                action: None,
                rating: None,
                client_msg_id: None,
                created_at: 1.5,
                seq: 42,
            },
            customer_id: "c1".into(),
            agent_id: None,
        };
        let parties = Parties {
            user_id: Some("u-1"),
            serv_id: None,
        };
        let v = build("d1", "message", &e, &parties, "https://k.example", 2.25);
        assert_eq!(v["id"], "d1");
        assert_eq!(v["event"], "message");
        assert_eq!(v["cursor"], "42");
        assert_eq!(v["question_id"], "q1");
        assert_eq!(v["user_id"], "u-1");
        assert!(v["serv_id"].is_null());
        assert_eq!(v["message"]["text"], "你好");
        assert_eq!(v["created_at"], 2.25);
    }
}
