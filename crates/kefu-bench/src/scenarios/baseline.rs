//! Baseline: `GET /customers/auth_ping` as fast as C keep-alive connections
//! can ask (closed loop). The cheapest authenticated request is the HTTP
//! ceiling of this stack on this machine; the other figures read as a
//! fraction of it.

use std::time::Duration;

use super::{cpu_during, Ctx, WARM_UP};
use crate::client::Conn;
use crate::report::Figure;
use crate::stats::summarize;
use crate::Result;

/// One connection's tally inside the window.
#[derive(Default)]
struct Tally {
    latencies: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

pub async fn run(ctx: &mut Ctx) -> Result<Vec<Figure>> {
    let c = ctx.sizes.conversations;
    let seconds = ctx.sizes.seconds;
    let mut conns = Vec::with_capacity(c);
    for _ in 0..c {
        conns.push(ctx.conn().await?);
    }
    let origin = ctx.origin;
    let start = ctx.now_ns() + 50_000_000;
    let window_start = start + WARM_UP.as_nanos() as u64;
    let window_end = window_start + Duration::from_secs(seconds).as_nanos() as u64;
    let cpu = cpu_during(ctx, "", window_start, window_end);
    let tasks: Vec<_> = conns
        .into_iter()
        .map(|mut conn: Conn| {
            let token = ctx.access_token.clone();
            tokio::spawn(async move {
                let mut tally = Tally::default();
                tokio::time::sleep_until((origin + Duration::from_nanos(start)).into()).await;
                loop {
                    let sent = origin.elapsed().as_nanos() as u64;
                    if sent >= window_end {
                        return tally;
                    }
                    let outcome = conn.get("/customers/auth_ping", Some(&token)).await;
                    let took = origin.elapsed().as_nanos() as u64 - sent;
                    if sent < window_start {
                        continue;
                    }
                    match outcome {
                        Ok(reply) if reply.status == 200 => tally.latencies.push(took),
                        Ok(reply) => {
                            tally.errors += 1;
                            tally
                                .first_error
                                .get_or_insert(format!("HTTP {}", reply.status));
                        }
                        Err(e) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert(e.to_string());
                        }
                    }
                }
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let (mut errors, mut first_error) = (0, None);
    for task in tasks {
        let tally = task.await?;
        latencies.extend(tally.latencies);
        errors += tally.errors;
        first_error = first_error.or(tally.first_error);
    }
    if let Some(e) = &first_error {
        eprintln!("  baseline: {errors} errors, the first: {e}");
    }
    let requests = latencies.len() as f64 / seconds as f64;
    let summary = summarize(latencies).ok_or("no auth_ping answered in the window")?;
    let mut figures = vec![
        Figure::new("connections", c as f64, ""),
        Figure::new("requests", requests, "req/s"),
        Figure::new("p50", summary.p50, "ms"),
        Figure::new("p99", summary.p99, "ms"),
    ];
    figures.extend(cpu.await?);
    figures.push(Figure::check("errors", errors));
    Ok(figures)
}
