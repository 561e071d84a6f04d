//! Where the server itself may send requests (webhooks): public internet
//! addresses only, unless the operator lists a host as allowed (an
//! on-premise receiver on the internal network). Loopback, private,
//! link-local (cloud metadata lives at 169.254.169.254), shared, multicast
//! and reserved addresses are refused, so a tenant admin cannot make kefu
//! probe the network it runs in.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether a request to `ip` reaches the public internet.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(v6),
        },
    }
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0                                 // "this network"
        || (a == 100 && (64..128).contains(&b))   // shared (carrier NAT)
        || (a == 192 && b == 0 && c == 0)         // IETF protocol assignments
        || (a == 198 && (18..20).contains(&b))    // benchmarking
        || a >= 240) // reserved
}

fn public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00     // unique local (fc00::/7)
        || (first & 0xffc0) == 0xfe80     // link-local (fe80::/10)
        || (first & 0xffc0) == 0xfec0     // site-local, deprecated
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b // NAT64 (wraps IPv4)
        || ip.to_ipv4().is_some_and(|v4| !public_v4(v4))) // IPv4-compatible
}

/// The hosts the operator lets webhooks reach whatever they resolve to
/// (`--webhook-allow-host`), compared without case.
#[derive(Clone, Debug, Default)]
pub struct AllowedHosts(Vec<String>);

impl AllowedHosts {
    pub fn new(hosts: impl IntoIterator<Item = String>) -> Self {
        Self(
            hosts
                .into_iter()
                .map(|h| h.trim().trim_matches(['[', ']']).to_ascii_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        )
    }

    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']);
        self.0.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Whether a request to `host` may go to `ip`.
    pub fn may_reach(&self, host: &str, ip: IpAddr) -> bool {
        is_public(ip) || self.allows(host)
    }

    pub fn hosts(&self) -> &[String] {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn internal_addresses_are_not_public() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip(internal)), "{internal}");
        }
        for public in ["8.8.8.8", "1.1.1.1", "203.1.113.7", "2606:4700::1111"] {
            assert!(is_public(ip(public)), "{public}");
        }
    }

    #[test]
    fn listed_hosts_may_reach_anything() {
        let allowed = AllowedHosts::new(["Hooks.Corp.Local".to_owned(), "[::1]".to_owned()]);
        assert!(allowed.may_reach("hooks.corp.local", ip("10.0.0.5")));
        assert!(allowed.may_reach("::1", ip("::1")));
        assert!(!allowed.may_reach("other.corp.local", ip("10.0.0.5")));
        assert!(allowed.may_reach("example.com", ip("8.8.8.8")));
    }
}
