//! With --tls-cert and --tls-key the server speaks https and wss itself.

use std::sync::Arc;

use crate::common::TestServer;
use futures_util::{SinkExt, StreamExt};
use natter_shared::ServerFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{Connector, connect_async_tls_with_config};

#[tokio::test]
async fn wss_works_with_a_certificate_and_plain_ws_does_not() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("cert.pem");
    let key = dir.path().join("key.pem");
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let server = TestServer::start_with(&[
        "--tls-cert",
        cert.to_str().unwrap(),
        "--tls-key",
        key.to_str().unwrap(),
    ])
    .await;
    let port = server.http_url("").rsplit(':').next().unwrap().to_owned();

    let mut roots = rustls::RootCertStore::empty();
    roots.add(certified.cert.der().clone()).unwrap();
    let client = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let url = format!("wss://localhost:{port}/ws?name=secure");
    let (mut ws, _) =
        connect_async_tls_with_config(url, None, false, Some(Connector::Rustls(Arc::new(client))))
            .await
            .expect("a wss connection");
    let welcome = ws.next().await.unwrap().unwrap();
    let ServerFrame::Welcome(welcome) = serde_json::from_str(welcome.to_text().unwrap()).unwrap()
    else {
        panic!("expected a welcome");
    };
    assert_eq!(welcome.name, "secure");
    ws.send(Message::text(
        r#"{"type":"message","params":{"value":"over tls"}}"#,
    ))
    .await
    .unwrap();
    loop {
        if let ServerFrame::Message(message) =
            serde_json::from_str(ws.next().await.unwrap().unwrap().to_text().unwrap()).unwrap()
        {
            assert_eq!(message.value, "over tls");
            break;
        }
    }

    // Plain ws to the TLS port fails to handshake.
    assert!(
        tokio_tungstenite::connect_async(format!("ws://localhost:{port}/ws"))
            .await
            .is_err()
    );
}

#[test]
fn a_missing_certificate_stops_natter_at_start() {
    // A folder of its own, removed afterwards: tests leave nothing behind.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("natter.db");
    let (status, stderr) = crate::common::process::run_to_exit(&[
        "--bind",
        "127.0.0.1:0",
        "--db",
        db.to_str().unwrap(),
        "--tls-cert",
        "/nonexistent/cert.pem",
        "--tls-key",
        "/nonexistent/key.pem",
    ]);
    assert!(!status.success());
    assert!(
        stderr.contains("cannot load the TLS certificate /nonexistent/cert.pem"),
        "{stderr}"
    );
}
