//! Chat messages: history, sending text, images and audio, and the media files.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde_json::{json, Value};

use super::error::V1Error;
use super::params::{Params, PathParam};
use super::questions::question_id;
use super::render::{media_url, message, ok};
use super::{agent_named, caller, customer};
use crate::api::SharedState;
use crate::domain::message::validate_client_msg_id;
use crate::engine::{Caller, Upload};
use crate::media::{MAX_AUDIO_BYTES, MAX_IMAGE_BYTES};

type Reply = Result<Json<Value>, V1Error>;

pub async fn history(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let caller = caller(&state, &p).await?;
    let page = p.page("message_id")?;
    p.identify()?;
    let messages = state
        .engine
        .history(&caller, question_id(&id)?.as_str(), &page)
        .await?;
    let messages: Vec<Value> = messages
        .iter()
        .map(|m| message(m, &state.public_url))
        .collect();
    Ok(Json(ok(json!({ "messages": messages }))))
}

pub async fn send_text(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let (caller, client_msg_id) = sender(&state, &p).await?;
    let text = p.required("text")?.to_owned();
    let stored = state
        .engine
        .send(
            &caller,
            question_id(&id)?.as_str(),
            Upload::Text(text),
            client_msg_id,
        )
        .await?;
    Ok(Json(ok(json!({ "message_id": stored.id }))))
}

pub async fn send_image(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let (caller, client_msg_id) = sender(&state, &p).await?;
    let image = decode_base64("image", p.required("image")?, MAX_IMAGE_BYTES)?;
    let stored = state
        .engine
        .send(
            &caller,
            question_id(&id)?.as_str(),
            Upload::Image(image),
            client_msg_id,
        )
        .await?;
    let url = media_url(
        &state.public_url,
        stored.media_path.as_deref().unwrap_or_default(),
    );
    Ok(Json(ok(
        json!({ "message_id": stored.id, "image_url": url }),
    )))
}

/// kefu's addition: seed 003 lists audio messages (type 1) but no way to send one.
pub async fn send_audio(
    State(state): State<SharedState>,
    PathParam(id): PathParam,
    p: Params,
) -> Reply {
    let (caller, client_msg_id) = sender(&state, &p).await?;
    let len_secs = p
        .required("audio_len")?
        .trim()
        .parse::<i64>()
        .map_err(|_| {
            V1Error::invalid("audio_len", "audio_len must be a whole number of seconds")
        })?;
    let bytes = decode_base64("audio", p.required("audio")?, MAX_AUDIO_BYTES)?;
    let upload = Upload::Audio { bytes, len_secs };
    let stored = state
        .engine
        .send(&caller, question_id(&id)?.as_str(), upload, client_msg_id)
        .await?;
    let url = media_url(
        &state.public_url,
        stored.media_path.as_deref().unwrap_or_default(),
    );
    Ok(Json(ok(
        json!({ "message_id": stored.id, "audio_url": url }),
    )))
}

/// `GET /v1/media/{tenant}/{name}`: an uploaded file. A name is never
/// reused, so a file never changes and may be cached for good. Served as
/// what it is (`nosniff`), shown inline under its own name, and sandboxed:
/// a file can never act as a page of this origin.
pub async fn media(
    State(state): State<SharedState>,
    path: Result<axum::extract::Path<(String, String)>, axum::extract::rejection::PathRejection>,
) -> Response {
    let Ok(axum::extract::Path((tenant, name))) = path else {
        return V1Error::media_not_found().into_response();
    };
    match state.engine.media().get(&tenant, &name).await {
        Some(file) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, file.content_type.to_owned()),
                (
                    header::CACHE_CONTROL,
                    "public, max-age=31536000, immutable".into(),
                ),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff".into()),
                // The name is 32 letters and digits and an extension: no quoting needed.
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"{name}\""),
                ),
                (
                    header::CONTENT_SECURITY_POLICY,
                    "default-src 'none'; sandbox".into(),
                ),
            ],
            file.bytes,
        )
            .into_response(),
        None => V1Error::media_not_found().into_response(),
    }
}

/// Who sends, from the seed's `sender` / `sender_type` checked against the
/// session, and the optional client message id. Runs before any upload is
/// decoded, so that strangers cost no decoding work.
async fn sender(state: &SharedState, p: &Params) -> Result<(Caller, Option<String>), V1Error> {
    let sender = p.required("sender")?;
    let caller = match p.required("sender_type")?.trim() {
        "1" => {
            let session = customer(state, p).await?;
            if session.user_id != sender {
                return Err(V1Error::invalid(
                    "sender",
                    "sender is not the session's user",
                ));
            }
            Caller::Customer(session)
        }
        // An agent sends as itself: `sender` is its serv_id.
        "2" => {
            if p.optional("serv_id")
                .is_some_and(|serv_id| serv_id != sender)
            {
                return Err(V1Error::invalid(
                    "sender",
                    "sender must be the agent's serv_id",
                ));
            }
            Caller::Agent(agent_named(state, p, Some(sender)).await?)
        }
        _ => {
            return Err(V1Error::invalid(
                "sender_type",
                "sender_type must be 1 or 2",
            ))
        }
    };
    let client_msg_id = p
        .optional("client_msg_id")
        .map(|id| validate_client_msg_id(id).map(str::to_owned))
        .transpose()
        .map_err(|why| V1Error::invalid("client_msg_id", why))?;
    Ok((caller, client_msg_id))
}

/// Decodes a base64 upload. Tolerates what real clients send: a `data:` URL
/// prefix, line breaks, a `+` that an unencoded form turned into a space,
/// missing padding and the URL-safe alphabet.
pub(crate) fn decode_base64(
    field: &'static str,
    raw: &str,
    max_bytes: usize,
) -> Result<Vec<u8>, V1Error> {
    if raw.len() > max_bytes / 3 * 4 + 1024 {
        return Err(V1Error::too_large(
            Some(field),
            format!("{field} is larger than {max_bytes} bytes"),
        ));
    }
    let raw = match raw.split_once(";base64,") {
        Some((prefix, data)) if prefix.starts_with("data:") => data,
        _ => raw,
    };
    let cleaned: String = raw
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| if c == ' ' { '+' } else { c })
        .collect();
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    let url_safe = cleaned.contains(['-', '_']);
    let engine = GeneralPurpose::new(
        if url_safe {
            &alphabet::URL_SAFE
        } else {
            &alphabet::STANDARD
        },
        config,
    );
    engine
        .decode(cleaned.as_bytes())
        .map_err(|_| V1Error::bad_encoding(field, format!("{field} is not valid base64")))
}
