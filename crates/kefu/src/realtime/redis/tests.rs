//! The client against real Redis servers of the tests' own (see `testing`):
//! TLS with an ACL user, connections killed, a server frozen, none there.

use std::sync::Arc;
use std::time::Duration;

use super::testing::*;
use super::{subscribe, Delivery, Publisher, RedisError, RedisUrl};
use crate::realtime::redis::subscribe::spawn_subscriber;

#[tokio::test]
async fn over_tls_with_an_acl_user_messages_arrive_in_order() {
    let Some(redis) = PrivateRedis::start("over_tls_with_an_acl_user", true) else {
        return;
    };
    redis
        // The least the README tells operators to grant.
        .admin(&[
            "ACL",
            "SETUSER",
            "kefu",
            "on",
            ">s3cret:pw",
            "resetchannels",
            "&kefu:*",
            "-@all",
            "+publish",
            "+subscribe",
            "+ping",
            "+client|setname",
        ])
        .await;
    let (tls_port, ca) = redis.tls.clone().unwrap();
    let url = format!("rediss://kefu:s3cret%3Apw@localhost:{tls_port}");
    let target = RedisUrl::parse_with_ca(&url, Some(&ca)).unwrap();
    assert_eq!(
        target.to_string(),
        format!("rediss://kefu@localhost:{tls_port}")
    );

    let mut rx = subscribe(target.clone(), "kefu:test:tls".into());
    assert_eq!(next(&mut rx).await, Delivery::Connected);
    let publisher = Arc::new(Publisher::new(target));
    // Concurrent publishers share the connection; each one's order holds.
    let tasks: Vec<_> = (0..10)
        .map(|t| {
            let publisher = publisher.clone();
            tokio::spawn(async move {
                for n in 0..20 {
                    let body = format!("{t} {n}");
                    publisher
                        .publish("kefu:test:tls", body.as_bytes())
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut next_of = [0; 10];
    for _ in 0..200 {
        let Delivery::Message(body) = next(&mut rx).await else {
            panic!("a message");
        };
        let text = String::from_utf8(body).unwrap();
        let (t, n) = text.split_once(' ').unwrap();
        let (t, n): (usize, usize) = (t.parse().unwrap(), n.parse().unwrap());
        assert_eq!(n, next_of[t], "publisher {t}");
        next_of[t] += 1;
    }
    // The connections are the ACL user's, over TLS.
    let clients = redis.admin(&["CLIENT", "LIST"]).await;
    assert!(clients.contains("name=kefu-pub"), "{clients}");
    assert_eq!(clients.matches("user=kefu").count(), 2, "{clients}");

    // A wrong password, plain text to the TLS port, an untrusted certificate:
    // each is refused, in time.
    let wrong = RedisUrl::parse_with_ca(
        &format!("rediss://kefu:nope@localhost:{tls_port}"),
        Some(&ca),
    )
    .unwrap();
    let e = Publisher::new(wrong).publish("ch", b"x").await.unwrap_err();
    assert!(
        e.to_string().to_lowercase().contains("auth") || e.to_string().contains("WRONGPASS"),
        "{e}"
    );
    let plain = parsed(&format!("redis://kefu:s3cret%3Apw@127.0.0.1:{tls_port}"));
    assert!(Publisher::new(plain).publish("ch", b"x").await.is_err());
    let other_ca_dir =
        std::env::temp_dir().join(format!("kefu-ca-{}", crate::ids::random_token(6)));
    std::fs::create_dir_all(&other_ca_dir).unwrap();
    let other_ca = write_certificates(&other_ca_dir);
    let untrusted = RedisUrl::parse_with_ca(&url, Some(&other_ca)).unwrap();
    let e = Publisher::new(untrusted)
        .publish("ch", b"x")
        .await
        .unwrap_err();
    assert!(
        !matches!(e, RedisError::Timeout),
        "refused, not timed out: {e}"
    );
    let _ = std::fs::remove_dir_all(other_ca_dir);
}

#[tokio::test]
async fn killed_connections_are_reopened_and_the_subscriber_says_so() {
    let Some(redis) = PrivateRedis::start("killed_connections_are_reopened", false) else {
        return;
    };
    let mut rx = subscribe(redis.url(), "ch".into());
    assert_eq!(next(&mut rx).await, Delivery::Connected);
    let publisher = Publisher::new(redis.url());
    publisher.publish("ch", b"one").await.unwrap();
    assert_eq!(next(&mut rx).await, Delivery::Message(b"one".to_vec()));

    redis.admin(&["CLIENT", "KILL", "TYPE", "pubsub"]).await;
    redis
        .admin(&["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"])
        .await;
    // The subscriber comes back and says so: what was published meanwhile is gone.
    assert_eq!(next(&mut rx).await, Delivery::Connected);
    publisher
        .publish("ch", b"two")
        .await
        .expect("the publish after the kill reconnects");
    assert_eq!(next(&mut rx).await, Delivery::Message(b"two".to_vec()));
}

#[tokio::test]
async fn a_frozen_redis_fails_publishes_in_time_and_the_subscription_comes_back() {
    let Some(redis) = PrivateRedis::start("a_frozen_redis", false) else {
        return;
    };
    let mut rx = spawn_subscriber(redis.url(), "ch".into(), fast("kefu-test-sub"));
    assert_eq!(next(&mut rx).await, Delivery::Connected);
    let publisher = Publisher::with_options(redis.url(), fast("kefu-test-pub"));
    publisher.publish("ch", b"before").await.unwrap();
    assert_eq!(next(&mut rx).await, Delivery::Message(b"before".to_vec()));

    redis.freeze();
    let started = std::time::Instant::now();
    let result = publisher.publish("ch", b"frozen").await;
    assert!(matches!(result, Err(RedisError::Timeout)), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    redis.thaw();
    // The subscriber's PING went unanswered: it reconnected, and says so.
    assert_eq!(next(&mut rx).await, Delivery::Connected);
    until("publishing works again", || async {
        publisher.publish("ch", b"after").await.is_ok()
    })
    .await;
    loop {
        match next(&mut rx).await {
            Delivery::Message(m) if m == b"after" => break,
            // "frozen" may have reached Redis before the freeze took hold.
            Delivery::Message(m) if m == b"frozen" => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn nobody_listening_is_an_error_at_once() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let publisher = Publisher::new(parsed(&format!("redis://127.0.0.1:{port}")));
    let result = publisher.publish("ch", b"x").await;
    assert!(matches!(result, Err(RedisError::Redis(_))), "{result:?}");
}
