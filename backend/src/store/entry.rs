//! What the id sequence holds: messages, and changes to them (edits and
//! deletes), each with an id of its own, so one cursor orders and resumes
//! them all.

use natter_shared::{ChatMessage, MessageDeleted, MessageEdited, ServerFrame};

/// One committed step of the id sequence, as its frame will carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    pub fn room(&self) -> &str {
        match self {
            Entry::Message(message) => &message.room,
            Entry::Edited(edited) => &edited.room,
            Entry::Deleted(deleted) => &deleted.room,
        }
    }

    /// The author's nonce, if it carries one.
    pub fn nonce(&self) -> Option<&str> {
        match self {
            Entry::Message(message) => message.nonce.as_deref(),
            Entry::Edited(edited) => edited.nonce.as_deref(),
            Entry::Deleted(deleted) => deleted.nonce.as_deref(),
        }
    }

    /// The copy everyone but the author gets: the nonce is the author's
    /// business.
    pub fn without_nonce(mut self) -> Self {
        match &mut self {
            Entry::Message(message) => message.nonce = None,
            Entry::Edited(edited) => edited.nonce = None,
            Entry::Deleted(deleted) => deleted.nonce = None,
        }
        self
    }

    /// The frame that carries it.
    pub fn into_frame(self) -> ServerFrame {
        match self {
            Entry::Message(message) => ServerFrame::Message(message),
            Entry::Edited(edited) => ServerFrame::Edited(edited),
            Entry::Deleted(deleted) => ServerFrame::Deleted(deleted),
        }
    }
}
