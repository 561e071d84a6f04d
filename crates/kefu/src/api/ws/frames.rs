//! What a client sends over the socket (`send`, `typing`, `read`, `ping`)
//! and the answer it gets, with seed 003's rules, errors and codes.

use serde_json::{json, Map, Value};

use crate::api::form::NUL_REASON;
use crate::api::v1::error::V1Error;
use crate::domain::message::validate_client_msg_id;
use crate::domain::paging::Id;
use crate::engine::{Caller, Engine, Presence, Upload};
use crate::realtime::live_body;

/// A client frame, parsed at the boundary.
enum Frame {
    Send {
        question_id: Id,
        text: String,
        client_msg_id: Option<String>,
    },
    Typing {
        question_id: Id,
    },
    Read {
        question_id: Id,
        message_id: Id,
    },
    Ping,
}

/// Runs one client frame; returns the answer's body (without cursor), if
/// the frame gets one (`typing` and `read` are answered only when refused).
pub(super) async fn answer(engine: &Engine, caller: &Caller, text: &str) -> Option<String> {
    let (reference, frame) = match read(text) {
        Ok(read) => read,
        Err(refused) => return Some(refused),
    };
    match run(engine, caller, frame).await {
        Ok(None) => None,
        Ok(Some(mut fields)) => {
            fields.insert("ref".into(), reference);
            Some(live_body(name_of(&fields), Value::Object(fields)))
        }
        Err(e) => Some(error_body(&reference, e)),
    }
}

/// A frame's text parsed: its `ref` (echoed in the answer) and the frame,
/// or the error body that answers it.
fn read(text: &str) -> Result<(Value, Frame), String> {
    let fields = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(fields)) => fields,
        _ => {
            let e = V1Error::bad_encoding("frame", "a frame is one JSON object");
            return Err(error_body(&Value::Null, e));
        }
    };
    let reference = fields.get("ref").cloned().unwrap_or(Value::Null);
    match parse(&fields) {
        Ok(frame) => Ok((reference, frame)),
        Err(e) => Err(error_body(&reference, e)),
    }
}

/// What [`answer`] decides before running anything: `Err` is the error
/// body it answers with (the fuzz targets' entry, `crate::fuzzing`).
pub(crate) fn check(text: &str) -> Result<(), String> {
    read(text).map(|_| ())
}

/// A refusal of a frame: the socket's own limits, or something else the
/// socket decides before running it.
pub(crate) fn refusal(text: &str, e: V1Error) -> String {
    let reference = serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| v.get("ref").cloned())
        .unwrap_or(Value::Null);
    error_body(&reference, e)
}

fn name_of(fields: &Map<String, Value>) -> &'static str {
    match fields.get("message_id") {
        Some(_) => "ack",
        None => "pong",
    }
}

fn parse(fields: &Map<String, Value>) -> Result<Frame, V1Error> {
    let text = |name: &'static str| -> Result<&str, V1Error> {
        match fields.get(name) {
            Some(Value::String(s)) if s.contains('\0') => Err(V1Error::invalid(name, NUL_REASON)),
            Some(Value::String(s)) => Ok(s),
            Some(Value::Null) | None => Err(V1Error::missing(name)),
            Some(_) => Err(V1Error::invalid(name, format!("{name} must be a string"))),
        }
    };
    let id = |name: &'static str| -> Result<Id, V1Error> {
        Id::parse(text(name)?).map_err(|why| V1Error::invalid(name, why))
    };
    Ok(match text("type")? {
        "send" => Frame::Send {
            question_id: id("question_id")?,
            text: text("text")?.to_owned(),
            client_msg_id: match fields.get("client_msg_id") {
                None | Some(Value::Null) => None,
                Some(_) => Some(
                    validate_client_msg_id(text("client_msg_id")?)
                        .map_err(|why| V1Error::invalid("client_msg_id", why))?
                        .to_owned(),
                ),
            },
        },
        "typing" => Frame::Typing {
            question_id: id("question_id")?,
        },
        "read" => Frame::Read {
            question_id: id("question_id")?,
            message_id: id("message_id")?,
        },
        "ping" => Frame::Ping,
        _ => {
            return Err(V1Error::invalid(
                "type",
                "type must be send, typing, read or ping",
            ))
        }
    })
}

async fn run(
    engine: &Engine,
    caller: &Caller,
    frame: Frame,
) -> Result<Option<Map<String, Value>>, V1Error> {
    let answer = match frame {
        Frame::Send {
            question_id,
            text,
            client_msg_id,
        } => {
            let stored = engine
                .send(
                    caller,
                    question_id.as_str(),
                    Upload::Text(text),
                    client_msg_id,
                )
                .await?;
            Some(json!({ "message_id": stored.id }))
        }
        Frame::Typing { question_id } => {
            engine
                .relay_presence(caller, question_id.as_str(), Presence::Typing)
                .await?;
            None
        }
        Frame::Read {
            question_id,
            message_id,
        } => {
            let presence = Presence::Read {
                message_id: message_id.as_str().to_owned(),
            };
            engine
                .relay_presence(caller, question_id.as_str(), presence)
                .await?;
            None
        }
        Frame::Ping => Some(json!({})),
    };
    Ok(answer.and_then(|v| match v {
        Value::Object(fields) => Some(fields),
        _ => None,
    }))
}

/// Seed 003's error body as an `error` event, echoing the frame's `ref`.
pub(super) fn error_body(reference: &Value, e: V1Error) -> String {
    live_body(
        "error",
        json!({
            "ref": reference,
            "status": 300,
            "error": e.code,
            "field": e.field,
            "debug": e.debug,
        }),
    )
}
