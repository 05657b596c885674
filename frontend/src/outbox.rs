//! The outbox: messages this tab wrote, and changes it made to messages
//! (edits, deletes), that the server has not yet confirmed.
//!
//! An entry is written to localStorage the moment it is created, so neither a
//! dropped connection nor a reload loses it. It is sent (again, with the same
//! nonce) whenever a connection opens; the server stores a nonce once, so
//! resending is always safe. It leaves the outbox when the server's copy of
//! the message arrives.

use serde::{Deserialize, Serialize};

/// Where one of our messages stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Delivery {
    /// Waiting for the server's ack; resent after every reconnect.
    Pending,
    /// Stored by the server under this id; its copy is on the way.
    Sent {
        /// The id the server assigned.
        id: u64,
    },
    /// Refused by the server; kept so the person can retry or discard it.
    Failed {
        /// The server's reason.
        reason: String,
    },
}

/// One message in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// The idempotency key the server stores it under.
    pub nonce: String,
    /// The validated text.
    pub value: String,
    /// When it was written, in ms since the Unix epoch (this browser's clock).
    pub written_at: i64,
    /// The room it goes to (entries saved before rooms are the lobby's).
    #[serde(default = "natter_shared::lobby")]
    pub room: String,
    /// Where it stands.
    #[serde(flatten)]
    pub delivery: Delivery,
    /// A change to one of our messages rather than a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<Change>,
}

/// What an outbox entry does to a message already sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Replaces the text of the message with this id by the entry's value.
    Edit(u64),
    /// Deletes the message with this id.
    Delete(u64),
}

impl Change {
    /// The message it changes.
    pub fn target(self) -> u64 {
        match self {
            Change::Edit(id) | Change::Delete(id) => id,
        }
    }
}

impl Delivery {
    /// A stable one-word name, for styling and tests.
    pub fn name(&self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent { .. } => "sent",
            Delivery::Failed { .. } => "failed",
        }
    }
}

impl OutboxEntry {
    /// Whether it should go (again) to the server on the next chance.
    pub fn awaits_sending(&self) -> bool {
        self.delivery == Delivery::Pending
    }

    /// Whether it must survive a reload. A sent entry need not: the server has
    /// it, and the history shown after a reload includes it.
    pub fn worth_keeping(&self) -> bool {
        !matches!(self.delivery, Delivery::Sent { .. })
    }
}
