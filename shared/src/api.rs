//! The JSON bodies of the HTTP calls under `/api/`, as the server sends and
//! reads them and the web client reads and sends them. Their exact JSON is
//! pinned in `tests/golden_api.rs`, beside the frames'.
//!
//! | call | body | answer |
//! |---|---|---|
//! | `POST /api/signup` | [`Credentials`] | 201 [`SignedIn`] with its token |
//! | `POST /api/login` | [`Credentials`] | 200 [`SignedIn`] with its token |
//! | `POST /api/logout` | none | 204 |
//! | `GET /api/me` | none | 200 [`SignedIn`] without a token |
//! | `PUT /api/me/preferences` | [`Preferences`] | 200 [`Preferences`] |
//! | `POST /api/password` | [`PasswordChange`] | 204 |
//! | `GET /api/server` | none | 200 [`ServerInfo`] (no session needed) |
//! | `GET /api/rooms` | none | 200 [`Directory`] |
//! | `POST /api/rooms` | [`Named`] | 201 [`RoomInfo`](crate::RoomInfo) |
//! | `POST /api/rooms/{room}/join` | none | 200 [`RoomInfo`](crate::RoomInfo) |
//! | `POST /api/rooms/{room}/leave` | none | 204 |
//! | `POST /api/dms` | [`Named`] | 200 [`RoomInfo`](crate::RoomInfo) |
//!
//! Every refusal is an [`ApiError`].

use serde::{Deserialize, Serialize};

/// A name and a password: signing up or logging in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// The account's name, in any case (names are matched case-folded).
    pub name: String,
    /// The password, never stored or logged.
    pub password: String,
}

/// The current password and the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    /// The password the account has now.
    pub current: String,
    /// The one it will have.
    pub new: String,
}

/// A signed-in account, and after sign-up or login its session token, for
/// programs that do not keep cookies (`Authorization: Bearer <token>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    /// The account's name as it was signed up.
    pub name: String,
    /// The session's token: only in the answer that started the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// How the account likes the page.
    #[serde(default)]
    pub preferences: Preferences,
}

/// A name: of a room to create, or of a person to talk to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// The room's or the account's name.
    pub name: String,
}

/// Every public room.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    /// By name.
    pub rooms: Vec<DirectoryEntry>,
}

/// A room's notification setting (`PUT /api/rooms/{room}/notify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyChoice {
    /// What to be notified of there.
    pub notify: crate::Notify,
}

/// Who is in a room (`GET /api/rooms/{room}/members`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    /// Their names, sorted as names compare.
    pub members: Vec<String>,
}

/// A public room in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryEntry {
    /// Its name.
    pub room: String,
    /// How many accounts are in it.
    pub members: u64,
    /// When its newest message was sent, in ms since the Unix epoch; absent
    /// while it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_at: Option<i64>,
    /// Whether the asking account is in it.
    pub joined: bool,
}

/// An `/api` refusal: a stable code for programs and words for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable: `invalid_credentials`, `name_taken`, `room_taken`, ...
    pub code: String,
    /// What happened, for people.
    pub message: String,
}

/// How this server is run, as a page needs to know before it shows
/// anything (`GET /api/server`, public): whether guests may chat and
/// whether anyone may sign up, and how long a message may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerInfo {
    /// Whether people without an account may chat in the lobby.
    pub guests: bool,
    /// Whether anyone may create an account.
    pub signup: bool,
    /// The longest message, in characters.
    pub max_message_chars: usize,
}

/// How a person likes the page (`PUT /api/me/preferences`; also in
/// [`SignedIn`]). Unknown fields are ignored and missing ones take their
/// defaults, so older and newer pages read each other's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    /// Light, dark, or as the system is.
    #[serde(default)]
    pub theme: Theme,
    /// Which end of the list the newest message is at.
    #[serde(default)]
    pub order: MessageOrder,
}

/// A colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    /// As the system is set.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// Which end of the message list the newest message is at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageOrder {
    /// Newest at the top, the message box above it.
    #[default]
    NewestFirst,
    /// Newest at the bottom, the message box below it.
    NewestLast,
}
