//! The connection to the server: the only code that touches the WebSocket.
//!
//! [`Socket::start`] spawns one loop for the life of the page. It opens a
//! connection, applies every frame to [`ChatState`], and when the connection
//! drops waits (exponential backoff with jitter, counting down in the status)
//! and opens another, forever. Sending is synchronous: [`Socket::send`] either
//! hands the frame to an open socket or says why it could not, so the UI knows
//! at once whether to clear the input.
//!
//! Nothing is lost across reconnects: each connection asks the server to
//! resume after the newest message shown (`since` in the URL; 0 once welcomed
//! into a room that showed nothing), and sends the outbox's pending messages
//! again as soon as it opens; the server stores each nonce once, so a resend
//! is never a duplicate.

mod backoff;
mod heartbeat;
mod status;
mod url;

use std::time::Duration;

use futures::channel::mpsc::{UnboundedReceiver, UnboundedSender, unbounded};
use futures::future::{Either, select};
use futures::stream::SplitSink;
use futures::{FutureExt, SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::{
    ClientFrame, DEFAULT_HISTORY_PAGE, DeleteParams, EditParams, HistoryRequest, NoParams,
    PublishParams, ReadMarker, TypingParams, decode_server_frame,
};

pub use backoff::Backoff;
pub use heartbeat::{Check, Heartbeat};
pub use status::ConnectionStatus;
pub use url::{Query, ws_url, ws_url_for_this_page};

use crate::outbox::{Change, OutboxEntry};
use crate::state::ChatState;

/// The close code for a connection that failed without a close frame.
const ABNORMAL: u16 = 1006;

/// Why a frame was not handed to the server.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// No connection is open right now.
    #[error("not connected")]
    NotConnected,
    /// The browser refused the frame.
    #[error("the browser could not send it ({0})")]
    Refused(String),
}

/// A handle on the page's connection; cheap to copy into event handlers.
#[derive(Debug, Clone, Copy)]
pub struct Socket {
    /// The sending half while a connection is open, `None` otherwise.
    sink: StoredValue<Option<SplitSink<WebSocket, Message>>, LocalStorage>,
    /// Requests to the connection loop.
    commands: StoredValue<UnboundedSender<Command>, LocalStorage>,
}

/// What the UI can ask of the connection loop.
#[derive(Debug, Clone, Copy)]
enum Command {
    /// Close the current connection (if any) and open a new one at once, for
    /// example because the display name changed.
    Reconnect,
}

/// How one connection ended.
enum End {
    /// Closed; try again after a delay.
    Closed(Closed),
    /// Closed on request; reconnect at once.
    Requested,
    /// The page no longer needs a connection.
    Stopped,
}

/// The close event's details.
struct Closed {
    code: u16,
    clean: bool,
    reason: String,
    /// Whether the connection was open before it closed.
    was_open: bool,
}

impl Closed {
    fn failed(reason: impl Into<String>, was_open: bool) -> Self {
        Closed {
            code: ABNORMAL,
            clean: false,
            reason: reason.into(),
            was_open,
        }
    }
}

impl Socket {
    /// Starts connecting and keeps the page connected from now on.
    pub fn start(chat: ChatState) -> Self {
        let (commands, requests) = unbounded();
        let socket = Socket {
            sink: StoredValue::new_local(None),
            commands: StoredValue::new_local(commands),
        };
        spawn_local(run(socket, chat, requests));
        socket
    }

    /// Hands `frame` to the open socket, or says why it could not.
    pub fn send(&self, frame: &ClientFrame) -> Result<(), SendError> {
        let text = frame.to_json();
        self.sink
            .try_update_value(|sink| {
                let sink = sink.as_mut().ok_or(SendError::NotConnected)?;
                // An open gloo socket accepts a frame synchronously: readiness,
                // the send call and the flush all complete on the first poll.
                match sink.send(Message::Text(text)).now_or_never() {
                    Some(Ok(())) => Ok(()),
                    Some(Err(error)) => Err(SendError::Refused(error.to_string())),
                    None => Err(SendError::NotConnected),
                }
            })
            .unwrap_or(Err(SendError::NotConnected))
    }

    /// Sends an outbox entry. Not being connected is fine: the entry stays
    /// pending and goes out when the next connection opens.
    pub fn send_entry(&self, entry: &OutboxEntry) {
        let (nonce, room) = (Some(entry.nonce.clone()), entry.room.clone());
        let frame = match entry.change {
            None => ClientFrame::Message(PublishParams {
                value: entry.value.clone(),
                nonce,
                room,
            }),
            Some(Change::Edit(id)) => ClientFrame::Edit(EditParams {
                id,
                room,
                value: entry.value.clone(),
                nonce,
            }),
            Some(Change::Delete(id)) => ClientFrame::Delete(DeleteParams { id, room, nonce }),
        };
        let _ = self.send(&frame);
    }

    /// Asks for the page of `room`'s messages before `before` (its newest
    /// page when `None`).
    pub fn request_older(&self, room: &str, before: Option<u64>) -> Result<(), SendError> {
        self.send(&ClientFrame::History(HistoryRequest {
            room: room.to_owned(),
            before,
            limit: DEFAULT_HISTORY_PAGE,
        }))
    }

    /// Tells the room this page's person is typing.
    pub fn typing(&self, room: &str) -> Result<(), SendError> {
        self.send(&ClientFrame::Typing(TypingParams {
            room: room.to_owned(),
        }))
    }

    /// Tells the server the account has read this far (on every tab).
    pub fn mark_read(&self, marker: ReadMarker) -> Result<(), SendError> {
        self.send(&ClientFrame::Read(marker))
    }

    /// Closes the current connection and opens a new one straight away.
    pub fn reconnect(&self) {
        self.commands.with_value(|commands| {
            // Fails only once the loop has stopped, when there is nothing to do.
            let _ = commands.unbounded_send(Command::Reconnect);
        });
    }
}

async fn run(socket: Socket, chat: ChatState, mut requests: UnboundedReceiver<Command>) {
    let mut backoff = Backoff::default();
    loop {
        chat.status.set(ConnectionStatus::Connecting {
            attempt: backoff.failures() + 1,
        });
        let end = connect_once(socket, chat, &mut requests).await;
        socket.sink.set_value(None);
        let closed = match end {
            End::Closed(closed) => closed,
            End::Requested => {
                backoff.reset();
                continue;
            }
            End::Stopped => return,
        };
        if closed.was_open {
            backoff.reset();
        }
        let delay = backoff.next_delay(js_sys::Math::random());
        if !count_down(chat, &mut requests, delay, closed).await {
            return;
        }
    }
}

/// Opens one connection and serves it until it ends.
async fn connect_once(
    socket: Socket,
    chat: ChatState,
    requests: &mut UnboundedReceiver<Command>,
) -> End {
    let name = chat.requested_name.get_untracked();
    let guest_token = chat.guest_token.get_untracked();
    let query = Query {
        name: &name,
        since: chat.resume_after(),
        guest_token: guest_token.as_deref(),
    };
    let url = match ws_url_for_this_page(query) {
        Ok(url) => url,
        Err(error) => return End::Closed(Closed::failed(format!("{error:?}"), false)),
    };
    let mut ws = match WebSocket::open(&url) {
        Ok(ws) => ws,
        Err(error) => return End::Closed(Closed::failed(error.to_string(), false)),
    };
    // gloo's sink becomes ready when the socket opens or fails.
    let ready = futures::future::poll_fn(|cx| ws.poll_ready_unpin(cx));
    match select(ready, requests.next()).await {
        Either::Left(_) => {}
        Either::Right((Some(Command::Reconnect), _)) => return End::Requested,
        Either::Right((None, _)) => return End::Stopped,
    }
    let opened = matches!(ws.state(), State::Open);
    if opened {
        chat.status.set(ConnectionStatus::Open);
    }
    let (sink, mut stream) = ws.split();
    socket.sink.set_value(opened.then_some(sink));
    if opened {
        for entry in chat.awaiting_send() {
            socket.send_entry(&entry);
        }
    }
    let mut heartbeat = Heartbeat::new(js_sys::Date::now());
    loop {
        let frames = select(stream.next(), requests.next());
        let event = match select(frames, TimeoutFuture::new(heartbeat::CHECK_EVERY_MS)).await {
            Either::Left((Either::Left((frame, _)), _)) => Event::Frame(frame),
            Either::Left((Either::Right((command, _)), _)) => Event::Command(command),
            Either::Right(_) => Event::Check,
        };
        match event {
            Event::Frame(Some(Ok(Message::Text(text)))) => {
                heartbeat.heard(js_sys::Date::now());
                match decode_server_frame(&text) {
                    Ok(frame) => chat.apply(frame),
                    Err(error) => leptos::logging::warn!(
                        "ignoring a frame this client does not understand: {error}"
                    ),
                }
            }
            // The server only sends text; a binary frame carries nothing for us.
            Event::Frame(Some(Ok(Message::Bytes(_)))) => heartbeat.heard(js_sys::Date::now()),
            Event::Frame(Some(Err(WebSocketError::ConnectionClose(event)))) => {
                return End::Closed(Closed {
                    code: event.code,
                    clean: event.was_clean,
                    reason: event.reason,
                    was_open: opened,
                });
            }
            // An error event is always followed by the close event.
            Event::Frame(Some(Err(_))) => {}
            Event::Frame(None) => return End::Closed(Closed::failed("", opened)),
            Event::Command(Some(Command::Reconnect)) => {
                chat.status.set(ConnectionStatus::Closing);
                close(socket, stream, "reconnecting");
                return End::Requested;
            }
            Event::Command(None) => return End::Stopped,
            Event::Check => match heartbeat.check(js_sys::Date::now()) {
                Check::Fine => {}
                Check::Ping => {
                    let _ = socket.send(&ClientFrame::Ping(NoParams {}));
                }
                Check::GiveUp => {
                    close(socket, stream, "no answer from the server");
                    return End::Closed(Closed::failed("no answer from the server", opened));
                }
            },
        }
    }
}

/// What woke the open-connection loop.
enum Event {
    Frame(Option<Result<Message, WebSocketError>>),
    Command(Option<Command>),
    Check,
}

/// Closes the current socket from this side (1000, normal closure).
fn close(socket: Socket, stream: futures::stream::SplitStream<WebSocket>, reason: &str) {
    if let Some(Some(sink)) = socket.sink.try_update_value(Option::take)
        && let Ok(ws) = sink.reunite(stream)
    {
        let _ = ws.close(Some(1000), Some(reason));
    }
}

/// Shows the close details with a countdown until `delay` has passed.
/// Returns false if the page no longer needs a connection.
async fn count_down(
    chat: ChatState,
    requests: &mut UnboundedReceiver<Command>,
    delay: Duration,
    closed: Closed,
) -> bool {
    let mut remaining_ms = u32::try_from(delay.as_millis()).unwrap_or(u32::MAX);
    while remaining_ms > 0 {
        let shown_secs = remaining_ms.div_ceil(1000);
        chat.status.set(ConnectionStatus::Closed {
            code: closed.code,
            clean: closed.clean,
            reason: closed.reason.clone(),
            retry_in_secs: Some(shown_secs),
        });
        // Sleep until the displayed number of seconds changes.
        let step = remaining_ms - (shown_secs - 1) * 1000;
        match select(TimeoutFuture::new(step), requests.next()).await {
            Either::Left(_) => remaining_ms -= step,
            Either::Right((Some(Command::Reconnect), _)) => return true,
            Either::Right((None, _)) => return false,
        }
    }
    true
}
