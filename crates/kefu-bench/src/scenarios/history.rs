//! History: reading pages once the tenant holds N messages. Customers
//! `connect` while every agent is offline, so their conversations wait in
//! the queue (customers may write while waiting); the bench fills them until
//! the run has stored N messages, then times, one request after another on
//! one keep-alive connection, random pages of random conversations
//! (`GET /v1/question/{id}/message`) and random pages of the pending list
//! (`GET /v1/question/list`). At the end the customers close their
//! conversations, so that the burst's agents find an empty queue.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

use super::Ctx;
use crate::client::{parallel, Conn};
use crate::report::{Figure, Goal};
use crate::setup::{bind, shutdown_service, text_form, Connected};
use crate::stats::{summarize, Rng, Summary};
use crate::Result;

/// Rows per page: the API's default `num`.
const PAGE: usize = 20;
/// The API's largest `page`.
const LAST_PAGE: usize = 50;
/// The fill gives up after this many failed sends.
const MAX_FILL_ERRORS: u64 = 100;

/// Conversations to fill: 1,000 for a million messages, fewer for small runs.
fn conversations(messages: u64) -> usize {
    ((messages / 100) as usize).clamp(10, 1000)
}

pub async fn run(ctx: &mut Ctx) -> Result<Vec<Figure>> {
    let h = conversations(ctx.sizes.history_messages);
    eprintln!("  history: {h} customers connect (no agent online: they wait)");
    let connected = ctx
        .api
        .connect_many(&ctx.access_token, "bench-history", h)
        .await?;
    ctx.stored += connected.iter().filter(|c| !c.agent_id.is_empty()).count() as u64;
    let outcome = measure(ctx, &connected).await;
    eprintln!("  history: the customers close their conversations");
    let closed = parallel(
        ctx.addr(),
        8,
        connected.len(),
        async |conn: &mut Conn, i: usize| {
            shutdown_service(conn, &connected[i].token, &connected[i].rid).await
        },
    )
    .await;
    let figures = outcome?;
    closed?;
    Ok(figures)
}

async fn measure(ctx: &mut Ctx, connected: &[Connected]) -> Result<Vec<Figure>> {
    let h = connected.len();
    let waiting = connected.iter().filter(|c| c.wait > 0).count();
    // At least a page per conversation, so that every read finds messages.
    let need = ctx
        .sizes
        .history_messages
        .saturating_sub(ctx.stored)
        .max((h * PAGE) as u64);
    eprintln!("  history: storing {need} messages");
    let fill = fill(ctx, connected, need).await?;
    ctx.stored += fill.stored;
    let mut figures = vec![
        Figure::new("conversations", h as f64, ""),
        Figure::new("messages", ctx.stored as f64, ""),
        Figure::new("fill.rate", fill.stored as f64 / fill.seconds, "msg/s"),
    ];
    let mut errors = fill.errors;

    let requests = ctx.sizes.history_requests;
    eprintln!("  history: {requests} message pages, {requests} pending pages");
    let mut conn = ctx.conn().await?;
    let mut rng = Rng::from_time();
    let with_messages: Vec<usize> = (0..h).filter(|&i| fill.per_conversation[i] > 0).collect();
    if with_messages.is_empty() {
        return Err(format!("no message could be stored ({} errors)", fill.errors).into());
    }
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let i = with_messages[rng.below(with_messages.len())];
        let pages = (fill.per_conversation[i] as usize)
            .div_ceil(PAGE)
            .min(LAST_PAGE + 1);
        let page = rng.below(pages).to_string();
        let path = format!("/v1/question/{}/message", connected[i].rid);
        let query = [("session", connected[i].token.as_str()), ("page", &page)];
        let (took, ok) = timed(&mut conn, &path, &query, "messages").await;
        latencies.push(took);
        errors += u64::from(!ok);
    }
    figures.extend(page_figures("message_page", summarize(latencies)));

    // An agent's view of the queue: the admin, bound to a device session.
    let tenant = &ctx.api.tenant;
    let session = ctx
        .api
        .session(&mut conn, &format!("bench-{}-admin-device", ctx.tag))
        .await?;
    bind(&mut conn, &session, &tenant.admin, &tenant.admin_password).await?;
    let pages = waiting.div_ceil(PAGE).clamp(1, LAST_PAGE + 1);
    let mut latencies = Vec::with_capacity(requests);
    for _ in 0..requests {
        let page = rng.below(pages).to_string();
        let query = [
            ("session", session.as_str()),
            ("serv_id", tenant.admin.as_str()),
            ("page", &page),
        ];
        let (took, ok) = timed(&mut conn, "/v1/question/list", &query, "questions").await;
        latencies.push(took);
        errors += u64::from(!ok);
    }
    figures.extend(page_figures("pending_page", summarize(latencies)));
    figures.push(Figure::new("pending", waiting as f64, ""));
    figures.push(Figure::check("errors", errors));
    Ok(figures)
}

/// One GET and how long it took; ok when it is status 200 with a
/// non-empty `list_field`.
async fn timed(
    conn: &mut Conn,
    path: &str,
    query: &[(&str, &str)],
    list_field: &str,
) -> (u64, bool) {
    let start = Instant::now();
    let reply = conn.get_query(path, query).await;
    let took = start.elapsed().as_nanos() as u64;
    let ok = match reply {
        Ok(reply) if reply.status == 200 => {
            serde_json::from_slice::<Value>(&reply.body).is_ok_and(|body| {
                body["status"] == 200 && body[list_field].as_array().is_some_and(|l| !l.is_empty())
            })
        }
        _ => false,
    };
    if !ok {
        eprintln!("  history: GET {path} failed or answered an empty list");
    }
    (took, ok)
}

fn page_figures(name: &str, summary: Option<Summary>) -> Vec<Figure> {
    let value = |f: fn(&Summary) -> f64| summary.as_ref().map(f);
    vec![
        Figure::maybe(format!("{name}.p50"), value(|s| s.p50), "ms"),
        Figure::maybe(format!("{name}.p99"), value(|s| s.p99), "ms").goal(Goal::AtMost(2.0)),
        Figure::maybe(format!("{name}.max"), value(|s| s.max), "ms"),
    ]
}

struct Filled {
    stored: u64,
    errors: u64,
    seconds: f64,
    per_conversation: Vec<u64>,
}

/// Stores `need` messages over the conversations as fast as C connections
/// can send them (closed loop), each connection writing in its own share
/// of the conversations in turn.
async fn fill(ctx: &Ctx, connected: &[Connected], need: u64) -> Result<Filled> {
    let h = connected.len();
    let workers = ctx.sizes.conversations.clamp(1, h);
    let forms: Arc<Vec<(String, String)>> = Arc::new(connected.iter().map(text_form).collect());
    let claimed = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let per_conversation: Arc<Vec<AtomicU64>> =
        Arc::new((0..h).map(|_| AtomicU64::new(0)).collect());
    let done = Arc::new(AtomicBool::new(false));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(workers);
    for w in 0..workers {
        let mut conn = ctx.conn().await?;
        let (forms, claimed, errors, per_conversation) = (
            forms.clone(),
            claimed.clone(),
            errors.clone(),
            per_conversation.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mine: Vec<usize> = (w..h).step_by(workers).collect();
            let mut turn = 0;
            loop {
                let n = claimed.fetch_add(1, Ordering::Relaxed);
                if n >= need || errors.load(Ordering::Relaxed) > MAX_FILL_ERRORS {
                    return;
                }
                let i = mine[turn % mine.len()];
                turn += 1;
                let (path, prefix) = &forms[i];
                let body = Bytes::from(format!("{prefix}h{n}"));
                match conn.post_encoded(path, None, body).await {
                    Ok(reply) if reply.is_v1_ok() => {
                        per_conversation[i].fetch_add(1, Ordering::Relaxed);
                    }
                    outcome => {
                        if errors.fetch_add(1, Ordering::Relaxed) == 0 {
                            let why = match outcome {
                                Ok(reply) => format!("HTTP {}", reply.status),
                                Err(e) => e.to_string(),
                            };
                            eprintln!("  history: a send failed: {why}");
                        }
                        // The message is still needed.
                        claimed.fetch_sub(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let progress = {
        let (per_conversation, done) = (per_conversation.clone(), done.clone());
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            tick.tick().await;
            loop {
                tick.tick().await;
                if done.load(Ordering::Relaxed) {
                    return;
                }
                let stored: u64 = per_conversation
                    .iter()
                    .map(|c| c.load(Ordering::Relaxed))
                    .sum();
                eprintln!("  history: {stored} of {need} stored");
            }
        })
    };
    for task in tasks {
        task.await?;
    }
    done.store(true, Ordering::Relaxed);
    progress.abort();
    let seconds = start.elapsed().as_secs_f64();
    let per_conversation: Vec<u64> = per_conversation
        .iter()
        .map(|c| c.load(Ordering::Relaxed))
        .collect();
    Ok(Filled {
        stored: per_conversation.iter().sum(),
        errors: errors.load(Ordering::Relaxed),
        seconds,
        per_conversation,
    })
}
