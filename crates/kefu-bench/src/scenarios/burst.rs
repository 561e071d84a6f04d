//! Routing burst: B fresh agents online, then N customers `connect` at once
//! (each on a connection of its own, released together by a barrier). How
//! long until every one of them is assigned or queued, and whether routing
//! kept its promises: no agent over `max_chats`, as many assigned as there
//! was capacity for, everybody else in the queue.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Barrier;

use super::Ctx;
use crate::client::{parallel, Conn};
use crate::report::{Figure, Goal};
use crate::setup::{connect, Agent, Connected, OFFLINE, ONLINE};
use crate::stats::summarize;
use crate::Result;

pub async fn run(ctx: &mut Ctx) -> Result<Vec<Figure>> {
    let accounts = ctx.accounts('u', ctx.sizes.burst_agents);
    eprintln!("  burst: {} agents online", accounts.len());
    let api = &ctx.api;
    // Routing needs no agent session: created and set online only.
    let agents = parallel(
        ctx.addr(),
        4,
        accounts.len(),
        async |conn: &mut Conn, i: usize| {
            let password = format!("pw-{}", accounts[i]);
            let s_id = api.create_agent(conn, &accounts[i], &password).await?;
            Ok(Agent {
                account: accounts[i].clone(),
                s_id,
                session: String::new(),
            })
        },
    )
    .await?;
    let outcome = match ctx.api.set_states(&agents, ONLINE).await {
        Ok(()) => measure(ctx, &agents).await,
        Err(e) => Err(e),
    };
    let offline = ctx.api.set_states(&agents, OFFLINE).await;
    let figures = outcome?;
    offline?;
    Ok(figures)
}

async fn measure(ctx: &mut Ctx, agents: &[Agent]) -> Result<Vec<Figure>> {
    let n = ctx.sizes.burst_customers;
    let mut conns = Vec::with_capacity(n);
    for _ in 0..n {
        conns.push(ctx.conn().await?);
    }
    eprintln!("  burst: {n} customers connect at once");
    let barrier = Arc::new(Barrier::new(n));
    let origin = ctx.origin;
    let tasks: Vec<_> = conns
        .into_iter()
        .enumerate()
        .map(|(i, mut conn)| {
            let (barrier, token) = (barrier.clone(), ctx.access_token.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let start = origin.elapsed().as_nanos() as u64;
                let answer = connect(&mut conn, &token, &format!("bench-burst-{i}")).await;
                let end = origin.elapsed().as_nanos() as u64;
                (start, end, answer.map_err(|e| e.to_string()))
            })
        })
        .collect();
    let (mut first_start, mut last_end) = (u64::MAX, 0);
    let mut latencies = Vec::with_capacity(n);
    let mut answers: Vec<Connected> = Vec::with_capacity(n);
    let (mut errors, mut first_error) = (0u64, None);
    for task in tasks {
        let (start, end, answer) = task.await?;
        first_start = first_start.min(start);
        last_end = last_end.max(end);
        latencies.push(end - start);
        match answer {
            Ok(answer) => answers.push(answer),
            Err(e) => {
                errors += 1;
                first_error.get_or_insert(e);
            }
        }
    }
    if let Some(e) = first_error {
        eprintln!("  burst: {errors} connects failed, the first: {e}");
    }
    let assigned = answers.iter().filter(|a| !a.agent_id.is_empty()).count();
    let queued = answers
        .iter()
        .filter(|a| a.agent_id.is_empty() && a.wait > 0)
        .count();
    ctx.stored += assigned as u64;
    let mut load: HashMap<&str, usize> = HashMap::new();
    for answer in answers.iter().filter(|a| !a.agent_id.is_empty()) {
        *load.entry(answer.agent_id.as_str()).or_default() += 1;
    }
    let over_capacity = load.values().filter(|&&l| l > ctx.max_chats).count();
    let foreign = load
        .keys()
        .filter(|id| !agents.iter().any(|a| a.account == **id))
        .count();
    let expected = n.min(agents.len() * ctx.max_chats);
    let summary = summarize(latencies);
    let value = |f: fn(&crate::stats::Summary) -> f64| summary.as_ref().map(f);
    Ok(vec![
        Figure::new("customers", n as f64, ""),
        Figure::new("agents", agents.len() as f64, ""),
        Figure::new("max_chats", ctx.max_chats as f64, ""),
        Figure::new(
            "time",
            (last_end.saturating_sub(first_start)) as f64 / 1e6,
            "ms",
        )
        .goal(Goal::AtMost(1000.0)),
        Figure::maybe("connect.p50", value(|s| s.p50), "ms"),
        Figure::maybe("connect.p99", value(|s| s.p99), "ms"),
        Figure::new("assigned", assigned as f64, ""),
        Figure::new("queued", queued as f64, ""),
        Figure::check("unaccounted", (n - assigned - queued) as u64),
        Figure::check("agents_over_capacity", over_capacity as u64),
        Figure::check("assigned_off_capacity", assigned.abs_diff(expected) as u64),
        Figure::check("other_agents", foreign as u64),
        Figure::check("errors", errors),
    ])
}
