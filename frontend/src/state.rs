//! The client's reactive state and how server frames change it.

use leptos::prelude::*;
use natter_shared::{
    AckParams, ChatMessage, ErrorCode, ErrorParams, HistoryPage, LOBBY, ServerFrame, Welcome,
};

use crate::nonce::fresh_nonce;
use crate::outbox::{Delivery, OutboxEntry};
use crate::socket::ConnectionStatus;
use crate::storage;

/// A message as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMessage {
    /// The message as the server stored it.
    pub message: ChatMessage,
    /// Whether this person wrote it (the server sends the nonce only to the
    /// author's connections).
    pub own: bool,
}

/// Something the person should read near the message form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The server's error code, or a client-side one.
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

/// Everything the components render, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct ChatState {
    /// Delivered messages, newest first, each id once.
    pub messages: RwSignal<Vec<ShownMessage>>,
    /// Our messages the server has not confirmed yet, oldest first.
    pub outbox: RwSignal<Vec<OutboxEntry>>,
    /// Whether the server said nothing older exists.
    pub history_complete: RwSignal<bool>,
    /// Whether a request for older messages is on its way.
    pub loading_older: RwSignal<bool>,
    /// Where the connection stands.
    pub status: RwSignal<ConnectionStatus>,
    /// The last problem to show near the form, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Who the server says we are on the current connection.
    pub identity: RwSignal<Option<Welcome>>,
    /// The display name to ask for when connecting (empty: let the server pick).
    pub requested_name: RwSignal<String>,
    /// The token the server handed this browser as a guest, presented on
    /// every connection so it stays the same guest: its resent messages are
    /// then recognised, and never stored twice.
    pub guest_token: RwSignal<Option<String>>,
    /// The signed-in account's name; `None` while a guest.
    pub account: RwSignal<Option<String>>,
}

impl ChatState {
    /// State asking for `requested_name`, with the outbox the last visit left.
    pub fn new(requested_name: String) -> Self {
        ChatState {
            messages: RwSignal::new(Vec::new()),
            outbox: RwSignal::new(storage::saved_outbox()),
            history_complete: RwSignal::new(false),
            loading_older: RwSignal::new(false),
            status: RwSignal::new(ConnectionStatus::Connecting { attempt: 1 }),
            notice: RwSignal::new(None),
            identity: RwSignal::new(None),
            requested_name: RwSignal::new(requested_name),
            guest_token: RwSignal::new(storage::saved_guest_token()),
            account: RwSignal::new(None),
        }
    }

    /// The newest id shown.
    pub fn newest_id(&self) -> Option<u64> {
        self.messages
            .with_untracked(|list| list.first().map(|shown| shown.message.id))
    }

    /// Where a reconnect resumes: after the newest id shown. A page the
    /// server has welcomed but that shows nothing yet (an empty room) resumes
    /// from the very start: without a cursor the server would send only the
    /// latest page, and cut off whatever more was written while the page was
    /// away. Only a page never welcomed starts from the latest page.
    pub fn resume_after(&self) -> Option<u64> {
        self.newest_id()
            .or_else(|| self.identity.with_untracked(Option::is_some).then_some(0))
    }

    /// The oldest id shown: where "load older" continues.
    pub fn oldest_id(&self) -> Option<u64> {
        self.messages
            .with_untracked(|list| list.last().map(|shown| shown.message.id))
    }

    /// Puts a validated message in the outbox (and in localStorage) and
    /// returns the entry to send.
    pub fn queue(&self, value: String) -> OutboxEntry {
        let entry = OutboxEntry {
            nonce: fresh_nonce(),
            value,
            written_at: js_sys::Date::now() as i64,
            delivery: Delivery::Pending,
        };
        self.change_outbox(|entries| entries.push(entry.clone()));
        entry
    }

    /// Marks a failed entry pending again and returns it, to send.
    pub fn retry(&self, nonce: &str) -> Option<OutboxEntry> {
        let mut retried = None;
        self.change_outbox(|entries| {
            if let Some(entry) = entries.iter_mut().find(|entry| entry.nonce == nonce) {
                entry.delivery = Delivery::Pending;
                retried = Some(entry.clone());
            }
        });
        retried
    }

    /// Drops an entry from the outbox for good.
    /// Does nothing (no storage write, no re-render) when the entry is gone
    /// already, as it is for most of our messages replayed from history.
    pub fn discard(&self, nonce: &str) {
        let present = self
            .outbox
            .with_untracked(|entries| entries.iter().any(|entry| entry.nonce == nonce));
        if present {
            self.change_outbox(|entries| entries.retain(|entry| entry.nonce != nonce));
        }
    }

    /// The entries to send on a fresh connection, oldest first.
    pub fn awaiting_send(&self) -> Vec<OutboxEntry> {
        self.outbox.with_untracked(|entries| {
            entries
                .iter()
                .filter(|e| e.awaits_sending())
                .cloned()
                .collect()
        })
    }

    /// Applies one frame from the server.
    pub fn apply(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::Welcome(welcome) => {
                if let Some(token) = &welcome.token
                    && self.guest_token.get_untracked().as_ref() != Some(token)
                {
                    storage::save_guest_token(token);
                    self.guest_token.set(Some(token.clone()));
                }
                self.identity.set(Some(welcome));
            }
            // Only the lobby is shown so far; other rooms' frames wait for
            // the room list.
            ServerFrame::Message(message) if message.room == LOBBY => self.receive(message),
            ServerFrame::Message(_) => {}
            ServerFrame::Ack(ack) => self.acknowledge(ack),
            ServerFrame::History(page) if page.room == LOBBY => self.append_older(page),
            ServerFrame::History(_) => {}
            ServerFrame::Joined(_) | ServerFrame::Left(_) | ServerFrame::Read(_) => {}
            ServerFrame::Error(error) => self.refuse(error),
            // The socket notes every frame for its heartbeat; nothing to show.
            ServerFrame::Pong(_) => {}
        }
    }

    /// Shows a problem near the form.
    pub fn show_notice(&self, code: &str, message: impl Into<String>) {
        self.notice.set(Some(Notice {
            code: code.to_owned(),
            message: message.into(),
        }));
    }

    fn receive(&self, message: ChatMessage) {
        // History and live are stitched together by id: anything not newer
        // than what is shown is a repeat.
        if self.newest_id().is_some_and(|newest| message.id <= newest) {
            return;
        }
        if let Some(nonce) = &message.nonce {
            self.discard(nonce);
        }
        let own = message.nonce.is_some();
        self.messages
            .update(|list| list.insert(0, ShownMessage { message, own }));
    }

    fn acknowledge(&self, AckParams { nonce, id }: AckParams) {
        let already_shown = self
            .messages
            .with_untracked(|list| list.iter().any(|s| s.message.id == id));
        self.change_outbox(|entries| {
            if already_shown {
                entries.retain(|entry| entry.nonce != nonce);
            } else if let Some(entry) = entries.iter_mut().find(|entry| entry.nonce == nonce) {
                entry.delivery = Delivery::Sent { id };
            }
        });
    }

    fn append_older(&self, page: HistoryPage) {
        let oldest = self.oldest_id();
        self.messages.update(|list| {
            for message in page.messages.into_iter().rev() {
                if oldest.is_none_or(|oldest| message.id < oldest) {
                    let own = message.nonce.is_some();
                    list.push(ShownMessage { message, own });
                }
            }
        });
        self.history_complete.set(page.complete);
        self.loading_older.set(false);
    }

    fn refuse(&self, error: ErrorParams) {
        let about_ours = error.nonce.as_ref().is_some_and(|nonce| {
            self.outbox
                .with_untracked(|entries| entries.iter().any(|entry| &entry.nonce == nonce))
        });
        if let (true, Some(nonce)) = (about_ours, &error.nonce) {
            self.change_outbox(|entries| {
                if let Some(entry) = entries.iter_mut().find(|entry| &entry.nonce == nonce) {
                    entry.delivery = Delivery::Failed {
                        reason: error.message.clone(),
                    };
                }
            });
            return;
        }
        if error.code == ErrorCode::InvalidCursor {
            // The server does not know where we were (its history was reset):
            // start over from what it sends next.
            self.messages.set(Vec::new());
            self.history_complete.set(false);
        }
        self.loading_older.set(false);
        self.notice.set(Some(Notice {
            code: error.code.as_str().to_owned(),
            message: error.message,
        }));
    }

    fn change_outbox(&self, change: impl FnOnce(&mut Vec<OutboxEntry>)) {
        self.outbox.update(change);
        self.outbox
            .with_untracked(|entries| storage::save_outbox(entries));
    }
}
