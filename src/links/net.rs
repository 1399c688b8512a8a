//! Address policy and name resolution, and what a failed request's error means.
//!
//! The checker runs in CI on links anyone can put in a pull request, so it must
//! not become a way to probe the runner's network (cloud metadata endpoints,
//! services on localhost). The decision is made on the *resolved* address, inside
//! the resolver the HTTP client connects through: the address that is checked is
//! the address that is connected to, so a name that resolves to a public address
//! once and to 127.0.0.1 the next time (DNS rebinding) gains nothing. IP-literal
//! hosts never reach a resolver and are checked by the caller with `is_public`.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::check::HopError;

/// Whether `ip` is a globally routable unicast address, i.e. one a link checker
/// may connect to without `--allow-private`.
pub(crate) fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(a == 0 // "this network"
        || a == 10
        || a == 127
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 169 && b == 254) // link-local, cloud metadata 169.254.169.254
        || (a == 172 && (16..32).contains(&b))
        || (a == 192 && b == 168)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 192 && b == 0 && c == 2) // documentation
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || (a == 198 && b == 51 && c == 100)
        || (a == 203 && b == 0 && c == 113)
        || a >= 224) // multicast, reserved, broadcast
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || (s[0] & 0xfe00) == 0xfc00 // unique local fc00::/7 (AWS metadata fd00:ec2::254)
        || (s[0] & 0xffc0) == 0xfe80 // link-local
        || (s[0] & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (s[0] & 0xff00) == 0xff00 // multicast
        || (s[0] == 0x2001 && s[1] == 0x0db8) // documentation
        || (s[0] == 0x0100 && s[1] == 0 && s[2] == 0 && s[3] == 0)) // discard-only
}

/// The IPv4 address carried by an IPv4-mapped, IPv4-compatible, NAT64 or 6to4
/// address: each of these ends up talking to that IPv4 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let tail = || Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    if s[..6] == [0, 0, 0, 0, 0, 0] && !ip.is_loopback() && !ip.is_unspecified() {
        return Some(tail()); // IPv4-compatible ::a.b.c.d
    }
    if s[0] == 0x64 && s[1] == 0xff9b {
        return Some(tail()); // NAT64 64:ff9b::/96 (and the local-use /48)
    }
    if s[0] == 0x2002 {
        return Some(Ipv4Addr::new((s[1] >> 8) as u8, s[1] as u8, (s[2] >> 8) as u8, s[2] as u8));
    }
    None
}

/// Why a name gave no address to connect to. Carried through reqwest's error
/// chain so the checker can tell "skipped" and "dead" from "flaky".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ResolveError {
    /// The name does not exist (NXDOMAIN, no address records).
    NotFound(String),
    /// The resolver failed for a reason that may pass (timeout, SERVFAIL).
    Temporary(String),
    /// Every address of the name is private; nothing was connected to.
    Private(IpAddr),
}

impl std::fmt::Display for ResolveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolveError::NotFound(name) => write!(f, "DNS name not found: {name}"),
            ResolveError::Temporary(e) => write!(f, "DNS lookup failed: {e}"),
            ResolveError::Private(ip) => write!(f, "resolves to the non-public address {ip}"),
        }
    }
}

impl std::error::Error for ResolveError {}

/// Where names come from: the system resolver, or a fixed table (tests, and
/// anyone who wants to pin names).
#[derive(Debug, Clone, Default)]
pub enum Lookup {
    /// The operating system's resolver.
    #[default]
    System,
    /// Names in the table resolve to its addresses; other names do not exist.
    Static(HashMap<String, Vec<IpAddr>>),
}

/// A resolver that drops non-public addresses unless allowed, and remembers
/// answers for the run (a run asks for the same few hundred hosts over and over).
#[derive(Clone)]
pub(crate) struct FilteringResolver {
    inner: Arc<Inner>,
}

struct Inner {
    lookup: Lookup,
    allow_private: bool,
    cache: Mutex<HashMap<String, Result<Vec<IpAddr>, ResolveError>>>,
}

impl FilteringResolver {
    pub(crate) fn new(lookup: Lookup, allow_private: bool) -> Self {
        FilteringResolver {
            inner: Arc::new(Inner { lookup, allow_private, cache: Mutex::new(HashMap::new()) }),
        }
    }

    /// The addresses of `host` that may be connected to.
    pub(crate) async fn resolve_host(&self, host: &str) -> Result<Vec<IpAddr>, ResolveError> {
        let key = host.to_ascii_lowercase();
        if let Some(hit) = self.inner.cache.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
            return hit.clone();
        }
        let answer = match &self.inner.lookup {
            Lookup::Static(table) => table.get(&key).cloned().ok_or(ResolveError::NotFound(key.clone())),
            Lookup::System => system_lookup(&key).await,
        };
        let filtered = answer.and_then(|ips| self.filter(ips));
        // Temporary failures are not remembered: the retry should ask again.
        if !matches!(filtered, Err(ResolveError::Temporary(_))) {
            self.inner.cache.lock().unwrap_or_else(|e| e.into_inner()).insert(key, filtered.clone());
        }
        filtered
    }

    fn filter(&self, ips: Vec<IpAddr>) -> Result<Vec<IpAddr>, ResolveError> {
        if self.inner.allow_private {
            return Ok(ips);
        }
        let first = ips.first().copied();
        let public: Vec<IpAddr> = ips.into_iter().filter(|ip| is_public(*ip)).collect();
        match (public.is_empty(), first) {
            (false, _) => Ok(public),
            (true, Some(ip)) => Err(ResolveError::Private(ip)),
            (true, None) => Err(ResolveError::Temporary("no addresses".into())),
        }
    }
}

async fn system_lookup(host: &str) -> Result<Vec<IpAddr>, ResolveError> {
    match tokio::net::lookup_host((host, 0)).await {
        Ok(addrs) => {
            let mut ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
            ips.dedup();
            if ips.is_empty() { Err(ResolveError::NotFound(host.to_owned())) } else { Ok(ips) }
        }
        Err(e) => {
            // std reports getaddrinfo failures as "uncategorized" errors whose
            // text is gai_strerror's; the "no such name" ones are stable strings.
            let text = e.to_string();
            let gone = [
                "Name or service not known",           // glibc EAI_NONAME
                "No address associated with hostname", // glibc EAI_NODATA
                "Name does not resolve",               // musl
                "nodename nor servname provided",      // BSD, macOS
                "No such host is known",               // Windows
            ];
            if gone.iter().any(|g| text.contains(g)) {
                Err(ResolveError::NotFound(host.to_owned()))
            } else {
                Err(ResolveError::Temporary(text))
            }
        }
    }
}

impl Resolve for FilteringResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let this = self.clone();
        Box::pin(async move {
            // Boxed once, as the error itself, so the checker can downcast it.
            let ips = this
                .resolve_host(&host)
                .await
                .map_err(|e| -> Box<dyn std::error::Error + Send + Sync> { Box::new(e) })?;
            let addrs: Addrs = Box::new(ips.into_iter().map(|ip| SocketAddr::new(ip, 0)));
            Ok(addrs)
        })
    }
}

/// Sort a reqwest error into what the verdict needs to know.
pub(super) fn classify(e: &reqwest::Error) -> HopError {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        // `io::Error::source()` skips the error it wraps: look inside.
        let mut layers = vec![err];
        if let Some(inner) = err.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref()) {
            layers.push(inner);
        }
        for layer in layers {
            if let Some(r) = layer.downcast_ref::<ResolveError>() {
                return from_resolve(r);
            }
            if let Some(t) = layer.downcast_ref::<rustls::Error>() {
                return HopError::Tls(t.to_string());
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            match io.kind() {
                std::io::ErrorKind::ConnectionRefused => return HopError::Refused,
                std::io::ErrorKind::TimedOut => return HopError::Timeout,
                _ => {}
            }
        }
        cur = err.source();
    }
    if e.is_timeout() {
        return HopError::Timeout;
    }
    HopError::Transient(format!("connection failed: {}", describe(e)))
}

pub(super) fn from_resolve(r: &ResolveError) -> HopError {
    match r {
        ResolveError::Private(ip) => HopError::Private(*ip),
        ResolveError::NotFound(n) => HopError::NotFound(n.clone()),
        ResolveError::Temporary(m) => HopError::Transient(format!("DNS lookup failed: {m}")),
    }
}

/// The innermost useful message of an error chain.
fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = std::error::Error::source(e);
    while let Some(err) = cur {
        msg = err.to_string();
        cur = err.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for s in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "fc00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
            "ff02::1",
        ] {
            assert!(!is_public(ip(s)), "{s} must not be public");
        }
        for s in [
            "93.184.216.34",
            "140.82.112.3",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(s)), "{s} is public");
        }
    }

    #[tokio::test]
    async fn resolver_drops_private_answers() {
        let table = HashMap::from([
            ("rebind.test".to_string(), vec![ip("127.0.0.1")]),
            ("mixed.test".to_string(), vec![ip("10.0.0.1"), ip("93.184.216.34")]),
        ]);
        let r = FilteringResolver::new(Lookup::Static(table.clone()), false);
        assert_eq!(r.resolve_host("rebind.test").await, Err(ResolveError::Private(ip("127.0.0.1"))));
        assert_eq!(r.resolve_host("MIXED.test").await, Ok(vec![ip("93.184.216.34")]));
        assert!(matches!(r.resolve_host("nope.test").await, Err(ResolveError::NotFound(_))));
        let open = FilteringResolver::new(Lookup::Static(table), true);
        assert_eq!(open.resolve_host("rebind.test").await, Ok(vec![ip("127.0.0.1")]));
    }
}
