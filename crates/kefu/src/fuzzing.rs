//! Entry points for the fuzz targets in `fuzz/` (cargo-fuzz), not an API:
//! the parsers of untrusted input that are private to their modules, reached
//! here through thin wrappers that add no logic of their own, and a way to
//! run the axum extractors on a request built from the fuzzer's bytes.

use std::collections::HashMap;
use std::future::Future;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;

pub use crate::api::admin::error::AdminError;
pub use crate::api::admin::request::{id_list, Fields, JsonBody, Query};
pub use crate::api::form::FormError;
pub use crate::api::v1::error::V1Error;
pub use crate::api::v1::params::Params;
pub use crate::media::MediaError;

/// A request to `uri` with `body` and, if given, a `Content-Type` and an
/// `Authorization`; `None` when the fuzzer's bytes make no valid URI or
/// header value (no dialect ever sees such a request: hyper refuses it).
pub fn request(
    uri: &str,
    content_type: Option<&str>,
    authorization: Option<&str>,
    body: Vec<u8>,
) -> Option<Request> {
    let mut builder = Request::builder().method("POST").uri(uri);
    if let Some(value) = content_type {
        builder = builder.header(header::CONTENT_TYPE, value);
    }
    if let Some(value) = authorization {
        builder = builder.header(header::AUTHORIZATION, value);
    }
    builder.body(Body::from(body)).ok()
}

/// Runs an extractor's future to its end on a current-thread runtime (one
/// per thread, made once: a fuzzer calls this millions of times).
pub fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime builds");
    }
    RUNTIME.with(|runtime| runtime.block_on(future))
}

/// The form / multipart / query / JSON parameters, as every form dialect
/// reads them (`api::form::read`).
pub fn form(req: Request) -> Result<HashMap<String, String>, FormError> {
    block_on(crate::api::form::read(req, &()))
}

/// Seed 003's parameters (`api::v1::params::Params`, `Bearer` included).
pub fn v1_params(req: Request) -> Result<Params, V1Error> {
    block_on(Params::from_request(req, &()))
}

/// Seed 002's JSON body (`api::admin::request::JsonBody`).
pub fn admin_body(req: Request) -> Result<JsonBody, AdminError> {
    block_on(JsonBody::from_request(req, &()))
}

/// Seed 002's query string (`api::admin::request::Query`).
pub fn admin_query(req: Request) -> Result<Query, AdminError> {
    let (mut parts, _) = req.into_parts();
    block_on(Query::from_request_parts(&mut parts, &()))
}

/// A client's WebSocket frame as the socket judges it before running it:
/// `Err` is the error event it answers with.
pub fn ws_frame(text: &str) -> Result<(), String> {
    crate::api::ws::frames::check(text)
}

/// The error event of a frame the socket's own limits refuse.
pub fn ws_refusal(text: &str) -> String {
    crate::api::ws::frames::refusal(text, V1Error::too_large(None, "the frame is too large"))
}

/// A base64 upload of seed 003 (`image`, `audio`), decoded within `max_bytes`.
pub fn decode_base64(raw: &str, max_bytes: usize) -> Result<Vec<u8>, V1Error> {
    crate::api::v1::messages::decode_base64("image", raw, max_bytes)
}

/// Whether `bytes` decode whole as a JPEG within the pixel budget.
pub fn check_jpeg(bytes: &[u8]) -> Result<(), MediaError> {
    crate::media::check_jpeg(bytes)
}

/// The audio format `bytes` start with, by magic.
pub fn audio_extension(bytes: &[u8]) -> Option<&'static str> {
    crate::media::audio_extension(bytes)
}
