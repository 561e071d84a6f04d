//! Connections: N idle customer WebSockets held at once, and what each costs
//! the server in resident memory, (RSS with them - RSS before) / N.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use tokio::sync::{mpsc, watch, Semaphore};

use super::Ctx;
use crate::client::{parallel, ws_open, Conn, Ws};
use crate::report::{Figure, Goal};
use crate::Result;

/// The server allows 8 sockets per user.
const PER_USER: usize = 8;
/// Handshakes in flight at once.
const OPENING: usize = 64;
/// Client file descriptors besides the sockets and one per conversation
/// (the runtime, files, a few connections).
const SPARE_FDS: u64 = 100;

pub async fn run(ctx: &mut Ctx) -> Result<Vec<Figure>> {
    let n = ctx.sizes.idle_sockets;
    let needed = (n + ctx.sizes.conversations) as u64 + SPARE_FDS;
    if let Some(limit) = crate::server::open_files_limit(None) {
        if limit < needed {
            return Err(format!(
                "the open files limit of this process is {limit}, below the {needed} that \
                 {n} sockets need: raise it (ulimit -n {needed}) or pass a smaller --idle-sockets"
            )
            .into());
        }
    }
    if let Some(limit) = ctx
        .pid
        .and_then(|pid| crate::server::open_files_limit(Some(pid)))
    {
        if limit < needed {
            return Err(format!(
                "the server's open files limit is {limit}, below the {needed} that {n} sockets need"
            )
            .into());
        }
    }
    let users = n.div_ceil(PER_USER);
    eprintln!("  connections: {users} customer sessions");
    let tag = ctx.tag.clone();
    let sessions = parallel(ctx.addr(), 8, users, async |conn: &mut Conn, i: usize| {
        ctx.api
            .session(conn, &format!("bench-idle-{tag}-{i}"))
            .await
    })
    .await?;

    let mut conn = ctx.conn().await?;
    let sockets_before = open_sockets(&mut conn).await?;
    let rss_before = ctx.rss_kib();
    eprintln!("  connections: opening {n} WebSockets");
    let started = Instant::now();
    let (stop, stopped) = watch::channel(false);
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<std::result::Result<(), String>>();
    let opening = Arc::new(Semaphore::new(OPENING));
    let dropped = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let permit = opening.clone().acquire_owned().await?;
        let session = sessions[i / PER_USER].clone();
        let (addr, ready_tx, stopped, dropped) = (
            ctx.addr(),
            ready_tx.clone(),
            stopped.clone(),
            dropped.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let opened = ws_open(addr, &[("session", session.as_str())], true).await;
            drop(permit);
            match opened {
                Ok((ws, _hello)) => {
                    let _ = ready_tx.send(Ok(()));
                    idle(ws, stopped, dropped).await;
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e.to_string()));
                }
            }
        }));
    }
    let (mut opened, mut failed, mut first_error) = (0usize, 0usize, None);
    while opened + failed < n {
        match ready.recv().await {
            Some(Ok(())) => opened += 1,
            Some(Err(e)) => {
                failed += 1;
                first_error.get_or_insert(e);
            }
            None => break,
        }
    }
    let open_seconds = started.elapsed().as_secs_f64();
    let held = open_sockets(&mut conn).await? - sockets_before;
    let rss_held = ctx.rss_kib();
    if let Some(e) = &first_error {
        eprintln!("  connections: {failed} sockets failed to open, the first: {e}");
    }

    eprintln!("  connections: closing them");
    let dropped = dropped.load(Ordering::Relaxed);
    let _ = stop.send(true);
    for task in tasks {
        let _ = task.await;
    }
    // The server lets go of a socket shortly after its close frame.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = open_sockets(&mut conn).await?;
    while after > sockets_before && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
        after = open_sockets(&mut conn).await?;
    }
    let rss_closed = ctx.rss_kib();

    let mib = |kib: Option<u64>| kib.map(|k| k as f64 / 1024.0);
    let per_socket = match (rss_before, rss_held) {
        (Some(before), Some(held)) if opened > 0 => {
            Some((held as f64 - before as f64) / opened as f64)
        }
        _ => None,
    };
    Ok(vec![
        Figure::new("sockets", held as f64, ""),
        Figure::new("open_time", open_seconds, "s"),
        Figure::maybe("rss_before", mib(rss_before), "MiB"),
        Figure::maybe("rss_held", mib(rss_held), "MiB"),
        Figure::maybe("per_socket", per_socket, "KiB").goal(Goal::AtMost(16.0)),
        Figure::maybe("rss_after_close", mib(rss_closed), "MiB"),
        Figure::check("failed", failed as u64),
        Figure::check("dropped_by_server", dropped as u64),
        Figure::check("not_counted", (opened as i64 - held).unsigned_abs()),
        Figure::check("left_open", (after - sockets_before).max(0) as u64),
    ])
}

/// `sockets` of `/healthz`.
async fn open_sockets(conn: &mut Conn) -> Result<i64> {
    let body = conn.get("/healthz", None).await?.ok("healthz")?.json()?;
    body["sockets"]
        .as_i64()
        .ok_or_else(|| format!("no sockets in /healthz: {body}").into())
}

/// Holds a socket open, reading (tungstenite answers the heartbeat's pings
/// while it reads) until told to close it; counts it in `dropped` if the
/// server ends it first.
async fn idle(mut ws: Ws, mut stop: watch::Receiver<bool>, dropped: Arc<AtomicUsize>) {
    loop {
        tokio::select! {
            frame = ws.next() => match frame {
                Some(Ok(_)) => {}
                _ => {
                    dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            },
            _ = stop.changed() => {
                let _ = ws.close(None).await;
                let _ = tokio::time::timeout(Duration::from_secs(5), async {
                    while let Some(Ok(_)) = ws.next().await {}
                })
                .await;
                return;
            }
        }
    }
}
