//! TLS for tests on 127.0.0.1: a self-signed certificate for `127.0.0.1` and
//! `localhost`, made at test time (rcgen) and written as PEM files, and
//! clients that trust it and nothing else: reqwest for `https://`,
//! tokio-tungstenite over tokio-rustls for `wss://`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use super::ws::WAIT;

/// A WebSocket over TLS.
pub type Wss = WebSocketStream<TlsStream<TcpStream>>;

/// A certificate and its key as PEM files in a folder.
pub struct TestCert {
    pub cert: PathBuf,
    pub key: PathBuf,
    der: CertificateDer<'static>,
    pem: String,
}

impl TestCert {
    /// Makes one in `dir` (`cert.pem`, `key.pem`).
    pub fn new(dir: &Path) -> Self {
        let names = vec!["127.0.0.1".to_owned(), "localhost".to_owned()];
        let made = rcgen::generate_simple_self_signed(names).expect("a self-signed certificate");
        let pem = made.cert.pem();
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        std::fs::write(&cert, &pem).expect("write cert.pem");
        std::fs::write(&key, made.key_pair.serialize_pem()).expect("write key.pem");
        Self {
            cert,
            key,
            der: made.cert.der().clone(),
            pem,
        }
    }

    /// A reqwest client builder that trusts this certificate only.
    pub fn https(&self) -> reqwest::ClientBuilder {
        let root = reqwest::Certificate::from_pem(self.pem.as_bytes()).expect("the PEM parses");
        reqwest::Client::builder()
            .tls_built_in_root_certs(false)
            .add_root_certificate(root)
            .timeout(WAIT)
    }

    /// A rustls client that trusts this certificate only and offers `alpn`.
    pub fn connector(&self, alpn: &[&[u8]]) -> TlsConnector {
        let mut roots = RootCertStore::empty();
        roots.add(self.der.clone()).expect("a root");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_root_certificates(roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
        TlsConnector::from(Arc::new(config))
    }

    /// A TLS connection to `127.0.0.1:port`, offering `alpn`.
    pub async fn connect(
        &self,
        port: u16,
        alpn: &[&[u8]],
    ) -> std::io::Result<TlsStream<TcpStream>> {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await?;
        let name = ServerName::try_from("127.0.0.1").expect("an IP server name");
        self.connector(alpn).connect(name, tcp).await
    }

    /// Opens `wss://127.0.0.1:PORT/...` (`url`); a refused upgrade is `Err`.
    pub async fn wss(&self, url: &str) -> Result<Wss, tungstenite::Error> {
        let port = reqwest::Url::parse(url)
            .expect("a URL")
            .port()
            .expect("a port in the URL");
        let tls = self.connect(port, &[b"http/1.1"]).await?;
        let (ws, _) = tokio::time::timeout(WAIT, tokio_tungstenite::client_async(url, tls))
            .await
            .expect("the upgrade answered in time")?;
        Ok(ws)
    }
}

/// The next text frame of `ws` as JSON, within [`WAIT`].
pub async fn next_json(ws: &mut Wss) -> Value {
    loop {
        let frame = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("a frame in time")
            .expect("the socket is open")
            .expect("a frame");
        if let Message::Text(text) = frame {
            return serde_json::from_str(&text).expect("a JSON frame");
        }
    }
}
