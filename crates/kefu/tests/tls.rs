//! `kefu serve --tls-cert --tls-key`, the real binary over real TLS on
//! 127.0.0.1 with a certificate made at test time: HTTPS answers, plain HTTP
//! on that port does not, `wss://` sockets open, a client that never
//! finishes its handshake blocks no one and is dropped after the header
//! timeout, the cap of connections per address counts handshakes, and flags
//! that do not go together stop the start with a clear message.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::binary::{address, banner_value, start, temp_dir, terminate, KEFU};
use common::http::Http;
use common::tls::{next_json, TestCert};
use serde_json::Value;
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

/// `kefu serve` over TLS with a fresh certificate; its base URL, the demo
/// tenant's banner lines and the certificate.
fn start_tls(
    dir: &std::path::Path,
    flags: &[&str],
) -> (std::process::Child, String, Vec<String>, TestCert) {
    let cert = TestCert::new(dir);
    let mut all = vec![
        "--tls-cert",
        cert.cert.to_str().unwrap(),
        "--tls-key",
        cert.key.to_str().unwrap(),
    ];
    all.extend_from_slice(flags);
    let (child, mut rest, banner) = start(&dir.join("data"), &all);
    let base = address(&banner);
    let demo: Vec<String> = rest.by_ref().take(5).map(Result::unwrap).collect();
    let banner = banner.into_iter().chain(demo).collect();
    (child, base, banner, cert)
}

fn port(base: &str) -> u16 {
    reqwest::Url::parse(base).unwrap().port().unwrap()
}

#[tokio::test]
async fn https_and_wss_are_served_and_plain_http_is_not() {
    let dir = temp_dir();
    let (child, base, banner, cert) = start_tls(&dir, &[]);
    assert!(base.starts_with("https://127.0.0.1:"), "{banner:?}");
    for (what, line) in [
        ("console", format!("{base}/console")),
        ("events", format!("{}/ws", base.replacen("https", "wss", 1))),
    ] {
        assert!(
            banner.iter().any(|l| l.contains(&line)),
            "the banner's {what} is {line}: {banner:?}"
        );
    }
    let client = cert.https().build().unwrap();
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let health: Value = health.json().await.unwrap();
    assert_eq!(health["status"], "ok");

    // Plain HTTP to the TLS port gets no HTTP answer.
    let plain = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
        .get(format!("http://127.0.0.1:{}/healthz", port(&base)))
        .send()
        .await;
    assert!(plain.is_err(), "plain HTTP answered: {plain:?}");

    // ALPN: HTTP/1.1 is chosen, even for a client that would rather have h2.
    let tls = cert
        .connect(port(&base), &[b"h2", b"http/1.1"])
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    drop(tls);

    // A customer's socket over wss:// says hello.
    let session = Http::with_client(client, &base)
        .session(
            &banner_value(&banner, "api_key:"),
            &banner_value(&banner, "secret_key:"),
            "tls-customer",
            None,
        )
        .await;
    let wss = format!("{}/ws?session={session}", base.replacen("https", "wss", 1));
    let mut ws = cert.wss(&wss).await.unwrap();
    let hello = next_json(&mut ws).await;
    assert_eq!(hello["event"], "hello", "{hello}");
    assert_eq!(hello["role"], "customer", "{hello}");
    assert_eq!(hello["user_id"], "tls-customer", "{hello}");
    drop(ws);

    assert!(terminate(child).success(), "SIGTERM ends kefu with success");
    std::fs::remove_dir_all(dir).ok();
}

/// Reads from a connection the server should close: `true` if it did
/// (end of stream or reset) within `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let mut buf = [0u8; 64];
    match tokio::time::timeout(within, stream.read(&mut buf)).await {
        Ok(Ok(0)) | Ok(Err(_)) => true,
        Ok(Ok(n)) => panic!("the server sent {n} bytes to a client that said nothing"),
        Err(_) => false,
    }
}

#[tokio::test]
async fn a_stalled_handshake_blocks_no_one_holds_its_place_and_is_dropped() {
    let dir = temp_dir();
    let flags = ["--header-timeout", "2", "--max-connections-per-ip", "2"];
    let (child, base, _, cert) = start_tls(&dir, &flags);
    let port = port(&base);

    // A client opens TCP and never says hello; another is served at once.
    let mut stalled = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let started = Instant::now();
    let fresh = || cert.https().pool_max_idle_per_host(0).build().unwrap();
    let health = fresh().get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "served in {:?}, not after the stalled handshake",
        started.elapsed()
    );
    drop(health);
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Handshakes under way count against the address's cap: a second
    // stalled client fills it, and a third connection is closed unanswered.
    let mut second = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut third = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(1)).await,
        "over the cap: closed at once"
    );

    // The header timeout (2 s) ends the stalled handshakes and frees places.
    assert!(
        closed_within(&mut stalled, Duration::from_secs(4)).await,
        "the stalled handshake is dropped after the header timeout"
    );
    assert!(closed_within(&mut second, Duration::from_secs(2)).await);
    let health = fresh().get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "places are free again");

    assert!(terminate(child).success());
    std::fs::remove_dir_all(dir).ok();
}

/// `kefu serve` with these flags: its failure message.
fn refused(flags: &[&str]) -> String {
    let dir = temp_dir();
    let output = Command::new(KEFU)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.join("data"))
        .args(flags)
        .env_remove("KEFU_DATABASE")
        .env_remove("KEFU_LISTEN")
        .env_remove("KEFU_TLS_CERT")
        .env_remove("KEFU_TLS_KEY")
        .output()
        .unwrap();
    assert!(!output.status.success(), "kefu serve {flags:?} started");
    assert!(
        !dir.join("data").exists(),
        "kefu serve {flags:?} stopped before it opened the data folder"
    );
    std::fs::remove_dir_all(dir).ok();
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn tls_flags_that_do_not_go_together_stop_the_start() {
    let dir = temp_dir();
    let cert = TestCert::new(&dir);
    let (cert_path, key_path) = (cert.cert.to_str().unwrap(), cert.key.to_str().unwrap());

    let e = refused(&["--tls-cert", cert_path]);
    assert!(e.contains("--tls-cert needs --tls-key"), "{e}");
    let e = refused(&["--tls-key", key_path]);
    assert!(e.contains("--tls-key needs --tls-cert"), "{e}");

    let missing = dir.join("missing.pem");
    let e = refused(&[
        "--tls-cert",
        missing.to_str().unwrap(),
        "--tls-key",
        key_path,
    ]);
    assert!(
        e.contains("missing.pem") && e.contains("cannot read"),
        "{e}"
    );

    // The key given as the certificate and the certificate as the key.
    let e = refused(&["--tls-cert", key_path, "--tls-key", cert_path]);
    assert!(
        e.contains("--tls-cert") && e.contains("key.pem") && e.contains("no PEM certificate"),
        "{e}"
    );

    // A key that is not the certificate's.
    let other_dir = dir.join("other");
    std::fs::create_dir_all(&other_dir).unwrap();
    let other = TestCert::new(&other_dir);
    let e = refused(&[
        "--tls-cert",
        cert_path,
        "--tls-key",
        other.key.to_str().unwrap(),
    ]);
    assert!(e.contains("cert.pem") && e.contains("key"), "{e}");
    std::fs::remove_dir_all(dir).ok();
}
