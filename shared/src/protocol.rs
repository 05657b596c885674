//! The frames exchanged over `/ws`.
//!
//! Every frame is a JSON text frame shaped `{"type": "...", "params": {...}}`
//! (serde's adjacently tagged representation with snake_case type names). A page
//! that only sends `{"type":"message","params":{"value":"hi"}}` and prints
//! `params.value` of what it receives is a complete client, so every frame a
//! human should read carries a `value`.

use std::fmt;

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::ErrorCode;
use crate::changes::{DeleteParams, EditParams, MessageDeleted, MessageEdited};
use crate::presence::{Presence, PresenceChange, TypingNotice, TypingParams};
use crate::rooms::{RoomInfo, is_lobby, lobby};

/// A real-time frame sent from a client to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "params", rename_all = "snake_case")]
pub enum ClientFrame {
    /// Publish a chat message to everyone in a room.
    Message(PublishParams),
    /// Ask for a page of a room's messages older than the oldest one the
    /// client has (or its newest page).
    History(HistoryRequest),
    /// The client has shown a room's messages up to this id: the account's
    /// read marker there moves up to it, on every tab and device. Accounts
    /// only; guests keep theirs in the browser.
    Read(ReadMarker),
    /// I am typing in this room (at most every few seconds while keys are
    /// pressed). Everyone else in the room who asked for presence sees it.
    Typing(TypingParams),
    /// Replace the text of one of my messages. Acknowledged like a message
    /// (when it has a nonce); everyone in the room gets
    /// [`ServerFrame::Edited`].
    Edit(EditParams),
    /// Delete one of my messages. Acknowledged like a message; everyone in
    /// the room gets [`ServerFrame::Deleted`].
    Delete(DeleteParams),
    /// Are you still there? Answered with [`ServerFrame::Pong`]. Browsers
    /// cannot see WebSocket pings, so a page checks its connection with this.
    Ping(NoParams),
}

/// The params of a frame that needs none. Sent as `{}`, so every frame has
/// the documented `{"type", "params"}` shape; read from `{}` (whatever its
/// fields), `null`, or no `params` at all, so older clients keep working.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct NoParams {}

impl<'de> Deserialize<'de> for NoParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Through `deserialize_option`: serde reads a missing `params` as
        // "none", which a derived empty struct would refuse.
        deserializer.deserialize_option(NoParamsVisitor)
    }
}

struct NoParamsVisitor;

impl<'de> Visitor<'de> for NoParamsVisitor {
    type Value = NoParams;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("an object, null, or no params")
    }

    fn visit_none<E>(self) -> Result<NoParams, E> {
        Ok(NoParams {})
    }

    fn visit_unit<E>(self) -> Result<NoParams, E> {
        Ok(NoParams {})
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<NoParams, D::Error> {
        deserializer.deserialize_map(NoParamsVisitor)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NoParams, A::Error> {
        // Unknown fields are ignored, as everywhere in the protocol.
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(NoParams {})
    }
}

/// What a client publishes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishParams {
    /// The text as typed; the server trims it and checks it with
    /// [`validate_text`](crate::validate_text) before anyone sees it.
    pub value: String,
    /// A client-chosen token echoed back on the sender's copy, so the sender can
    /// match the broadcast to the message it sent, and its idempotency key.
    /// Opaque to the server, within the rules of
    /// [`validate_nonce`](crate::validate_nonce).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// The room it goes to; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
}

/// A request for older messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRequest {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// Only messages with an id below this one; absent means the newest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<u64>,
    /// How many at most; the server caps it at [`MAX_HISTORY_PAGE`].
    #[serde(default = "default_history_page")]
    pub limit: u32,
}

/// The close code of a connection whose session ended: logged out, its
/// password changed, its account removed, or expired. The client forgets
/// the session (and its cookie) and goes on as a guest, or signs in again;
/// reconnecting with the same session would be refused.
pub const CLOSE_SESSION_ENDED: u16 = 4001;

/// The close code of a guest's connection whose chosen name an account has
/// taken since it connected. Reconnecting (asking for the same name or
/// not), it is shown under its own guest name.
pub const CLOSE_NAME_TAKEN: u16 = 4002;

/// The page size a client gets when it does not say, and on first connect.
pub const DEFAULT_HISTORY_PAGE: u32 = 50;

/// The largest page of history one request returns.
pub const MAX_HISTORY_PAGE: u32 = 200;

fn default_history_page() -> u32 {
    DEFAULT_HISTORY_PAGE
}

/// A read marker: in a room, everything up to this id has been read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMarker {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The newest message id read there. Markers only move forward.
    pub id: u64,
}

/// Names a room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomRef {
    /// The room.
    pub room: String,
}

/// A real-time frame sent from the server to a client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "params", rename_all = "snake_case")]
pub enum ServerFrame {
    /// The first frame on every connection.
    Welcome(Welcome),
    /// A message someone published, the receiver included; also how history
    /// is replayed on connect and on resume, oldest first.
    Message(ChatMessage),
    /// The sender's message with this nonce is durably stored under this id.
    /// Sent only for messages that carried a nonce.
    Ack(AckParams),
    /// The answer to a [`ClientFrame::History`] request.
    History(HistoryPage),
    /// The answer to a [`ClientFrame::Ping`].
    Pong(NoParams),
    /// Something the client sent was refused, or the server could not serve
    /// it; the connection stays open.
    Error(ErrorParams),
    /// This account is now in a room (it joined or created one on some tab
    /// or device, or someone opened a direct conversation with it): its
    /// messages arrive from now on, and its history can be asked for.
    Joined(RoomInfo),
    /// This account left a room: nothing more of it arrives.
    Left(RoomRef),
    /// This account's read marker in a room moved (on any tab or device).
    Read(ReadMarker),
    /// Who is online in a room now (connections that asked for presence).
    Presence(Presence),
    /// Someone came online in a room: their first connection there.
    Online(PresenceChange),
    /// Someone went offline in a room: their last connection there ended
    /// (after a short grace, so a reload shows nothing), or they left it.
    Offline(PresenceChange),
    /// Someone else is typing in a room (connections that asked for
    /// presence).
    Typing(TypingNotice),
    /// A message's author changed its text. Stored and replayed like a
    /// message, with an id of its own.
    Edited(MessageEdited),
    /// A message's author deleted it. Stored and replayed like a message,
    /// with an id of its own.
    Deleted(MessageDeleted),
    /// How many accounts a public room has now: someone joined or left it
    /// (connections that asked for presence).
    Members(RoomMembers),
    /// The account's preferences, as just saved (on this tab or another,
    /// on any device): every open page follows them.
    Preferences(crate::api::Preferences),
}

/// A public room's member count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomMembers {
    /// The room.
    pub room: String,
    /// How many accounts are in it.
    pub members: u64,
}

/// Greets a connection and tells it who the server thinks it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Welcome {
    /// Unique among the server's live connections; shows up in its logs.
    pub connection_id: u64,
    /// The display name this connection's messages carry: the one it asked for
    /// if valid, else one the server assigned.
    pub name: String,
    /// The server's clock in ms since the Unix epoch (UTC), so a client can tell
    /// how far its own clock is off.
    pub server_time: i64,
    /// A line for humans ("Connected to Natter"), for pages that print `value`.
    pub value: String,
    /// For a guest: its token. Presented again (as `?token=` or
    /// `Authorization: Bearer`), it makes the connection the same guest, so
    /// its retried messages are recognised. Absent for accounts, which
    /// present their session instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The rooms this connection is in, the lobby first, with read markers
    /// and unread counts. Messages of no other room reach it.
    #[serde(default)]
    pub rooms: Vec<RoomInfo>,
    /// How fast this connection may send frames, so a client can pace
    /// itself rather than be refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_budget: Option<FrameBudget>,
}

/// A connection's frame budget: `burst` frames at once, then one more every
/// `every_ms`. Frames past it are refused with `rate_limited`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameBudget {
    /// Frames that may be sent at once.
    pub burst: u32,
    /// Milliseconds between further frames.
    pub every_ms: u64,
}

/// A message as the server accepted and broadcast it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// Assigned by the server, strictly increasing in broadcast order across
    /// all rooms, so one cursor covers every room.
    pub id: u64,
    /// The room it was posted in; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The validated, trimmed text.
    pub value: String,
    /// The sender's display name.
    pub author: String,
    /// When the server accepted it, in ms since the Unix epoch (UTC).
    pub timestamp: i64,
    /// The sender's nonce, present only on copies sent to the sender's own
    /// connections (any tab or device of the account, or the same guest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// When its author last changed its text (ms since the Unix epoch, UTC);
    /// absent if never. Its `value` is then the changed text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<i64>,
}

/// Confirms that a message is stored and will reach everyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AckParams {
    /// The nonce the client sent with the message.
    pub nonce: String,
    /// The id the message was stored under.
    pub id: u64,
}

/// A page of older messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The room; absent means the lobby.
    #[serde(default = "lobby", skip_serializing_if = "is_lobby")]
    pub room: String,
    /// The `before` of the request this answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<u64>,
    /// Oldest first, all with ids below `before`.
    pub messages: Vec<ChatMessage>,
    /// True when nothing older exists.
    pub complete: bool,
}

/// Why the server refused something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorParams {
    /// Stable and machine-readable: clients branch on this.
    pub code: ErrorCode,
    /// Human-readable detail; may change between versions.
    pub message: String,
    /// The nonce of the message this error is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// For `rate_limited`: how long to wait before sending again, in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

impl ServerFrame {
    /// Builds an `error` frame.
    pub fn error(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::error_about(code, message, None)
    }

    /// Builds an `error` frame about the message with `nonce`.
    pub fn error_about(code: ErrorCode, message: impl Into<String>, nonce: Option<String>) -> Self {
        ServerFrame::Error(ErrorParams {
            code,
            message: message.into(),
            nonce,
            retry_after_ms: None,
        })
    }

    /// The JSON text of this frame.
    pub fn to_json(&self) -> String {
        // Serializing these types cannot fail: every field is a string, an
        // integer or an enum with string names, and no map has non-string keys.
        serde_json::to_string(self).expect("server frames always serialize")
    }
}

impl ClientFrame {
    /// The JSON text of this frame.
    pub fn to_json(&self) -> String {
        // Infallible for the same reason as `ServerFrame::to_json`.
        serde_json::to_string(self).expect("client frames always serialize")
    }
}
