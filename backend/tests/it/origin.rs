//! Only pages from this server (or listed origins) may open a WebSocket;
//! another site gets 403 and never upgrades.

use crate::common::{Client, TestServer};

/// Tries a handshake with this Origin header; returns the HTTP status.
async fn handshake_status(server: &TestServer, origin: &str) -> u16 {
    let host = server.http_url("").trim_start_matches("http://").to_owned();
    handshake_with(server, &host, Some(origin)).await
}

#[tokio::test]
async fn another_site_is_refused_with_403_and_nobody_notices() {
    let server = TestServer::start().await;
    let mut bystander = Client::connect(&server).await;
    for origin in ["https://evil.example", "null", "http://localhost:1"] {
        assert_eq!(handshake_status(&server, origin).await, 403, "{origin}");
    }
    bystander.publish("unaffected", None).await;
    assert_eq!(bystander.next_message().await.value, "unaffected");
}

#[tokio::test]
async fn the_servers_own_origin_and_listed_ones_may_connect() {
    let server = TestServer::start_with(&["--allowed-origin", "https://app.example.com"]).await;
    let own = server.http_url("");
    assert_eq!(handshake_status(&server, &own).await, 101);
    assert_eq!(
        handshake_status(&server, "https://app.example.com").await,
        101
    );
    assert_eq!(
        handshake_status(&server, "https://other.example.com").await,
        403
    );
}

#[test]
fn the_flag_rejects_things_that_are_not_origins() {
    use clap::Parser;
    for bad in ["app.example.com", "https://app.example.com/chat", "ftp://x"] {
        assert!(
            backend::Config::try_parse_from(["natter", "--allowed-origin", bad]).is_err(),
            "{bad}"
        );
    }
    let config = backend::Config::try_parse_from([
        "natter",
        "--allowed-origin",
        "https://a.example,https://b.example",
    ])
    .unwrap();
    assert_eq!(
        config.allowed_origins,
        ["https://a.example", "https://b.example"]
    );
}

/// Tries a handshake with these Host and Origin headers; returns the status.
async fn handshake_with(server: &TestServer, host: &str, origin: Option<&str>) -> u16 {
    let mut headers = vec![("host", host)];
    headers.extend(origin.map(|origin| ("origin", origin)));
    crate::common::api::handshake_status(server, "", &headers).await
}

#[tokio::test]
async fn dns_rebinding_is_refused_by_the_host_name() {
    let server = TestServer::start().await;
    let mut bystander = Client::connect(&server).await;
    let port = server.http_url("").rsplit(':').next().unwrap().to_owned();
    let evil = format!("evil.example:{port}");
    // A page on the attacker's name, rebound to this address: same origin
    // with itself, and still refused, as is any request for that name.
    assert_eq!(
        handshake_with(&server, &evil, Some(&format!("http://{evil}"))).await,
        403
    );
    assert_eq!(handshake_with(&server, &evil, None).await, 403);
    let page = reqwest::Client::new()
        .get(server.http_url("/"))
        .header("host", &evil)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 403);
    // localhost and IP addresses are always answered.
    let local = format!("localhost:{port}");
    assert_eq!(
        handshake_with(&server, &local, Some(&format!("http://{local}"))).await,
        101
    );
    bystander.publish("unaffected", None).await;
    assert_eq!(bystander.next_message().await.value, "unaffected");
}

#[tokio::test]
async fn the_origin_must_match_the_scheme_and_port_served() {
    let server = TestServer::start().await;
    let authority = server.http_url("").trim_start_matches("http://").to_owned();
    let port = authority.rsplit(':').next().unwrap().to_owned();
    for origin in [
        format!("https://{authority}"),
        format!("ws://{authority}"),
        format!("foo://{authority}"),
        "http://127.0.0.1".to_owned(),
        format!("http://127.0.0.1:{}", port.parse::<u16>().unwrap() ^ 1),
    ] {
        assert_eq!(handshake_status(&server, &origin).await, 403, "{origin}");
    }
    assert_eq!(
        handshake_status(&server, &format!("http://{authority}")).await,
        101
    );
}

#[tokio::test]
async fn a_public_url_is_answered_and_its_pages_may_connect() {
    let server = TestServer::start_with(&["--public-url", "https://chat.example.com"]).await;
    // As behind a TLS-terminating proxy: the page is https, natter is http.
    assert_eq!(
        handshake_with(
            &server,
            "chat.example.com",
            Some("https://chat.example.com")
        )
        .await,
        101
    );
    assert_eq!(
        handshake_with(
            &server,
            "chat.example.com",
            Some("https://chat.example.com:8443")
        )
        .await,
        403
    );
    assert_eq!(
        handshake_with(
            &server,
            "other.example.com",
            Some("https://chat.example.com")
        )
        .await,
        403
    );
}
