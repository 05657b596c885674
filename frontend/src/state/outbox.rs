//! Our messages on their way: queued, resent, acknowledged or refused.

use leptos::prelude::*;
use natter_shared::{AckParams, ErrorCode, ErrorParams};

use crate::model::Notice;
use crate::nonce::fresh_nonce;
use crate::outbox::{Change, Delivery, OutboxEntry};
use crate::state::ChatState;
use crate::storage;

impl ChatState {
    /// Puts a validated message for `room` in the outbox (and in
    /// localStorage) and returns the entry to send.
    pub fn queue(&self, room: &str, value: String) -> OutboxEntry {
        self.queue_change(room, value, None)
    }

    /// Puts a message, or a change to one of ours (`change`), in the outbox
    /// and returns the entry to send. A change replaces any earlier one to
    /// the same message still waiting: only the last counts.
    pub fn queue_change(&self, room: &str, value: String, change: Option<Change>) -> OutboxEntry {
        let entry = OutboxEntry {
            nonce: fresh_nonce(),
            value,
            written_at: js_sys::Date::now() as i64,
            room: room.to_owned(),
            delivery: Delivery::Pending,
            change,
        };
        if let Some(change) = change {
            let target = change.target();
            self.change_outbox(|entries| {
                entries.retain(|entry| {
                    entry
                        .change
                        .is_none_or(|pending| pending.target() != target)
                        || entry.delivery != Delivery::Pending
                })
            });
        }
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

    pub(super) fn acknowledge(&self, AckParams { nonce, id }: AckParams) {
        let Some((room, change)) = self.outbox.with_untracked(|entries| {
            entries
                .iter()
                .find(|entry| entry.nonce == nonce)
                .map(|entry| (entry.room.clone(), entry.change.is_some()))
        }) else {
            return;
        };
        let already_shown = self
            .messages
            .with_untracked(|logs| logs.room(&room).is_some_and(|log| log.get(id).is_some()));
        self.change_outbox(|entries| {
            // A change is done once stored: its frame only confirms it.
            if already_shown || change {
                entries.retain(|entry| entry.nonce != nonce);
            } else if let Some(entry) = entries.iter_mut().find(|entry| entry.nonce == nonce) {
                entry.delivery = Delivery::Sent { id };
            }
        });
    }

    pub(super) fn refuse(&self, error: ErrorParams) {
        let about_ours = error.nonce.as_ref().is_some_and(|nonce| {
            self.outbox
                .with_untracked(|entries| entries.iter().any(|entry| &entry.nonce == nonce))
        });
        let change = error.nonce.as_ref().is_some_and(|nonce| {
            self.outbox.with_untracked(|entries| {
                entries
                    .iter()
                    .any(|entry| &entry.nonce == nonce && entry.change.is_some())
            })
        });
        if let (true, Some(nonce)) = (change, &error.nonce) {
            // A refused change will not succeed later: drop it and say why.
            self.discard(nonce);
            self.notice.set(Some(Notice {
                code: error.code.as_str().to_owned(),
                message: crate::words::refusal(error.code, &error.message),
            }));
            return;
        }
        if let (true, Some(nonce)) = (about_ours, &error.nonce) {
            let reason = crate::words::refusal(error.code, &error.message);
            self.change_outbox(|entries| {
                if let Some(entry) = entries.iter_mut().find(|entry| &entry.nonce == nonce) {
                    entry.delivery = Delivery::Failed {
                        reason: reason.clone(),
                    };
                }
            });
            return;
        }
        if error.code == ErrorCode::InvalidCursor {
            // The server does not know where we were (its history was reset):
            // start over from what it sends next.
            self.messages.set(crate::state::Logs::default());
        }
        self.loading_older.set(None);
        self.notice.set(Some(Notice {
            code: error.code.as_str().to_owned(),
            message: crate::words::refusal(error.code, &error.message),
        }));
    }

    pub(super) fn change_outbox(&self, change: impl FnOnce(&mut Vec<OutboxEntry>)) {
        self.outbox.update(change);
        self.outbox
            .with_untracked(|entries| storage::save_outbox(entries));
    }
}
