//! Seed 002's response shapes: the agent object, lists with page links, and
//! creates' answers.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::Query;
use crate::domain::calendar::{format_unix, parse_to_unix, UtcOffset};
use crate::engine::{Admin, AgentView};

/// The agent object, shaped as the seed's JSON example: `sId` a number,
/// flags and gender as strings, times as "YYYY-MM-DD HH:MM:SS" in the
/// tenant's time zone.
pub fn agent(base: &str, offset: UtcOffset, view: &AgentView) -> Value {
    let a = &view.agent;
    let groups: Vec<String> = view.group_ids.iter().map(i64::to_string).collect();
    json!({
        "sId": a.id,
        "url": format!("{base}/api/v1/supports/{}.json", a.id),
        "sPassportName": a.account,
        "groupId": groups.join(","),
        "sNum": a.num,
        "name": a.name,
        "gnder": a.gender.to_string(),
        "email": a.email,
        "fixnumber": a.fixnumber,
        "mobile": a.mobile,
        "QQ": a.qq,
        "isAdmin": if a.is_admin { "1" } else { "0" },
        "isStat": a.is_stat.to_string(),
        "createDT": format_unix(a.created_at, offset),
        "updateDT": format_unix(a.updated_at, offset),
        "custom_fields": view.custom_fields,
        // kefu's addition: max concurrent chats, null = the tenant's default.
        "maxChats": a.max_chats,
    })
}

pub fn agents(base: &str, admin: &Admin, views: &[AgentView]) -> Vec<Value> {
    let offset = admin.settings.utc_offset();
    views.iter().map(|v| agent(base, offset, v)).collect()
}

/// `page` and `per_page` of a list.
#[derive(Clone, Copy, Debug)]
pub struct Page {
    pub page: i64,
    pub per_page: i64,
}

pub const MAX_PER_PAGE: i64 = 100;
/// Far enough for any real list; keeps OFFSET bounded.
pub const MAX_PAGE: i64 = 100_000;

impl Page {
    /// Reads `page` (default 1) and `per_page` (default `per_page`, at most 100).
    pub fn parse(q: &Query, default_per_page: i64) -> Result<Self, AdminError> {
        let page = q.int("page")?.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(AdminError::invalid("page", "page must be 1 or more"));
        }
        let per_page = q.int("per_page")?.unwrap_or(default_per_page);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(AdminError::invalid("per_page", "per_page must be 1 to 100"));
        }
        Ok(Self { page, per_page })
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// Absolute links to the next and previous pages (`None` where there is
    /// none), keeping the request's other parameters.
    pub fn links(
        &self,
        base: &str,
        path: &str,
        q: &Query,
        count: i64,
    ) -> (Option<String>, Option<String>) {
        let link = |page: i64| {
            let mut pairs: Vec<(&str, String)> =
                q.0.iter()
                    .filter(|(k, _)| k.as_str() != "page" && k.as_str() != "per_page")
                    .map(|(k, v)| (k.as_str(), v.clone()))
                    .collect();
            pairs.sort();
            pairs.push(("per_page", self.per_page.to_string()));
            pairs.push(("page", page.to_string()));
            let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
            format!("{base}{path}?{query}")
        };
        let next = (self.page * self.per_page < count).then(|| link(self.page + 1));
        let previous = (self.page > 1).then(|| link(self.page - 1));
        (next, previous)
    }
}

/// A `created_start` filter, "2012-01-01 00:00:00" (or a bare date) in the
/// tenant's time zone.
pub fn start_filter(
    q: &Query,
    name: &'static str,
    offset: UtcOffset,
) -> Result<Option<f64>, AdminError> {
    Ok(parse_time(q, name, offset)?.map(|(at, _)| at))
}

/// A `created_end` filter, as an exclusive bound: shown times are whole
/// seconds, so "10:00:00" takes in all of that second, and a bare date all
/// of that day.
pub fn end_filter(
    q: &Query,
    name: &'static str,
    offset: UtcOffset,
) -> Result<Option<f64>, AdminError> {
    Ok(parse_time(q, name, offset)?
        .map(|(at, date_only)| at + if date_only { 86_400.0 } else { 1.0 }))
}

fn parse_time(
    q: &Query,
    name: &'static str,
    offset: UtcOffset,
) -> Result<Option<(f64, bool)>, AdminError> {
    q.get(name)
        .map(|v| {
            let v = v.trim();
            parse_to_unix(v, offset)
                .map(|at| (at, !v.contains(':')))
                .ok_or_else(|| {
                    AdminError::invalid(name, format!("{name} must look like 2012-01-01 00:00:00"))
                })
        })
        .transpose()
}

/// `asc`/`desc` (default `default_desc`).
pub fn sort_order(q: &Query, name: &'static str, default_desc: bool) -> Result<bool, AdminError> {
    match q.get(name) {
        None => Ok(default_desc),
        Some("asc") => Ok(false),
        Some("desc") => Ok(true),
        Some(_) => Err(AdminError::invalid(
            name,
            format!("{name} must be asc or desc"),
        )),
    }
}

/// One page of a list: the items under `key`, the `count` of all, and the
/// links of [`Page::links`].
pub fn list(
    key: &str,
    items: Vec<Value>,
    count: i64,
    (next, previous): (Option<String>, Option<String>),
) -> Json<Value> {
    Json(json!({ key: items, "count": count, "next_page": next, "previous_page": previous }))
}

/// A create's answer, as the seed shows: 200, `Location` naming the new
/// resource (the object's own `url`), and the object under `key`.
pub fn created(key: &str, object: Value) -> (HeaderMap, Json<Value>) {
    let location = object["url"].as_str().map(str::to_owned);
    created_at(location.as_deref(), key, object)
}

/// [`created`] for objects whose `url` is not their own address.
pub fn created_at(location: Option<&str>, key: &str, object: Value) -> (HeaderMap, Json<Value>) {
    let mut headers = HeaderMap::new();
    if let Some(Ok(location)) = location.map(HeaderValue::from_str) {
        headers.insert(header::LOCATION, location);
    }
    (headers, Json(json!({ key: object })))
}
