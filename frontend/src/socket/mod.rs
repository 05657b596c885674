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
mod connection_loop;
mod heartbeat;
mod pacer;
mod url;

use std::collections::HashSet;

use futures::channel::mpsc::{UnboundedSender, unbounded};
use futures::stream::SplitSink;
use futures::{FutureExt, SinkExt};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use leptos::prelude::*;
use leptos::task::spawn_local;
use natter_shared::{
    ClientFrame, DEFAULT_HISTORY_PAGE, DeleteParams, EditParams, ErrorCode, HistoryRequest,
    PublishParams, ReadMarker, ServerFrame, TypingParams,
};

pub use backoff::Backoff;

pub use heartbeat::{Check, Heartbeat};

pub use pacer::Pacer;

pub use url::{Query, ws_url, ws_url_for_this_page};

use crate::outbox::{Change, OutboxEntry};

use crate::state::ChatState;

/// How long a message refused because the server's database was down waits
/// before it goes again (with the same nonce, so it is stored once).
const STORE_RETRY_MS: u64 = 2_000;

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
    /// The server's frame budget, as this page keeps to it.
    pacer: StoredValue<Pacer, LocalStorage>,
    /// The outbox entries (by nonce) sent on the open connection; the rest
    /// wait for the pacer.
    sent: StoredValue<HashSet<String>, LocalStorage>,
}

/// What the UI can ask of the connection loop.
#[derive(Debug, Clone, Copy)]
enum Command {
    /// Close the current connection (if any) and open a new one at once, for
    /// example because the display name changed.
    Reconnect,
    /// An outbox entry waits for the pacer: look again when it has room.
    Drain,
}

impl Socket {
    /// Starts connecting and keeps the page connected from now on.
    pub fn start(chat: ChatState) -> Self {
        let (commands, requests) = unbounded();
        let socket = Socket {
            sink: StoredValue::new_local(None),
            commands: StoredValue::new_local(commands),
            pacer: StoredValue::new_local(Pacer::new(js_sys::Date::now())),
            sent: StoredValue::new_local(HashSet::new()),
        };
        spawn_local(connection_loop::run(socket, chat, requests));
        socket
    }

    /// Hands `frame` to the open socket at once, or says why it could not.
    /// It counts against the frame budget: frames that can wait wait longer.
    pub fn send(&self, frame: &ClientFrame) -> Result<(), SendError> {
        self.pacer
            .update_value(|pacer| pacer.spend(js_sys::Date::now()));
        self.send_unpaced(frame)
    }

    fn send_unpaced(&self, frame: &ClientFrame) -> Result<(), SendError> {
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

    /// Sends an outbox entry when the frame budget has room, else as soon as
    /// it does. Not being connected is fine: the entry stays pending and goes
    /// out when the next connection has been welcomed.
    pub fn send_entry(&self, entry: &OutboxEntry) {
        if self.sink.with_value(Option::is_none) {
            return;
        }
        let now = js_sys::Date::now();
        if self
            .pacer
            .try_update_value(|pacer| pacer.try_take(now))
            .is_some_and(|taken| taken.is_ok())
        {
            self.send_entry_now(entry);
        } else {
            self.commands.with_value(|commands| {
                let _ = commands.unbounded_send(Command::Drain);
            });
        }
    }

    /// Sends every pending outbox entry not yet sent on this connection, as
    /// far as the frame budget allows; returns how long until the next may
    /// go, if any waits.
    fn drain(&self, chat: ChatState) -> Option<u32> {
        if self.sink.with_value(Option::is_none) {
            return None;
        }
        for entry in chat.awaiting_send() {
            if self.sent.with_value(|sent| sent.contains(&entry.nonce)) {
                continue;
            }
            let now = js_sys::Date::now();
            match self
                .pacer
                .try_update_value(|pacer| pacer.try_take(now))
                .unwrap_or(Err(1000))
            {
                Ok(()) => self.send_entry_now(&entry),
                Err(wait) => return Some(wait),
            }
        }
        None
    }

    /// Sends an outbox entry now, token taken.
    fn send_entry_now(&self, entry: &OutboxEntry) {
        self.sent.update_value(|sent| {
            sent.insert(entry.nonce.clone());
        });
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
        let _ = self.send_unpaced(&frame);
    }

    /// A refusal that only means "later" (the frame budget, or a store that
    /// is down for now): the entry it names stays pending and goes again once
    /// the wait is over, and nothing else that can wait goes before. Returns
    /// whether the frame was such a refusal.
    fn later(&self, frame: &ServerFrame) -> bool {
        let ServerFrame::Error(error) = frame else {
            return false;
        };
        let wait_ms = match error.code {
            ErrorCode::RateLimited => error.retry_after_ms.unwrap_or(1000),
            ErrorCode::StoreUnavailable if error.nonce.is_some() => STORE_RETRY_MS,
            _ => return false,
        };
        self.pacer
            .update_value(|pacer| pacer.hold(js_sys::Date::now(), wait_ms));
        if let Some(nonce) = &error.nonce {
            self.sent.update_value(|sent| {
                sent.remove(nonce);
            });
        }
        true
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

    /// Tells the room this page's person is typing, when the frame budget
    /// has room (a notice that cannot go now is not worth sending later).
    pub fn typing(&self, room: &str) -> Result<(), SendError> {
        let now = js_sys::Date::now();
        let room_for_it = self
            .pacer
            .try_update_value(|pacer| pacer.try_take(now).is_ok())
            .unwrap_or(false);
        if !room_for_it {
            return Ok(());
        }
        self.send_unpaced(&ClientFrame::Typing(TypingParams {
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
