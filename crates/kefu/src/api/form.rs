//! Request parameters as text, shared by the dialects that send forms: the
//! query string and the body (URL-encoded form, `multipart/form-data` as
//! `curl -F`, a browser's `FormData` and Postman send it, or a JSON object),
//! merged with the body winning. Each dialect turns a [`FormError`] into its
//! own error body and parses the values into domain types itself.
//!
//! No value may hold a NUL character (U+0000): PostgreSQL cannot store one
//! in text, so both backends refuse it here, before anything is looked up.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use base64::Engine as _;
use serde_json::Value;

/// Why the parameters could not be read.
#[derive(Debug)]
pub enum FormError {
    /// `field` ("query", "body") is not in the encoding it claims.
    BadEncoding {
        field: &'static str,
        reason: &'static str,
    },
    /// `field` ("query", "body", "path") holds a NUL character.
    Nul { field: &'static str },
    /// The body is larger than the route allows.
    TooLarge,
}

impl FormError {
    /// What to tell the client.
    pub fn reason(&self) -> &'static str {
        match self {
            FormError::BadEncoding { reason, .. } => reason,
            FormError::Nul { .. } => NUL_REASON,
            FormError::TooLarge => "the request body is too large",
        }
    }
}

pub const NUL_REASON: &str = "text must not contain NUL characters (U+0000)";

/// Refuses text with a NUL character, as `field`.
pub fn refuse_nul(field: &'static str, text: &str) -> Result<(), FormError> {
    match text.contains('\0') {
        true => Err(FormError::Nul { field }),
        false => Ok(()),
    }
}

/// Reads every parameter of `req` as text.
pub async fn read<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<HashMap<String, String>, FormError> {
    let mut params: HashMap<String, String> = match req.uri().query() {
        Some(query) => serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map_err(|_| FormError::BadEncoding {
                field: "query",
                reason: "the query string is not URL-encoded",
            })?
            .into_iter()
            .collect(),
        None => HashMap::new(),
    };
    for (name, value) in &params {
        refuse_nul("query", name)?;
        refuse_nul("query", value)?;
    }
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        params.extend(multipart_pairs(req, state).await?);
        return Ok(params);
    }
    let is_json = content_type.starts_with("application/json");
    let body = Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            FormError::TooLarge
        } else {
            FormError::BadEncoding {
                field: "body",
                reason: "the request body could not be read",
            }
        }
    })?;
    if !body.is_empty() {
        let pairs = if is_json {
            json_pairs(&body)?
        } else {
            serde_urlencoded::from_bytes(&body).map_err(|_| FormError::BadEncoding {
                field: "body",
                reason: "the body is not a URL-encoded form",
            })?
        };
        for (name, value) in &pairs {
            refuse_nul("body", name)?;
            refuse_nul("body", value)?;
        }
        params.extend(pairs);
    }
    Ok(params)
}

/// The parts of a `multipart/form-data` body: text parts as they are, file
/// parts (those with a file name, e.g. an image picked in a browser) as
/// base64, which is how the dialects take uploads in a form.
async fn multipart_pairs<S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<Vec<(String, String)>, FormError> {
    const BAD: FormError = FormError::BadEncoding {
        field: "body",
        reason: "the body is not valid multipart/form-data",
    };
    let read_error = |e: axum::extract::multipart::MultipartError| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => FormError::TooLarge,
        _ => BAD,
    };
    let mut multipart = Multipart::from_request(req, state).await.map_err(|_| BAD)?;
    let mut pairs = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(read_error)? {
        let name = field.name().ok_or(BAD)?.to_owned();
        let is_file = field.file_name().is_some();
        let bytes = field.bytes().await.map_err(read_error)?;
        let value = if is_file {
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        } else {
            String::from_utf8(bytes.to_vec()).map_err(|_| FormError::BadEncoding {
                field: "body",
                reason: "a multipart text part is not UTF-8",
            })?
        };
        refuse_nul("body", &name)?;
        refuse_nul("body", &value)?;
        pairs.push((name, value));
    }
    Ok(pairs)
}

fn json_pairs(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    let object: serde_json::Map<String, Value> =
        serde_json::from_slice(body).map_err(|_| FormError::BadEncoding {
            field: "body",
            reason: "the body is not a JSON object",
        })?;
    Ok(object
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                // Numbers, booleans and lists (labels) keep their JSON text.
                other => other.to_string(),
            };
            (k, text)
        })
        .collect())
}
