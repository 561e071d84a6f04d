//! Response shapes of seed 003, field for field.

use serde_json::{json, Value};

use crate::domain::message::summary;
use crate::storage::{ConversationSummary, MessageRow};

/// `{status: 200, ...fields}`.
pub fn ok(mut fields: Value) -> Value {
    fields["status"] = json!(200);
    fields
}

/// A line of `question/list` and `serv/<serv_id>/tasks`, every field of the
/// type the seed shows. Before the first chat message: `last_mess_text` and
/// `last_mess_sender` are "", `last_mess_sender_type` is 0 and
/// `last_mess_timestamp` is the question's own `timestamp`.
pub fn question_line(q: &ConversationSummary) -> Value {
    json!({
        "question_id": q.id,
        "user_id": q.user_id,
        "user_image_url": q.avatar_url,
        "user_name": q.user_name,
        "title": q.title,
        "last_mess_text": last_text(q),
        "last_mess_timestamp": q.last_at.unwrap_or(q.created_at),
        "last_mess_sender": q.last_sender.as_deref().unwrap_or_default(),
        "last_mess_sender_type": q.last_sender_type.unwrap_or(0),
        "timestamp": q.created_at,
    })
}

fn last_text(q: &ConversationSummary) -> String {
    q.last_kind
        .map(|kind| summary(kind, q.last_text.as_deref()))
        .unwrap_or_default()
}

/// The question's agent (`serv_id`), "" before any agent served it.
fn serv_id(q: &ConversationSummary) -> &str {
    q.serv_id.as_deref().unwrap_or_default()
}

/// `user/<user_id>/waits`.
pub fn wait_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "timestamp": q.created_at })
}

/// `user/<user_id>/tasks` and `/overs`.
pub fn served_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "timestamp": q.created_at, "serv_id": serv_id(q) })
}

/// `user/<user_id>/alls`.
pub fn any_line(q: &ConversationSummary) -> Value {
    json!({ "question_id": q.id, "status": q.status, "timestamp": q.created_at, "serv_id": serv_id(q) })
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
        _ => {
            v["action"] = json!(m.action.unwrap_or_default());
            // A rating notice (action 8) carries its score and comment.
            if let Some(score) = m.rating {
                v["rating"] = json!(score);
                v["text"] = json!(m.text.as_deref().unwrap_or_default());
            }
        }
    }
    v
}

/// A question's rating as `GET /v1/question/{id}` and the rate call show it.
pub fn rating(m: &MessageRow) -> Value {
    json!({
        "score": m.rating.unwrap_or_default(),
        "comment": m.text.as_deref().unwrap_or_default(),
        "created_at": m.created_at,
    })
}

/// Where a stored media file is served from.
pub fn media_url(public_url: &str, name: &str) -> String {
    format!("{public_url}/v1/media/{name}")
}
