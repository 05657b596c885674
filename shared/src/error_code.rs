//! The codes `error` frames carry. Clients branch on them, so a code, once
//! shipped, keeps its name and meaning; new situations get new codes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable, machine-readable reason in an `error` frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame is not JSON, or not a JSON object.
    InvalidJson,
    /// The frame has no string `type` field.
    MissingType,
    /// `type` names a frame this server does not know.
    UnknownType,
    /// `params` is missing or its fields have the wrong names or types.
    InvalidParams,
    /// The message text is empty once trimmed.
    EmptyMessage,
    /// The message text is longer than the server's limit.
    MessageTooLong,
    /// The message text contains a control character other than newline or tab.
    ControlCharacter,
    /// A `since` or `before` cursor is not a message id this server could
    /// have issued (not a number, negative, or beyond the newest id).
    InvalidCursor,
    /// The message could not be stored; it was not sent. Retrying with the
    /// same nonce is safe.
    StoreUnavailable,
    /// A message's `nonce` is empty, longer than 64 characters, or has a
    /// character outside `A-Z a-z 0-9 - _ . :`. The message was not stored.
    InvalidNonce,
    /// The client sent frames faster than the server's rate limit; this one
    /// was dropped unread. `retry_after_ms` says when to send again.
    RateLimited,
    /// No such room, or a direct conversation that is not yours: the same
    /// answer either way, so nobody learns which conversations exist.
    UnknownRoom,
    /// A public room this connection's account has not joined.
    NotAMember,
    /// Only an account may do this (guests have no read markers).
    AccountRequired,
    /// An edit or delete names no message in that room (never one, or
    /// deleted already).
    UnknownMessage,
    /// An edit or delete of a message someone else wrote. Nothing changed.
    NotYourMessage,
    /// An edit or delete of a message older than the server allows changing
    /// (`--edit-window`). Nothing changed.
    EditWindowClosed,
    /// The nonce was used already by the same author for another message
    /// or change (another room, another kind of change, another target).
    /// Nothing was stored; send it again with a new nonce.
    NonceReused,
}

impl ErrorCode {
    /// The code's wire name, as it appears in `params.code`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "invalid_json",
            ErrorCode::MissingType => "missing_type",
            ErrorCode::UnknownType => "unknown_type",
            ErrorCode::InvalidParams => "invalid_params",
            ErrorCode::EmptyMessage => "empty_message",
            ErrorCode::MessageTooLong => "message_too_long",
            ErrorCode::ControlCharacter => "control_character",
            ErrorCode::InvalidCursor => "invalid_cursor",
            ErrorCode::StoreUnavailable => "store_unavailable",
            ErrorCode::InvalidNonce => "invalid_nonce",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::UnknownRoom => "unknown_room",
            ErrorCode::NotAMember => "not_a_member",
            ErrorCode::AccountRequired => "account_required",
            ErrorCode::UnknownMessage => "unknown_message",
            ErrorCode::NotYourMessage => "not_your_message",
            ErrorCode::EditWindowClosed => "edit_window_closed",
            ErrorCode::NonceReused => "nonce_reused",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
