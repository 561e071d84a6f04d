//! Chat: C served conversations. Customers send text over HTTP keep-alive
//! (seed 003 `send_text`); their agents hold WebSockets and receive each
//! message as a `message` event. A message counts when it is both stored
//! (HTTP 200) and delivered (seen on the agent's socket).
//!
//! Each text is `<phase>:<nanoseconds since the shared origin>`, so the agent
//! side computes the end-to-end latency on receipt with no bookkeeping per
//! message. Phases: a closed loop at full load (after a warm-up), then open
//! loops at fixed offered rates, where message i is due at t0 + i/R on
//! customer i % C and a customer still busy with its previous send sends late
//! with its latency counted from when the message was due (no coordinated
//! omission). A customer that is idle when a message falls due stamps the
//! moment its timer fired: tokio's timers have 1 ms granularity, and that
//! lateness is the generator's, not the server's.
//!
//! The open loops start only once every agent's socket has answered a
//! heartbeat ping: a socket without `TCP_NODELAY` delivers on time until
//! then and is held back by Nagle's algorithm after, so latency measured
//! before the first ping would hide it (`open.sockets_pinged`).

use std::borrow::Cow;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::sync::watch;
use tokio_tungstenite::tungstenite::Message;

use super::{chat_agents, cpu_during, Ctx, WARM_UP};
use crate::client::{ws_open, Conn, Ws};
use crate::report::{Figure, Goal};
use crate::setup::{text_form, Agent, Connected, OFFLINE, ONLINE};
use crate::stats::summarize;
use crate::Result;

const WARM: u8 = 0;
const FULL: u8 = 1;
/// The first open-loop phase; rate k is phase RATES + k.
const RATES: u8 = 2;

/// How long the bench waits for acknowledged messages to arrive after a phase.
const DRAIN: Duration = Duration::from_secs(10);
/// Longest wait for every agent socket's first ping (the server's heartbeat
/// is 20 s).
const FIRST_PING: Duration = Duration::from_secs(30);

pub async fn run(ctx: &mut Ctx) -> Result<Vec<Figure>> {
    let c = ctx.sizes.conversations;
    let agents = ctx.api.agents(&ctx.accounts('c', chat_agents(c))).await?;
    let deliveries = Arc::new(Deliveries::new(RATES as usize + ctx.sizes.rates.len()));
    let (stop, stopped) = watch::channel(false);
    let counters = Arc::new(SocketCounters::default());
    let mut sockets = Vec::new();
    for agent in &agents {
        let (ws, _) = ws_open(ctx.addr(), &agent_query(agent, None), false).await?;
        sockets.push(tokio::spawn(agent_socket(
            ctx.addr(),
            agent.clone(),
            ws,
            deliveries.clone(),
            stopped.clone(),
            counters.clone(),
            ctx.origin,
        )));
    }
    let outcome = match ctx.api.set_states(&agents, ONLINE).await {
        Ok(()) => measure(ctx, &agents, &deliveries, &counters.pinged).await,
        Err(e) => Err(e),
    };
    // Whatever happened, the next scenario must not route to these agents.
    let offline = ctx.api.set_states(&agents, OFFLINE).await;
    let _ = stop.send(true);
    for socket in sockets {
        let _ = socket.await;
    }
    let mut figures = outcome?;
    offline?;
    figures.push(Figure::new(
        "agent_reconnects",
        counters.reconnects.load(Ordering::Relaxed) as f64,
        "",
    ));
    Ok(figures)
}

async fn measure(
    ctx: &mut Ctx,
    agents: &[Agent],
    deliveries: &Deliveries,
    pinged: &AtomicU64,
) -> Result<Vec<Figure>> {
    let c = ctx.sizes.conversations;
    let seconds = ctx.sizes.seconds;
    eprintln!("  chat: {c} customers connect to {} agents", agents.len());
    let connected = ctx
        .api
        .connect_many(&ctx.access_token, "bench-chat", c)
        .await?;
    ctx.stored += c as u64; // each assignment stores a notice
    for (i, customer) in connected.iter().enumerate() {
        if customer.wait != 0 || !agents.iter().any(|a| a.account == customer.agent_id) {
            return Err(format!(
                "customer {i} was not served at once by a bench agent: agent_id {:?}, wait {}",
                customer.agent_id, customer.wait
            )
            .into());
        }
    }
    let mut customers = Vec::with_capacity(c);
    for customer in &connected {
        customers.push(Customer::new(ctx.conn().await?, customer));
    }
    let mut figures = vec![
        Figure::new("conversations", c as f64, ""),
        Figure::new("agents", agents.len() as f64, ""),
    ];

    eprintln!(
        "  chat: full load, {seconds} s after {} s of warm-up",
        WARM_UP.as_secs()
    );
    let (back, tally, cpu) = closed_loop(ctx, customers).await;
    customers = back;
    let lost = drain(deliveries, &tally, &[WARM, FULL]).await;
    let delivered = deliveries.count(FULL);
    let summary = summarize(deliveries.latencies(FULL));
    let target = if ctx.backend.starts_with("postgres") {
        10_000.0
    } else {
        20_000.0
    };
    figures.extend([
        Figure::new("full.delivered", delivered as f64 / seconds as f64, "msg/s")
            .goal(Goal::AtLeast(target)),
        Figure::new(
            "full.stored",
            tally.acks[FULL as usize] as f64 / seconds as f64,
            "msg/s",
        ),
    ]);
    figures.extend(latency_figures("full", summary, None));
    figures.extend(cpu);
    figures.push(Figure::check("full.lost", lost));
    figures.push(Figure::check("full.errors", tally.errors));
    let mut stored = tally.acks.iter().sum::<u64>();

    eprintln!("  chat: waiting for every agent socket's first heartbeat ping");
    let waited = Instant::now();
    while pinged.load(Ordering::Relaxed) < agents.len() as u64 && waited.elapsed() < FIRST_PING {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    figures.push(
        Figure::new(
            "open.sockets_pinged",
            pinged.load(Ordering::Relaxed) as f64,
            "sockets",
        )
        .goal(Goal::AtLeast(agents.len() as f64)),
    );

    for (k, &rate) in ctx.sizes.rates.clone().iter().enumerate() {
        let phase = RATES + k as u8;
        eprintln!("  chat: {rate} msg/s offered for {seconds} s");
        let (back, tally, cpu) = open_loop(ctx, customers, phase, rate).await;
        customers = back;
        let lost = drain(deliveries, &tally, &[phase]).await;
        let name = format!("r{rate}");
        let p99_target = (rate == 5000).then_some(5.0);
        figures.push(Figure::new(format!("{name}.offered"), rate as f64, "msg/s"));
        figures.push(Figure::new(
            format!("{name}.delivered"),
            deliveries.count(phase) as f64 / seconds as f64,
            "msg/s",
        ));
        figures.extend(latency_figures(
            &name,
            summarize(deliveries.latencies(phase)),
            p99_target,
        ));
        figures.extend(cpu);
        figures.push(Figure::check(format!("{name}.lost"), lost));
        figures.push(Figure::check(format!("{name}.errors"), tally.errors));
        stored += tally.acks.iter().sum::<u64>();
    }
    ctx.stored += stored;
    Ok(figures)
}

fn latency_figures(
    name: &str,
    summary: Option<crate::stats::Summary>,
    p99_target: Option<f64>,
) -> Vec<Figure> {
    let value = |f: fn(&crate::stats::Summary) -> f64| summary.as_ref().map(f);
    let mut p99 = Figure::maybe(format!("{name}.p99"), value(|s| s.p99), "ms");
    if let Some(bound) = p99_target {
        p99 = p99.goal(Goal::AtMost(bound));
    }
    vec![
        Figure::maybe(format!("{name}.p50"), value(|s| s.p50), "ms"),
        Figure::maybe(format!("{name}.p95"), value(|s| s.p95), "ms"),
        p99,
        Figure::maybe(format!("{name}.max"), value(|s| s.max), "ms"),
    ]
}

/// Waits (bounded) until every acknowledged message of `phases` arrived;
/// the number that did not.
async fn drain(deliveries: &Deliveries, tally: &Tally, phases: &[u8]) -> u64 {
    let missing = || {
        phases
            .iter()
            .map(|&p| tally.acks[p as usize].saturating_sub(deliveries.count(p)))
            .sum::<u64>()
    };
    let deadline = Instant::now() + DRAIN;
    while missing() > 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    missing()
}

/// The messages agents received: a count per phase (polled while draining)
/// and every latency sample.
struct Deliveries {
    counts: Vec<AtomicU64>,
    samples: Mutex<Vec<(u8, u64)>>,
}

impl Deliveries {
    fn new(phases: usize) -> Deliveries {
        Deliveries {
            counts: (0..phases).map(|_| AtomicU64::new(0)).collect(),
            samples: Mutex::new(Vec::new()),
        }
    }

    /// A `message` event's text `<phase>:<sent ns>` received at `now_ns`.
    fn record(&self, text: &str, now_ns: u64) {
        let Some((phase, sent)) = text.split_once(':') else {
            return;
        };
        let (Ok(phase), Ok(sent)) = (phase.parse::<u8>(), sent.parse::<u64>()) else {
            return;
        };
        let Some(count) = self.counts.get(phase as usize) else {
            return;
        };
        self.samples
            .lock()
            .expect("samples lock")
            .push((phase, now_ns.saturating_sub(sent)));
        count.fetch_add(1, Ordering::Relaxed);
    }

    fn count(&self, phase: u8) -> u64 {
        self.counts[phase as usize].load(Ordering::Relaxed)
    }

    fn latencies(&self, phase: u8) -> Vec<u64> {
        let samples = self.samples.lock().expect("samples lock");
        samples
            .iter()
            .filter(|(p, _)| *p == phase)
            .map(|(_, ns)| *ns)
            .collect()
    }
}

/// The fields of a server frame the bench reads, borrowed from the text.
#[derive(Deserialize)]
struct Frame<'a> {
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(borrow)]
    cursor: Option<Cow<'a, str>>,
    #[serde(borrow)]
    message: Option<FrameMessage<'a>>,
}

#[derive(Deserialize)]
struct FrameMessage<'a> {
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
}

fn agent_query<'a>(agent: &'a Agent, cursor: Option<&'a str>) -> Vec<(&'a str, &'a str)> {
    let mut query = vec![
        ("session", agent.session.as_str()),
        ("serv_id", agent.account.as_str()),
    ];
    if let Some(cursor) = cursor {
        query.push(("cursor", cursor));
    }
    query
}

/// An agent's socket: records every `message` event; when the server
/// closes it (a slow consumer is closed with 4008) it reconnects from its
/// last cursor, as a real client does, and so loses nothing stored.
async fn agent_socket(
    addr: std::net::SocketAddr,
    agent: Agent,
    mut ws: Ws,
    deliveries: Arc<Deliveries>,
    mut stop: watch::Receiver<bool>,
    counters: Arc<SocketCounters>,
    origin: Instant,
) {
    let mut cursor = String::new();
    let mut was_pinged = false;
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(Message::Text(text))) => {
                    let now = origin.elapsed().as_nanos() as u64;
                    let Ok(frame) = serde_json::from_str::<Frame>(text.as_str()) else {
                        continue;
                    };
                    if frame.event == "message" {
                        if let Some(text) = frame.message.and_then(|m| m.text) {
                            deliveries.record(&text, now);
                        }
                    }
                    if let Some(c) = frame.cursor {
                        cursor.clear();
                        cursor.push_str(&c);
                    }
                }
                // tungstenite answers the server's pings by itself.
                Some(Ok(Message::Ping(_))) => {
                    if !was_pinged {
                        was_pinged = true;
                        counters.pinged.fetch_add(1, Ordering::Relaxed);
                    }
                }
                Some(Ok(_)) => {}
                _ => {
                    if *stop.borrow() {
                        return;
                    }
                    counters.reconnects.fetch_add(1, Ordering::Relaxed);
                    let from = (!cursor.is_empty()).then_some(cursor.as_str());
                    match reopen(addr, &agent, from).await {
                        Some(reopened) => ws = reopened,
                        None => return,
                    }
                }
            },
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                let _ = tokio::time::timeout(Duration::from_secs(2), async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
                return;
            }
        }
    }
}

/// What the agent sockets count together.
#[derive(Default)]
struct SocketCounters {
    reconnects: AtomicU64,
    /// Sockets that received their first heartbeat ping.
    pinged: AtomicU64,
}

async fn reopen(addr: std::net::SocketAddr, agent: &Agent, cursor: Option<&str>) -> Option<Ws> {
    for _ in 0..50 {
        match ws_open(addr, &agent_query(agent, cursor), false).await {
            Ok((ws, _)) => return Some(ws),
            Err(e) => {
                eprintln!("  chat: agent {} cannot reconnect: {e}", agent.account);
                // A pause between attempts, not a timing assumption.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    None
}

/// A customer's keep-alive connection and the form it posts, built once.
struct Customer {
    conn: Conn,
    path: String,
    /// `session=..&sender=..&sender_type=1&text=`
    prefix: String,
}

impl Customer {
    fn new(conn: Conn, c: &Connected) -> Customer {
        let (path, prefix) = text_form(c);
        Customer { conn, path, prefix }
    }

    /// Sends `<phase>:<stamp>` (the colon encoded); an error unless stored.
    async fn send(&mut self, phase: u8, stamp_ns: u64) -> std::result::Result<(), String> {
        let body = format!("{}{phase}%3A{stamp_ns}", self.prefix);
        match self
            .conn
            .post_encoded(&self.path, None, Bytes::from(body))
            .await
        {
            Ok(reply) if reply.is_v1_ok() => Ok(()),
            Ok(reply) => Err(format!(
                "HTTP {}: {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            )),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Sends acknowledged per phase, and failures.
#[derive(Default)]
struct Tally {
    acks: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

impl Tally {
    fn new(phases: usize) -> Tally {
        Tally {
            acks: vec![0; phases],
            ..Tally::default()
        }
    }

    fn count(&mut self, phase: u8, outcome: std::result::Result<(), String>) {
        match outcome {
            Ok(()) => self.acks[phase as usize] += 1,
            Err(e) => {
                self.errors += 1;
                self.first_error.get_or_insert(e);
            }
        }
    }

    fn add(&mut self, other: Tally) {
        for (mine, theirs) in self.acks.iter_mut().zip(other.acks) {
            *mine += theirs;
        }
        self.errors += other.errors;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Runs one task per customer and gathers the customers back with the tally.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<(Customer, Tally)>>,
    phases: usize,
) -> (Vec<Customer>, Tally) {
    let mut customers = Vec::with_capacity(tasks.len());
    let mut total = Tally::new(phases);
    for task in tasks {
        match task.await {
            Ok((customer, tally)) => {
                customers.push(customer);
                total.add(tally);
            }
            Err(e) => {
                total.errors += 1;
                total
                    .first_error
                    .get_or_insert(format!("a customer task failed: {e}"));
            }
        }
    }
    if let Some(e) = &total.first_error {
        eprintln!("  chat: {} failed sends, the first: {e}", total.errors);
    }
    (customers, total)
}

/// Every customer sends back to back: a warm-up, then the measured window.
async fn closed_loop(ctx: &Ctx, customers: Vec<Customer>) -> (Vec<Customer>, Tally, Vec<Figure>) {
    let phases = ctx.sizes.rates.len() + RATES as usize;
    let origin = ctx.origin;
    let start = ctx.now_ns() + 50_000_000;
    let window_start = start + WARM_UP.as_nanos() as u64;
    let window_end = window_start + Duration::from_secs(ctx.sizes.seconds).as_nanos() as u64;
    let cpu = cpu_during(ctx, "full.", window_start, window_end);
    let tasks = customers
        .into_iter()
        .map(|mut customer| {
            tokio::spawn(async move {
                let mut tally = Tally::new(phases);
                tokio::time::sleep_until((origin + Duration::from_nanos(start)).into()).await;
                loop {
                    let now = origin.elapsed().as_nanos() as u64;
                    if now >= window_end {
                        return (customer, tally);
                    }
                    let phase = if now < window_start { WARM } else { FULL };
                    tally.count(phase, customer.send(phase, now).await);
                }
            })
        })
        .collect();
    let (customers, tally) = gather(tasks, phases).await;
    (customers, tally, cpu.await.unwrap_or_default())
}

/// `rate` messages per second for the phase's seconds, on schedule.
async fn open_loop(
    ctx: &Ctx,
    customers: Vec<Customer>,
    phase: u8,
    rate: u32,
) -> (Vec<Customer>, Tally, Vec<Figure>) {
    let phases = ctx.sizes.rates.len() + RATES as usize;
    let origin = ctx.origin;
    let c = customers.len() as u64;
    let total = u64::from(rate) * ctx.sizes.seconds;
    let t0 = ctx.now_ns() + 50_000_000;
    let window = Duration::from_secs(ctx.sizes.seconds).as_nanos() as u64;
    let cpu = cpu_during(ctx, &format!("r{rate}."), t0, t0 + window);
    let tasks = customers
        .into_iter()
        .enumerate()
        .map(|(j, mut customer)| {
            tokio::spawn(async move {
                let mut tally = Tally::new(phases);
                let mut i = j as u64;
                while i < total {
                    let due = t0 + i * 1_000_000_000 / u64::from(rate);
                    let now = origin.elapsed().as_nanos() as u64;
                    let stamp = if now < due {
                        tokio::time::sleep_until((origin + Duration::from_nanos(due)).into()).await;
                        origin.elapsed().as_nanos() as u64
                    } else {
                        // Still busy when it fell due: the wait is latency.
                        due
                    };
                    tally.count(phase, customer.send(phase, stamp).await);
                    i += c;
                }
                (customer, tally)
            })
        })
        .collect();
    let (customers, tally) = gather(tasks, phases).await;
    (customers, tally, cpu.await.unwrap_or_default())
}
