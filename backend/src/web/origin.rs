//! Which host names natter answers to, and which web pages may open a
//! WebSocket here.
//!
//! Two attacks, two checks:
//! - Cross-site WebSocket hijacking: browsers let any page open a WebSocket
//!   anywhere, sending its `Origin`. Only pages from natter's own origin (the
//!   scheme it serves, and the host the request names) or listed origins may
//!   connect. Requests without `Origin` come from programs, which no page
//!   controls, so they may (as in Phoenix and Centrifugo).
//! - DNS rebinding: a page on an attacker's name that resolves to natter's
//!   address is same-origin with itself, so the origin check alone passes it.
//!   So natter answers only to a `Host` that is an IP address, `localhost`,
//!   or a name the operator gave with `--public-url`, as Vite and Jupyter do.

use std::net::{Ipv4Addr, Ipv6Addr};

use axum::http::HeaderValue;

/// The scheme, host names and origins natter accepts.
#[derive(Debug, Clone)]
pub(crate) struct SitePolicy {
    /// `https` when natter serves TLS itself, else `http`: the scheme of its
    /// own pages when they are reached directly.
    scheme: &'static str,
    /// Host names (lower case, no port) from `--public-url`.
    public_hosts: Vec<String>,
    /// Normalized origins from `--public-url` and `--allowed-origin`.
    allowed_origins: Vec<String>,
}

impl SitePolicy {
    /// A policy for a server that serves TLS itself or not, with the
    /// operator's public URLs and extra allowed origins (already checked by
    /// [`parse_origin`]).
    pub(crate) fn new(
        serves_tls: bool,
        public_urls: &[String],
        allowed_origins: &[String],
    ) -> Self {
        let public_hosts = public_urls
            .iter()
            .filter_map(|url| url.split_once("://"))
            .map(|(_, authority)| host_name(authority).to_owned())
            .collect();
        SitePolicy {
            scheme: if serves_tls { "https" } else { "http" },
            public_hosts,
            allowed_origins: public_urls.iter().chain(allowed_origins).cloned().collect(),
        }
    }

    /// Whether natter answers to this `Host` header value.
    pub(crate) fn answers_to(&self, host: &str) -> bool {
        let Some(authority) = parse_authority(host) else {
            return false;
        };
        let name = host_name(&authority);
        is_ip_literal(name)
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.public_hosts.iter().any(|public| public == name)
    }

    /// Whether a handshake with this `Origin`, to this (already accepted)
    /// `Host`, may upgrade.
    pub(crate) fn permits(&self, origin: Option<&HeaderValue>, host: &str) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        let Some(origin) = origin.to_str().ok().and_then(normalize_origin) else {
            return false;
        };
        if self.allowed_origins.contains(&origin) {
            return true;
        }
        // Same origin: natter's own scheme, and the authority the browser is
        // talking to, compared with the same default-port rule.
        let Some(authority) = parse_authority(host) else {
            return false;
        };
        origin
            == format!(
                "{}://{}",
                self.scheme,
                strip_default_port(self.scheme, &authority)
            )
    }
}

/// Lower case, no trailing slash, no default port for its scheme: the form
/// browsers send. `None` unless it is `http` or `https` with an authority
/// and nothing after it.
fn normalize_origin(raw: &str) -> Option<String> {
    let lowered = raw.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = lowered.split_once("://")?;
    if !matches!(scheme, "http" | "https") {
        return None;
    }
    let authority = parse_authority(authority)?;
    Some(format!(
        "{scheme}://{}",
        strip_default_port(scheme, &authority)
    ))
}

/// A `host[:port]` in lower case, or `None` if it is not one.
fn parse_authority(raw: &str) -> Option<String> {
    let authority = raw.trim().to_ascii_lowercase();
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (address, rest) = bracketed.split_once(']')?;
            address.parse::<Ipv6Addr>().ok()?;
            let port = match rest {
                "" => None,
                rest => Some(rest.strip_prefix(':')?),
            };
            (&authority[..address.len() + 2], port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority.as_str(), None),
        },
    };
    let host_ok = host.starts_with('[')
        || (!host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')));
    let port_ok = port.is_none_or(|port| !port.is_empty() && port.parse::<u16>().is_ok());
    (host_ok && port_ok).then_some(authority)
}

/// The host part of a (parsed) authority, without its port.
fn host_name(authority: &str) -> &str {
    if authority.starts_with('[') {
        return authority
            .split_once(']')
            .map_or(authority, |(address, _)| &authority[..address.len() + 1]);
    }
    authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host)
}

fn is_ip_literal(name: &str) -> bool {
    name.parse::<Ipv4Addr>().is_ok()
        || name
            .strip_prefix('[')
            .and_then(|inner| inner.strip_suffix(']'))
            .is_some_and(|inner| inner.parse::<Ipv6Addr>().is_ok())
}

/// Drops `:80` from http and `:443` from https, and nothing else.
fn strip_default_port<'a>(scheme: &str, authority: &'a str) -> &'a str {
    let default = match scheme {
        "http" => ":80",
        "https" => ":443",
        _ => return authority,
    };
    authority.strip_suffix(default).unwrap_or(authority)
}

/// Checks an `--allowed-origin` or `--public-url` value.
pub(crate) fn parse_origin(raw: &str) -> Result<String, String> {
    normalize_origin(raw).ok_or_else(|| {
        format!("{raw:?} is not an origin like https://chat.example.com (http or https, no path)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).unwrap()
    }

    fn policy() -> SitePolicy {
        SitePolicy::new(
            false,
            &["https://chat.example.com".to_owned()],
            &["https://app.example.com".to_owned()],
        )
    }

    #[test]
    fn addresses_localhost_and_public_names_are_answered() {
        let policy = policy();
        for host in [
            "127.0.0.1:8080",
            "10.0.0.5",
            "[::1]:8080",
            "localhost:3000",
            "LOCALHOST",
            "app.localhost",
            "chat.example.com",
            "chat.example.com:8443",
        ] {
            assert!(policy.answers_to(host), "{host}");
        }
        for host in [
            "evil.example:8080",
            "chat.example.com.evil.example",
            "localhost.evil.example",
            "",
            "a b",
            "host:port",
            "[not-ipv6]:80",
            "[::1]junk",
            "127.0.0.1:99999",
        ] {
            assert!(!policy.answers_to(host), "{host}");
        }
    }

    #[test]
    fn same_origin_means_same_scheme_and_port() {
        let policy = policy();
        let ok = |origin: &str, host: &str| policy.permits(Some(&value(origin)), host);
        assert!(ok("http://127.0.0.1:8080", "127.0.0.1:8080"));
        assert!(ok("http://localhost", "localhost:80"));
        assert!(ok("http://localhost:80", "localhost"));
        assert!(
            policy.permits(None, "127.0.0.1:8080"),
            "programs send no Origin"
        );
        for origin in [
            "https://127.0.0.1:8080",
            "ws://127.0.0.1:8080",
            "foo://127.0.0.1:8080",
            "http://127.0.0.1:8081",
            "null",
        ] {
            assert!(!ok(origin, "127.0.0.1:8080"), "{origin}");
        }
        // :443 is the default for https only.
        assert!(!ok("http://localhost:443", "localhost"));
    }

    #[test]
    fn public_and_listed_origins_pass_from_any_accepted_host() {
        let policy = policy();
        let ok = |origin: &str| policy.permits(Some(&value(origin)), "127.0.0.1:8080");
        assert!(ok("https://chat.example.com"));
        assert!(ok("https://chat.example.com:443/"));
        assert!(ok("https://app.example.com"));
        assert!(!ok("http://chat.example.com"), "wrong scheme");
        assert!(!ok("https://other.example.com"));
    }

    #[test]
    fn a_tls_server_is_its_own_https_origin() {
        let policy = SitePolicy::new(true, &[], &[]);
        assert!(policy.permits(Some(&value("https://localhost:8443")), "localhost:8443"));
        assert!(!policy.permits(Some(&value("http://localhost:8443")), "localhost:8443"));
    }

    #[test]
    fn flag_values_are_checked() {
        assert_eq!(
            parse_origin("HTTPS://App.Example.com/").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(
            parse_origin("https://app.example.com:443").unwrap(),
            "https://app.example.com"
        );
        assert!(parse_origin("app.example.com").is_err());
        assert!(parse_origin("https://app.example.com/path").is_err());
        assert!(parse_origin("ftp://x").is_err());
    }
}
