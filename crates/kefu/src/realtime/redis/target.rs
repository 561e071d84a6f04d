//! `--redis` URLs: `redis://` or `rediss://` (TLS), with a password or an
//! ACL user and password, and an optional CA (`--redis-ca`) for a Redis
//! whose certificate the system does not trust (self-hosted TLS).

use std::fmt;
use std::path::Path;

use redis::{ConnectionAddr, IntoConnectionInfo};

use super::RedisError;

/// Where Redis is and how to reach it. `Debug` and `Display` never show the
/// password.
#[derive(Clone)]
pub struct RedisUrl {
    pub(super) client: redis::Client,
    /// `redis[s]://[USER@]HOST:PORT`, for logs.
    shown: String,
}

const EXPECTED: &str = "expected redis[s]://[[USER]:PASSWORD@]HOST[:PORT][/DB]";

impl RedisUrl {
    /// Parses `redis[s]://[[USER]:PASSWORD@]HOST[:PORT][/DB]` (user and
    /// password may be percent-encoded). A `/DB` is accepted and has no
    /// effect: pub/sub channels are shared by all databases. Errors never
    /// quote the URL, which may hold a password.
    pub fn parse(url: &str) -> Result<Self, RedisError> {
        Self::parse_with_ca(url, None)
    }

    /// As [`Self::parse`]; with `ca`, TLS trusts the certificates in that
    /// PEM file instead of the system's.
    pub fn parse_with_ca(url: &str, ca: Option<&Path>) -> Result<Self, RedisError> {
        let bad = |why: &str| RedisError::BadUrl(format!("{why} ({EXPECTED})"));
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let tls = match scheme.as_deref() {
            Some("redis") => false,
            Some("rediss") => true,
            Some(_) => return Err(bad("only redis:// and rediss:// are supported")),
            None => return Err(bad("not a URL")),
        };
        if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("spaces and control characters are not allowed"));
        }
        if ca.is_some() && !tls {
            return Err(bad("--redis-ca needs a rediss:// URL"));
        }
        let info = url
            .into_connection_info()
            .map_err(|_| bad("it does not parse"))?;
        let (host, port) = match info.addr() {
            ConnectionAddr::Tcp(host, port) | ConnectionAddr::TcpTls { host, port, .. } => {
                (host.clone(), *port)
            }
            _ => return Err(bad("only TCP addresses are supported")),
        };
        if host.is_empty() {
            return Err(bad("a host is required"));
        }
        let user = info.redis_settings().username().map(str::to_owned);
        let client = match ca {
            None => redis::Client::open(info)?,
            Some(path) => {
                let shown = path.display().to_string();
                let pem = std::fs::read(path).map_err(|e| RedisError::BadCa {
                    path: shown.clone(),
                    why: e.to_string(),
                })?;
                if !pem.starts_with(b"-----BEGIN") {
                    return Err(RedisError::BadCa {
                        path: shown,
                        why: "not a PEM file".into(),
                    });
                }
                let certs = redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem),
                };
                redis::Client::build_with_tls(info, certs).map_err(|e| RedisError::BadCa {
                    path: shown,
                    why: e.to_string(),
                })?
            }
        };
        let host = if host.contains(':') {
            format!("[{host}]")
        } else {
            host
        };
        let user = user.map(|u| format!("{u}@")).unwrap_or_default();
        let scheme = if tls { "rediss" } else { "redis" };
        Ok(Self {
            client,
            shown: format!("{scheme}://{user}{host}:{port}"),
        })
    }
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RedisUrl({})", self.shown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(url: &str) -> String {
        RedisUrl::parse(url)
            .unwrap_or_else(|e| panic!("{url}: {e}"))
            .to_string()
    }

    fn refused(url: &str) -> String {
        match RedisUrl::parse(url) {
            Ok(parsed) => panic!("{url} parsed as {parsed}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn urls_with_defaults_ports_tls_and_users() {
        assert_eq!(shown("redis://localhost"), "redis://localhost:6379");
        assert_eq!(shown("redis://10.0.0.5:7000/2"), "redis://10.0.0.5:7000");
        assert_eq!(shown("REDIS://[::1]:6380"), "redis://[::1]:6380");
        assert_eq!(
            shown("rediss://default:s%40cret@redis.example.com:6380"),
            "rediss://default@redis.example.com:6380"
        );
        assert_eq!(
            shown("rediss://kefu:pw@r-abc.redis.rds.aliyuncs.com"),
            "rediss://kefu@r-abc.redis.rds.aliyuncs.com:6379"
        );
    }

    #[test]
    fn urls_refused_clearly_and_never_quoted() {
        for (url, why) in [
            ("http://localhost", "only redis:// and rediss://"),
            ("localhost:6379", "not a URL"),
            ("redis://local host", "spaces"),
            (
                "redis+unix:///tmp/redis.sock",
                "only redis:// and rediss://",
            ),
            ("redis://:pw@", "(expected"),
        ] {
            let error = refused(url);
            assert!(error.contains(why), "{url}: {error}");
            assert!(!error.contains("pw"), "{url}: {error}");
        }
    }

    #[test]
    fn passwords_stay_out_of_logs() {
        let url = RedisUrl::parse("rediss://kefu:hunter2@redis.internal:6380").unwrap();
        assert!(!format!("{url} {url:?}").contains("hunter2"));
    }

    #[test]
    fn a_ca_needs_tls_and_a_readable_pem() {
        let missing = Path::new("/nonexistent/ca.pem");
        let e = RedisUrl::parse_with_ca("redis://localhost", Some(missing)).unwrap_err();
        assert!(e.to_string().contains("needs a rediss://"), "{e}");
        let e = RedisUrl::parse_with_ca("rediss://localhost", Some(missing)).unwrap_err();
        assert!(
            e.to_string().starts_with("--redis-ca /nonexistent/ca.pem"),
            "{e}"
        );
    }
}
