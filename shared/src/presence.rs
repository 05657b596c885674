//! Who is online in a room: the frames of presence. Presence is about
//! accounts (guests come and go unnamed, and are not listed), and it is
//! ephemeral: never stored, never replayed, never given an id.
//!
//! A connection receives presence only if it asked for it when connecting
//! (`?presence=1`), so a page that prints `params.value` of every frame
//! never sees these frames.

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
