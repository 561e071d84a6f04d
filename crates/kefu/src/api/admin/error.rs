//! Seed 002's error bodies. The seed shows `{"status":403,"message":"The sId
//! does not exist"}` for an unknown agent in `permissions`, and the codes
//! 10011–10013; kefu answers every error as `{"status": <HTTP status>,
//! "code": "<code>", "message": ..., "field": ...}` so that clients reading
//! either `status`/`message` or `code` understand it. The table of codes is
//! in docs/api/admin.md.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::metrics::StorageFailed;
use serde_json::json;

use crate::engine::{Entity, Error};

/// The code of a request that failed because storage did.
const STORAGE_UNAVAILABLE: u32 = 10090;

#[derive(Debug)]
pub struct AdminError {
    pub http: StatusCode,
    pub code: u32,
    pub message: String,
    pub field: Option<&'static str>,
    retry_after: Option<u64>,
    /// The seed's exact `{"status":403,"message":"The sId does not exist"}`.
    bare: bool,
}

impl AdminError {
    fn new(
        http: StatusCode,
        code: u32,
        field: Option<&'static str>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            http,
            code,
            message: message.into(),
            field,
            retry_after: None,
            bare: false,
        }
    }

    pub fn missing(field: &'static str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            10001,
            Some(field),
            format!("{field} is required"),
        )
    }

    pub fn invalid(field: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 10002, Some(field), message)
    }

    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, 10003, Some("body"), message)
    }

    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            10004,
            Some("body"),
            "the request body is too large",
        )
    }

    /// 10011 该客服不存在.
    pub fn no_such_agent() -> Self {
        Self::new(StatusCode::NOT_FOUND, 10011, Some("sId"), "该客服不存在")
    }

    /// 10012 功能模块输入不正确.
    pub fn bad_plate(field: &'static str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            10012,
            Some(field),
            "功能模块输入不正确",
        )
    }

    /// The seed's answer of `permissions` for an unknown `sId`.
    pub fn sid_does_not_exist() -> Self {
        Self {
            bare: true,
            ..Self::new(
                StatusCode::FORBIDDEN,
                10011,
                Some("sId"),
                "The sId does not exist",
            )
        }
    }

    pub fn unauthorized(message: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, 10020, None, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, 10040, None, message)
    }

    /// 10091: the request took longer than the server allows.
    pub fn timed_out(message: &str) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, 10091, None, message)
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            10041,
            None,
            "this endpoint does not take that method",
        )
    }
}

impl From<Error> for AdminError {
    fn from(e: Error) -> Self {
        use StatusCode as S;
        let message = e.to_string();
        match e {
            Error::Invalid { field: "plate", .. } => Self::bad_plate("plate"),
            Error::Invalid { field: "state", .. } => Self::new(
                S::BAD_REQUEST,
                10013,
                Some("state"),
                "输入的客服状态在后台无匹配值",
            ),
            Error::Invalid { field, reason } => Self::invalid(field, reason),
            Error::TooLarge { field, reason } => {
                Self::new(S::PAYLOAD_TOO_LARGE, 10004, Some(field), reason)
            }
            Error::UnknownSession | Error::SessionExpired | Error::BadCredentials(_) => {
                Self::unauthorized("wrong account or password")
            }
            Error::AgentInactive => {
                Self::new(S::FORBIDDEN, 10021, None, "the agent is in the recycle bin")
            }
            Error::TooManyAttempts { retry_after, .. } => Self {
                retry_after: Some(retry_after),
                ..Self::new(S::TOO_MANY_REQUESTS, 10022, None, message)
            },
            Error::Forbidden(_) => Self::new(S::FORBIDDEN, 10030, None, message),
            Error::NotFound(Entity::Agent) => Self::no_such_agent(),
            Error::NotFound(Entity::Group) => Self::new(
                S::NOT_FOUND,
                10040,
                Some("groupId"),
                "the group does not exist",
            ),
            Error::NotFound(Entity::Duty) => Self::new(
                S::NOT_FOUND,
                10040,
                Some("dutyId"),
                "the schedule does not exist",
            ),
            Error::NotFound(Entity::Webhook) => Self::new(
                S::NOT_FOUND,
                10040,
                Some("id"),
                "the webhook does not exist",
            ),
            Error::NotFound(_) => Self::not_found(message),
            Error::Taken { field, .. } => Self::new(S::CONFLICT, 10050, Some(field), message),
            Error::Conflict(_)
            | Error::Rule(_)
            | Error::NotRateable(_)
            | Error::ClientIdTaken
            | Error::Unavailable(_)
            | Error::NoAgentAvailable => Self::new(S::CONFLICT, 10050, None, message),
            Error::Storage(err) => {
                tracing::error!(error = %err, "storage failed");
                Self::new(
                    S::SERVICE_UNAVAILABLE,
                    STORAGE_UNAVAILABLE,
                    None,
                    "storage unavailable, retry later",
                )
            }
            Error::Internal(msg) => {
                tracing::error!(error = %msg, "internal error");
                Self::new(S::INTERNAL_SERVER_ERROR, 10099, None, "internal error")
            }
        }
    }
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        let body = if self.bare {
            json!({ "status": self.http.as_u16(), "message": self.message })
        } else {
            let mut body = json!({
                "status": self.http.as_u16(),
                "code": self.code.to_string(),
                "message": self.message,
            });
            if let Some(field) = self.field {
                body["field"] = json!(field);
            }
            body
        };
        let mut response = (self.http, Json(body)).into_response();
        if self.code == STORAGE_UNAVAILABLE {
            response.extensions_mut().insert(StorageFailed);
        }
        let headers = response.headers_mut();
        if self.http == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"kefu\", charset=\"UTF-8\""),
            );
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
