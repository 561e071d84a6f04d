//! Configuration: command-line flags, then `KEFU_*` environment variables,
//! then an optional TOML file (`--config`), then defaults, in that order of
//! precedence. Flags and variables are declared together in `cli.rs` (clap);
//! this module merges them with the file and fills in the defaults.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use std::time::Duration;

use serde::Deserialize;

use crate::api::{Network, TrustedProxies};
use crate::domain::egress::AllowedHosts;
use crate::server::{HttpLimits, NodeSettings, Tls, TlsError, TlsFiles};
use crate::storage::Durability;

pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_DATA_DIR: &str = "kefu-data";

/// Values as given by flags or environment; `None` means "not given".
#[derive(Clone, Debug, Default, Deserialize, clap::Args)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on [default: 127.0.0.1:8080]
    #[arg(long, env = "KEFU_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Folder for everything kefu keeps: the SQLite database and uploaded media
    /// [default: ./kefu-data]
    #[arg(long, env = "KEFU_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL: sqlite://PATH or postgres://USER@HOST/DB
    /// [default: sqlite://DATA_DIR/kefu.db]
    #[arg(long, env = "KEFU_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// What an acknowledged write survives: normal (a killed process) or
    /// strict (power loss; commits wait for the disk) [default: normal]
    #[arg(
        long,
        env = "KEFU_DURABILITY",
        value_enum,
        hide_possible_values = true,
        value_name = "LEVEL"
    )]
    pub durability: Option<Durability>,
    /// Redis URL for fan-out between several kefu nodes:
    /// redis[s]://[[USER]:PASSWORD@]HOST:PORT (rediss: TLS); without it one
    /// node fans out in process
    #[arg(long, env = "KEFU_REDIS", value_name = "URL")]
    pub redis: Option<String>,
    /// PEM file of the CA that signed a rediss:// Redis's certificate, when
    /// the system does not trust it (self-hosted TLS) [default: the system's]
    #[arg(long, env = "KEFU_REDIS_CA", value_name = "FILE")]
    pub redis_ca: Option<PathBuf>,
    /// WebSockets of one tenant on this node [default: 10000]
    #[arg(long, env = "KEFU_WS_MAX_PER_TENANT", value_name = "N")]
    pub ws_max_per_tenant: Option<usize>,
    /// WebSockets of one customer or agent on this node [default: 8]
    #[arg(long, env = "KEFU_WS_MAX_PER_USER", value_name = "N")]
    pub ws_max_per_user: Option<usize>,
    /// Frames per second one WebSocket may send, burst twice that [default: 20]
    #[arg(long, env = "KEFU_WS_RATE", value_name = "N")]
    pub ws_rate: Option<u32>,
    /// Frames per second all WebSockets of one tenant may send on this node [default: 2000]
    #[arg(long, env = "KEFU_WS_TENANT_RATE", value_name = "N")]
    pub ws_tenant_rate: Option<u32>,
    /// Events queued for one WebSocket before it is closed as too slow (4008) [default: 256]
    #[arg(long, env = "KEFU_WS_BUFFER", value_name = "N")]
    pub ws_buffer: Option<usize>,
    /// Seconds between WebSocket pings; two silent intervals close it [default: 20]
    #[arg(long, env = "KEFU_WS_HEARTBEAT", value_name = "SECS")]
    pub ws_heartbeat: Option<u64>,
    /// Base URL clients reach this server at; media URLs start with it
    /// [default: http://LISTEN, https://LISTEN with --tls-cert]
    #[arg(long, env = "KEFU_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// Serve HTTPS (and wss://) with this PEM certificate chain, the server's
    /// certificate first; needs --tls-key [default: plain HTTP]
    #[arg(long, env = "KEFU_TLS_CERT", value_name = "FILE")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key (PKCS#8, RSA or EC) of --tls-cert
    #[arg(long, env = "KEFU_TLS_KEY", value_name = "FILE")]
    pub tls_key: Option<PathBuf>,
    /// Reverse proxies (addresses or CIDR networks, comma-separated) whose
    /// X-Forwarded-For names the client; without it the header is ignored
    #[arg(
        long,
        env = "KEFU_TRUSTED_PROXY",
        value_name = "ADDR",
        value_delimiter = ','
    )]
    pub trusted_proxy: Option<Vec<String>>,
    /// Connections one client address may hold open (0: no cap) [default: 256]
    #[arg(long, env = "KEFU_MAX_CONNECTIONS_PER_IP", value_name = "N")]
    pub max_connections_per_ip: Option<usize>,
    /// Seconds a client has to send a request's headers [default: 10]
    #[arg(long, env = "KEFU_HEADER_TIMEOUT", value_name = "SECS")]
    pub header_timeout: Option<u64>,
    /// Seconds a request body may pause between two pieces [default: 15]
    #[arg(long, env = "KEFU_BODY_TIMEOUT", value_name = "SECS")]
    pub body_timeout: Option<u64>,
    /// Seconds a whole request may take [default: 60]
    #[arg(long, env = "KEFU_REQUEST_TIMEOUT", value_name = "SECS")]
    pub request_timeout: Option<u64>,
    /// Hosts webhooks may reach although they resolve to internal addresses
    /// (comma-separated; for on-premise receivers) [default: none]
    #[arg(
        long,
        env = "KEFU_WEBHOOK_ALLOW_HOST",
        value_name = "HOST",
        value_delimiter = ','
    )]
    pub webhook_allow_host: Option<Vec<String>>,
    /// Serve the console and widget from this `web/` folder, read at every
    /// request (for working on them), instead of the copy built in
    #[arg(long, env = "KEFU_WEB_DIR", value_name = "DIR")]
    pub web_dir: Option<PathBuf>,
    /// Token Prometheus must send (`Authorization: Bearer TOKEN`) to read
    /// /metrics; without it /metrics is open to anyone who reaches the port
    #[arg(long, env = "KEFU_METRICS_TOKEN", value_name = "TOKEN")]
    pub metrics_token: Option<String>,
}

/// The resolved configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    pub database: String,
    pub durability: Durability,
    pub redis: Option<String>,
    pub redis_ca: Option<PathBuf>,
    pub public_url: String,
    pub ws: crate::realtime::Limits,
    pub http: HttpLimits,
    pub webhook_hosts: AllowedHosts,
    pub web: crate::web::Assets,
    pub metrics_token: Option<String>,
    /// The certificate and key to serve HTTPS with; read when a node starts.
    pub tls: Option<TlsFiles>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("bad configuration file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{0}")]
    Invalid(String),
}

impl Config {
    /// Merges flags/environment (`given`) over the file at `file` over defaults.
    pub fn resolve(given: Settings, file: Option<&Path>) -> Result<Self, ConfigError> {
        let from_file = match file {
            Some(path) => read_file(path)?,
            None => Settings::default(),
        };
        let http = http_limits(&given, &from_file)?;
        let listen = match given.listen.or(from_file.listen) {
            Some(addr) => addr,
            None => DEFAULT_LISTEN.parse().expect("the default address parses"),
        };
        let data_dir = given
            .data_dir
            .or(from_file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let database = given
            .database
            .or(from_file.database)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("kefu.db").display()));
        if !["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|s| database.starts_with(s))
        {
            return Err(ConfigError::Invalid(format!(
                "--database must be sqlite://PATH or postgres://..., not {database:?}"
            )));
        }
        let durability = given
            .durability
            .or(from_file.durability)
            .unwrap_or_default();
        let redis = given.redis.or(from_file.redis);
        let redis_ca = given.redis_ca.or(from_file.redis_ca);
        if let Some(url) = &redis {
            // Checked now, so a bad URL or CA stops the start, not the fan-out.
            crate::realtime::redis::RedisUrl::parse_with_ca(url, redis_ca.as_deref())
                .map_err(|e| ConfigError::Invalid(format!("--redis: {e}")))?;
        } else if redis_ca.is_some() {
            return Err(ConfigError::Invalid("--redis-ca needs --redis".into()));
        }
        let defaults = crate::realtime::Limits::default();
        let ws = crate::realtime::Limits {
            max_per_tenant: given
                .ws_max_per_tenant
                .or(from_file.ws_max_per_tenant)
                .unwrap_or(defaults.max_per_tenant),
            max_per_user: given
                .ws_max_per_user
                .or(from_file.ws_max_per_user)
                .unwrap_or(defaults.max_per_user),
            rate: given.ws_rate.or(from_file.ws_rate).unwrap_or(defaults.rate),
            tenant_rate: given
                .ws_tenant_rate
                .or(from_file.ws_tenant_rate)
                .unwrap_or(defaults.tenant_rate),
            buffer: given
                .ws_buffer
                .or(from_file.ws_buffer)
                .unwrap_or(defaults.buffer),
            heartbeat: given
                .ws_heartbeat
                .or(from_file.ws_heartbeat)
                .map(std::time::Duration::from_secs)
                .unwrap_or(defaults.heartbeat),
        };
        ws.check().map_err(ConfigError::Invalid)?;
        let webhook_hosts = AllowedHosts::new(
            given
                .webhook_allow_host
                .or(from_file.webhook_allow_host)
                .unwrap_or_default(),
        );
        let tls = match (
            given.tls_cert.or(from_file.tls_cert),
            given.tls_key.or(from_file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles { cert, key }),
            (None, None) => None,
            (Some(_), None) => return Err(ConfigError::Invalid(
                "--tls-cert needs --tls-key (KEFU_TLS_KEY, tls_key): the certificate's private key"
                    .into(),
            )),
            (None, Some(_)) => {
                return Err(ConfigError::Invalid(
                    "--tls-key needs --tls-cert (KEFU_TLS_CERT, tls_cert): the certificate chain"
                        .into(),
                ))
            }
        };
        let public_url = given
            .public_url
            .or(from_file.public_url)
            .unwrap_or_else(|| default_public_url(tls.is_some(), listen))
            .trim_end_matches('/')
            .to_owned();
        let web = match given.web_dir.or(from_file.web_dir) {
            Some(dir) => crate::web::Assets::Dir(dir),
            None => crate::web::Assets::Embedded,
        };
        let metrics_token = given
            .metrics_token
            .or(from_file.metrics_token)
            .filter(|t| !t.is_empty());
        Ok(Self {
            web,
            metrics_token,
            listen,
            data_dir,
            database,
            durability,
            redis,
            redis_ca,
            public_url,
            ws,
            http,
            webhook_hosts,
            tls,
        })
    }

    /// What the node started with this configuration needs; the TLS files
    /// are read and checked here.
    pub fn node_settings(&self) -> Result<NodeSettings, TlsError> {
        Ok(NodeSettings {
            public_url: self.public_url.clone(),
            ws: self.ws.clone(),
            http: self.http.clone(),
            redis: self.redis.clone(),
            redis_ca: self.redis_ca.clone(),
            web: self.web.clone(),
            metrics_token: self.metrics_token.clone(),
            tls: self.tls.as_ref().map(Tls::load).transpose()?,
        })
    }

    /// Whether clients reach this node's listener as `http` or `https`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() {
            "https"
        } else {
            "http"
        }
    }

    /// Whether the public URL is the default one, the listen address, which
    /// the bound socket must complete when the port is 0.
    pub fn public_url_is_default(&self) -> bool {
        self.public_url == default_public_url(self.tls.is_some(), self.listen)
    }

    /// Where uploaded media live.
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
}

fn default_public_url(tls: bool, listen: SocketAddr) -> String {
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{listen}")
}

fn http_limits(given: &Settings, file: &Settings) -> Result<HttpLimits, ConfigError> {
    let defaults = HttpLimits::default();
    let secs = |flag: &str, value: Option<u64>, default: Duration| match value {
        None => Ok(default),
        Some(0) => Err(ConfigError::Invalid(format!(
            "--{flag} must be at least 1 second"
        ))),
        Some(secs) => Ok(Duration::from_secs(secs)),
    };
    let trusted = given
        .trusted_proxy
        .clone()
        .or_else(|| file.trusted_proxy.clone())
        .unwrap_or_default()
        .iter()
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.parse::<Network>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ConfigError::Invalid(format!("--trusted-proxy: {e}")))?;
    Ok(HttpLimits {
        header_timeout: secs(
            "header-timeout",
            given.header_timeout.or(file.header_timeout),
            defaults.header_timeout,
        )?,
        body_timeout: secs(
            "body-timeout",
            given.body_timeout.or(file.body_timeout),
            defaults.body_timeout,
        )?,
        request_timeout: secs(
            "request-timeout",
            given.request_timeout.or(file.request_timeout),
            defaults.request_timeout,
        )?,
        max_connections_per_ip: given
            .max_connections_per_ip
            .or(file.max_connections_per_ip)
            .unwrap_or(defaults.max_connections_per_ip),
        trusted_proxies: TrustedProxies(trusted),
    })
}

fn read_file(path: &Path) -> Result<Settings, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_flags() {
        let c = Config::resolve(Settings::default(), None).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database, "sqlite://kefu-data/kefu.db");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        assert!(c.tls.is_none() && c.public_url_is_default());
    }

    #[test]
    fn tls_takes_a_certificate_and_its_key_together() {
        let given = Settings {
            tls_cert: Some("cert.pem".into()),
            tls_key: Some("key.pem".into()),
            ..Settings::default()
        };
        let c = Config::resolve(given, None).unwrap();
        assert_eq!(
            c.public_url, "https://127.0.0.1:8080",
            "the default is https"
        );
        assert_eq!(c.scheme(), "https");
        assert!(c.public_url_is_default());
        assert_eq!(c.tls.unwrap().key, PathBuf::from("key.pem"));
        for (cert, key, missing) in [
            (Some("c.pem"), None, "--tls-key"),
            (None, Some("k.pem"), "--tls-cert"),
        ] {
            let given = Settings {
                tls_cert: cert.map(PathBuf::from),
                tls_key: key.map(PathBuf::from),
                ..Settings::default()
            };
            let e = Config::resolve(given, None).unwrap_err().to_string();
            assert!(e.contains(&format!("needs {missing}")), "{e}");
        }
        // One from the file and the other from a flag make a pair too.
        let path = std::env::temp_dir().join(format!("kefu-{}.toml", crate::ids::random_token(8)));
        std::fs::write(&path, "tls_cert = \"/etc/kefu/cert.pem\"\n").unwrap();
        let given = Settings {
            tls_key: Some("key.pem".into()),
            ..Settings::default()
        };
        let tls = Config::resolve(given, Some(&path)).unwrap().tls.unwrap();
        assert_eq!(tls.cert, PathBuf::from("/etc/kefu/cert.pem"));
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn flags_win_over_the_file() {
        let path = std::env::temp_dir().join(format!("kefu-{}.toml", crate::ids::random_token(8)));
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9000\"\ndata_dir = \"/srv/kefu\"\n",
        )
        .unwrap();
        let given = Settings {
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            ..Settings::default()
        };
        let c = Config::resolve(given, Some(&path)).unwrap();
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.data_dir, PathBuf::from("/srv/kefu"));
        assert_eq!(c.database, "sqlite:///srv/kefu/kefu.db");
        std::fs::remove_file(path).ok();
    }

    #[test]
    fn unknown_schemes_and_keys_are_refused() {
        let given = Settings {
            database: Some("mysql://x".into()),
            ..Settings::default()
        };
        assert!(Config::resolve(given, None).is_err());
        let given = Settings {
            redis: Some("http://x".into()),
            ..Settings::default()
        };
        assert!(Config::resolve(given, None).is_err());
        let path = std::env::temp_dir().join(format!("kefu-{}.toml", crate::ids::random_token(8)));
        std::fs::write(&path, "lisen = \"x\"\n").unwrap();
        assert!(matches!(
            Config::resolve(Settings::default(), Some(&path)),
            Err(ConfigError::Parse { .. })
        ));
        std::fs::remove_file(path).ok();
    }
}
