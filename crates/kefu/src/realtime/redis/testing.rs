//! Test helpers: what a fake Redis received, and a look at the real Redis's
//! clients. The real Redis is shared with other tests (and other runs), so
//! each test names its connections uniquely and kills them by id.

use std::time::Duration;

use tokio::io::BufReader;
use tokio::net::tcp::OwnedReadHalf;
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout, Instant};

use super::resp::{read_value, Conn, Value};
use super::{Delivery, Options, RedisUrl};

pub(super) fn parsed(url: &str) -> RedisUrl {
    RedisUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// The arguments of one command a client sent, as text.
pub(super) async fn next_command(reader: &mut BufReader<OwnedReadHalf>) -> Option<Vec<String>> {
    match read_value(reader).await.ok()? {
        Value::Array(items) => Some(
            items
                .into_iter()
                .map(|item| match item {
                    Value::Bulk(b) => String::from_utf8_lossy(&b).into_owned(),
                    other => panic!("a command argument: {other:?}"),
                })
                .collect(),
        ),
        other => panic!("a command: {other:?}"),
    }
}

/// Timings short enough for a test to wait them out.
pub(super) fn fast(name: &str) -> Options {
    Options {
        timeout: Duration::from_millis(300),
        ping_idle: Duration::from_millis(100),
        pong_wait: Duration::from_millis(100),
        ..Options::named(name)
    }
}

/// The real Redis, or `None` (printed as SKIPPED) when it is not configured.
pub(super) fn redis_url(test: &str) -> Option<RedisUrl> {
    match std::env::var("KEFU_TEST_REDIS_URL") {
        Ok(url) => Some(parsed(&url)),
        Err(_) => {
            println!("SKIPPED {test}: set KEFU_TEST_REDIS_URL=redis://127.0.0.1:6379");
            None
        }
    }
}

/// A name no other test (or other test run on the same Redis) uses.
pub(super) fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", crate::ids::random_token(12))
}

/// The next delivery, or a panic after 10 s.
pub(super) async fn next(rx: &mut mpsc::Receiver<Delivery>) -> Delivery {
    match timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(delivery)) => delivery,
        Ok(None) => panic!("the subscription ended"),
        Err(_) => panic!("nothing delivered within 10 s"),
    }
}

async fn admin(url: &RedisUrl) -> Conn {
    Conn::open(url, &unique("kefu-test-admin"))
        .await
        .expect("an admin connection")
}

/// Ids of the connections named `name`, from CLIENT LIST.
pub(super) async fn client_ids(url: &RedisUrl, name: &str) -> Vec<i64> {
    let list = match admin(url).await.call(&[b"CLIENT", b"LIST"]).await {
        Ok(Value::Bulk(list)) => String::from_utf8_lossy(&list).into_owned(),
        other => panic!("CLIENT LIST: {other:?}"),
    };
    let wanted = format!("name={name}");
    list.lines()
        .filter(|line| line.split(' ').any(|field| field == wanted))
        .map(|line| {
            let id = line.split(' ').find_map(|f| f.strip_prefix("id="));
            id.and_then(|id| id.parse().ok()).expect("an id")
        })
        .collect()
}

/// Kills the one connection named `name`; returns its id.
pub(super) async fn kill(url: &RedisUrl, name: &str) -> i64 {
    let ids = client_ids(url, name).await;
    assert_eq!(ids.len(), 1, "connections named {name}: {ids:?}");
    let id = ids[0].to_string();
    let reply = admin(url)
        .await
        .call(&[b"CLIENT", b"KILL", b"ID", id.as_bytes()])
        .await;
    assert!(matches!(reply, Ok(Value::Int(1))), "CLIENT KILL: {reply:?}");
    ids[0]
}

/// Waits until no connection is named `name`.
pub(super) async fn until_gone(url: &RedisUrl, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !client_ids(url, name).await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "{name} still connected after 10 s"
        );
        sleep(Duration::from_millis(50)).await;
    }
}
