//! One WebSocket connection, from welcome to close.
//!
//! The reader (this task) decodes what the client sends and decides when the
//! connection ends; a writer task ([`crate::writer`]) owns everything sent to the
//! client. Whichever side stops first stops the other.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::StreamExt;
use futures_util::stream::SplitStream;
use natter_shared::{ServerFrame, Welcome};
use tokio::sync::mpsc;
use tokio::time::timeout;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use crate::app::AppState;
use crate::clock::now_ms;
use crate::commands::{Sender, handle_text};
use crate::writer::{self, Outbound, Sources};

/// Replies the reader may queue ahead of the writer. Small on purpose: a client
/// that sends faster than it reads its replies is paused, not buffered.
const OUTBOX_CAPACITY: usize = 16;

/// How long a closing connection may take to finish its close handshake before
/// it is dropped. Keeps shutdown within a few seconds even with dead peers.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// How a connection ended, for the log line and the close handshake.
#[derive(Debug)]
enum Ending {
    /// The client sent a close frame, with this code if it gave one.
    ByClient(Option<u16>),
    /// The server closes with this code and reason.
    ByServer(u16, &'static str),
    /// The transport ended or failed without a close handshake.
    Lost(String),
}

/// Serves one upgraded connection until it closes.
pub async fn serve(socket: WebSocket, state: Arc<AppState>, name: String, peer: SocketAddr) {
    let connection = state.hub.next_connection_id();
    // Subscribe before the welcome goes out, so nothing published after the
    // client learns it is connected can be missed.
    let deliveries = state.hub.subscribe();
    let (sink, mut stream) = socket.split();
    let (outbox, outbox_receiver) = mpsc::channel(OUTBOX_CAPACITY);
    let welcome = ServerFrame::Welcome(Welcome {
        connection_id: connection,
        name: name.clone(),
        server_time: now_ms(),
        value: "Connected to Natter".to_owned(),
    });
    // The channel is new and empty, so this cannot fail for lack of room.
    let _ = outbox.try_send(Outbound::Frame(welcome.to_json().into()));

    let writer_stopped = CancellationToken::new();
    let sources = Sources {
        connection,
        deliveries,
        outbox: outbox_receiver,
    };
    let writer = tokio::spawn(writer::run(
        sink,
        sources,
        writer_stopped.clone().drop_guard(),
    ));
    info!(connection, %peer, name, "connection opened");

    let sender = Sender {
        connection,
        name: &name,
    };
    let ending = read_frames(&mut stream, &state, &sender, &outbox, &writer_stopped).await;
    let finished = timeout(CLOSE_GRACE, finish(&ending, &mut stream, outbox)).await;
    match timeout(CLOSE_GRACE, writer).await {
        Ok(_) => {}
        Err(_) => debug!(
            connection,
            "writer did not stop in time; dropping the connection"
        ),
    }
    match ending {
        Ending::ByClient(code) => info!(connection, code, by = "client", "connection closed"),
        Ending::ByServer(code, reason) => {
            info!(
                connection,
                code,
                reason,
                by = "server",
                clean = finished.is_ok(),
                "connection closed"
            );
        }
        Ending::Lost(why) => info!(connection, code = 1006, why, "connection lost"),
    }
}

/// Reads and handles frames until something ends the connection.
async fn read_frames(
    stream: &mut SplitStream<WebSocket>,
    state: &AppState,
    sender: &Sender<'_>,
    outbox: &mpsc::Sender<Outbound>,
    writer_stopped: &CancellationToken,
) -> Ending {
    loop {
        let next = tokio::select! {
            () = state.shutdown.cancelled() => {
                return Ending::ByServer(close_code::AWAY, "the server is shutting down");
            }
            () = writer_stopped.cancelled() => {
                return Ending::Lost("the client stopped accepting data".to_owned());
            }
            next = stream.next() => next,
        };
        match next {
            Some(Ok(Message::Text(text))) => {
                if let Some(reply) = handle_text(state, sender, &text)
                    && outbox.send(Outbound::Frame(reply)).await.is_err()
                {
                    return Ending::Lost("the writer stopped".to_owned());
                }
            }
            Some(Ok(Message::Binary(_))) => {
                return Ending::ByServer(
                    close_code::UNSUPPORTED,
                    "binary frames are not supported; send JSON text frames",
                );
            }
            Some(Ok(Message::Close(frame))) => return Ending::ByClient(frame.map(|f| f.code)),
            // Pings are answered by the WebSocket layer itself.
            Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            Some(Err(error)) => return ending_for_read_error(error),
            None => return Ending::Lost("the connection ended without a close frame".to_owned()),
        }
    }
}

/// Completes the close handshake the ending calls for.
async fn finish(
    ending: &Ending,
    stream: &mut SplitStream<WebSocket>,
    outbox: mpsc::Sender<Outbound>,
) {
    if let Ending::ByServer(code, reason) = *ending {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // The writer sends it after anything already queued, then stops.
        let _ = outbox.send(Outbound::Close(frame)).await;
    }
    drop(outbox);
    if !matches!(ending, Ending::Lost(_)) {
        // Reading on lets the WebSocket layer send its close reply (when the
        // client closed) or receive the client's (when we did).
        while let Some(Ok(_)) = stream.next().await {}
    }
}

/// Picks the close code for a frame the WebSocket layer refused to read.
fn ending_for_read_error(error: axum::Error) -> Ending {
    match error.into_inner().downcast::<tungstenite::Error>() {
        Ok(error) => match *error {
            tungstenite::Error::Capacity(_) => Ending::ByServer(
                close_code::SIZE,
                "the frame is larger than this server accepts",
            ),
            tungstenite::Error::Utf8(_) => {
                Ending::ByServer(close_code::INVALID, "a text frame was not valid UTF-8")
            }
            tungstenite::Error::Protocol(_) => {
                Ending::ByServer(close_code::PROTOCOL, "WebSocket protocol violation")
            }
            other => Ending::Lost(other.to_string()),
        },
        Err(other) => Ending::Lost(other.to_string()),
    }
}
