//! The client's reactive state and how server frames change it.

use std::collections::HashSet;

use leptos::prelude::*;
use natter_shared::{ChatMessage, ErrorParams, ServerFrame, Welcome};

use crate::socket::ConnectionStatus;

/// A message as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMessage {
    /// Unique within this page, for keyed rendering. Server ids are not enough:
    /// a server without durable history starts counting again after a restart.
    pub key: u64,
    /// The message as the server broadcast it.
    pub message: ChatMessage,
    /// Whether this tab sent it.
    pub own: bool,
}

/// Something the person should read near the message form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The server's error code, or a client-side one such as `not_connected`.
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

/// Everything the components render, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct ChatState {
    /// Newest first.
    pub messages: RwSignal<Vec<ShownMessage>>,
    /// Where the connection stands.
    pub status: RwSignal<ConnectionStatus>,
    /// The last problem to show near the form, if any.
    pub notice: RwSignal<Option<Notice>>,
    /// Who the server says we are on the current connection.
    pub identity: RwSignal<Option<Welcome>>,
    /// The display name to ask for when connecting (empty: let the server pick).
    pub requested_name: RwSignal<String>,
    /// Nonces of messages this tab sent, to recognise its own copies.
    own_nonces: RwSignal<HashSet<String>>,
    /// The next [`ShownMessage::key`].
    next_key: RwSignal<u64>,
}

impl ChatState {
    /// Empty state asking for `requested_name`.
    pub fn new(requested_name: String) -> Self {
        ChatState {
            messages: RwSignal::new(Vec::new()),
            status: RwSignal::new(ConnectionStatus::Connecting { attempt: 1 }),
            notice: RwSignal::new(None),
            identity: RwSignal::new(None),
            requested_name: RwSignal::new(requested_name),
            own_nonces: RwSignal::new(HashSet::new()),
            next_key: RwSignal::new(0),
        }
    }

    /// Applies one frame from the server.
    pub fn apply(&self, frame: ServerFrame) {
        match frame {
            ServerFrame::Welcome(welcome) => self.identity.set(Some(welcome)),
            ServerFrame::Message(message) => self.prepend(message),
            ServerFrame::Error(ErrorParams { code, message }) => self.notice.set(Some(Notice {
                code: code.as_str().to_owned(),
                message,
            })),
        }
    }

    /// Records that this tab is sending a message with `nonce`.
    pub fn remember_own(&self, nonce: String) {
        self.own_nonces.update(|nonces| {
            nonces.insert(nonce);
        });
    }

    /// Shows a problem near the form.
    pub fn show_notice(&self, code: &str, message: impl Into<String>) {
        self.notice.set(Some(Notice {
            code: code.to_owned(),
            message: message.into(),
        }));
    }

    fn prepend(&self, message: ChatMessage) {
        let own = message
            .nonce
            .as_ref()
            .is_some_and(|nonce| self.own_nonces.with_untracked(|own| own.contains(nonce)));
        let key = self.next_key.get_untracked();
        self.next_key.set(key + 1);
        self.messages
            .update(|list| list.insert(0, ShownMessage { key, message, own }));
    }
}
