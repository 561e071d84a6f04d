//! Response shapes of seed 003, field for field.

use serde_json::{json, Value};

use crate::domain::message::summary;
use crate::storage::{ConversationSummary, MessageRow};

/// `{status: 200, ...fields}`.
pub fn ok(mut fields: Value) -> Value {
    fields["status"] = json!(200);
    fields
}

/// A line of `question/list` and `serv/<serv_id>/tasks`. Before the first
/// chat message the `last_mess_*` fields are null.
pub fn question_line(q: &ConversationSummary) -> Value {
    json!({
        "question_id": q.id,
        "user_id": q.user_id,
        "user_image_url": q.avatar_url,
        "user_name": q.user_name,
        "title": q.title,
        "last_mess_text": last_text(q),
        "last_mess_timestamp": q.last_at,
        "last_mess_sender": q.last_sender,
        "last_mess_sender_type": q.last_sender_type,
        "timestamp": q.created_at,
    })
}

fn last_text(q: &ConversationSummary) -> Option<String> {
    Some(summary(q.last_kind?, q.last_text.as_deref()))
}

/// `user/<user_id>/waits`.
pub fn wait_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "timestamp": q.created_at })
}

/// `user/<user_id>/tasks` and `/overs`.
pub fn served_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "timestamp": q.created_at, "serv_id": q.serv_id })
}

/// `user/<user_id>/alls`.
pub fn any_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "status": q.status, "timestamp": q.created_at, "serv_id": q.serv_id })
}

/// One message of `question/<id>/message`, shaped by its type.
pub fn message(m: &MessageRow, public_url: &str) -> Value {
    let mut v = json!({
        "message_id": m.id,
        "sender": m.sender,
        "sender_type": m.sender_type,
        "timestamp": m.created_at,
        "type": m.kind,
    });
    match m.kind {
        1 => {
            v["audio_url"] = json!(media_url(
                public_url,
                m.media_path.as_deref().unwrap_or_default()
            ));
            v["audio_len"] = json!(m.audio_len.unwrap_or_default());
        }
        2 => {
            v["image_url"] = json!(media_url(
                public_url,
                m.media_path.as_deref().unwrap_or_default()
            ))
        }
        3 => v["text"] = json!(m.text.as_deref().unwrap_or_default()),
        _ => v["action"] = json!(m.action.unwrap_or_default()),
    }
    v
}

/// Where a stored media file is served from.
pub fn media_url(public_url: &str, name: &str) -> String {
    format!("{public_url}/v1/media/{name}")
}
