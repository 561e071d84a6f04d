//! One open socket: `hello`, the replay from the client's cursor, then live
//! events and the client's frames until either side leaves.
//!
//! Order without loss or repeats: the socket replays stored events from the
//! database, then asks the hub for stored events too (`go_live`), then
//! replays once more for whatever was stored in between; from then on the
//! hub's events arrive in stored order and any it already replayed (number
//! at or below its cursor) are skipped.

use std::collections::HashMap;
use std::time::Instant;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use axum::http::StatusCode;
use futures_util::SinkExt;
use serde_json::json;

use super::frames::{answer, refusal};
use super::Start;
use crate::api::v1::error::V1Error;
use crate::api::SharedState;
use crate::engine::Caller;
use crate::realtime::{durable_body, live_body, Outbound, TokenBucket, Who};

/// Stored events one replay read takes.
const REPLAY_BATCH: i64 = 256;
/// Queued events written before one flush (one system call for many frames).
const DELIVER_BATCH: usize = 64;
/// Close codes (docs/api/realtime.md).
const GOING_AWAY: u16 = 1001;
const TOO_LARGE: u16 = 1009;
const SLOW_CONSUMER: u16 = 4008;
const SESSION_ENDED: u16 = 4001;
/// How long a closing socket may take to say goodbye.
const CLOSE_GRACE: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether a frame goes out at once or with the next flush.
#[derive(Clone, Copy)]
enum Flush {
    Now,
    Later,
}

/// Why a socket ends.
#[derive(Debug)]
enum End {
    /// The client left, or its connection broke.
    Gone,
    /// Its queue filled: the hub dropped it.
    Slow,
    /// Nothing heard for two heartbeats, or a write stuck that long.
    Silent,
    /// The server is shutting down.
    Shutdown,
    /// The client sent a frame over the size limit.
    TooLarge,
    /// Its session ended: unbound, the agent's password changed or it went
    /// to the recycle bin, or the session expired.
    SessionEnded,
}

/// Whether a read failed because the client's frame was over the limit.
fn too_large(e: axum::Error) -> bool {
    matches!(
        e.into_inner().downcast::<tungstenite::Error>().map(|e| *e),
        Ok(tungstenite::Error::Capacity(_))
    )
}

struct Conn {
    state: SharedState,
    ws: WebSocket,
    caller: Caller,
    who: Who,
    /// The last stored event this socket delivered (its cursor).
    cursor: i64,
    rate: TokenBucket,
    /// Queue places last told, by conversation.
    places: HashMap<String, i64>,
    kick: std::sync::Arc<crate::realtime::Kick>,
}

pub(super) async fn run(state: SharedState, ws: WebSocket, start: Start) {
    let Start {
        caller,
        mut registration,
        cursor,
    } = start;
    let limits = state.hub.limits().clone();
    let who = match &caller {
        Caller::Customer(s) => Who::Customer(s.customer_id.clone()),
        Caller::Agent(a) => Who::Agent(a.agent.id),
    };
    let mut closing = state.hub.closing();
    let mut conn = Conn {
        kick: registration.kick.clone(),
        state,
        ws,
        caller,
        who,
        cursor,
        rate: TokenBucket::new(limits.rate, limits.rate.saturating_mul(2)),
        places: HashMap::new(),
    };
    let end: Result<(), End> = async {
        conn.hello(limits.heartbeat.as_secs()).await?;
        conn.replay().await?;
        registration.go_live();
        conn.replay().await?;
        conn.tell_places().await?;
        let mut heard = Instant::now();
        let mut beat = tokio::time::interval(limits.heartbeat);
        beat.reset();
        let mut expiry = Box::pin(tokio::time::sleep_until(conn.expires_at()));
        loop {
            tokio::select! {
                biased;
                _ = conn.kick.kicked() => return Err(conn.kicked_why()),
                _ = &mut expiry => return Err(End::SessionEnded),
                _ = closing.changed() => return Err(End::Shutdown),
                out = registration.rx.recv() => match out {
                    Some(out) => {
                        conn.deliver(out).await?;
                        // What else is queued goes out in the same writes.
                        for _ in 0..DELIVER_BATCH {
                            match registration.rx.try_recv() {
                                Ok(out) => conn.deliver(out).await?,
                                Err(_) => break,
                            }
                        }
                        conn.flush().await?;
                    }
                    None => return Err(End::Slow),
                },
                incoming = conn.ws.recv() => match incoming {
                    Some(Ok(message)) => {
                        heard = Instant::now();
                        conn.on_message(message).await?;
                    }
                    Some(Err(e)) => {
                        return Err(if too_large(e) { End::TooLarge } else { End::Gone })
                    }
                    None => return Err(End::Gone),
                },
                _ = beat.tick() => {
                    if heard.elapsed() > limits.heartbeat * 2 {
                        return Err(End::Silent);
                    }
                    // The safety net of revocation (a signal lost with
                    // Redis); also records the session's use.
                    conn.still_holds().await?;
                    expiry.as_mut().reset(conn.expires_at());
                    conn.write(Message::Ping(Vec::new().into()), Flush::Now).await?;
                }
            }
        }
    }
    .await;
    let Err(end) = end else { return };
    tracing::debug!(?end, "socket closed");
    let close = match end {
        End::Slow => Some((SLOW_CONSUMER, "too slow: event buffer full")),
        End::Shutdown => Some((GOING_AWAY, "the server is shutting down")),
        End::TooLarge => Some((TOO_LARGE, "a frame may be at most 64 KiB")),
        End::SessionEnded => Some((SESSION_ENDED, "the session ended; sign in again")),
        End::Gone | End::Silent => None,
    };
    if let Some((code, reason)) = close {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // A client that reads nothing never takes it: give up after a moment.
        let _ = tokio::time::timeout(CLOSE_GRACE, conn.ws.send(Message::Close(Some(frame)))).await;
    }
}

impl Conn {
    /// Why the hub dropped this socket.
    fn kicked_why(&self) -> End {
        match self.kick.revoked() {
            true => End::SessionEnded,
            false => End::Slow,
        }
    }

    /// When the session reaches its lifetime (its idle time never runs out
    /// while the socket is open: the heartbeat records its use).
    fn expires_at(&self) -> tokio::time::Instant {
        let session = match &self.caller {
            Caller::Customer(s) => s,
            Caller::Agent(a) => &a.session,
        };
        let left = (session.terms.expires_at - crate::ids::now()).max(0.0);
        tokio::time::Instant::now() + std::time::Duration::from_secs_f64(left.min(1e9))
    }

    async fn still_holds(&mut self) -> Result<(), End> {
        match self.state.engine.still_holds(&self.caller).await {
            Ok(caller) => {
                self.caller = caller;
                Ok(())
            }
            Err(crate::engine::Error::Storage(e)) => {
                // The database is away for a moment: keep the socket.
                self.state.engine.store().metrics().storage_error();
                tracing::debug!(error = %e, "cannot check a socket's session");
                Ok(())
            }
            Err(_) => Err(End::SessionEnded),
        }
    }

    async fn hello(&mut self, heartbeat: u64) -> Result<(), End> {
        let body = match &self.caller {
            Caller::Customer(s) => live_body(
                "hello",
                json!({ "role": "customer", "user_id": s.user_id, "heartbeat": heartbeat }),
            ),
            Caller::Agent(a) => live_body(
                "hello",
                json!({ "role": "agent", "serv_id": a.agent.account, "heartbeat": heartbeat }),
            ),
        };
        self.send_body(&body).await
    }

    /// Sends every stored event after the cursor that this socket may see.
    async fn replay(&mut self) -> Result<(), End> {
        let store = self.state.engine.store().clone();
        let reader = self.who.reader();
        let tenant = self.caller.tenant_id();
        loop {
            let events = store
                .stored_after(tenant, self.cursor, &reader, REPLAY_BATCH)
                .await
                .map_err(|e| {
                    tracing::warn!(error = %e, "replay failed; the client reconnects with its cursor");
                    End::Gone
                })?;
            let more = events.len() as i64 == REPLAY_BATCH;
            for event in events {
                let body = durable_body(&event.message, &self.state.public_url);
                self.cursor = event.message.seq;
                self.send_body(&body).await?;
            }
            if !more {
                return Ok(());
            }
        }
    }

    /// Writes an event from the hub, unflushed: the caller flushes.
    async fn deliver(&mut self, out: Outbound) -> Result<(), End> {
        let body = match out {
            Outbound::Stored { seq, body } => {
                // Already sent by the replay.
                if seq <= self.cursor {
                    return Ok(());
                }
                self.cursor = seq;
                body
            }
            Outbound::Live(body) => body,
            Outbound::QueueMoved => return self.tell_places().await,
        };
        let frame = crate::realtime::with_cursor(self.cursor, &body);
        self.write(Message::Text(frame.into()), Flush::Later).await
    }

    async fn flush(&mut self) -> Result<(), End> {
        let stuck_after = self.stuck_after();
        guarded(&self.kick, stuck_after, self.ws.flush()).await
    }

    /// A customer's places in the queue, when they changed (0: left it).
    async fn tell_places(&mut self) -> Result<(), End> {
        let Caller::Customer(session) = &self.caller else {
            return Ok(());
        };
        let places = match self.state.engine.queue_places(session).await {
            Ok(places) => places,
            Err(e) => {
                tracing::warn!(error = %e, "cannot read queue places");
                return Ok(());
            }
        };
        let mut changed: Vec<(String, i64)> = places
            .iter()
            .filter(|(id, wait)| self.places.get(id) != Some(wait))
            .cloned()
            .collect();
        changed.extend(
            self.places
                .keys()
                .filter(|id| !places.iter().any(|(other, _)| other == *id))
                .map(|id| (id.clone(), 0)),
        );
        for (id, wait) in changed {
            if wait == 0 {
                self.places.remove(&id);
            } else {
                self.places.insert(id.clone(), wait);
            }
            let body = live_body("queue_position", json!({ "question_id": id, "wait": wait }));
            self.send_body(&body).await?;
        }
        Ok(())
    }

    async fn on_message(&mut self, message: Message) -> Result<(), End> {
        let text = match message {
            Message::Text(text) => text,
            Message::Close(_) => return Err(End::Gone),
            Message::Ping(_) | Message::Pong(_) => return Ok(()),
            Message::Binary(_) => {
                let e = V1Error::bad_encoding("frame", "frames are JSON text");
                return self.send_body(&refusal("", e)).await;
            }
        };
        if !self.rate.take() || !self.registration_allows() {
            let e = V1Error::new(
                StatusCode::TOO_MANY_REQUESTS,
                2006,
                None,
                "too many messages; slow down",
            );
            return self.send_body(&refusal(text.as_str(), e)).await;
        }
        match answer(&self.state.engine, &self.caller, text.as_str()).await {
            Some(body) => self.send_body(&body).await,
            None => Ok(()),
        }
    }

    fn registration_allows(&self) -> bool {
        self.state.hub.tenant_allows_frame(self.caller.tenant_id())
    }

    async fn send_body(&mut self, body: &str) -> Result<(), End> {
        let frame = crate::realtime::with_cursor(self.cursor, body);
        self.write(Message::Text(frame.into()), Flush::Now).await
    }

    async fn write(&mut self, message: Message, flush: Flush) -> Result<(), End> {
        let stuck_after = self.stuck_after();
        match flush {
            Flush::Now => guarded(&self.kick, stuck_after, self.ws.send(message)).await,
            Flush::Later => guarded(&self.kick, stuck_after, self.ws.feed(message)).await,
        }
    }

    /// A client that stopped reading: a write stuck for two heartbeats.
    fn stuck_after(&self) -> std::time::Duration {
        self.state.hub.limits().heartbeat * 2
    }
}

/// Runs a write, unless the hub drops the socket meanwhile or the write
/// stays stuck for `stuck_after`.
async fn guarded(
    kick: &crate::realtime::Kick,
    stuck_after: std::time::Duration,
    write: impl std::future::Future<Output = Result<(), axum::Error>>,
) -> Result<(), End> {
    tokio::select! {
        biased;
        _ = kick.kicked() => Err(End::Slow),
        written = tokio::time::timeout(stuck_after, write) => match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(End::Gone),
            Err(_) => Err(End::Silent),
        },
    }
}
