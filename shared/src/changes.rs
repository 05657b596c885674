//! Changes to messages already sent: an author edits or deletes their own.
//!
//! A change is stored and ordered like a message: it gets the next id in the
//! same sequence, so the one resume cursor that covers every room's messages
//! covers their changes too, and a client that was away receives each change
//! exactly once, after the message it changes.

use serde::{Deserialize, Serialize};

use crate::rooms::{is_lobby, lobby};

/// Replace the text of one of your messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditParams {
    /// The id of the message to change.
    pub id: u64,
    /// The room it is in; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// Its new text, under the same rules as a message's.
    pub value: String,
    /// The idempotency key, as for a message: an edit resent with the same
    /// nonce is stored once and acknowledged with the same id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// Delete one of your messages: its text leaves the server's database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteParams {
    /// The id of the message to delete.
    pub id: u64,
    /// The room it is in; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The idempotency key, as for a message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A message's text changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageEdited {
    /// This change's own id, in the same sequence as messages: where a
    /// resume continues after it.
    pub id: u64,
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The message that changed.
    pub target: u64,
    /// Its text now. Also what a page that prints `params.value` shows.
    pub value: String,
    /// The author's display name.
    pub author: String,
    /// When it was edited, in ms since the Unix epoch (UTC).
    pub timestamp: i64,
    /// The edit's nonce, only on copies sent to the author's own connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

/// A message was deleted: whoever shows it removes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDeleted {
    /// This change's own id, in the same sequence as messages.
    pub id: u64,
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The message that is gone.
    pub target: u64,
    /// The author's display name.
    pub author: String,
    /// A line for pages that print `params.value` ("Ada deleted a message").
    pub value: String,
    /// When it was deleted, in ms since the Unix epoch (UTC).
    pub timestamp: i64,
    /// The delete's nonce, only on copies sent to the author's own
    /// connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
}

impl MessageDeleted {
    /// The line a page that prints `params.value` shows for a deletion.
    pub fn line(author: &str) -> String {
        format!("{author} deleted a message")
    }
}
