//! The guard against DNS rebinding.
//!
//! A page on another site can point its own name at 127.0.0.1 and then
//! read the preview as if it were its own origin; the browser still sends
//! that site's name in `Host`. So a request is answered only when its
//! `Host` names this preview, written the one way a browser writes it:
//! anything unusual (other IPv4 forms, IPv4-mapped IPv6, zone ids,
//! userinfo, percent-encoding) is refused rather than interpreted.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The host part of a `Host` field.
#[derive(Debug, PartialEq, Eq)]
enum HostName<'a> {
    /// A registered name, as written.
    Name(&'a str),
    /// An IP address literal: a dotted quad, or IPv6 in brackets.
    Ip(IpAddr),
}

/// Splits a `Host` field into its host and checks its optional port
/// (`:` and 1 to 5 digits, at most 65535). `None` for anything else:
/// userinfo, percent-encoding, spaces, an IPv6 address without brackets, an
/// IPv4 address in brackets, a zone id, an empty or malformed port.
fn host_name(field: &str) -> Option<HostName<'_>> {
    let (host, port) = match field.strip_prefix('[') {
        Some(rest) => {
            let (inside, after) = rest.split_once(']')?;
            let port = if after.is_empty() {
                None
            } else {
                Some(after.strip_prefix(':')?)
            };
            let ip: Ipv6Addr = inside.parse().ok()?;
            (HostName::Ip(IpAddr::V6(ip)), port)
        }
        None => {
            let (name, port) = match field.split_once(':') {
                Some((name, port)) => (name, Some(port)),
                None => (field, None),
            };
            let host = match name.parse::<Ipv4Addr>() {
                Ok(ip) => HostName::Ip(IpAddr::V4(ip)),
                Err(_) => HostName::Name(name),
            };
            (host, port)
        }
    };
    let port_ok = port.is_none_or(|p| {
        (1..=5).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok()
    });
    port_ok.then_some(host)
}

/// True when a `Host` field names this preview and not another site whose
/// name a DNS rebinding attack pointed here: `localhost` (any case, no
/// trailing dot), a loopback IP literal (`127.0.0.0/8`, `[::1]`), or the
/// literal address the connection arrived on (`local`: the bound address,
/// or with `--bind 0.0.0.0` the machine's address the browser used), each
/// with an optional port. Anything else, named or written differently
/// (decimal, hex or short IPv4 forms, IPv4-mapped IPv6), is refused.
pub(super) fn host_allowed(field: &str, local: IpAddr) -> bool {
    match host_name(field) {
        Some(HostName::Name(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(HostName::Ip(ip)) => ip.is_loopback() || ip == local.to_canonical(),
        None => false,
    }
}

/// True when a request may be answered: its `Host` field (`None`: HTTP/1.0
/// without one) names this preview as reached on `arrived_on` (`None`: the
/// connection's local address is unknown, so only `Host`-less requests
/// pass).
///
/// HTTP/1.0 may omit `Host`; browsers always send it, so a page on another
/// site cannot reach the preview without one.
pub(super) fn names_this_preview(host: Option<&str>, arrived_on: Option<IpAddr>) -> bool {
    match (host, arrived_on) {
        (None, _) => true,
        (Some(host), Some(local)) => host_allowed(host, local),
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn host_names_of_this_preview_are_answered() {
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        for (host, local) in [
            ("localhost", LOOPBACK),
            ("LocalHost:3000", LOOPBACK),
            ("127.0.0.1", LOOPBACK),
            ("127.0.0.1:3000", LOOPBACK),
            ("127.1.2.3:65535", LOOPBACK),
            ("[::1]", LOOPBACK),
            ("[::1]:3000", LOOPBACK),
            ("[0:0:0:0:0:0:0:1]:80", LOOPBACK),
            // Bound to 0.0.0.0 and reached on the LAN address: that address.
            ("192.168.1.20:3000", lan),
            ("localhost:3000", lan),
            // Bound to `::` and reached over IPv4 (a mapped local address).
            ("192.168.1.20", "::ffff:192.168.1.20".parse().unwrap()),
        ] {
            assert!(host_allowed(host, local), "{host} was refused");
        }
    }

    #[test]
    fn foreign_and_disguised_hosts_are_refused() {
        let lan: IpAddr = "192.168.1.20".parse().unwrap();
        for host in [
            "attacker.invalid",
            "127.0.0.1.evil.example",
            "127.evil.example",
            "127.0.0.1.evil.example:3000",
            "[::1].evil.example",
            "[::1]evil",
            "localhost.evil.example",
            "evil.localhost",
            "localhost.",
            "",
            ":3000",
            "a@127.0.0.1",
            "127.0.0.1@evil.example",
            "%31%32%37.0.0.1",
            "127.0.0.1%00",
            "127.0.0.1 evil.example",
            " 127.0.0.1",
            "127.0.0.1:",
            "127.0.0.1:65536",
            "127.0.0.1:+80",
            "127.0.0.1:3000:3000",
            "127.0.0.1:0x50",
            "127.0.0.1:80 ",
            "2130706433",
            "0x7f.1",
            "0x7f000001",
            "127.1",
            "0177.0.0.1",
            "127.000.000.001",
            "::1",
            "[127.0.0.1]",
            "[::ffff:127.0.0.1]",
            "[::ffff:7f00:1]",
            "[::1%25lo]",
            "[fe80::1%25eth0]:3000",
            "[::1:3000",
            "0.0.0.0",
            "0.0.0.0:3000",
            "[::]",
            "192.168.1.21",
        ] {
            assert!(!host_allowed(host, LOOPBACK), "{host:?} was answered");
            assert!(!host_allowed(host, lan), "{host:?} was answered on the LAN");
        }
        // The LAN address is this preview's only when the request came in on it.
        assert!(!host_allowed("192.168.1.20", LOOPBACK));
    }

    #[test]
    fn a_request_without_host_passes_and_an_unknown_local_address_refuses_every_name() {
        assert!(names_this_preview(None, None));
        assert!(names_this_preview(None, Some(LOOPBACK)));
        assert!(names_this_preview(Some("localhost"), Some(LOOPBACK)));
        assert!(!names_this_preview(Some("localhost"), None));
        assert!(!names_this_preview(Some("evil.example"), Some(LOOPBACK)));
    }
}
