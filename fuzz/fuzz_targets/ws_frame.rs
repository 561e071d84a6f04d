//! A client's WebSocket frames (`send`, `typing`, `read`, `ping`) as the
//! socket parses them before running anything, and the error events it
//! answers with (which must be JSON that echoes the frame's `ref`).
//!
//! Input: the frame's text (WebSocket text frames are UTF-8).
#![no_main]

use kefu::fuzzing;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(body) = fuzzing::ws_frame(text) {
        assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
    }
    let body = fuzzing::ws_refusal(text);
    assert!(serde_json::from_str::<Value>(&body).is_ok(), "{body}");
});
