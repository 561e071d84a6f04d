//! TLS for one-binary deployments (`--tls-cert`, `--tls-key`): rustls with
//! the ring provider, HTTP/1.1 only (ALPN `http/1.1`, the one protocol the
//! server speaks). The files are read once at start; a renewed certificate
//! takes a restart (or a reverse proxy that reloads, see
//! docs/operations.md).

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::rustls::{self, ServerConfig};
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;

/// Where the certificate chain and its private key are, as configured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TlsFiles {
    /// PEM: the server's certificate first, then any intermediates.
    pub cert: PathBuf,
    /// PEM: one PKCS#8, PKCS#1 (RSA) or SEC1 (EC) private key.
    pub key: PathBuf,
}

/// Why the TLS files cannot serve.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("--tls-cert {}: {reason}", path.display())]
    Cert { path: PathBuf, reason: String },
    #[error("--tls-key {}: {reason}", path.display())]
    Key { path: PathBuf, reason: String },
    /// Read, but not usable: a malformed certificate, or a key that is not
    /// the certificate's.
    #[error("--tls-cert {} with --tls-key {}: {source}", files.cert.display(), files.key.display())]
    Unusable {
        files: TlsFiles,
        source: rustls::Error,
    },
}

/// A loaded certificate and key, ready to wrap accepted connections.
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    files: TlsFiles,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls").field("files", &self.files).finish()
    }
}

impl Tls {
    /// Reads and checks both files: each error names its file.
    pub fn load(files: &TlsFiles) -> Result<Self, TlsError> {
        let chain = read_chain(&files.cert).map_err(|reason| TlsError::Cert {
            path: files.cert.clone(),
            reason,
        })?;
        let key = read_key(&files.key).map_err(|reason| TlsError::Key {
            path: files.key.clone(),
            reason,
        })?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let unusable = |source| TlsError::Unusable {
            files: files.clone(),
            source,
        };
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(unusable)?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(unusable)?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            files: files.clone(),
        })
    }

    /// The server's side of the handshake on an accepted connection, which
    /// the client must finish `within` this.
    pub async fn accept(
        &self,
        stream: TcpStream,
        within: Duration,
    ) -> std::io::Result<TlsStream<TcpStream>> {
        match tokio::time::timeout(within, self.acceptor.accept(stream)).await {
            Ok(done) => done,
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the client did not finish the handshake in time",
            )),
        }
    }
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, String> {
    let chain = CertificateDer::pem_file_iter(path)
        .map_err(pem_error)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem_error)?;
    if chain.is_empty() {
        return Err("no PEM certificate (-----BEGIN CERTIFICATE-----) in it".to_owned());
    }
    Ok(chain)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_file(path).map_err(|e| match e {
        rustls::pki_types::pem::Error::NoItemsFound => {
            "no PEM private key (PKCS#8, RSA or EC) in it".to_owned()
        }
        e => pem_error(e),
    })
}

fn pem_error(e: rustls::pki_types::pem::Error) -> String {
    match e {
        rustls::pki_types::pem::Error::Io(e) => format!("cannot read it: {e}"),
        e => format!("not valid PEM: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(dir: &Path, cert: &str, key: &str) -> TlsFiles {
        let files = TlsFiles {
            cert: dir.join("cert.pem"),
            key: dir.join("key.pem"),
        };
        std::fs::write(&files.cert, cert).expect("write cert");
        std::fs::write(&files.key, key).expect("write key");
        files
    }

    #[test]
    fn errors_name_the_file_at_fault() {
        let dir = std::env::temp_dir().join(format!("kefu-tls-{}", crate::ids::random_token(8)));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let missing = TlsFiles {
            cert: dir.join("nowhere.pem"),
            key: dir.join("key.pem"),
        };
        let e = Tls::load(&missing).expect_err("no such file").to_string();
        assert!(
            e.contains("--tls-cert") && e.contains("nowhere.pem") && e.contains("cannot read"),
            "{e}"
        );

        let empty = files(&dir, "not a certificate\n", "");
        let e = Tls::load(&empty).expect_err("no certificate").to_string();
        assert!(
            e.contains("cert.pem") && e.contains("no PEM certificate"),
            "{e}"
        );

        // A certificate in the key's place is no key.
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let swapped = files(&dir, cert, cert);
        let e = Tls::load(&swapped).expect_err("no key").to_string();
        assert!(e.contains("--tls-key") && e.contains("key.pem"), "{e}");

        // A real certificate loads; with another certificate's key it does not.
        let made = |name: &str| {
            rcgen::generate_simple_self_signed(vec![name.to_owned()]).expect("a certificate")
        };
        let (one, other) = (made("localhost"), made("127.0.0.1"));
        let good = files(&dir, &one.cert.pem(), &one.key_pair.serialize_pem());
        assert!(Tls::load(&good).is_ok());
        let wrong = files(&dir, &one.cert.pem(), &other.key_pair.serialize_pem());
        let e = Tls::load(&wrong).expect_err("not its key").to_string();
        assert!(
            e.contains("cert.pem with --tls-key") && e.contains("key.pem"),
            "{e}"
        );
        std::fs::remove_dir_all(dir).ok();
    }
}
