//! Webhooks reach public addresses only (`domain::egress`), checked twice:
//! when an admin registers a URL (so a mistake is told at once), and on the
//! address each attempt really connects to (a name may resolve elsewhere
//! later). The HTTP client resolves names through [`PublicOnly`], follows no
//! redirect and uses no proxy, so the address checked is the one connected.

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::Url;

use crate::domain::egress::AllowedHosts;

/// How long registration waits for a name to resolve.
const LOOKUP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(3);

/// Why a URL's host may not be reached, or `None` when it may. A name that
/// does not resolve now (or not within 3 s) is let through: every attempt
/// checks again.
pub async fn refusal(url: &str, allowed: &AllowedHosts) -> Option<String> {
    let parsed = Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_owned();
    if let Some(ip) = literal(&parsed) {
        return (!allowed.may_reach(&host, ip)).then(|| internal(&host));
    }
    let port = parsed.port_or_known_default().unwrap_or(443);
    let lookup = tokio::net::lookup_host((host.as_str(), port));
    let addrs: Vec<SocketAddr> = tokio::time::timeout(LOOKUP_TIMEOUT, lookup)
        .await
        .ok()?
        .ok()?
        .collect();
    let reachable = addrs.iter().any(|a| allowed.may_reach(&host, a.ip()));
    (!addrs.is_empty() && !reachable).then(|| internal(&host))
}

/// An IP address written as the URL's host, which no resolver sees.
pub fn literal(url: &Url) -> Option<IpAddr> {
    url.host_str()?.trim_matches(['[', ']']).parse().ok()
}

fn internal(host: &str) -> String {
    format!(
        "{host} is an internal address (loopback, private, link-local or reserved): \
         webhooks reach public addresses, or hosts the operator allows"
    )
}

/// The resolver of the webhook client: a name's internal addresses are
/// dropped (unless the operator allows the host), and a name with nothing
/// left fails to resolve.
pub struct PublicOnly(pub AllowedHosts);

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allowed = self.0.clone();
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let reachable: Vec<SocketAddr> = found
                .into_iter()
                .filter(|a| allowed.may_reach(&host, a.ip()))
                .collect();
            if reachable.is_empty() {
                return Err(internal(&host).into());
            }
            Ok(Box::new(reachable.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_hosts_are_refused_unless_allowed() {
        let none = AllowedHosts::default();
        for url in [
            "http://127.0.0.1:8080/hook",
            "http://[::1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://localhost:9000/hook",
            "http://10.0.0.7/hook",
        ] {
            assert!(refusal(url, &none).await.is_some(), "{url}");
        }
        assert!(refusal("https://8.8.8.8/hook", &none).await.is_none());
        let local = AllowedHosts::new(["127.0.0.1".to_owned(), "localhost".to_owned()]);
        assert!(refusal("http://127.0.0.1:8080/hook", &local)
            .await
            .is_none());
        assert!(refusal("http://localhost:9000/hook", &local)
            .await
            .is_none());
        assert!(refusal("http://10.0.0.7/hook", &local).await.is_some());
    }
}
