//! Reports and transcript exports (kefu's additions), admins only: the
//! figures as JSON or CSV, and conversations with their messages as JSON or
//! CSV. Days are `YYYY-MM-DD` in the tenant's time zone.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::{AdminOnly, Query};
use crate::api::v1::render::{message as message_json, rating as rating_json};
use crate::api::SharedState;
use crate::domain::calendar::{format_unix, Date, UtcOffset};
use crate::domain::report::{Figures, Spread};
use crate::engine::{Admin, ReportView, Selection, Transcript};

/// `GET /api/v1/reports.json?from=&to=` (default: the last 7 days).
pub async fn report(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Result<Json<Value>, AdminError> {
    let (from, to) = days(&q)?;
    let view = state.engine.report(&admin, from, to).await?;
    Ok(Json(json!({ "report": render(&admin, &view) })))
}

/// `GET /api/v1/reports.csv?from=&to=&by=day|agent|department`.
pub async fn report_csv(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Result<Response, AdminError> {
    let (from, to) = days(&q)?;
    let by = q.get("by").unwrap_or("day");
    if !["day", "agent", "department"].contains(&by) {
        return Err(AdminError::invalid(
            "by",
            "by must be day, agent or department",
        ));
    }
    let view = state.engine.report(&admin, from, to).await?;
    let mut rows = vec![{
        let mut h = vec![by.to_owned()];
        if by != "day" {
            h.push("name".to_owned());
        }
        h.extend(FIGURE_COLUMNS.iter().map(|c| (*c).to_owned()));
        h
    }];
    let r = &view.report;
    match by {
        "day" => {
            for (day, f) in &r.days {
                rows.push([vec![day.to_string()], figure_cells(f)].concat());
            }
        }
        "agent" => {
            for (id, f) in &r.agents {
                let name = view
                    .agents
                    .get(id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_default();
                rows.push([vec![id.to_string(), name], figure_cells(f)].concat());
            }
        }
        _ => {
            for (id, f) in &r.departments {
                let name = view.departments.get(id).cloned().unwrap_or_default();
                rows.push([vec![id.to_string(), name], figure_cells(f)].concat());
            }
        }
    }
    let (from, to) = (r.range.from, r.range.to);
    Ok(csv(&format!("kefu-report-{by}-{from}-{to}.csv"), &rows))
}

/// `GET /api/v1/transcripts.json?question_id=` or `?from=&to=[&after=]`.
pub async fn transcripts(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Result<Json<Value>, AdminError> {
    let (list, next) = export(&state, &admin, &q).await?;
    let offset = admin.settings.utc_offset();
    let items: Vec<Value> = list
        .iter()
        .map(|t| transcript_json(&state.public_url, offset, t))
        .collect();
    Ok(Json(json!({ "transcripts": items, "next": next })))
}

/// `GET /api/v1/transcripts.csv?...`: one row per message.
pub async fn transcripts_csv(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Result<Response, AdminError> {
    let (list, next) = export(&state, &admin, &q).await?;
    let offset = admin.settings.utc_offset();
    let mut rows = vec![[
        "question_id",
        "time",
        "sender_type",
        "sender",
        "type",
        "text",
        "action",
        "rating",
    ]
    .map(str::to_owned)
    .to_vec()];
    for t in &list {
        for m in &t.messages {
            let text = match m.kind {
                1 | 2 => crate::api::v1::render::media_url(
                    &state.public_url,
                    m.media_path.as_deref().unwrap_or_default(),
                ),
                _ => m.text.clone().unwrap_or_default(),
            };
            rows.push(vec![
                m.conversation_id.clone(),
                format_unix(m.created_at, offset),
                m.sender_type.to_string(),
                m.sender.clone(),
                m.kind.to_string(),
                text,
                m.action.map(|a| a.to_string()).unwrap_or_default(),
                m.rating.map(|r| r.to_string()).unwrap_or_default(),
            ]);
        }
    }
    let mut response = csv("kefu-transcripts.csv", &rows);
    if let Some(Ok(next)) = next.map(|n| HeaderValue::from_str(&n)) {
        // The cursor of the next call, as the JSON's `next`.
        response.headers_mut().insert("x-next-after", next);
    }
    Ok(response)
}

async fn export(
    state: &SharedState,
    admin: &Admin,
    q: &Query,
) -> Result<(Vec<Transcript>, Option<String>), AdminError> {
    let selection = match q.get("question_id") {
        Some(id) => Selection::One(id),
        None => {
            let (from, to) = days(q)?;
            Selection::Started {
                from,
                to,
                after: q.get("after"),
            }
        }
    };
    Ok(state.engine.transcripts(admin, selection).await?)
}

/// `from` and `to`, each optional (the engine fills in the week up to today).
fn days(q: &Query) -> Result<(Option<Date>, Option<Date>), AdminError> {
    let parse = |field: &'static str| {
        q.get(field)
            .map(|s| {
                Date::parse(s.trim()).ok_or_else(|| {
                    AdminError::invalid(field, format!("{field} must be YYYY-MM-DD"))
                })
            })
            .transpose()
    };
    Ok((parse("from")?, parse("to")?))
}

fn render(admin: &Admin, view: &ReportView) -> Value {
    let r = &view.report;
    let offset = admin.settings.utc_offset();
    let with = |mut head: Value, f: &Figures| {
        if let (Value::Object(head), Value::Object(body)) = (&mut head, figures(f)) {
            head.extend(body);
        }
        head
    };
    json!({
        "from": r.range.from.to_string(),
        "to": r.range.to.to_string(),
        "utc_offset": f64::from(offset.minutes()) / 60.0,
        "totals": figures(&r.totals),
        "days": r.days.iter().map(|(d, f)| with(json!({ "date": d.to_string() }), f)).collect::<Vec<_>>(),
        "agents": r.agents.iter().map(|(id, f)| {
            let (account, name) = view.agents.get(id).cloned().unwrap_or_default();
            with(json!({ "sId": id, "sPassportName": account, "name": name }), f)
        }).collect::<Vec<_>>(),
        "departments": r.departments.iter().map(|(id, f)| {
            with(json!({ "id": id, "name": view.departments.get(id).cloned().unwrap_or_default() }), f)
        }).collect::<Vec<_>>(),
        "online": r.online.iter().map(|h| json!({
            "date": h.date.to_string(), "hour": h.hour, "agents": h.agents,
        })).collect::<Vec<_>>(),
    })
}

fn figures(f: &Figures) -> Value {
    let spread = |s: &Spread| json!({ "median": s.median, "p90": s.p90 });
    let d = f.csat.distribution;
    json!({
        "started": f.started,
        "served": f.served,
        "finished": f.finished,
        "timed_out": f.timed_out,
        "messages": f.messages(),
        "customer_messages": f.customer_messages,
        "agent_messages": f.agent_messages,
        "first_response": spread(&f.first_response),
        "resolution": spread(&f.resolution),
        "queue_wait": spread(&f.queue_wait),
        "csat": {
            "count": f.csat.count,
            "average": f.csat.average,
            "distribution": { "1": d[0], "2": d[1], "3": d[2], "4": d[3], "5": d[4] },
        },
    })
}

const FIGURE_COLUMNS: [&str; 20] = [
    "started",
    "served",
    "finished",
    "timed_out",
    "messages",
    "customer_messages",
    "agent_messages",
    "first_response_median",
    "first_response_p90",
    "resolution_median",
    "resolution_p90",
    "queue_wait_median",
    "queue_wait_p90",
    "csat_count",
    "csat_average",
    "csat_1",
    "csat_2",
    "csat_3",
    "csat_4",
    "csat_5",
];

fn figure_cells(f: &Figures) -> Vec<String> {
    let n = |x: Option<f64>| x.map(|x| x.to_string()).unwrap_or_default();
    let mut cells = vec![
        f.started.to_string(),
        f.served.to_string(),
        f.finished.to_string(),
        f.timed_out.to_string(),
        f.messages().to_string(),
        f.customer_messages.to_string(),
        f.agent_messages.to_string(),
        n(f.first_response.median),
        n(f.first_response.p90),
        n(f.resolution.median),
        n(f.resolution.p90),
        n(f.queue_wait.median),
        n(f.queue_wait.p90),
        f.csat.count.to_string(),
        n(f.csat.average),
    ];
    cells.extend(f.csat.distribution.iter().map(i64::to_string));
    cells
}

fn transcript_json(public_url: &str, offset: UtcOffset, t: &Transcript) -> Value {
    let q = &t.question;
    let rating = t.messages.iter().find(|m| m.rating.is_some());
    json!({
        "question_id": q.id,
        "title": q.title,
        "status_code": q.status,
        "created_at": q.created_at,
        "created": format_unix(q.created_at, offset),
        "customer": t.customer.as_ref().map(|c| json!({ "user_id": c.user_id, "name": c.name })),
        "agent": t.agent.as_ref().map(|a| json!({ "sId": a.id, "sPassportName": a.account, "name": a.name })),
        "rating": rating.map(rating_json),
        "messages": t.messages.iter().map(|m| message_json(m, public_url)).collect::<Vec<_>>(),
    })
}

/// A CSV download: UTF-8 with a byte-order mark (so spreadsheet programs
/// read the Chinese right), fields quoted where they need it.
fn csv(filename: &str, rows: &[Vec<String>]) -> Response {
    let mut out = String::from("\u{feff}");
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    (headers, out).into_response()
}

/// A cell, quoted when it holds a comma, quote or line break; a leading
/// `=`, `+`, `-` or `@` is prefixed with `'` so a spreadsheet never runs
/// a customer's text as a formula.
fn csv_cell(cell: &str) -> String {
    let guarded = match cell.chars().next() {
        Some('=' | '+' | '-' | '@') if cell.parse::<f64>().is_err() => format!("'{cell}"),
        _ => cell.to_owned(),
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::csv_cell;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("你好"), "你好");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("-3.5"), "-3.5");
    }
}
