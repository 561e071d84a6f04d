//! Seed 001's error body: `{"status": "params invalid"}` (400) and
//! `{"status": "unauthorized"}` (401) as the seed shows, the other statuses
//! in the same shape, each with a `message` saying what was wrong.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::metrics::StorageFailed;
use serde_json::json;

use crate::api::form::FormError;
use crate::domain::conversation::RuleError;
use crate::engine::{Entity, Error};

/// The message of a request that failed because storage did.
const STORAGE_FAILED: &str = "storage failed";

#[derive(Debug)]
pub struct CustomerError {
    pub http: StatusCode,
    pub status: &'static str,
    pub message: String,
}

impl CustomerError {
    fn new(http: StatusCode, status: &'static str, message: impl Into<String>) -> Self {
        Self {
            http,
            status,
            message: message.into(),
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "params invalid", message)
    }

    pub fn missing(field: &str) -> Self {
        Self::invalid(format!("{field} is required"))
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
}

impl From<FormError> for CustomerError {
    fn from(e: FormError) -> Self {
        match e {
            FormError::BadEncoding { .. } | FormError::Nul { .. } => Self::invalid(e.reason()),
            FormError::TooLarge => {
                Self::new(StatusCode::PAYLOAD_TOO_LARGE, "params invalid", e.reason())
            }
        }
    }
}

impl From<Error> for CustomerError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let message = e.to_string();
        match e {
            Error::Invalid { .. } | Error::TooLarge { .. } => Self::invalid(message),
            Error::UnknownSession | Error::SessionExpired => {
                Self::unauthorized("the token is unknown or expired")
            }
            Error::BadCredentials(_) => Self::unauthorized(message),
            Error::AgentInactive | Error::Forbidden(_) => {
                Self::new(S::FORBIDDEN, "forbidden", message)
            }
            Error::NotFound(Entity::Question) => {
                Self::new(S::NOT_FOUND, "not found", "no such room")
            }
            Error::NotFound(Entity::Agent) => Self::new(S::NOT_FOUND, "not found", "no such agent"),
            Error::NotFound(_) => Self::new(S::NOT_FOUND, "not found", message),
            Error::Rule(RuleError::Finished) => {
                Self::new(S::CONFLICT, "finished", "the conversation is finished")
            }
            Error::Unavailable(_) | Error::NoAgentAvailable => {
                Self::new(S::CONFLICT, "agent unavailable", message)
            }
            Error::Rule(_)
            | Error::NotRateable(_)
            | Error::Conflict(_)
            | Error::Taken { .. }
            | Error::ClientIdTaken => Self::new(S::CONFLICT, "conflict", message),
            Error::TooManyAttempts { .. } => {
                Self::new(S::TOO_MANY_REQUESTS, "too many requests", message)
            }
            Error::Storage(err) => {
                tracing::error!(error = %err, "storage failed");
                Self::new(S::INTERNAL_SERVER_ERROR, "internal error", STORAGE_FAILED)
            }
            Error::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                Self::new(S::INTERNAL_SERVER_ERROR, "internal error", "internal error")
            }
        }
    }
}

impl IntoResponse for CustomerError {
    fn into_response(self) -> Response {
        let body = Json(json!({ "status": self.status, "message": self.message }));
        let mut response = (self.http, body).into_response();
        if self.message == STORAGE_FAILED {
            response.extensions_mut().insert(StorageFailed);
        }
        if self.http == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}
