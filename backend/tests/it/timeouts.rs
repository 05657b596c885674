//! Connections that never become a request are cut off, so they cannot hold
//! sockets forever (silence, slowloris, an HTTP/2 preface), count against
//! the limits while they last, and cannot stall the server by not reading.

use std::time::Duration;

use crate::common::{Client, PATIENCE, TestServer};
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

#[tokio::test]
async fn an_http2_preface_whole_or_in_part_is_cut_off() {
    let server = TestServer::start_with(&["--handshake-timeout", "300ms"]).await;
    let mut bystander = Client::connect(&server).await;
    let preface = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    // An empty SETTINGS frame, as a client sends right after the preface.
    let settings = [0u8, 0, 0, 4, 0, 0, 0, 0, 0];
    let starts: [&[u8]; 4] = [
        b"P",
        b"PRI * HTTP/2.0\r\n",
        preface,
        &[&preface[..], &settings].concat(),
    ];
    for start in starts {
        let mut stream = TcpStream::connect(addr(&server)).await.unwrap();
        stream.write_all(start).await.unwrap();
        wait_for_close(&mut stream).await;
    }
    bystander.publish("unaffected", None).await;
    assert_eq!(bystander.next_message().await.value, "unaffected");
}

#[tokio::test]
async fn connections_that_have_not_sent_a_request_count_against_the_limits() {
    let server = TestServer::start_with(&["--max-connections", "3"]).await;
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(TcpStream::connect(addr(&server)).await.unwrap());
    }
    crate::common::raw::wait_for_live(&server, 3).await;
    let refused = tokio_tungstenite::connect_async(server.ws_url("")).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 503);
        }
        other => panic!("expected 503, got {other:?}"),
    }
    drop(silent);
    crate::common::raw::wait_for_live(&server, 0).await;
    Client::connect(&server).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_whose_responses_are_never_read_are_cut_off() {
    // Each response (the page and its security headers) is about 1 KB: far
    // more in all than the kernel's socket buffers hold.
    const REQUESTS: usize = 30_000;
    let server = TestServer::start_with(&["--write-timeout", "1s"]).await;
    let mut stream = crate::common::raw::small_window_socket(&server).await;
    let request = format!("GET / HTTP/1.1\r\nHost: {}\r\n\r\n", addr(&server));
    let requests = request.repeat(REQUESTS);
    let (mut reading, mut writing) = stream.split();
    // The server stops reading once its responses back up, so this write
    // may stall too; it gives up with the connection.
    let _ = tokio::time::timeout(PATIENCE, writing.write_all(requests.as_bytes())).await;
    // Not reading until the server has let go of the connection (it fills
    // the kernel's buffers first, then its writes stall for the timeout).
    // First until it has taken the connection at all: the kernel accepts it,
    // and buffers what was written, before the server does.
    crate::common::raw::wait_for_live(&server, 1).await;
    crate::common::raw::wait_for_live(&server, 0).await;
    let mut responses = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match tokio::time::timeout(PATIENCE, reading.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(read)) => responses.extend_from_slice(&buffer[..read]),
            Err(_) => panic!("the server kept the connection open"),
        }
    }
    let answered = responses
        .windows(15)
        .filter(|w| w == b"HTTP/1.1 200 OK")
        .count();
    assert!(
        answered < REQUESTS,
        "all {REQUESTS} pipelined requests were answered to a client that did not read"
    );
}

fn addr(server: &TestServer) -> std::net::SocketAddr {
    crate::common::raw::addr(server)
}

#[tokio::test]
async fn a_request_body_trickled_in_is_cut_off() {
    let server = TestServer::start_with(&["--handshake-timeout", "300ms"]).await;
    let mut stream = TcpStream::connect(addr(&server)).await.unwrap();
    let head = format!(
        "POST /healthz HTTP/1.1\r\nHost: {}\r\nContent-Length: 1000000\r\n\r\n",
        addr(&server)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let (mut reading, mut writing) = stream.split();
    let trickle = async {
        loop {
            if writing.write_all(b"x").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    };
    let mut buffer = [0u8; 1024];
    let closed = async {
        loop {
            match reading.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    };
    tokio::select! {
        () = closed => {}
        () = trickle => {}
        () = tokio::time::sleep(PATIENCE) => panic!("a trickled body held the connection"),
    }
}
