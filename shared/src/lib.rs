//! Natter's wire schema: the one definition of what travels over the WebSocket.
//!
//! Both the browser client (compiled to wasm32) and the server (native) depend on
//! this crate, so a change here is a change to the protocol. It knows nothing of
//! axum, tokio, gloo or storage: only serde types and pure functions.
//!
//! - [`protocol`]: the [`ClientFrame`] and [`ServerFrame`] enums and their params.
//! - [`decode`]: turns one text frame into a [`ClientFrame`] or a precise
//!   [`DecodeError`] that the server reports back as an `error` frame.
//! - [`validate`]: the text, display-name and nonce rules, applied by the client before
//!   sending and by the server on receipt.
//! - [`server_decode`]: the web client's reader of server frames.
//! - [`rooms`]: the lobby, the room-name rule, and [`RoomInfo`].
//! - [`api`]: the JSON bodies of the HTTP calls under `/api/`.
//! - [`presence`]: who is online in a room, and who is typing.
//! - [`changes`]: editing and deleting a message already sent.
//! - [`mentions`]: when a message's text mentions someone (`@name`).
//! - [`error_code`]: the stable, machine-readable codes carried by `error` frames.

pub mod api;
pub mod changes;
pub mod decode;
pub mod error_code;
pub mod mentions;
pub mod presence;
pub mod protocol;
pub mod rooms;
pub mod server_decode;
pub mod validate;

pub use changes::{DeleteParams, EditParams, MessageDeleted, MessageEdited};
pub use decode::{DecodeError, decode_client_frame};
pub use error_code::ErrorCode;
pub use mentions::{mention_being_typed, mentions};
pub use presence::{
    Presence, PresenceChange, TYPING_EVERY_MS, TYPING_SHOWN_MS, TypingNotice, TypingParams,
};
pub use protocol::{
    AckParams, CLOSE_NAME_TAKEN, CLOSE_SESSION_ENDED, ChatMessage, ClientFrame,
    DEFAULT_HISTORY_PAGE, ErrorParams, FrameBudget, HistoryPage, HistoryRequest, MAX_HISTORY_PAGE,
    NoParams, PublishParams, ReadMarker, RoomMembers, RoomRef, ServerFrame, Welcome,
};
pub use rooms::{
    LOBBY, MAX_ROOM_NAME_CHARS, Notify, RoomInfo, RoomKind, RoomNameError, is_lobby, lobby,
    validate_room_name,
};
pub use server_decode::decode_server_frame;
pub use validate::{
    DEFAULT_MAX_MESSAGE_CHARS, GUEST_PREFIX, MAX_NAME_CHARS, MAX_NONCE_CHARS, MAX_PASSWORD_BYTES,
    MIN_PASSWORD_CHARS, NonceError, PasswordError, ValidationError, looks_like_a_guest_name,
    name_key, validate_name, validate_nonce, validate_password, validate_text,
};
