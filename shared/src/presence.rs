//! Live room state: who is online in a room, and who is typing there.
//! Presence is about accounts (guests come and go unnamed, and are not
//! listed). Both are ephemeral: never stored, never replayed, never given
//! an id.
//!
//! A connection receives these frames only if it asked for them when
//! connecting (`?presence=1`), so a page that prints `params.value` of
//! every frame never sees them.

use serde::{Deserialize, Serialize};

use crate::rooms::{is_lobby, lobby};

/// Everyone online in a room now, sent when a connection starts receiving
/// the room (on connecting, joining, or after it missed changes). Changes
/// follow as [`PresenceChange`]s, applied to this list in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The names of the accounts online there, sorted.
    pub online: Vec<String>,
}

/// One account came online in a room, or went offline there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresenceChange {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The account's name.
    pub name: String,
}

/// How often, at most, a client says it is typing while keys are pressed.
pub const TYPING_EVERY_MS: u64 = 3_000;

/// How long a "typing" notice is shown unless it is renewed (or that
/// person's message arrives first).
pub const TYPING_SHOWN_MS: u64 = 6_000;

/// "I am typing in this room", sent at most every [`TYPING_EVERY_MS`] while
/// keys are pressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingParams {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
}

/// Someone is typing in a room: shown for [`TYPING_SHOWN_MS`] unless
/// renewed. Never sent back to the typist's own connections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypingNotice {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// Who is typing.
    pub name: String,
}
