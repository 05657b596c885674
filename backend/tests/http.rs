//! Plain HTTP: the web client, the health check, and 404 for the rest.

mod common;

use common::{INDEX_HTML, TestServer};

#[tokio::test]
async fn root_serves_the_web_client() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"),
        "{:?}",
        response.headers()
    );
    assert_eq!(response.text().await.unwrap(), INDEX_HTML);
}

#[tokio::test]
async fn healthz_answers_ok() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/healthz")).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let server = TestServer::start().await;
    for path in ["/nope", "/ws/extra", "/dist/index.html", "/../Cargo.toml"] {
        let response = reqwest::get(server.http_url(path)).await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
}

#[tokio::test]
async fn ws_without_an_upgrade_is_refused() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/ws")).await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
}

#[tokio::test]
async fn pages_carry_security_headers_and_a_csp_that_allows_only_this_app() {
    let server = TestServer::start().await;
    let response = reqwest::get(server.http_url("/")).await.unwrap();
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("connect-src 'self'"), "{csp}");
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert_eq!(headers["x-frame-options"], "DENY");
}
