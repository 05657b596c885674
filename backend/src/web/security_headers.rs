//! Response headers that keep the web client's pages from being abused:
//! a Content-Security-Policy allowing the wasm app and nothing else, no MIME
//! sniffing, no referrer leaks, no framing.

use std::path::Path;

use axum::http::{HeaderName, HeaderValue, header};
use base64::Engine;
use sha2::{Digest, Sha256};

/// The headers every static response carries.
pub(crate) fn static_headers(static_dir: &Path) -> Vec<(HeaderName, HeaderValue)> {
    let policy = content_security_policy(&inline_script_hashes(static_dir));
    vec![
        (
            header::CONTENT_SECURITY_POLICY,
            // Built from base64 hashes and fixed text, so it is always a valid header.
            HeaderValue::from_str(&policy).expect("CSP is ASCII"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
    ]
}

/// The policy: scripts only from this server (plus the exact inline loader
/// trunk writes into index.html, by hash), WebAssembly compilation, styles
/// from this server, connections only back to this server.
pub(crate) fn content_security_policy(inline_script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in inline_script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'none'; script-src {script_src}; style-src 'self'; connect-src 'self'; \
         img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// Base64 SHA-256 of each inline `<script>` in the built index.html.
fn inline_script_hashes(static_dir: &Path) -> Vec<String> {
    let Ok(html) = std::fs::read_to_string(static_dir.join("index.html")) else {
        return Vec::new();
    };
    let mut hashes = Vec::new();
    let mut rest = html.as_str();
    while let Some(open) = rest.find("<script") {
        let after_open = &rest[open..];
        let Some(tag_end) = after_open.find('>') else {
            break;
        };
        let tag = &after_open[..tag_end];
        let body_and_rest = &after_open[tag_end + 1..];
        let Some(close) = body_and_rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body_and_rest.as_bytes()[..close]);
            hashes.push(base64::engine::general_purpose::STANDARD.encode(digest));
        }
        rest = &body_and_rest[close..];
    }
    hashes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_skipped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            "<script type=\"module\">run()</script><script src=\"/x.js\"></script>",
        )
        .unwrap();
        let hashes = inline_script_hashes(dir.path());
        let expected = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"run()"));
        assert_eq!(hashes, [expected]);
    }
}
