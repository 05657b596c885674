//! Rooms: the lobby, the room-name rule, and what a client is told about a
//! room it is in.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The room every connection is in, guest or not, and where a frame that
/// names no room goes. It always exists and nobody leaves it.
pub const LOBBY: &str = "lobby";

/// The longest room name, in characters (all ASCII, so also bytes).
pub const MAX_ROOM_NAME_CHARS: usize = 32;

/// The lobby's name as an owned string: the default of every `room` field.
pub fn lobby() -> String {
    LOBBY.to_owned()
}

/// Whether `room` is the lobby: such `room` fields are left out of frames,
/// so lobby frames read exactly as they did before rooms.
pub fn is_lobby(room: &str) -> bool {
    room == LOBBY
}

/// Why a room name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum RoomNameError {
    /// Nothing left after trimming.
    #[error("the room name is empty")]
    Empty,
    /// Longer than [`MAX_ROOM_NAME_CHARS`].
    #[error("the room name is {actual} characters long; the limit is {max}", max = MAX_ROOM_NAME_CHARS)]
    TooLong {
        /// Its length in characters.
        actual: usize,
    },
    /// A character other than `a-z`, `0-9` and `-` (after lower-casing).
    #[error("a room name may hold only a-z, 0-9 and '-'; it has U+{0:04X}")]
    Character(u32),
    /// Starts or ends with `-`, or has two in a row.
    #[error("a room name starts and ends with a letter or digit, with single '-' between words")]
    Hyphens,
}

/// Checks a room name a person typed and returns its one spelling: trimmed,
/// ASCII letters lower-cased, then 1 to [`MAX_ROOM_NAME_CHARS`] characters
/// of `a-z 0-9 -`, starting and ending with a letter or digit, with no `--`.
/// So a name is its own URL segment (`#/r/general`) and shows the same
/// everywhere: no lookalikes, no markup, nothing to escape.
pub fn validate_room_name(raw: &str) -> Result<String, RoomNameError> {
    let name = raw.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Err(RoomNameError::Empty);
    }
    if let Some(bad) = name
        .chars()
        .find(|&c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return Err(RoomNameError::Character(bad.into()));
    }
    if name.len() > MAX_ROOM_NAME_CHARS {
        return Err(RoomNameError::TooLong { actual: name.len() });
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return Err(RoomNameError::Hyphens);
    }
    Ok(name)
}

/// A public room anyone signed in may join, or a direct conversation
/// between two accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoomKind {
    /// Listed, joinable, named by people.
    Public,
    /// Two accounts; nobody else can see, join or read it.
    Direct,
}

/// What a person wants to hear about from a room when the page is not in
/// view: a browser notification for every message, only for those that
/// mention them (and, in a direct conversation, every message is meant for
/// them), or nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notify {
    /// Every message by someone else.
    All,
    /// Messages that mention them. The default for public rooms; direct
    /// conversations default to `All`.
    #[default]
    Mentions,
    /// None.
    Nothing,
}

fn is_zero(count: &u64) -> bool {
    *count == 0
}

/// A room as one of its members sees it: in the welcome, and when it joins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomInfo {
    /// What frames name it by: a public room's name, or a direct
    /// conversation's key (`dm:` and the two account ids).
    pub room: String,
    /// Public or direct.
    pub kind: RoomKind,
    /// For a direct conversation: the other person's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<String>,
    /// How many accounts are members.
    pub members: u64,
    /// The newest id this reader has marked read here (0 when none).
    pub last_read: u64,
    /// How many messages by others are newer than `last_read`, counted up
    /// to `newest_id`; a message above `newest_id` is not in the count.
    pub unread: u64,
    /// How many of the `unread` messages mention this reader (`@name`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mentions: u64,
    /// The newest message id in the room when this was counted (0 when empty).
    pub newest_id: u64,
    /// When that message was sent, in ms since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_at: Option<i64>,
    /// What this reader is notified of here (kept on the server, per
    /// account: the same on every tab and device).
    #[serde(default)]
    pub notify: Notify,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_names_have_one_spelling() {
        assert_eq!(validate_room_name("  General ").unwrap(), "general");
        assert_eq!(validate_room_name("rust-2026").unwrap(), "rust-2026");
        assert_eq!(validate_room_name("a").unwrap(), "a");
        assert_eq!(validate_room_name(""), Err(RoomNameError::Empty));
        assert_eq!(
            validate_room_name("<b>x</b>"),
            Err(RoomNameError::Character('<'.into()))
        );
        assert_eq!(
            validate_room_name("dm:1:2"),
            Err(RoomNameError::Character(':'.into()))
        );
        assert_eq!(
            validate_room_name("café"),
            Err(RoomNameError::Character('é'.into()))
        );
        assert_eq!(validate_room_name("-x"), Err(RoomNameError::Hyphens));
        assert_eq!(validate_room_name("x--y"), Err(RoomNameError::Hyphens));
        assert_eq!(
            validate_room_name(&"x".repeat(33)),
            Err(RoomNameError::TooLong { actual: 33 })
        );
    }
}
