//! Who calls seed 001, and its form parameters. The token travels in the
//! `Authorization` header, bare as the seed shows or after `Bearer `.

use std::collections::HashMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use super::error::CustomerError;
use crate::api::{authorization_token, SharedState};
use crate::domain::paging::Id;
use crate::engine::SessionCtx;

/// The raw token of the `Authorization` header.
pub struct Token(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Token {
    type Rejection = CustomerError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, CustomerError> {
        match authorization_token(&parts.headers) {
            Some(token) if token.len() <= 128 => Ok(Self(token.to_owned())),
            _ => Err(CustomerError::unauthorized(
                "the Authorization header holds no token",
            )),
        }
    }
}

/// The tenant of a valid access token (the enterprise's backend).
pub struct Backend(pub i64);

impl FromRequestParts<SharedState> for Backend {
    type Rejection = CustomerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, CustomerError> {
        let Token(token) = Token::from_request_parts(parts, state).await?;
        Ok(Self(state.engine.access_tenant(&token).await?))
    }
}

/// A customer, by the token `connect` or `client_connect` gave it.
pub struct Customer {
    pub session: SessionCtx,
    pub token: String,
}

impl FromRequestParts<SharedState> for Customer {
    type Rejection = CustomerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &SharedState,
    ) -> Result<Self, CustomerError> {
        let Token(token) = Token::from_request_parts(parts, state).await?;
        let session = state.engine.customer_session(&token).await?;
        Ok(Self { session, token })
    }
}

/// The form (or query, or JSON) parameters, as text.
pub struct Form(HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = CustomerError;

    async fn from_request(req: Request, state: &S) -> Result<Self, CustomerError> {
        Ok(Self(crate::api::form::read(req, state).await?))
    }
}

impl Form {
    /// A parameter; empty counts as absent.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub fn required(&self, name: &str) -> Result<&str, CustomerError> {
        self.optional(name)
            .ok_or_else(|| CustomerError::missing(name))
    }

    /// A conversation id (`rid`, `group_id`, `room_id`).
    pub fn room(&self, name: &str) -> Result<String, CustomerError> {
        self.optional_room(name)?
            .ok_or_else(|| CustomerError::missing(name))
    }

    pub fn optional_room(&self, name: &str) -> Result<Option<String>, CustomerError> {
        self.optional(name)
            .map(|raw| {
                Id::parse(raw)
                    .map(|id| id.as_str().to_owned())
                    .map_err(|_| CustomerError::invalid(format!("{name} must be a room id (rid)")))
            })
            .transpose()
    }

    /// `department_id`: a positive integer.
    pub fn department(&self) -> Result<Option<i64>, CustomerError> {
        self.optional("department_id")
            .map(|raw| {
                raw.parse::<i64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .ok_or_else(|| CustomerError::invalid("department_id must be a department id"))
            })
            .transpose()
    }
}
