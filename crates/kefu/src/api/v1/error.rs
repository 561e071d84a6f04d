//! Seed 003's error body: `{status: 300, error, field, debug}`, with a fitting
//! HTTP status. The table of codes is in docs/api/question-chat.md.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::metrics::StorageFailed;
use serde_json::json;

use crate::domain::conversation::RuleError;
use crate::engine::{Entity, Error, Unrateable};

/// The code of a request that failed because storage did.
const STORAGE_UNAVAILABLE: u32 = 5001;

/// An error as the question-chat dialect reports it.
#[derive(Debug)]
pub struct V1Error {
    pub http: StatusCode,
    pub code: u32,
    pub field: Option<&'static str>,
    pub debug: String,
}

impl V1Error {
    pub fn missing(field: &'static str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            1001,
            Some(field),
            format!("{field} is required"),
        )
    }

    pub fn invalid(field: &'static str, debug: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 1002, Some(field), debug)
    }

    pub fn bad_encoding(field: &'static str, debug: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 1003, Some(field), debug)
    }

    pub fn too_large(field: Option<&'static str>, debug: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, 1004, field, debug)
    }

    pub fn no_route() -> Self {
        Self::new(StatusCode::NOT_FOUND, 3000, None, "no such endpoint")
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            3007,
            None,
            "this endpoint does not take that method",
        )
    }

    pub fn media_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, 3005, None, "media not found")
    }

    pub fn new(
        http: StatusCode,
        code: u32,
        field: Option<&'static str>,
        debug: impl Into<String>,
    ) -> Self {
        Self {
            http,
            code,
            field,
            debug: debug.into(),
        }
    }
}

impl From<Error> for V1Error {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let debug = e.to_string();
        let (http, code, field) = match &e {
            Error::Invalid { field, .. } => (S::BAD_REQUEST, 1002, Some(*field)),
            Error::TooLarge { field, .. } => (S::PAYLOAD_TOO_LARGE, 1004, Some(*field)),
            Error::UnknownSession | Error::SessionExpired => {
                (S::UNAUTHORIZED, 2001, Some("session"))
            }
            Error::BadCredentials(_) => (S::UNAUTHORIZED, 2002, None),
            Error::Forbidden(_) => (S::FORBIDDEN, 2003, None),
            Error::AgentInactive => (S::FORBIDDEN, 2004, Some("serv_id")),
            Error::NotFound(Entity::Question) => (S::NOT_FOUND, 3001, Some("question_id")),
            Error::NotFound(Entity::User) => (S::NOT_FOUND, 3002, Some("user_id")),
            Error::NotFound(Entity::Template) => (S::NOT_FOUND, 3003, Some("template_id")),
            Error::NotFound(Entity::Item) => (S::NOT_FOUND, 3004, Some("item_id")),
            Error::NotFound(Entity::Agent) => (S::NOT_FOUND, 3006, Some("serv_id")),
            Error::NotFound(Entity::Group | Entity::Duty | Entity::Webhook) => {
                (S::NOT_FOUND, 3000, None)
            }
            Error::TooManyAttempts { field, .. } => (S::TOO_MANY_REQUESTS, 2005, Some(*field)),
            Error::Rule(rule) => (S::CONFLICT, rule_code(*rule), Some("question_id")),
            Error::ClientIdTaken => (S::CONFLICT, 4006, Some("client_msg_id")),
            Error::NotRateable(Unrateable::NotFinished | Unrateable::NeverServed) => {
                (S::CONFLICT, 4011, Some("question_id"))
            }
            Error::NotRateable(Unrateable::AlreadyRated) => {
                (S::CONFLICT, 4012, Some("question_id"))
            }
            Error::Conflict(_) => (S::CONFLICT, 4007, None),
            Error::Taken { field, .. } => (S::CONFLICT, 4007, Some(*field)),
            Error::Unavailable(_) | Error::NoAgentAvailable => (S::CONFLICT, 4008, None),
            Error::Storage(err) => {
                tracing::error!(error = %err, "storage failed");
                return Self::new(
                    S::SERVICE_UNAVAILABLE,
                    STORAGE_UNAVAILABLE,
                    None,
                    "storage unavailable, retry later",
                );
            }
            Error::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                return Self::new(S::INTERNAL_SERVER_ERROR, 5000, None, "internal error");
            }
        };
        Self::new(http, code, field, debug)
    }
}

fn rule_code(rule: RuleError) -> u32 {
    match rule {
        RuleError::AlreadyServed => 4001,
        RuleError::Finished => 4002,
        RuleError::NotServing => 4003,
        RuleError::ServedByAnother => 4004,
        RuleError::NotFinished => 4005,
        RuleError::NotWaiting | RuleError::SameAgent => 4007,
    }
}

impl IntoResponse for V1Error {
    fn into_response(self) -> Response {
        let mut body = json!({ "status": 300, "error": self.code, "debug": self.debug });
        if let Some(field) = self.field {
            body["field"] = json!(field);
        }
        let mut response = (self.http, Json(body)).into_response();
        if self.code == STORAGE_UNAVAILABLE {
            response.extensions_mut().insert(StorageFailed);
        }
        response
    }
}
