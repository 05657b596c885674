//! The plain types the state and the socket share: what the list shows, what
//! the person is told, and where the connection stands. They hold no signals
//! and know nothing of either side, so neither imports the other for them.

mod status;

use natter_shared::ChatMessage;

pub use status::ConnectionStatus;

/// A message as the list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownMessage {
    /// The message as the server stored it.
    pub message: ChatMessage,
    /// Whether this person wrote it (the server sends the nonce only to the
    /// author's connections).
    pub own: bool,
}

/// A message to tell the person about while they are away from the tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The room it came in.
    pub room: String,
    /// Who wrote it.
    pub author: String,
    /// What it says.
    pub text: String,
    /// Whether it mentions them.
    pub mention: bool,
}

/// Something the person should read near the message form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// The server's error code, or a client-side one.
    pub code: String,
    /// What happened, for people.
    pub message: String,
}
