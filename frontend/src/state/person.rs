//! Who is on this page and what they were typing: the account or guest, the
//! server's rules for them, and each room's unsent draft.

use leptos::prelude::*;
use natter_shared::DEFAULT_MAX_MESSAGE_CHARS;
use natter_shared::api::SignedIn;

use crate::outbox::OutboxEntry;
use crate::state::ChatState;
use crate::storage;

impl ChatState {
    /// The name this page's person shows (tracked): the server's word once
    /// welcomed, else the account's or the name asked for, else "you".
    pub fn my_name(&self) -> String {
        if let Some(name) = self
            .identity
            .with(|identity| identity.as_ref().map(|welcome| welcome.name.clone()))
        {
            return name;
        }
        if let Some(account) = self.account.get() {
            return account;
        }
        let asked = self.requested_name.get();
        if asked.is_empty() {
            "you".to_owned()
        } else {
            asked
        }
    }

    /// The longest message the server takes, in characters.
    pub fn max_message_chars(&self) -> usize {
        self.server.with_untracked(|server| {
            server
                .as_ref()
                .map_or(DEFAULT_MAX_MESSAGE_CHARS, |server| server.max_message_chars)
        })
    }

    /// Our messages to `room` the server has not confirmed, oldest first
    /// (tracked).
    pub fn pending_in(&self, room: &str) -> Vec<OutboxEntry> {
        self.outbox.with(|entries| {
            entries
                .iter()
                .filter(|entry| entry.room == room && entry.change.is_none())
                .cloned()
                .collect()
        })
    }

    /// What was typed in `room` and not sent.
    pub fn draft_of(&self, room: &str) -> String {
        self.drafts
            .with_value(|drafts| drafts.get(room).cloned())
            .unwrap_or_default()
    }

    /// Keeps what is typed in `room` (across reloads too); an empty draft
    /// is forgotten.
    pub fn keep_draft(&self, room: &str, text: &str) {
        self.drafts.update_value(|drafts| {
            if text.is_empty() {
                drafts.remove(room);
            } else {
                drafts.insert(room.to_owned(), text.to_owned());
            }
        });
        self.drafts.with_value(storage::save_drafts);
    }

    /// Signed in (or up) as `signed_in`: the page is that account's now.
    pub fn signed_in(&self, signed_in: SignedIn) {
        self.account.set(Some(signed_in.name));
    }

    /// Signed out: the page goes on as a guest (or, where guests may not
    /// chat, to the sign-in card). What the account wrote and had not sent
    /// is dropped with its drafts and its place: sent later it would go out
    /// under the guest's name, and the next person on this browser should
    /// not find it.
    pub fn signed_out(&self) {
        self.account.set(None);
        if self.outbox.with_untracked(|entries| !entries.is_empty()) {
            self.change_outbox(Vec::clear);
        }
        self.drafts.update_value(|drafts| drafts.clear());
        storage::forget_account_traces();
    }
}
