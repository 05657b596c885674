//! Clients that misbehave at the transport level: sockets that read little or
//! nothing, and bytes written by hand.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::SinkExt;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{WebSocketStream, client_async};

use super::{Client, Listening, PATIENCE, TestServer};

/// The server's address.
pub fn addr(server: &impl Listening) -> SocketAddr {
    server.address()
}

/// A TCP connection whose receive buffer is as small as the kernel allows,
/// so the server's writes back up quickly when it is not read.
pub async fn small_window_socket(server: &impl Listening) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(server.address()).await.unwrap()
}

/// A WebSocket over [`small_window_socket`], welcome unread.
pub async fn small_window_websocket(server: &impl Listening) -> WebSocketStream<TcpStream> {
    let stream = small_window_socket(server).await;
    let (ws, _) = client_async(server.socket_url(""), stream)
        .await
        .expect("handshake");
    ws
}

/// Asks for `pages` history pages of the 200 messages before `before`
/// without reading any.
pub async fn ask_for_history_unread(
    ws: &mut WebSocketStream<TcpStream>,
    pages: usize,
    before: u64,
) {
    let request = format!(r#"{{"type":"history","params":{{"before":{before},"limit":200}}}}"#);
    for _ in 0..pages {
        let request = request.clone();
        // Past a point the server stops reading this client, so the sends
        // back up too; that is the defence, not a failure of the test.
        if tokio::time::timeout(Duration::from_secs(2), ws.send(Message::text(request)))
            .await
            .is_err()
        {
            return;
        }
    }
}

/// Stores `count` messages of `chars` four-byte characters each (the largest
/// messages the default limit allows are 2,000 of them: 8 KB), and connects
/// a bystander that starts after them.
pub async fn fill_history(server: &impl Listening, count: usize, chars: usize) -> Client {
    let mut writer = Client::connect_to(&server.socket_url("?name=writer"), &[]).await;
    let body = "😀".repeat(chars);
    for n in 0..count {
        writer.publish(&body, Some(&format!("fill-{n}"))).await;
    }
    let mut newest = 0;
    for _ in 0..count {
        newest = writer.next_ack().await.id;
    }
    Client::connect_to(
        &server.socket_url(&format!("?name=bystander&since={newest}")),
        &[],
    )
    .await
}

/// Waits until the server holds exactly `expected` connections.
pub async fn wait_for_live(server: &TestServer, expected: usize) {
    let started = Instant::now();
    while server.live_connections() != expected {
        assert!(
            started.elapsed() < PATIENCE,
            "{} live connections, expected {expected}",
            server.live_connections()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Sends `request` as raw bytes and returns the response's status code.
pub async fn raw_status(server: &TestServer, request: &str) -> u16 {
    use tokio::io::AsyncWriteExt;
    let mut stream = TcpStream::connect(addr(server)).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let response = read_until_closed_or_headers(&mut stream).await;
    let status_line = response.lines().next().unwrap_or_default().to_owned();
    status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {status_line:?}"))
}

/// Reads until the end of the response headers, or the end of the stream.
async fn read_until_closed_or_headers(stream: &mut TcpStream) -> String {
    let mut all = Vec::new();
    let mut buffer = [0u8; 4096];
    while !all.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout(PATIENCE, stream.read(&mut buffer)).await {
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(read)) => all.extend_from_slice(&buffer[..read]),
            Err(_) => panic!("no response in time"),
        }
    }
    String::from_utf8_lossy(&all).into_owned()
}
