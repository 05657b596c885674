//! What the id sequence holds: messages, and changes to them (edits and
//! deletes), each with an id of its own, so one cursor orders and resumes
//! them all.

use natter_shared::{ChatMessage, MessageDeleted, MessageEdited, ServerFrame};

use super::{Action, NewMessage};

/// One committed step of the id sequence, as its frame will carry it.
/// (Serialized only between processes, in the broker's notices.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "params", rename_all = "snake_case")]
pub enum Entry {
    /// A message (in its current state when read back).
    Message(ChatMessage),
    /// A message's new text.
    Edited(MessageEdited),
    /// A message is gone.
    Deleted(MessageDeleted),
}

impl Entry {
    /// Its id in the sequence.
    pub fn id(&self) -> u64 {
        match self {
            Entry::Message(message) => message.id,
            Entry::Edited(edited) => edited.id,
            Entry::Deleted(deleted) => deleted.id,
        }
    }

    /// The room it belongs to.
    pub(crate) fn room(&self) -> &str {
        match self {
            Entry::Message(message) => &message.room,
            Entry::Edited(edited) => &edited.room,
            Entry::Deleted(deleted) => &deleted.room,
        }
    }

    /// The author's nonce, if it carries one.
    pub(crate) fn nonce(&self) -> Option<&str> {
        match self {
            Entry::Message(message) => message.nonce.as_deref(),
            Entry::Edited(edited) => edited.nonce.as_deref(),
            Entry::Deleted(deleted) => deleted.nonce.as_deref(),
        }
    }

    /// The copy everyone but the author gets: the nonce is the author's
    /// business.
    pub(crate) fn without_nonce(mut self) -> Self {
        match &mut self {
            Entry::Message(message) => message.nonce = None,
            Entry::Edited(edited) => edited.nonce = None,
            Entry::Deleted(deleted) => deleted.nonce = None,
        }
        self
    }

    /// The frame that carries it.
    pub(crate) fn into_frame(self) -> ServerFrame {
        match self {
            Entry::Message(message) => ServerFrame::Message(message),
            Entry::Edited(edited) => ServerFrame::Edited(edited),
            Entry::Deleted(deleted) => ServerFrame::Deleted(deleted),
        }
    }
}

/// `kind` of a stored row: a message, an edit of `target`, a delete of it.
pub(crate) const KIND_MESSAGE: i64 = 0;
/// See [`KIND_MESSAGE`].
pub(crate) const KIND_EDIT: i64 = 1;
/// See [`KIND_MESSAGE`].
pub(crate) const KIND_DELETE: i64 = 2;

impl Entry {
    /// The entry a stored row is, every engine alike: the row read as a
    /// message (for a change: its id, room, author, time and nonce), its
    /// `kind`, the message it changes, and (for an edit) that message's
    /// text now, which the edit row does not keep.
    pub(crate) fn from_row(
        row: ChatMessage,
        kind: i64,
        target: u64,
        target_text: Option<String>,
    ) -> Self {
        if kind == KIND_MESSAGE {
            return Entry::Message(row);
        }
        let ChatMessage {
            id,
            room,
            author,
            timestamp,
            nonce,
            ..
        } = row;
        if kind == KIND_EDIT {
            Entry::Edited(MessageEdited {
                id,
                room,
                target,
                value: target_text.unwrap_or_default(),
                author,
                timestamp,
                nonce,
            })
        } else {
            Entry::Deleted(MessageDeleted {
                id,
                room,
                target,
                value: MessageDeleted::line(&author),
                author,
                timestamp,
                nonce,
            })
        }
    }

    /// The entry a change just stored under `id` at `timestamp` is, as its
    /// frame announces it: the row it was stored as, with (for an edit)
    /// its new text.
    pub(crate) fn from_change(change: &NewMessage, target: u64, id: u64, timestamp: i64) -> Self {
        let row = change.stored_as(id, timestamp);
        let kind = match change.action {
            Action::Delete(_) => KIND_DELETE,
            _ => KIND_EDIT,
        };
        Entry::from_row(row, kind, target, Some(change.value.clone()))
    }
}
