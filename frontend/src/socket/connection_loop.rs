//! The loop behind [`Socket`]: open a connection, serve it until it ends,
//! wait out the backoff (counting down in the status), and open another.

use std::collections::HashSet;
use std::time::Duration;

use futures::channel::mpsc::UnboundedReceiver;
use futures::future::{Either, select};
use futures::{SinkExt, StreamExt};
use gloo_net::websocket::futures::WebSocket;
use gloo_net::websocket::{Message, State, WebSocketError};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use natter_shared::{ClientFrame, NoParams, ServerFrame, decode_server_frame};

use super::{
    Backoff, Check, Command, Heartbeat, Pacer, Query, Socket, heartbeat, ws_url_for_this_page,
};
use crate::model::ConnectionStatus;
use crate::state::ChatState;

/// The close code for a connection that failed without a close frame.
pub(super) const ABNORMAL: u16 = 1006;

/// How one connection ended.
pub(super) enum End {
    /// Closed; try again after a delay.
    Closed(Closed),
    /// Closed on request; reconnect at once.
    Requested,
    /// The page no longer needs a connection.
    Stopped,
}

/// The close event's details.
pub(super) struct Closed {
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

/// How long the first connection waits to learn how the server is run: a
/// server that lets only accounts in is not asked for a guest's connection.
const SERVER_INFO_WAIT_MS: u32 = 2_000;

/// Whether this page should connect now: someone is signed in, or the
/// server lets guests chat (or has not said otherwise yet).
fn may_connect(chat: ChatState) -> bool {
    chat.account.with_untracked(Option::is_some)
        || chat
            .server
            .with_untracked(|server| server.as_ref().is_none_or(|server| server.guests))
}

/// Waits until the server's rules are known, or a little while.
async fn learn_the_rules_first(chat: ChatState) {
    let mut waited = 0;
    while chat.server.with_untracked(Option::is_none) && waited < SERVER_INFO_WAIT_MS {
        TimeoutFuture::new(50).await;
        waited += 50;
    }
}

pub(super) async fn run(socket: Socket, chat: ChatState, mut requests: UnboundedReceiver<Command>) {
    let mut backoff = Backoff::default();
    learn_the_rules_first(chat).await;
    loop {
        // Only accounts may chat here, and nobody is signed in: no
        // connection (it would be refused, again and again) until someone
        // signs in.
        if !may_connect(chat) {
            chat.status.set(ConnectionStatus::SignInNeeded);
            match requests.next().await {
                Some(Command::Reconnect) => continue,
                Some(Command::Drain) => continue,
                None => return,
            }
        }
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
pub(super) async fn connect_once(
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
    let mut ready = futures::future::poll_fn(|cx| ws.poll_ready_unpin(cx));
    loop {
        match select(&mut ready, requests.next()).await {
            Either::Left(_) => break,
            Either::Right((Some(Command::Reconnect), _)) => return End::Requested,
            // The outbox goes once this connection is welcomed.
            Either::Right((Some(Command::Drain), _)) => {}
            Either::Right((None, _)) => return End::Stopped,
        }
    }
    let opened = matches!(ws.state(), State::Open);
    if opened {
        chat.status.set(ConnectionStatus::Open);
    }
    let (sink, mut stream) = ws.split();
    socket.sink.set_value(opened.then_some(sink));
    // A new connection: the server's bucket is full, and nothing is sent on
    // it yet. The outbox goes once the welcome says the budget.
    socket.pacer.set_value(Pacer::new(js_sys::Date::now()));
    socket.sent.update_value(HashSet::clear);
    let mut heartbeat = Heartbeat::new(js_sys::Date::now());
    let mut backlog: Option<u32> = None;
    loop {
        let frames = select(stream.next(), requests.next());
        let wake = backlog.map_or(heartbeat::CHECK_EVERY_MS, |wait| {
            wait.clamp(1, heartbeat::CHECK_EVERY_MS)
        });
        let event = match select(frames, TimeoutFuture::new(wake)).await {
            Either::Left((Either::Left((frame, _)), _)) => Event::Frame(frame),
            Either::Left((Either::Right((command, _)), _)) => Event::Command(command),
            Either::Right(_) => Event::Check,
        };
        match event {
            Event::Frame(Some(Ok(Message::Text(text)))) => {
                heartbeat.heard(js_sys::Date::now());
                match decode_server_frame(&text) {
                    Ok(frame) if socket.later(&frame) => backlog = socket.drain(chat),
                    Ok(frame) => {
                        // A welcome: the budget it names (if any), then the outbox.
                        let welcomed = match &frame {
                            ServerFrame::Welcome(welcome) => Some(welcome.frame_budget),
                            _ => None,
                        };
                        chat.apply(frame);
                        if let Some(budget) = welcomed {
                            if let Some(budget) = budget {
                                socket.pacer.update_value(|pacer| {
                                    pacer.follow(budget, js_sys::Date::now());
                                });
                            }
                            backlog = socket.drain(chat);
                        }
                    }
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
            Event::Command(Some(Command::Drain)) => backlog = socket.drain(chat),
            Event::Command(Some(Command::Reconnect)) => {
                chat.status.set(ConnectionStatus::Closing);
                close(socket, stream, "reconnecting");
                return End::Requested;
            }
            Event::Command(None) => return End::Stopped,
            Event::Check => {
                backlog = socket.drain(chat);
                match heartbeat.check(js_sys::Date::now()) {
                    Check::Fine => {}
                    Check::Ping => {
                        let _ = socket.send(&ClientFrame::Ping(NoParams {}));
                    }
                    Check::GiveUp => {
                        close(socket, stream, "no answer from the server");
                        return End::Closed(Closed::failed("no answer from the server", opened));
                    }
                }
            }
        }
    }
}

/// What woke the open-connection loop.
pub(super) enum Event {
    Frame(Option<Result<Message, WebSocketError>>),
    Command(Option<Command>),
    Check,
}

/// Closes the current socket from this side (1000, normal closure).
pub(super) fn close(socket: Socket, stream: futures::stream::SplitStream<WebSocket>, reason: &str) {
    if let Some(Some(sink)) = socket.sink.try_update_value(Option::take)
        && let Ok(ws) = sink.reunite(stream)
    {
        let _ = ws.close(Some(1000), Some(reason));
    }
}

/// Shows the close details with a countdown until `delay` has passed.
/// Returns false if the page no longer needs a connection.
pub(super) async fn count_down(
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
            // Nothing to send on: the next connection sends the outbox.
            Either::Right((Some(Command::Drain), _)) => {}
            Either::Right((None, _)) => return false,
        }
    }
    true
}
