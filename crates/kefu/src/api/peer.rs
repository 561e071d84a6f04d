//! Who the client is, by address: the connection's peer, or, when that peer
//! is one of the reverse proxies the operator trusts (`--trusted-proxy`),
//! the client that proxy names in `X-Forwarded-For`. Throttles and
//! connection caps count this address. Without trusted proxies the header is
//! ignored: anyone can write it.

use std::net::IpAddr;
use std::str::FromStr;

use axum::http::HeaderMap;

/// One trusted proxy: an address, or a network in CIDR form (`10.0.0.0/8`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => masked(
                u128::from(u32::from(net)),
                u128::from(u32::from(ip)),
                32,
                self.prefix,
            ),
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                masked(u128::from(net), u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether `a` and `b` agree in their first `prefix` of `bits` bits.
fn masked(a: u128, b: u128, bits: u32, prefix: u8) -> bool {
    let shift = bits - u32::from(prefix);
    shift >= bits || (a >> shift) == (b >> shift)
}

/// An IPv4 client seen through an IPv6 socket (`::ffff:1.2.3.4`) is that
/// IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

impl FromStr for Network {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("{text:?} is not an IP address or CIDR network (10.0.0.0/8)");
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let addr = canonical(addr.trim().parse::<IpAddr>().map_err(|_| bad())?);
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(bad)?,
            None => max,
        };
        Ok(Self { addr, prefix })
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<Network>);

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client's address: the peer, unless the peer is trusted and
    /// `X-Forwarded-For` names someone. The header is read from its right
    /// end (the hop nearest to us) past every trusted proxy; what a client
    /// wrote on the left is believed only as far as trusted hops vouch.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map_while(|hop| hop.trim().parse::<IpAddr>().ok().map(canonical))
            .collect();
        let mut client = peer;
        for hop in hops.into_iter().rev() {
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in xff {
            h.append("x-forwarded-for", v.parse().expect("a header value"));
        }
        h
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn networks_parse_and_match() {
        let net: Network = "10.1.0.0/16".parse().unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")));
        let one: Network = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        let all: Network = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("8.8.8.8")));
        let v6: Network = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        for bad in ["", "10.0.0.0/33", "example.com", "1.2.3.4/x"] {
            assert!(bad.parse::<Network>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_header_counts_only_behind_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &headers(&["1.1.1.1"])),
            ip("203.0.113.9")
        );
        let proxy = TrustedProxies(vec!["127.0.0.1".parse().unwrap()]);
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &headers(&["1.1.1.1"])),
            ip("1.1.1.1")
        );
        // The client's own claim on the left is not believed past an untrusted hop.
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &headers(&["6.6.6.6, 1.1.1.1"])),
            ip("1.1.1.1")
        );
        // Several trusted hops, several header lines.
        let chain = TrustedProxies(vec![
            "127.0.0.1".parse().unwrap(),
            "10.0.0.0/8".parse().unwrap(),
        ]);
        assert_eq!(
            chain.client(ip("127.0.0.1"), &headers(&["2.2.2.2", "10.0.0.5"])),
            ip("2.2.2.2")
        );
        // No header, or garbage: the peer.
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &headers(&[])),
            ip("127.0.0.1")
        );
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &headers(&["junk"])),
            ip("127.0.0.1")
        );
        // Someone else sending the header is not believed.
        assert_eq!(
            proxy.client(ip("198.51.100.7"), &headers(&["1.1.1.1"])),
            ip("198.51.100.7")
        );
    }
}
