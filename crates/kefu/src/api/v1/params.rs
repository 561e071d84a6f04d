//! Request parameters of the question-chat dialect. The seed sends POST forms
//! and GET query strings; JSON bodies are accepted too. Every parameter is
//! read as text here and parsed into a domain type by the handler, so that a
//! bad value is reported with its field name in the dialect's error body.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use super::error::V1Error;
use crate::api::form::{refuse_nul, FormError, NUL_REASON};
use crate::domain::paging::PageRequest;

/// The one parameter of a route's path, e.g. `{question_id}`. A path that
/// does not decode (bad percent-encoding) is a 1003 like any other bad input.
#[derive(Debug)]
pub struct PathParam(pub String);

impl<S: Send + Sync> FromRequestParts<S> for PathParam {
    type Rejection = V1Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, V1Error> {
        let axum::extract::Path(value) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| {
                    V1Error::bad_encoding("path", "the path is not valid URL-encoded UTF-8")
                })?;
        refuse_nul("path", &value).map_err(|_| V1Error::invalid("path", NUL_REASON))?;
        Ok(Self(value))
    }
}

/// The query string and body of a request, merged (body wins).
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = V1Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, V1Error> {
        // `Authorization: Bearer SESSION` stands for a `session` parameter
        // (the console's way: no session in a URL); the parameter wins.
        let header_session = crate::api::authorization_token(req.headers()).map(str::to_owned);
        match crate::api::form::read(req, state).await {
            Ok(mut params) => {
                if let Some(session) = header_session {
                    params.entry("session".to_owned()).or_insert(session);
                }
                Ok(Self(params))
            }
            Err(FormError::BadEncoding { field, reason }) => {
                Err(V1Error::bad_encoding(field, reason))
            }
            Err(FormError::Nul { field }) => Err(V1Error::invalid(field, NUL_REASON)),
            Err(e @ FormError::TooLarge) => Err(V1Error::too_large(None, e.reason())),
        }
    }
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

    /// The seed's `session`: 12 characters, or a customer token of seed 001
    /// (which works as a session too).
    pub fn session(&self) -> Result<&str, V1Error> {
        let session = self.required("session")?;
        check_session(session)?;
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

/// A session is 12 characters, or a 43-character customer token of seed 001
/// (which works as a session too); anything else is refused before a lookup.
pub(crate) fn check_session(session: &str) -> Result<(), V1Error> {
    let len = session.chars().count();
    if len != crate::engine::SESSION_LEN && len != crate::engine::CUSTOMER_TOKEN_LEN {
        return Err(V1Error::invalid(
            "session",
            "session must be 12 characters (or a 43-character customer token)",
        ));
    }
    Ok(())
}
