//! Only pages from this server (or listed origins) may open a WebSocket;
//! another site gets 403 and never upgrades.

mod common;

use common::{Client, TestServer};
use tokio_tungstenite::connect_async;
use tokio_tungstenite::tungstenite::Error;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// Tries a handshake with this Origin header; returns the HTTP status.
async fn handshake_status(server: &TestServer, origin: &str) -> u16 {
    let mut request = server.ws_url("").into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    match connect_async(request).await {
        Ok((_, response)) => response.status().as_u16(),
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("unexpected handshake failure: {other}"),
    }
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
