//! `redis://` URLs, as given to `--redis`.

use std::fmt;
use std::net::Ipv6Addr;

use super::RedisError;

/// A parsed redis:// URL: host, port (default 6379), optional password (and
/// user, for ACL AUTH). A `/DB` path is accepted and ignored: pub/sub channels
/// are shared by all databases. `Debug` and `Display` never show the password.
#[derive(Clone, PartialEq, Eq)]
pub struct RedisUrl {
    /// A name or an IP address, IPv6 without brackets.
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) user: Option<String>,
    pub(super) password: Option<String>,
}

impl RedisUrl {
    /// Parses `redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]`; user and password
    /// may be percent-encoded. Refuses rediss:// (TLS) and anything else.
    /// Errors never quote the URL, which may hold a password.
    pub fn parse(url: &str) -> Result<Self, RedisError> {
        let bad = |why: &str| {
            RedisError::BadUrl(format!(
                "{why} (expected redis://[[USER]:PASSWORD@]HOST[:PORT][/DB])"
            ))
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return Err(bad("not a URL"));
        };
        match scheme.to_ascii_lowercase().as_str() {
            "redis" => {}
            "rediss" => {
                return Err(RedisError::BadUrl(
                    "rediss:// (TLS) is not supported: use redis:// on a private network".into(),
                ))
            }
            _ => return Err(bad("only the redis:// scheme is supported")),
        }
        if rest.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("spaces and control characters are not allowed"));
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        check_tail(tail).map_err(bad)?;

        // The last '@' ends the user info, so a raw '@' in a password works.
        let (userinfo, hostport) = match authority.rfind('@') {
            Some(at) => (&authority[..at], &authority[at + 1..]),
            None => ("", authority),
        };
        let (user, password) = match userinfo.split_once(':') {
            Some((user, password)) => (percent_decode(user)?, percent_decode(password)?),
            None if userinfo.is_empty() => (String::new(), String::new()),
            None => return Err(bad("a user needs a password (USER:PASSWORD@)")),
        };
        if !user.is_empty() && password.is_empty() {
            return Err(bad("a user needs a password (USER:PASSWORD@)"));
        }
        let (host, port) = split_host_port(hostport).map_err(bad)?;
        Ok(Self {
            host,
            port,
            user: Some(user).filter(|u| !u.is_empty()),
            password: Some(password).filter(|p| !p.is_empty()),
        })
    }
}

/// What may follow the host: nothing, `/` or `/DB`.
fn check_tail(tail: &str) -> Result<(), &'static str> {
    if tail.contains('?') {
        return Err("query parameters are not supported");
    }
    if tail.contains('#') {
        return Err("a fragment is not allowed");
    }
    match tail.strip_prefix('/') {
        None | Some("") => Ok(()),
        Some(db) if db.len() <= 5 && db.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        Some(_) => Err("the path may only be a database number"),
    }
}

fn split_host_port(hostport: &str) -> Result<(String, u16), &'static str> {
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let Some((ip, after)) = bracketed.split_once(']') else {
            return Err("unclosed '[' in the host");
        };
        if ip.parse::<Ipv6Addr>().is_err() {
            return Err("not an IPv6 address between '[' and ']'");
        }
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':').ok_or("junk after ']'")?),
        };
        (ip, port)
    } else {
        if hostport.matches(':').count() > 1 {
            return Err("an IPv6 address needs [brackets]");
        }
        let (host, port) = match hostport.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        };
        let name_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
        if !host.chars().all(name_char) {
            return Err("the host has characters a host name cannot have");
        }
        (host, port)
    };
    if host.is_empty() {
        return Err("the host is missing");
    }
    let port = match port {
        None => 6379,
        Some(text) => match text.parse::<u16>() {
            Ok(port) if port > 0 && text.bytes().all(|b| b.is_ascii_digit()) => port,
            _ => return Err("the port must be a number from 1 to 65535"),
        },
    };
    Ok((host.to_owned(), port))
}

fn percent_decode(text: &str) -> Result<String, RedisError> {
    let bad = || RedisError::BadUrl("bad percent-encoding in the user or password".into());
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let high = bytes.get(i + 1).and_then(|&b| hex(b)).ok_or_else(bad)?;
            let low = bytes.get(i + 2).and_then(|&b| hex(b)).ok_or_else(bad)?;
            // Both digits are below 16, so this fits a byte.
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

impl fmt::Display for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("redis://")?;
        if let Some(user) = &self.user {
            write!(f, "{user}@")?;
        }
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Debug for RedisUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisUrl")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::redis::testing::parsed;

    fn refused(url: &str) -> String {
        match RedisUrl::parse(url) {
            Err(RedisError::BadUrl(why)) => why,
            other => panic!("{url} should be refused, got {other:?}"),
        }
    }

    #[test]
    fn urls_with_defaults_ports_and_credentials() {
        let url = parsed("redis://127.0.0.1:6379");
        assert_eq!((url.host.as_str(), url.port), ("127.0.0.1", 6379));
        assert_eq!((url.user, url.password), (None, None));

        assert_eq!(parsed("redis://cache.internal").port, 6379);
        assert_eq!(parsed("REDIS://Cache:7000/").port, 7000);
        assert_eq!(parsed("redis://h:7000/3").port, 7000);

        let url = parsed("redis://:p%40ss%2Fw0rd@h:7001");
        assert_eq!(url.user, None);
        assert_eq!(url.password.as_deref(), Some("p@ss/w0rd"));

        let url = parsed("redis://alice:s3cr:t@x@h");
        assert_eq!(url.user.as_deref(), Some("alice"));
        assert_eq!(url.password.as_deref(), Some("s3cr:t@x"));
        assert_eq!(url.host, "h");

        let url = parsed("redis://[::1]:6380");
        assert_eq!((url.host.as_str(), url.port), ("::1", 6380));
        assert_eq!(url.to_string(), "redis://[::1]:6380");

        // An empty user info means no AUTH.
        assert_eq!(parsed("redis://@h").password, None);
        assert_eq!(parsed("redis://:@h").password, None);
    }

    #[test]
    fn urls_refused_clearly() {
        assert!(refused("rediss://h:6380").contains("TLS"));
        assert!(refused("http://h").contains("redis://"));
        assert!(refused("garbage").contains("not a URL"));
        assert!(refused("redis://").contains("host"));
        assert!(refused("redis://:6379").contains("host"));
        for port in ["0", "65536", "x", "", "+1"] {
            assert!(
                refused(&format!("redis://h:{port}")).contains("port"),
                "{port}"
            );
        }
        assert!(refused("redis://alice@h").contains("password"));
        assert!(refused("redis://alice:@h").contains("password"));
        assert!(refused("redis://h/cache").contains("database"));
        assert!(refused("redis://h/0?timeout=1").contains("query"));
        assert!(refused("redis://h#x").contains("fragment"));
        assert!(refused("redis://h h").contains("spaces"));
        assert!(refused("redis://::1:6379").contains("IPv6"));
        assert!(refused("redis://[nope]:1").contains("IPv6"));
        assert!(refused("redis://:%zz@h").contains("percent"));
    }

    #[test]
    fn urls_never_show_the_password() {
        let url = parsed("redis://alice:hunter2@h:1");
        assert_eq!(url.to_string(), "redis://alice@h:1");
        assert!(!format!("{url:?}").contains("hunter2"));
        let why = refused("redis://alice:hunter2@h:0");
        assert!(!why.contains("hunter2"), "{why}");
    }
}
