//! Test helpers: a private `redis-server` per test (plain or TLS, stopped
//! and killed at will without disturbing other tests), and certificates.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::{sleep, timeout, Instant};

use super::{Delivery, Options, RedisUrl};

/// A `redis-server` of the test's own, on free ports of 127.0.0.1; killed
/// when dropped.
pub(super) struct PrivateRedis {
    child: Child,
    dir: PathBuf,
    /// The plain port (also open when TLS is on: the test's admin uses it).
    pub port: u16,
    /// The TLS port and the CA that signed its certificate.
    pub tls: Option<(u16, PathBuf)>,
}

impl PrivateRedis {
    /// Starts one, or `None` (printed as SKIPPED) without `redis-server`.
    pub fn start(test: &str, tls: bool) -> Option<Self> {
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            println!("SKIPPED {test}: redis-server is not installed");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("kefu-redis-{}", crate::ids::random_token(8)));
        std::fs::create_dir_all(&dir).expect("a folder for redis-server");
        let port = free_port();
        let mut args: Vec<String> = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            .map(String::from)
            .into();
        args.extend(["--port".into(), port.to_string()]);
        args.extend(["--dir".into(), dir.display().to_string()]);
        let tls = tls.then(|| {
            let tls_port = free_port();
            let ca = write_certificates(&dir);
            for (flag, value) in [
                ("--tls-port", tls_port.to_string()),
                (
                    "--tls-cert-file",
                    dir.join("server.pem").display().to_string(),
                ),
                (
                    "--tls-key-file",
                    dir.join("server.key").display().to_string(),
                ),
                ("--tls-ca-cert-file", ca.display().to_string()),
                ("--tls-auth-clients", "no".into()),
            ] {
                args.extend([flag.to_owned(), value]);
            }
            (tls_port, ca)
        });
        let child = Command::new("redis-server")
            .args(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start redis-server");
        let redis = Self {
            child,
            dir,
            port,
            tls,
        };
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                std::time::Instant::now() < deadline,
                "redis-server did not listen"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(redis)
    }

    pub fn url(&self) -> RedisUrl {
        parsed(&format!("redis://127.0.0.1:{}", self.port))
    }

    /// A synchronous admin command on the plain port (`redis-cli`'s way),
    /// as the default user; its reply as text.
    pub async fn admin(&self, args: &[&str]) -> String {
        let client = redis::Client::open(format!("redis://127.0.0.1:{}", self.port)).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let mut cmd = redis::cmd(args[0]);
        for arg in &args[1..] {
            cmd.arg(*arg);
        }
        let reply: redis::Value = cmd.query_async(&mut conn).await.unwrap();
        format!("{reply:?}")
    }

    /// Freezes the server (SIGSTOP): connections stay open and nothing answers.
    pub fn freeze(&self) {
        self.signal("-STOP");
    }

    pub fn thaw(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }
}

impl Drop for PrivateRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

/// A CA and a server certificate it signed for localhost and 127.0.0.1, in
/// `dir`; returns the CA's path.
pub(super) fn write_certificates(dir: &Path) -> PathBuf {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    let server = params.signed_by(&key, &ca, &ca_key).unwrap();
    std::fs::write(dir.join("server.pem"), server.pem()).unwrap();
    std::fs::write(dir.join("server.key"), key.serialize_pem()).unwrap();
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca.pem()).unwrap();
    ca_path
}

pub(super) fn parsed(url: &str) -> RedisUrl {
    RedisUrl::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"))
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

/// The next delivery, or a panic after 10 s.
pub(super) async fn next(rx: &mut mpsc::Receiver<Delivery>) -> Delivery {
    match timeout(Duration::from_secs(10), rx.recv()).await {
        Ok(Some(delivery)) => delivery,
        Ok(None) => panic!("the subscription ended"),
        Err(_) => panic!("nothing delivered within 10 s"),
    }
}

/// Waits until `check` holds, for 10 s at most.
pub(super) async fn until<F: std::future::Future<Output = bool>>(
    what: &str,
    mut check: impl FnMut() -> F,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        sleep(Duration::from_millis(20)).await;
    }
}
