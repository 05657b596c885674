//! `read`: an account's read marker moved, and told to all its connections.

use std::collections::HashMap;

use natter_shared::{ErrorCode, ReadMarker, ServerFrame};

use crate::delivery::hub::AccountEvent;
use crate::state::AppState;
use crate::store::accounts::UserId;

/// Moves the account's read marker, and tells all its connections (this one
/// included). The marker cannot pass the newest message, and never moves
/// back: a lower one is ignored, as the store ignores it.
pub(crate) async fn mark_read(
    state: &AppState,
    user: Option<UserId>,
    markers: &HashMap<String, u64>,
    marker: ReadMarker,
) -> Option<String> {
    let user = user?;
    if markers
        .get(&marker.room)
        .is_some_and(|known| marker.id <= *known)
    {
        return None;
    }
    let newest = state.hub.newest();
    if marker.id > newest {
        let message = format!("id={} is beyond the newest message id {newest}", marker.id);
        return Some(ServerFrame::error(ErrorCode::InvalidCursor, message).to_json());
    }
    match state.rooms.mark_read(&marker.room, user, marker.id).await {
        // The marker this connection knows moves when the event comes back,
        // as on every other tab.
        Ok(Some(id)) => {
            state
                .fan_out
                .notify(user, AccountEvent::Read(marker.room, id));
            None
        }
        Ok(None) => Some(ServerFrame::error(ErrorCode::UnknownRoom, "no such room").to_json()),
        Err(error) => Some(
            ServerFrame::error(
                ErrorCode::StoreUnavailable,
                format!("the read marker was not saved: {error}"),
            )
            .to_json(),
        ),
    }
}
