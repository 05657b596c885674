//! How a connection ends: the reasons, the close handshake each calls for,
//! and the log line it leaves.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, WebSocket, close_code};
use futures_util::StreamExt;
use futures_util::stream::{FuturesOrdered, SplitStream};
use tracing::info;

use crate::connection::commands::publish::answer;
use crate::connection::reader::InFlight;
use crate::connection::replies::{Outbound, Replies};

/// How long a closing connection may take to finish its close handshake, and
/// then its writer to send what is queued, before it is dropped. Keeps
/// shutdown within a few seconds even with dead or unreading peers.
pub(super) const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// The close code for "try again later": the server could not load what the
/// connection needs, or it missed changes to the account's rooms.
pub(super) const TRY_AGAIN_LATER: u16 = 1013;

/// Why a connection that stopped answering is closed.
pub(super) const SILENT: &str = "nothing heard from the client for too long";

/// How a connection ended, for the log line and the close handshake.
#[derive(Debug)]
pub(super) enum Ending {
    /// The client sent a close frame, with this code if it gave one.
    ByClient(Option<u16>),
    /// The client sent a close frame with a code the protocol forbids (such
    /// as 999); the WebSocket layer has answered it with 1002.
    InvalidCloseCode,
    /// The server closes with this code and reason.
    ByServer(u16, &'static str),
    /// The transport ended or failed without a close handshake.
    Lost(String),
}

/// Completes what is pending and the close handshake the ending calls for.
pub(super) async fn finish(
    ending: &Ending,
    stream: &mut SplitStream<WebSocket>,
    outbox: Replies,
    mut in_flight: FuturesOrdered<InFlight<'_>>,
) {
    if matches!(ending, Ending::Lost(_)) {
        return;
    }
    // Messages already handed to the store get their acks before the close.
    while let Some((nonce, outcome)) = in_flight.next().await {
        if let Some(reply) = answer(nonce, outcome) {
            let _ = outbox.push(Outbound::Frame(reply.into()));
        }
    }
    if let Ending::ByServer(code, reason) = *ending {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // The writer sends it after anything already queued, then stops.
        let _ = outbox.push(Outbound::Close(frame));
    }
    drop(outbox);
    // Reading on lets the WebSocket layer send its close reply (when the
    // client closed) or receive the client's (when we did).
    while let Some(Ok(_)) = stream.next().await {}
}

/// The log line for a connection that has ended; `clean` when its close
/// handshake finished in time.
pub(super) fn log(connection: u64, ending: &Ending, clean: bool) {
    match ending {
        Ending::ByClient(code) => {
            info!(connection, code = *code, by = "client", "connection closed")
        }
        Ending::InvalidCloseCode => info!(
            connection,
            code = close_code::PROTOCOL,
            by = "server",
            reason = "the client's close frame had a code the protocol does not allow",
            "connection closed"
        ),
        Ending::ByServer(code, reason) => {
            info!(
                connection,
                code = *code,
                reason = *reason,
                by = "server",
                clean,
                "connection closed"
            );
        }
        Ending::Lost(why) => info!(
            connection,
            code = 1006,
            why = why.as_str(),
            "connection lost"
        ),
    }
}

/// How a close frame from the client ends the connection.
pub(super) fn ending_for_close(frame: Option<CloseFrame>) -> Ending {
    match frame {
        // The WebSocket layer hands over a forbidden close code (999, 1005,
        // 1006, ...) as exactly this frame, having already answered it with
        // 1002. A client sending 1002 itself would mean this server broke the
        // protocol, which it does not do.
        Some(frame)
            if frame.code == close_code::PROTOCOL && frame.reason == "Protocol violation" =>
        {
            Ending::InvalidCloseCode
        }
        frame => Ending::ByClient(frame.map(|frame| frame.code)),
    }
}

/// Picks the close code for a frame the WebSocket layer refused to read.
pub(super) fn ending_for_read_error(error: axum::Error) -> Ending {
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
