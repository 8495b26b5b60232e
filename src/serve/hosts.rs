//! Which `Host` and `Origin` a request to the preview server may carry.
//!
//! A page on any web site can make the browser talk to `127.0.0.1` through a DNS name
//! that first pointed at its own server and then at this machine (DNS rebinding). The
//! browser then treats the preview server as that site's origin, so the page may read
//! every response: drafts, and build errors that quote source lines of any file. What
//! gives such a request away is its `Host` (and `Origin`), which names the attacker's
//! domain. So the server answers only requests whose host is `localhost` or an IP
//! address, on the port it serves, or a name the user allowed with `--allow-host`.
//! An IP address cannot be rebound (there is no name to point elsewhere), so IP
//! addresses are safe to accept: they cover `127.0.0.1`, `[::1]`, the `--bind` address
//! and the machine's addresses on a network when it binds to all of them.
//!
//! This module only decides; it does no I/O.

use std::net::{IpAddr, Ipv6Addr};

/// The hosts a server answers to.
#[derive(Debug, Clone)]
pub(crate) struct HostPolicy {
    /// The port the server listens on.
    port: u16,
    /// Names allowed with `--allow-host`, lowercase, on any port.
    names: Vec<String>,
}

/// Why a request was refused, for the 403 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// Which header was wrong: `Host` or `Origin`.
    pub header: &'static str,
    /// Its value, as sent (empty when it was missing).
    pub value: String,
    /// The host name to suggest for `--allow-host`, when there is one.
    pub name: Option<String>,
}

impl HostPolicy {
    /// The policy of a server on `port` that also answers to `names`.
    pub(crate) fn new(port: u16, names: &[String]) -> Self {
        HostPolicy {
            port,
            names: names.iter().map(|n| n.to_ascii_lowercase()).collect(),
        }
    }

    /// `None` when a request with these headers (and request-target authority, for an
    /// absolute-form target) may be answered.
    pub(crate) fn refusal(
        &self,
        host: Option<&str>,
        origin: Option<&str>,
        target_authority: Option<&str>,
    ) -> Option<Refusal> {
        let refuse = |header: &'static str, value: &str| {
            Some(Refusal {
                header,
                value: value.to_string(),
                name: split_authority(value, 80)
                    .map(|(h, _)| h)
                    .filter(|h| !h.is_empty() && parse_ip(h).is_none()),
            })
        };
        let Some(host) = host else {
            return refuse("Host", "");
        };
        if !self.allows(host, 80) {
            return refuse("Host", host);
        }
        if let Some(authority) = target_authority {
            if !self.allows(authority, 80) {
                return refuse("Host", authority);
            }
        }
        if let Some(origin) = origin {
            let allowed = match origin.split_once("://") {
                Some(("http", authority)) => self.allows(authority, 80),
                Some(("https", authority)) => self.allows(authority, 443),
                _ => false,
            };
            if !allowed {
                return refuse("Origin", origin);
            }
        }
        None
    }

    /// Whether `authority` (`name[:port]`, `[v6]:port`) names this server.
    fn allows(&self, authority: &str, default_port: u16) -> bool {
        let Some((host, port)) = split_authority(authority, default_port) else {
            return false;
        };
        if self.names.contains(&host) {
            return true;
        }
        (host == "localhost" || parse_ip(&host).is_some()) && port == self.port
    }

    /// What the 403 answer says.
    pub(crate) fn explain(&self, refusal: &Refusal) -> String {
        let what = match refusal.value.as_str() {
            "" => format!("it has no {} header", refusal.header),
            value => format!("its {} is `{value}`", refusal.header),
        };
        let mut text = format!(
            "casefile serve refused this request: {what}, which is not this server.\n\n\
             It answers only to localhost and IP addresses on port {port}, and to names\n\
             allowed with --allow-host, so that a web page elsewhere cannot read drafts\n\
             and build errors through a DNS name that points at this machine (DNS rebinding).\n",
            port = self.port
        );
        if let Some(name) = &refusal.name {
            text.push_str(&format!(
                "\nIf you trust `{name}` (your own proxy or tunnel), restart with:\n\n    casefile serve --allow-host {name}\n"
            ));
        }
        text
    }
}

/// `name[:port]` or `[v6][:port]` as a lowercase host and a port.
fn split_authority(authority: &str, default_port: u16) -> Option<(String, u16)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (format!("[{inside}]"), port)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host.to_string(), Some(port)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        None => default_port,
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
        Some(_) => return None,
    };
    if host.contains(['@', '/', ' ']) {
        return None;
    }
    Some((host.to_ascii_lowercase(), port))
}

fn parse_ip(host: &str) -> Option<IpAddr> {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().ok().map(IpAddr::V6),
        None => host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4),
    }
}

/// Checks a `--allow-host` value: a host name, without scheme, port or path.
pub fn parse_allowed_name(value: &str) -> Result<String, String> {
    let ok = !value.is_empty()
        && value.len() <= 253
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
        && !value.starts_with(['.', '-']);
    match ok {
        true => Ok(value.to_ascii_lowercase()),
        false => Err(format!(
            "`{value}` is not a host name: give the name alone, such as `preview.example.org` (no scheme, port or path)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> HostPolicy {
        HostPolicy::new(1111, &["Preview.Example.org".to_string()])
    }

    fn allowed(host: &str) -> bool {
        policy().refusal(Some(host), None, None).is_none()
    }

    #[test]
    fn loopback_names_and_ip_addresses_on_the_port() {
        for host in [
            "127.0.0.1:1111",
            "localhost:1111",
            "LOCALHOST:1111",
            "[::1]:1111",
            "192.168.1.20:1111",
            "preview.example.org",
            "preview.example.org:8443",
        ] {
            assert!(allowed(host), "{host}");
        }
        for host in [
            "evil.example:1111",
            "127.0.0.1:2222",
            "127.0.0.1",
            "localhost",
            "localhost.:1111",
            "[::1]",
            "127.0.0.1:1111@evil.example",
            "127.0.0.1.nip.io:1111",
            "evil.example",
            "",
            "[::1",
            "localhost:",
            "localhost:+1111",
        ] {
            assert!(!allowed(host), "{host}");
        }
        assert!(HostPolicy::new(80, &[])
            .refusal(Some("localhost"), None, None)
            .is_none());
    }

    #[test]
    fn origins_must_name_the_server_too() {
        let p = policy();
        let host = Some("127.0.0.1:1111");
        for origin in [
            "http://127.0.0.1:1111",
            "http://localhost:1111",
            "https://preview.example.org",
        ] {
            assert_eq!(p.refusal(host, Some(origin), None), None, "{origin}");
        }
        for origin in [
            "http://evil.example:1111",
            "null",
            "http://127.0.0.1:2222",
            "file://",
            "ftp://127.0.0.1:1111",
        ] {
            let refusal = p.refusal(host, Some(origin), None).expect(origin);
            assert_eq!(refusal.header, "Origin");
        }
    }

    #[test]
    fn a_missing_host_or_a_foreign_target_authority_is_refused() {
        let p = policy();
        assert_eq!(p.refusal(None, None, None).unwrap().value, "");
        let r = p
            .refusal(Some("127.0.0.1:1111"), None, Some("evil.example"))
            .unwrap();
        assert_eq!(r.value, "evil.example");
    }

    #[test]
    fn the_explanation_names_the_flag_for_names_only() {
        let p = policy();
        let r = p.refusal(Some("evil.example:1111"), None, None).unwrap();
        let text = p.explain(&r);
        assert!(text.contains("`evil.example:1111`"), "{text}");
        assert!(text.contains("--allow-host evil.example\n"), "{text}");
        let r = p.refusal(Some("127.0.0.1:9"), None, None).unwrap();
        assert!(!p.explain(&r).contains("restart with"));
    }

    #[test]
    fn allowed_names_are_plain_host_names() {
        assert_eq!(parse_allowed_name("Box.Local").unwrap(), "box.local");
        for bad in ["", "http://x", "x:80", "x/y", ".x", "a b"] {
            assert!(parse_allowed_name(bad).is_err(), "{bad}");
        }
    }
}
