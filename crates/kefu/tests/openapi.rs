//! The OpenAPI document against the route table: every routed (method, path)
//! is documented, nothing else is, and every `$ref` resolves. No server needed.

mod common;

use std::collections::BTreeSet;

use kefu::api::openapi::document;
use kefu::api::route_table;
use serde_json::Value;

type Operation = (String, String);

fn routed() -> BTreeSet<Operation> {
    route_table()
        .into_iter()
        .map(|(method, path)| (method.to_owned(), path.to_owned()))
        .collect()
}

fn documented(doc: &Value) -> BTreeSet<Operation> {
    let paths = doc["paths"].as_object().expect("paths is an object");
    paths
        .iter()
        .flat_map(|(path, item)| {
            let item = item.as_object().expect("a path item is an object");
            item.keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect()
}

/// Each operation object with its method and path.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    documented(doc)
        .into_iter()
        .map(|(method, path)| {
            let op = &doc["paths"][&path][&method];
            (method, path, op)
        })
        .collect()
}

/// Every `$ref` anywhere under `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// What a local `$ref` points at, if anything.
fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[test]
fn every_route_is_documented() {
    let doc = document();
    let missing: Vec<_> = routed().difference(&documented(&doc)).cloned().collect();
    assert!(missing.is_empty(), "routed but not documented: {missing:?}");
}

#[test]
fn every_documented_operation_is_routed() {
    let doc = document();
    let extra: Vec<_> = documented(&doc).difference(&routed()).cloned().collect();
    assert!(extra.is_empty(), "documented but not routed: {extra:?}");
}

#[test]
fn the_route_table_has_no_duplicates() {
    let table = route_table();
    assert_eq!(
        table.len(),
        routed().len(),
        "a (method, path) is routed twice"
    );
}

#[test]
fn every_ref_resolves_under_components() {
    let doc = document();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty(), "the document uses no $ref at all");
    for reference in all {
        assert!(
            reference.starts_with("#/components/"),
            "{reference} does not point under components"
        );
        let target = resolve(&doc, reference);
        assert!(
            target.is_some_and(Value::is_object),
            "{reference} does not resolve"
        );
    }
}

#[test]
fn every_component_is_used() {
    let doc = document();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    // Security schemes are named by operations' `security`, not referenced.
    let schemes: Vec<String> = operations(&doc)
        .into_iter()
        .flat_map(|(_, _, op)| op["security"].as_array().cloned().unwrap_or_default())
        .flat_map(|requirement| {
            requirement
                .as_object()
                .map(|r| r.keys().cloned().collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .map(|name| format!("#/components/securitySchemes/{name}"))
        .collect();
    let used: BTreeSet<&str> = all
        .into_iter()
        .chain(schemes.iter().map(String::as_str))
        .collect();
    let components = doc["components"].as_object().expect("components");
    for (kind, entries) in components {
        for name in entries.as_object().expect("a component map").keys() {
            let reference = format!("#/components/{kind}/{name}");
            assert!(
                used.contains(reference.as_str()),
                "{reference} is never used"
            );
        }
    }
}

#[test]
fn operations_are_described_and_answer_200() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.0.3");
    let mut ids = BTreeSet::new();
    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        for key in ["summary", "description", "operationId"] {
            let text = op[key].as_str().unwrap_or_default();
            assert!(!text.trim().is_empty(), "{at}: no {key}");
        }
        assert!(
            ids.insert(op["operationId"].to_string()),
            "{at}: operationId is not unique"
        );
        // The WebSocket endpoint succeeds by switching protocols.
        let success = if path == "/ws" { "101" } else { "200" };
        let ok = &op["responses"][success];
        assert!(ok["description"].is_string(), "{at}: no {success} response");
        assert!(
            ok["content"].is_object(),
            "{at}: the 200 response has no content"
        );
    }
}

#[test]
fn v1_json_answers_say_status_200_and_errors_use_v1_error() {
    let doc = document();
    let v1_error = "#/components/schemas/V1Error";
    for (method, path, op) in operations(&doc) {
        if !path.starts_with("/v1/") {
            continue;
        }
        let at = format!("{method} {path}");
        let responses = op["responses"].as_object().expect("responses");
        let errors: Vec<&Value> = responses
            .iter()
            .filter(|(status, _)| status.as_str() != "200")
            .map(|(_, response)| response)
            .collect();
        assert!(!errors.is_empty(), "{at}: no error response");
        for error in errors {
            assert_eq!(
                error["content"]["application/json"]["schema"]["$ref"], v1_error,
                "{at}: an error response is not a V1Error"
            );
        }
        let ok = &responses["200"]["content"]["application/json"]["schema"];
        if !ok.is_null() {
            assert_eq!(
                ok["properties"]["status"]["enum"],
                serde_json::json!([200]),
                "{at}: the 200 body does not say status 200"
            );
            let required = ok["required"].as_array().expect("required");
            assert!(
                required.contains(&Value::from("status")),
                "{at}: status not required"
            );
        }
    }
    let media = &doc["paths"]["/v1/media/{tenant}/{name}"]["get"]["responses"]["200"]["content"];
    assert!(media["image/jpeg"].is_object() && media["audio/mpeg"].is_object());
    let page = &doc["paths"]["/v1/user"]["get"]["responses"]["200"]["content"];
    assert!(page["text/html"].is_object());
}

#[test]
fn path_parameters_are_declared_and_bodies_come_as_form_or_json() {
    let doc = document();
    for (method, path, op) in operations(&doc) {
        let at = format!("{method} {path}");
        let declared: BTreeSet<String> = op["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| match p["$ref"].as_str() {
                Some(reference) => resolve(&doc, reference).expect("resolves"),
                None => p,
            })
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
            .collect();
        let in_path: BTreeSet<String> = path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.split_once('}').map(|(name, _)| name))
            .map(str::to_owned)
            .collect();
        assert_eq!(declared, in_path, "{at}: path parameters");

        if method != "get" {
            let content = &op["requestBody"]["content"];
            let form = &content["application/x-www-form-urlencoded"]["schema"];
            assert!(form.is_object(), "{at}: no form body");
            assert_eq!(
                form, &content["application/json"]["schema"],
                "{at}: form and JSON differ"
            );
        }
    }
}

#[tokio::test]
async fn serve_answers_the_document() {
    let served = kefu::api::openapi::serve().await;
    assert_eq!(served.0, document());
}

/// Over HTTP: `/openapi.json` is the document, and every documented operation
/// reaches a handler (placeholders in the path), never the router's 404/405.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_documented_operation_answers_from_a_handler() {
    let app = common::TestApp::spawn(common::Backend::Sqlite)
        .await
        .expect("app");
    let (status, served) = app.get("/openapi.json", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(served, document());
    for (method, path) in documented(&served) {
        let concrete = path
            .replace("{question_id}", "0123456789abcdef01234567")
            .replace("{template_id}", "0123456789abcdef01234567")
            .replace("{item_id}", "0123456789abcdef01234567")
            .replace("{serv_id}", "nobody")
            .replace("{user_id}", "nobody")
            .replace("{tenant}", "1")
            .replace("{name}", "missing.jpg")
            .replace("{id}", "1");
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).expect("method");
        let (status, body) = app.request(method.clone(), &concrete, &[]).await;
        assert_ne!(
            body["error"], 3000,
            "{method} {concrete} is not routed: {body}"
        );
        assert_ne!(status, 405, "{method} {concrete}: {body}");
        assert!(status < 500, "{method} {concrete}: {status} {body}");
    }
}

/// Seed 002 writes its id paths as `/api/v1/supports/{id}.json`: the
/// document names them so, and the path it gives reaches the agent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_002_id_paths_are_named_as_served() {
    let doc = document();
    let paths = doc["paths"].as_object().expect("paths");
    for seed_path in [
        "/api/v1/supports/{id}.json",
        "/api/v1/servicers/{id}.json",
        "/api/v1/permissions/{id}.json",
        "/api/v1/plate_service_state/{id}.json",
    ] {
        assert!(
            paths.contains_key(seed_path),
            "{seed_path} is not documented"
        );
    }
    for path in paths.keys().filter(|p| p.starts_with("/api/v1/")) {
        assert!(
            !path.ends_with("/{id}"),
            "{path}: an id at the end without its .json"
        );
    }
    let app = common::TestApp::spawn(common::Backend::Sqlite)
        .await
        .expect("app");
    let t = app.tenant("Acme").await;
    let path = "/api/v1/supports/{id}.json".replace("{id}", &t.admin_id.to_string());
    let shown = app.api_get(&path, &t.admin()).await;
    assert_eq!(shown["support"]["sId"], t.admin_id, "{shown}");
}

/// Every error code docs/api/question-chat.md lists is one `V1Error.error`
/// may carry (schemathesis found a 409 with 4011, the rating codes, that the
/// enum did not have).
#[test]
fn v1_error_codes_are_the_documented_ones() {
    let doc = document();
    let codes = doc["components"]["schemas"]["V1Error"]["properties"]["error"]["enum"]
        .as_array()
        .expect("V1Error.error is an enum");
    let reference = include_str!("../../../docs/api/question-chat.md");
    let listed: Vec<u64> = reference
        .lines()
        .filter_map(|l| {
            l.strip_prefix("| ")?
                .split(" |")
                .next()?
                .trim()
                .parse()
                .ok()
        })
        .filter(|code| (1000..6000).contains(code))
        .collect();
    assert!(listed.contains(&4011), "the table was read: {listed:?}");
    for code in listed {
        assert!(
            codes.contains(&code.into()),
            "{code} is missing from V1Error.error"
        );
    }
}

/// The calls that take a password or the tenant's secret count failures and
/// answer 429 (2005) past the limit: the document says so (schemathesis found
/// `serv/bind` and `serv/unbind` answering an undocumented 429).
#[test]
fn throttled_v1_logins_document_429() {
    let doc = document();
    for path in [
        "/v1/session",
        "/v1/serv/bind",
        "/v1/serv/unbind",
        "/v1/console/login",
    ] {
        let op = &doc["paths"][path]["post"];
        assert!(
            op["responses"]["429"].is_object(),
            "POST {path} documents 429"
        );
    }
}
