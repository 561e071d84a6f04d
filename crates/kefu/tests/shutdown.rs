//! Shutting down drains: a request already in flight when the server is told
//! to stop is still answered, new connections are refused, and the server
//! task ends.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{Backend, TestApp};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_in_flight_is_answered_after_shutdown_begins() {
    let mut app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let t = app.tenant("Acme").await;
    let customer = app.customer(&t, "slowpoke").await;
    let addr = app.base.trim_start_matches("http://").to_owned();

    // Send the headers and half of the body, as a slow client would.
    let body = format!("session={}&title=still+asking", customer.session);
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /v1/question/new HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{first}",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.flush().await.unwrap();
    // Make sure the server has the connection before it is told to stop.
    app.get("/healthz", &[]).await;

    let server = app.shut_down();
    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"question_id\""), "{response}");

    // The server then ends, and takes no new connections.
    server.await.unwrap().unwrap();
    assert!(TcpStream::connect(&addr).await.is_err());
}
