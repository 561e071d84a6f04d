//! The OpenAPI 3 description of every route, served at `/openapi.json`.

use axum::Json;
use serde_json::{json, Value};

pub async fn serve() -> Json<Value> {
    Json(document())
}

pub fn document() -> Value {
    json!({ "openapi": "3.0.3", "info": { "title": "kefu", "version": env!("CARGO_PKG_VERSION") }, "paths": {} })
}
