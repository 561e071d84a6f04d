//! What seed 002 requests carry: HTTP Basic credentials, a JSON body wrapped
//! in one key (`{"support": {...}}`), query parameters, and ids in the path
//! followed by `.json`. The seed's examples send numbers both as strings and
//! as numbers; both are accepted.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use base64::Engine as _;
use serde_json::{Map, Value};

use super::error::AdminError;
use crate::api::form::NUL_REASON;
use crate::api::{PeerAddr, SharedState};
use crate::engine::{Admin, Entity, Error};

/// The agent calling, proved by HTTP Basic `{sPassportName}:{password}`
/// (the seed's way) or by `Bearer {session}` of a session bound to the agent
/// (the console's admin pages).
pub struct Caller(pub Admin);

impl FromRequestParts<SharedState> for Caller {
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, AdminError> {
        const NEEDED: &str = "HTTP Basic credentials {sPassportName}:{password} (or a console session as Bearer) are required";
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| AdminError::unauthorized(NEEDED))?;
        // The scheme name is case-insensitive (RFC 9110).
        let (scheme, credentials) = header
            .split_once(' ')
            .ok_or_else(|| AdminError::unauthorized(NEEDED))?;
        if scheme.eq_ignore_ascii_case("bearer") {
            let token = credentials.trim();
            if token.is_empty() {
                return Err(AdminError::unauthorized(NEEDED));
            }
            return Ok(Self(state.engine.admin_by_session(token).await?));
        }
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(AdminError::unauthorized(NEEDED));
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(credentials.trim())
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| AdminError::unauthorized(NEEDED))?;
        let (account, password) = decoded
            .split_once(':')
            .ok_or_else(|| AdminError::unauthorized(NEEDED))?;
        let PeerAddr(peer) = PeerAddr::from_request_parts(parts, state)
            .await
            .unwrap_or(PeerAddr(None));
        Ok(Self(
            state.engine.admin_login(account, password, peer).await?,
        ))
    }
}

/// An administrator calling (seed 002's 管理员): the role is checked before
/// anything in the request is, so others learn nothing from its validation.
pub struct AdminOnly(pub Admin);

impl FromRequestParts<SharedState> for AdminOnly {
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, AdminError> {
        let Caller(admin) = Caller::from_request_parts(parts, state).await?;
        admin.require_admin()?;
        Ok(Self(admin))
    }
}

/// The id in a path such as `/api/v1/supports/{id}.json`; `None` when it is
/// not a positive integer (so no such thing exists).
pub struct IdPath(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AdminError> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| {
                    AdminError::invalid("path", "the path is not valid URL-encoded UTF-8")
                })?;
        if raw.contains('\0') {
            return Err(AdminError::invalid("path", NUL_REASON));
        }
        let id = raw.strip_suffix(".json").unwrap_or(&raw);
        Ok(Self(id.parse::<i64>().ok().filter(|id| *id > 0)))
    }
}

impl IdPath {
    /// The id of an `entity`: a malformed one is answered as an unknown one.
    pub fn of(self, entity: Entity) -> Result<i64, AdminError> {
        self.0.ok_or_else(|| Error::NotFound(entity).into())
    }
}

/// The query string.
#[derive(Debug, Default)]
pub struct Query(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = AdminError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AdminError> {
        let Some(query) = parts.uri.query() else {
            return Ok(Self::default());
        };
        let pairs = serde_urlencoded::from_str::<Vec<(String, String)>>(query)
            .map_err(|_| AdminError::invalid("query", "the query string is not URL-encoded"))?;
        if pairs
            .iter()
            .any(|(k, v)| k.contains('\0') || v.contains('\0'))
        {
            return Err(AdminError::invalid("query", NUL_REASON));
        }
        Ok(Self(pairs.into_iter().collect()))
    }
}

impl Query {
    /// A parameter, `None` when absent or empty.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    pub fn required(&self, name: &'static str) -> Result<&str, AdminError> {
        self.get(name).ok_or_else(|| AdminError::missing(name))
    }

    /// An optional integer parameter.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, AdminError> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| AdminError::invalid(name, format!("{name} must be an integer")))
            })
            .transpose()
    }
}

/// A JSON object body. curl's `-d` sends JSON as a form content type (the
/// seed's own examples do), so the body is read as JSON whatever it says.
#[derive(Debug, Default)]
pub struct JsonBody(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = AdminError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AdminError> {
        let body = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AdminError::too_large()
            } else {
                AdminError::bad_body("the request body could not be read")
            }
        })?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        let object: Map<String, Value> = serde_json::from_slice(&body)
            .map_err(|_| AdminError::bad_body("the body must be a JSON object"))?;
        if holds_nul(&object) {
            return Err(AdminError::invalid("body", NUL_REASON));
        }
        Ok(Self(object))
    }
}

impl JsonBody {
    /// The object under `key`, e.g. `support` in `{"support": {...}}`.
    pub fn object(&self, key: &'static str) -> Result<Fields<'_>, AdminError> {
        match self.0.get(key) {
            Some(Value::Object(map)) => Ok(Fields(map)),
            Some(_) => Err(AdminError::invalid(
                key,
                format!("{key} must be a JSON object"),
            )),
            None => Err(AdminError::missing(key)),
        }
    }

    pub fn value(&self, key: &'static str) -> Option<&Value> {
        self.0.get(key)
    }
}

/// The fields of one wrapped object.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'a>(pub &'a Map<String, Value>);

impl<'a> Fields<'a> {
    pub fn value(&self, name: &str) -> Option<&'a Value> {
        self.0.get(name).filter(|v| !v.is_null())
    }

    /// A text field; numbers are taken as their text.
    pub fn text(&self, name: &'static str) -> Result<Option<String>, AdminError> {
        match self.value(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) => Ok(Some(n.to_string())),
            Some(_) => Err(AdminError::invalid(
                name,
                format!("{name} must be a string"),
            )),
        }
    }

    pub fn required_text(&self, name: &'static str) -> Result<String, AdminError> {
        self.text(name)?.ok_or_else(|| AdminError::missing(name))
    }

    /// An integer field, as a number or a numeric string.
    pub fn int(&self, name: &'static str) -> Result<Option<i64>, AdminError> {
        let parsed = match self.value(name) {
            None => return Ok(None),
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        parsed
            .map(Some)
            .ok_or_else(|| AdminError::invalid(name, format!("{name} must be an integer")))
    }

    /// A 0/1 flag, as a number, a numeric string or a boolean.
    pub fn flag(&self, name: &'static str) -> Result<Option<bool>, AdminError> {
        if let Some(Value::Bool(b)) = self.value(name) {
            return Ok(Some(*b));
        }
        match self.int(name)? {
            None => Ok(None),
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            Some(_) => Err(AdminError::invalid(name, format!("{name} must be 0 or 1"))),
        }
    }
}

/// Whether any key or string in the object holds a NUL character.
fn holds_nul(object: &Map<String, Value>) -> bool {
    fn value(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(value),
            Value::Object(map) => holds_nul(map),
            _ => false,
        }
    }
    object.iter().any(|(k, v)| k.contains('\0') || value(v))
}

/// Parses a comma-separated id list such as `"123,234"` (an empty text is
/// an empty list).
pub fn id_list(field: &'static str, text: &str) -> Result<Vec<i64>, AdminError> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
                AdminError::invalid(field, format!("{field} must list ids separated by commas"))
            })
        })
        .collect()
}
