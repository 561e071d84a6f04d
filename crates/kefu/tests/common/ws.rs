//! A small client for the WebSocket endpoint `GET /ws` (docs/api/realtime.md):
//! JSON frames in and out, and a deadline on every wait so a missing event
//! fails the test with a message instead of hanging it.
//!
//! Frames are taken in order with `next`, or by name with `next_event`, which
//! keeps the frames it passes over for later takers: two events whose order
//! the protocol does not fix (an `ack` and the sender's own `message`) can be
//! taken in either order.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::{Agent, Customer};

/// How long any single wait for a frame may take.
pub const WAIT: Duration = Duration::from_secs(10);

type Stream = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// An upgrade the server refused: its HTTP status and (seed 003) body.
#[derive(Debug)]
pub struct Refused {
    pub status: u16,
    pub body: Value,
}

pub struct WsClient {
    stream: Stream,
    /// The first frame, `hello`.
    pub hello: Value,
    /// Frames received but not taken yet.
    pending: VecDeque<Value>,
    /// The cursor of the last frame received.
    cursor: String,
    /// Numbers this client's own `ref`s.
    refs: u64,
}

/// The `/ws` URL of an app at `base` (`http://127.0.0.1:PORT`).
pub fn ws_url(base: &str, query: &[(&str, &str)]) -> String {
    let ws_base = base.replacen("http", "ws", 1);
    reqwest::Url::parse_with_params(&format!("{ws_base}/ws"), query)
        .expect("a valid URL")
        .to_string()
}

impl WsClient {
    /// Opens a socket with these query parameters (`session`, `serv_id`,
    /// `cursor`) and reads its `hello`; a refused upgrade is `Err`.
    pub async fn connect(base: &str, query: &[(&str, &str)]) -> Result<WsClient, Refused> {
        Self::connect_with(base, query, None).await
    }

    /// As `connect`, with the session in `Authorization: Bearer SESSION`.
    pub async fn connect_with(
        base: &str,
        query: &[(&str, &str)],
        bearer: Option<&str>,
    ) -> Result<WsClient, Refused> {
        let mut request = ws_url(base, query)
            .into_client_request()
            .expect("a WebSocket request");
        if let Some(session) = bearer {
            request.headers_mut().insert(
                "authorization",
                format!("Bearer {session}").parse().expect("a header value"),
            );
        }
        Ok(Self::connect_request(request).await?.0)
    }

    /// As a browser opens it: the session in the subprotocol list
    /// (`kefu, bearer.SESSION`); also the subprotocol the server chose.
    pub async fn connect_as_browser(
        base: &str,
        session: &str,
    ) -> Result<(WsClient, Option<String>), Refused> {
        let mut request = ws_url(base, &[])
            .into_client_request()
            .expect("a WebSocket request");
        request.headers_mut().insert(
            "sec-websocket-protocol",
            format!("kefu, bearer.{session}")
                .parse()
                .expect("a header value"),
        );
        Self::connect_request(request).await
    }

    async fn connect_request(
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Result<(WsClient, Option<String>), Refused> {
        let (stream, protocol) =
            match tokio::time::timeout(WAIT, tokio_tungstenite::connect_async(request))
                .await
                .expect("the upgrade answered within 10 s")
            {
                Ok((stream, response)) => {
                    let protocol = response
                        .headers()
                        .get("sec-websocket-protocol")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    (stream, protocol)
                }
                Err(WsError::Http(response)) => {
                    let status = response.status().as_u16();
                    let text =
                        String::from_utf8_lossy(response.body().as_deref().unwrap_or_default())
                            .into_owned();
                    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
                    return Err(Refused { status, body });
                }
                Err(e) => panic!("WebSocket upgrade failed: {e}"),
            };
        let mut client = WsClient {
            stream,
            hello: Value::Null,
            pending: VecDeque::new(),
            cursor: String::new(),
            refs: 0,
        };
        let hello = client.next().await;
        assert_eq!(hello["event"], "hello", "the first frame: {hello}");
        client.hello = hello;
        Ok((client, protocol))
    }

    /// Opens a socket that must be accepted.
    pub async fn open(base: &str, query: &[(&str, &str)]) -> WsClient {
        match Self::connect(base, query).await {
            Ok(client) => client,
            Err(refused) => panic!("upgrade refused for {query:?}: {refused:?}"),
        }
    }

    /// The customer's socket, starting now.
    pub async fn customer(base: &str, c: &Customer) -> WsClient {
        Self::open(base, &[("session", &c.session)]).await
    }

    /// The agent's socket, starting now.
    pub async fn agent(base: &str, a: &Agent) -> WsClient {
        Self::open(base, &[("session", &a.session), ("serv_id", &a.serv_id)]).await
    }

    /// The cursor of the last frame received (the hello's at first).
    pub fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The next frame: one passed over earlier, else the next from the wire.
    pub async fn next(&mut self) -> Value {
        if let Some(frame) = self.pending.pop_front() {
            return frame;
        }
        let deadline = Instant::now() + WAIT;
        match self.read(deadline).await {
            Some(frame) => frame,
            None => panic!("no frame within 10 s (last cursor {:?})", self.cursor),
        }
    }

    /// The first frame not yet taken whose `event` is `name`; frames of other
    /// events stay for later.
    pub async fn next_event(&mut self, name: &str) -> Value {
        self.next_where(&format!("event {name}"), |f| f["event"] == name)
            .await
    }

    /// The first frame not yet taken that `check` accepts.
    pub async fn next_where(&mut self, what: &str, check: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&check) {
            return self.pending.remove(i).expect("an index found");
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let Some(frame) = self.read(deadline).await else {
                panic!(
                    "waited 10 s for {what}; frames passed over: {:?}",
                    self.pending
                )
            };
            if check(&frame) {
                return frame;
            }
            self.pending.push_back(frame);
        }
    }

    /// The next stored event (durable), in arrival order; live events stay
    /// for later takers.
    pub async fn next_stored(&mut self) -> Value {
        self.next_where("a stored event", super::is_stored).await
    }

    /// Frames received but not taken yet, taken now.
    pub fn take_pending(&mut self) -> Vec<Value> {
        self.pending.drain(..).collect()
    }

    /// Sends one JSON frame.
    pub async fn send(&mut self, frame: Value) {
        self.send_raw(&frame.to_string()).await;
    }

    /// Sends one text frame as it is (for frames that are not JSON).
    pub async fn send_raw(&mut self, text: &str) {
        self.stream
            .send(Message::text(text.to_owned()))
            .await
            .expect("send a frame");
    }

    /// A fresh `ref`.
    pub fn new_ref(&mut self) -> String {
        self.refs += 1;
        format!("r-{}", self.refs)
    }

    /// Sends a frame carrying `ref` and returns the answer with that `ref`
    /// (`ack`, `error` or `pong`).
    pub async fn call(&mut self, mut frame: Value) -> Value {
        let r = self.new_ref();
        frame["ref"] = json!(r);
        self.send(frame).await;
        self.next_where(&format!("the answer to {r}"), |f| f["ref"] == r.as_str())
            .await
    }

    /// `send` over the socket: the answer (`ack` or `error`).
    pub async fn say(&mut self, question_id: &str, text: &str) -> Value {
        self.call(json!({ "type": "send", "question_id": question_id, "text": text }))
            .await
    }

    /// `send` that must be acknowledged: the stored `message_id`.
    pub async fn say_ok(&mut self, question_id: &str, text: &str) -> String {
        let answer = self.say(question_id, text).await;
        assert_eq!(answer["event"], "ack", "send {text:?}: {answer}");
        answer["message_id"]
            .as_str()
            .unwrap_or_else(|| panic!("message_id in {answer}"))
            .to_owned()
    }

    /// Pings and returns every frame received before the `pong` (and any not
    /// yet taken), in order.
    pub async fn ping(&mut self) -> Vec<Value> {
        let r = self.new_ref();
        self.send(json!({ "type": "ping", "ref": r })).await;
        let mut before: Vec<Value> = self.pending.drain(..).collect();
        loop {
            let frame = self.next().await;
            if frame["ref"] == r.as_str() {
                assert_eq!(frame["event"], "pong", "the answer to a ping");
                return before;
            }
            before.push(frame);
        }
    }

    /// Asserts that nothing has arrived for this socket: the next frame after
    /// a `ping` is its `pong`.
    pub async fn assert_quiet(&mut self, who: &str) {
        let before = self.ping().await;
        assert!(before.is_empty(), "{who} received {before:?}");
    }

    /// Reads until the server closes the socket; its close code (`None` when
    /// the connection ended without a close frame). Frames before it are dropped.
    pub async fn closed_by_server(mut self) -> Option<u16> {
        loop {
            let item = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("the server closed the socket within 10 s");
            match item {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    eprintln!("the socket ended without a close frame: {e}");
                    return None;
                }
                None => {
                    eprintln!("the socket ended without a close frame");
                    return None;
                }
            }
        }
    }

    /// The close code the server sends within `limit` (frames before it are
    /// dropped); fails if the socket stays open or ends without one.
    pub async fn close_code_within(mut self, limit: Duration) -> u16 {
        close_code_within(&mut self.stream, limit).await
    }

    /// Closes the socket normally and waits for the server to finish.
    pub async fn close(mut self) {
        let _ = self
            .stream
            .close(Some(tokio_tungstenite::tungstenite::protocol::CloseFrame {
                code: CloseCode::Normal,
                reason: "bye".into(),
            }))
            .await;
        let _ = tokio::time::timeout(WAIT, async {
            while let Some(Ok(_)) = self.stream.next().await {}
        })
        .await;
    }

    /// The next JSON frame from the wire before `deadline`; protocol pings are answered by the
    /// library and skipped. Every frame must be an object with string `event`
    /// and `cursor` (the spec's "every event has `event` and `cursor`").
    async fn read(&mut self, deadline: Instant) -> Option<Value> {
        loop {
            let item = tokio::time::timeout_at(deadline.into(), self.stream.next())
                .await
                .ok()?;
            let text = match item {
                Some(Ok(Message::Text(text))) => text,
                Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => continue,
                Some(Ok(Message::Binary(b))) => panic!("a binary frame ({} bytes)", b.len()),
                Some(Ok(Message::Close(frame))) => {
                    panic!("the server closed the socket: {frame:?}")
                }
                Some(Err(e)) => panic!("the socket failed: {e}"),
                None => panic!("the socket ended"),
            };
            let frame: Value = serde_json::from_str(text.as_str())
                .unwrap_or_else(|e| panic!("a frame that is not JSON ({e}): {text}"));
            assert!(frame["event"].is_string(), "a frame without event: {frame}");
            let cursor = frame["cursor"]
                .as_str()
                .unwrap_or_else(|| panic!("a frame without a string cursor: {frame}"));
            self.cursor = cursor.to_owned();
            return Some(frame);
        }
    }
}

/// The close code the server sends on `stream` within `limit` (frames
/// before it are dropped); fails if the socket stays open or ends without one.
pub async fn close_code_within<S>(stream: &mut S, limit: Duration) -> u16
where
    S: futures_util::Stream<Item = Result<Message, WsError>> + Unpin,
{
    let read = async {
        loop {
            match stream.next().await {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => {}
                _ => return None,
            }
        }
    };
    tokio::time::timeout(limit, read)
        .await
        .unwrap_or_else(|_| panic!("the socket is still open after {limit:?}"))
        .expect("a close frame")
}
