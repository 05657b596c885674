//! Which web pages may open a WebSocket here (cross-site WebSocket hijacking
//! protection).
//!
//! Browsers send an `Origin` header with every WebSocket handshake and let any
//! page connect anywhere; without this check, any site a user visits could
//! chat in their name. Requests without `Origin` come from non-browser
//! clients, which no page controls, so they are allowed (as Phoenix and
//! Centrifugo do).

use axum::http::HeaderValue;

/// The origins allowed to connect besides the server's own.
#[derive(Debug, Clone, Default)]
pub struct OriginPolicy {
    /// Normalized `scheme://host[:port]` entries.
    allowed: Vec<String>,
}

impl OriginPolicy {
    /// A policy allowing the server's own origin plus `extra`.
    pub fn new(extra: &[String]) -> Self {
        OriginPolicy {
            allowed: extra.iter().map(|origin| normalize(origin)).collect(),
        }
    }

    /// Whether a handshake with this `Origin` and `Host` may upgrade.
    pub fn permits(&self, origin: Option<&HeaderValue>, host: Option<&HeaderValue>) -> bool {
        let Some(origin) = origin else {
            return true;
        };
        let Ok(origin) = origin.to_str() else {
            return false;
        };
        let origin = normalize(origin);
        if self.allowed.contains(&origin) {
            return true;
        }
        // Same origin: the page came from the host the browser is talking to.
        let authority = origin.split_once("://").map(|(_, authority)| authority);
        let host = host
            .and_then(|host| host.to_str().ok())
            .map(|host| strip_default_port(&host.to_ascii_lowercase()));
        matches!((authority, host), (Some(authority), Some(host)) if authority == host)
    }
}

/// Lower case, no trailing slash, no default port: the form browsers send.
fn normalize(origin: &str) -> String {
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    match origin.split_once("://") {
        Some((scheme, authority)) => format!("{scheme}://{}", strip_default_port(authority)),
        None => origin,
    }
}

fn strip_default_port(authority: &str) -> String {
    authority
        .strip_suffix(":80")
        .or_else(|| authority.strip_suffix(":443"))
        .unwrap_or(authority)
        .to_owned()
}

/// Checks an `--allowed-origin` value.
pub fn parse_origin(raw: &str) -> Result<String, String> {
    let normalized = normalize(raw);
    let Some((scheme, authority)) = normalized.split_once("://") else {
        return Err(format!(
            "{raw:?} is not an origin like https://chat.example.com"
        ));
    };
    if !matches!(scheme, "http" | "https") || authority.is_empty() || authority.contains('/') {
        return Err(format!(
            "{raw:?} is not an origin like https://chat.example.com (no path)"
        ));
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).unwrap()
    }

    #[test]
    fn same_origin_and_listed_origins_pass() {
        let policy = OriginPolicy::new(&["https://app.example.com/".to_owned()]);
        let host = value("chat.example.com");
        assert!(policy.permits(Some(&value("https://chat.example.com")), Some(&host)));
        assert!(policy.permits(Some(&value("https://app.example.com")), Some(&host)));
        assert!(
            policy.permits(None, Some(&host)),
            "non-browser clients send no Origin"
        );
        assert!(policy.permits(
            Some(&value("http://127.0.0.1:8080")),
            Some(&value("127.0.0.1:8080"))
        ));
        assert!(policy.permits(
            Some(&value("http://localhost")),
            Some(&value("localhost:80"))
        ));
    }

    #[test]
    fn other_sites_fail() {
        let policy = OriginPolicy::default();
        let host = value("chat.example.com");
        for origin in [
            "https://evil.example",
            "null",
            "https://chat.example.com.evil.example",
            "http://chat.example.com:8443",
        ] {
            assert!(
                !policy.permits(Some(&value(origin)), Some(&host)),
                "{origin}"
            );
        }
    }

    #[test]
    fn flag_values_are_checked() {
        assert_eq!(
            parse_origin("HTTPS://App.Example.com/").unwrap(),
            "https://app.example.com"
        );
        assert!(parse_origin("app.example.com").is_err());
        assert!(parse_origin("https://app.example.com/path").is_err());
        assert!(parse_origin("ftp://x").is_err());
    }
}
