//! Connections that never finish their handshake are cut off, so they cannot
//! hold sockets forever (slowloris).

mod common;

use std::time::Duration;

use common::{Client, PATIENCE, TestServer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection; panics if it never does.
async fn wait_for_close(stream: &mut TcpStream) {
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => return,
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the server kept a silent connection open"),
        }
    }
}

fn addr(server: &TestServer) -> String {
    server.http_url("").trim_start_matches("http://").to_owned()
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let server = TestServer::start_with(&["--handshake-timeout", "300ms"]).await;
    let mut bystander = Client::connect(&server).await;
    let mut silent = TcpStream::connect(addr(&server)).await.unwrap();
    wait_for_close(&mut silent).await;
    bystander.publish("unaffected", None).await;
    assert_eq!(bystander.next_message().await.value, "unaffected");
}

#[tokio::test]
async fn headers_sent_a_byte_at_a_time_are_cut_off() {
    let server = TestServer::start_with(&["--handshake-timeout", "300ms"]).await;
    let mut trickle = TcpStream::connect(addr(&server)).await.unwrap();
    let request = b"GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n";
    let closer = async {
        for byte in request {
            if trickle.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    tokio::time::timeout(PATIENCE, closer).await.unwrap();
    wait_for_close(&mut trickle).await;
}
