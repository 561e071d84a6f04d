//! Seed 002's requests: the wrapped JSON body (`{"support": {...}}`) through
//! `JsonBody` and its `Fields` readers, the query string through `Query`,
//! and comma-separated id lists.
//!
//! Input: the query string up to the first newline, then the body.
#![no_main]

use kefu::fuzzing::{self, Fields};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

/// Field names the admin handlers read (seed 002's examples).
const FIELDS: &[&str] = &[
    "sId",
    "sid",
    "id",
    "sPassportName",
    "password",
    "groupId",
    "sNum",
    "name",
    "gnder",
    "email",
    "fixnumber",
    "mobile",
    "QQ",
    "isAdmin",
    "isStat",
    "mType",
    "state",
    "plate",
    "date",
    "start_time",
    "end_time",
    "url",
    "remark",
    "dutyId",
    "ids",
    "query",
    "page",
    "per_page",
    "startDT",
    "endDT",
    "created_start",
    "created_end",
    "custom_fields",
    "maxChats",
    "status",
];

fuzz_target!(|data: &[u8]| {
    let (query, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (&[][..], data),
    };
    let uri = format!("/api/v1/supports.json?{}", String::from_utf8_lossy(query));
    // curl -d sends the seed's JSON as a form: the body is JSON whatever it says.
    let form = Some("application/x-www-form-urlencoded");
    if let Some(req) = fuzzing::request(&uri, form, None, Vec::new()) {
        if let Ok(query) = fuzzing::admin_query(req) {
            for name in FIELDS {
                let _ = query.get(name);
                let _ = query.int(name);
            }
        }
    }
    let Some(req) = fuzzing::request("/api/v1/supports.json", form, None, body.to_vec()) else {
        return;
    };
    let Ok(body) = fuzzing::admin_body(req) else {
        return;
    };
    assert!(!holds_nul(&body.0), "a NUL character got past JsonBody");
    for (key, value) in &body.0 {
        let Value::Object(map) = value else { continue };
        let fields = Fields(map);
        for name in FIELDS {
            let _ = fields.text(name);
            let _ = fields.int(name);
            let _ = fields.flag(name);
        }
        for value in map.values() {
            if let Value::String(text) = value {
                if let Ok(ids) = fuzzing::id_list("group_ids", text) {
                    assert!(ids.iter().all(|id| *id > 0), "{key}: {ids:?}");
                }
            }
        }
    }
});

/// The test's own oracle: any NUL in a key or a string, at any depth.
fn holds_nul(object: &serde_json::Map<String, Value>) -> bool {
    let mut stack: Vec<&Value> = object.values().collect();
    if object.keys().any(|k| k.contains('\0')) {
        return true;
    }
    while let Some(v) = stack.pop() {
        match v {
            Value::String(s) if s.contains('\0') => return true,
            Value::Array(items) => stack.extend(items),
            Value::Object(map) => {
                if map.keys().any(|k| k.contains('\0')) {
                    return true;
                }
                stack.extend(map.values());
            }
            _ => {}
        }
    }
    false
}
