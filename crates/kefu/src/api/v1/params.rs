//! Request parameters of the question-chat dialect. The seed sends POST forms
//! and GET query strings; JSON bodies are accepted too. Every parameter is
//! read as text here and parsed into a domain type by the handler, so that a
//! bad value is reported with its field name in the dialect's error body.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde_json::Value;

use super::error::V1Error;
use crate::domain::paging::PageRequest;

/// The one parameter of a route's path, e.g. `{question_id}`. A path that
/// does not decode (bad percent-encoding) is a 1003 like any other bad input.
#[derive(Debug)]
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = V1Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, V1Error> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| Self(value))
            .map_err(|_| V1Error::bad_encoding("path", "the path is not valid URL-encoded UTF-8"))
    }
}

/// The query string and body of a request, merged (body wins).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = V1Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, V1Error> {
        let mut params: HashMap<String, String> = match req.uri().query() {
            Some(query) => serde_urlencoded::from_str::<Vec<(String, String)>>(query)
                .map_err(|_| V1Error::bad_encoding("query", "the query string is not URL-encoded"))?
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
                V1Error::too_large(None, "the request body is too large")
            } else {
                V1Error::bad_encoding("body", "the request body could not be read")
            }
        })?;
        if !body.is_empty() {
            let pairs = if is_json {
                json_pairs(&body)?
            } else {
                form_pairs(&body)?
            };
            params.extend(pairs);
        }
        Ok(Self(params))
    }
}

fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, V1Error> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| V1Error::bad_encoding("body", "the body is not a URL-encoded form"))
}

fn json_pairs(body: &[u8]) -> Result<Vec<(String, String)>, V1Error> {
    let object: serde_json::Map<String, Value> = serde_json::from_slice(body)
        .map_err(|_| V1Error::bad_encoding("body", "the body is not a JSON object"))?;
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

impl Params {
    /// A parameter that must be present and not empty.
    pub fn required(&self, field: &'static str) -> Result<&str, V1Error> {
        self.optional(field).ok_or_else(|| V1Error::missing(field))
    }

    /// A parameter that may be absent; empty counts as absent.
    pub fn optional(&self, field: &str) -> Option<&str> {
        self.0
            .get(field)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A required parameter with a length limit, in characters.
    pub fn bounded(&self, field: &'static str, min: usize, max: usize) -> Result<&str, V1Error> {
        let value = self.required(field)?;
        check_chars(field, value, min, max)?;
        Ok(value)
    }

    /// An optional parameter with a length limit, in characters.
    pub fn optional_bounded(
        &self,
        field: &'static str,
        min: usize,
        max: usize,
    ) -> Result<Option<&str>, V1Error> {
        self.optional(field)
            .map(|value| check_chars(field, value, min, max).map(|()| value))
            .transpose()
    }

    /// The seed's `session` (exactly 12 characters).
    pub fn session(&self) -> Result<&str, V1Error> {
        let session = self.required("session")?;
        if session.chars().count() != crate::engine::SESSION_LEN {
            return Err(V1Error::invalid("session", "session must be 12 characters"));
        }
        Ok(session)
    }

    /// The seed's `identify` (app package name, 1–80 characters).
    pub fn identify(&self) -> Result<Option<String>, V1Error> {
        Ok(self.optional_bounded("identify", 1, 80)?.map(str::to_owned))
    }

    /// `page`, `num`, `sort` and the cursor named `cursor_field`.
    pub fn page(&self, cursor_field: &'static str) -> Result<PageRequest, V1Error> {
        PageRequest::parse(
            self.optional("page"),
            self.optional("num"),
            self.optional(cursor_field),
            self.optional("sort"),
            cursor_field,
        )
        .map_err(|(field, why)| V1Error::invalid(field, why))
    }
}

fn check_chars(field: &'static str, value: &str, min: usize, max: usize) -> Result<(), V1Error> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(V1Error::invalid(
            field,
            format!("{field} must be {min} to {max} characters"),
        ));
    }
    Ok(())
}
