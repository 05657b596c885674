//! Someone who chats the whole time a test runs, to show that what the test
//! does to others (floods, refusals, closes) never reaches them.

use std::net::SocketAddr;
use std::time::Duration;

use natter_shared::ServerFrame;
use serde_json::json;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::{Client, Listening, PATIENCE};

/// How often the bystander writes: under the default frame budget (five a
/// second), so it is never refused for its own pace.
const EVERY: Duration = Duration::from_millis(250);

/// The loopback address the bystander comes from: one of its own, so no
/// budget it shares with the test's clients runs out.
const FROM: [u8; 4] = [127, 0, 0, 77];

/// The room it chats in: its own, so the test's clients never see it.
const ROOM: &str = "bystanders";

/// An account that writes in a room of its own every [`EVERY`], and checks
/// each message is acknowledged and comes back, in order.
pub struct Bystander {
    stop: oneshot::Sender<()>,
    chatting: JoinHandle<Result<usize, String>>,
}

impl Bystander {
    /// Signs up `bystander`, makes its room and starts chatting there.
    pub async fn start(server: &impl Listening) -> Self {
        let addr = server.address();
        let http = reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(FROM))
            .build()
            .unwrap();
        let signed_up = http
            .post(format!("http://{addr}/api/signup"))
            .header("content-type", "application/json")
            .body(json!({ "name": "bystander", "password": "a bystander's password" }).to_string())
            .send()
            .await
            .expect("the bystander signs up")
            .text()
            .await
            .expect("a sign-up answer");
        let signed_up: serde_json::Value =
            serde_json::from_str(&signed_up).unwrap_or(serde_json::Value::Null);
        let token = signed_up["token"]
            .as_str()
            .unwrap_or_else(|| panic!("the bystander could not sign up: {signed_up}"))
            .to_owned();
        let bearer = format!("Bearer {token}");
        let created = http
            .post(format!("http://{addr}/api/rooms"))
            .header("authorization", &bearer)
            .header("content-type", "application/json")
            .body(json!({ "name": ROOM }).to_string())
            .send()
            .await
            .expect("the bystander makes its room");
        assert_eq!(created.status(), 201, "the bystander's room");
        let client = Client::over_with_headers(
            connect_from(addr).await,
            &server.socket_url(""),
            &[("authorization", &bearer)],
        )
        .await;
        let (stop, stopped) = oneshot::channel();
        Bystander {
            stop,
            chatting: tokio::spawn(chat(client, stopped)),
        }
    }

    /// Stops writing, waits for the last messages to come back, and panics
    /// if anything was refused, lost, reordered or the connection closed.
    /// Returns how many messages it sent.
    pub async fn finish(self) -> usize {
        let _ = self.stop.send(());
        match self.chatting.await.expect("the bystander's task") {
            Ok(sent) => {
                assert!(sent > 0, "the bystander never got to write");
                sent
            }
            Err(what) => panic!("the bystander noticed: {what}"),
        }
    }
}

async fn connect_from(addr: SocketAddr) -> tokio::net::TcpStream {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket
        .bind(SocketAddr::from((FROM, 0)))
        .expect("a loopback address of its own");
    socket.connect(addr).await.expect("the bystander connects")
}

async fn chat(mut client: Client, mut stopped: oneshot::Receiver<()>) -> Result<usize, String> {
    let mut sent = 0usize;
    let mut acked = 0usize;
    let mut echoed = 0usize;
    let mut ticks = tokio::time::interval(EVERY);
    let mut stopping = false;
    loop {
        if stopping && acked == sent && echoed == sent {
            return Ok(sent);
        }
        tokio::select! {
            _ = ticks.tick(), if !stopping => {
                let frame = json!({ "type": "message", "params": {
                    "value": format!("bystander {sent}"),
                    "nonce": format!("by-{sent}"),
                    "room": ROOM,
                }});
                client.send_text(frame.to_string()).await;
                sent += 1;
            }
            _ = &mut stopped, if !stopping => stopping = true,
            frame = tokio::time::timeout(PATIENCE, futures_util::StreamExt::next(&mut client.ws)) => {
                let Ok(frame) = frame else {
                    return Err(format!("nothing for {PATIENCE:?} (sent {sent}, acked {acked}, back {echoed})"));
                };
                let text = match frame {
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => text,
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Close(close))) => {
                        return Err(format!("closed: {close:?}"));
                    }
                    Some(Ok(_)) => continue,
                    Some(Err(error)) => return Err(format!("connection failed: {error}")),
                    None => return Err("connection ended".to_owned()),
                };
                match serde_json::from_str::<ServerFrame>(&text) {
                    Ok(ServerFrame::Ack(ack)) if ack.nonce == format!("by-{acked}") => acked += 1,
                    Ok(ServerFrame::Ack(ack)) => {
                        return Err(format!("ack {} out of order (expected by-{acked})", ack.nonce));
                    }
                    Ok(ServerFrame::Message(message)) if message.room == ROOM => {
                        if message.value != format!("bystander {echoed}") {
                            return Err(format!("got back {:?}, expected bystander {echoed}", message.value));
                        }
                        echoed += 1;
                    }
                    Ok(ServerFrame::Error(error)) => return Err(format!("refused: {error:?}")),
                    Ok(_) => {}
                    Err(error) => return Err(format!("bad frame {text}: {error}")),
                }
            }
        }
    }
}
