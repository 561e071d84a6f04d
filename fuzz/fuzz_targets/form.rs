//! Form, multipart, query and JSON parameters through `api::form::read`
//! (what every form dialect calls) and seed 003's `Params` on top of it.
//!
//! Input: one byte choosing the content type, then the query string up to
//! the first newline, then the body.
#![no_main]

use kefu::fuzzing;
use libfuzzer_sys::fuzz_target;

/// The multipart boundary the seeds in `corpus/form` use.
const MULTIPART: &str = "multipart/form-data; boundary=kefu";

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let content_type = match mode % 5 {
        0 => Some("application/x-www-form-urlencoded"),
        1 => Some("application/json"),
        2 => Some(MULTIPART),
        3 => Some("text/plain"),
        _ => None,
    };
    let (query, body) = match rest.iter().position(|&b| b == b'\n') {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (&[][..], rest),
    };
    let uri = format!("/?{}", String::from_utf8_lossy(query));
    let build = |authorization| {
        fuzzing::request(&uri, content_type, authorization, body.to_vec())
            .or_else(|| fuzzing::request("/", content_type, authorization, body.to_vec()))
    };

    if let Some(req) = build(None) {
        if let Ok(params) = fuzzing::form(req) {
            // The boundary's promise: no NUL character gets past it.
            for (name, value) in &params {
                assert!(!name.contains('\0') && !value.contains('\0'));
            }
        }
    }
    if let Some(req) = build(Some("Bearer abcdefghijkl")) {
        if let Ok(params) = fuzzing::v1_params(req) {
            let _ = params.session();
            let _ = params.identify();
            let _ = params.page("question_id");
            let _ = params.bounded("title", 1, 200);
        }
    }
});
