//! One WebSocket connection, from welcome to close.
//!
//! The reader (this task) decodes what the client sends and decides when the
//! connection ends; a writer task ([`crate::writer`]) owns everything sent to the
//! client. Whichever side stops first stops the other. The reader never waits
//! for the writer (see [`crate::replies`]), so its deadlines hold even when the
//! client reads nothing; and a writer that does not finish in time after the
//! end is aborted, so a stuck socket never outlives its connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket, close_code};
use futures_util::StreamExt;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesOrdered, SplitStream};
use natter_shared::{AckParams, ErrorCode, ErrorParams, ServerFrame, Welcome};
use tokio::time::{Instant, MissedTickBehavior, interval_at, sleep, timeout};
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

use crate::accounts::{Identity, IdentityKind};
use crate::app::AppState;
use crate::clock::now_ms;
use crate::commands::{Command, Sender, history_page, interpret, nonce_of};
use crate::rate_limit::{FrameLimiter, Verdict};
use crate::replay::{HistorySource, Resume};
use crate::replies::{self, Outbound, Replies};
use crate::store::{Appended, DEFAULT_ROOM, StoreError};
use crate::writer::{self, Sources};

/// Messages from one connection that may be waiting for the store at once.
/// Past this the reader stops reading until the oldest is committed.
const MAX_IN_FLIGHT: usize = 32;

/// How long a closing connection may take to finish its close handshake, and
/// then its writer to send what is queued, before it is dropped. Keeps
/// shutdown within a few seconds even with dead or unreading peers.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// A message waiting for the store: its nonce, then the outcome.
type InFlight<'a> = BoxFuture<'a, (Option<String>, Result<Appended, StoreError>)>;

/// How a connection ended, for the log line and the close handshake.
#[derive(Debug)]
enum Ending {
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

/// Who is connecting and where they start.
pub struct Arrival {
    /// Who the connection is: an account, or a guest.
    pub identity: Identity,
    /// The remote address, for the logs.
    pub peer: SocketAddr,
    /// Where its history starts.
    pub resume: Resume,
}

/// Serves one upgraded connection until it closes.
pub async fn serve(socket: WebSocket, state: Arc<AppState>, arrival: Arrival) {
    let Arrival {
        identity,
        peer,
        resume,
    } = arrival;
    let name = identity.name.clone();
    let connection = state.hub.next_connection_id();
    // Subscribe before reading any history, so nothing committed from here on
    // can fall between the replay and the live stream.
    let (deliveries, live_after) = state.hub.subscribe();
    let (sink, mut stream) = socket.split();
    let (outbox, outbox_receiver) = replies::channel();
    let welcome = ServerFrame::Welcome(Welcome {
        connection_id: connection,
        name: name.clone(),
        server_time: now_ms(),
        value: "Connected to Natter".to_owned(),
        token: match identity.kind {
            IdentityKind::Guest(token) => Some(token),
            IdentityKind::Account => None,
        },
    });
    // The writer has not started, so it cannot have gone.
    let _ = outbox.push(Outbound::Frame(welcome.to_json().into()));

    let writer_stopped = CancellationToken::new();
    let sources = Sources {
        reader: identity.author_id,
        deliveries,
        live_after,
        outbox: outbox_receiver,
        history: HistorySource {
            store: Arc::clone(&state.store),
            room: DEFAULT_ROOM.to_owned(),
            reader: identity.author_id,
        },
    };
    let mut writer = tokio::spawn(writer::run(
        sink,
        sources,
        resume,
        writer_stopped.clone().drop_guard(),
    ));
    info!(connection, %peer, name, "connection opened");

    let sender = Sender {
        author_id: identity.author_id,
        name: &name,
    };
    let mut in_flight = FuturesOrdered::new();
    let ending = read_frames(
        &mut stream,
        &state,
        &sender,
        &outbox,
        &writer_stopped,
        &mut in_flight,
    )
    .await;
    let finished = timeout(CLOSE_GRACE, finish(&ending, &mut stream, outbox, in_flight)).await;
    if timeout(CLOSE_GRACE, &mut writer).await.is_err() {
        // Stuck writing to a client that reads nothing: dropping the task
        // drops its half of the socket, which closes the connection.
        writer.abort();
        debug!(
            connection,
            "writer did not stop in time; dropping the connection"
        );
    }
    match ending {
        Ending::ByClient(code) => info!(connection, code, by = "client", "connection closed"),
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
async fn read_frames<'a>(
    stream: &mut SplitStream<WebSocket>,
    state: &'a AppState,
    sender: &Sender<'_>,
    outbox: &Replies,
    writer_stopped: &CancellationToken,
    in_flight: &mut FuturesOrdered<InFlight<'a>>,
) -> Ending {
    let rules = state.rules;
    let mut limiter = FrameLimiter::new(rules.rate_limit);
    let mut pings = interval_at(Instant::now() + rules.ping_interval, rules.ping_interval);
    pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // Pushed back by every frame the client sends, pongs included.
    let idle = sleep(rules.idle_timeout);
    tokio::pin!(idle);
    loop {
        tokio::select! {
            () = state.shutdown.cancelled() => {
                return Ending::ByServer(close_code::AWAY, "the server is shutting down");
            }
            () = writer_stopped.cancelled() => {
                return Ending::Lost("the client stopped accepting data".to_owned());
            }
            // Over its budget, the reader reads nothing until the writer has
            // sent enough; its deadlines keep running meanwhile.
            () = outbox.room(), if !outbox.has_room() => {}
            () = &mut idle => {
                return Ending::ByServer(close_code::AWAY, "nothing heard from the client for too long");
            }
            _ = pings.tick() => {
                if outbox.push(Outbound::Ping).is_err() {
                    return Ending::Lost("the writer stopped".to_owned());
                }
            }
            Some((nonce, outcome)) = in_flight.next(), if !in_flight.is_empty() => {
                if let Some(reply) = outcome_frame(nonce, outcome)
                    && outbox.push(Outbound::Frame(reply.into())).is_err()
                {
                    return Ending::Lost("the writer stopped".to_owned());
                }
            }
            next = stream.next(), if in_flight.len() < MAX_IN_FLIGHT && outbox.has_room() => {
                if matches!(next, Some(Ok(_))) {
                    idle.as_mut().reset(Instant::now() + rules.idle_timeout);
                }
                match next {
                Some(Ok(Message::Text(text))) => {
                    match limiter.check() {
                        Verdict::Allowed => {}
                        Verdict::Refused(wait) => {
                            if outbox.push(Outbound::Frame(rate_limited(wait, nonce_of(&text)).into())).is_err() {
                                return Ending::Lost("the writer stopped".to_owned());
                            }
                            continue;
                        }
                        Verdict::Abusive => {
                            return Ending::ByServer(close_code::POLICY, "too many frames; the rate limit was ignored");
                        }
                    }
                    let reply = match interpret(state.rules.max_message_chars, sender, &text) {
                        Command::Publish(message) => {
                            let nonce = message.nonce.clone();
                            let store = &state.store;
                            in_flight.push_back(Box::pin(async move { (nonce, store.append(message).await) }));
                            None
                        }
                        Command::History(request) => {
                            Some(history_page(state.store.as_ref(), sender.author_id, request).await)
                        }
                        Command::Reply(frame) => Some(frame),
                    };
                    if let Some(reply) = reply
                        && outbox.push(Outbound::Frame(reply)).is_err()
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
                Some(Ok(Message::Close(frame))) => return ending_for_close(frame),
                // Pings are answered by the WebSocket layer itself.
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                Some(Err(error)) => return ending_for_read_error(error),
                None => return Ending::Lost("the connection ended without a close frame".to_owned()),
                }
            }
        }
    }
}

/// The refusal for a frame over the rate limit.
fn rate_limited(wait: Duration, nonce: Option<String>) -> String {
    let retry_after_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX).max(1);
    ServerFrame::Error(ErrorParams {
        code: ErrorCode::RateLimited,
        message: format!("too many frames; this one was dropped. Try again in {retry_after_ms} ms"),
        nonce,
        retry_after_ms: Some(retry_after_ms),
    })
    .to_json()
}

/// The frame a finished append sends back: an ack when the client gave a
/// nonce (a plain page that sends none gets nothing it cannot show), or an
/// error naming the nonce.
fn outcome_frame(nonce: Option<String>, outcome: Result<Appended, StoreError>) -> Option<String> {
    match outcome {
        Ok(appended) => nonce.map(|nonce| {
            ServerFrame::Ack(AckParams {
                nonce,
                id: appended.id,
            })
            .to_json()
        }),
        Err(error) => Some(
            ServerFrame::error_about(
                ErrorCode::StoreUnavailable,
                format!("message not stored, so not sent: {error}; sending it again is safe"),
                nonce,
            )
            .to_json(),
        ),
    }
}

/// Completes what is pending and the close handshake the ending calls for.
async fn finish(
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
        if let Some(reply) = outcome_frame(nonce, outcome) {
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

/// How a close frame from the client ends the connection.
fn ending_for_close(frame: Option<CloseFrame>) -> Ending {
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
