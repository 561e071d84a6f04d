//! Web origins an admin allows to embed kefu: to call the customer API from
//! their own pages (CORS) and to frame the chat widget (CSP
//! `frame-ancestors`). An origin is `scheme://host[:port]`, http or https,
//! with no path; the host may start with `*.` for every subdomain.

/// An origin as an admin writes it, checked and normalised (lowercase, no
/// trailing slash).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin(String);

pub const MAX_ORIGINS: usize = 50;
const MAX_ORIGIN_CHARS: usize = 200;

impl Origin {
    pub fn parse(text: &str) -> Result<Self, &'static str> {
        let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
        if text.is_empty() || text.chars().count() > MAX_ORIGIN_CHARS {
            return Err("must be an origin such as https://shop.example.com");
        }
        let (scheme, rest) = text
            .split_once("://")
            .ok_or("must start with https:// or http://")?;
        if scheme != "https" && scheme != "http" {
            return Err("must start with https:// or http://");
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (rest, None),
        };
        if let Some(port) = port {
            if port.is_empty() || port.parse::<u16>().is_err() {
                return Err("has a port that is not a number");
            }
        }
        let name = host.strip_prefix("*.").unwrap_or(host);
        let label_ok = |label: &str| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if name.is_empty() || !name.split('.').all(label_ok) {
            return Err("must be scheme://host[:port], with no path, query or user");
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a browser's `Origin` header value is this origin (or one of
    /// its subdomains, for `*.`).
    pub fn matches(&self, origin: &str) -> bool {
        let origin = origin.to_ascii_lowercase();
        if origin == self.0 {
            return true;
        }
        let Some((scheme, rest)) = self.0.split_once("://*.") else {
            return false;
        };
        let Some(theirs) = origin
            .strip_prefix(scheme)
            .and_then(|o| o.strip_prefix("://"))
        else {
            return false;
        };
        theirs
            .strip_suffix(rest)
            .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1 && !sub.contains(['/', ':']))
    }
}

/// A list an admin sets: each entry checked, duplicates dropped.
pub fn parse_list(entries: &[String]) -> Result<Vec<Origin>, String> {
    if entries.len() > MAX_ORIGINS {
        return Err(format!("at most {MAX_ORIGINS} origins"));
    }
    let mut list: Vec<Origin> = Vec::new();
    for entry in entries {
        let origin = Origin::parse(entry).map_err(|why| format!("{entry:?} {why}"))?;
        if !list.contains(&origin) {
            list.push(origin);
        }
    }
    Ok(list)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        for good in [
            "https://shop.example.com",
            "http://127.0.0.1:8000",
            "https://*.example.com",
            "HTTPS://Shop.Example.com/",
        ] {
            assert!(Origin::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "shop.example.com",
            "javascript://x",
            "https://shop.example.com/path",
            "https://user@shop.example.com",
            "https://shop.example.com:99999",
            "https://",
            "https://a b.com",
            "https://*",
            "'unsafe-inline'",
        ] {
            assert!(Origin::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Origin::parse("HTTPS://Shop.Example.com/").unwrap().as_str(),
            "https://shop.example.com"
        );
    }

    #[test]
    fn a_wildcard_matches_subdomains_only() {
        let any = Origin::parse("https://*.example.com").unwrap();
        assert!(any.matches("https://shop.example.com"));
        assert!(any.matches("https://a.b.example.com"));
        assert!(!any.matches("https://example.com"));
        assert!(!any.matches("https://evilexample.com"));
        assert!(!any.matches("http://shop.example.com"));
        assert!(!any.matches("https://shop.example.com.evil.com"));
        let one = Origin::parse("http://127.0.0.1:8000").unwrap();
        assert!(one.matches("http://127.0.0.1:8000"));
        assert!(!one.matches("http://127.0.0.1:8001"));
    }

    #[test]
    fn lists_are_checked_and_deduplicated() {
        let list = parse_list(&["https://a.com".into(), "https://A.com/".into()]).unwrap();
        assert_eq!(list.len(), 1);
        assert!(parse_list(&["https://a.com".into(), "ftp://b".into()]).is_err());
        assert!(parse_list(&vec!["https://a.com".to_owned(); 51]).is_err());
    }
}
