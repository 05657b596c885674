//! Connection limits, in total and per address, are exact, and connections
//! dropped abruptly leave nothing behind.

use crate::common::raw::wait_for_live;
use crate::common::{Client, TestServer};
use tokio::net::TcpSocket;
use tokio_tungstenite::client_async;
use tokio_tungstenite::tungstenite::Error;

/// The status of a handshake from `source` (a loopback address).
async fn handshake_from(
    server: &TestServer,
    source: &str,
) -> Result<tokio_tungstenite::WebSocketStream<tokio::net::TcpStream>, u16> {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{source}:0").parse().unwrap()).unwrap();
    let addr = server
        .http_url("")
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let stream = socket.connect(addr).await.unwrap();
    match client_async(server.ws_url(""), stream).await {
        Ok((ws, _)) => Ok(ws),
        Err(Error::Http(response)) => Err(response.status().as_u16()),
        Err(other) => panic!("unexpected handshake failure: {other}"),
    }
}

#[tokio::test]
async fn the_connection_after_the_limit_gets_503_until_one_leaves() {
    let server = TestServer::start_with(&["--max-connections", "3"]).await;
    let first = handshake_from(&server, "127.0.0.1").await.unwrap();
    let _second = handshake_from(&server, "127.0.0.1").await.unwrap();
    let _third = handshake_from(&server, "127.0.0.1").await.unwrap();
    assert_eq!(handshake_from(&server, "127.0.0.1").await.err(), Some(503));
    drop(first);
    wait_for_live(&server, 2).await;
    assert!(handshake_from(&server, "127.0.0.1").await.is_ok());
}

#[tokio::test]
async fn one_address_cannot_take_every_place() {
    let server = TestServer::start_with(&["--max-connections-per-ip", "2"]).await;
    let _a = handshake_from(&server, "127.0.0.1").await.unwrap();
    let _b = handshake_from(&server, "127.0.0.1").await.unwrap();
    assert_eq!(handshake_from(&server, "127.0.0.1").await.err(), Some(503));
    assert!(
        handshake_from(&server, "127.0.0.2").await.is_ok(),
        "another address still gets in"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_connections_dropped_abruptly_leave_nothing_behind() {
    let server = TestServer::start_with(&["--max-connections-per-ip", "5000"]).await;
    let mut bystander = Client::connect_as(&server, "bystander").await;
    let mut sockets = Vec::with_capacity(2_000);
    for _ in 0..2_000 {
        sockets.push(handshake_from(&server, "127.0.0.1").await.unwrap());
    }
    wait_for_live(&server, 2_001).await;
    // No close frames: the TCP connections simply vanish.
    drop(sockets);
    wait_for_live(&server, 1).await;
    bystander.publish("still fine", None).await;
    assert_eq!(bystander.next_message().await.value, "still fine");
}
