//! Request parameters as text, shared by the dialects that send forms: the
//! query string and the body (URL-encoded form, or a JSON object), merged
//! with the body winning. Each dialect turns a [`FormError`] into its own
//! error body and parses the values into domain types itself.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde_json::Value;

/// Why the parameters could not be read.
#[derive(Debug)]
pub enum FormError {
    /// `field` ("query", "body") is not in the encoding it claims.
    BadEncoding {
        field: &'static str,
        reason: &'static str,
    },
    /// The body is larger than the route allows.
    TooLarge,
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
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
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
        params.extend(pairs);
    }
    Ok(params)
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
