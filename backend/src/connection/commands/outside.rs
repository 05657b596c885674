//! A frame naming a room its sender is not in.

use axum::extract::ws::Utf8Bytes;
use natter_shared::{ErrorCode, ServerFrame};

use crate::connection::commands::encode;
use crate::store::RoomStore;

/// The refusal for a frame naming a room its sender is not in. A public
/// room may be known to exist (anyone signed in can list it); anything else
/// (a direct conversation of others, or nothing at all) gets the same
/// `unknown_room`, so nobody learns which conversations exist.
pub(crate) async fn refuse(rooms: &dyn RoomStore, room: &str, nonce: Option<String>) -> Utf8Bytes {
    let frame = match rooms.is_public(room).await {
        Ok(true) => ServerFrame::error_about(
            ErrorCode::NotAMember,
            "you are not in that room; join it first",
            nonce,
        ),
        Ok(false) => ServerFrame::error_about(ErrorCode::UnknownRoom, "no such room", nonce),
        Err(error) => ServerFrame::error_about(
            ErrorCode::StoreUnavailable,
            format!("rooms are unavailable right now: {error}"),
            nonce,
        ),
    };
    encode(frame)
}
